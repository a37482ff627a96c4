"""What the live version already holds per document, so an update re-reads and re-splits only changed files.

A version folder keeps, beside its Chroma folder, `sentences.jsonl` and `chunks.jsonl` (every record with its text
and metadata) and `texts/` (each document's loaded text). A file whose bytes, sidecar and build settings are
unchanged since the live version (its `reuse_key` in the manifest) is taken from there instead of being loaded,
extracted and tokenized again; and the new version's Chroma folder starts as a copy of the live one, changed by
the difference only. Bump FORMAT when extraction or splitting changes what a file yields.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rag.schemas import DocumentMeta, LoadedDocument

FORMAT = 3  # 2: PDF running headers and page breaks, HTML page furniture, hard-wrapped paragraphs; 3: byline labels
SENTENCES_FILE = "sentences.jsonl"  # sentence records (the ids, texts and metadata of both sentence collections)
CHUNKS_FILE = "chunks.jsonl"  # chunk records (passages shown with a citation); never embedded


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (for drift detection)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reuse_key(path: Path, file_sha: str, settings: dict) -> str:
    """A digest of what a document's records depend on: its bytes, its sidecar, the build settings, FORMAT."""
    from index.loaders import SIDECAR

    sidecar = path.with_name(path.stem + SIDECAR)
    side = file_sha256(sidecar) if sidecar.is_file() else ""
    raw = json.dumps([FORMAT, file_sha, side, settings], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def read_rows(path: Path) -> list[dict]:
    """Records of a JSON-lines file ({"id", "text", "meta"} per line)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def write_rows(path: Path, texts: dict[str, str], metas: dict[str, dict]) -> None:
    """Records as JSON lines."""
    rows = (json.dumps({"id": rid, "text": texts[rid], "meta": metas[rid]}, ensure_ascii=False) for rid in texts)
    path.write_text("".join(row + "\n" for row in rows), encoding="utf-8")


@dataclass
class LiveRecords:
    """The live version's sentence and chunk records grouped by source, and its document texts."""

    folder: Path | None = None
    manifest: dict = field(default_factory=dict)
    sentences: dict[str, list[dict]] = field(default_factory=dict)
    chunks: dict[str, list[dict]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path | None, manifest: dict) -> LiveRecords:
        """The records of a version that wrote both record files; empty (nothing reusable) otherwise."""
        if folder is None or not (folder / SENTENCES_FILE).exists() or not (folder / CHUNKS_FILE).exists():
            return cls()
        sentences, chunks = defaultdict(list), defaultdict(list)
        for row in read_rows(folder / SENTENCES_FILE):
            sentences[row["meta"]["source"]].append(row)
        for row in read_rows(folder / CHUNKS_FILE):
            chunks[row["meta"]["source"]].append(row)
        return cls(folder, manifest, dict(sentences), dict(chunks))

    @property
    def usable(self) -> bool:
        """True when the live version's records are known row by row."""
        return self.folder is not None

    def sentence_ids(self) -> dict[str, dict]:
        """Every live sentence record's metadata, keyed by id."""
        return {row["id"]: row["meta"] for rows in self.sentences.values() for row in rows}

    def reusable(self, source: str, key: str) -> LoadedDocument | None:
        """The live version's loaded document when its file is unchanged (same reuse key), else None."""
        info = self.manifest.get("documents", {}).get(source) if self.usable else None
        if not info or info.get("reuse_key") != key:
            return None
        text_file = self.folder / "texts" / f"{info['doc_id']}.txt"  # type: ignore[operator]
        if not text_file.exists():
            return None
        meta = DocumentMeta(**{k: info[k] for k in DocumentMeta.model_fields if k in info})
        return LoadedDocument(meta=meta, text=text_file.read_text(encoding="utf-8"),
                              body_start=info.get("body_start", 0), sha256=info["sha256"])
