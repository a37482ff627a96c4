"""Numbers a question states as qualifiers ("a ten-second clip", "10秒1080p视频", "its 45 million users").

A passage that answers "how many credits does a ten-second clip cost?" states the ten seconds; one about a
five-second clip answers a different question. Years, quarters, days of months and versions are not qualifiers
here: periods and versions have their own checks.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rag.lexical import STOPWORDS
from rag.periods import MONTH_NAMES
from rag.text import chinese_cut, has_cjk

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
          "fifty": 50, "sixty": 60, "ninety": 90, "hundred": 100}
_CJK_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DIGITS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d])|(?<![\d.])\d+(?:\.\d+)?(?![\d]|\.\d)")
_WORD = re.compile(rf"(?i)(?<![A-Za-z])({'|'.join(_WORDS)})(?![A-Za-z])")
_HYPHENED = re.compile(rf"(?i)(?<![A-Za-z])({'|'.join(_WORDS)})-[a-z]+")
_CJK_NUMBER = re.compile(r"([一二两三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九])(?=[秒分个天周年月张段次倍])")



@lru_cache(maxsize=8192)
def values(text: str) -> frozenset[str]:
    """Every number a text states, normalized ("1,000" -> "1000", "five" -> "5", "十五秒" -> "15")."""
    found = {m.group().replace(",", "") for m in _DIGITS.finditer(text)}
    found |= {str(_WORDS[m.group(1).lower()]) for m in _WORD.finditer(text)}
    found |= {str(_cjk_value(m.group(1))) for m in _CJK_NUMBER.finditer(text)}
    return frozenset(_plain(v) for v in found)


def asked(question: str, versions: list[str]) -> list[str]:
    """The numbers a question states as qualifiers: digits and hyphened number words ("ten-second"), not years,
    quarters, days of months, list sizes or the numbers of versions."""
    in_versions = {_plain(v) for version in versions for v in re.findall(r"\d+(?:\.\d+)?", version)}
    out = []
    for m in _DIGITS.finditer(question):
        value, before, after = m.group().replace(",", ""), question[:m.start()], question[m.end():]
        if version_like(value, before, after):
            continue
        if (re.fullmatch(r"(19|20)\d\d", value) or re.search(r"[QqHh]$|FY$", before)
                or re.match(r"\s*[月日号]|(st|nd|rd|th)\b", after) or re.search(rf"(?:{MONTH_NAMES})\.?\s+$", before)):
            continue
        out.append(_plain(value))
    out += [str(_WORDS[m.group(1).lower()]) for m in _HYPHENED.finditer(question)]
    return [v for v in dict.fromkeys(out) if v not in in_versions]


_UNIT = re.compile(r"\s*(%|percent|per ?cent|million|billion|thousand|trillion|yuan|dollars?|credits?|seconds?|"
                   r"minutes?|hours?|days?|users?|times|x\b|[-‑][a-z]+|[万亿元秒倍个分天])", re.IGNORECASE)


def version_like(value: str, before: str, after: str) -> bool:
    """A model's number, not a quantity: "Gen-4", "V2", "Orla 2", "the 2.0 launch", "from 1.0 to 2.1"."""
    if _UNIT.match(after):
        return False
    return bool(re.search(r"[A-Za-z][-‑]?$", before) or "." in value or re.search(r"[A-Z][A-Za-z]+ $", before))


def missing(asked_values: list[str], text: str) -> bool:
    """True when a text lacks one of the asked qualifier numbers."""
    have = values(text)
    return any(v not in have for v in asked_values)


def _plain(value: str) -> str:
    return value.removesuffix(".0")


def _cjk_value(numeral: str) -> int:
    if "十" not in numeral:
        return _CJK_DIGITS[numeral]
    tens, _, units = numeral.partition("十")
    return (_CJK_DIGITS[tens] if tens else 1) * 10 + (_CJK_DIGITS[units] if units else 0)


_HOW_MANY = re.compile(r"(?i)\bhow many\s+((?:[a-z][a-z'-]*\s+){0,2}[a-z][a-z'-]*)")
_AUX = re.compile(r"(?i)\s+(?:do|does|did|is|are|was|were|has|have|had|will|would|can|could|should|in|on|at|for|of|"
                  r"to|from|by|with|per|a|an|the)\b.*$")
_CJK_COUNTED = re.compile(r"(?:(?<![从到为是达])多少|(?<![第哪从到为是达这乎])几)(分钟|小时|秒钟?|天|周|个月|年)")  # time units
_CJK_HOW_MANY = re.compile(r"(?<![从到为是达])多少([个张次部位名家款条段])?([\u4e00-\u9fff]*)")
_CJK_FEW = re.compile(r"(?<![第哪从到为是达这乎])几([个张次部位名家款条段])?([\u4e00-\u9fff]*)")
_CJK_MONEY = re.compile(r"[钱元币]")
# Where or how far a count reaches ("users worldwide", "downloads overall"): the scope, not what is counted.
_SCOPE = re.compile(r"(?i)[a-z]+wide|overall|total|altogether|globally|combined")


