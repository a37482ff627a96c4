"""Thin route modules; `error_responses` documents their error statuses in the OpenAPI schema."""
from __future__ import annotations

from typing import Any

from api.schemas import ErrorResponse

ERROR_DESCRIPTIONS = {
    401: "API keys are configured and the request carries no valid key",
    403: "the key is not an admin key",
    404: "no such document or answer",
    409: "the index is being written by another process or request",
    413: "the request body is larger than REELQA_MAX_BODY_BYTES",
    422: "a field is missing or invalid (the message names it)",
    429: "this client exceeded REELQA_RATE_LIMIT_PER_MINUTE; see the Retry-After header",
    500: "the new index version failed its checks; the previous one stays live",
    503: "no index is built yet (or the feature is not configured)",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for error statuses, all with the `{"error": ...}` body."""
    return {status: {"model": ErrorResponse, "description": ERROR_DESCRIPTIONS[status]} for status in statuses}
