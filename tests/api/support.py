"""Helpers shared by the HTTP API tests."""
from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time

import httpx

from api.server import serve_http

DEV_QUESTION = "How many paying users does Jimeng have?"


def parse_sse(body: str) -> list[tuple[str, dict]]:
    """(event name, JSON data) pairs of a server-sent-events body, in order."""
    events = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[len("event:"):].strip()
            elif line.startswith("data:"):
                data.append(line[len("data:"):].lstrip(" "))
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events


def client_for(app, client_ip: str = "127.0.0.1") -> httpx.AsyncClient:
    """An in-process client for an app (no network)."""
    transport = httpx.ASGITransport(app=app, client=(client_ip, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://reelqa.test", timeout=30)


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
        leftovers = asyncio.all_tasks(self._loop)  # e.g. sse-starlette's shutdown watcher
        for task in leftovers:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
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
