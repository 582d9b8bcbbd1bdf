"""Sentence embeddings with all-MiniLM-L6-v2 (int8 ONNX) on the CPU, offline."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

from . import model_files

MAX_TOKENS = 128
BATCH = 32
# A message and its sentences differ a lot in length; padded into one batch, each sentence
# costs as much as the whole message. A few texts are embedded one at a time instead.
FEW = 8
# Threads for one embedding. One is faster on our 2-core machine: over 947 English messages
# answered one at a time, one thread gave p50 27 ms and p99 72-76 ms, two gave p50 27-29 ms
# and p99 107-112 ms (a single short sentence alone is faster on two, 12 ms against 19).
# A machine with spare cores may try more.
THREADS_VARIABLE = "GLABELLA_ENCODER_THREADS"
DEFAULT_THREADS = 1


def encoder_threads() -> int:
    value = os.environ.get(THREADS_VARIABLE, "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_THREADS


class Embedder:
    """Turns texts into unit-length 384-dimensional vectors."""

    def __init__(self, model: Path | None = None, tokenizer: Path | None = None) -> None:
        model = model_files.verified(model or model_files.model_path(), model_files.MODEL_SHA256)
        tokenizer = model_files.verified(
            tokenizer or model_files.tokenizer_path(), model_files.TOKENIZER_SHA256
        )
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = encoder_threads()
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self._session.get_inputs()}

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embeds in batches of similar length, so short texts are not padded to long ones."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if len(texts) <= FEW:
            return np.vstack([self._embed_batch([text]) for text in texts])
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            vectors[chosen] = self._embed_batch([texts[i] for i in chosen])
        return vectors

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        return _normalise(_mean_pool(hidden, mask))

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[..., None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    return summed / np.clip(weights.sum(axis=1), 1e-9, None)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)
