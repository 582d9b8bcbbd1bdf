"""A per-address limit on questions to the public assistant (the chat and the API)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 60


class TooManyQuestions(Exception):
    """The address asked more than the limit in the current minute."""


def _now() -> float:
    return time.time()


def check_question_rate(request: HttpRequest) -> None:
    limit = settings.ASSISTANT_QUESTIONS_PER_MINUTE
    if limit <= 0:
        return
    window = int(_now() // WINDOW_SECONDS)
    key = f"assistant-rate:{request.META.get('REMOTE_ADDR', 'unknown')}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    if cache.incr(key) > limit:
        raise TooManyQuestions(
            "Too many questions in a short time; please wait a minute before asking again."
        )
