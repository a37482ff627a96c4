"""Answers about a document itself (its author, title, publication date), taken from its metadata."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from rag.periods import doc_year
from rag.question import QuestionInfo

if TYPE_CHECKING:
    from rag.answer import Scored

HEAD = 1500  # bylines and datelines sit near the top of a document


def metadata_answer(info: QuestionInfo, scored: list[Scored]) -> Scored | None:
    """The best candidate's document answered from its metadata, citing its byline, dateline or title line.

    None when the document lacks the asked field (the ordinary answer path then decides).
    """
    best = scored[0]
    ev = best.evidence
    if ev is None:
        return None
    title = ev.title.strip()
    if info.meta == "author":
        if not ev.authors:
            return None
        span = _line_with(ev.doc_text, list(ev.authors)) or _line_with(ev.doc_text, [title])
        note = f"{title or 'The document'} was written by {', '.join(ev.authors)}" + (
            f" (published {ev.date})." if ev.date else ".")
    elif info.meta == "published":
        if not ev.date:
            return None
        span = _dateline(ev.doc_text, ev.date) or _line_with(ev.doc_text, list(ev.authors)) or \
            _line_with(ev.doc_text, [title])
        note = f"{title or 'The document'} was published on {ev.date}."
    elif info.meta == "title":
        if not title:
            return None
        span = _line_with(ev.doc_text, [title])
        note = f"The title is \"{title}\"" + (f" ({ev.date})." if ev.date else ".")
    else:
        return None
    start, end = span or (best.sentence.start, best.sentence.end)
    return replace(best, start=start, end=end, note=note)


def _body(text: str) -> int:
    """Where the body starts: after a leading YAML front matter block, if any."""
    m = re.match(r"---\s*\n.*?\n---\s*\n", text, re.DOTALL)
    return m.end() if m else 0


def _line_with(text: str, needles: list[str]) -> tuple[int, int] | None:
    """The (trimmed) line near the top of the body holding the first needle found."""
    body = _body(text)
    head = text[body:body + HEAD].lower()
    for needle in needles:
        if not needle:
            continue
        at = head.find(needle.lower())
        if at >= 0:
            return _line(text, body + at)
    return None


def _dateline(text: str, date: str) -> tuple[int, int] | None:
    """A line near the top that states the document's year (a dateline), if any."""
    year = doc_year(date)
    if year is None:
        return None
    body = _body(text)
    for m in re.finditer(rf"(?<!\d){year}(?!\d)", text[body:body + HEAD]):
        start, end = _line(text, body + m.start())
        if end - start <= 200:
            return start, end
    return None


def _line(text: str, at: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    end = len(text) if end < 0 else end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
