"""Verification of generated answers: each sentence is kept only when the passage it cites supports it."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import numpy as np

from rag.aliases import Glossary
from rag.answer import verify
from rag.claims import Claim, missing_names, missing_quantities, quantities
from rag.embedder import Embedder
from rag.retrieve import IndexView, Span
from rag.schemas import Citation
from rag.text import has_cjk

_CLAUSE = re.compile(r"(?<=[,;:，；：])\s*")

# Calibrated on tests/data/grounding_calibration.jsonl (tests/rag/test_generative_grounding.py): invented claims
# with a passage that supports them or not. English (MiniLM): supported 0.76-0.97, unsupported -0.03-0.58;
# Chinese claim vs English passage (multilingual USE): supported 0.59-0.73, unsupported 0.02-0.34. The English
# floor sits between the groups. Across languages similarity is weak on long sentences (a faithful Chinese claim
# scored 0.25-0.46 against the English sentence it restates), so that floor sits just above the unsupported
# group: there the numbers and names carry most of the check.
SIMILARITY_FLOOR = 0.65
SIMILARITY_FLOOR_CROSS_LINGUAL = 0.35


@dataclass
class Source:
    """A numbered passage given to the model: a chunk of one document and the sentences inside it."""

    n: int
    chunk: Span
    sentences: list[Span]

    def context(self) -> str:
        """What a claim may draw on: the passage with its document's title and date."""
        return f"{self.chunk.title}\n{self.chunk.date}\n{self.chunk.text}"


def sources_for(view: IndexView, chunks: list[Span]) -> list[Source]:
    """Numbered sources for chunks, with the index's own sentence spans inside each."""
    keys = [(s.doc_id, s.start) for s in view.sentences]
    out = []
    for n, chunk in enumerate(chunks, 1):
        i = bisect.bisect_left(keys, (chunk.doc_id, chunk.start))
        inside = []
        while i < len(view.sentences) and view.sentences[i].doc_id == chunk.doc_id \
                and view.sentences[i].start < chunk.end:
            if view.sentences[i].end <= chunk.end:
                inside.append(view.sentences[i])
            i += 1
        out.append(Source(n, chunk, inside))
    return out


@dataclass
class Window:
    """One to three consecutive sentences of a source: a span that can be quoted."""

    source: Source
    start: int
    end: int
    text: str
    size: int


