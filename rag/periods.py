"""Time in questions and passages: named periods (year, half, quarter, month), relative years, 'latest'."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
            "一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = r"((?:19|20)\d{2})"
_QUARTER = [
    re.compile(r"\bQ(?P<part>[1-4])\s*(?:of\s*)?'?(?:FY)?(?P<year>(?:19|20)\d{2})?", re.IGNORECASE),
    re.compile(r"\b(?P<part>first|second|third|fourth|1st|2nd|3rd|4th)[ -]quarter(?:\s+(?:of\s+)?"
               r"(?P<year>(?:19|20)\d{2}))?", re.IGNORECASE),
    re.compile(r"(?:(?P<year>(?:19|20)\d{2})\s*年?\s*)?(?:第)?(?P<part>[一二三四1-4])\s*季度"),
]
_HALF = [
    re.compile(r"\bH(?P<part>[12])\s*(?P<year>(?:19|20)\d{2})?", re.IGNORECASE),
    re.compile(r"\b(?P<part>first|second)\s+half(?:\s+of)?(?:\s+(?P<year>(?:19|20)\d{2}))?", re.IGNORECASE),
    re.compile(r"(?:(?P<year>(?:19|20)\d{2})\s*年?\s*)?(?P<part>[上下])半年"),
]
_MONTH = re.compile(rf"\b({'|'.join(_MONTHS)})(?:\s+\d{{1,2}}(?!\d),?)?(?:\s+{_YEAR})?", re.IGNORECASE)
_CJK_MONTH = re.compile(rf"{_YEAR}?\s*年?\s*(1[0-2]|[1-9])\s*月")
_BARE_YEAR = re.compile(rf"(?<![\d.]){_YEAR}(?!\d|\.\d)")  # "in 2023." ends a sentence; "2023.5" is no year
_RELATIVE = re.compile(r"\b(last|this|next|previous|past)\s+year\b|去年|今年|明年", re.IGNORECASE)
_LATEST = re.compile(r"\b(latest|newest|most recent|currently|current|now|today|as of now|these days|so far|"
                     r"up to date|recent)\b|最新|目前|现在|如今|当前|截至目前|最近", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """A calendar period: a year, optionally narrowed to a half (1-2), quarter (1-4) or month (1-12)."""

    year: int | None
    kind: str = "year"  # year | half | quarter | month
    part: int = 0

    def contains(self, other: Period) -> bool:
        """True when `other` lies inside this period (a year with no year matches any year)."""
        if self.year is not None and other.year is not None and self.year != other.year:
            return False
        if self.kind == "year" or (self.kind == other.kind and self.part == other.part):
            return True
        months = self.months()
        return bool(months) and other.months() <= months

    def months(self) -> set[int]:
        """The months this period covers."""
        if self.kind == "month":
            return {self.part}
        if self.kind == "quarter":
            return set(range(3 * self.part - 2, 3 * self.part + 1))
        if self.kind == "half":
            return set(range(6 * self.part - 5, 6 * self.part + 1))
        return set(range(1, 13))


def _year(text: str | None) -> int | None:
    return int(text) if text else None


def periods(text: str, doc_year: int | None = None) -> list[Period]:
    """The periods a text names, most specific first; relative years resolve against `doc_year`."""
    return list(_periods(text, doc_year))


_SPAN_LENGTH = {"three": 3, "3": 3, "six": 6, "6": 6}
_MONTHS_ENDED = re.compile(r"\b(?P<length>three|six|3|6)\s+months\s+(?:ended|ending|to)\s+(?:\d{1,2}\s+)?"
                           rf"(?P<month>{'|'.join(_MONTHS)})(?:\s+\d{{1,2}}(?!\d))?,?(?:\s+(?P<year>(?:19|20)\d{{2}}))?",
                           re.IGNORECASE)


@lru_cache(maxsize=8192)
def _periods(text: str, doc_year: int | None) -> tuple[Period, ...]:
    found: list[Period] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match, period: Period) -> None:
        taken.append(match.span())
        found.append(period)

    for m in _MONTHS_ENDED.finditer(text):  # "the three months ended September 30, 2024": the quarter it closes
        month, length = _MONTHS.index(m.group("month").lower()) + 1, _SPAN_LENGTH[m.group("length").lower()]
        if length == 3 and month % 3 == 0:
            add(m, Period(_year(m.group("year")), "quarter", month // 3))
        elif length == 6 and month % 6 == 0:
            add(m, Period(_year(m.group("year")), "half", month // 6))
    for m in (*_MONTH_RANGE.finditer(text), *_CJK_MONTH_RANGE.finditer(text)):  # "July-September", "7至9月"
        first, last = (_MONTHS.index(g.lower()) + 1 if g.isalpha() else int(g) for g in (m.group("a"), m.group("b")))
        if last - first == 2 and first % 3 == 1:
            add(m, Period(_year(m.group("year")), "quarter", last // 3))
        elif last - first == 5 and first % 6 == 1:
            add(m, Period(_year(m.group("year")), "half", last // 6))
    for pattern in _QUARTER:
        for m in pattern.finditer(text):
            add(m, Period(_year(m.group("year")), "quarter", _ORDINAL[m.group("part").lower()]))
    for pattern in _HALF:
        for m in pattern.finditer(text):
            first = m.group("part").lower() in ("1", "first", "上")
            add(m, Period(_year(m.group("year")), "half", 1 if first else 2))
    for m in _MONTH.finditer(text):
        if m.group(1).lower() == "may" and not m.group(2) or any(s <= m.start() < e for s, e in taken):
            continue  # "may" is usually the verb; a month that closes a named span is that span's
        add(m, Period(_year(m.group(2)), "month", _MONTHS.index(m.group(1).lower()) + 1))
    for m in _CJK_MONTH.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            add(m, Period(_year(m.group(1)), "month", int(m.group(2))))
    for m in _BARE_YEAR.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            found.append(Period(int(m.group(1))))
    if doc_year is not None:
        for m in _RELATIVE.finditer(text):
            word = m.group().lower()
            shift = -1 if word.startswith(("last", "previous", "past", "去")) else 1 if word.startswith(
                ("next", "明")) else 0
            found.append(Period(doc_year + shift))
    return tuple(found)


# A span of months that is a quarter or a half: "July-September 2025", "between April and June", "7-9月", "7月至9月".
_MONTH_RANGE = re.compile(rf"\b(?P<a>{'|'.join(_MONTHS)})\s*(?:-|–|—|to|through|and)\s*(?P<b>{'|'.join(_MONTHS)})"
                          rf"(?:,?\s+(?P<year>(?:19|20)\d{{2}}))?\b", re.IGNORECASE)
_CJK_MONTH_RANGE = re.compile(r"(?:(?P<year>(?:19|20)\d{2})\s*年\s*)?(?P<a>1[0-2]|[1-9])\s*(?:月)?\s*(?:-|–|—|至|到)\s*"
                              r"(?P<b>1[0-2]|[1-9])\s*月")


_SPAN_WORDS = re.compile(r"\b(?:for\s+)?(?:the\s+)?(?:three|six|nine|twelve|3|6|9|12)\s+months\s+(?:ended|ending|to)\b|"
                         r"\b(?:in|during|for|of)\s+(?=(?:the\s+)?(?:Q[1-4]|first|second|third|fourth|1st|2nd|3rd|4th|"
                         r"H[12]|(?:19|20)\d{2}|" + "|".join(_MONTHS) + r")\b)", re.IGNORECASE)


# A clause a figure is compared with ("up from 408 million in Q1 2025", "compared with Q2 2024", "较2024年同期"):
# the period it names is a reference point, not the one the sentence reports.
_COMPARISON = re.compile(r"\b(?:compared (?:with|to)|up from|down from|versus|vs\.|relative to|than)\b(?:[^,;.]|\.\d)*|"
                         r"(?:较|相比于?|相较于?)[^，。；,;]*|与[^，。；,;]{1,20}?相比", re.IGNORECASE)


def without_comparisons(text: str) -> str:
    """The text without the clauses that compare a figure with another period's."""
    return _COMPARISON.sub(" ", text)


