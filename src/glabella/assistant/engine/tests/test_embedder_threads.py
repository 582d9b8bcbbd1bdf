import pytest

from glabella.assistant.engine.embedder import DEFAULT_THREADS, THREADS_VARIABLE, encoder_threads


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", 1), ("4", 4), ("", DEFAULT_THREADS), ("0", DEFAULT_THREADS), ("two", DEFAULT_THREADS)],
)
def test_encoder_threads_come_from_the_environment_or_default(monkeypatch, value, expected):
    monkeypatch.setenv(THREADS_VARIABLE, value)
    assert encoder_threads() == expected


def test_encoder_threads_default_when_unset(monkeypatch):
    monkeypatch.delenv(THREADS_VARIABLE, raising=False)
    assert encoder_threads() == DEFAULT_THREADS
