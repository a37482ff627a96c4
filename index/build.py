"""Incremental update and full rebuild: build a new version beside the live one, check it, switch atomically."""
from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np

from index.chunking import BODY, chunk_document, sentence_units
from index.loaders import find_documents, load_document
from rag.embedder import Embedder
from rag.errors import DocumentError, IndexCheckError
from rag.schemas import LoadedDocument, UpdateReport
from rag.store import IndexVersions, Records, VersionStore
from rag.text import sha256

Progress = Callable[[str, int, int], None]
EMBED_BATCH = 64
CHUNKS_FILE = "chunks.jsonl"  # chunk records (passages shown with a citation); never embedded


def _quiet(stage: str, done: int, total: int) -> None:
    """Progress callback that reports nothing."""


@dataclass
class Desired:
    """The records one collection should hold after the build, keyed by id."""

    texts: dict[str, str] = field(default_factory=dict)
    metas: dict[str, dict] = field(default_factory=dict)

    def put(self, base_id: str, text: str, meta: dict) -> None:
        """Add a record; identical texts in one document get numbered ids."""
        n = 0
        while f"{base_id}:{n}" in self.texts:
            n += 1
        self.texts[f"{base_id}:{n}"], self.metas[f"{base_id}:{n}"] = text, meta


class Indexer:
    """Writes index versions from the corpus folder; never modifies the live version."""

    def __init__(self, corpus_dir: Path, versions: IndexVersions, embedder: Embedder,
                 multilingual: Embedder | None = None, chunk_tokens: int = 200):
        self.corpus_dir, self.versions = Path(corpus_dir), versions
        self.embedder = embedder
        # Only what retrieval queries is embedded: body sentences, with each model.
        self.embedders = {"sentences": embedder, "sentences_ml": multilingual}
        self.chunk_tokens = min(chunk_tokens, embedder.max_tokens)

    def update(self, full: bool = False, progress: Progress = _quiet) -> UpdateReport:
        """Index the corpus into a new version, reusing unchanged embeddings unless `full`; then switch."""
        started = time.perf_counter()
        with self.versions.write_lock():
            self.versions.prune()
            live = self.versions.current()
            live_store = self.versions.open(live) if live else None
            live_manifest = self.versions.manifest(live) if live else {}
            docs, errors = self._load_all(progress)
            desired, chunks, lines = self._desired(docs)
            old_chunks = self._old_chunks(live, live_store)
            self._carry_failed(errors, live_manifest, live_store, desired, chunks, old_chunks)
            version, folder = self.versions.new_version()
            try:
                store = self.versions.open(version)
                counts = _chunk_counts(chunks, old_chunks if not full else Desired())
                for kind, wanted in desired.items():
                    reuse = live_store if live_store and not full and self._same_model(kind, live_manifest) else None
                    counts += self._write_kind(store, kind, wanted, reuse, progress)
                self._check(store, desired)
                self._write_texts(folder, docs, errors, live)
                _write_chunks(folder, chunks)
                manifest = self._manifest(version, live, docs, desired, chunks, lines, errors, live_manifest)
                self.versions.write_manifest(version, manifest)
            except BaseException:
                self._discard(version, folder)
                raise
            self.versions.switch(version)
        return UpdateReport(version=version, previous=live, added=counts["added"], kept=counts["kept"],
                            deleted=counts["deleted"], embedded=counts["embedded"],
                            documents=len(manifest["documents"]), chunks=len(chunks.texts),
                            errors=[str(e) for e in errors],
                            took_ms=round((time.perf_counter() - started) * 1000, 1))

    def _load_all(self, progress: Progress) -> tuple[list[LoadedDocument], list[DocumentError]]:
        paths = find_documents(self.corpus_dir)
        docs: list[LoadedDocument] = []
        errors: list[DocumentError] = []
        seen: dict[str, str] = {}
        for i, path in enumerate(paths, 1):
            try:
                doc = load_document(path, self.corpus_dir)
                if doc.meta.doc_id in seen:
                    raise DocumentError(doc.meta.source, f"has the same id {doc.meta.doc_id!r} as {seen[doc.meta.doc_id]}",
                                        "give it a unique 'id' in its front matter")
                seen[doc.meta.doc_id] = doc.meta.source
                docs.append(doc)
            except DocumentError as exc:
                errors.append(exc)
            progress("load", i, len(paths))
        return docs, errors

    def _desired(self, docs: list[LoadedDocument]) -> tuple[dict[str, Desired], Desired, dict[str, list]]:
        """Records to embed per collection, chunk records (not embedded), and each document's non-body lines."""
        desired = {"sentences": Desired()}
        if self.embedders["sentences_ml"] is not None:
            desired["sentences_ml"] = Desired()
        chunks, lines = Desired(), {}
        for doc in docs:
            units = sentence_units(doc, self.embedder.token_offsets, self.chunk_tokens)
            base = {"doc_id": doc.meta.doc_id, "source": doc.meta.source, "title": doc.meta.title,
                    "date": doc.meta.date}
            for chunk in chunk_document(doc, units, self.chunk_tokens):
                chunks.put(chunk.chunk_id, chunk.text, {
                    **base, "chunk_index": chunk.index, "start": chunk.start, "end": chunk.end,
                    "content_hash": chunk.content_hash})
            lines[doc.meta.source] = [[u.kind, u.start, u.end] for u in units if u.kind != BODY]
            for unit in units:
                if unit.kind != BODY:
                    continue  # headings, bylines and datelines are context and metadata, never answers
                text = doc.text[unit.start:unit.end]
                meta: dict[str, Any] = {**base, "start": unit.start, "end": unit.end, "content_hash": sha256(text),
                        "section": unit.section}
                for kind in desired:
                    desired[kind].put(f"{doc.meta.doc_id}:s:{meta['content_hash'][:20]}", text, meta)
        return desired, chunks, lines

    def _old_chunks(self, live: str | None, live_store: VersionStore | None) -> Desired:
        """The live version's chunk records (from its chunk file, or its chunk collection if it is older)."""
        old = Desired()
        if not live:
            return old
        path = self.versions.folder(live) / CHUNKS_FILE
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                old.texts[row["id"]], old.metas[row["id"]] = row["text"], row["meta"]
        elif live_store is not None:
            records = live_store.get_all("chunks")
            for rid, text, meta in zip(records.ids, records.documents, records.metadatas):
                old.texts[rid], old.metas[rid] = text, meta
        return old

    def _carry_failed(self, errors, live_manifest, live_store, desired, chunks, old_chunks) -> None:
        """Keep what was indexed for files that fail to load now: nothing already indexed is lost."""
        failed = {e.source for e in errors} & set(live_manifest.get("documents", {}))
        if not failed or live_store is None:
            return
        for rid, meta in old_chunks.metas.items():
            if meta.get("source") in failed:
                chunks.texts[rid], chunks.metas[rid] = old_chunks.texts[rid], meta
        for kind, wanted in desired.items():
            old = live_store.get_all(kind)
            for rid, text, meta in zip(old.ids, old.documents, old.metadatas):
                if meta.get("source") in failed:
                    wanted.texts[rid], wanted.metas[rid] = text, meta

    def _same_model(self, kind: str, manifest: dict) -> bool:
        models = manifest.get("models", {})
        embedder = self.embedders[kind]
        return embedder is not None and models.get(kind) == embedder.name

    def _write_kind(self, store: VersionStore, kind: str, wanted: Desired, reuse: VersionStore | None,
                    progress: Progress) -> Counter:
        old = reuse.get_all(kind, embeddings=True) if reuse else Records([], [], [], None)
        old_index = {rid: i for i, rid in enumerate(old.ids)}
        ids = list(wanted.texts)
        keep = [rid for rid in ids if rid in old_index]
        # Longest first, so each batch holds texts of similar length (less padding) and the ETA is conservative.
        new = sorted((rid for rid in ids if rid not in old_index), key=lambda r: -len(wanted.texts[r]))
        if keep:
            vectors = old.embeddings[[old_index[rid] for rid in keep]]  # type: ignore[index]
            store.add(kind, Records(keep, [wanted.texts[r] for r in keep], [wanted.metas[r] for r in keep], vectors))
        embedder = self.embedders[kind]
        if new:
            progress(f"embed {kind}", 0, len(new))
        for i in range(0, len(new), EMBED_BATCH):
            batch = new[i:i + EMBED_BATCH]
            vectors = embedder.embed([wanted.texts[r] for r in batch])  # type: ignore[union-attr]
            store.add(kind, Records(batch, [wanted.texts[r] for r in batch], [wanted.metas[r] for r in batch],
                                    vectors))
            progress(f"embed {kind}", min(i + EMBED_BATCH, len(new)), len(new))
        return Counter(embedded=len(new))

    def _check(self, store: VersionStore, desired: dict[str, Desired]) -> None:
        """Counts match and a smoke query finds a sentence by its own embedding."""
        for kind, wanted in desired.items():
            if store.count(kind) != len(wanted.texts):
                raise IndexCheckError(f"new index holds {store.count(kind)} {kind}, expected {len(wanted.texts)}")
        if desired["sentences"].texts:
            probe_id = next(iter(desired["sentences"].texts))
            stored = store.collection("sentences").get(ids=[probe_id], include=["embeddings"])
            hits = store.query("sentences", np.asarray(stored["embeddings"][0], dtype=np.float32), 1)
            if not hits or hits[0][1] < 0.99:
                raise IndexCheckError("smoke query on the new index did not find its own sentence")

    def _manifest(self, version, live, docs, desired, chunks, lines, errors, live_manifest) -> dict:
        documents = {d.meta.source: {**d.meta.model_dump(), "sha256": d.sha256,
                                     "file_sha256": file_sha256(self.corpus_dir / d.meta.source),
                                     "lines": lines.get(d.meta.source, [])}
                     for d in docs}
        for error in errors:
            if error.source in live_manifest.get("documents", {}):
                documents[error.source] = live_manifest["documents"][error.source]
        per_doc = Counter(m["source"] for m in chunks.metas.values())
        for source, info in documents.items():
            info["chunks"] = per_doc.get(source, 0)
        return {"version": version, "previous": live, "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "models": {k: e.name for k, e in self.embedders.items() if e is not None},
                "embedding_model": self.embedder.name, "chunk_tokens": self.chunk_tokens,
                "documents": documents,
                "counts": {"chunks": len(chunks.texts), **{k: len(v.texts) for k, v in desired.items()}},
                "errors": [str(e) for e in errors]}

    def _write_texts(self, folder: Path, docs, errors, live) -> None:
        """Snapshot each document's loaded text: citations are verified against it."""
        texts = folder / "texts"
        texts.mkdir()
        for doc in docs:
            (texts / f"{doc.meta.doc_id}.txt").write_text(doc.text, encoding="utf-8")
        if live:
            failed = {e.source for e in errors}
            for source, info in self.versions.manifest(live)["documents"].items():
                old = self.versions.folder(live) / "texts" / f"{info['doc_id']}.txt"
                if source in failed and old.exists():
                    shutil.copyfile(old, texts / old.name)

    def _discard(self, version: str, folder: Path) -> None:
        if self.versions.chroma_url:
            self.versions.open(version).drop()
        shutil.rmtree(folder, ignore_errors=True)


def _chunk_counts(chunks: Desired, old: Desired) -> Counter:
    """Chunks added, kept and deleted against the live version (chunks are keyed by content hash)."""
    return Counter(added=len(set(chunks.texts) - set(old.texts)), kept=len(set(chunks.texts) & set(old.texts)),
                   deleted=len(set(old.texts) - set(chunks.texts)))


def _write_chunks(folder: Path, chunks: Desired) -> None:
    """Chunk records as JSON lines beside the version's Chroma folder."""
    rows = (json.dumps({"id": rid, "text": chunks.texts[rid], "meta": chunks.metas[rid]}, ensure_ascii=False)
            for rid in chunks.texts)
    (folder / CHUNKS_FILE).write_text("".join(row + "\n" for row in rows), encoding="utf-8")


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (for drift detection)."""
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
