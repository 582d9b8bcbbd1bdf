"""The assistant over the shipped starter content, built once per test process and shared by
every module that asks it questions (its vectors come from the file under ``var/``, which
parallel workers share)."""

import pytest

from glabella.assistant import engine_cache
from glabella.assistant.engine.assistant import Assistant


@pytest.fixture(scope="session")
def starter_assistant() -> Assistant:
    return engine_cache.starter_assistant()
