"""Sign-in throttling: after repeated failures for a username or an address, refuse for a while."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


class SignInThrottle:
    def __init__(self, request: HttpRequest | None, username: str) -> None:
        address = request.META.get("REMOTE_ADDR", "unknown") if request else "unknown"
        self._keys = (f"sign-in:user:{username.strip().casefold()}", f"sign-in:ip:{address}")
        self.limit = settings.SIGN_IN_FAILURE_LIMIT
        self.minutes = settings.SIGN_IN_LOCKOUT_MINUTES

    def blocked(self) -> bool:
        return any(cache.get(key, 0) >= self.limit for key in self._keys)

    def failed(self) -> None:
        for key in self._keys:
            cache.add(key, 0, timeout=self.minutes * 60)
            cache.incr(key)

    def succeeded(self) -> None:
        cache.delete(self._keys[0])
