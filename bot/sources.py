"""Sources worth reading: one field per cited passage with the context around its quotes; links; passages.

The answer already shows each quoted sentence, so a source field shows where it came from (document, date)
and what the passage says around it, with the quote itself reduced to its `[n]` marker.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote as url_quote

import discord

from bot.formatting import (
    DESCRIPTION_LIMIT,
    ELLIPSIS,
    FIELD_NAME_LIMIT,
    INFO_COLOUR,
    TITLE_LIMIT,
    Page,
    balance_bold,
    clip,
    escape_markdown,
    flat,
    pack,
    safe,
    split_text,
    tail,
)
from rag.schemas import Citation, Passage

CONTEXT_SIDE = 220  # characters of passage shown before the first and after the last quote
CONTEXT_BETWEEN = 160  # characters kept between two quotes of the same passage
RELATED_LIMIT = 500  # characters of a related passage shown when the documents don't answer
LINK_LABEL_LIMIT = 80
LINK_URL_LIMIT = 512
MAX_LINKS = 5  # one row of link buttons
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")


@dataclass
class PassageGroup:
    """One cited passage and every citation quoting it, in answer order."""

    citations: list[Citation]

    @property
    def first(self) -> Citation:
        return self.citations[0]

    @property
    def numbers(self) -> str:
        return "".join(f"[{c.n}]" for c in self.citations)


def group_by_passage(citations: list[Citation]) -> list[PassageGroup]:
    """Citations grouped by the passage they quote (same document and passage text), first use first."""
    groups: dict[tuple[str, str], PassageGroup] = {}
    for c in citations:
        key = (c.doc_id, c.passage or c.quote)
        groups.setdefault(key, PassageGroup([])).citations.append(c)
    return list(groups.values())


def label_of(item: Citation | Passage) -> str:
    """A document's display label: its title, else its file name, else its id."""
    return safe(item.title or item.source) or item.doc_id


def field_name(prefix: str, label: str, date: str | None) -> str:
    """`prefix label — date` within the field-name limit; only the label is shortened, so the number stays."""
    suffix = f" — {date}" if date else ""
    room = FIELD_NAME_LIMIT - len(prefix) - len(suffix)
    if room < 2:
        return clip(prefix + label, FIELD_NAME_LIMIT)
    return prefix + (clip(label, room) or ELLIPSIS) + suffix


def source_fields(citations: list[Citation]) -> list[tuple[str, str]]:
    """One field per passage: its numbers, the document (named once) and the context around its quotes."""
    fields, seen_docs = [], set()
    for group in group_by_passage(citations):
        c = group.first
        if c.doc_id in seen_docs:
            name = field_name(f"{group.numbers} ", "same document, another passage", None)
        else:
            name = field_name(f"{group.numbers} ", label_of(c), c.date)
        seen_docs.add(c.doc_id)
        fields.append((name, passage_context(c.passage, [(x.n, x.quote) for x in group.citations])))
    return fields


def passage_context(passage: str, quotes: list[tuple[int, str]]) -> str:
    """The passage around its quotes, each quote shown as its bold `[n]` marker (it is in the answer)."""
    spans = _locate(passage, quotes)
    if not spans:
        return clip(safe(passage), 2 * CONTEXT_SIDE) or "—"
    lead, trail = _lead(passage[: spans[0][0]]), _trail(passage[spans[-1][1]:])
    parts = [lead]
    for i, (_, end, markers) in enumerate(spans):
        parts.append(f"**{markers}**")
        if i + 1 < len(spans):
            parts.append(_middle(passage[end: spans[i + 1][0]]))
    parts.append(trail)
    text = " ".join(p for p in parts if p)
    if not lead and not trail and len(spans) == 1:
        return text + " *(the whole passage is quoted in the answer)*"
    return text


