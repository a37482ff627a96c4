"""Split a loaded document into sentence units and token-limited chunks, keeping character offsets.

Every line of the body gets a kind: a heading (markdown `#`, setext, the document's title, or a short title-like
line that introduces a paragraph), a byline or dateline, a rule (only punctuation), or body text. Only body
sentences are answer candidates; headings become the `section` of the sentences under them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from rag.schemas import Chunk, LoadedDocument
from rag.text import has_cjk, normalize, runs_on, sentence_spans, sha256

TokenOffsets = Callable[[str], list[tuple[int, int]]]

BODY, HEADING, BYLINE, DATELINE = "body", "heading", "byline", "dateline"
_MD_HEADING = re.compile(r"#{1,6}\s+\S|#{1,6}$")
_SETEXT = re.compile(r"(=+|-+)\s*")
_RULE = re.compile(r"[\W_]+")  # a line with no letter, digit or CJK character
_BULLET = re.compile(r"[-*+•·▪]\s")
_LIST_ITEM = re.compile(r"([-*+•·▪]|\d{1,3}[.)、]|[(（]?\d{1,3}[)）])\s*")
_BYLINE = re.compile(r"(?i:(written|words|text|reporting|photos?) )?(?i:by)\s*[:|｜：]?\s*[A-Z\u4e00-\u9fff]"
                     r"|(?i:author|authors|reporter|reporters|editor|editors|writer)\s*[:|｜：]"
                     r"|(作者|文|撰文|记者|编辑|责编|来源|出品)\s*[:|｜：/／]")
_DATE = re.compile(r"\b(19|20)\d{2}[-/.年]\d{1,2}|\b\d{1,2}[/.-]\d{1,2}[/.-]?\s*(19|20)\d{2}\b|\b(19|20)\d{2}\b.*"
                   r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
                   r"nov|dec)[a-z]*\.?\s+\d{1,2},?\s+(19|20)\d{2}|\d{1,2}月\d{1,2}日", re.IGNORECASE)
_DATE_WORDS = re.compile(r"published|updated|posted|date|发布|更新|日期", re.IGNORECASE)
_SENTENCE_END = re.compile(r"""[.!?。！？；;:：,，]["'”’」』)）]*$""")
MAX_TITLE_WORDS = 12
MAX_TITLE_CJK = 30


@dataclass(frozen=True)
class Unit:
    """A sentence (or a piece of an over-long one) with its token count, line kind and section heading."""

    start: int
    end: int
    tokens: int
    kind: str = BODY
    section: str = ""


@dataclass(frozen=True)
class Line:
    """One non-empty line of the body with its kind."""

    start: int
    end: int
    kind: str


def classify_lines(doc: LoadedDocument) -> list[Line]:
    """Kinds of the body's non-empty lines (trimmed spans); rules are dropped."""
    raw = []
    pos = doc.body_start
    for piece in doc.text[doc.body_start:].split("\n"):
        start, end = pos, pos + len(piece)
        pos = end + 1
        while start < end and doc.text[start].isspace():
            start += 1
        while end > start and doc.text[end - 1].isspace():
            end -= 1
        if end > start:
            raw.append((start, end))
    title = normalize(doc.meta.title).strip(" .。") if doc.meta.title else ""
    lines: list[Line] = []
    for i, (start, end) in enumerate(raw):
        text = doc.text[start:end]
        following = doc.text[raw[i + 1][0]:raw[i + 1][1]] if i + 1 < len(raw) else ""
        kind = _kind(text, following, title, is_last=i + 1 == len(raw))
        if kind == "rule":
            if _SETEXT.fullmatch(text) and lines and lines[-1].kind == BODY and _title_like(
                    doc.text[lines[-1].start:lines[-1].end]):
                lines[-1] = Line(lines[-1].start, lines[-1].end, HEADING)  # setext underline
            continue
        lines.append(Line(start, end, kind))
    return _unwrapped(doc.text, lines)


