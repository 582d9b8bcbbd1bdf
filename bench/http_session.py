"""A signed-in, two-factor-verified staff session for the HTTP benchmark, made the way a test
makes one (the session store plus django-otp's device key), and the pages to load.

Imported only after ``django.setup()`` against the benchmark's database (``bench/http.py``).
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from glabella.treatments.models import TreatmentRecord, TreatmentStatus


def signed_in_cookie(username: str) -> str:
    """The Cookie header of a new session for ``username``, verified with a confirmed
    authenticator device (made for the benchmark: the demo's accounts have none)."""
    user = get_user_model().objects.get(username=username)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def staff_pages(clinic_slug: str) -> dict[str, str]:
    """The latest signed treatment record of the clinic, and its patient's page."""
    record = (
        TreatmentRecord.objects.filter(clinic__slug=clinic_slug, status=TreatmentStatus.SIGNED)
        .select_related("patient")
        .order_by("-signed_at")
        .first()
    )
    if record is None:
        raise SystemExit(f"the demo clinic {clinic_slug!r} has no signed treatment record")
    return {
        "patient": f"/staff/patients/{record.patient.public_id}/",
        "record": f"/staff/treatments/{record.public_id}/",
    }
