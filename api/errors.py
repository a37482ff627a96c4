"""The one place errors become HTTP responses: `{"error": "<one clear line>"}`, never a traceback."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from rag.errors import (
    ConfigError,
    IndexBusyError,
    IndexCheckError,
    IndexMissingError,
    InputError,
    NotFoundError,
    ReelqaError,
)

# Most specific first: the first class an error is an instance of decides its status.
STATUS_BY_ERROR: list[tuple[type[ReelqaError], int]] = [
    (NotFoundError, 404),
    (InputError, 422),
    (IndexBusyError, 409),
    (IndexMissingError, 503),
    (ConfigError, 503),
    (IndexCheckError, 500),
]

_FRIENDLY = {
    "missing": "is required",
    "string_too_short": "must not be empty",
    "string_pattern_mismatch": "must contain a non-space character",
    "extra_forbidden": "is not a known field",
}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON error body every failure uses."""
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def status_for(err: ReelqaError) -> int:
    """The HTTP status a reelqa error maps to."""
    return next((status for cls, status in STATUS_BY_ERROR if isinstance(err, cls)), 500)


def describe_validation(exc: RequestValidationError) -> str:
    """One line naming the first invalid field and what is wrong with it."""
    errors = exc.errors()
    if not errors:
        return "the request is invalid"
    first = errors[0]
    loc = [str(part) for part in first.get("loc", ())]
    where, field = (loc[0] if loc else "request"), ".".join(loc[1:])
    kind = first.get("type", "")
    if kind == "json_invalid":
        return "the request body is not valid JSON; send a JSON object"
    if where == "body" and not field:
        return "the request body is missing or not a JSON object; send a JSON object"
    message = _FRIENDLY.get(kind) or first.get("msg", "is invalid")
    extra = f" ({len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return f"{where} field '{field or where}' {message[0].lower()}{message[1:]}{extra}"


async def _reelqa_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ReelqaError)
    return error_response(status_for(exc), str(exc) or type(exc).__name__)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, describe_validation(exc))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    message, status = str(exc.detail), exc.status_code
    if status == 400 and "parsing the body" in message:  # FastAPI's reply to undecodable (non-UTF-8) bodies
        return error_response(422, "the request body is not valid UTF-8 JSON; send a JSON object")
    if status == 404 and message == "Not Found":
        message = f"no endpoint at {request.url.path}; the API is described at /docs"
    elif status == 405:
        message = f"{request.method} is not allowed on {request.url.path}; the API is described at /docs"
    return error_response(status, message, dict(exc.headers or {}))


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that translate every expected error into a JSON status."""
    app.add_exception_handler(ReelqaError, _reelqa_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
