"""Run the long-lived services (HTTP, Discord) of one process, sharing one set of components."""
from __future__ import annotations

import asyncio


async def run_services(parts, host: str, port: int, with_bot: bool) -> None:
    """Serve HTTP (and the bot, when asked) until stopped."""
    from api.app import create_app
    from api.server import serve_http

    app = create_app(parts.service, parts.feedback, parts.settings, reindex=parts.reindex)
    tasks = [serve_http(app, host, port)]
    if with_bot:
        from bot.client import create_bot
        from bot.run import start_bot

        token = parts.settings.discord_token.get_secret_value() if parts.settings.discord_token else None
        tasks.append(start_bot(create_bot(parts.service, parts.feedback, parts.settings, reindex=parts.reindex),
                               token))
    await asyncio.gather(*tasks)


async def run_bot_only(parts) -> None:
    """Run the Discord bot alone."""
    from bot.client import create_bot
    from bot.run import start_bot

    token = parts.settings.discord_token.get_secret_value() if parts.settings.discord_token else None
    if not token:
        from rag.errors import ConfigError

        raise ConfigError("DISCORD_TOKEN is not set; put the bot token in the environment or .env "
                          "(see README: Run the Discord bot)")
    await start_bot(create_bot(parts.service, parts.feedback, parts.settings, reindex=parts.reindex), token)
