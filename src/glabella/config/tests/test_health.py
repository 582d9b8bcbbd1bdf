import pytest
from django.core.cache import caches
from django.db import connection

from glabella.config import health
from glabella.core.request_id import HEADER

pytestmark = pytest.mark.django_db


def test_healthz_answers_while_the_process_serves(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_cache_queue_and_models(client):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "cache", "queue", "models", "audit"}
    assert body["checks"]["database"]["detail"] == connection.vendor
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_is_503_and_names_the_failing_check(client, monkeypatch):
    def broken_cache() -> str:
        raise ConnectionError("cache server refused the connection")

    monkeypatch.setitem(health.CHECKS, "cache", broken_cache)
    response = client.get("/readyz")
    assert response.status_code == 503
    failing = response.json()["checks"]["cache"]
    assert failing["ok"] is False
    assert "refused" in failing["detail"]


def test_readyz_notices_a_cache_that_loses_what_it_is_given(client, monkeypatch):
    monkeypatch.setattr(caches["default"], "get", lambda key, default=None: None)
    assert client.get("/readyz").status_code == 503


def test_health_endpoints_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz")[HEADER]
    second = client.get("/healthz")[HEADER]
    assert len(first) == 32 and first != second


def test_a_sane_request_id_from_the_proxy_is_kept_and_a_bad_one_replaced(client):
    kept = client.get("/healthz", headers={HEADER: "proxy-id-12345678"})
    assert kept[HEADER] == "proxy-id-12345678"
    replaced = client.get("/healthz", headers={HEADER: "<script>alert(1)</script>"})
    assert replaced[HEADER] != "<script>alert(1)</script>"


def test_readyz_fails_in_production_while_the_trail_is_erasable(client, settings):
    if connection.vendor != "postgresql":
        pytest.skip("roles exist on PostgreSQL only")
    settings.PRODUCTION = True  # the test connects as the owner, who could erase the trail
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "audit_role" in response.json()["checks"]["audit"]["detail"]
