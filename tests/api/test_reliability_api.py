"""Issue 8 over HTTP: damaged pointer, deleted feedback database, spoofed X-Forwarded-For, slow clients."""
from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from rag.feedback import FeedbackStore
from rag.store import IndexVersions
from tests.api.support import DEV_QUESTION, LiveServer, client_for, free_port


@pytest.fixture
def damaged_data_dir(data_dir):
    """A data folder whose pointer file holds garbage (a good version is still on disk)."""
    IndexVersions(data_dir).pointer_path.write_text("[]")
    return data_dir


async def test_a_damaged_pointer_makes_readyz_503_with_the_fix_and_no_500(damaged_data_dir, make_service, make_app,
                                                                          settings_for):
    app = make_app(service_=make_service(damaged_data_dir), data_dir=damaged_data_dir)
    async with client_for(app) as c:
        ready = await c.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["error"].startswith("not ready: index pointer") and "reelqa index update" in \
            ready.json()["error"]
        ask = await c.post("/v1/ask", json={"question": DEV_QUESTION})
        assert ask.status_code == 503 and "reelqa index update" in ask.json()["error"]
        assert (await c.get("/metrics")).status_code == 200


async def test_a_server_keeps_answering_from_its_good_version_when_the_pointer_is_damaged(data_dir, make_service,
                                                                                          make_app):
    service = make_service(data_dir)
    async with client_for(make_app(service_=service, data_dir=data_dir)) as c:
        version = (await c.get("/readyz")).json()["version"]
        IndexVersions(data_dir).pointer_path.write_text("")
        assert (await c.get("/readyz")).status_code == 200
        body = (await c.post("/v1/ask", json={"question": DEV_QUESTION})).json()
        assert body["answered"] and body["index_version"] == version


async def test_deleting_the_feedback_database_while_serving_is_survived(make_app, tmp_path):
    path = tmp_path / "feedback.sqlite3"
    store = FeedbackStore(path)
    async with client_for(make_app(feedback=store)) as c:
        assert (await c.post("/v1/ask", json={"question": DEV_QUESTION})).status_code == 200
        for leftover in tmp_path.glob("feedback.sqlite3*"):
            leftover.unlink()
        ask = await c.post("/v1/ask", json={"question": DEV_QUESTION})
        assert ask.status_code == 200
        assert (await c.get("/readyz")).status_code == 200
        given = await c.post("/v1/feedback", json={"answer_id": ask.json()["answer_id"], "helpful": True})
        assert given.status_code == 201 and path.exists()


async def test_readyz_tells_the_truth_when_the_feedback_database_cannot_be_recreated(make_app, tmp_path):
    path = tmp_path / "feedback.sqlite3"
    async with client_for(make_app(feedback=FeedbackStore(path))) as c:
        path.unlink()
        path.mkdir()  # something else now sits where the database was: it can't be recreated
        assert (await c.post("/v1/ask", json={"question": DEV_QUESTION})).status_code == 200
        ready = await c.get("/readyz")
        assert ready.status_code == 503 and "feedback database" in ready.json()["error"]
        path.rmdir()
        assert (await c.get("/readyz")).status_code == 200, "recreated once it is possible again"


def _guess(url: str, spoofed: str) -> int:
    return httpx.get(f"{url}/v1/search", params={"q": "users"}, headers={"X-API-Key": "wrong",
                                                                          "X-Forwarded-For": spoofed}).status_code


@pytest.mark.integration
def test_x_forwarded_for_from_an_untrusted_peer_does_not_evade_the_rate_limit(make_app, tmp_path):
    app = make_app(api_keys="right", rate_limit_per_minute=3, feedback=FeedbackStore(tmp_path / "f.sqlite3"))
    server = LiveServer(app, free_port()).start()
    try:
        statuses = [_guess(server.url, f"10.0.0.{i}") for i in range(6)]
    finally:
        server.stop()
    assert statuses[:3] == [401, 401, 401] and statuses[3:] == [429, 429, 429]