def _unwrapped(text: str, lines: list[Line], wide: int = 50) -> list[Line]:
    """Body lines joined where a paragraph was hard-wrapped: the next line follows with no blank line between, the
    line has no sentence end, and it is long or the next goes on in lower case (or in Chinese); not list items,
    headings or table rows. The joined line keeps its line breaks: offsets stay the file's own."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev is not None and prev.kind == BODY and line.kind == BODY and _continues(text, prev, line, wide):
            out[-1] = Line(prev.start, line.end, BODY)
        else:
            out.append(line)
    return out


def _continues(text: str, prev: Line, line: Line, wide: int) -> bool:
    last_line, after = text[prev.start:prev.end].rsplit("\n", 1)[-1], text[line.start:line.end]
    if text[prev.end:line.start].count("\n") != 1 or _LIST_ITEM.match(after) or "|" in after or _LIST_ITEM.match(
            last_line):
        return False  # a blank line between, a list item or a table row
    return runs_on(last_line, after, wide)


def _kind(text: str, following: str, title: str, is_last: bool) -> str:
    if _MD_HEADING.match(text):
        return HEADING
    if _RULE.fullmatch(text):
        return "rule"
    if title and normalize(text).strip(" .。#") == title:
        return HEADING
    if _BYLINE.match(text) and _short(text, 16) and not re.search(r"[.!?。！？]$", text):
        return BYLINE
    if _short(text, 8) and _DATE.search(text) and (_DATE_WORDS.search(text) or not _SENTENCE_END.search(text)) \
            and not re.search(r"[.!?。！？]\s+\S", text):
        return DATELINE
    if not is_last and _title_like(text) and not _title_like(following) and not _LIST_ITEM.match(following):
        return HEADING
    return BODY


def _short(text: str, max_words: int) -> bool:
    cjk = sum(has_cjk(ch) for ch in text)
    return len(text.split()) <= max_words and cjk <= max_words * 2


def _title_like(text: str) -> bool:
    """A short line without sentence punctuation at its end, not a list item or table row."""
    if not text or _SENTENCE_END.search(text) or _BULLET.match(text) or "|" in text:
        return False
    cjk = sum(has_cjk(ch) for ch in text)
    return len(text.split()) <= MAX_TITLE_WORDS and cjk <= MAX_TITLE_CJK and any(ch.isalpha() for ch in text)


def heading_text(text: str) -> str:
    """A heading line without its markdown marks."""
    return text.strip().lstrip("#").strip().rstrip("#").strip()


def sentence_units(doc: LoadedDocument, token_offsets: TokenOffsets, max_tokens: int) -> list[Unit]:
    """Units of the document body: one per heading/byline/dateline line, one per sentence of body lines.

    Over-long sentences are cut at token boundaries so each fits the model.
    """
    units: list[Unit] = []
    section = ""
    for line in classify_lines(doc):
        if line.kind != BODY:
            if line.kind == HEADING:
                section = heading_text(doc.text[line.start:line.end])
            units.append(Unit(line.start, line.end, len(token_offsets(doc.text[line.start:line.end])), line.kind,
                              section))
            continue
        marker = _LIST_ITEM.match(doc.text, line.start, line.end)  # a quote never starts with "- " or "1. "
        first = marker.end() if marker and marker.end() < line.end else line.start
        for start, end in sentence_spans(doc.text, first, line.end, wrapped="\n" in doc.text[first:line.end]):
            units += _fit(doc.text, start, end, token_offsets, max_tokens, section)
    return units


def _fit(text: str, start: int, end: int, token_offsets: TokenOffsets, max_tokens: int, section: str) -> list[Unit]:
    offsets = token_offsets(text[start:end])
    if len(offsets) <= max_tokens:
        return [Unit(start, end, len(offsets), BODY, section)]
    pieces = []
    for i in range(0, len(offsets), max_tokens):
        piece = offsets[i:i + max_tokens]
        piece_end = end if i + max_tokens >= len(offsets) else start + piece[-1][1]
        pieces.append(Unit(start + piece[0][0], piece_end, len(piece), BODY, section))
    return pieces


def chunk_document(doc: LoadedDocument, units: list[Unit], max_tokens: int) -> list[Chunk]:
    """Pack consecutive units into chunks of at most max_tokens, overlapping by one short sentence."""
    groups: list[list[Unit]] = []
    current: list[Unit] = []
    for unit in units:
        if current and sum(u.tokens for u in current) + unit.tokens > max_tokens:
            groups.append(current)
            tail = current[-1]
            current = [tail] if tail.tokens <= max_tokens // 4 and tail.tokens + unit.tokens <= max_tokens else []
        current.append(unit)
    if current:
        groups.append(current)
    meta = doc.meta
    chunks = []
    for index, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        text = doc.text[start:end]
        chunks.append(Chunk(doc_id=meta.doc_id, source=meta.source, title=meta.title, date=meta.date,
                            index=index, start=start, end=end, text=text, content_hash=sha256(text)))
    return chunks
