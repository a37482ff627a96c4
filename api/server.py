"""Runs an app on uvicorn inside the caller's event loop (so the bot can share the process)."""
from __future__ import annotations

import asyncio
import logging

import uvicorn
from fastapi import FastAPI

from api.middleware import ACCESS_LOG


def _ensure_access_log_handler() -> None:
    """Print our JSON request lines to stderr unless the process already configured logging for them."""
    if ACCESS_LOG.level == logging.NOTSET:
        ACCESS_LOG.setLevel(logging.INFO)
    if not ACCESS_LOG.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        ACCESS_LOG.addHandler(handler)
        ACCESS_LOG.propagate = False


async def serve_http(app: FastAPI, host: str, port: int) -> None:
    """Serve until shutdown (signal, or cancellation of this coroutine: it then drains and closes)."""
    _ensure_access_log_handler()
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    try:
        await server.serve()
    except asyncio.CancelledError:
        if server.started:
            server.should_exit = True
            await server.shutdown()
        raise
