"""Starting the bot: every way it can fail to start ends in one clear ReelqaError line, never a traceback."""
from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord

from rag.errors import ConfigError, DiscordUnavailableError

log = logging.getLogger("reelqa.bot")

PORTAL = "https://discord.com/developers/applications"
MISSING_TOKEN = ("DISCORD_TOKEN is not set; create a bot in the Discord Developer Portal and put its token "
                 "in the environment or .env (see README: Run the Discord bot)")
BAD_TOKEN = ("Discord rejected DISCORD_TOKEN (wrong, revoked or reset token); copy a fresh token from the "
             f"Developer Portal ({PORTAL} → your app → Bot → Reset Token) into DISCORD_TOKEN")
NO_INTENT = ("Discord refused the connection: the bot needs the privileged Message Content intent; enable it "
             f"in the Developer Portal ({PORTAL} → your app → Bot → Privileged Gateway Intents → "
             "Message Content Intent) and start again")
NO_NETWORK = (
    "cannot reach Discord ({reason}); check the network connection, proxy or firewall and start again"
)
REFUSED = (
    "Discord refused a request while starting ({reason}); check that the bot was invited with the "
    "`bot` and `applications.commands` scopes and that REELQA_DISCORD_GUILD names a server it is in"
)


def clean_token(token: str | None) -> str:
    """The token without whitespace or a pasted `Bot ` prefix; ConfigError when missing."""
    words = (token or "").split()
    if words and words[0].lower() == "bot":
        words = words[1:]
    token = "".join(words)
    if not token:
        raise ConfigError(MISSING_TOKEN)
    return token


async def start_bot(bot: discord.Client, token: str | None) -> None:
    """Log in, connect and run until the bot is closed; start-up failures raise one-line ReelqaErrors."""
    token = clean_token(token)
    try:
        async with bot:
            await bot.start(token)
    except discord.LoginFailure:
        raise ConfigError(BAD_TOKEN) from None
    except discord.PrivilegedIntentsRequired:
        raise ConfigError(NO_INTENT) from None
    except (TimeoutError, aiohttp.ClientConnectionError, discord.GatewayNotFound, OSError) as exc:
        raise DiscordUnavailableError(NO_NETWORK.format(reason=_reason(exc))) from None
    except discord.HTTPException as exc:
        raise ConfigError(REFUSED.format(reason=_reason(exc))) from None


def _reason(exc: BaseException) -> str:
    """A short, single-line description of a start-up exception."""
    if isinstance(exc, discord.HTTPException):
        text = f"HTTP {exc.status}" + (f" {exc.text}" if exc.text else "")
    elif isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        text = "timed out"
    else:
        text = str(exc) or type(exc).__name__
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199] + "…"
