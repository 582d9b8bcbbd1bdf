"""Test settings: the environment's database (SQLite in memory by default), fast hashing."""

import os

os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # fast; argon2 has its own test
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ASSISTANT_QUESTIONS_PER_MINUTE = 0  # the rate-limit test turns it on for itself
SIGN_IN_FAILURE_LIMIT = SIGN_IN_ADDRESS_LIMIT = SIGN_IN_USERNAME_LIMIT = 1000  # tests set their own
GLABELLA_REQUIRE_TWO_FACTOR = False  # the two-factor tests turn it on
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SMS_BACKEND = "console"
TWILIO_ACCOUNT_SID = TWILIO_AUTH_TOKEN = TWILIO_FROM_NUMBER = ""
SITE_URL = "http://testserver"
MESSAGING_INBOUND_EMAIL_SECRET = "test-inbound-secret"  # noqa: S105 (tests only)
# The replica alias always exists in the tests, as a second connection to the test database
# (a mirror); reports read it only in the tests that set DATABASE_READ_REPLICA = "replica".
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_READ_REPLICA = ""