def counted(question: str) -> list[str]:
    """What a count question counts: the words after "how many" up to its verb, names left out ("how many daily Acme
    users did ..." -> "daily users"), the unit after 多少/几 ("多少分钟"), or the noun after it ("多少名员工" -> 员工)."""
    m = _HOW_MANY.search(question)
    if m:  # names are checked as entities, not as what is counted
        words = _AUX.sub("", " " + m.group(1)).split()
        verb = next((i for i, w in enumerate(words) if i and w.endswith("ed")), len(words))  # "people used"
        return [w for w in words[:verb] if not w[0].isupper() and not _SCOPE.fullmatch(w)]
    m = _CJK_COUNTED.search(question)
    if m:
        return [m.group(1)]
    m = _CJK_HOW_MANY.search(question) or _CJK_FEW.search(question)
    noun = m.group(2).lstrip("万亿千百") if m else ""
    noun = noun.rsplit("的", 1)[-1] if "的" in noun[1:] else noun  # "多少次…的下载请求": 请求 are counted
    if not noun:
        return []  # a bare measure word ("多少次") is said many ways ("20 updates"): nothing to hold it to
    first = chinese_cut(noun)[0]
    return [] if _CJK_MONEY.search(first) else [first[:2]]  # "用户注册" counts 用户; "多少人民币" asks an amount


# Chinese figures: digits, or a run of numeral characters that reads as a number (two or more, or one before a
# measure word or unit), not a numeral inside a word (统一, 第一, 这一)
_CJK_NUMERAL = re.compile(r"\d+(?:[.,]\d+)*%?|(?<![第这统唯])(?:[一二两三四五六七八九十百千万亿]{2,}|"
                          r"[一二两三四五六七八九十](?=[秒分个天周年月张段次倍名位家款条万亿千百]))")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|[A-Za-z][A-Za-z'’]*|[^\sA-Za-z\d]")
_SCALE = frozenset(["hundred", "thousand", "million", "billion", "trillion", "dozen", "hundreds", "thousands",
                    "millions", "billions", "dozens"])
_NUMBER_WORDS = frozenset(_WORDS) | _SCALE
_COMPARING = frozenset(["more", "fewer", "less"])


def near_numbers(text: str, unit_words: int = 3, reach: int = 5, cjk_before: int = 6, cjk_after: int = 4) -> str:
    """The words a text's figures count: those right after a figure ("5 million users"), else those before it."""
    tokens = _TOKEN.findall(text)
    parts: list[str] = []
    for i, tok in enumerate(tokens):
        if not _is_number(tok) or (i and _is_number(tokens[i - 1])) or _YEAR_LIKE.fullmatch(tok):
            continue  # "3 million" is one figure; a year counts nothing
        j = i + 1
        while j < len(tokens) and (tokens[j].lower() in _SCALE or tokens[j] == "-" or tokens[j].lower() == "of"
                                   and tokens[j - 1].lower() in _SCALE):
            j += 1  # "hundreds of millions of users", "16-second clips"
        unit: list[str] = []
        while j < len(tokens) and len(unit) < unit_words and not tok.endswith("%"):  # a share counts nothing after
            if tokens[j].lower() in _COMPARING or unit and tokens[j].lower() in ("and", "or") and j + 1 < len(
                    tokens) and _content(tokens[j + 1]):
                j += 1  # "15,000 developers and businesses", "67 times more followers": what is counted follows
                continue
            if not _content(tokens[j]):
                break
            unit.append(tokens[j])
            j += 1
        if unit:
            parts += unit
            continue
        before = [t for t in tokens[:i] if _content(t) and t.lower() not in _SCALE]
        parts += before[-reach:]
    if has_cjk(text):  # Chinese puts the counted noun before or after a figure: a few characters each side
        for m in _CJK_NUMERAL.finditer(text):
            link = _CJK_LINK.search(text[:m.start()])  # "用户规模已超过300万": the size word and verb reach to 用户
            reach_back = cjk_before + (len(link.group()) if link else 0)
            parts += [text[max(0, m.start() - reach_back):m.start()], text[m.end():m.end() + cjk_after]]
    return " ".join(p for p in parts if p.strip())


_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")
# What links a counted noun to its figure in Chinese and says nothing itself: a size word, then an adverb and verb
# ("规模已超过", "数量达到", "总数约").
_CJK_LINK = re.compile(r"(?:规模|数量|总数|总量|人数|数)?(?:已经|已|均|约|将|共|累计)?(?:超过|达到|突破|接近|超|达|为|约|近|逾)?$")


def _content(token: str) -> bool:
    """A Latin content word (not a stop word, a number or punctuation)."""
    return token[:1].isascii() and token[:1].isalpha() and token.lower() not in STOPWORDS


def _is_number(token: str) -> bool:
    return token[0].isdigit() or token.lower() in _NUMBER_WORDS


# The period a price or amount is given per: "$20 a month", "annual plan", "月费", "包年". (Not "quarter": a
# quarter is a reporting period, checked with the other periods.)
_RATE_EN = re.compile(r"(?i)\b(?:per|a|an|each|every)\s+(year|month|week|day)\b(?!\s+(?:earlier|ago|before|later|after))|"
                      r"\b(annual(?:ly)?|yearly|monthly)\b|"
                      r"/\s?(yr|year|mo|month)\b")
_RATE_ZH = (("year", re.compile(r"每年|年费|包年|按年|年付|全年|年度会员|年卡")),  # not 一年: "上线一年" is how long
            ("month", re.compile(r"每月|每个月|月费|包月|单月|按月|月付|月卡|月度会员")),
            ("week", re.compile(r"每周|周卡")), ("day", re.compile(r"每天|每日|日卡")))
_RATE_WORD = {"annual": "year", "annually": "year", "yearly": "year", "monthly": "month", "yr": "year",
              "mo": "month"}


@lru_cache(maxsize=8192)
def rates(text: str) -> frozenset[str]:
    """The periods a text gives amounts per ("per year", "a month", "monthly", "月费", "包年"): year, month, week or
    day."""
    found = set()
    for m in _RATE_EN.finditer(text):
        word = (m.group(1) or m.group(2) or m.group(3)).lower()
        found.add(_RATE_WORD.get(word, word))
    found |= {period for period, pattern in _RATE_ZH if pattern.search(text)}
    return frozenset(found)
