"""HTTP API fixtures: apps over the session's one loaded service, async clients, a real uvicorn server."""
from __future__ import annotations

from pathlib import Path

import pytest

from api.app import create_app
from rag.feedback import FeedbackStore
from tests.api.support import LiveServer, client_for, free_port


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


@pytest.fixture(scope="session")
def live_server(service, settings_for, tmp_path_factory):
    """A real uvicorn server on a free 127.0.0.1 port serving the shared service."""
    feedback = FeedbackStore(Path(tmp_path_factory.mktemp("live")) / "feedback.sqlite3")
    app = create_app(service, feedback, settings_for(rate_limit_per_minute=0))
    server = LiveServer(app, free_port()).start()
    yield server
    server.stop()
