"""ONNX Runtime backend for a BERT-style sentence-transformers model: exported locally once, fp32 or int8.

The export reads the model's local weights (nothing is downloaded) and is cached in a folder keyed by the weights'
size and modification time; later processes load the cached file directly.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import warnings
from pathlib import Path

import numpy as np

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _cache_key(model_path: Path) -> str:
    parts = [str(model_path.resolve())]
    for name in sorted(p.name for p in model_path.iterdir() if p.suffix in (".safetensors", ".bin", ".json")):
        stat = (model_path / name).stat()
        parts.append(f"{name}:{stat.st_size}:{int(stat.st_mtime)}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _export(model_path: Path, target: Path) -> None:
    """Trace the transformer (token vectors out) to ONNX with dynamic batch and sequence axes."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(str(model_path)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_path))

    class TokenVectors(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    sample = tokenizer(["a short one", "a somewhat longer sample sentence to trace"], padding=True,
                       return_tensors="pt")
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    with torch.no_grad(), warnings.catch_warnings():  # tracer warnings mean nothing to a user
        warnings.simplefilter("ignore")
        torch.onnx.export(TokenVectors(model), tuple(sample[k] for k in INPUTS), str(tmp), input_names=list(INPUTS),
                          output_names=["token_vectors"], opset_version=17, dynamo=False,
                          dynamic_axes={k: {0: "batch", 1: "tokens"} for k in (*INPUTS, "token_vectors")})
    os.replace(tmp, target)


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8)
    os.replace(tmp, target)


def exported_model(model_path: Path, cache_dir: Path, int8: bool) -> Path:
    """The ONNX file for the model (exported and, for int8, quantized on first use; one process at a time)."""
    folder = Path(cache_dir) / f"{model_path.name}-{_cache_key(model_path)}"
    folder.mkdir(parents=True, exist_ok=True)
    fp32, qint8 = folder / "model.onnx", folder / "model_int8.onnx"
    wanted = qint8 if int8 else fp32
    if wanted.exists():
        return wanted
    with open(folder / "export.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not fp32.exists():
            _export(model_path, fp32)
        if int8 and not qint8.exists():
            _quantize(fp32, qint8)
    return wanted


class WordPieces:
    """The model's own tokenizer.json, run by the tokenizers library (transformers would import torch: ~300 MB)."""

    def __init__(self, tokenizer_file: Path, max_length: int):
        from tokenizers import Tokenizer

        # Two instances configured once: changing truncation per call is not thread-safe in tokenizers.
        self._plain = Tokenizer.from_file(str(tokenizer_file))
        self._plain.no_truncation()
        self._plain.no_padding()
        self._padded = Tokenizer.from_file(str(tokenizer_file))
        self._padded.enable_truncation(max_length=max_length)
        pad = self._padded.padding or {}
        self._padded.enable_padding(pad_id=pad.get("pad_id", 0), pad_type_id=pad.get("pad_type_id", 0),
                                    pad_token=pad.get("pad_token", "[PAD]"))

    def offsets(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the word pieces of a text (no special tokens)."""
        return [(int(a), int(b)) for a, b in self._plain.encode(text, add_special_tokens=False).offsets]

    def batch(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Padded, truncated model inputs for a batch of texts."""
        encoded = self._padded.encode_batch(texts)
        return {"input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64)}


class OnnxSentenceEncoder:
    """Mean-pooled, L2-normalized sentence vectors from an ONNX token-vector model (as MiniLM's pipeline does)."""

    def __init__(self, onnx_file: Path, tokenizer: WordPieces, max_length: int, threads: int = 1):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = max(1, threads), 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self.tokenizer, self.max_length = tokenizer, max_length
        self.max_seq_length = max_length
        self._width = int(self._session.get_outputs()[0].shape[-1]) if \
            isinstance(self._session.get_outputs()[0].shape[-1], int) else 0

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the word-piece tokens the model would see."""
        return self.tokenizer.offsets(text)

    def get_embedding_dimension(self) -> int:
        """Vector width."""
        return self._width or int(self._batch(["width"]).shape[1])

    def encode(self, texts: list[str], batch_size: int = 32, **_ignored) -> np.ndarray:
        """Vectors in input order; each batch holds texts of similar length (less padding)."""
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), 0), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            index = order[start:start + batch_size]
            vectors = self._batch([texts[i] for i in index])
            if out.shape[1] == 0:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[index] = vectors
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.batch(texts)
        feed = {k: encoded[k] for k in INPUTS}
        tokens = self._session.run(None, feed)[0]
        mask = feed["attention_mask"][..., None].astype(np.float32)
        pooled = (tokens * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        return (pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)).astype(np.float32)
