"""The OpenAPI document lists every endpoint; the docs page is served without any CDN."""

import re

from django.contrib.staticfiles import finders
from django.test import Client

from tests.api.conftest import BASE

ACTIONS = [
    "receive",
    "request-supplement",
    "complete-supplement",
    "refuse",
    "assign",
    "hand-over",
    "consult",
    "transfer",
    "answer",
    "propose",
    "approve",
    "reject",
    "send-back",
    "result-ready",
    "apologize",
    "return",
    "withdraw",
    "stop",
]
READS = [
    "/procedures",
    "/procedures/{code}",
    "/dossiers",
    "/dossiers/{code}",
    "/dossiers/{code}/events",
    "/dossiers/{code}/slips",
    "/dossiers/{code}/slips/{slip_id}",
    "/me",
    "/auth/csrf",
]


def test_the_openapi_document_lists_every_path(db):
    response = Client().get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "motcua"
    assert schema["info"]["version"] == "1"
    paths = schema["paths"]
    expected = {BASE + p for p in READS} | {f"{BASE}/dossiers/{{code}}/{a}" for a in ACTIONS}
    assert set(paths) == expected
    for action in ACTIONS:
        assert set(paths[f"{BASE}/dossiers/{{code}}/{action}"]) == {"post"}
    assert set(paths[f"{BASE}/dossiers"]) == {"get", "post"}
    propose = paths[f"{BASE}/dossiers/{{code}}/propose"]["post"]
    assert "multipart/form-data" in propose["requestBody"]["content"]
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_the_event_schema_uses_from_and_to(db):
    schema = Client().get(f"{BASE}/openapi.json").json()
    event = schema["components"]["schemas"]["EventOut"]
    assert {"from", "to"} <= set(event["properties"])


def test_the_docs_page_loads_nothing_from_another_site(db):
    response = Client().get(f"{BASE}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert assets, "the page should load Swagger UI's script and stylesheet"
    for url in assets:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not shipped"
    assert "http://" not in html and "https://" not in html
    assert '"validatorUrl": null' in html
