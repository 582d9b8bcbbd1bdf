"""Messages that ask the assistant to step outside its role.

"Ignore your rules", "pretend you are my doctor", a home self-injection plan, other patients'
details: these are never answered with a topic, however close one looks (a prompt injection
about units resembles the units question). The patterns live in ``data/role_guard.toml``;
the out-of-scope bank teaches the retrieval classifier the same thing in softer words.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from .text import fold

GUARD_PATH = Path(__file__).parents[1] / "data" / "role_guard.toml"


@cache
def _pattern(path: Path = GUARD_PATH) -> re.Pattern[str]:
    with path.open("rb") as handle:
        patterns = tomllib.load(handle)["patterns"]
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def steps_outside_role(message: str) -> bool:
    return _pattern().search(fold(message)) is not None
