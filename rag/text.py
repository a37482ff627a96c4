"""Text helpers with character offsets: sentence spans, word tokens, hashing."""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

# A sentence ends at . ! ? plus closing quotes/brackets, before whitespace and a new sentence start; at
# Chinese 。！？； (full-width ！？ too, repeated) plus any closing quotes/brackets, wherever they stand; or at a
# line break.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_END = re.compile(r"""[.!?]["'”’)\]]*(?=\s+["'“‘(\[「『]?[A-Z0-9""" + _CJK + r"""])"""
                  r"""|[。！？；!?]*[。！？；][。！？；!?]*["'”’」』）)\]》]*"""
                  r"""|\n+""")
_END_WRAPPED = re.compile(_END.pattern.rsplit("|", 1)[0])  # the same ends, without the line break
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|vs|etc|Inc|Ltd|Co|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|"
                     r"Oct|Nov|Dec|e\.g|i\.e|U\.S|U\.K)\.$)|(?:\b[A-Z]\.$)")
_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)*%?|[A-Za-z][A-Za-z0-9'’\-]*|[" + _CJK + r"]+")


def sha256(text: str) -> str:
    """Hex SHA-256 of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sentence_spans(text: str, start: int = 0, end: int | None = None, wrapped: bool = False) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences in text[start:end], whitespace trimmed; `wrapped`: a line break inside
    is a hard wrap, not an end."""
    end = len(text) if end is None else end
    spans, cursor = [], start
    for match in (_END_WRAPPED if wrapped else _END).finditer(text, start, end):
        piece_end = match.end() if match.group().strip() else match.start()
        if _ABBREV.search(text[cursor:piece_end]) and match.group().strip():
            continue
        spans.append((cursor, piece_end))
        cursor = match.end()
    spans.append((cursor, end))
    return [trimmed for s, e in spans if (trimmed := _trim(text, s, e))]


_CLOSES_SENTENCE = re.compile(r"""[.!?:;。！？：；]["'”’」』)）]*$""")


def runs_on(line: str, following: str, wide: int = 60) -> bool:
    """True when a hard-wrapped line goes on in the next one: it has no sentence end, and it is long or the next
    goes on in lower case or in Chinese."""
    if not line or not following or _CLOSES_SENTENCE.search(line):
        return False
    return len(line) >= wide or following[:1].islower() or (has_cjk(line[-1]) and has_cjk(following[:1]))


def wrap_joiner(line: str, following: str) -> str:
    """What joins a wrapped line to the next: nothing between Chinese characters, else a space."""
    return "" if has_cjk(line[-1:]) and has_cjk(following[:1]) else " "


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


_UNIFY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        **{chr(code): "-" for code in range(0x2010, 0x2016)}})
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")


def normalize(text: str) -> str:
    """NFKC, lower case, unified quotes and dashes, thousands separators dropped."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_UNIFY)
    return _THOUSANDS.sub("", text) if "," in text else text


# One answer tokenizes the same candidate sentences (and their neighbours) again and again: the tokens of the last
# WORDS_CACHE distinct short texts are kept. Long texts (whole documents) are not: each is tokenized rarely.
WORDS_CACHE = 4096
CACHED_CHARS = 2000


def words(text: str) -> list[str]:
    """Normalized word tokens: numbers kept whole, hyphenated words split, Chinese runs cut into words."""
    return list(_cached_words(text)) if len(text) <= CACHED_CHARS else tokenize(text)


@functools.lru_cache(maxsize=WORDS_CACHE)
def _cached_words(text: str) -> tuple[str, ...]:
    return tuple(tokenize(text))


def tokenize(text: str) -> list[str]:
    """`words` without the cache (for one pass over many texts, e.g. loading an index)."""
    out: list[str] = []
    for word in _WORD.findall(normalize(text)):
        first = word[0]
        if "\u4e00" <= first <= "\u9fff" or "\u3400" <= first <= "\u4dbf":  # has_cjk(first), inlined
            out += chinese_words(word)
            continue
        word = word.strip("'’-")
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        if "-" in word:
            out += [part for part in word.split("-") if part.strip("'’")]
        elif word.strip("'’"):
            out.append(word)
    return [w.strip("'’") for w in out]


def chinese_words(run: str) -> list[str]:
    """A run of Chinese characters cut into words (jieba search mode: long words and their parts)."""
    return [w for w in _jieba().cut_for_search(run, True) if w.strip()]


def chinese_cut(run: str) -> list[str]:
    """A run of Chinese characters cut into words, each character once (jieba's precise mode)."""
    return [w for w in _jieba().cut(run) if w.strip()] or [run]


def chinese_tagged(text: str) -> list[tuple[str, str]]:
    """A text cut into words with their part-of-speech tags (jieba's: n noun, v verb, a adjective, ...)."""
    return [(w, t) for w, t in _jieba().tag(text) if w.strip()]


@functools.cache
def _jieba():
    """The jieba-rs segmenter (rjieba), imported on first use: its default dictionary loads in about 0.1-0.2 s."""
    import rjieba

    return rjieba


_HAN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf]")


def has_cjk(text: str) -> bool:
    """True when the text holds Chinese/Japanese characters."""
    return _HAN.search(text) is not None
