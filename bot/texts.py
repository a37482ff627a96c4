"""Pure short texts: help, status, re-index report, cooldown line and durations (no client state)."""
from __future__ import annotations

import math

import discord

from bot.formatting import (
    ANSWERED_COLOUR,
    DESCRIPTION_LIMIT,
    FIELD_VALUE_LIMIT,
    INFO_COLOUR,
    NOT_COVERED_COLOUR,
    clip,
    escape_markdown,
    safe,
)
from rag.schemas import UpdateReport


def format_duration(seconds: float) -> str:
    """A short human duration: `45 s`, `3 min 5 s`, `2 h 4 min`, `3 d 2 h`."""
    s = max(0, int(seconds))
    d, rem = divmod(s, 86400)
    h, rem = divmod(rem, 3600)
    m, sec = divmod(rem, 60)
    if d:
        return f"{d} d {h} h"
    if h:
        return f"{h} h {m} min"
    if m:
        return f"{m} min {sec} s"
    return f"{sec} s"


def cooldown_message(retry_after: float, scope: str) -> str:
    """A friendly line saying when to ask again."""
    wait = max(1, math.ceil(retry_after))
    unit = "second" if wait == 1 else "seconds"
    if scope == "channel":
        return f"⏳ This channel just got an answer — please ask again in {wait} {unit}."
    return f"⏳ You're asking a little fast — please try again in {wait} {unit}."


def help_embed(channels: list[int], admin_role: str | None, name: str = "reelqa") -> discord.Embed:
    """How to ask, follow up, give feedback, and what admins can do."""
    embed = discord.Embed(title="How to ask reelqa", colour=INFO_COLOUR, description=(
        "I answer questions from the indexed documents, and every sentence of an answer cites its "
        "source as `[n]`. If the documents don't cover a question I say so and list the closest "
        "passages as *related* instead of guessing."))
    embed.add_field(name="Ask", inline=False, value=(
        "• `/ask question:<text>` — add `private:True` to see the answer alone.\n"
        f"• Or mention me: `@{name.replace('`', '')} <your question>`"))
    embed.add_field(name="Follow up", inline=False, value=(
        "Reply to one of my answers, or mention me in the thread I open under it: a short follow-up such as "
        "*and last year?* is understood in the context of the previous question."))
    embed.add_field(name="Buttons", inline=False, value=(
        "👍 / 👎 tell the maintainers whether an answer helped (click the other one to change your vote). "
        "**Show passages** sends you the full cited passages privately."))
    where = ", ".join(f"<#{c}>" for c in channels) if channels else "any channel I can read"
    role = f" or the **{escape_markdown(admin_role)}** role" if admin_role else ""
    embed.add_field(name="Where and how often", inline=False, value=clip(
        f"I answer in {where}. To keep channels calm there is a short cooldown per person and per channel "
        "after each answer.",
        FIELD_VALUE_LIMIT))
    embed.add_field(name="Admins", inline=False, value=clip(
        f"Members with **Manage Server**{role} can use `/status` and `/reindex`.", FIELD_VALUE_LIMIT))
    return embed


def status_embed(status: dict, uptime_seconds: float) -> discord.Embed:
    """Index version, documents, chunks, uptime and answer tallies."""
    embed = discord.Embed(title="reelqa status", colour=INFO_COLOUR)
    rows = [("Index version", status.get("version") or "none"), ("Documents", status.get("documents", 0)),
            ("Chunks", status.get("chunks", 0)), ("Uptime", format_duration(uptime_seconds)),
            ("Answered", status.get("answered", 0)), ("Abstained", status.get("abstained", 0))]
    for name, value in rows:
        embed.add_field(name=name, value=clip(str(value), FIELD_VALUE_LIMIT) or "—", inline=True)
    if status.get("built_at"):
        embed.set_footer(text=clip(f"index built {status['built_at']}", 256))
    return embed


def reindex_embed(report: UpdateReport) -> discord.Embed:
    """What a re-index did: added, kept and deleted chunks, the new version and any file errors."""
    embed = discord.Embed(title="Re-index finished", colour=ANSWERED_COLOUR if not report.errors
                          else NOT_COVERED_COLOUR)
    embed.description = clip(f"Now serving index **{report.version}**"
                             + (f" (was {report.previous})." if report.previous else "."), DESCRIPTION_LIMIT)
    for name, value in (("Added", report.added), ("Kept", report.kept), ("Deleted", report.deleted),
                        ("Documents", report.documents), ("Chunks", report.chunks),
                        ("Took", format_duration(report.took_ms / 1000))):
        embed.add_field(name=name, value=str(value), inline=True)
    if report.errors:
        text = "\n".join(f"• {safe(e)}" for e in report.errors)
        embed.add_field(name=f"Files skipped ({len(report.errors)})", value=clip(text, FIELD_VALUE_LIMIT),
                        inline=False)
    return embed
