"""Incremental update and full rebuild: build a new version beside the live one, check it, switch atomically."""
from __future__ import annotations

import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np

from index.chunking import chunk_document, sentence_units
from index.loaders import find_documents, load_document
from rag.embedder import Embedder
from rag.errors import DocumentError, IndexCheckError
from rag.schemas import LoadedDocument, UpdateReport
from rag.store import IndexVersions, Records, VersionStore
from rag.text import sha256

Progress = Callable[[str, int, int], None]
EMBED_BATCH = 64


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
        self.embedders = {"chunks": embedder, "sentences": embedder, "sentences_ml": multilingual}
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
            desired = self._desired(docs)
            self._carry_failed(errors, live_manifest, live_store, desired)
            version, folder = self.versions.new_version()
            try:
                store = self.versions.open(version)
                counts = Counter()
                for kind, wanted in desired.items():
                    reuse = live_store if live_store and not full and self._same_model(kind, live_manifest) else None
                    counts += self._write_kind(store, kind, wanted, reuse, progress)
                self._check(store, desired)
                self._write_texts(folder, docs, errors, live)
                manifest = self._manifest(version, live, docs, desired, errors, live_manifest)
                self.versions.write_manifest(version, manifest)
            except BaseException:
                self._discard(version, folder)
                raise
            self.versions.switch(version)
        return UpdateReport(version=version, previous=live, added=counts["added"], kept=counts["kept"],
                            deleted=counts["deleted"], embedded=counts["embedded"],
                            documents=len(manifest["documents"]), chunks=len(desired["chunks"].texts),
                            errors=[str(e) for e in errors],
                            took_ms=round((time.perf_counter() - started) * 1000, 1))

    def _load_all(self, progress: Progress) -> tuple[list[LoadedDocument], list[DocumentError]]:
        paths = find_documents(self.corpus_dir)
        docs, errors, seen = [], [], {}
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

    def _desired(self, docs: list[LoadedDocument]) -> dict[str, Desired]:
        chunker = self.embedders["chunks"]
        desired = {"chunks": Desired(), "sentences": Desired()}
        if self.embedders["sentences_ml"] is not None:
            desired["sentences_ml"] = Desired()
        for doc in docs:
            units = sentence_units(doc, chunker.token_offsets, self.chunk_tokens)
            base = {"doc_id": doc.meta.doc_id, "source": doc.meta.source, "title": doc.meta.title,
                    "date": doc.meta.date}
            for chunk in chunk_document(doc, units, self.chunk_tokens):
                desired["chunks"].put(chunk.chunk_id, chunk.text, {
                    **base, "chunk_index": chunk.index, "start": chunk.start, "end": chunk.end,
                    "content_hash": chunk.content_hash})
            for unit in units:
                text = doc.text[unit.start:unit.end]
                meta = {**base, "start": unit.start, "end": unit.end, "content_hash": sha256(text)}
                for kind in ("sentences", "sentences_ml"):
                    if kind in desired:
                        desired[kind].put(f"{doc.meta.doc_id}:s:{meta['content_hash'][:20]}", text, meta)
        return desired

    def _carry_failed(self, errors, live_manifest, live_store, desired) -> None:
        """Keep what was indexed for files that fail to load now: nothing already indexed is lost."""
        failed = {e.source for e in errors} & set(live_manifest.get("documents", {}))
        if not failed or live_store is None:
            return
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
            vectors = old.embeddings[[old_index[rid] for rid in keep]]
            store.add(kind, Records(keep, [wanted.texts[r] for r in keep], [wanted.metas[r] for r in keep], vectors))
        embedder = self.embedders[kind]
        if new:
            progress(f"embed {kind}", 0, len(new))
        for i in range(0, len(new), EMBED_BATCH):
            batch = new[i:i + EMBED_BATCH]
            vectors = embedder.embed([wanted.texts[r] for r in batch])
            store.add(kind, Records(batch, [wanted.texts[r] for r in batch], [wanted.metas[r] for r in batch],
                                    vectors))
            progress(f"embed {kind}", min(i + EMBED_BATCH, len(new)), len(new))
        deleted = len(set(old_index) - set(ids))
        return Counter(added=len(new) if kind == "chunks" else 0, kept=len(keep) if kind == "chunks" else 0,
                       deleted=deleted if kind == "chunks" else 0, embedded=len(new))

    def _check(self, store: VersionStore, desired: dict[str, Desired]) -> None:
        """Counts match and a smoke query finds a chunk by its own embedding."""
        for kind, wanted in desired.items():
            if store.count(kind) != len(wanted.texts):
                raise IndexCheckError(f"new index holds {store.count(kind)} {kind}, expected {len(wanted.texts)}")
        if desired["chunks"].texts:
            probe_id = next(iter(desired["chunks"].texts))
            stored = store.collection("chunks").get(ids=[probe_id], include=["embeddings"])
            hits = store.query("chunks", np.asarray(stored["embeddings"][0], dtype=np.float32), 1)
            if not hits or hits[0][1] < 0.99:
                raise IndexCheckError("smoke query on the new index did not find its own chunk")

    def _manifest(self, version, live, docs, desired, errors, live_manifest) -> dict:
        documents = {d.meta.source: {**d.meta.model_dump(), "sha256": d.sha256,
                                     "file_sha256": file_sha256(self.corpus_dir / d.meta.source)}
                     for d in docs}
        for error in errors:
            if error.source in live_manifest.get("documents", {}):
                documents[error.source] = live_manifest["documents"][error.source]
        per_doc = Counter(m["source"] for m in desired["chunks"].metas.values())
        for source, info in documents.items():
            info["chunks"] = per_doc.get(source, 0)
        return {"version": version, "previous": live, "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "models": {k: e.name for k, e in self.embedders.items() if e is not None},
                "embedding_model": self.embedders["chunks"].name, "chunk_tokens": self.chunk_tokens,
                "documents": documents, "counts": {k: len(v.texts) for k, v in desired.items()},
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


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (for drift detection)."""
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