def without_periods(text: str) -> str:
    """The text with the periods it names taken out: what is asked, apart from when ("revenue in Q3 2024" ->
    "revenue"); time is matched by the period signals, not as words to cover."""
    spans = [m.span() for p in (*_QUARTER, *_HALF, _MONTH, _CJK_MONTH, _BARE_YEAR, _RELATIVE, _SPAN_WORDS)
             for m in p.finditer(text) if m.group().strip() and not (p is _MONTH and m.group().lower() == "may")]
    out, last = [], 0
    for start, end in sorted(spans):
        if start >= last:
            out.append(text[last:start])
            last = end
        elif end > last:
            last = end
    out.append(text[last:])
    return re.sub(r"\s+", " ", " ".join(out)).strip()


def relative(text: str) -> bool:
    """True when the text names a year relative to when it was written ('last year')."""
    return bool(_RELATIVE.search(text))


# A sentence telling how things stood before ("early on", 早期, "originally"): not the current state.
_EARLIER = re.compile(r"\b(originally|initially|at first|at launch|early on|previously|formerly|used to)\b|"
                      r"早期|最初|起初|当初|原先|原本|一开始", re.IGNORECASE)


def only_before(text: str) -> bool:
    """True when a text tells how things stood before ("early on", 早期) and not how they stand now."""
    return bool(_EARLIER.search(text)) and not _LATEST.search(text)


def asks_latest(text: str) -> bool:
    """True when a question asks for the newest state of something ('now', 'latest', 'currently')."""
    return bool(_LATEST.search(text))


