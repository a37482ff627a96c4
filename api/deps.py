"""Per-app context and the `Annotated` dependencies routes declare (service, auth, rate limit, admin)."""
from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.compute import ComputeQueue
from api.metrics import ApiMetrics
from api.ratelimit import TokenBucketLimiter, retry_after_header
from rag.errors import InputError
from rag.feedback import FeedbackStore
from rag.schemas import UpdateReport
from rag.service import QAService
from rag.settings import Settings


@dataclass
class AppContext:
    """Everything one app instance shares between its requests."""

    service: QAService
    feedback: FeedbackStore
    settings: Settings
    reindex: Callable[[bool], UpdateReport] | None
    metrics: ApiMetrics
    limiter: TokenBucketLimiter
    compute: ComputeQueue
    reindex_lock: threading.Lock = field(default_factory=threading.Lock)


async def get_context(request: Request) -> AppContext:
    """The context create_app stored on this app."""
    return request.app.state.context


ContextDep = Annotated[AppContext, Depends(get_context)]


def check_length(text: str, settings: Settings, field: str = "question") -> None:
    """InputError (422) when a question or query is longer than REELQA_MAX_QUESTION_CHARS."""
    length, limit = len(" ".join(text.split())), settings.max_question_chars
    if length > limit:
        raise InputError(f"{field} is {length} characters; the limit is {limit} (REELQA_MAX_QUESTION_CHARS): "
                         "ask something shorter")


async def get_service(context: ContextDep) -> QAService:
    """The one shared question-answering service."""
    return context.service


async def get_feedback(context: ContextDep) -> FeedbackStore:
    """The answers-and-feedback store."""
    return context.feedback


ServiceDep = Annotated[QAService, Depends(get_service)]
FeedbackDep = Annotated[FeedbackStore, Depends(get_feedback)]

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="X-API-Key: <API key>")


async def presented_key(bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
                  header_key: Annotated[str | None, Depends(_api_key_header)]) -> str | None:
    """The key the client sent, from `Authorization: Bearer` or `X-API-Key`."""
    if bearer is not None and bearer.credentials:
        return bearer.credentials
    return header_key or None


KeyDep = Annotated[str | None, Depends(presented_key)]


def key_matches(key: str | None, allowed: list) -> bool:
    """Constant-time check of a presented key against configured secrets."""
    if not key:
        return False
    presented = key.encode()
    found = False
    for secret in allowed:
        found |= hmac.compare_digest(presented, secret.get_secret_value().encode())
    return found


async def require_api_key(context: ContextDep, key: KeyDep) -> None:
    """401 unless API keys are off or the request carries a valid (API or admin) key."""
    settings = context.settings
    if not settings.api_keys:
        return
    if not key_matches(key, [*settings.api_keys, *settings.admin_keys]):
        reason = "API key is not valid" if key else "an API key is required"
        raise HTTPException(401, f"{reason}; send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
                            headers={"WWW-Authenticate": "Bearer"})


async def rate_limit(request: Request, context: ContextDep, key: KeyDep) -> None:
    """429 with Retry-After when this client used up its tokens: a valid key has its own bucket, else the IP.

    It runs before the key check, so guessing keys from one address is limited too.
    """
    settings = context.settings
    if key and key_matches(key, [*settings.api_keys, *settings.admin_keys]):
        client = "key:" + hashlib.sha256(key.encode()).hexdigest()[:16]
    else:
        client = "ip:" + (request.client.host if request.client else "unknown")
    wait = context.limiter.acquire(client)
    if wait > 0:
        seconds = retry_after_header(wait)
        raise HTTPException(429, f"rate limit of {settings.rate_limit_per_minute} requests per minute exceeded; "
                                 f"retry in {seconds} s", headers={"Retry-After": seconds})


async def require_admin(context: ContextDep, key: KeyDep) -> None:
    """503 when no admin keys are configured, 403 unless the request carries one."""
    if not context.settings.admin_keys:
        raise HTTPException(503, "re-indexing over HTTP is off; set REELQA_ADMIN_KEYS to enable it")
    if not key_matches(key, context.settings.admin_keys):
        raise HTTPException(403, "re-indexing needs an admin key (REELQA_ADMIN_KEYS)")
