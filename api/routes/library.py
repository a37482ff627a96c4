"""GET /v1/library (indexed documents, what they cover, example questions) and GET /v1/admin/gaps (admins)."""
from __future__ import annotations

import threading
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel

from api.deps import ContextDep, FeedbackDep, KeyDep, ServiceDep, key_matches
from api.routes import error_responses
from rag.library import Library, candidate_questions, list_documents, pick_examples, topics
from rag.service import QAService

router = APIRouter(prefix="/v1", tags=["library"])


class LibraryCache:
    """The library of the live index version, built once per version (example questions are checked)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._built: Library | None = None

    def get(self, service: QAService) -> Library:
        """The cached library, rebuilt when the live version changed."""
        view = service.view()
        with self._lock:
            if self._built is None or self._built.version != view.version:
                self._built = _build(service, view)
            return self._built


def _build(service: QAService, view) -> Library:
    documents = list_documents(view.documents(), view.text)
    texts = [view.text(d.doc_id) for d in documents]
    examples = pick_examples(candidate_questions(texts, service.glossary), service.ask)
    return Library(version=view.version, built_at=view.manifest.get("built_at", ""), documents=documents,
                   topics=topics(texts, service.glossary), examples=examples)


async def get_library_cache(request: Request) -> LibraryCache:
    """The app's library cache (created by create_app)."""
    return request.app.state.library


class Gap(BaseModel):
    """A question people asked that the documents did not answer, or whose answer was marked unhelpful."""

    question: str
    asked: int
    unanswered: int
    unhelpful: int
    helpful: int = 0
    channels: str | None = None


async def require_admin_key(context: ContextDep, key: KeyDep) -> None:
    """403 unless the request carries an admin key (always 403 when the server has none configured)."""
    if not context.settings.admin_keys:
        raise HTTPException(403, "knowledge gaps are shown only to admins, and this server has no admin key set")
    if not key_matches(key, context.settings.admin_keys):
        raise HTTPException(403, "knowledge gaps are shown only with an admin key")


@router.get("/library", response_model=Library, responses=error_responses(503), summary="List indexed documents")
async def library(service: ServiceDep, cache: Annotated[LibraryCache, Depends(get_library_cache)]) -> Library:
    """The live index version, its documents (title, date, source, language, chunks) and example questions."""
    return await to_thread.run_sync(cache.get, service)


@router.get("/admin/gaps", response_model=list[Gap], dependencies=[Depends(require_admin_key)],
            responses=error_responses(403), summary="Knowledge gaps (admin key)")
async def gaps(feedback: FeedbackDep,
               limit: Annotated[int, Query(ge=1, le=200, description="most questions to return")] = 20
               ) -> list[Gap]:
    """What `reelqa report` prints: questions most often unanswered or marked unhelpful, worst first."""
    rows = await to_thread.run_sync(feedback.report, limit)
    return [Gap(**row) for row in rows]
