"""Fake chat-model servers on 127.0.0.1 speaking the real wire protocols, replaying scripted replies.

`OpenAIFake` serves POST /v1/chat/completions (a JSON completion, or `stream: true` server-sent events ending in
`data: [DONE]`); `OllamaFake` serves POST /api/chat (streamed NDJSON, or one JSON object with `stream: false`).
Real `ChatOpenAI` / `ChatOllama` clients talk to them over HTTP. A reply is scripted as a `Reply`, or as a
callable that receives the request (its messages) and returns one, so a reply can cite the passage numbers
the prompt actually gave. Every request body is kept in `requests`.
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """One scripted reply: text (sent in `pieces` when streamed), an HTTP error, a delay, or a broken body."""

    text: str = ""
    pieces: list[str] | None = None
    status: int = 200
    delay: float = 0.0
    piece_delay: float = 0.0
    raw: str | None = None  # sent as-is instead of a well-formed body (e.g. invalid JSON)

    def chunks(self) -> list[str]:
        """The pieces to stream: as scripted, else words with their following spaces."""
        return self.pieces if self.pieces is not None else re.findall(r"\S+\s*|\s+", self.text)


Script = Callable[[dict], Reply]


def passage_number(request: dict, needle: str) -> int | None:
    """The number of the prompt passage whose text contains `needle` (how a scripted reply cites correctly)."""
    prompt = "\n".join(str(m.get("content", "")) for m in request.get("messages", []))
    for match in re.finditer(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', prompt, re.DOTALL):
        if needle in match.group(2):
            return int(match.group(1))
    return None


def last_user_message(request: dict) -> str:
    """The text of the request's last user message."""
    users = [m for m in request.get("messages", []) if m.get("role") == "user"]
    return str(users[-1].get("content", "")) if users else ""


@dataclass
class _State:
    script: list[Reply | Script] = field(default_factory=list)
    default: Reply | Script = field(default_factory=lambda: Reply("The documents don't say."))
    requests: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_reply(self, request: dict) -> Reply:
        with self.lock:
            self.requests.append(request)
            item = self.script.pop(0) if self.script else self.default
        return item(request) if callable(item) else item


class _FakeServer:
    """A ThreadingHTTPServer in a daemon thread; `reply(...)` scripts what the next requests get."""

    path = ""

    def __init__(self) -> None:
        self.state = _State()
        handler = type("Handler", (_Handler,), {"fake": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name=type(self).__name__, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reply(self, *replies: Reply | Script, default: Reply | Script | None = None) -> None:
        """Queue replies for the next requests (in order); `default` answers once the queue is empty."""
        with self.state.lock:
            self.state.script = list(replies)
            if default is not None:
                self.state.default = default

    @property
    def requests(self) -> list[dict]:
        """Every request body received so far."""
        return self.state.requests

    def send(self, handler: BaseHTTPRequestHandler, request: dict, reply: Reply) -> None:
        raise NotImplementedError


class _Handler(BaseHTTPRequestHandler):
    fake: _FakeServer

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path.rstrip("/") != self.fake.path:
            self._plain(404, {"error": f"no route {self.path}"})
            return
        request = json.loads(body or b"{}")
        request["_headers"] = {k.lower(): v for k, v in self.headers.items()}
        reply = self.fake.state.next_reply(request)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.status != 200:
            self._plain(reply.status, {"error": {"message": f"scripted status {reply.status}", "type": "fake"}})
            return
        if reply.raw is not None:
            self._start(200, "application/json")
            self.wfile.write(reply.raw.encode())
            return
        try:
            self.fake.send(self, request, reply)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (its timeout)
            pass

    def _plain(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _start(self, status: int, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Connection", "close")
        self.end_headers()

    def stream_lines(self, lines: list[str], piece_delay: float) -> None:
        for line in lines:
            self.wfile.write(line.encode())
            self.wfile.flush()
            if piece_delay:
                time.sleep(piece_delay)


class OpenAIFake(_FakeServer):
    """An OpenAI-compatible chat-completions server; use `base_url` as REELQA_LLM_BASE_URL."""

    path = "/v1/chat/completions"

    @property
    def base_url(self) -> str:
        """The base URL a client is configured with (it appends /chat/completions)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def send(self, handler: _Handler, request: dict, reply: Reply) -> None:
        model, created = request.get("model", "m"), int(time.time())
        if not request.get("stream"):
            handler._plain(200, {
                "id": "chatcmpl-fake", "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.text},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
            return

        def chunk(delta: dict, finish: str | None) -> str:
            payload = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": created, "model": model,
                       "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            return f"data: {json.dumps(payload)}\n\n"

        lines = [chunk({"role": "assistant", "content": ""}, None)]
        lines += [chunk({"content": piece}, None) for piece in reply.chunks()]
        lines += [chunk({}, "stop"), "data: [DONE]\n\n"]
        handler._start(200, "text/event-stream")
        handler.stream_lines(lines, reply.piece_delay)


class OllamaFake(_FakeServer):
    """An Ollama-protocol server (/api/chat); use `base_url` as REELQA_LLM_BASE_URL."""

    path = "/api/chat"

    @property
    def base_url(self) -> str:
        """The server's root URL."""
        return f"http://127.0.0.1:{self.port}"

    def send(self, handler: _Handler, request: dict, reply: Reply) -> None:
        model, stamp = request.get("model", "m"), "2026-01-01T00:00:00.000000Z"

        def line(content: str, done: bool) -> dict:
            item = {"model": model, "created_at": stamp, "message": {"role": "assistant", "content": content},
                    "done": done}
            if done:
                item.update(done_reason="stop", total_duration=1, load_duration=1, prompt_eval_count=1,
                            prompt_eval_duration=1, eval_count=1, eval_duration=1)
            return item

        if request.get("stream") is False:
            handler._plain(200, line(reply.text, True))
            return
        lines = [json.dumps(line(piece, False)) + "\n" for piece in reply.chunks()]
        lines.append(json.dumps(line("", True)) + "\n")
        handler._start(200, "application/x-ndjson")
        handler.stream_lines(lines, reply.piece_delay)
