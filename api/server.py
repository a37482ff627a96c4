"""Runs an app on uvicorn inside the caller's event loop (so the bot can share the process)."""
from __future__ import annotations

import asyncio
import logging

import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.middleware import ACCESS_LOG

MAX_HEADER_BYTES = 16_384  # h11's limit on a request line plus headers (larger: 400)


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's headers.

    uvicorn's keep-alive timer restarts on every byte received, so a client trickling a request would keep its
    connection forever; this closes a connection whose request line and headers are not complete in time.
    """

    header_timeout = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock for the first request's headers."""
        self._deadline: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._arm()

    def handle_events(self) -> None:
        """Stop the clock once a new request's headers have arrived (the body has its own timeout)."""
        super().handle_events()
        if self._deadline is not None and self.cycle is not self._waiting_for:
            self._disarm()

    def on_response_complete(self) -> None:
        """Start the clock again for the next request on a kept-alive connection."""
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock with the connection."""
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._waiting_for = self.cycle
        self._deadline = self.loop.call_later(self.header_timeout, self._expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being answered
        if not self.transport.is_closing():
            self.transport.close()


def _ensure_access_log_handler() -> None:
    """Print our JSON request lines to stderr unless the process already configured logging for them."""
    if ACCESS_LOG.level == logging.NOTSET:
        ACCESS_LOG.setLevel(logging.INFO)
    if not ACCESS_LOG.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        ACCESS_LOG.addHandler(handler)
        ACCESS_LOG.propagate = False


def server_config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    """uvicorn's settings: proxy headers only from REELQA_TRUSTED_PROXIES (the app applies them), slow-client limits."""
    settings = getattr(getattr(app.state, "context", None), "settings", None)
    header_timeout = settings.header_timeout_seconds if settings else HeaderDeadlineProtocol.header_timeout
    protocol = type("ReelqaH11Protocol", (HeaderDeadlineProtocol,), {"header_timeout": header_timeout})
    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                          timeout_graceful_shutdown=5, http=protocol, proxy_headers=False,
                          forwarded_allow_ips="", timeout_keep_alive=5,
                          h11_max_incomplete_event_size=MAX_HEADER_BYTES)


async def serve_http(app: FastAPI, host: str, port: int) -> None:
    """Serve until shutdown (signal, or cancellation of this coroutine: it then drains and closes)."""
    _ensure_access_log_handler()
    server = uvicorn.Server(server_config(app, host, port))
    try:
        await server.serve()
    except asyncio.CancelledError:
        if server.started:
            server.should_exit = True
            await server.shutdown()
        raise
