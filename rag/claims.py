"""Generated text taken apart: sentences with their `[n]` markers, and the facts (numbers, dates, names) they state."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from rag.aliases import Glossary
from rag.lexical import STOPWORDS
from rag.text import has_cjk, normalize

MARKER = re.compile(r"\s*(?:\[\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*\]|【\s*(\d{1,3})\s*】)")
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)|[。！？]+[”’」』)]*|\n+")
_ABBREV = re.compile(r"(?:\b[A-Z]|\b(?:vs|etc|Inc|Ltd|Co|Mr|Mrs|Ms|Dr|No|e\.g|i\.e|U\.S|U\.K))\.$")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")


@dataclass
class Claim:
    """One generated sentence: its text without markers and the passage numbers it cites, in order."""

    text: str
    cited: list[int] = field(default_factory=list)


def split_claims(text: str) -> list[Claim]:
    """The sentences of a generated answer, each with the `[n]` markers inside it or right after it."""
    pieces, cursor = [], 0
    for match in _END.finditer(text):
        if match.group().strip() and _ABBREV.search(text[cursor:match.end()]):
            continue
        end = match.end()
        trailing = MARKER.match(text, end)
        while trailing:  # markers written after the full stop belong to the sentence before
            end = trailing.end()
            trailing = MARKER.match(text, end)
        pieces.append(text[cursor:end])
        cursor = end
    pieces.append(text[cursor:])
    claims = []
    for piece in pieces:
        cited = [int(n) for m in MARKER.finditer(piece) for n in re.split(r"\D+", m.group(1) or m.group(2)) if n]
        plain = _BULLET.sub("", MARKER.sub("", piece))
        plain = re.sub(r"\s+([.,;:!?。，；：！？])", r"\1", " ".join(plain.split()))
        if re.search(r"\w", plain):
            claims.append(Claim(plain, list(dict.fromkeys(cited))))
        elif cited and claims:  # a lone marker after the last sentence
            claims[-1].cited = list(dict.fromkeys(claims[-1].cited + cited))
    return claims


# --- numbers and dates ------------------------------------------------------------------------------------
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "mn": 1e6,
          "bn": 1e9, "万": 1e4, "亿": 1e8, "千": 1e3, "百万": 1e6, "千万": 1e7, "万亿": 1e12, "十万": 1e5}
_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
          "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "a": 1}
_MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
_DIGITS = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?)(?:\s*(thousand|million|billion|trillion)\b|(k|m|mn|bn)\b|"
                     r"\s*(万亿|千万|百万|十万|万|亿|千))?(?![a-z0-9])")
_WORD_NUMBER = re.compile(r"\b(" + "|".join(_WORDS) + r")(?:\s+(thousand|million|billion|trillion))?\b")
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 1e4, "亿": 1e8}


def _cn_value(chars: str) -> float:
    total, section, digit = 0.0, 0.0, 0.0
    for ch in chars:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            section += (digit or 1) * _CN_UNIT[ch]
            digit = 0
        else:
            section += digit
            total = (total + section) * _CN_BIG[ch] if ch == "亿" else total + (section or 1) * _CN_BIG[ch]
            section = digit = 0
    return total + section + digit


def quantities(text: str, strict: bool = False) -> set[float]:
    """Every number a text states, scaled ('2 million' = 2e6 = '200万'), months as 1-12.

    `strict` (for generated claims) skips readings that are usually not quantities: a bare 'one' or 'a', and a
    lone Chinese 一/两 (as in 一个, 两者).
    """
    norm = normalize(text)
    found: set[float] = set()
    for match in _DIGITS.finditer(norm):
        scale = match.group(2) or match.group(3) or match.group(4)
        found.add(float(match.group(1)) * (_SCALE[scale] if scale else 1.0))
    for match in _WORD_NUMBER.finditer(norm):
        word, scale = match.groups()
        if scale or not (strict and word in ("one", "a")) and word != "a":
            found.add(_WORDS[word] * (_SCALE[scale] if scale else 1.0))
    for match in _CN_NUMBER.finditer(norm):
        chars = match.group()
        if strict and len(chars) == 1 and chars in "一两":
            continue
        if chars in ("万", "亿", "千", "百", "十") or _DIGITS_BEFORE.search(norm[: match.start()]):
            continue  # a scale word after Arabic digits was read above
        found.add(_cn_value(chars))
    for word, month in _MONTHS.items():
        if re.search(rf"\b{word}\b", norm) and not (word == "may" and strict and not _MAY_MONTH.search(norm)):
            found.add(float(month))
    return found


_DIGITS_BEFORE = re.compile(r"\d\s*$")
_MAY_MONTH = re.compile(r"\bmay\s+(\d|of\b)|\bin\s+may\b|\b\d{1,2}\s+may\b")


def missing_quantities(claim: set[float], source: set[float]) -> set[float]:
    """The claim's numbers the source doesn't state."""
    return {q for q in claim if not any(math.isclose(q, s, rel_tol=1e-6, abs_tol=1e-9) for s in source)}


# --- names ------------------------------------------------------------------------------------------------
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*[A-Za-z0-9]|[A-Za-z]")


@lru_cache(maxsize=8)
def _glossary_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    if not names:
        return None
    parts = [re.escape(n) if has_cjk(n) else rf"(?<![A-Za-z0-9]){re.escape(n)}(?![A-Za-z0-9])"
             for n in sorted(names, key=len, reverse=True)]
    return re.compile("|".join(parts), re.IGNORECASE)


def _without_glossary_names(text: str, glossary: Glossary) -> str:
    pattern = _glossary_pattern(tuple(n for canon, aliases in glossary.entries.items() for n in [canon, *aliases]))
    return pattern.sub(" ", text) if pattern else text


def named_entities(text: str, glossary: Glossary) -> tuple[set[str], set[str]]:
    """(glossary names, other name-like words) a claim mentions.

    Other name-like words are capitalized words after the first, words mixing letters and digits or inner
    capitals, and in text with Chinese characters every Latin-script word.
    """
    canonical = set(glossary.canonical_names(text))
    rest = _without_glossary_names(text, glossary)
    cjk = has_cjk(text)
    others: set[str] = set()
    for i, match in enumerate(_LATIN.finditer(rest)):
        word = match.group().strip("'’-")
        lowered = word.lower().removesuffix("'s").removesuffix("’s")
        if lowered in STOPWORDS or lowered in _MONTHS or lowered in _WORDS or len(word) < 2 or lowered == "i":
            continue
        unusual = any(c.isdigit() for c in word) or any(c.isupper() for c in word[1:])
        sentence_start = i == 0 or re.search(r"[.!?:;\"“]\s*$", rest[: match.start()])
        if cjk or unusual or (word[0].isupper() and not sentence_start):
            others.add(lowered)
    return canonical, others


def missing_names(claim_text: str, source_text: str, glossary: Glossary) -> set[str]:
    """The claim's names the source doesn't mention (glossary aliases count as their canonical name)."""
    canonical, others = named_entities(claim_text, glossary)
    missing = canonical - set(glossary.canonical_names(source_text))
    source_words = {w.lower().removesuffix("'s").removesuffix("’s") for w in _LATIN.findall(source_text)}
    return missing | {w for w in others if not any(_same_word(w, s) for s in source_words)}


def _same_word(a: str, b: str) -> bool:
    """Equal, or one inflection of the other ('China'/'Chinese', 'model'/'models')."""
    if a == b:
        return True
    common = len(_prefix(a, b))
    return common >= 4 and common >= min(len(a), len(b)) - 2


def _prefix(a: str, b: str) -> str:
    out = []
    for x, y in zip(a, b):
        if x != y:
            break
        out.append(x)
    return "".join(out)