def doc_year(date: str) -> int | None:
    """The year of an ISO-like document date, or None."""
    m = re.match(r"\s*((?:19|20)\d{2})", date or "")
    return int(m.group(1)) if m else None


def doc_period(date: str) -> Period | None:
    """The month a document is dated in (as a Period), or None when undated."""
    m = re.match(r"\s*((?:19|20)\d{2})(?:-(\d{1,2}))?", date or "")
    if not m:
        return None
    return Period(int(m.group(1)), "month", int(m.group(2))) if m.group(2) else Period(int(m.group(1)))


def anchored(found: list[Period], dated: Period | None) -> list[Period]:
    """Periods named without a year ("the third quarter") placed in the year a dated document means: the latest
    such period that began by the document's date."""
    if dated is None or dated.year is None:
        return found
    out = []
    for p in found:
        if p.year is None and p.kind != "year":
            late = dated.kind == "month" and min(p.months()) > dated.part  # not begun yet: last year's
            p = Period(dated.year - 1 if late else dated.year, p.kind, p.part)
        out.append(p)
    return out


def superseded(asked: list[Period], dated: Period | None) -> bool:
    """True when every asked period ended before the latest period of its kind that had ended by a document's
    month: a sentence naming no period in a May 2025 report is not about Q2 2024 (nor 2023, nor March 2025)."""
    if dated is None or dated.year is None or dated.kind != "month" or not asked:
        return False
    size = {"month": 1, "quarter": 3, "half": 6, "year": 12}
    for a in asked:
        if a.year is None or a.kind not in size:
            return False
        step = size[a.kind]
        asked_end = a.year * 12 + (a.part * step if a.kind != "year" else 12)
        latest_end = dated.year * 12 + (dated.part - 1) // step * step
        if asked_end >= latest_end:
            return False
    return True


def match(asked: list[Period], mentioned: list[Period]) -> tuple[bool, bool]:
    """(an asked period is named, a different period is named instead of any asked one)."""
    if not asked:
        return False, False
    hit = any(a.contains(m) for a in asked for m in mentioned)
    return hit, not hit and any(_differs(a, m) for a in asked for m in mentioned)


def whole_year_for_part(asked: list[Period], mentioned: list[Period]) -> bool:
    """True when a part of a year is asked (a quarter, half or month) and the text names only whole years, that
    year among them: a figure for the year does not answer for a quarter of it."""
    parts = [a for a in asked if a.kind != "year"]
    return bool(parts and mentioned) and all(m.kind == "year" for m in mentioned) and any(
        a.year is None or m.year is None or a.year == m.year for a in parts for m in mentioned)


def _differs(asked: Period, other: Period) -> bool:
    """True when `other` names a period that excludes the asked one."""
    if asked.year is not None and other.year is not None and asked.year != other.year:
        return True
    if asked.kind == "year" or other.kind == "year":
        return False
    return not (asked.months() & other.months())


MONTH_NAMES = "|".join(sorted([*_MONTHS, "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                                 "dec"], key=len, reverse=True)).title()  # capitalized: "may" is not May
_DATES = [  # (pattern, group order): English "April 15, 2025" / "15 April 2025" / "April 2025", Chinese "2025年4月15日"
    re.compile(rf"\b(?P<day>\d{{1,2}})\s+(?P<month>{MONTH_NAMES})(?![a-z])\.?(?:,?\s+(?P<year>(?:19|20)\d{{2}}))?"),
    re.compile(rf"\b(?P<month>{MONTH_NAMES})(?![a-z])\.?(?:\s+(?P<day>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?)?,?(?:\s+(?P<year>(?:19|20)\d{{2}}))?"
               rf"(?![\d])"),
    re.compile(r"(?:(?P<year>(?:19|20)\d{2})\s*年\s*)?(?P<month>1[0-2]|[1-9])\s*月(?:\s*(?P<day>[1-3]?\d)\s*[日号])?"),
    re.compile(r"(?<![\d.])(?P<year>(?:19|20)\d{2})(?![\d.]?\d)"),
]
Date = tuple  # (year, month, day), each an int or None


def dates(text: str) -> list[Date]:
    """The calendar dates a text states, as (year, month, day) with None for what it leaves out."""
    found: list[Date] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATES:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            groups = m.groupdict()
            month = groups.get("month")
            if month and not month.isdigit():
                month = str(next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(month.lower()[:3])))
            found.append(tuple(int(v) if v else None for v in (groups.get("year"), month, groups.get("day"))))
    return found


def refines(general: Date, specific: Date) -> bool:
    """True when `specific` states everything `general` does, the same, and more ("April 15" -> "April 15, 2025")."""
    same = all(g is None or g == s for g, s in zip(general, specific))
    return same and sum(v is not None for v in specific) > sum(v is not None for v in general)
