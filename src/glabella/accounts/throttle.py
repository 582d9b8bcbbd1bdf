"""Sign-in throttling that cannot be turned against staff.

Failures are counted in Django's cache (Redis in production, so every process sees the same
counts) under several scopes at once. A scope allows some failures free, then asks for a
wait that doubles with each further failure, from ``SIGN_IN_FIRST_DELAY_SECONDS`` up to
``SIGN_IN_MAX_DELAY_SECONDS``; counts are forgotten ``SIGN_IN_FAILURE_WINDOW_SECONDS`` after
the last failure. Nothing locks a username out everywhere:

- on a browser that has signed in as this username before (devices.py): that device and
  username only, so staff on their own computers are never held up by anyone else;
- elsewhere: the (username, address) pair, the address (generous: a clinic's staff share
  one), and the username across all addresses (very generous: slows a spread-out guessing
  attack without stopping the owner on a known device).

The address is ``REMOTE_ADDR``, which ``TrustedProxyMiddleware`` sets from X-Forwarded-For
only for requests from ``GLABELLA_TRUSTED_PROXIES``. A refused attempt is audited
(``refused``) and never checks the password.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest

from glabella.audit.models import Action
from glabella.audit.services import LABEL_LENGTH, record

from .devices import known_device, username_key

PREFIX = "sign-in"


@dataclass(frozen=True)
class Scope:
    name: str  # "device", "username+address", "address", "username"
    key: str
    free: int  # failures before the first wait

    def wait(self, now: float) -> int:
        until = cache.get(f"{self.key}:until")
        return max(0, int(until - now + 0.999)) if until else 0

    def failed(self, now: float) -> None:
        window = settings.SIGN_IN_FAILURE_WINDOW_SECONDS
        count_key = f"{self.key}:count"
        cache.add(count_key, 0, timeout=window)
        try:
            count = cache.incr(count_key)
        except ValueError:  # expired between add and incr
            count = 1
            cache.set(count_key, count, timeout=window)
        cache.touch(count_key, window)
        extra = count - self.free
        if extra > 0:
            delay = delay_after(extra)
            cache.set(f"{self.key}:until", now + delay, timeout=delay)

    def forget(self) -> None:
        cache.delete_many([f"{self.key}:count", f"{self.key}:until"])


def delay_after(extra_failures: int) -> int:
    """Seconds to wait after ``extra_failures`` failures beyond the free ones (1, 2, …)."""
    first, longest = settings.SIGN_IN_FIRST_DELAY_SECONDS, settings.SIGN_IN_MAX_DELAY_SECONDS
    return int(min(longest, first * 2 ** min(extra_failures - 1, 30)))


class SignInThrottle:
    def __init__(self, request: HttpRequest | None, username: str) -> None:
        self.request = request
        self.username = username.strip()[:LABEL_LENGTH]
        address = (request.META.get("REMOTE_ADDR") or "unknown") if request else "unknown"
        user = username_key(self.username)
        device = known_device(request, self.username)
        per_user = settings.SIGN_IN_FAILURE_LIMIT
        if device is not None:
            self.scopes = [Scope("device", f"{PREFIX}:device:{device}:{user}", per_user)]
        else:
            self.scopes = [
                Scope("username+address", f"{PREFIX}:user-address:{user}:{address}", per_user),
                Scope("address", f"{PREFIX}:address:{address}", settings.SIGN_IN_ADDRESS_LIMIT),
                Scope("username", f"{PREFIX}:user:{user}", settings.SIGN_IN_USERNAME_LIMIT),
            ]

    def wait(self) -> tuple[int, Scope | None]:
        """Seconds still to wait, and the scope that asks for it (0, None: go ahead)."""
        now = time.time()
        waits = [(scope.wait(now), scope) for scope in self.scopes]
        seconds, scope = max(waits, key=lambda pair: pair[0])
        return (seconds, scope) if seconds else (0, None)

    def refused(self, seconds: int, scope: Scope, *, step: str = "password") -> None:
        """Audit an attempt refused for the wait (the password was not checked)."""
        with transaction.atomic():
            record(
                action=Action.SIGN_IN_FAILED,
                clinic=None,
                request=self.request,
                detail={
                    "username": self.username,
                    "step": step,
                    "throttled": scope.name,
                    "retry_after": seconds,
                },
            )

    def failed(self) -> None:
        now = time.time()
        for scope in self.scopes:
            scope.failed(now)

    def succeeded(self) -> None:
        """The person got in: forget their own failures (not the address's or username's)."""
        for scope in self.scopes:
            if scope.name in ("device", "username+address"):
                scope.forget()


def describe_wait(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
