"""ASGI middleware: request ids, one JSON log line and metrics per request, the body size limit."""
from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response
from api.metrics import ApiMetrics

ACCESS_LOG = logging.getLogger("reelqa.http")
REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")


def route_label(scope: Scope) -> str:
    """The route template a request matched (bounded label values), not its raw path."""
    route = scope.get("route")
    if route is not None and getattr(route, "path", None):
        return route.path
    if scope.get("path", "").startswith("/static/"):
        return "/static"
    return "unmatched"


class RequestContextMiddleware:
    """Gives every request an id (honouring X-Request-ID), logs it as one JSON line and counts it."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started, status = time.perf_counter(), 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started, status = True, message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:  # noqa: BLE001 - the last line of defence: log it, answer one JSON line
            ACCESS_LOG.exception(json.dumps({"event": "unhandled_error", "request_id": request_id,
                                             "path": scope.get("path")}))
            if not response_started:
                reply = error_response(500, f"internal error (request id {request_id}); "
                                            "the server log has the details")
                await reply(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = route_label(scope)
            self.metrics.observe_request(route, scope["method"], status, seconds)
            self._log(scope, request_id, route, status, seconds)

    @staticmethod
    def _log(scope: Scope, request_id: str, route: str, status: int, seconds: float) -> None:
        if not ACCESS_LOG.isEnabledFor(logging.INFO):  # e.g. REELQA_LOG_LEVEL=WARNING: no line to build
            return
        client = scope.get("client")
        line = {"ts": round(time.time(), 3), "event": "request", "request_id": request_id,
                "method": scope["method"], "path": scope.get("path"), "route": route, "status": status,
                "duration_ms": round(seconds * 1000, 1), "client": client[0] if client else None}
        line.update(scope.get("state", {}).get("log_fields", {}))
        ACCESS_LOG.info(json.dumps(line, ensure_ascii=False))


class BodyLimitMiddleware:
    """Answers 413 when a request body is larger than `max_bytes` (declared or actually sent)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    def _message(self) -> str:
        return (f"request body is larger than {self.max_bytes} bytes (REELQA_MAX_BODY_BYTES); "
                "send a shorter question or comment")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await error_response(413, self._message())(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, self._message())
            return message

        await self.app(scope, counting_receive, send)


class BodyTimeoutMiddleware:
    """Answers 408 when a client stops sending its request body for `seconds` (slow or stalled uploads)."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body_done = False

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:  # later reads only wait for a disconnect (streaming responses): no deadline
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.seconds)
            except TimeoutError:
                raise HTTPException(408, f"the request body did not arrive within {self.seconds:g} s; "
                                         "send it at once") from None
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await self.app(scope, timed_receive, send)
