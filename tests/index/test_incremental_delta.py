"""An update reads only the files that changed and changes a copy of the live store by the difference alone:
the result equals a full rebuild, and an interrupted update leaves the live version as it was."""
from __future__ import annotations

import hashlib
import shutil

import numpy as np
import pytest

import index.build
from index.build import Indexer
from rag.store import IndexVersions
from tests.conftest import CORPUS


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    for i in range(6):
        (folder / f"note{i}.md").write_text(f"---\ntitle: Note {i}\n---\nNote {i} says the studio shipped {i} tools.\n"
                                            f"The same closing line appears in every note.\n")
    return folder


@pytest.fixture
def loads(monkeypatch):
    """The sources the indexer reads and extracts (a spy around the real loader)."""
    seen: list[str] = []
    real = index.build.load_document

    def spy(path, corpus_dir):
        seen.append(path.relative_to(corpus_dir).as_posix())
        return real(path, corpus_dir)

    monkeypatch.setattr(index.build, "load_document", spy)
    return seen


def _records(versions: IndexVersions, kind: str) -> dict[str, tuple[str, dict, np.ndarray]]:
    store = versions.open(versions.require_current())
    got = store.get_all(kind, embeddings=True)
    return {rid: (text, meta, got.embeddings[i]) for i, (rid, text, meta)  # type: ignore[index]
            in enumerate(zip(got.ids, got.documents, got.metadatas))}


def _folder_digest(folder) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def test_an_update_reads_only_changed_files_and_equals_a_full_rebuild(corpus, tmp_path, embedder, multilingual,
                                                                       loads):
    versions = IndexVersions(tmp_path / "data")
    indexer = Indexer(corpus, versions, embedder, multilingual)
    indexer.update()
    (corpus / "note1.md").write_text("---\ntitle: Note 1\n---\nA new first line.\nNote 1 says the studio shipped 1 "
                                     "tools.\nThe same closing line appears in every note.\n")  # shifted offsets
    (corpus / "note2.md").unlink()
    (corpus / "note9.md").write_text("Note 9 is new and says nothing else.\n")
    (corpus / "note3.meta.yaml").write_text("date: 2025-03-01\n")  # only the sidecar changed
    loads.clear()
    report = indexer.update()
    assert sorted(loads) == ["note1.md", "note3.md", "note9.md"], "unchanged files must not be read again"
    assert report.embedded == 2 * 2  # two new sentences, by each model; the shifted ones keep their vectors
    incremental = {kind: _records(versions, kind) for kind in ("sentences", "sentences_ml")}

    rebuilt_versions = IndexVersions(tmp_path / "rebuilt")
    Indexer(corpus, rebuilt_versions, embedder, multilingual).update(full=True)
    for kind, records in incremental.items():
        rebuilt = _records(rebuilt_versions, kind)
        assert set(records) == set(rebuilt)
        for rid, (text, meta, vector) in records.items():
            assert (text, meta) == rebuilt[rid][:2], rid
            assert float(np.dot(vector, rebuilt[rid][2])) > 0.9999, rid
    live = versions.folder(versions.require_current())
    fresh = rebuilt_versions.folder(rebuilt_versions.require_current())
    for name in ("sentences.jsonl", "chunks.jsonl"):
        assert sorted((live / name).read_text().splitlines()) == sorted((fresh / name).read_text().splitlines())
    assert versions.manifest(versions.require_current())["documents"]["note3.md"]["date"] == "2025-03-01"


def test_an_update_interrupted_while_embedding_leaves_the_live_version_as_it_was(corpus, tmp_path, embedder,
                                                                                 multilingual):
    versions = IndexVersions(tmp_path / "data")
    Indexer(corpus, versions, embedder, multilingual).update()
    live = versions.require_current()
    before = _folder_digest(versions.folder(live))
    (corpus / "note0.md").write_text("Note 0 was rewritten with two new sentences. Both need vectors.\n")

    def interrupt(stage, done, total):
        if stage.startswith("embed") and done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Indexer(corpus, versions, embedder, multilingual).update(progress=interrupt)
    assert versions.require_current() == live
    assert [p.name for p in versions.versions_dir.iterdir()] == [live], "the half-built version is removed"
    assert _folder_digest(versions.folder(live)) == before, "the live version's files are untouched"
    report = Indexer(corpus, versions, embedder, multilingual).update()
    assert report.previous == live and report.embedded == 2 * 2
