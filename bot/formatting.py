"""Pure formatting: answers, passages and admin reports as Discord embeds within every Discord limit.

Nothing here touches a client: every function maps plain data to `discord.Embed` objects (data only),
so the limits can be tested exhaustively without Discord.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import discord

from rag.schemas import Answer, Citation, Passage

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
CONTEXT_CHARS = 160  # passage context shown on each side of a quote in a source field
ELLIPSIS = "…"

ANSWERED_COLOUR = discord.Colour.green()
NOT_COVERED_COLOUR = discord.Colour.orange()
INFO_COLOUR = discord.Colour.blurple()

NOT_COVERED = ("**The documents don't cover this.** The closest passages are listed below as *related* "
               "reading, not as an answer.")

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


def _tail(text: str, limit: int) -> str:
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


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def safe(text: str) -> str:
    """Display text from a document: whitespace collapsed, markdown shown literally."""
    return escape_markdown(_flat(text))


def _nonempty(text: str, fallback: str = "—") -> str:
    return text if text.strip() else fallback


# ---------------------------------------------------------------- answers


def answer_pages(answer: Answer) -> list[Page]:
    """The messages that show an answer (or an abstention with related passages), within every limit."""
    return pack(answer_embeds(answer))


def answer_embeds(answer: Answer) -> list[discord.Embed]:
    """The embeds of an answer: the answer text (split if long), then the numbered sources."""
    title = clip(safe(answer.question), TITLE_LIMIT) or None
    if answer.answered:
        colour, heading = ANSWERED_COLOUR, "Sources"
        chunks = split_text(escape_markdown(answer.answer), DESCRIPTION_LIMIT) or ["(empty answer)"]
        fields = [source_field(c) for c in answer.citations]
    else:
        colour, heading = NOT_COVERED_COLOUR, "Related passages (not an answer)"
        chunks = [NOT_COVERED]
        fields = [related_field(i, p) for i, p in enumerate(answer.related, 1)]
    embeds = [discord.Embed(title=title if i == 0 else None, description=chunk, colour=colour)
              for i, chunk in enumerate(chunks)]
    footer = answer_footer(answer)
    if footer:
        embeds[0].set_footer(text=footer)
    return embeds + field_embeds(heading, fields, colour)


def answer_footer(answer: Answer) -> str:
    """Footer line: how a follow-up was understood, the index version and the time taken."""
    parts = []
    if answer.resolved_question:
        parts.append(f"Understood as: {_flat(answer.resolved_question)}")
    if answer.index_version:
        parts.append(f"index {answer.index_version}")
    if answer.took_ms:
        parts.append(f"{answer.took_ms:.0f} ms")
    return clip(" · ".join(parts), FOOTER_BUDGET)


def source_field(citation: Citation) -> tuple[str, str]:
    """A numbered source field: `[n] title — date`, then the quote in its trimmed passage."""
    label = safe(citation.title or citation.source) or citation.doc_id
    return _field_name(f"[{citation.n}] ", label, citation.date), quote_excerpt(citation.passage, citation.quote, FIELD_VALUE_LIMIT)


def related_field(i: int, passage: Passage) -> tuple[str, str]:
    """A related-passage field for an abstention."""
    label = safe(passage.title or passage.source) or passage.doc_id
    return _field_name(f"Related {i}: ", label, passage.date), _nonempty(clip(safe(passage.text), FIELD_VALUE_LIMIT))


def _field_name(prefix: str, label: str, date: str | None) -> str:
    """`prefix label — date` within the field-name limit; only the label is shortened, so the number stays."""
    suffix = f" — {date}" if date else ""
    room = FIELD_NAME_LIMIT - len(prefix) - len(suffix)
    if room < 2:
        return clip(prefix + label, FIELD_NAME_LIMIT)
    return prefix + (clip(label, room) or ELLIPSIS) + suffix


def quote_excerpt(passage: str, quote: str, limit: int, context: int = CONTEXT_CHARS) -> str:
    """The quote in bold inside its passage, trimmed with an ellipsis on each side when long."""
    idx = passage.find(quote) if quote else -1
    before, after = (passage[:idx], passage[idx + len(quote):]) if idx >= 0 else ("", "")
    q = safe(quote)
    if not q:
        return _nonempty(clip(safe(passage), limit))
    if len(q) + 4 > limit:
        return f"**{clip(q, limit - 4)}**"
    core = f"**{q}**"
    room = limit - len(core)
    left = _tail(safe(before), min(context, room // 2))
    if left:
        left += " "
    right_room = room - len(left) - 1
    right = clip(safe(after), min(context, right_room)) if right_room > 0 else ""
    return left + core + (" " + right if right else "")


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


# ---------------------------------------------------------------- passages


def passage_pages(citations: list[Citation]) -> list[Page]:
    """The full cited passages (quote in bold), one embed per passage, split when long."""
    embeds: list[discord.Embed] = []
    for c in citations:
        label = safe(c.title or c.source) or c.doc_id
        body = _bold_quote(c.passage or c.quote, c.quote)
        chunks = _balance_bold(split_text(body, DESCRIPTION_LIMIT - 4)) or ["—"]
        for i, chunk in enumerate(chunks):
            title = f"[{c.n}] {label}" + (" (continued)" if i else "")
            embed = discord.Embed(title=clip(title, TITLE_LIMIT), description=chunk, colour=INFO_COLOUR)
            if i == len(chunks) - 1:
                embed.set_footer(text=clip(f"{c.source} · {c.date} · characters {c.start}–{c.end}", 512))
            embeds.append(embed)
    return pack(embeds) or [Page(content="These passages are no longer available.")]


def _bold_quote(passage: str, quote: str) -> str:
    """The passage with markdown escaped and the (stripped) quote in bold."""
    core = quote.strip()
    idx = passage.find(core) if core else -1
    if idx < 0:
        return escape_markdown(passage)
    end = idx + len(core)
    before, after = escape_markdown(passage[:idx]), escape_markdown(passage[end:])
    return before + "**" + escape_markdown(core) + "**" + after


_BOLD = re.compile(r"(?<!\\)\*\*")


def _balance_bold(chunks: list[str]) -> list[str]:
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
    return clip(_flat(plain), THREAD_NAME_LIMIT) or "Follow-ups"
