"""Pure formatting: answers, passages and admin reports as Discord embeds within every Discord limit.

Nothing here touches a client: every function maps plain data to `discord.Embed` objects (data only),
so the limits can be tested exhaustively without Discord.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import discord

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_PER_EMBED = 25
FOOTER_LIMIT = 2048
MESSAGE_EMBED_TOTAL = 6000
EMBEDS_PER_MESSAGE = 10
THREAD_NAME_LIMIT = 100
FOOTER_BUDGET = 1024  # keeps title + description + footer of one embed under the 6,000 total
ELLIPSIS = "…"

ANSWERED_COLOUR = discord.Colour.green()
NOT_COVERED_COLOUR = discord.Colour.orange()
INFO_COLOUR = discord.Colour.blurple()


MARKER = re.compile(r"\[\d+\]")
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"https?://[^\s<>]+")
_INLINE = re.compile(r"[\\*_`~|]")
_LINK_OPEN = re.compile(r"\[(?=[^\[\]\n]{0,256}\]\()")
_LINE_START = re.compile(r"^([ \t]*)([>#-])", re.MULTILINE)


@dataclass
class Page:
    """One Discord message: optional content plus up to ten embeds."""

    embeds: list[discord.Embed] = field(default_factory=list)
    content: str | None = None


# ---------------------------------------------------------------- splitting


def split_spans(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) spans of `text`, each at most `limit` long, cut only at whitespace.

    A `[n]` marker stays with the word before it when possible; a word (or marker) is cut only when
    it alone is longer than `limit`. Whitespace between spans is dropped.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    spans: list[tuple[int, int]] = []
    end_of_text = _rstrip(text, 0, len(text))
    start = _lstrip(text, 0)
    while start < end_of_text:
        if end_of_text - start <= limit:
            spans.append((start, end_of_text))
            break
        cut = _best_break(text, start, limit)
        if cut is None:
            cut = _hard_cut(text, start, limit)
            spans.append((start, cut))
        else:
            spans.append((start, _rstrip(text, start, cut)))
        start = _lstrip(text, cut)
    return spans


def split_text(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, never cutting a word or `[n]` marker needlessly."""
    return [text[a:b] for a, b in split_spans(text, limit)]


def _lstrip(text: str, i: int) -> int:
    m = _SPACE.match(text, i)
    return m.end() if m else i


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and _SPACE.match(text[end - 1]):
        end -= 1
    return end


def _best_break(text: str, start: int, limit: int) -> int | None:
    """The best whitespace position to cut at within `limit` characters of `start`, or None."""
    window = text[start:start + limit + 1]
    half = limit // 2
    newline = plain = any_space = None
    for m in _SPACE.finditer(window):
        if m.start() == 0:
            continue
        cut = start + m.start()
        any_space = cut
        if not MARKER.match(text, start + m.end()):
            plain = cut
        if "\n" in m.group() and m.start() >= half:
            newline = cut
    return newline or plain or any_space


def _hard_cut(text: str, start: int, limit: int) -> int:
    """A cut inside an over-long word: not inside a marker, an escape pair or a combining sequence."""
    cut = start + limit
    for m in MARKER.finditer(text, max(start, cut - limit), cut + limit):
        if m.start() < cut < m.end() and m.start() > start:
            cut = m.start()
            break
    if cut - 1 > start and text[cut - 1] == "\\":
        cut -= 1
    while cut - 1 > start and cut < len(text) and unicodedata.combining(text[cut]):
        cut -= 1
    return cut


def clip(text: str, limit: int) -> str:
    """`text` shortened to `limit` characters at a word boundary, ending with an ellipsis when cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    return split_text(text[:limit], limit - 1)[0] + ELLIPSIS


def tail(text: str, limit: int) -> str:
    """The last words of `text` within `limit` characters, starting with an ellipsis when cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ""
    window = text[len(text) - limit:]
    rev = split_text(window[::-1], limit - 1)[0][::-1]
    if text[len(text) - len(rev) - 1] == "\\":  # never start right after an escaping backslash
        rev = rev[1:].lstrip()
    return ELLIPSIS + rev if rev else ""


def escape_markdown(text: str) -> str:
    """Markdown characters shown literally (links left intact); linear time, unlike regex look-aheads."""
    parts, last = [], 0
    for m in _URL.finditer(text):
        parts += [_escape_plain(text[last:m.start()]), m.group()]
        last = m.end()
    parts.append(_escape_plain(text[last:]))
    return _LINE_START.sub(r"\1\\\2", "".join(parts))


def _escape_plain(text: str) -> str:
    return _LINK_OPEN.sub(r"\\[", _INLINE.sub(r"\\\g<0>", text))


def flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def safe(text: str) -> str:
    """Display text from a document: whitespace collapsed, markdown shown literally."""
    return escape_markdown(flat(text))


def _nonempty(text: str, fallback: str = "—") -> str:
    return text if text.strip() else fallback


# ---------------------------------------------------------------- fields and messages


def field_embeds(heading: str, fields: list[tuple[str, str]], colour: discord.Colour) -> list[discord.Embed]:
    """Fields spread over as many embeds as needed (25 fields, 6,000 characters each); never split."""
    embeds: list[discord.Embed] = []
    current: discord.Embed | None = None
    for name, value in fields:
        name, value = _nonempty(name), _nonempty(value)
        if current is None or len(current.fields) >= FIELDS_PER_EMBED or \
                len(current) + len(name) + len(value) > MESSAGE_EMBED_TOTAL:
            title = heading if not embeds else f"{heading} (continued)"
            current = discord.Embed(title=clip(title, TITLE_LIMIT), colour=colour)
            embeds.append(current)
        current.add_field(name=name, value=value, inline=False)
    return embeds


def pack(embeds: list[discord.Embed]) -> list[Page]:
    """Embeds grouped into messages of at most 10 embeds and 6,000 characters, in order."""
    pages: list[Page] = []
    total = 0
    for embed in embeds:
        size = len(embed)
        if not pages or len(pages[-1].embeds) >= EMBEDS_PER_MESSAGE or total + size > MESSAGE_EMBED_TOTAL:
            pages.append(Page())
            total = 0
        pages[-1].embeds.append(embed)
        total += size
    return pages


# ---------------------------------------------------------------- bold across embeds


_BOLD = re.compile(r"(?<!\\)\*\*")


def balance_bold(chunks: list[str]) -> list[str]:
    """Close bold at the end of a chunk and reopen it in the next when a quote spans two chunks."""
    out, carry = [], False
    for chunk in chunks:
        text = ("**" + chunk) if carry else chunk
        carry = len(_BOLD.findall(text)) % 2 == 1
        out.append(text + "**" if carry else text)
    return out


# ---------------------------------------------------------------- threads


def thread_name(question: str) -> str:
    """A thread name (1–100 characters) for follow-ups on a question."""
    plain = re.sub(r"<(?:@[!&]?|#)\d+>|@(?=everyone|here)", "", question)
    return clip(flat(plain), THREAD_NAME_LIMIT) or "Follow-ups"
