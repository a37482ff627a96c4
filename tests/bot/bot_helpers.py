"""Helpers for reading what the bot did in SimCord's world."""
from __future__ import annotations

import discord


def bot_answers(channel, bot) -> list[discord.Message]:
    """The bot's ordinary messages in a channel (no system messages such as 'thread created')."""
    return [m for m in channel.history() if m.author.id == bot.user.id
            and m.type in (discord.MessageType.default, discord.MessageType.reply)]


def custom_ids(message) -> list[str]:
    """Custom ids of every button on a message (discord.Message or SimCord ResponseMessage)."""
    rows = message.components
    out = []
    for row in rows:
        children = row.get("components", []) if isinstance(row, dict) else row.children
        for child in children:
            cid = child.get("custom_id") if isinstance(child, dict) else child.custom_id
            if cid:
                out.append(cid)
    return out


def text_of(message) -> str:
    """Content plus every embed's title, description, fields and footer, as one string."""
    parts = [message.content or ""]
    for e in message.embeds:
        parts += [e.title or "", e.description or "", e.footer.text or ""]
        parts += [f"{f.name}\n{f.value}" for f in e.fields]
    return "\n".join(parts)


def message_requests(env) -> list:
    """Every REST request the bot sent that carries message content or embeds (incl. interaction replies)."""
    out = []
    for r in env.http_requests:
        body = r.json if isinstance(r.json, dict) else {}
        payload = body.get("data") if isinstance(body.get("data"), dict) else body
        if r.method in ("POST", "PATCH") and ("content" in payload or "embeds" in payload):
            out.append((r, payload))
    return out


async def ask_by_mention(world, member, question: str, channel=None):
    """Send `@bot question` as `member` and return the bot's last answer in that channel."""
    channel = channel or world.channel
    await member.send(channel, f"{world.bot_mention} {question}")
    return bot_answers(channel, world.env.bot)[-1]


def first_callback_type(env) -> int:
    """The type of the bot's first interaction callback (5 = deferred, 4 = immediate message), checking
    that nothing was sent for the interaction before it."""
    for r in env.http_requests:
        if r.path.startswith("/webhooks/"):
            raise AssertionError("a follow-up was sent before the interaction was acknowledged")
        if r.path.startswith("/interactions/") and r.path.endswith("/callback"):
            return r.json["type"]
    raise AssertionError("the interaction was never acknowledged")
