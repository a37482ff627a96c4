"""What a question asks for: its type, the names it mentions and its weighted content terms."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.aliases import Glossary
from rag.lexical import terms
from rag.text import has_cjk

_TYPES = [  # (type, English pattern, Chinese pattern)
    ("number", r"\bhow (many|much|long|big|large|old|high)\b|\bwhat (percentage|percent|share|proportion|number|"
               r"amount|price|fee|cost|revenue|sum|figure)\b|\bhow many times\b|\bhow much\b",
     r"多少|几|多大|多长|多久|多高|百分之"),
    ("year", r"\b(what|which) year\b|\bwhen\b|\bwhat date\b|\bwhat month\b", r"哪一年|哪年|何时|什么时候|哪个月"),
    ("person", r"^\s*(who|whom)\b|\bwho (won|is|was|founded|described)\b|\b(which|what) ([a-z-]+ )?(person|people|"
               r"developer|founder|ceo|executive|winner|author|judge|designer|creator|student|artist|researcher|"
               r"investor|analyst|director|engineer)s?\b", r"谁"),
    ("list", r"\b(which|what|name|list) (the )?(two|three|four|five|six|\d+)\b|\blist\b|\bname the\b", r"哪两|哪几|哪些"),
    ("compare", r"\bcompare\b|\bcomparison\b|\bversus\b|\bvs\.?\b|\bdifferences?\b|\bdiffer\b|\bgap\b", r"比较|对比|区别|差距"),
    ("why", r"^\s*why\b|\bwhat (is|was) the reason\b|\bfor what reason\b", r"为什么|为何|原因"),
]
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|thousand|"
                     r"million|billion|dozen|half|double|triple|first|second|third|fourth|fifth)\b", re.I)
_YEAR = re.compile(r"\b(19|20)\d{2}\b|\b(January|February|March|April|May|June|July|August|September|October|"
                   r"November|December)\b|\b(this|next|last) year\b", re.I)
_PERSON = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")


@dataclass
class QuestionInfo:
    """A parsed question."""

    text: str
    kinds: set[str]
    names: list[str]
    terms: list[str]
    chinese: bool
    list_size: int = 0
    entities: list[str] = field(default_factory=list)


_QUESTION_WORDS = frozenset("""what who whom whose which where when why how is are was were do does did can could
should would will in on at for from to of the a an and or compare according name list tell give please""".split())
_CAPITALIZED = re.compile(r"[A-Z0-9][\w’'-]*(?:\s+(?:of\s+the\s+|of\s+)?[A-Z0-9][\w’'-]*)*")


def entities(question: str, names: list[str]) -> list[str]:
    """Names the answer must be about: glossary names plus capitalized phrases of the question."""
    found = list(names)
    for match in _CAPITALIZED.finditer(question):
        phrase = re.sub(r"[’']s$", "", match.group())
        first = phrase.split()[0].lower()
        if match.start() == 0 or first in _QUESTION_WORDS:
            rest = phrase.split()[1:] if first in _QUESTION_WORDS or match.start() == 0 else phrase.split()
            phrase = " ".join(rest)
        if phrase and any(ch.isalpha() for ch in phrase) and phrase.lower() not in _QUESTION_WORDS:
            found.append(phrase)
    return list(dict.fromkeys(found))


_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "两": 2, "三": 3, "四": 4, "五": 5}


def analyse(question: str, glossary: Glossary) -> QuestionInfo:
    """Type, canonical names and content terms of a question."""
    chinese = has_cjk(question)
    kinds = {kind for kind, english, cjk in _TYPES
             if re.search(english, question, re.I) or (chinese and re.search(cjk, question))}
    names = glossary.canonical_names(question)
    english = re.sub(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+", " ", question) if chinese else question
    translated = glossary.translate_terms(question) if chinese else []
    content = terms(english) + [t for n in names for t in terms(n)] + [t for w in translated for t in terms(w)]
    size = 0
    match = re.search(r"\b(two|three|four|five|six|\d)\b|[两三四五]", question, re.I)
    if "list" in kinds and match:
        size = int(match.group()) if match.group().isdigit() else _COUNT_WORDS.get(match.group().lower(), 0)
    return QuestionInfo(question, kinds, names, list(dict.fromkeys(content)), chinese, size,
                        entities(glossary.rewrite(english), names))


def typed_matches(info: QuestionInfo, text: str) -> list[tuple[int, int]] | None:
    """Spans of what the question asks for (a number, year or name) that the question does not already say;
    None when the question's type sets no constraint."""
    asked = info.text.lower()
    for kind, pattern in (("number", _NUMBER), ("year", _YEAR), ("person", _PERSON)):
        if kind in info.kinds:
            return [m.span() for m in pattern.finditer(text) if m.group().lower() not in asked]
    return None


def answer_type_matches(info: QuestionInfo, text: str) -> bool | None:
    """Whether a sentence holds what the question asks for (None when the type sets no constraint)."""
    spans = typed_matches(info, text)
    return None if spans is None else bool(spans)


def focused_match(info: QuestionInfo, text: str, focus: set[str], reach: int = 40) -> bool:
    """True when a typed answer sits within `reach` characters of a focus word of the question."""
    from rag.lexical import fold
    from rag.text import words

    spans = typed_matches(info, text) or []
    if not spans or not focus:
        return False
    hits = [m.start() for m in re.finditer(r"[\w'’-]+", text) if any(fold(w) in focus for w in words(m.group()))]
    return any(abs(h - s) <= reach or abs(h - e) <= reach for s, e in spans for h in hits)
