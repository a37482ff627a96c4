"""Incremental update and full rebuild: build a new version beside the live one, check it, switch atomically."""
from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np

from index import guards
from index.chunking import BODY, chunk_document, sentence_units
from index.embedding import embed_distinct
from index.loaders import find_documents, load_document
from index.reuse import CHUNKS_FILE, SENTENCES_FILE, LiveRecords, file_sha256, reuse_key, write_rows
from rag import namepairs
from rag.embedder import Embedder
from rag.errors import DocumentError, IndexCheckError
from rag.schemas import LoadedDocument, UpdateReport
from rag.store import IndexVersions, Records, VersionStore
from rag.text import sha256

Progress = Callable[[str, int, int], None]
__all__ = ["CHUNKS_FILE", "Indexer", "file_sha256"]


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
                 multilingual: Embedder | None = None, chunk_tokens: int = 200,
                 max_document_bytes: int | None = guards.DEFAULT_MAX_BYTES, embed_workers: int | None = None):
        self.corpus_dir, self.versions = Path(corpus_dir), versions
        self.max_document_bytes = max_document_bytes
        self.embed_workers = embed_workers  # threads embedding a build's new texts (default: one per core)
        self.embedder = embedder
        # Only what retrieval queries is embedded: body sentences, with each model.
        self.embedders = {"sentences": embedder, "sentences_ml": multilingual}
        self.chunk_tokens = min(chunk_tokens, embedder.max_tokens)

    def update(self, full: bool = False, progress: Progress = _quiet) -> UpdateReport:
        """Index the corpus into a new version, reusing unchanged files and embeddings unless `full`; then switch."""
        started = time.perf_counter()
        with self.versions.write_lock():
            self.versions.prune()
            live = self.versions.current()
            live_store = self.versions.open(live) if live else None
            live_manifest = self.versions.manifest(live) if live else {}
            old = LiveRecords.load(self.versions.folder(live) if live and not full else None, live_manifest)
            docs, reused, keys, errors = self._load_all(progress, old)
            desired, chunks, lines = self._desired(docs, reused, old)
            old_chunks = self._old_chunks(live, live_store)
            self._carry_failed(errors, live_manifest, live_store, desired, chunks, old_chunks, old)
            fingerprint = self._fingerprint(docs, keys, errors)
            if live and not full and live_manifest.get("fingerprint") == fingerprint:
                return self._up_to_date(live, live_manifest, len(chunks.texts), errors, started)
            version, folder = self.versions.new_version()
            try:
                counts = _chunk_counts(chunks, old_chunks if not full else Desired())
                same_models = all(self._same_model(kind, live_manifest) for kind in desired)
                if old.usable and same_models and live_store is not None and not self.versions.chroma_url:
                    store = self._copy_live(live, folder)  # type: ignore[arg-type]
                    fresh = self._delta(store, desired, old)
                else:
                    store = self.versions.open(version)
                    reuse = None if full else live_store
                    fresh = {kind: self._keep(store, kind, wanted, reuse if self._same_model(kind, live_manifest)
                                              else None) for kind, wanted in desired.items()}
                vectors = self._embed_all(desired, fresh, progress)
                for kind, wanted in desired.items():
                    _add(store, kind, wanted, fresh[kind], vectors[kind])
                    counts["embedded"] += len(vectors[kind])
                self._check(store, desired)
                self._write_texts(folder, docs, errors, live)
                write_rows(folder / CHUNKS_FILE, chunks.texts, chunks.metas)
                write_rows(folder / SENTENCES_FILE, desired["sentences"].texts, desired["sentences"].metas)
                manifest = {**self._manifest(version, live, docs, keys, desired, chunks, lines, errors,
                                             live_manifest), "fingerprint": fingerprint}
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

    def _load_all(self, progress: Progress, old: LiveRecords):
        """Documents (unchanged ones from the live version), the sources reused, each file's (sha, reuse key)
        and the files that failed."""
        paths = find_documents(self.corpus_dir)
        docs: list[LoadedDocument] = []
        errors: list[DocumentError] = []
        reused: set[str] = set()
        keys: dict[str, tuple[str, str]] = {}
        seen: dict[str, str] = {}
        settings = {"model": self.embedder.name, "chunk_tokens": self.chunk_tokens}
        for i, path in enumerate(paths, 1):
            try:
                guards.check_file(path, self.corpus_dir, self.max_document_bytes)
                source = path.relative_to(self.corpus_dir).as_posix()
                sha = file_sha256(path)
                key = reuse_key(path, sha, settings)
                doc = old.reusable(source, key)
                if doc is None:
                    doc = guards.check_document(load_document(path, self.corpus_dir))
                else:
                    reused.add(source)
                if doc.meta.doc_id in seen:
                    reused.discard(source)
                    raise DocumentError(doc.meta.source, f"has the same id {doc.meta.doc_id!r} as {seen[doc.meta.doc_id]}",
                                        "give it a unique 'id' in its front matter")
                seen[doc.meta.doc_id] = doc.meta.source
                keys[source] = (sha, key)
                docs.append(doc)
            except DocumentError as exc:
                errors.append(exc)
            progress("load", i, len(paths))
        return docs, reused, keys, errors

    def _desired(self, docs: list[LoadedDocument], reused: set[str],
                 old: LiveRecords) -> tuple[dict[str, Desired], Desired, dict[str, list]]:
        """Records to embed per collection, chunk records (not embedded), and each document's non-body lines."""
        desired = {"sentences": Desired()}
        if self.embedders["sentences_ml"] is not None:
            desired["sentences_ml"] = Desired()
        chunks, lines = Desired(), {}
        for doc in docs:
            if doc.meta.source in reused:  # unchanged file: the live version's records as they are
                for row in old.chunks.get(doc.meta.source, []):
                    chunks.texts[row["id"]], chunks.metas[row["id"]] = row["text"], row["meta"]
                for row in old.sentences.get(doc.meta.source, []):
                    for wanted in desired.values():
                        wanted.texts[row["id"]], wanted.metas[row["id"]] = row["text"], row["meta"]
                lines[doc.meta.source] = old.manifest["documents"][doc.meta.source].get("lines", [])
                continue
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

    def _carry_failed(self, errors, live_manifest, live_store, desired, chunks, old_chunks, old) -> None:
        """Keep what was indexed for files that fail to load now: nothing already indexed is lost."""
        failed = {e.source for e in errors} & set(live_manifest.get("documents", {}))
        if not failed or live_store is None:
            return
        for rid, meta in old_chunks.metas.items():
            if meta.get("source") in failed:
                chunks.texts[rid], chunks.metas[rid] = old_chunks.texts[rid], meta
        for kind, wanted in desired.items():
            if old.usable:
                rows = [(r["id"], r["text"], r["meta"]) for source in failed for r in old.sentences.get(source, [])]
            else:
                records = live_store.get_all(kind)
                rows = list(zip(records.ids, records.documents, records.metadatas))
            for rid, text, meta in rows:
                if meta.get("source") in failed:
                    wanted.texts[rid], wanted.metas[rid] = text, meta

    def _same_model(self, kind: str, manifest: dict) -> bool:
        models = manifest.get("models", {})
        embedder = self.embedders[kind]
        return embedder is not None and models.get(kind) == embedder.name

    @staticmethod
    def _keep(store: VersionStore, kind: str, wanted: Desired, reuse: VersionStore | None) -> list[str]:
        """Copy the live records that are still wanted (with their vectors) into the new store; the ids left."""
        old = reuse.get_all(kind, embeddings=True) if reuse else Records([], [], [], None)
        old_index = {rid: i for i, rid in enumerate(old.ids)}
        keep = [rid for rid in wanted.texts if rid in old_index]
        if keep:
            vectors = old.embeddings[[old_index[rid] for rid in keep]]  # type: ignore[index]
            store.add(kind, Records(keep, [wanted.texts[r] for r in keep], [wanted.metas[r] for r in keep], vectors))
        return [rid for rid in wanted.texts if rid not in old_index]

    def _copy_live(self, live: str, folder: Path) -> VersionStore:
        """The new version's store, starting as a file copy of the live version's Chroma folder."""
        shutil.copytree(self.versions.folder(live) / "chroma", folder / "chroma")
        return self.versions.open(folder.name)

    @staticmethod
    def _delta(store: VersionStore, desired: dict[str, Desired], old: LiveRecords) -> dict[str, list[str]]:
        """Change a copy of the live store: delete what is gone, re-label what moved; returns the ids to add."""
        before = old.sentence_ids()
        fresh = {}
        for kind, wanted in desired.items():
            store.delete(kind, [rid for rid in before if rid not in wanted.texts])
            moved = [rid for rid in wanted.texts if rid in before and before[rid] != wanted.metas[rid]]
            store.relabel(kind, moved, [wanted.metas[rid] for rid in moved])
            fresh[kind] = [rid for rid in wanted.texts if rid not in before]
        return fresh

    def _embed_all(self, desired: dict[str, Desired], fresh: dict[str, list[str]],
                   progress: Progress) -> dict[str, dict[str, np.ndarray]]:
        """Vectors of the distinct new texts of every collection (see index.embedding)."""
        texts = {kind: [wanted.texts[r] for r in fresh[kind]] for kind, wanted in desired.items()}
        return embed_distinct({kind: self.embedders[kind] for kind in desired}, texts,  # type: ignore[misc]
                              progress, self.embed_workers)

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

    def _fingerprint(self, docs: list[LoadedDocument], keys: dict[str, tuple[str, str]], errors) -> str:
        """A digest of everything a new version would hold: equal digests mean nothing changed.

        A document's records follow from its reuse key (bytes, sidecar, settings, FORMAT), so the keys stand in
        for the records.
        """
        parts = {"models": {k: e.name for k, e in self.embedders.items() if e is not None},
                 "embedding_model": self.embedder.name, "chunk_tokens": self.chunk_tokens,
                 "errors": sorted(str(e) for e in errors),
                 "documents": {d.meta.source: [d.meta.model_dump(), d.sha256, keys[d.meta.source]] for d in docs}}
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()

    def _up_to_date(self, live: str, manifest: dict, chunks: int, errors, started: float) -> UpdateReport:
        """The report of an update that found nothing to change: the live version stays (and was the previous)."""
        return UpdateReport(version=live, previous=live, kept=chunks, documents=len(manifest["documents"]),
                            chunks=chunks, up_to_date=True, errors=[str(e) for e in errors],
                            took_ms=round((time.perf_counter() - started) * 1000, 1))

    def _manifest(self, version, live, docs, keys, desired, chunks, lines, errors, live_manifest) -> dict:
        documents = {d.meta.source: {**d.meta.model_dump(), "sha256": d.sha256,
                                     "file_sha256": keys[d.meta.source][0], "reuse_key": keys[d.meta.source][1],
                                     "body_start": d.body_start, "lines": lines.get(d.meta.source, []),
                                     "aliases": [list(pair) for pair in namepairs.mine([d.text])]}
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


def _add(store: VersionStore, kind: str, wanted: Desired, ids: list[str], vectors: dict[str, np.ndarray]) -> None:
    """Add new records with their texts' vectors."""
    for i in range(0, len(ids), 1000):
        batch = ids[i:i + 1000]
        store.add(kind, Records(batch, [wanted.texts[r] for r in batch], [wanted.metas[r] for r in batch],
                                np.stack([vectors[wanted.texts[r]] for r in batch])))


def _chunk_counts(chunks: Desired, old: Desired) -> Counter:
    """Chunks added, kept and deleted against the live version (chunks are keyed by content hash)."""
    return Counter(added=len(set(chunks.texts) - set(old.texts)), kept=len(set(chunks.texts) & set(old.texts)),
                   deleted=len(set(old.texts) - set(chunks.texts)))
