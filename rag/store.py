"""Versioned Chroma store: one folder (or collection set) per index version and an atomic pointer file.

Writers never touch the live version: they build a new one and switch the pointer with `os.replace`,
so readers in other processes see either the old or the new version, never half of one.
"""
from __future__ import annotations

import fcntl
import json
import logging
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from rag.errors import ConfigError, IndexBusyError, IndexDamagedError, IndexMissingError
from rag.files import atomic_write, can_write, read_only_copy, writable

COLLECTIONS = ("chunks", "sentences", "sentences_ml")
POINTER = "CURRENT.json"
KEEP_VERSIONS = 3
_VERSION = re.compile(r"^v[0-9A-Za-z-]{1,64}$")
log = logging.getLogger("reelqa.index")


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

    def relabel(self, kind: str, ids: list[str], metadatas: list[dict], batch: int = 1000) -> None:
        """Replace the metadata of existing records (their texts and vectors stay)."""
        col = self.collection(kind)
        for i in range(0, len(ids), batch):
            col.update(ids=ids[i:i + batch], metadatas=metadatas[i:i + batch])

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

    def query(self, kind: str, vector: np.ndarray, k: int, size: int | None = None) -> list[tuple[str, float]]:
        """(id, cosine similarity) of the k nearest records (`size`: the collection's count, when the caller knows it)."""
        col = self.collection(kind)
        n = min(k, col.count() if size is None else size)
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
    """The versions under `<data_dir>/index`, the pointer to the live one and the writer's lock.

    A pointer that can't be read, or that names a missing or incomplete version, is "damaged": readers keep
    the last good version this process read (or fail with IndexDamagedError naming the fix), and writers
    repair it to the newest complete version before writing.
    """

    def __init__(self, data_dir: Path, chroma_url: str | None = None):
        self.root = Path(data_dir) / "index"
        self.chroma_url = chroma_url
        self._last_good: str | None = None
        self._warned = ""

    @property
    def versions_dir(self) -> Path:
        """Folder holding one sub-folder per version."""
        return self.root / "versions"

    @property
    def pointer_path(self) -> Path:
        """The pointer file naming the live version."""
        return self.root / POINTER

    def pointer(self) -> dict:
        """{'current': version or None, 'history': older versions, newest first}; IndexDamagedError if unreadable."""
        try:
            raw = self.pointer_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            if self.complete_versions():  # versions exist but nothing points at one
                raise self._damaged("is missing") from None
            return {"current": None, "history": []}
        except (OSError, UnicodeDecodeError) as exc:
            raise self._damaged(f"cannot be read ({getattr(exc, 'strerror', None) or type(exc).__name__})") \
                from None
        try:
            state = json.loads(raw)
        except ValueError:
            raise self._damaged("is empty" if not raw.strip() else "is not JSON") from None
        if not isinstance(state, dict) or not _is_version(state.get("current")) \
                or not isinstance(state.get("history", []), list):
            raise self._damaged("does not name a version")
        return {"current": state["current"], "history": [v for v in state.get("history", []) if _is_version(v)]}

    def current(self) -> str | None:
        """The live version, or None before the first build.

        When the pointer is damaged, a process that already read a good version keeps it (serving goes on);
        otherwise IndexDamagedError says what to run.
        """
        try:
            version = self.pointer()["current"]
            if version is not None and not self.is_complete(version):
                raise self._damaged(f"names version {version}, which is missing or incomplete")
        except IndexDamagedError as exc:
            if self._last_good and self.is_complete(self._last_good):
                if self._warned != str(exc):
                    self._warned = str(exc)
                    log.warning("%s; meanwhile this process keeps serving %s", exc, self._last_good)
                return self._last_good
            raise
        self._last_good = version
        return version

    def require_current(self) -> str:
        """The live version, or a clear error telling how to build one."""
        version = self.current()
        if not version:
            raise IndexMissingError(f"no index in {self.root}; build one with `reelqa index rebuild`")
        return version

    def is_complete(self, version: str) -> bool:
        """True when a version's build finished (its manifest was written last)."""
        return _is_version(version) and (self.folder(version) / "manifest.json").is_file()

    def complete_versions(self) -> list[str]:
        """Finished versions, newest first."""
        if not self.versions_dir.is_dir():
            return []
        found = [p for p in self.versions_dir.iterdir() if self.is_complete(p.name)]
        found.sort(key=lambda p: (p.name[:17], (p / "manifest.json").stat().st_mtime), reverse=True)
        return [p.name for p in found]

    def repair(self) -> str | None:
        """Make a damaged pointer name the newest complete version (or remove it if none is left); writers only."""
        try:
            state = self.pointer()
            if state["current"] is None or self.is_complete(state["current"]):
                return state["current"]
            raise self._damaged(f"names version {state['current']}, which is missing or incomplete")
        except IndexDamagedError as exc:
            complete = self.complete_versions()
            if complete:
                atomic_write(self.pointer_path, json.dumps({"current": complete[0], "history": complete[1:10]}))
            else:
                writable(lambda: self.pointer_path.unlink(missing_ok=True), self.root)
            log.warning("%s; repaired: %s", exc.args[0].split("; ")[0],
                        f"the live version is now {complete[0]}" if complete else "starting from an empty index")
            self._last_good = complete[0] if complete else None
            return self._last_good

    def _damaged(self, problem: str) -> IndexDamagedError:
        complete = self.complete_versions()
        fix = (f"run `reelqa index update` to repair it (it falls back to {complete[0]}, the newest complete "
               "version)") if complete else "no complete version is left: run `reelqa index rebuild`"
        return IndexDamagedError(f"index pointer {self.pointer_path} {problem}; {fix}")

    def new_version(self) -> tuple[str, Path]:
        """A fresh version id and its (new, empty) folder."""
        version = time.strftime("v%Y%m%d-%H%M%S-") + secrets.token_hex(3)
        folder = self.versions_dir / version
        writable(lambda: folder.mkdir(parents=True), folder)
        return version, folder

    def folder(self, version: str) -> Path:
        """Folder of a version."""
        if not _is_version(version):
            raise IndexDamagedError(f"{version!r} is not an index version name; run `reelqa index status`")
        return self.versions_dir / version

    def open(self, version: str) -> VersionStore:
        """The store of a version (a private copy when the data folder is read-only: Chroma writes on open)."""
        folder = self.folder(version)
        if not self.chroma_url and not can_write(folder / "chroma"):
            folder = read_only_copy(folder)
        return VersionStore(version, folder, self.chroma_url)

    def manifest(self, version: str) -> dict:
        """The manifest a finished build wrote for a version."""
        path = self.folder(version) / "manifest.json"
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise IndexDamagedError(f"index version {version} is incomplete (no {path.name}); "
                                    "run `reelqa index update`") from None
        except (OSError, ValueError) as exc:
            raise IndexDamagedError(f"{path} cannot be read ({type(exc).__name__}); "
                                    "run `reelqa index rebuild`") from None
        if not isinstance(manifest, dict) or not isinstance(manifest.get("documents"), dict):
            raise IndexDamagedError(f"{path} is not an index manifest; run `reelqa index rebuild`")
        return manifest

    def write_manifest(self, version: str, manifest: dict) -> None:
        """Write a version's manifest atomically."""
        atomic_write(self.folder(version) / "manifest.json", json.dumps(manifest, indent=1))

    def switch(self, version: str) -> None:
        """Make `version` live in one atomic step, remembering the previous one for rollback."""
        try:
            state = self.pointer()
        except IndexDamagedError:
            state = {"current": None, "history": self.complete_versions()}
        history = [v for v in [state.get("current"), *state.get("history", [])] if v and v != version]
        atomic_write(self.pointer_path, json.dumps({"current": version, "history": history[:10]}))
        self._last_good = version

    def rollback(self) -> str:
        """Return to the previous version; the one rolled back from is forgotten (a damaged pointer: the newest)."""
        try:
            state = self.pointer()
            if state["current"] and not self.is_complete(state["current"]):
                raise self._damaged("names a missing version")
        except IndexDamagedError as exc:
            complete = self.complete_versions()
            if not complete:
                raise
            log.warning("%s; rolling back to %s, the newest complete version", exc, complete[0])
            state = {"current": None, "history": complete}
        history = [v for v in state.get("history", []) if self.is_complete(v)]
        if not history:
            raise IndexMissingError("no previous index version to roll back to")
        atomic_write(self.pointer_path, json.dumps({"current": history[0], "history": history[1:]}))
        self._last_good = history[0]
        return history[0]

    def prune(self, keep: int = KEEP_VERSIONS) -> list[str]:
        """Delete half-built versions and complete ones beyond the live one and the last `keep` it names.

        The newest complete version is never deleted, so a damaged pointer can't lead to losing every version.
        """
        self.repair()
        state = self.pointer()
        complete = self.complete_versions()
        named = [v for v in [state.get("current"), *state.get("history", [])] if v in complete]
        wanted = set(named[:keep]) | set(complete[:1])
        if state.get("current") not in complete:  # nothing valid is live: keep the fallbacks too
            wanted |= set(complete[:keep])
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
        writable(lambda: self.root.mkdir(parents=True, exist_ok=True), self.root)
        with writable(lambda: open(self.root / "write.lock", "w"), self.root) as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise IndexBusyError("another reelqa process is writing the index; wait for it to finish") \
                    from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _is_version(version) -> bool:
    return isinstance(version, str) and bool(_VERSION.match(version))
