"""Conflicting sources: two documents that give different values for the same asked fact."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rag.question import QuestionInfo, typed_matches
from rag.text import has_cjk

if TYPE_CHECKING:
    from rag.answer import Scored

VALUE_KINDS = {"number", "money", "year"}


_DATE = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)"
                   r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?|\b\d{1,2}\s+(?:January|February|March|April|May|June|"
                   r"July|August|September|October|November|December)(?:\s+\d{4})?|\d{4}-\d{2}-\d{2}|"
                   r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日")


_FIGURE = re.compile(r"\d[\d,.]*\s*(?:%|percent|thousand|million|billion|trillion|万|亿)?", re.IGNORECASE)
# When a figure is for, not the figure: a date, a year, a month or day, a quarter ("2025年3月", "Q3", "in 2024")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_WHEN = re.compile(rf"\b(?:{_MONTHS})\s+(?:19|20)\d{{2}}\b|{_DATE.pattern}|"
                   r"(?<![\d.,$¥€£])(?:19|20)\d{2}(?!\s*(?:%|percent|万|亿|元|美元|yuan|dollars?|thousand|million|"
                   r"billion|credits?|[×x]\s*\d)|\d|[.,]\d)|(?<![\d.])\d{1,2}\s*[月日号]|"
                   r"(?<![A-Za-z])[QH][1-4](?!\d)|第[一二三四1-4]季度")


def values(info: QuestionInfo, text: str) -> set[str]:
    """The typed values (numbers, amounts, dates) a sentence gives for what the question asks, normalized."""
    if "year" in info.kinds and _DATE.search(text):  # a date question: compare whole dates, not their years
        return {re.sub(r"[\s,]|(?<=\d)(st|nd|rd|th)", "", m.group().lower()) for m in _DATE.finditer(text)}
    if info.kinds & {"number", "money"}:  # a figure with its scale: "5 million" and "4 million" differ
        figures = {re.sub(r"[\s,]", "", m.group().lower()) for m in _FIGURE.finditer(_WHEN.sub(" ", text))}
        if figures:
            return figures
    spans = typed_matches(info, text) or []
    out = set()
    for start, end in spans:
        value = re.sub(r"[\s,]", "", text[start:end].lower())
        if value:
            out.add(value)
    return out


def conflicting(info: QuestionInfo, best: Scored, pool: list[Scored], cover_share: float = 0.8) -> Scored | None:
    """Another document's sentence that answers the same question with different values, or None.

    Only for questions asking a value (number, amount, date), not for the latest: the other sentence must be as
    much about the question (coverage), name the asked entities, be about the asked period when the best one is
    (two sources may give different figures for the same quarter), and share none of the best sentence's values.
    """
    if not (info.kinds & VALUE_KINDS) or info.latest or info.kinds & {"compare", "list"}:
        return None
    if best.row.get("period_clash") or not best.row.get("type_match"):
        return None
    mine = values(info, best.sentence.text)
    if not mine:
        return None
    for other in pool[1:]:
        if other.sentence.doc_id == best.sentence.doc_id or other.sentence.date == best.sentence.date:
            continue
        if bool(other.row.get("period_hit")) != bool(best.row.get("period_hit")) or not same_fact(
                info, best, other, cover_share):
            continue
        theirs = values(info, other.sentence.text)
        if theirs and not theirs & mine:
            return other
    return None


def same_fact(info: QuestionInfo, best: Scored, other: Scored, cover_share: float = 0.8) -> bool:
    """True when another sentence answers the question as fully as the best one (so it states the same fact)."""
    row = other.row
    if not row.get("type_match") and best.row.get("type_match"):
        return False
    if row.get("entity_missing") or row.get("period_clash") or row.get("rival_entity"):
        return False
    # across languages the words differ: compare soft coverage (word vectors), not shared words or focus words
    across = has_cjk(best.sentence.text) != has_cjk(other.sentence.text)
    key = "soft_cover" if across else "cover"
    if row.get(key, 0.0) < cover_share * best.row.get(key, 0.0):
        return False
    return bool(across or row.get("focus_near") or not best.row.get("focus_near"))
