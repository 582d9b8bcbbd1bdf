"""Phone numbers in E.164 (+14155550123), the form SMS providers and replies use."""

from __future__ import annotations

import phonenumbers
from django.conf import settings


def to_e164(number: str, region: str | None = None) -> str | None:
    """``number`` in E.164, read in ``region`` (the clinic's default) when it has no country
    code; None when it cannot be a phone number (wrong length for its country). Numbers
    that merely look unassigned are kept: the provider refuses those, and says so."""
    if not number or not number.strip():
        return None
    try:
        parsed = phonenumbers.parse(number, region or settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def national_digits(e164: str) -> str:
    """The national significant number of an E.164 number (what a record may hold)."""
    return str(phonenumbers.parse(e164).national_number)
