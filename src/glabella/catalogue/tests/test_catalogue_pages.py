"""The catalogue home page and the catalogue API."""

import json
from pathlib import Path

import pytest
from django.test import Client

from glabella.config.api import api

pytestmark = pytest.mark.django_db
OPENAPI_FILE = Path(__file__).resolve().parents[4] / "docs" / "openapi.json"


def test_home_page_shows_every_product_with_label_doses_and_sources(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    for brand in ("Botox Cosmetic", "Dysport", "Xeomin", "Jeuveau", "Daxxify", "Letybo"):
        assert brand in page
    assert "5 × 10 U" in page  # Dysport glabellar pattern
    assert 'href="#src-S-BXC-DOSE"' in page
    assert 'id="src-S-BXC-DOSE"' in page
    assert "badge-conflict" in page


def test_products_endpoint_lists_six_products(client: Client) -> None:
    response = client.get("/api/v1/catalogue/products")
    assert response.status_code == 200
    assert {p["id"] for p in response.json()} == {
        "botox",
        "dysport",
        "xeomin",
        "jeuveau",
        "daxxify",
        "letybo",
    }


def test_reconstitution_endpoint_answers_volume_for_a_dose(client: Client) -> None:
    response = client.get("/api/v1/catalogue/products/botox/reconstitution?units=20")
    assert response.status_code == 200
    body = response.json()
    assert body["dilution"]["units_per_0_1_ml"] == 4.0
    assert body["draw"]["volume_ml"] == 0.5


@pytest.mark.parametrize(
    ("url", "status", "detail"),
    [
        ("/api/v1/catalogue/products/nosuch", 404, "unknown product 'nosuch'"),
        (
            "/api/v1/catalogue/products/botox/reconstitution?diluent=0",
            422,
            "diluent volume must be more than 0",
        ),
        ("/api/v1/catalogue/products/botox/reconstitution?units=500", 422, "more than the 100 U"),
    ],
)
def test_domain_errors_are_problem_details(
    client: Client, url: str, status: int, detail: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    body = response.json()
    assert body["status"] == status
    assert detail in body["detail"]


def test_committed_openapi_document_matches_the_api() -> None:
    committed = json.loads(OPENAPI_FILE.read_text())
    assert committed == json.loads(json.dumps(api.get_openapi_schema(), sort_keys=True))
