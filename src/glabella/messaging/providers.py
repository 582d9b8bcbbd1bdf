"""Text-message providers behind one interface: the console (demo, development) and
Twilio's REST API (a plain form POST to its Messages endpoint with basic auth).

A provider raises ``ProviderError`` when the message was not accepted; ``permanent`` says
whether trying again could help (a bad number will not get better).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.urls import reverse

from glabella.accounts.models import Clinic

from .clinic_settings import settings_for

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 15


class ProviderError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SmsProvider(Protocol):
    def send(self, *, to: str, body: str) -> str:
        """Send ``body`` to ``to`` (E.164); returns the provider's message id."""
        ...


class ConsoleSms:
    """Prints each message (the worker's output in the demo)."""

    def __init__(self, stream: object = None) -> None:
        self.stream = stream

    def send(self, *, to: str, body: str) -> str:
        stream = self.stream or sys.stdout
        print(f"--- text message to {to} ---\n{body}\n---", file=stream)  # noqa: T201
        return "console"


@dataclass(frozen=True)
class TwilioSms:
    account_sid: str
    auth_token: str
    from_number: str
    api_base: str = "https://api.twilio.com"
    status_callback: str = ""  # where Twilio reports delivery (or its failure)

    @property
    def endpoint(self) -> str:
        return f"{self.api_base}/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def send(self, *, to: str, body: str) -> str:
        fields = {"To": to, "From": self.from_number, "Body": body}
        if self.status_callback:
            fields["StatusCallback"] = self.status_callback
        data = urllib.parse.urlencode(fields)
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 (https, or the test's local server)
            self.endpoint,
            data=data.encode(),
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                payload = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise _http_error(error) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise ProviderError(f"Twilio could not be reached: {error}") from error
        except ValueError as error:
            raise ProviderError("Twilio answered with something that is not JSON.") from error
        sid = str(payload.get("sid") or "")
        if not sid:
            raise ProviderError("Twilio accepted the request but returned no message id.")
        return sid


def _http_error(error: urllib.error.HTTPError) -> ProviderError:
    try:
        detail = json.loads(error.read() or b"{}").get("message", "")
    except ValueError:
        detail = ""
    # 4xx other than throttling means the request itself is wrong (number, account): a
    # retry cannot succeed. 429 and 5xx are the provider's trouble: retry later.
    permanent = 400 <= error.code < 500 and error.code != 429
    return ProviderError(
        f"Twilio refused the message ({error.code}) {detail}".strip(), permanent=permanent
    )


def sms_provider_for(clinic: Clinic) -> SmsProvider:
    """The clinic's Twilio account when it has connected one, else the site's Twilio
    account (SMS_BACKEND=twilio), else the console."""
    own = settings_for(clinic)
    callback = settings.SITE_URL + reverse("messaging:sms-status", args=[clinic.slug])
    if own.twilio_account_sid and own.twilio_auth_token and own.twilio_from_number:
        account = (own.twilio_account_sid, own.twilio_auth_token, own.twilio_from_number)
    elif settings.SMS_BACKEND == "twilio":
        account = (
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            settings.TWILIO_FROM_NUMBER,
        )
    else:
        return ConsoleSms()
    return TwilioSms(*account, api_base=settings.TWILIO_API_BASE, status_callback=callback)


def twilio_auth_token_for(clinic: Clinic) -> str:
    """The token that signs the clinic's incoming-message webhooks."""
    return settings_for(clinic).twilio_auth_token or settings.TWILIO_AUTH_TOKEN


def twilio_signature(url: str, params: dict[str, str], auth_token: str) -> str:
    """Twilio's X-Twilio-Signature: HMAC-SHA1 of the URL followed by each form field's name
    and value in name order, base64-encoded."""
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def valid_twilio_signature(
    url: str, params: dict[str, str], auth_token: str, signature: str
) -> bool:
    if not auth_token or not signature:
        return False
    return hmac.compare_digest(twilio_signature(url, params, auth_token), signature)
