"""POST /v1/admin/reindex: update the index from the corpus folder (admin key only)."""
from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Depends, HTTPException

from api.deps import ContextDep, require_admin
from api.routes import error_responses
from rag.errors import IndexBusyError
from rag.schemas import UpdateReport

router = APIRouter(prefix="/v1", tags=["admin"], dependencies=[Depends(require_admin)])


@router.post("/admin/reindex", response_model=UpdateReport, responses=error_responses(403, 409, 500, 503),
             summary="Re-index the corpus (incremental)")
async def reindex(context: ContextDep) -> UpdateReport:
    """Run an incremental index update in a worker thread; the new version goes live atomically."""
    if context.reindex is None:
        raise HTTPException(503, "re-indexing is not available in this process; run `reelqa index update`")
    if not context.reindex_lock.acquire(blocking=False):
        raise IndexBusyError("a re-index is already running in this server; try again when it finishes")
    try:
        return await to_thread.run_sync(context.reindex, False)
    finally:
        context.reindex_lock.release()
