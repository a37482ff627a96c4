"""The ONNX Runtime backend: exported locally from the bundled weights, same vectors as torch."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from rag.embedder import SentenceTransformerEmbedder
from rag.errors import ConfigError
from tests.conftest import CORPUS, ROOT

SENTENCES = [line.strip() for line in (CORPUS / "keling-next-target-for-jimeng.txt").read_text().splitlines()
             if len(line.strip()) > 20][:24] + ["可灵有多少付费用户？", "x", "A question about paying users?"]


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx")


@pytest.fixture(scope="module")
def onnx_embedder(onnx_cache):
    return SentenceTransformerEmbedder(backend="onnx", cache_dir=onnx_cache)


def test_onnx_vectors_match_torch_in_any_batch_order(embedder, onnx_embedder):
    reference = embedder.embed(SENTENCES)
    vectors = onnx_embedder.embed(SENTENCES)
    assert vectors.shape == reference.shape and vectors.dtype == np.float32
    assert np.min(np.sum(vectors * reference, axis=1)) > 0.9999
    single = onnx_embedder.embed([SENTENCES[3]])[0]
    assert float(np.dot(single, vectors[3])) > 0.9999  # padding in a batch changes nothing
    assert onnx_embedder.name == embedder.name  # same vectors: an index built by either stays valid
    assert onnx_embedder.token_offsets("Paying users") == embedder.token_offsets("Paying users")
    assert onnx_embedder.max_tokens == embedder.max_tokens and onnx_embedder.embed([]).shape == (0, 384)


def test_onnx_word_pieces_split_and_truncate_like_the_models_tokenizer(embedder, onnx_embedder):
    long_text = " ".join(SENTENCES) * 3  # past the 256-token limit: truncated the same way
    for text in [*SENTENCES, long_text, "Ünïcödé café – naïve résumé", "  ", "可灵和即梦，2025年。"]:
        assert onnx_embedder.token_offsets(text) == embedder.token_offsets(text)
    assert float(np.dot(onnx_embedder.embed([long_text])[0], embedder.embed([long_text])[0])) > 0.9999


def test_the_onnx_backend_runs_without_importing_torch(onnx_embedder, onnx_cache):
    """Serving with ONNX must not pay for torch (about 300 MB and a second of start-up)."""
    code = ("import sys; from rag.embedder import SentenceTransformerEmbedder as E; "
            f"e = E(backend='onnx', cache_dir={str(onnx_cache)!r}); e.embed(['a question']); "
            "e.token_offsets('a question'); print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_export_is_cached_and_int8_is_a_different_model(tmp_path, onnx_embedder):
    cache = tmp_path / "cache"
    SentenceTransformerEmbedder(backend="onnx", cache_dir=cache)
    exported = list(cache.glob("*/model.onnx"))
    assert len(exported) == 1
    stamp = exported[0].stat().st_mtime_ns
    SentenceTransformerEmbedder(backend="onnx", cache_dir=cache)
    assert exported[0].stat().st_mtime_ns == stamp  # loaded, not exported again
    int8 = SentenceTransformerEmbedder(backend="onnx-int8", cache_dir=cache)
    assert int8.name.endswith("+onnx-int8")  # an index built with other vectors is re-embedded, not mixed
    close = np.sum(int8.embed(SENTENCES) * onnx_embedder.embed(SENTENCES), axis=1)
    assert np.min(close) > 0.8


def test_unknown_backend_is_a_clear_setting_error():
    with pytest.raises(ConfigError, match="embedding backend 'tensorrt' is not one of torch, onnx, onnx-int8"):
        SentenceTransformerEmbedder(backend="tensorrt")
