"""Run the long-lived services (HTTP, Discord) of one process, sharing one set of components."""
from __future__ import annotations

import asyncio
import socket

from rag.errors import AddressInUseError, ConfigError, ReelqaError


def check_port(host: str, port: int) -> None:
    """AddressInUseError (one line) when host:port cannot be listened on, e.g. another server has it."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise AddressInUseError(f"cannot listen on {host}:{port}: the host name does not resolve ({exc.strerror}); "
                                "use an address such as 127.0.0.1 or 0.0.0.0 with --host") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind(address)
        except OSError as exc:
            reason = "it is already in use" if exc.errno in (98, 48, 10048) else exc.strerror
            raise AddressInUseError(f"cannot listen on {host}:{port}: {reason}; stop the other server or "
                                    "choose another port with --port") from None


def _token(parts) -> str | None:
    return parts.settings.discord_token.get_secret_value() if parts.settings.discord_token else None


def _bot(parts):
    from bot.client import create_bot

    return create_bot(parts.service, parts.feedback, parts.settings, reindex=parts.reindex)


def require_bot_token(parts) -> None:
    """ConfigError unless DISCORD_TOKEN is set (checked before any model is loaded)."""
    if not _token(parts):
        raise ConfigError("DISCORD_TOKEN is not set; put the bot token in the environment or .env "
                          "(see README: Run the Discord bot), or drop --with-bot")


async def run_services(parts, host: str, port: int, with_bot: bool) -> None:
    """Serve HTTP (and the bot, when asked) until stopped; if either fails, both stop and its error is raised."""
    from api.app import create_app
    from api.server import serve_http

    app = create_app(parts.service, parts.feedback, parts.settings, reindex=parts.reindex)
    if not with_bot:
        await serve_http(app, host, port)
        return
    from bot.run import start_bot

    require_bot_token(parts)
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(serve_http(app, host, port))
            group.create_task(start_bot(_bot(parts), _token(parts)))
    except* ReelqaError as errors:
        raise errors.exceptions[0] from None


async def run_bot_only(parts) -> None:
    """Run the Discord bot alone (the token is checked before the model is loaded)."""
    from bot.run import start_bot

    if not _token(parts):
        raise ConfigError("DISCORD_TOKEN is not set; create a bot in the Discord Developer Portal and put its "
                          "token in the environment or .env (see README: Run the Discord bot)")
    await start_bot(_bot(parts), _token(parts))
