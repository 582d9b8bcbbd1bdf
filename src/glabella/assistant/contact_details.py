"""What a patient leaves to be called back: a name, a phone number, an email address.

Pure checks and normalisation (no database): the chat form and the JSON API both go
through ``ContactDetails.clean``; patient matching compares ``name_key`` and ``phone_key``.
Messages are translated into the language active while cleaning (the chat page's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from glabella.core.text import fold

NAME_LENGTH = 200
PHONE_LENGTH = 40
EMAIL_LENGTH = 254
# E.164 allows 15 digits; fewer than 7 cannot be a number someone can be called back on.
PHONE_DIGITS = (7, 15)
PHONE_CHARACTERS = re.compile(r"\+?[\d\s().\-/]+")
# A local number and the same number with a country code or trunk zero still match when the
# shorter has at least this many digits (the name must match too).
PHONE_SUFFIX_MATCH = 7


@dataclass(frozen=True)
class ContactDetails:
    name: str = ""
    phone: str = ""
    email: str = ""

    def clean(self) -> ContactDetails:
        """The details tidied, or a ValidationError naming each field that is wrong."""
        errors: dict[str, list[str]] = {}
        name = " ".join(self.name.split())
        phone = " ".join(self.phone.split())
        email = self.email.strip()
        for field, value in (("name", name), ("phone", phone), ("email", email)):
            if "\x00" in value:
                errors.setdefault(field, []).append(_("Null characters are not allowed."))
        if len(name) > NAME_LENGTH:
            errors.setdefault("name", []).append(
                _("Please keep the name under %(count)d characters.") % {"count": NAME_LENGTH}
            )
        if phone and "phone" not in errors:
            phone = _clean_phone(phone, errors)
        if email and "email" not in errors:
            email = _clean_email(email, errors)
        if not phone and not email and not ({"phone", "email"} & errors.keys()):
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Give a phone number or an email address so the clinic can reach you.")
            )
        if errors:
            raise ValidationError(errors)
        return ContactDetails(name=name, phone=phone, email=email)

    @property
    def fields_given(self) -> list[str]:
        return [field for field in ("name", "phone", "email") if getattr(self, field)]


def _clean_phone(phone: str, errors: dict[str, list[str]]) -> str:
    digits = re.sub(r"\D", "", phone)
    low, high = PHONE_DIGITS
    if (
        not PHONE_CHARACTERS.fullmatch(phone)
        or not low <= len(digits) <= high
        or len(phone) > PHONE_LENGTH
    ):
        errors.setdefault("phone", []).append(
            _("Enter a phone number of %(low)d to %(high)d digits, for example +1 555 010 1234.")
            % {"low": low, "high": high}
        )
        return phone
    return ("+" if phone.startswith("+") else "") + " ".join(
        re.sub(r"[^\d().\-/]", " ", phone.removeprefix("+")).split()
    )


def _clean_email(email: str, errors: dict[str, list[str]]) -> str:
    try:
        if len(email) > EMAIL_LENGTH:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        errors.setdefault("email", []).append(_("Enter an email address such as name@example.com."))
        return email
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def name_key(name: str) -> str:
    """A name compared without accents, case or punctuation: "José  O'Néil" → "jose o neil"."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(name)).split())


def phone_key(phone: str) -> str:
    """A phone number's digits without leading zeros (a trunk prefix)."""
    return re.sub(r"\D", "", phone).lstrip("0")


def same_phone(one: str, other: str) -> bool:
    """Equal digits, or one is the other with a country code in front."""
    a, b = phone_key(one), phone_key(other)
    if not a or not b:
        return False
    shorter, longer = sorted((a, b), key=len)
    return a == b or (len(shorter) >= PHONE_SUFFIX_MATCH and longer.endswith(shorter))
