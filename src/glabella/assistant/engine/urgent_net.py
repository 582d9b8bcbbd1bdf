"""The learned net of urgent triage: a logistic regression over sentence embeddings.

The lexicon (``triage.py``) catches the words it was written for; this net catches the same
symptoms told in other words ("can't lift the kettle", "two of everything on the TV"), and
in other languages through the multilingual encoder. A message is scored as a whole and
sentence by sentence, and its score is the highest of those, so a symptom in the middle of a
long story about something else still counts.

Features: the sentence embedding (what the text is about) beside hashed word unigrams and
bigrams (the small words an embedding blurs: "no trouble", "fine now", "years ago", "what
if"). Mean-pooled embeddings of "I can't swallow" and "no trouble swallowing" are close;
the word features let the net learn the difference from the hard negatives.

Training data: ``data/triage_bank/*.jsonl`` — urgent descriptions and hard negatives
(denied, long-standing, resolved, hypothetical, idioms, expected minor effects), written in
batches by different authors — plus ordinary questions (the knowledge base's phrasings and
the out-of-scope examples) as easy negatives. The threshold is set for recall first, by
leaving one author's batch out at a time: a net judged on a voice it never saw.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .text import fold

BANK_DIR = Path(__file__).parents[1] / "data" / "triage_bank"
# Batches written after the nets were trained and never trained on: our own check of the
# nets on new voices (the bench reports them beside the held-out sets).
VALIDATION_DIR = BANK_DIR.with_name("triage_validation")
# Sentence ends, as triage reads them; a segment shorter than this many characters is joined
# to its neighbour ("ok.", "hi!") so that it does not get a vote of its own.
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f;\n])\s*")
MIN_SEGMENT = 12
MAX_SEGMENTS = 8
LONG_MESSAGE = 200
GRAM_DIMENSIONS = 2048
_WORDS = re.compile(r"\w+(?:'\w+)?")


@dataclass(frozen=True)
class BankText:
    text: str
    urgent: bool
    batch: str

    @property
    def language(self) -> str:
        return self.batch.split("_", 1)[0]


def read_bank(folder: Path = BANK_DIR) -> list[BankText]:
    texts = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                texts.append(BankText(row["text"], bool(row["urgent"]), row["batch"]))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path.name}:{number}: expected text, urgent, batch") from exc
    return texts


def bank_digest(texts: Sequence[BankText], extra: Sequence[str] = ()) -> str:
    """A digest of the training texts, so shipped weights can be checked against the data."""
    digest = hashlib.sha256()
    for item in texts:
        digest.update(f"{item.batch}\t{int(item.urgent)}\t{item.text}\n".encode())
    for text in extra:
        digest.update(f"-\t0\t{text}\n".encode())
    return digest.hexdigest()


def segments(text: str) -> list[str]:
    """The message's sentences (short ones joined to the next), at most ``MAX_SEGMENTS``."""
    pieces = [p.strip() for p in _SENTENCE_END.split(text) if p.strip()]
    joined: list[str] = []
    carry = ""
    for piece in pieces:
        carry = f"{carry} {piece}".strip()
        if len(carry) >= MIN_SEGMENT:
            joined.append(carry)
            carry = ""
    if carry:
        if joined:
            joined[-1] = f"{joined[-1]} {carry}"
        else:
            joined.append(carry)
    if len(joined) > MAX_SEGMENTS:  # keep the start and the end, where symptoms are told
        half = MAX_SEGMENTS // 2
        joined = joined[:half] + joined[-half:]
    return joined


@dataclass(frozen=True)
class MessageParts:
    """A message as triage and retrieval read it.

    ``scored``: the message, then its sentences when it has several. ``embedded``: what the
    encoder reads. A long message (over ``LONG_MESSAGE`` characters) is read by its
    sentences only and its own vector is their mean: one pass over the text instead of
    two, where two would cost most (the encoder reads at most 128 tokens of a message).
    """

    scored: tuple[str, ...]
    embedded: tuple[str, ...]

    def vectors(self, embedded: np.ndarray) -> np.ndarray:
        """One vector per scored text, from the vectors of the embedded ones."""
        if len(self.embedded) == len(self.scored):
            return embedded
        mean = embedded.mean(axis=0)
        mean /= max(float(np.linalg.norm(mean)), 1e-12)
        return np.vstack([mean[None, :], embedded]).astype(np.float32)


def split_message(text: str) -> MessageParts:
    parts = segments(text)
    if len(parts) < 2:
        return MessageParts((text,), (text,))
    scored = (text, *parts)
    return MessageParts(scored, tuple(parts) if len(text) > LONG_MESSAGE else scored)


