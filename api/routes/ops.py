"""Operations: GET /healthz (alive), GET /readyz (index loaded), GET /metrics (Prometheus)."""
from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Depends, Response
from prometheus_client import CONTENT_TYPE_LATEST

from api.deps import ContextDep, ServiceDep, require_api_key
from api.routes import error_responses
from api.schemas import Health, Readiness
from rag.errors import IndexMissingError, ReelqaError, StorageError

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health, summary="Liveness")
async def healthz() -> Health:
    """Always 200 while the process serves requests."""
    return Health()


@router.get("/readyz", response_model=Readiness, responses=error_responses(503), summary="Readiness")
async def readyz(service: ServiceDep, context: ContextDep) -> Readiness:
    """200 with the live index version once an index is loaded and answers can be recorded; 503 and why otherwise."""
    try:
        status = await to_thread.run_sync(service.status)
    except IndexMissingError as err:
        raise IndexMissingError(f"not ready: {err}") from None
    problem = await to_thread.run_sync(context.feedback.check)
    if problem:
        raise StorageError(f"not ready: {problem}")
    return Readiness(version=status["version"], documents=status["documents"], chunks=status["chunks"])


@router.get("/metrics", dependencies=[Depends(require_api_key)], response_class=Response,
            responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}},
                             "description": "Prometheus text format"}, **error_responses(401)},
            summary="Prometheus metrics")
async def metrics(context: ContextDep) -> Response:
    """Request counts and latencies by route, answer outcomes and the live index version."""
    try:
        status = await to_thread.run_sync(context.service.status)
    except ReelqaError:
        status = None
    context.metrics.set_index(status)
    return Response(context.metrics.render(), media_type=CONTENT_TYPE_LATEST)
