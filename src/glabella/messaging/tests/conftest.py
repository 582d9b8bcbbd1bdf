"""The message tests' SMS provider, which fails on demand."""

from __future__ import annotations

import pytest


class Down:
    """An SMS provider that is down (or refuses) a number of times, then accepts."""

    def __init__(self, failures: int, *, permanent: bool = False) -> None:
        self.failures, self.permanent, self.sent = failures, permanent, []

    def send(self, *, to: str, body: str) -> str:
        from ..providers import ProviderError

        if self.failures:
            self.failures -= 1
            raise ProviderError("provider down", permanent=self.permanent)
        self.sent.append((to, body))
        return f"SM{len(self.sent)}"


@pytest.fixture
def provider(monkeypatch):  # type: ignore[no-untyped-def]
    """The SMS provider the sends use; tests set its failures."""
    fake = Down(0)
    monkeypatch.setattr("glabella.messaging.sending.sms_provider_for", lambda clinic: fake)
    return fake
