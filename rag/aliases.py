"""The alias glossary: names people use mapped to the names the documents use."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from rag.errors import ConfigError


class Glossary:
    """Canonical names and their aliases; expands queries so any alias finds the canonical passage."""

    def __init__(self, entries: dict[str, list[str]] | None = None, terms: dict[str, list[str]] | None = None):
        self.entries = {canon: list(aliases) for canon, aliases in (entries or {}).items()}
        self.terms = sorted(((word, english) for english, words in (terms or {}).items() for word in words),
                            key=lambda pair: -len(pair[0]))
        self._lookup: list[tuple[str, str]] = sorted(
            ((name, canon) for canon, names in self.entries.items() for name in [canon, *names]),
            key=lambda pair: -len(pair[0]))

    @classmethod
    def load(cls, path: Path) -> Glossary:
        """Read a glossary YAML file (`aliases: {Canonical: [alias, ...]}`); empty if the file is absent."""
        if not path.exists():
            return cls()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            entries = data.get("aliases", data)
            terms = data.get("terms", {}) if "aliases" in data else {}
            if not all(isinstance(x, dict) for x in (entries, terms)):
                raise ValueError("top level must map names to lists")

            def clean(mapping):
                return {str(k): [str(a) for a in (v or [])] for k, v in mapping.items()}

            return cls(clean(entries), clean(terms))
        except (yaml.YAMLError, ValueError, AttributeError) as exc:
            raise ConfigError(f"glossary {path} is invalid ({exc.__class__.__name__}); "
                              "write it as `aliases: {Name: [alias, ...]}`") from None

    def with_pairs(self, pairs: list[tuple[str, str]]) -> Glossary:
        """A glossary that also holds these (name, alias) pairs: a pair touching an entry joins it (the entry's
        canonical name stays canonical); other pairs make new entries."""
        entries = {canon: list(names) for canon, names in self.entries.items()}
        owner = {n.lower(): canon for canon, names in entries.items() for n in [canon, *names]}
        for name, alias in pairs:
            canon = owner.get(name.lower()) or owner.get(alias.lower())
            if canon is None:
                canon = name
                entries[canon] = []
                owner[name.lower()] = canon
            for n in (name, alias):
                if owner.setdefault(n.lower(), canon) == canon and n != canon and n not in entries[canon]:
                    entries[canon].append(n)
        merged = Glossary(entries)
        merged.terms = self.terms
        return merged

    def canonical_names(self, text: str) -> list[str]:
        """Canonical names whose canonical form or any alias occurs in the text, in order of first mention."""
        found: list[tuple[int, str]] = []
        taken: list[tuple[int, int]] = []
        for name, canon in self._lookup:
            for match in _name_pattern(name).finditer(text):
                span = match.span()
                if any(s < span[1] and span[0] < e for s, e in taken):
                    continue
                taken.append(span)
                found.append((span[0], canon))
        seen, ordered = set(), []
        for _, canon in sorted(found):
            if canon not in seen:
                seen.add(canon)
                ordered.append(canon)
        return ordered

    def forms(self, name: str) -> list[str]:
        """A canonical name and its aliases (every way a document may write it)."""
        return [name, *self.entries.get(name, [])]

    def translate_terms(self, question: str) -> list[str]:
        """Optional user-listed translations (`terms:`) whose words occur in the question."""
        found, rest = [], question
        for word, english in self.terms:
            if word in rest:
                rest = rest.replace(word, " ")
                found.append(english)
        return list(dict.fromkeys(found))

    def expand(self, question: str) -> str:
        """The question with each mentioned name's canonical form and any translated terms appended."""
        names = self.canonical_names(question)
        extra = [n for n in names if not _name_pattern(n).search(question)] + self.translate_terms(question)
        return question if not extra else f"{question} ({' '.join(extra)})"

    def rewrite(self, question: str) -> str:
        """The question with every alias replaced by its canonical name (for the dense models)."""
        out = question
        for name, canon in self._lookup:
            if name != canon:
                out = _name_pattern(name).sub(canon, out)
        return out


def _name_pattern(name: str) -> re.Pattern:
    escaped = re.escape(name)
    if re.search(r"[\u4e00-\u9fff]", name):
        return re.compile(escaped)
    return re.compile(rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])", re.IGNORECASE)
