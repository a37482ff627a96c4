"""Report the live index and how the corpus drifted since it was built."""
from __future__ import annotations

from pathlib import Path

from index.build import file_sha256
from index.guards import leaves_corpus
from index.loaders import find_documents
from rag.errors import DocumentError
from rag.schemas import IndexStatus
from rag.store import IndexVersions


def index_status(versions: IndexVersions, corpus_dir: Path) -> IndexStatus:
    """Version, counts, model, build time and corpus drift of the live index."""
    version = versions.current()  # a damaged pointer: IndexDamagedError naming the fix
    state = versions.pointer()
    if not version:
        return IndexStatus(version=None, drift=corpus_drift({}, corpus_dir))
    manifest = versions.manifest(version)
    counts = manifest.get("counts", {})
    return IndexStatus(version=version, documents=len(manifest["documents"]), chunks=counts.get("chunks", 0),
                       sentences=counts.get("sentences", 0), embedding_model=manifest.get("embedding_model", ""),
                       built_at=manifest.get("built_at", ""),
                       drift=corpus_drift(manifest["documents"], corpus_dir),
                       previous_versions=state.get("history", []))


def corpus_drift(indexed: dict, corpus_dir: Path) -> list[str]:
    """Lines like 'changed: a.md', 'added: b.txt', 'removed: c.pdf' for files that differ from the index."""
    try:
        present = {p.relative_to(corpus_dir).as_posix(): p for p in find_documents(corpus_dir)
                   if not leaves_corpus(p, corpus_dir)}
    except DocumentError as exc:
        return [f"corpus unreadable: {exc}"]
    drift = [f"added: {s}" for s in sorted(set(present) - set(indexed))]
    drift += [f"removed: {s}" for s in sorted(set(indexed) - set(present))]
    drift += [f"changed: {s}" for s in sorted(set(present) & set(indexed))
              if indexed[s].get("file_sha256") != file_sha256(present[s])]
    return drift