def _locate(passage: str, quotes: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """(start, end, markers) of each quote found in the passage, in order, overlapping quotes merged."""
    found = []
    for n, q in quotes:
        core = q.strip()
        idx = passage.find(core) if core else -1
        if idx >= 0:
            found.append((idx, idx + len(core), f"[{n}]"))
    merged: list[tuple[int, int, str]] = []
    for start, end, marker in sorted(found):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            markers = last[2] if marker in last[2] else last[2] + marker
            merged[-1] = (last[0], max(end, last[1]), markers)
        else:
            merged.append((start, end, marker))
    return merged


def _lead(before: str) -> str:
    """The end of the text before a quote: whole sentences when they fit, else the last words."""
    text = flat(before)
    if len(text) <= CONTEXT_SIDE:
        return escape_markdown(text)
    window = text[-CONTEXT_SIDE:]
    starts = [m.end() for m in _SENTENCE_END.finditer(window)]
    if starts and len(window) - starts[0] >= 40:
        return ELLIPSIS + " " + escape_markdown(window[starts[0]:].strip())
    return tail(escape_markdown(text), CONTEXT_SIDE)


def _trail(after: str) -> str:
    """The start of the text after a quote: whole sentences when they fit, else the first words."""
    text = flat(after)
    if len(text) <= CONTEXT_SIDE:
        return escape_markdown(text)
    window = text[:CONTEXT_SIDE]
    ends = [m.start() for m in _SENTENCE_END.finditer(window)]
    if ends and ends[-1] >= 40:
        return escape_markdown(window[: ends[-1]].strip()) + " " + ELLIPSIS
    return clip(escape_markdown(text), CONTEXT_SIDE)


def _middle(between: str) -> str:
    """The text between two quotes of one passage, shortened in the middle when long."""
    text = escape_markdown(flat(between))
    if len(text) <= CONTEXT_BETWEEN:
        return text
    half = CONTEXT_BETWEEN // 2
    return clip(text, half) + " " + tail(text, half).removeprefix(ELLIPSIS)


def related_field(i: int, passage: Passage) -> tuple[str, str]:
    """A related-passage field for an abstention (the closest passage, shortened)."""
    return field_name(f"Related {i}: ", label_of(passage), passage.date), clip(safe(passage.text),
                                                                              RELATED_LIMIT) or "—"


# ---------------------------------------------------------------- links


def document_links(items: list[Citation] | list[Passage], public_url: str | None) -> list[tuple[str, str]]:
    """(label, url) of the document view for each cited document, when the server's public URL is known."""
    base = usable_base_url(public_url)
    if base is None:
        return []
    by_doc: dict[str, list[str]] = {}
    first: dict[str, Citation | Passage] = {}
    for i, item in enumerate(items, 1):
        first.setdefault(item.doc_id, item)
        by_doc.setdefault(item.doc_id, []).append(f"[{getattr(item, 'n', i)}]")
    links = []
    for doc_id, numbers in list(by_doc.items())[:MAX_LINKS]:
        url = f"{base}/documents/{url_quote(doc_id, safe='')}"
        if len(url) <= LINK_URL_LIMIT:
            name = flat(first[doc_id].title or first[doc_id].source)
            label = clip(f"{''.join(dict.fromkeys(numbers))} {name}", LINK_LABEL_LIMIT)
            links.append((label or doc_id[:LINK_LABEL_LIMIT], url))
    return links


def usable_base_url(public_url: str | None) -> str | None:
    """The configured public URL without a trailing slash, or None unless it is an http(s) address."""
    base = (public_url or "").strip().rstrip("/")
    return base if re.fullmatch(r"https?://[^\s/]+(?:/\S*)?", base) else None


# ---------------------------------------------------------------- full passages


def passage_pages(citations: list[Citation]) -> list[Page]:
    """The cited passages, each once (every quote of it in bold), one embed per passage, split when long."""
    embeds: list[discord.Embed] = []
    for group in group_by_passage(citations):
        c = group.first
        body = bold_quotes(c.passage or c.quote, [x.quote for x in group.citations])
        chunks = balance_bold(split_text(body, DESCRIPTION_LIMIT - 4)) or ["—"]
        for i, chunk in enumerate(chunks):
            title = f"{group.numbers} {label_of(c)}" + (" (continued)" if i else "")
            embed = discord.Embed(title=clip(title, TITLE_LIMIT), description=chunk, colour=INFO_COLOUR)
            if i == len(chunks) - 1:
                spans = ", ".join(f"{x.start}–{x.end}" for x in group.citations)
                embed.set_footer(text=clip(f"{c.source} · {c.date} · characters {spans}", 512))
            embeds.append(embed)
    return pack(embeds) or [Page(content="These passages are no longer available.")]


def bold_quotes(passage: str, quotes: list[str]) -> str:
    """The passage with markdown escaped and each (stripped) quote in bold."""
    spans = _locate(passage, [(0, q) for q in quotes])
    out, last = [], 0
    for start, end, _ in spans:
        out += [escape_markdown(passage[last:start]), "**", escape_markdown(passage[start:end]), "**"]
        last = end
    out.append(escape_markdown(passage[last:]))
    return "".join(out)
