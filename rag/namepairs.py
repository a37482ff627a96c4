"""Aliases the documents state themselves ("X (Y)", "X, known abroad as Y", "X（Y）"), mined from their sentences.

A user's glossary stays the place to list aliases; these pairs add the ones a corpus spells out, so a question
using either name finds passages that use the other. Mining is conservative: both sides must be names (a
capitalized run the documents never write in lower case, or a short run of Chinese characters), without digits.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = r"[A-Z][A-Za-z-]*[A-Za-z]"
_LATIN = rf"{_WORD}(?:[ -]{_WORD}){{0,2}}"  # one to three capitalized words
_CJK = r"[\u4e00-\u9fff]{2,6}"
_OPEN, _CLOSE = r"(?:\s\(|\s?（)\s?", r"\s?[)）]"  # "Name (Alias)", never code's "Name(arg)"
_PAREN = [
    # not the tail of a longer name: "Acme 2.1 Pro (Maker)" names Pro's maker, not another name for "Pro"
    re.compile(rf"(?<![A-Za-z0-9’'-])(?<!\d )({_LATIN}){_OPEN}({_LATIN}|{_CJK}){_CLOSE}"),  # Orla (Brightframe), Tessel (特塞尔)
    re.compile(rf"(?:^|(?<=[的是了和与及，、：\s]))({_CJK}){_OPEN}({_LATIN}){_CLOSE}"),  # 星图（Stellar）
]
_KNOWN_AS = re.compile(
    rf"(?<![A-Za-z0-9’'-])({_LATIN}),? (?:(?:which|that|who) (?:is|was) )?(?:also |better |now |formerly |internationally |"
    rf"overseas |abroad |globally )?(?:known|called|named|branded|sold|marketed|rebranded|renamed)"
    rf"(?: (?:in|outside|across|overseas|abroad|internationally|globally)(?: {_LATIN}| the [A-Za-z]+)?)? (?:as |to )?"
    rf"[\"“]?({_LATIN})\b")
_FORMERLY = re.compile(rf"(?<![A-Za-z0-9’'-])({_LATIN}), (?:formerly|previously|once|originally) (?:known as |called )?({_LATIN})\b")
_VERSION_OF = re.compile(rf"(?<![A-Za-z0-9’'-])({_LATIN}), (?:the|its) (?:international|overseas|global|English|Chinese|"
                         rf"domestic|foreign) (?:version|edition|name|brand|counterpart) of ({_LATIN})\b")
_CUES = ("(", "（", "known", "called", "named", "branded", "sold ", "marketed", "formerly", "previously", "once",
         "originally", "version of", "edition of", "name of", "brand of", "counterpart of")


def mine(texts: Iterable[str]) -> list[tuple[str, str]]:
    """(name, alias) pairs that texts (a document, or its sentences) state, each pair once, in order of first
    statement; a word the texts also write in lower case is a common word, not a name."""
    sentences = list(texts)
    pairs: dict[tuple[str, str], None] = {}
    for text in sentences:
        if not any(cue in text for cue in _CUES):
            continue
        for pattern in (*_PAREN, _KNOWN_AS, _FORMERLY, _VERSION_OF):
            for m in pattern.finditer(text):
                a, b = _trim(m.group(1)), _trim(m.group(2))
                if a and b and a.lower() != b.lower():
                    pairs.setdefault((a, b), None)
    if not pairs:
        return []
    lower = _lowercase_words("\n".join(sentences), {w.lower() for pair in pairs for n in pair for w in re.split(r"[ -]", n)})
    named = [(_name_part(a, lower), _name_part(b, lower, trim=False)) for a, b in pairs]
    return list(dict.fromkeys((a, b) for a, b in named if a and b and a.lower() != b.lower() and _fits(a, b)))


def _fits(a: str, b: str) -> bool:
    """An acronym pairs only with the words it abbreviates ("RGB" with "Red Green Blue"), never another acronym."""
    short = [n for n in (a, b) if re.fullmatch(r"[A-Z]{2,}s?", n)]
    if len(short) == 2:
        return False
    if short:
        long = b if short[0] == a else a
        return "".join(w[0] for w in re.split(r"[ -]", long)).upper() == short[0].rstrip("s")
    return True


def _trim(name: str) -> str:
    """A name without a trailing possessive or a leading article."""
    name = re.sub(r"[’']s?$", "", name.strip())
    return re.sub(r"^(?:The|A|An) ", "", name)


def _lowercase_words(text: str, words: set[str]) -> set[str]:
    """Those of `words` the documents also write in lower case (such a word is a common word, not a name)."""
    return {w for w in words if w.isascii() and re.search(rf"(?<![A-Za-z0-9’'-]){re.escape(w)}(?![\w-])", text)}


def _name_part(name: str, lower: set[str], trim: bool = True) -> str:
    """The name in a run: Chinese characters as they are; capitalized words from the first one the documents never
    write in lower case ("Founder Marlo Venn" -> "Marlo Venn"); "" when a word is also a common word."""
    if re.fullmatch(_CJK, name):
        return name
    words = re.split(r"[ -]", name)
    while trim and words and words[0].lower() in lower:
        words.pop(0)
    if not words or any(w.lower() in lower for w in words):
        return ""
    return name[len(name) - len(" ".join(words)):] if name.endswith(" ".join(words)) else " ".join(words)
