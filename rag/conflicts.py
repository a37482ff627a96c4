"""Conflicting sources: two documents that give different values for the same asked fact."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rag.question import QuestionInfo, typed_matches

if TYPE_CHECKING:
    from rag.answer import Scored

VALUE_KINDS = {"number", "money", "year"}


def values(info: QuestionInfo, text: str) -> set[str]:
    """The typed values (numbers, amounts, dates) a sentence gives for what the question asks, normalized."""
    spans = typed_matches(info, text) or []
    out = set()
    for start, end in spans:
        value = re.sub(r"[\s,]", "", text[start:end].lower())
        if value:
            out.add(value)
    return out


def conflicting(info: QuestionInfo, best: Scored, eligible: list[Scored], cover_share: float = 0.8) -> Scored | None:
    """Another document's sentence that answers the same question with different values, or None.

    Only for questions asking a value (number, amount, date) with no period named and not asking for the latest:
    the other sentence must be as much about the question (coverage), name the asked entities, and share none
    of the best sentence's values.
    """
    if not (info.kinds & VALUE_KINDS) or info.latest or info.kinds & {"compare", "list"}:
        return None
    if best.row.get("period_hit") or best.row.get("period_clash") or not best.row.get("type_match"):
        return None
    mine = values(info, best.sentence.text)
    if not mine:
        return None
    for other in eligible[1:]:
        if other.sentence.doc_id == best.sentence.doc_id or other.sentence.date == best.sentence.date:
            continue
        row = other.row
        if not row.get("type_match") or row.get("entity_missing") or row.get("period_clash") or row.get("period_hit"):
            continue
        if row.get("cover", 0.0) < cover_share * best.row.get("cover", 0.0):
            continue
        if not row.get("focus_near") and best.row.get("focus_near"):
            continue
        theirs = values(info, other.sentence.text)
        if theirs and not theirs & mine:
            return other
    return None
