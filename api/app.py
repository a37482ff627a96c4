"""Builds the HTTP app around one shared QAService and FeedbackStore (no module-level state)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.compute import ComputeQueue
from api.deps import AppContext, rate_limit, require_api_key
from api.errors import install_error_handlers
from api.metrics import ApiMetrics
from api.middleware import (
    REQUEST_ID_HEADER,
    BodyLimitMiddleware,
    BodyTimeoutMiddleware,
    RequestContextMiddleware,
)
from api.ratelimit import TokenBucketLimiter
from api.routes import admin, ask, documents, error_responses, library, ops, web
from api.routes import feedback as feedback_routes
from rag.feedback import FeedbackStore
from rag.schemas import UpdateReport
from rag.service import QAService
from rag.settings import Settings

DESCRIPTION = """Cited question answering over the reelqa corpus.

Every sentence of an answer cites a verbatim quote: `quote == document.text[start:end]`.
Errors are always `{"error": "<one clear line>"}`. When API keys are configured, send
`Authorization: Bearer <key>` or `X-API-Key: <key>`."""


def create_app(service: QAService, feedback: FeedbackStore, settings: Settings,
               reindex: Callable[[bool], UpdateReport] | None = None) -> FastAPI:
    """A FastAPI app serving the API, ops endpoints and web page over the given service."""
    app = FastAPI(title="reelqa", version="1", description=DESCRIPTION, docs_url=None, redoc_url=None)
    metrics = ApiMetrics()
    if getattr(service, "llm_outcomes", None) is not None:  # a chat model is configured
        metrics.track_llm(service.llm_outcomes.snapshot)
    app.state.context = AppContext(service=service, feedback=feedback, settings=settings, reindex=reindex,
                                   metrics=metrics, limiter=TokenBucketLimiter(settings.rate_limit_per_minute),
                                   compute=ComputeQueue(settings.worker_threads))
    install_error_handlers(app)

    app.state.library = library.LibraryCache()
    for module in (ask, documents, feedback_routes, admin, library):  # every /v1 route: rate limit, then API key
        app.include_router(module.router, dependencies=[Depends(rate_limit), Depends(require_api_key)],
                           responses=error_responses(401, 429))
    app.include_router(ops.router)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    app.mount(web.DOCS_ASSETS, StaticFiles(directory=web.swagger_assets_dir()), name="docs-assets")

    # Added last = outermost: every response (even 413 and 500) gets a request id, a log line and metrics.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type", "X-API-Key", REQUEST_ID_HEADER],
                           expose_headers=[REQUEST_ID_HEADER, "Retry-After"])
    app.add_middleware(BodyTimeoutMiddleware, seconds=settings.body_timeout_seconds)
    app.add_middleware(RequestContextMiddleware, metrics=metrics)
    if settings.trusted_proxies:  # only these peers may set the client address (logs, rate limits)
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.openapi = lambda: _openapi(app, settings)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI, settings: Settings) -> dict[str, Any]:
    """The generated schema, adjusted to the settings: the question length limit; keys optional when unset."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description,
                             routes=app.routes)
        if not settings.api_keys:  # open server: an empty requirement makes the key optional
            for path, item in schema["paths"].items():
                for operation in item.values():
                    if "security" in operation and not path.startswith("/v1/admin/"):
                        operation["security"].append({})
        question = schema["components"]["schemas"]["AskRequest"]["properties"]["question"]
        question["maxLength"] = settings.max_question_chars
        for parameter in schema["paths"]["/v1/search"]["get"]["parameters"]:
            if parameter["name"] == "q":
                parameter["schema"]["maxLength"] = settings.max_question_chars
        app.openapi_schema = schema
    return app.openapi_schema
