"""Atomic rebuild, rollback, a rebuild killed with SIGKILL, and a server following the live version."""
from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from index.build import Indexer
from rag.errors import IndexBusyError, IndexMissingError
from rag.store import IndexVersions
from tests.conftest import CORPUS, ROOT


def test_rebuild_then_rollback(data_dir, embedder, multilingual, make_service):
    versions = IndexVersions(data_dir)
    first = versions.current()
    service = make_service(data_dir)
    assert service.ask("How many paying users does Jimeng have?").index_version == first
    report = Indexer(CORPUS, versions, embedder, multilingual).update(full=True)
    assert report.previous == first and report.embedded > 0 and versions.current() == report.version
    assert service.ask("How many paying users does Jimeng have?").index_version == report.version
    assert versions.rollback() == first
    assert service.ask("How many paying users does Jimeng have?").index_version == first
    with pytest.raises(IndexMissingError):
        versions.rollback()


def test_a_second_writer_is_refused_while_one_holds_the_lock(data_dir, embedder):
    versions = IndexVersions(data_dir)
    with versions.write_lock():
        with pytest.raises(IndexBusyError, match="another reelqa process"):
            Indexer(CORPUS, versions, embedder).update()


KILLER = """
import os, signal, sys
from pathlib import Path
from index.build import Indexer
from rag.embedder import SentenceTransformerEmbedder
from rag.store import IndexVersions

def die(stage, done, total):
    if stage.startswith("embed"):
        os.kill(os.getpid(), signal.SIGKILL)

Indexer(Path(sys.argv[1]), IndexVersions(Path(sys.argv[2])), SentenceTransformerEmbedder()).update(
    full=True, progress=die)
"""


@pytest.mark.integration
def test_rebuild_killed_mid_way_leaves_the_live_index_untouched(data_dir, embedder, make_service):
    versions = IndexVersions(data_dir)
    live = versions.current()
    before = sorted(p.name for p in versions.versions_dir.iterdir())
    proc = subprocess.run([sys.executable, "-c", KILLER, str(CORPUS), str(data_dir)], cwd=ROOT,
                          capture_output=True, timeout=300)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    assert versions.current() == live
    leftovers = sorted(p.name for p in versions.versions_dir.iterdir())
    assert len(leftovers) == len(before) + 1, "the half-built version folder is there"
    answer = make_service(data_dir).ask("How many paying users does Jimeng have?")
    assert answer.answered and answer.index_version == live
    report = Indexer(CORPUS, versions, embedder).update()
    assert report.previous == live
    assert sorted(p.name for p in versions.versions_dir.iterdir()) == sorted(before + [report.version])


@pytest.mark.integration
def test_a_serving_process_keeps_answering_during_a_rebuild_in_another_process(data_dir, make_service):
    service = make_service(data_dir)
    old = service.view().version
    env = {**os.environ, "REELQA_DATA_DIR": str(data_dir), "REELQA_CORPUS_DIR": str(CORPUS)}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "index", "rebuild", "--json"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    answers, errors = [], []

    def keep_asking():
        while proc.poll() is None:
            try:
                answers.append(service.ask("How many users does Keling serve?"))
            except Exception as exc:  # any failure while the rebuild runs is the bug this test catches
                errors.append(exc)

    asker = threading.Thread(target=keep_asking)
    asker.start()
    out, err = proc.communicate(timeout=300)
    asker.join()
    assert proc.returncode == 0, err.decode()[-2000:]
    assert not errors and len(answers) > 10 and all(a.answered for a in answers)
    new = service.ask("How many users does Keling serve?")
    assert new.index_version != old and new.index_version in out.decode()
