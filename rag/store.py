"""Versioned Chroma store: one folder (or collection set) per index version and an atomic pointer file.

Writers never touch the live version: they build a new one and switch the pointer with `os.replace`,
so readers in other processes see either the old or the new version, never half of one.
"""
from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

import numpy as np

from rag.errors import ConfigError, IndexBusyError, IndexMissingError

COLLECTIONS = ("chunks", "sentences", "sentences_ml")
POINTER = "CURRENT.json"
KEEP_VERSIONS = 3


@dataclass
class Records:
    """Rows of one collection: ids, texts, metadata and (optionally) embeddings."""

    ids: list[str]
    documents: list[str]
    metadatas: list[dict]
    embeddings: np.ndarray | None = None


class VersionStore:
    """Chroma collections of one index version, embedded (a folder) or on a `chroma run` server."""

    def __init__(self, version: str, folder: Path, chroma_url: str | None):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.version = version
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if chroma_url:
            url = urlparse(chroma_url)
            if not url.hostname:
                raise ConfigError(f"REELQA_CHROMA_URL {chroma_url!r} is not a URL like http://127.0.0.1:8001")
            self._client = chromadb.HttpClient(host=url.hostname, port=url.port or 8000,
                                               ssl=url.scheme == "https", settings=chroma_settings)
            self._prefix = f"reelqa-{version}-"
        else:
            self._client = chromadb.PersistentClient(path=str(folder / "chroma"), settings=chroma_settings)
            self._prefix = ""
        self._collections: dict = {}

    def collection(self, kind: str):
        """The named collection (created on first use) with cosine distance and no embedding function."""
        if kind not in self._collections:
            self._collections[kind] = self._client.get_or_create_collection(
                self._prefix + kind, embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
        return self._collections[kind]

    def add(self, kind: str, records: Records, batch: int = 1000) -> None:
        """Insert records in batches below Chroma's limit."""
        col = self.collection(kind)
        assert records.embeddings is not None, "records to add need their embeddings"
        for i in range(0, len(records.ids), batch):
            col.add(ids=records.ids[i:i + batch], documents=records.documents[i:i + batch],
                    metadatas=records.metadatas[i:i + batch], embeddings=records.embeddings[i:i + batch])

    def delete(self, kind: str, ids: list[str], batch: int = 1000) -> None:
        """Delete records by id."""
        col = self.collection(kind)
        for i in range(0, len(ids), batch):
            col.delete(ids=ids[i:i + batch])

    def get_all(self, kind: str, embeddings: bool = False, batch: int = 2000) -> Records:
        """Every record of a collection, paged."""
        col = self.collection(kind)
        include = ["documents", "metadatas"] + (["embeddings"] if embeddings else [])
        ids, docs, metas, vecs = [], [], [], []
        offset = 0
        while True:
            page = col.get(include=include, limit=batch, offset=offset)
            if not page["ids"]:
                break
            ids += page["ids"]
            docs += page["documents"]
            metas += page["metadatas"]
            if embeddings:
                vecs.append(np.asarray(page["embeddings"], dtype=np.float32))
            offset += len(page["ids"])
        matrix = np.concatenate(vecs) if vecs else None
        return Records(ids, docs, metas, matrix)

    def count(self, kind: str) -> int:
        """Number of records in a collection."""
        return self.collection(kind).count()

    def query(self, kind: str, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """(id, cosine similarity) of the k nearest records."""
        col = self.collection(kind)
        n = min(k, col.count())
        if n == 0:
            return []
        found = col.query(query_embeddings=[vector.tolist()], n_results=n, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(found["ids"][0], found["distances"][0])]

    def drop(self) -> None:
        """Delete this version's collections (server mode; folders are removed by the caller)."""
        if self._prefix:
            for kind in COLLECTIONS:
                try:
                    self._client.delete_collection(self._prefix + kind)
                except Exception:  # already gone
                    pass


class IndexVersions:
    """The versions under `<data_dir>/index`, the pointer to the live one and the writer's lock."""

    def __init__(self, data_dir: Path, chroma_url: str | None = None):
        self.root = Path(data_dir) / "index"
        self.chroma_url = chroma_url

    @property
    def versions_dir(self) -> Path:
        """Folder holding one sub-folder per version."""
        return self.root / "versions"

    def pointer(self) -> dict:
        """{'current': version or None, 'history': older versions, newest first}."""
        try:
            return json.loads((self.root / POINTER).read_text())
        except FileNotFoundError:
            return {"current": None, "history": []}

    def current(self) -> str | None:
        """The live version, or None before the first build."""
        return self.pointer().get("current")

    def require_current(self) -> str:
        """The live version, or a clear error telling how to build one."""
        version = self.current()
        if not version:
            raise IndexMissingError(f"no index in {self.root}; build one with `reelqa index rebuild`")
        return version

    def new_version(self) -> tuple[str, Path]:
        """A fresh version id and its (new, empty) folder."""
        version = time.strftime("v%Y%m%d-%H%M%S-") + secrets.token_hex(3)
        folder = self.versions_dir / version
        folder.mkdir(parents=True)
        return version, folder

    def folder(self, version: str) -> Path:
        """Folder of a version."""
        return self.versions_dir / version

    def open(self, version: str) -> VersionStore:
        """The store of a version."""
        return VersionStore(version, self.folder(version), self.chroma_url)

    def manifest(self, version: str) -> dict:
        """The manifest a finished build wrote for a version."""
        return json.loads((self.folder(version) / "manifest.json").read_text())

    def write_manifest(self, version: str, manifest: dict) -> None:
        """Write a version's manifest atomically."""
        _atomic_write(self.folder(version) / "manifest.json", json.dumps(manifest, indent=1))

    def switch(self, version: str) -> None:
        """Make `version` live in one atomic step, remembering the previous one for rollback."""
        state = self.pointer()
        history = [v for v in [state.get("current"), *state.get("history", [])] if v and v != version]
        _atomic_write(self.root / POINTER, json.dumps({"current": version, "history": history[:10]}))

    def rollback(self) -> str:
        """Return to the previous version; the one rolled back from is forgotten."""
        state = self.pointer()
        history = [v for v in state.get("history", []) if (self.folder(v) / "manifest.json").exists()]
        if not history:
            raise IndexMissingError("no previous index version to roll back to")
        _atomic_write(self.root / POINTER, json.dumps({"current": history[0], "history": history[1:]}))
        return history[0]

    def prune(self, keep: int = KEEP_VERSIONS) -> list[str]:
        """Delete versions that are neither live nor among the last `keep`; also half-built ones."""
        state = self.pointer()
        wanted = {v for v in [state.get("current"), *state.get("history", [])[: keep - 1]] if v}
        removed = []
        for folder in sorted(self.versions_dir.glob("v*")) if self.versions_dir.exists() else []:
            if folder.name not in wanted:
                if self.chroma_url:
                    self.open(folder.name).drop()
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder.name)
        return removed

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold the single-writer lock, or fail at once if another process holds it."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "write.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise IndexBusyError("another reelqa process is writing the index; wait for it to finish") \
                    from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
