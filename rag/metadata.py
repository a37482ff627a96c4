"""Answers about a document itself (its author, publisher, title, publication date), taken from its metadata."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from rag.lexical import terms
from rag.periods import dates, doc_year
from rag.question import QuestionInfo

if TYPE_CHECKING:
    from rag.answer import Scored

HEAD = 1500  # bylines and datelines sit near the top of a document


def metadata_answer(info: QuestionInfo, scored: list[Scored]) -> Scored | None:
    """The best candidate's document answered from its metadata, citing its byline, dateline or title line.

    None when the document lacks the asked field (the ordinary answer path then decides).
    """
    best = _document(info, scored)
    ev = best.evidence
    if ev is None:
        return None
    title = ev.title.strip()
    if info.meta == "author":
        if not ev.authors:
            return None
        span = _marked(ev, "byline") or _line_with(ev.doc_text, list(ev.authors)) or _line_with(ev.doc_text, [title])
        note = f"{title or 'The document'} was written by {', '.join(ev.authors)}" + (
            f" (published {ev.date})." if ev.date else ".")
    elif info.meta == "published":
        if not ev.date:
            return None
        span = _marked(ev, "dateline") or _dateline(ev.doc_text, ev.date) or \
            _line_with(ev.doc_text, [title]) or _marked(ev, "byline")  # no dateline: the title names the piece
        note = f"{title or 'The document'} was published on {ev.date}."
    elif info.meta == "publisher":
        if not ev.publisher:
            return None
        # a line naming the publisher ("Source: ..."), else the title line: the cited piece is the one it published
        span = _line_with(ev.doc_text, [ev.publisher]) or _marked(ev, "heading") or _line_with(ev.doc_text, [title])
        note = f"{title or 'The document'} was published by {ev.publisher}" + (f" on {ev.date}." if ev.date else ".")
    elif info.meta == "title":
        if not title:
            return None
        span = _marked(ev, "heading") or _line_with(ev.doc_text, [title])
        note = f"The title is \"{title}\"" + (f" ({ev.date})." if ev.date else ".")
    else:
        return None
    start, end = span or (best.sentence.start, best.sentence.end)
    return replace(best, start=start, end=end, note=note)


META_WORDS = frozenset(terms("""who wrote written writer author authors byline article piece report story post
document profile review title titled headline called published publication date when day outlet site website
publisher newspaper magazine ran""")) | {"publish"}


def _document(info: QuestionInfo, scored: list[Scored], depth: int = 30) -> Scored:
    """The best candidate of the document the question is about: its title's match with the question's topic
    words, plus its best candidate's score."""
    topic = [t for t in info.terms if t not in META_WORDS]
    best: dict[str, tuple[float, Scored]] = {}
    for s in scored[:depth]:
        ev = s.evidence
        if ev is None:
            continue
        title = set(terms(f"{ev.title} {ev.source_names}"))  # its title and who published or wrote it
        lexical = sum(t in title for t in topic) / len(topic) if topic else 0.0
        value = max(lexical, s.row.get("title_cover", 0.0)) + 0.5 * s.score  # soft: any language
        if ev.doc_id not in best or value > best[ev.doc_id][0]:
            best[ev.doc_id] = (value, s)
    return max(best.values(), key=lambda pair: pair[0])[1] if best else scored[0]


def _marked(ev, kind: str) -> tuple[int, int] | None:
    """The first line the loader marked as this kind (byline, dateline, heading), if any."""
    return next(((start, end) for k, start, end in ev.lines if k == kind), None)


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
    """A short line near the top that states the document's date (its year and month at least), if any; a
    paragraph that merely mentions the year is not a dateline."""
    year = doc_year(date)
    if year is None:
        return None
    m = re.match(r"\s*\d{4}-(\d{1,2})(?:-(\d{1,2}))?", date)
    month, day = (int(m.group(1)), int(m.group(2)) if m.group(2) else None) if m else (None, None)
    body = _body(text)
    for found in re.finditer(rf"(?<!\d){year}(?!\d)", text[body:body + HEAD]):
        start, end = _line(text, body + found.start())
        line = text[start:end]
        if end - start <= 80 and (date in line or any(
                y == year and (month is None or mo == month) and (day is None or d in (None, day))
                for y, mo, d in dates(line))):
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
