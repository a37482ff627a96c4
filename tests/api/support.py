"""Helpers shared by the HTTP API tests."""
from __future__ import annotations

import json

import httpx

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
