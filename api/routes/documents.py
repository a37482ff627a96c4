"""GET /v1/search (ranked passages) and GET /v1/documents/{doc_id} (metadata and text)."""
from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Path, Query

from api.deps import ContextDep, ServiceDep, check_length
from api.routes import error_responses
from api.schemas import NON_BLANK, DocumentResponse, SearchResponse

router = APIRouter(prefix="/v1", tags=["documents"])


@router.get("/search", response_model=SearchResponse, responses=error_responses(422, 503),
            summary="Rank passages for a query")
async def search(service: ServiceDep, context: ContextDep,
                 q: Annotated[str, Query(min_length=1, pattern=NON_BLANK, description="the query")],
                 k: Annotated[int | None, Query(ge=1, le=20, description="passages to return")] = None
                 ) -> SearchResponse:
    """The k passages (sentences) closest to the query, best first."""
    check_length(q, context.settings, "query")
    k = k or service.top_k
    passages = await context.compute.run(service.search, q, k)
    return SearchResponse(query=q, k=k, passages=passages)


@router.get("/documents/{doc_id}", response_model=DocumentResponse, responses=error_responses(404, 503),
            summary="Get a document's metadata and text")
async def document(service: ServiceDep,
                   doc_id: Annotated[str, Path(description="a citation's doc_id")]) -> DocumentResponse:
    """Metadata and full text of an indexed document (citation offsets point into this text)."""
    meta, text = await to_thread.run_sync(service.document, doc_id)
    return DocumentResponse(doc_id=doc_id, meta=meta, text=text)