async def test_a_trusted_proxy_sets_the_client_address_for_the_rate_limit(make_app):
    app = make_app(api_keys="right", rate_limit_per_minute=2, trusted_proxies="127.0.0.1")
    async with client_for(app) as c:
        async def guess(address: str) -> int:
            return (await c.get("/v1/search", params={"q": "users"},
                                headers={"X-API-Key": "wrong", "X-Forwarded-For": address})).status_code

        assert [await guess("10.0.0.1") for _ in range(3)] == [401, 401, 429]
        assert await guess("10.0.0.2") == 401, "another client behind the proxy has its own bucket"
    async with client_for(app, client_ip="192.0.2.9") as c:  # not a trusted proxy: its header is ignored
        statuses = [(await c.get("/v1/search", params={"q": "users"},
                                 headers={"X-API-Key": "wrong", "X-Forwarded-For": f"10.1.0.{i}"})).status_code
                    for i in range(3)]
        assert statuses == [401, 401, 429]


@pytest.fixture
def slow_server(make_app, tmp_path):
    """A real server with 1-second header and body timeouts."""
    app = make_app(header_timeout_seconds=1, body_timeout_seconds=1, feedback=FeedbackStore(tmp_path / "f.db"))
    server = LiveServer(app, free_port()).start()
    yield server
    server.stop()


def _closed_by_server(sock: socket.socket, trickle: bytes) -> tuple[bool, int, bytes]:
    """Send `trickle` one byte at a time (0.2 s apart) until the server closes; (closed, bytes sent, reply)."""
    sock.settimeout(0.2)
    sent, reply = 0, b""
    for byte in trickle:
        try:
            sock.sendall(bytes([byte]))
            sent += 1
            chunk = sock.recv(4096)
            if not chunk:
                return True, sent, reply
            reply += chunk
        except TimeoutError:
            continue
        except OSError:
            return True, sent, reply
    return False, sent, reply


@pytest.mark.integration
def test_a_client_trickling_its_headers_is_disconnected(slow_server):
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 400 + b"\r\n\r\n"
    with socket.create_connection(("127.0.0.1", slow_server.port)) as sock:
        closed, sent, reply = _closed_by_server(sock, request)
    assert closed and sent < len(request) and reply == b""


@pytest.mark.integration
def test_idle_connections_are_closed_and_many_slow_clients_do_not_stay_open(slow_server):
    socks = [socket.create_connection(("127.0.0.1", slow_server.port)) for _ in range(50)]
    try:
        for sock in socks:
            sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        for sock in socks:
            sock.settimeout(30)
            try:
                reply = sock.recv(4096)
            except ConnectionResetError:
                reply = b""
            assert reply == b"", "the server closed the half-sent request"
    finally:
        for sock in socks:
            sock.close()
    assert httpx.get(f"{slow_server.url}/healthz").status_code == 200


@pytest.mark.integration
def test_a_stalled_request_body_gets_408(slow_server):
    with socket.create_connection(("127.0.0.1", slow_server.port)) as sock:
        sock.sendall(b"POST /v1/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 200\r\n\r\n{\"question\": ")
        sock.settimeout(30)
        reply = b""
        started = time.monotonic()
        while b"\r\n\r\n" not in reply and time.monotonic() - started < 30:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 408"), reply[:200]



class _Counting:
    """The real service; records how many asks run at the same time."""

    def __init__(self, inner):
        self.inner, self.top_k = inner, inner.top_k
        self.running = self.most = 0
        self.lock = threading.Lock()

    def ask(self, *args, **kwargs):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(0.2)
            return self.inner.ask(*args, **kwargs)
        finally:
            with self.lock:
                self.running -= 1


@pytest.mark.integration
def test_serve_computes_at_most_worker_threads_requests_at_once(make_app, service, tmp_path):
    counting = _Counting(service)
    app = make_app(service_=counting, worker_threads=2, feedback=FeedbackStore(tmp_path / "f.db"))
    server = LiveServer(app, free_port()).start()
    try:
        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda _: httpx.post(f"{server.url}/v1/ask", json={"question": DEV_QUESTION},
                                                         timeout=120), range(8)))
    finally:
        server.stop()
    assert all(r.status_code == 200 for r in replies)
    assert counting.most == 2
