"""The question-answering service every front end calls: validate, resolve, retrieve, answer, cite."""
from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Protocol

from rag.answerers import Answerer, Draft, SentenceSearch
from rag.conversation import NO_EARLIER_TURN, Conversations
from rag.errors import InputError, NotFoundError, ReelqaError
from rag.llm import OutcomeCounts
from rag.retrieve import IndexView
from rag.schemas import Answer, Passage
from rag.store import IndexVersions


class FollowUps(Protocol):
    """Resolves follow-up questions against a conversation's earlier turns and remembers each turn."""

    def resolve(self, conversation_id: str | None, question: str) -> str:
        """The question made standalone."""

    def remember(self, conversation_id: str | None, resolved: str) -> None:
        """Store a resolved question as the conversation's latest turn."""

    def lacks_context(self, conversation_id: str | None, question: str) -> bool:
        """True for a follow-up that needs an earlier turn when the conversation has none."""


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
    """Answers questions from the live index version; picks up a new version without a restart.

    The composition root chooses and injects the parts: the retrieval step, the answerer (extractive or
    generative), the follow-up resolver and, with an LLM, the counter of its request outcomes.
    """

    def __init__(self, versions: IndexVersions, search: SentenceSearch, answerer: Answerer,
                 conversations: FollowUps | None = None, top_k: int = 5, max_question_chars: int = 1000,
                 llm_outcomes: OutcomeCounts | None = None):
        self.versions, self.search_step, self.answerer = versions, search, answerer
        self.retriever = search.retriever
        self.glossary = search.glossary
        self.conversations = conversations or Conversations(search.glossary)
        self.top_k, self.max_question_chars = top_k, max_question_chars
        self.llm_outcomes = llm_outcomes
        self._view: IndexView | None = None
        self._lock = threading.Lock()
        self.counts = {"answered": 0, "abstained": 0}

    def view(self) -> IndexView:
        """The loaded live version, reloaded when the pointer moved (rebuild or rollback).

        One caller loads the new version; the others keep answering from the loaded one instead of all waiting.
        """
        version = self.versions.require_current()
        view = self._view
        if view is not None and view.version == version:
            return view
        if view is None:
            self._lock.acquire()
        elif not self._lock.acquire(blocking=False):
            return view  # another caller is loading the new version: answer from the loaded one meanwhile
        try:
            if self._view is None or self._view.version != version:
                self._view = IndexView(self.versions, version)
            return self._view
        finally:
            self._lock.release()

    def use_view(self, view: IndexView) -> None:
        """Answer from a version loaded elsewhere (e.g. while the models loaded), unless one is loaded already."""
        with self._lock:
            if self._view is None:
                self._view = view

    def validate(self, question: str) -> str:
        """The question with whitespace collapsed, or an InputError saying what is wrong with it."""
        return validate_question(question, self.max_question_chars)

    def ask(self, question: str, top_k: int | None = None, conversation_id: str | None = None) -> Answer:
        """A short answer whose every sentence cites a verified verbatim quote, or a plain abstention."""
        final = None
        for final in self._answer(question, top_k, conversation_id, stream=False):
            pass
        assert isinstance(final, Answer)
        return final

    def ask_stream(self, question: str, top_k: int | None = None,
                   conversation_id: str | None = None) -> Iterator[str | Answer]:
        """The answer as it is produced: zero or more text pieces (`str`, generative mode only), then one `Answer`.

        The final `Answer` is authoritative: verification may drop sentences that were already streamed.
        """
        return self._answer(question, top_k, conversation_id, stream=True)

    def _answer(self, question: str, top_k: int | None, conversation_id: str | None,
                stream: bool) -> Iterator[str | Answer]:
        started = time.perf_counter()
        question = self.validate(question)
        top_k = top_k or self.top_k
        view = self.view()
        if self.conversations.lacks_context(conversation_id, question):
            yield Answer(question=question, answer=NO_EARLIER_TURN, answered=False, index_version=view.version,
                         answer_id=uuid.uuid4().hex, conversation_id=conversation_id, notice="no_earlier_turn")
            return
        resolved = self.conversations.resolve(conversation_id, question)
        found = self.search_step.find(view, resolved, top_k)
        draft = None
        for draft in self.answerer.answer(found, stream=stream):
            if isinstance(draft, str):
                yield draft
        assert isinstance(draft, Draft)
        self.counts["answered" if draft.answered else "abstained"] += 1
        self.conversations.remember(conversation_id, resolved)
        yield Answer(question=question, answer=draft.answer, answered=draft.answered, citations=draft.citations,
                     related=draft.related, index_version=view.version,
                     took_ms=round((time.perf_counter() - started) * 1000, 1), answer_id=uuid.uuid4().hex,
                     conversation_id=conversation_id, resolved_question=resolved if resolved != question else None,
                     mode=draft.mode, dropped_sentences=draft.dropped)

    def search(self, query: str, k: int | None = None) -> list[Passage]:
        """Ranked passages (sentences) for a query, without an answer."""
        query = self.validate(query)
        found = self.search_step.find(self.view(), query, k or self.top_k)
        return [s.sentence.passage(s.score) for s in found.scored[: found.top_k]]

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
