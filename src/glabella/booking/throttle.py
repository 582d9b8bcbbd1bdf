"""A per-address limit on booking submits (the public page writes patient records): past
``BOOKING_SUBMITS_PER_HOUR`` in the current hour, an address is asked to call instead."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 3600


class TooManySubmits(Exception):
    """The address sent more booking forms than the limit this hour."""


def check_submit_rate(request: HttpRequest) -> None:
    limit = settings.BOOKING_SUBMITS_PER_HOUR
    if limit <= 0:
        return
    window = int(time.time() // WINDOW_SECONDS)
    key = f"booking-rate:{request.META.get('REMOTE_ADDR', 'unknown')}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    if cache.incr(key) > limit:
        raise TooManySubmits("Too many bookings from here in a short time.")
