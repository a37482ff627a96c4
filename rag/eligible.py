"""Whether a passage may answer at all: rules about what it must hold (a sentence naming the asked entity, the
numbers the question qualifies with, what it counts, a value of the asked type) and about names no document uses."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rag import qualifiers, quantities, romanize
from rag.evidence import metadata_terms
from rag.lexical import terms
from rag.question import QuestionInfo
from rag.retrieve import IndexView

if TYPE_CHECKING:
    from rag.answer import Scored


def unknown_entity(info: QuestionInfo, view: IndexView, chinese_docs: list[str]) -> bool:
    """True when the question names something (a capitalized name) whose words no document uses at all, and
    no retrieved Chinese document spells it in pinyin."""
    vocab = view.sentence_lex.idf
    for entity in info.entities:
        if entity in info.names:
            continue
        words = [t for t in terms(entity) if t.isascii() and t.isalpha() and len(t) > 2]
        unseen = [t for t in words if t not in vocab and t not in metadata_terms(view)]
        texts = list(dict.fromkeys(chinese_docs))
        if unseen and not any(romanize.latin_in_chinese(entity, text) for text in texts) and not all(
                any(romanize.latin_in_chinese(w, text) for text in texts) for w in _words_of(entity, unseen)):
            return True  # a word of the name no document uses, in any script ("Tessel CEO": 特塞尔 spells Tessel)
    return False


def _words_of(entity: str, unseen: list[str]) -> list[str]:
    """The entity's own words whose terms no document uses (as written, for spelling them in pinyin)."""
    return [w for w in entity.split() if set(terms(w)) & set(unseen)]


def holds_what_was_asked(info: QuestionInfo, s: Scored) -> bool:
    """A passage may answer only if it is a sentence (not a heading) that names an asked entity (in it, the sentence
    before, its section or title; in itself when it names someone else), states the numbers the question qualifies
    with ("a ten-second clip") and holds a value of the asked type (number, amount, date)."""
    row = s.row
    if row.get("heading_like") or row.get("entity_all_missing") or row.get("version_missing"):
        return False
    if asks(s.sentence.text):
        return False  # a question the text asks ("Will it last?") states nothing
    if row.get("rival_entity") and row.get("entity_missing", 0.0) >= 0.5:
        return False  # it names someone else and not the asked entity
    if row.get("counted_cover", 1.0) < 0.5:
        return False  # "how many minutes" asked, users counted
    before = s.evidence.before if s.evidence is not None else ""
    if qualifiers.sibling(info.text, s.sentence.text, before) or qualifiers.other_ordinal(info.text, s.sentence.text):
        return False  # "高级会员" asked, only "基础会员" told
    if info.kinds & {"number", "money", "year"} and info.quantities and s.evidence is not None and quantities.missing(
            info.quantities, f"{s.evidence.before} {s.sentence.text}"):
        return False  # "a ten-second clip" asked, a five-second one told
    if info.kinds & {"money", "number"} and (asked := quantities.rates(info.text)) and (
            told := quantities.rates(s.sentence.text)) and not asked & told:
        return False  # a price per year asked, one per month told; credits a day asked, a month's told
    return not (row.get("type_missing") and info.kinds & {"number", "money", "year"})


def asks(text: str) -> bool:
    """True when a sentence is a question (it ends with a question mark, before any closing quote or bracket)."""
    return text.rstrip().rstrip("\"'”’)）").endswith(("?", "？"))
