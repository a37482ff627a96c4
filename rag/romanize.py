"""Names across scripts: a Latin name matches Chinese characters whose pinyin spells it, and the reverse.

Chinese names of companies, products and people are usually romanized by their pinyin (云图 ↔ Yuntu,
张伟 ↔ Zhang Wei), sometimes with one vowel dropped (pinyin "bolan" written "blan"). This is what lets an English
question find its entity in a Chinese passage, and a Chinese name in an English one, with no glossary.
"""
from __future__ import annotations

import re
from functools import lru_cache

_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_LATIN_WORDS = re.compile(r"[A-Za-z]+")
_VOWELS = frozenset("aeiou")
MIN_LETTERS = 4  # shorter names match too many syllable pairs by chance
MAX_CHARS = 5  # the longest name (in characters) looked for
# What a company's name ends with in either script ("星河科技" is 星河 + "technology"): matched without it too.
_CJK_FIRM = re.compile(r"(?<=[\u3400-\u9fff]{2})(?:有限公司|股份|科技|公司|集团|技术|网络|智能)+$")
_LATIN_FIRM = re.compile(r"(?<=\w)(?:\s+(?:Technology|Technologies|Tech|Inc|Co|Ltd|Corp|Corporation|Company|Group|"
                         r"Holdings|Limited)\.?)+$", re.IGNORECASE)


def spelled(name: str) -> str:
    """A Latin name as lowercase letters only ("Zhang Wei" → "zhangwei")."""
    return "".join(_LATIN_WORDS.findall(name)).lower()


@lru_cache(maxsize=8192)
def _syllables(run: str) -> tuple[str, ...]:
    """The toneless pinyin of each character of a run of Chinese characters."""
    from pypinyin import lazy_pinyin  # loaded on first use: it costs ~0.4 s

    out = lazy_pinyin(run)
    return tuple(out) if len(out) == len(run) else tuple(lazy_pinyin(ch)[0] for ch in run)


@lru_cache(maxsize=4096)
def respellings(word: str) -> frozenset[str]:
    """Other romanizations of a one-word name in lowercase letters, one inside vowel added or dropped (keling ~
    kling); none for words too short to tell apart."""
    if len(word) < MIN_LETTERS or not word.isalpha() or not word.isascii():
        return frozenset()
    return frozenset(w for w in _with_a_vowel(word) | _without_a_vowel(word) if len(w) > MIN_LETTERS)


def _with_a_vowel(latin: str) -> set[str]:
    """The spellings with one vowel added inside (blan -> bolan, balan, ...)."""
    return {latin[:i] + v + latin[i:] for i in range(1, len(latin)) for v in _VOWELS}


def _without_a_vowel(pinyin: str) -> set[str]:
    """The spellings with one inside vowel dropped (bolan -> blan, boln)."""
    return {pinyin[:i] + pinyin[i + 1:] for i in range(1, len(pinyin) - 1) if pinyin[i] in _VOWELS}


@lru_cache(maxsize=4096)
def _pinyin_spellings(text: str) -> frozenset[str]:
    """Every pinyin spelling of two to MAX_CHARS consecutive Chinese characters of a text (once per text)."""
    out: set[str] = set()
    for run in _HAN_RUN.findall(text):
        syllables = _syllables(run)
        for i in range(len(syllables) - 1):
            spelling = syllables[i]
            for j in range(i + 1, min(i + MAX_CHARS, len(syllables))):
                spelling += syllables[j]
                out.add(spelling)
    return frozenset(out)


@lru_cache(maxsize=4096)
def _letters(text: str) -> str:
    """A text's Latin words, lowercased and run together (a fast first test; one string per text)."""
    return "".join(_LATIN_WORDS.findall(text)).lower()


@lru_cache(maxsize=4096)
def _has_han_run(text: str) -> bool:
    """True when a text has a Chinese character (one scan per text, not one per name checked against it)."""
    return _HAN_RUN.search(text) is not None


@lru_cache(maxsize=8192)
def latin_in_chinese(latin_name: str, text: str) -> bool:
    """True when two or more consecutive Chinese characters of the text spell the Latin name in pinyin."""
    if not _has_han_run(text):
        return False
    spellings = _pinyin_spellings(text)
    for name in dict.fromkeys((latin_name, _LATIN_FIRM.sub("", latin_name))):
        target = spelled(name)
        if len(target) >= MIN_LETTERS and (target in spellings or not spellings.isdisjoint(_with_a_vowel(target))):
            return True
    return False


def romanized(chinese_name: str) -> str:
    """A Chinese name's pinyin as lowercase letters ("云图" → "yuntu"); empty when it has no Chinese."""
    runs = _HAN_RUN.findall(chinese_name)
    return "".join(s for run in runs for s in _syllables(run)) if len(runs) == 1 and len(runs[0]) >= 2 else ""


@lru_cache(maxsize=8192)
def chinese_in_latin(chinese_name: str, text: str) -> bool:
    """True when one to three consecutive Latin words of the text spell the Chinese name's pinyin."""
    targets = [t for t in {romanized(chinese_name), romanized(_CJK_FIRM.sub("", chinese_name))} if len(t) >= MIN_LETTERS]
    if not targets:
        return False
    wanted = {w for t in targets for w in {t} | _without_a_vowel(t)}
    letters = _letters(text)
    if not any(w in letters for w in wanted):
        return False  # the usual case, decided without splitting the text into words
    words = [w.lower() for w in _LATIN_WORDS.findall(text)]
    return any("".join(words[i:j]) in wanted for i in range(len(words)) for j in range(i + 1, min(i + 4, len(words) + 1)))
