"""Incremental updates embed only what changed; every write is a new version switched atomically."""
from __future__ import annotations

import shutil

import pytest

from index.build import Indexer
from index.status import index_status
from rag.retrieve import IndexView
from rag.store import IndexVersions
from tests.conftest import CORPUS


class CountingEmbedder:
    """The real embedder, counting how many texts it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.embedded = inner, 0
        self.name, self.max_tokens = inner.name, inner.max_tokens

    def embed(self, texts):
        self.embedded += len(texts)
        return self.inner.embed(texts)

    def token_offsets(self, text):
        return self.inner.token_offsets(text)


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


def make(corpus, data, embedder):
    counting = CountingEmbedder(embedder)
    return Indexer(corpus, IndexVersions(data), counting, None, chunk_tokens=200), counting


def test_add_change_delete_and_unchanged(corpus, tmp_path, embedder):
    data = tmp_path / "data"
    indexer, counter = make(corpus, data, embedder)
    first = indexer.update()
    assert first.added == first.chunks > 0 and first.kept == 0 and counter.embedded > 0

    counter.embedded = 0
    unchanged = indexer.update()
    assert counter.embedded == 0, "an unchanged corpus must embed nothing"
    assert (unchanged.added, unchanged.deleted, unchanged.kept) == (0, 0, first.chunks)

    (corpus / "new.md").write_text("---\ntitle: New\n---\nKling launched a new feature in 2025. It was popular.\n")
    counter.embedded = 0
    added = indexer.update()
    assert added.added == 1 and added.deleted == 0 and counter.embedded == 2  # 2 sentences; chunks are not embedded

    (corpus / "new.md").write_text("---\ntitle: New\n---\nKling launched two features in 2025.\n")
    changed = indexer.update()
    assert changed.added == 1 and changed.deleted == 1

    (corpus / "new.md").unlink()
    removed = indexer.update()
    assert removed.deleted == 1 and removed.added == 0 and removed.chunks == first.chunks
    status = index_status(IndexVersions(data), corpus)
    assert status.documents == 1 and status.drift == []


def test_shifted_offsets_keep_embeddings_but_update_positions(corpus, tmp_path, embedder, make_service):
    data = tmp_path / "data"
    indexer, counter = make(corpus, data, embedder)
    indexer.update()
    article = corpus / "keling-next-target-for-jimeng.txt"
    article.write_text("A new opening line.\n" + article.read_text(encoding="utf-8"), encoding="utf-8")
    counter.embedded = 0
    report = indexer.update()
    # Chunk packing shifts after the new line, but every old sentence keeps its vector: only the new one is embedded.
    assert report.kept > 0 and report.added > 0 and report.embedded == 1
    answer = make_service(data).ask("How many paying users does Jimeng have?")
    text = article.read_text(encoding="utf-8")
    assert answer.answered and all(text[c.start:c.end] == c.quote for c in answer.citations)


@pytest.mark.slow
def test_hundreds_of_documents_past_batch_boundaries(tmp_path, embedder):
    corpus = tmp_path / "many"
    corpus.mkdir()
    for i in range(300):
        (corpus / f"doc{i:03d}.txt").write_text(f"Document {i} says Keling has {i} features. Jimeng has {i + 1}.\n")
    indexer, counter = make(corpus, tmp_path / "data", embedder)
    first = indexer.update()
    assert first.documents == 300 and first.chunks == 300 and counter.embedded == 300 * 2
    for i in range(0, 300, 7):
        (corpus / f"doc{i:03d}.txt").write_text(f"Document {i} was rewritten about Kling.\n")
    for i in range(1, 300, 50):
        (corpus / f"doc{i:03d}.txt").unlink()
    counter.embedded = 0
    second = indexer.update()
    changed, deleted = len(range(0, 300, 7)), len(range(1, 300, 50))
    assert second.documents == 300 - deleted
    assert second.added == changed and second.deleted == changed + deleted
    assert counter.embedded == changed  # one sentence each
    counter.embedded = 0
    assert indexer.update().added == 0 and counter.embedded == 0


def test_bad_files_are_reported_and_the_rest_is_indexed_and_nothing_indexed_is_lost(corpus, tmp_path, embedder):
    data = tmp_path / "data"
    (corpus / "extra.md").write_text("Doubao is ByteDance's assistant.\n")
    indexer, _ = make(corpus, data, embedder)
    before = indexer.update()
    (corpus / "extra.md").write_bytes(b"\xff\xfe broken \x00 bytes")
    (corpus / "empty.txt").write_text("")
    after = indexer.update()
    assert any(e.startswith("extra.md:") for e in after.errors)
    assert any(e.startswith("empty.txt:") and "empty" in e for e in after.errors)
    assert after.chunks == before.chunks, "the previously indexed extra.md must be kept"
    versions = IndexVersions(data)
    view = IndexView(versions, versions.require_current())
    assert "extra.md" in {c.source for c in view.chunks} and "extra.md" in {s.source for s in view.sentences}
