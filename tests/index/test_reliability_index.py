"""Issue 8: a bad pointer never destroys versions; unsafe ids, outside links and huge files are skipped; no-op updates."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.build import Indexer
from index.guards import is_safe_id
from index.status import index_status
from rag.errors import IndexDamagedError
from rag.store import IndexVersions
from tests.conftest import CORPUS

DAMAGED_POINTERS = ["", "garbage{", "[]", "null", '{"current": 5}', '{"current": "../../etc"}',
                    '{"current": "v20990101-000000-abcdef", "history": []}', "\xff\xfe"]


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A private copy of the real corpus a test may add files to."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def damage(versions: IndexVersions, text: str) -> None:
    """Overwrite the pointer file with `text`, as a crash or an operator's mistake would."""
    versions.pointer_path.write_bytes(text.encode("utf-8", "surrogateescape") if text != "\xff\xfe"
                                      else b"\xff\xfe\x00")


@pytest.mark.parametrize("pointer", DAMAGED_POINTERS)
def test_prune_with_a_damaged_pointer_keeps_the_newest_complete_version(data_dir, pointer):
    versions = IndexVersions(data_dir)
    live = versions.current()
    damage(versions, pointer)
    versions.prune()
    assert versions.is_complete(live), "the only complete version was deleted"
    assert versions.current() == live, "the writer repaired the pointer to the newest complete version"


def test_prune_never_deletes_an_unnamed_complete_version_without_a_newer_one(data_dir):
    versions = IndexVersions(data_dir)
    live = versions.current()
    versions.pointer_path.unlink()  # no pointer at all: nothing names the version
    half_built = versions.versions_dir / "v20000101-000000-aaaaaa"
    half_built.mkdir()
    assert versions.prune() == [half_built.name]
    assert versions.is_complete(live) and versions.current() == live


def test_update_with_a_pointer_to_a_missing_version_repairs_it_and_loses_nothing(data_dir, embedder, multilingual):
    versions = IndexVersions(data_dir)
    live = versions.current()
    damage(versions, '{"current": "v20990101-000000-abcdef", "history": []}')
    report = Indexer(CORPUS, versions, embedder, multilingual).update()
    assert report.up_to_date and report.version == live and report.embedded == 0
    assert versions.current() == live and versions.is_complete(live)


@pytest.mark.parametrize("pointer", DAMAGED_POINTERS)
def test_a_damaged_pointer_is_one_error_naming_the_fix(data_dir, pointer):
    versions = IndexVersions(data_dir)
    live = versions.current()
    damage(versions, pointer)
    with pytest.raises(IndexDamagedError, match=rf"reelqa index update.*{live}"):
        IndexVersions(data_dir).current()
    with pytest.raises(IndexDamagedError, match="reelqa index update"):
        index_status(IndexVersions(data_dir), CORPUS)


def test_a_serving_process_keeps_its_last_good_version_when_the_pointer_is_damaged(data_dir, make_service):
    service = make_service(data_dir)
    live = service.ask("How many paying users does Jimeng have?").index_version
    damage(IndexVersions(data_dir), "[]")
    answer = service.ask("How many paying users does Jimeng have?")
    assert answer.answered and answer.index_version == live
    with pytest.raises(IndexDamagedError):
        make_service(data_dir).ask("How many paying users does Jimeng have?")


def test_rollback_with_a_damaged_pointer_returns_to_the_newest_complete_version(data_dir):
    versions = IndexVersions(data_dir)
    live = versions.current()
    damage(versions, "garbage")
    assert versions.rollback() == live
    assert IndexVersions(data_dir).current() == live


@pytest.mark.parametrize("doc_id", ["../../../../../pwned", "a/b", "..", ".hidden", "x" * 300, "a\\b", ""])
def test_unsafe_ids_are_refused(doc_id):
    assert not is_safe_id(doc_id)


@pytest.mark.parametrize("doc_id", ["keling-next-target-for-jimeng", "notes_2024.v2", "_draft", "A1"])
def test_safe_ids_are_accepted(doc_id):
    assert is_safe_id(doc_id)


def test_a_front_matter_id_is_never_used_as_a_path(data_dir, corpus, embedder, tmp_path):
    (corpus / "escape.md").write_text("---\nid: ../../../../../pwned\n---\nThe escape test sentence is here.\n")
    (corpus / "nested.md").write_text("---\nid: a/b\n---\nThe nested id sentence is here.\n")
    versions = IndexVersions(data_dir)
    report = Indexer(corpus, versions, embedder).update()
    assert any(line.startswith("escape.md:") and "not a safe id" in line for line in report.errors)
    assert any(line.startswith("nested.md:") and "not a safe id" in line for line in report.errors)
    assert not list(tmp_path.rglob("pwned*")) and not list(Path("/").glob("pwned*"))
    assert not any(doc["doc_id"] != "keling-next-target-for-jimeng"
                   for doc in versions.manifest(versions.current())["documents"].values())
    (corpus / "nested.md").unlink()
    assert Indexer(corpus, versions, embedder).update().errors == [report.errors[0]]


def test_a_link_leaving_the_corpus_is_skipped_and_never_served(data_dir, corpus, embedder, make_service, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("The secret outside sentence must never be indexed.\n")
    (corpus / "secret.txt").symlink_to(outside)
    (corpus / "inner.txt").symlink_to(corpus / "keling-next-target-for-jimeng.txt")
    report = Indexer(corpus, IndexVersions(data_dir), embedder).update()
    assert [e for e in report.errors if "secret.txt" in e] == \
        ["secret.txt: is a link to a file outside the corpus; skipped; copy the file into the corpus folder instead"]
    service = make_service(data_dir)
    assert "secret" not in service.view().documents()
    assert all(p.source != "secret.txt" and "secret" not in p.text for p in service.search("secret outside", 5))
    assert not any("secret.txt" in line for line in index_status(IndexVersions(data_dir), corpus).drift)


def test_a_document_over_the_size_limit_is_skipped_with_a_clear_line(data_dir, corpus, embedder):
    text = "A long sentence about nothing in particular. " * 200
    (corpus / "huge.txt").write_text(text)
    versions = IndexVersions(data_dir)
    report = Indexer(corpus, versions, embedder, max_document_bytes=4096).update()
    expected = (f"huge.txt: is {len(text):,} bytes, over the 4,096-byte limit (REELQA_MAX_DOCUMENT_BYTES); "
                "skipped; split it or raise the limit")
    assert [e for e in report.errors if e.startswith("huge.txt")] == [expected]
    assert "huge.txt" not in versions.manifest(versions.current())["documents"]


def test_an_update_of_an_unchanged_corpus_writes_no_version(data_dir, corpus, embedder, multilingual):
    versions = IndexVersions(data_dir)
    first = Indexer(corpus, versions, embedder, multilingual).update()
    folders = sorted(p.name for p in versions.versions_dir.iterdir())
    pointer = versions.pointer_path.read_text()
    again = Indexer(corpus, versions, embedder, multilingual).update()
    assert again.up_to_date and again.version == first.version and again.embedded == 0
    assert sorted(p.name for p in versions.versions_dir.iterdir()) == folders
    assert versions.pointer_path.read_text() == pointer
    (corpus / "new.txt").write_text("A brand new sentence appears in the corpus.\n")
    changed = Indexer(corpus, versions, embedder, multilingual).update()
    assert not changed.up_to_date and changed.version != first.version and changed.added >= 1
    assert json.loads(versions.pointer_path.read_text())["history"][0] == first.version
