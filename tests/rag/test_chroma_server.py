"""Scale-out mode: the same index and answers through a real `chroma run` server."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from index.build import Indexer
from rag.store import IndexVersions
from tests.conftest import CORPUS, build_service


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    assert chroma, "the chroma CLI ships with the chromadb package"
    port = _free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([chroma, "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma run did not start within 60 s")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.integration
def test_index_update_and_answers_through_a_chroma_server(chroma_url, tmp_path, embedder, multilingual, glossary):
    versions = IndexVersions(tmp_path / "data", chroma_url)
    first = Indexer(CORPUS, versions, embedder, multilingual).update()
    again = Indexer(CORPUS, versions, embedder, multilingual).update()
    assert first.chunks > 0 and again.embedded == 0 and again.kept == first.chunks
    service = build_service(versions, embedder, multilingual, glossary)
    answer = service.ask("How many paying users does Kling have?")
    text = (CORPUS / answer.citations[0].source).read_text(encoding="utf-8")
    assert answer.answered and "2 million" in answer.answer
    assert text[answer.citations[0].start:answer.citations[0].end] == answer.citations[0].quote
    assert versions.rollback() == first.version
    assert service.ask("How many paying users does Kling have?").index_version == first.version
