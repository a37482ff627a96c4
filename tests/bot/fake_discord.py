"""A tiny Discord stand-in on 127.0.0.1 (REST + gateway) for start-up failure tests; no real network."""

from __future__ import annotations

import json
from typing import Self

from aiohttp import WSMsgType, web

USER = {
    "id": "4242",
    "username": "reelqa",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
}
APP = {
    "id": "4242",
    "name": "reelqa",
    "description": "",
    "icon": None,
    "bot_public": True,
    "bot_require_code_grant": False,
    "owner": USER,
    "verify_key": "00",
    "flags": 0,
}


def reply(data, status: int = 200) -> web.Response:
    """JSON exactly as Discord labels it (discord.py checks the bare content type)."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


class FakeDiscord:
    """Answers the requests discord.py makes at start-up; `mode` picks the failure to simulate.

    modes: "bad_token" (401 on /users/@me), "no_intent" (gateway closes with 4014 after IDENTIFY).
    """

    def __init__(self, mode: str):
        self.mode = mode
        self.requests: list[str] = []
        self.identified = False
        self.port = 0

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc) -> None:
        await self.runner.cleanup()

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        self.requests.append(f"{request.method} {path}")
        if path == "/users/@me":
            if self.mode == "bad_token":
                return reply({"message": "401: Unauthorized", "code": 0}, status=401)
            return reply(USER)
        if path == "/oauth2/applications/@me":
            return reply(APP)
        if request.method == "PUT" and path.endswith("/commands"):
            return reply([])
        return reply({"message": "404: Not Found", "code": 0}, status=404)

    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None})
        async for msg in ws:
            if msg.type == WSMsgType.TEXT and '"op":2' in msg.data.replace(" ", ""):
                self.identified = True
                await ws.close(code=4014, message=b"Disallowed intent(s).")
                break
        return ws