def word_grams(text: str) -> np.ndarray:
    """Hashed word unigrams and bigrams, unit length (the same in every language)."""
    words = _WORDS.findall(fold(text))
    vector = np.zeros(GRAM_DIMENSIONS, dtype=np.float32)
    for gram in [*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))]:
        vector[zlib.crc32(gram.encode()) % GRAM_DIMENSIONS] = 1.0
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def features(parts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
    """One row per text: its embedding beside its word grams."""
    grams = np.vstack([word_grams(part) for part in parts])
    return np.hstack([vectors, grams]).astype(np.float32)


@dataclass(frozen=True)
class UrgentNet:
    """``threshold`` holds where a false alarm costs an answer (English, Spanish);
    ``handoff_threshold``, set for recall alone, where every message goes to staff anyway
    and a false alarm only changes which fixed text leads the reply."""

    weights: np.ndarray  # (embedding + grams + 1,), the last one the bias
    threshold: float
    handoff_threshold: float = 0.5

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return _sigmoid(rows @ self.weights[:-1] + self.weights[-1])

    def score(self, parts: Sequence[str], vectors: np.ndarray) -> float:
        """The highest probability over the message and its sentences."""
        if not len(vectors):
            return 0.0
        return float(self.probabilities(features(parts, vectors)).max())


def train(
    rows: np.ndarray, labels: np.ndarray, *, strength: float, iterations: int = 300
) -> np.ndarray:
    """L2-regularised logistic regression (Adam), the two classes weighted equally."""
    design = np.hstack([rows, np.ones((len(rows), 1), dtype=np.float32)])
    targets = labels.astype(np.float32)
    positives = max(float(targets.sum()), 1.0)
    negatives = max(len(targets) - float(targets.sum()), 1.0)
    sample_weight = np.where(targets > 0, 0.5 / positives, 0.5 / negatives).astype(np.float32)
    shrink = np.full(design.shape[1], strength, dtype=np.float32)
    shrink[-1] = 0.0  # the bias is not shrunk
    weights = np.zeros(design.shape[1], dtype=np.float32)
    first = np.zeros_like(weights)
    second = np.zeros_like(weights)
    for step in range(1, iterations + 1):
        error = _sigmoid(design @ weights) - targets
        gradient = design.T @ (sample_weight * error) + shrink * weights
        first = 0.9 * first + 0.1 * gradient
        second = 0.999 * second + 0.001 * gradient * gradient
        corrected = first / (1 - 0.9**step)
        weights -= 0.05 * corrected / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
    return weights.astype(np.float32)


Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Example:
    """A training or evaluation text with the rows the net scores: whole, then sentences."""

    text: str
    urgent: bool
    batch: str
    rows: np.ndarray


def examples(items: Sequence[tuple[str, bool, str]], embed: Embed) -> list[Example]:
    """Embeds every text's sentences in one pass, as the assistant does a message."""
    messages = [split_message(text) for text, _, _ in items]
    vectors = embed([piece for message in messages for piece in message.embedded])
    built, start = [], 0
    for (text, urgent, batch), message in zip(items, messages, strict=True):
        own = message.vectors(vectors[start : start + len(message.embedded)])
        built.append(Example(text, urgent, batch, features(message.scored, own)))
        start += len(message.embedded)
    return built


def fit(training: Sequence[Example], *, strength: float) -> np.ndarray:
    """Weights from whole texts (the first row of each example)."""
    rows = np.vstack([example.rows[0] for example in training])
    labels = np.array([example.urgent for example in training])
    return train(rows, labels, strength=strength)


def out_of_batch_scores(
    labelled: Sequence[Example], always: Sequence[Example], *, strength: float
) -> np.ndarray:
    """Each bank text scored by a net trained without its author's batch."""
    scores = np.zeros(len(labelled))
    batches = sorted({example.batch for example in labelled})
    for batch in batches:
        held = [i for i, example in enumerate(labelled) if example.batch == batch]
        rest = [example for example in labelled if example.batch != batch]
        weights = fit([*rest, *always], strength=strength)
        net = UrgentNet(weights, threshold=0.5)
        for index in held:
            scores[index] = float(net.probabilities(labelled[index].rows).max())
    return scores


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(values, -40, 40))))


def save_nets(path: Path, nets: dict[str, UrgentNet], digests: dict[str, str]) -> None:
    arrays: dict[str, np.ndarray] = {}
    for name, net in nets.items():
        arrays[f"{name}.weights"] = net.weights
        arrays[f"{name}.threshold"] = np.array(net.threshold, dtype=np.float32)
        arrays[f"{name}.handoff_threshold"] = np.array(net.handoff_threshold, dtype=np.float32)
        arrays[f"{name}.digest"] = np.array(digests[name])
    np.savez_compressed(path, **arrays)


def load_nets(path: Path) -> dict[str, UrgentNet]:
    """The shipped nets by encoder name; none when the file is missing."""
    if not path.exists():
        return {}
    with np.load(path) as data:
        names = sorted({key.split(".", 1)[0] for key in data.files})
        return {
            name: UrgentNet(
                data[f"{name}.weights"],
                float(data[f"{name}.threshold"]),
                float(data[f"{name}.handoff_threshold"]),
            )
            for name in names
        }


def saved_digests(path: Path) -> dict[str, str]:
    with np.load(path) as data:
        return {
            key.split(".", 1)[0]: str(data[key]) for key in data.files if key.endswith("digest")
        }