@dataclass
class Verified:
    """The supported sentences with renumbered markers, their citations, and how many sentences were dropped."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    dropped: int = 0
    reasons: list[str] = field(default_factory=list)


class Grounding:
    """Checks claims against their cited sources: facts must appear, and the meaning must be close enough."""

    def __init__(self, embedder: Embedder, multilingual: Embedder | None, glossary: Glossary,
                 floor: float = SIMILARITY_FLOOR, floor_cross: float = SIMILARITY_FLOOR_CROSS_LINGUAL):
        self.embedder, self.multilingual, self.glossary = embedder, multilingual, glossary
        self.floor, self.floor_cross = floor, floor_cross

    def check(self, view: IndexView, claims: list[Claim], sources: list[Source]) -> Verified:
        """Keep each claim its cited sources support; cite the supporting span; renumber markers from 1."""
        by_n = {s.n: s for s in sources}
        kept: list[str] = []
        citations: list[Citation] = []
        numbers: dict[tuple[str, int, int], int] = {}
        reasons: list[str] = []
        for claim in claims:
            cited = [by_n[n] for n in claim.cited if n in by_n]
            support = self._support(claim, cited) if cited else None
            if support is None:
                reasons.append(f"{claim.text!r}: " + ("no existing citation" if not cited else "not supported"))
                continue
            markers = []
            for window, score in support:
                key = (window.source.chunk.doc_id, window.start, window.end)
                if key not in numbers:
                    citation = _citation(view, window, len(citations) + 1, score)
                    if citation is None:
                        continue
                    numbers[key] = citation.n
                    citations.append(citation)
                markers.append(f"[{numbers[key]}]")
            if markers:
                kept.append(_with_markers(claim.text, "".join(dict.fromkeys(markers))))
            else:
                reasons.append(f"{claim.text!r}: quote failed verification")
        joiner = "" if kept and all(has_cjk(k) for k in kept) else " "
        return Verified(joiner.join(kept), citations, len(claims) - len(kept), reasons)

    def _support(self, claim: Claim, cited: list[Source]) -> list[tuple[Window, float]] | None:
        """The best window of each cited source that contributes, or None when the claim is not supported."""
        context = "\n".join(s.context() for s in cited)
        if missing_quantities(quantities(claim.text, strict=True), quantities(context)):
            return None
        if missing_names(claim.text, context, self.glossary):
            return None
        cross = has_cjk(claim.text) != all(has_cjk(s.chunk.text) for s in cited)
        floor = self.floor_cross if cross else self.floor
        found = [self._best_window(claim, source, cross) for source in cited]
        best = [(w, score) for w, score in found if w is not None]
        if not best:
            return None
        similarity = max(score for _, score in best)
        if len(best) > 1:  # a sentence merging several sources
            joined = " ".join(w.text for w, _ in best)
            similarity = max(similarity, float(self._similarity(claim.text, [joined], cross)[0]))
        if similarity < floor:
            return None
        claim_facts = quantities(claim.text, strict=True)
        useful = [(w, s) for w, s in best if s >= floor or claim_facts & quantities(w.text)]
        return useful or best[:1]

    def _best_window(self, claim: Claim, source: Source, cross: bool) -> tuple[Window | None, float]:
        """The smallest span of the source holding the claim's facts (the most similar among equals), and how
        similar the claim is to the source's closest sentence, sentence pair or clause."""
        windows = _windows(source)
        if not windows:
            return None, 0.0
        facts = quantities(claim.text, strict=True)
        texts = [w.text for w in windows]
        clauses = [c for s in source.sentences for c in _CLAUSE.split(s.text) if len(c.split()) >= 4]
        sims = self._similarity(claim.text, texts + clauses, cross)
        sims, clause_sims = sims[: len(texts)], sims[len(texts):]

        def rank(item):
            window, sim = item
            covered = len(facts) - len(missing_quantities(facts, quantities(window.text)))
            return covered, -window.size, sim

        pairs = [(w, s) for w, s in zip(windows, sims) if facts or w.size <= 2]
        window, _ = max(pairs, key=rank) if facts else max(pairs, key=lambda p: p[1])
        closest = [s for w, s in zip(windows, sims) if w.size <= 2] + list(clause_sims)
        return window, float(max(closest))

    def _similarity(self, claim: str, texts: list[str], cross: bool) -> np.ndarray:
        """Cosine similarity of the claim to each text; across languages the multilingual model's, or MiniLM's
        on the claim's names and glossary-translated terms, whichever is higher."""
        if not cross:
            return self._similarities(self.embedder, claim, texts)
        scores = []
        if self.multilingual is not None:
            scores.append(self._similarities(self.multilingual, claim, texts))
        english = " ".join(self.glossary.canonical_names(claim) + self.glossary.translate_terms(claim))
        if english:
            scores.append(self._similarities(self.embedder, english, texts))
        return np.max(scores, axis=0) if scores else np.ones(len(texts))

    @staticmethod
    def _similarities(embedder: Embedder, claim: str, texts: list[str]) -> np.ndarray:
        vectors = embedder.embed([claim, *texts])
        return vectors[1:] @ vectors[0]


def _with_markers(text: str, markers: str) -> str:
    """'Sentence. [1]' as extractive answers write it; Chinese keeps the marker before its full stop."""
    if text[-1:] in "。！？":
        return f"{text[:-1]}{markers}{text[-1]}"
    return f"{text} {markers}"


def _windows(source: Source, longest: int = 3) -> list[Window]:
    sentences = source.sentences
    out = []
    for size in range(1, longest + 1):
        for i in range(len(sentences) - size + 1):
            first, last = sentences[i], sentences[i + size - 1]
            text = " ".join(s.text for s in sentences[i:i + size])
            out.append(Window(source, first.start, last.end, text, size))
    return out


def _citation(view: IndexView, window: Window, n: int, score: float) -> Citation | None:
    chunk = window.source.chunk
    text = view.text(chunk.doc_id)
    citation = Citation(n=n, doc_id=chunk.doc_id, source=chunk.source, title=chunk.title, date=chunk.date,
                        quote=text[window.start:window.end], start=window.start, end=window.end,
                        passage=text[min(chunk.start, window.start):max(chunk.end, window.end)],
                        score=round(score, 4))
    return citation if verify(view, citation) else None
