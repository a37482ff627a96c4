"""The generative answerer: an LLM writes from numbered passages, every sentence is verified, faults fall back."""
from __future__ import annotations

import logging
from collections.abc import Iterator

from rag.answerers import Draft, Extractive, Found
from rag.claims import split_claims
from rag.grounding import Grounding, Source, sources_for
from rag.llm import LlmClient, LlmFault
from rag.prompt import PromptPassage, answer_messages
from rag.retrieve import Span

log = logging.getLogger("reelqa.llm")


class Generative:
    """Answers with a chat model over the best passages; keeps only verified sentences, else the extractive answer."""

    def __init__(self, client: LlmClient, grounding: Grounding, fallback: Extractive):
        self.client, self.grounding, self.fallback = client, grounding, fallback

    def answer(self, found: Found, stream: bool = False) -> Iterator[str | Draft]:
        """The model's text pieces as they arrive (when streaming), then the verified `Draft`."""
        sources = sources_for(found.view, self._chunks(found))
        if not sources:
            yield self.fallback.draft(found)
            return
        messages = answer_messages(found.question, [PromptPassage(s.n, s.chunk.title, s.chunk.date, s.chunk.text)
                                                    for s in sources])
        pieces: list[str] = []
        try:
            for piece in self.client.stream(messages, "answer", chunked=stream):
                pieces.append(piece)
                if stream:
                    yield piece
        except LlmFault:
            yield self.fallback.draft(found)
            return
        yield self._verified(found, "".join(pieces), sources)

    def _verified(self, found: Found, text: str, sources: list[Source]) -> Draft:
        claims = split_claims(text)
        checked = self.grounding.check(found.view, claims, sources)
        if checked.reasons:
            log.info("dropped %d of %d generated sentences: %s", checked.dropped, len(claims),
                     "; ".join(checked.reasons))
        if not checked.citations:
            draft = self.fallback.draft(found)
            draft.dropped = checked.dropped
            return draft
        return Draft(checked.text, True, checked.citations, mode="generative", dropped=checked.dropped)

    def _chunks(self, found: Found) -> list[Span]:
        """The chunks around the best-scored sentences, one per chunk, best first (top_k of them)."""
        seen: set[str] = set()
        chunks: list[Span] = []
        for scored in found.scored:
            sentence = scored.sentence
            chunk = found.view.chunk_around(sentence.doc_id, sentence.start, sentence.end)
            if chunk is None or chunk.id in seen:
                continue
            seen.add(chunk.id)
            chunks.append(chunk)
            if len(chunks) >= found.top_k:
                break
        return chunks
