"""Sliding session expiry without a session write on every request.

Staff sessions end after ``SESSION_COOKIE_AGE`` (30 minutes) without activity. Django's
``SESSION_SAVE_EVERY_REQUEST`` slides that window by saving the session — a database write,
and a new cookie — on every page. This middleware slides it at most once per
``SESSION_REFRESH_SECONDS`` instead: a session not otherwise changed is saved only when its
last save is older than that, so the idle limit holds to within that many seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

TOUCHED_KEY = "_glabella_touched"


class SessionRefreshMiddleware:
    """Right after ``SessionMiddleware`` (so its response side runs before the save)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        # No cookie and nothing stored (a visitor, or just signed out): nothing to keep alive.
        if session.is_empty():
            return response
        now = int(time.time())
        if (
            session.modified
            or now - session.get(TOUCHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS
        ):
            session[TOUCHED_KEY] = now
        return response
