"""The question-answering service every front end calls: validate, resolve, retrieve, answer, cite."""
from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

from rag.aliases import Glossary
from rag.answer import NOT_COVERED, AnswerParams, ExtractiveAnswerer
from rag.conversation import Conversations
from rag.embedder import Embedder
from rag.errors import InputError, NotFoundError, ReelqaError
from rag.question import analyse
from rag.retrieve import HybridRetriever, IndexView
from rag.schemas import Answer, Passage
from rag.store import IndexVersions


def validate_question(question: str, max_chars: int) -> str:
    """The question with whitespace collapsed, or an InputError saying what is wrong with it."""
    if not isinstance(question, str) or not question.strip():
        raise InputError("question is empty; type a question about the documents")
    question = " ".join(question.split())
    if len(question) > max_chars:
        raise InputError(f"question is {len(question)} characters; the limit is {max_chars} "
                         "(REELQA_MAX_QUESTION_CHARS): ask something shorter")
    return question


class QAService:
    """Answers questions from the live index version; picks up a new version without a restart."""

    def __init__(self, versions: IndexVersions, embedder: Embedder, multilingual: Embedder | None,
                 glossary: Glossary, conversations: Conversations | None = None,
                 params: AnswerParams | None = None, top_k: int = 5, max_question_chars: int = 1000):
        self.versions, self.glossary = versions, glossary
        self.retriever = HybridRetriever(embedder, multilingual)
        self.answerer = ExtractiveAnswerer(params)
        self.conversations = conversations or Conversations(glossary)
        self.top_k, self.max_question_chars = top_k, max_question_chars
        self._view: IndexView | None = None
        self._lock = threading.Lock()
        self.counts = {"answered": 0, "abstained": 0}

    def view(self) -> IndexView:
        """The loaded live version, reloaded when the pointer moved (rebuild or rollback)."""
        version = self.versions.require_current()
        view = self._view
        if view is None or view.version != version:
            with self._lock:
                if self._view is None or self._view.version != version:
                    self._view = IndexView(self.versions, version)
                view = self._view
        return view

    def validate(self, question: str) -> str:
        """The question with whitespace collapsed, or an InputError saying what is wrong with it."""
        return validate_question(question, self.max_question_chars)

    def ask(self, question: str, top_k: int | None = None, conversation_id: str | None = None) -> Answer:
        """A short answer whose every sentence cites a verified verbatim quote, or a plain abstention."""
        started = time.perf_counter()
        question = self.validate(question)
        top_k = top_k or self.top_k
        view = self.view()
        resolved = self.conversations.resolve(conversation_id, question)
        scored, info = self._scored(view, resolved)
        chosen = self.answerer.pick(info, scored)
        citations = self.answerer.cite(view, chosen)[:top_k]
        answered = bool(citations)
        self.counts["answered" if answered else "abstained"] += 1
        self.conversations.remember(conversation_id, resolved)
        return Answer(question=question, answer=self.answerer.compose(chosen, citations) if answered else NOT_COVERED,
                      answered=answered, citations=citations,
                      related=[] if answered else self.answerer.related(view, scored, min(top_k, 3)),
                      index_version=view.version, took_ms=round((time.perf_counter() - started) * 1000, 1),
                      answer_id=uuid.uuid4().hex, conversation_id=conversation_id,
                      resolved_question=resolved if resolved != question else None)

    def ask_stream(self, question: str, top_k: int | None = None,
                   conversation_id: str | None = None) -> Iterator[str | Answer]:
        """The answer as it is produced: zero or more text pieces (`str`, generative mode only), then one `Answer`.

        The final `Answer` is authoritative: verification may drop sentences that were already streamed.
        """
        yield self.ask(question, top_k, conversation_id)

    def search(self, query: str, k: int | None = None) -> list[Passage]:
        """Ranked passages (sentences) for a query, without an answer."""
        query = self.validate(query)
        view = self.view()
        scored, _ = self._scored(view, query)
        return [s.sentence.passage(s.score) for s in scored[: k or self.top_k]]

    def _scored(self, view: IndexView, question: str):
        info = analyse(question, self.glossary)
        dense_query = " ".join([self.glossary.rewrite(question), *self.glossary.translate_terms(question)])
        lexical_query = self.glossary.expand(question)
        # The multilingual model reads every question as asked: it finds Chinese passages for English questions
        # and the reverse.
        candidates = self.retriever.candidates(view, dense_query, lexical_query, question)
        return self.answerer.score(info, view, candidates), info

    def document(self, doc_id: str) -> tuple[dict, str]:
        """Metadata and loaded text of an indexed document."""
        view = self.view()
        meta = view.documents().get(doc_id)
        if meta is None:
            raise NotFoundError(f"document {doc_id!r} is not in index version {view.version}")
        return meta, view.text(doc_id)

    def status(self) -> dict:
        """Live version, counts and answer tallies (for /readyz, /status and metrics)."""
        view = self.view()
        counts = view.manifest.get("counts", {})
        return {"version": view.version, "documents": len(view.manifest["documents"]),
                "chunks": counts.get("chunks", 0), "sentences": counts.get("sentences", 0),
                "built_at": view.manifest.get("built_at", ""), **self.counts}


__all__ = ["QAService", "ReelqaError"]
