"""HTTP API fixtures: apps over the session's one loaded service, async clients, a real uvicorn server."""
from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.server import serve_http
from rag.feedback import FeedbackStore
from tests.api.support import client_for

@pytest.fixture
def feedback_store(tmp_path) -> FeedbackStore:
    """A fresh answers-and-feedback database."""
    return FeedbackStore(tmp_path / "feedback.sqlite3")


@pytest.fixture
def make_app(service, feedback_store, settings_for):
    """Build an app over the shared service; keyword arguments override settings (rate limit off by default)."""

    def make(*, service_=None, feedback=None, reindex=None, **overrides):
        overrides.setdefault("rate_limit_per_minute", 0)
        return create_app(service_ or service, feedback or feedback_store, settings_for(**overrides), reindex)

    return make


@pytest.fixture
async def client(make_app):
    """A client of a default app (no API keys, no rate limit)."""
    async with client_for(make_app()) as c:
        yield c


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """`serve_http` running in its own thread and event loop, like `reelqa serve`."""

    def __init__(self, app, port: int):
        self.app, self.port = app, port
        self.url = f"http://127.0.0.1:{port}"
        self._loop = asyncio.new_event_loop()
        self._task: asyncio.Task | None = None
        self._thread = threading.Thread(target=self._run, name="uvicorn", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._task = self._loop.create_task(serve_http(self.app, "127.0.0.1", self.port))
        with contextlib.suppress(asyncio.CancelledError):
            self._loop.run_until_complete(self._task)
        self._loop.close()

    def start(self, timeout: float = 20) -> LiveServer:
        """Start serving and wait until /healthz answers."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            time.sleep(0.05)
        raise RuntimeError(f"uvicorn did not start on {self.url}")

    def stop(self) -> None:
        """Cancel serve_http (it drains and closes the socket) and wait for the thread."""
        if self._task is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(timeout=15)


@pytest.fixture(scope="session")
def live_server(service, settings_for, tmp_path_factory):
    """A real uvicorn server on a free 127.0.0.1 port serving the shared service."""
    feedback = FeedbackStore(Path(tmp_path_factory.mktemp("live")) / "feedback.sqlite3")
    app = create_app(service, feedback, settings_for(rate_limit_per_minute=0))
    server = LiveServer(app, free_port()).start()
    yield server
    server.stop()
