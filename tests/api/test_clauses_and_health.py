"""Clauses (zh, en, parent, children), /healthz, the data version everywhere, the docs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from churujing.api.routes._common import lang_from
from churujing.law import clause
from churujing.measures import MEASURES
from churujing.policy import load_policy


def test_a_clause_in_both_languages_with_parent_and_children(client: TestClient) -> None:
    body = client.get("/v1/clauses/A1").json()
    assert body["zh"] == clause("A1").text.zh and body["en"] == clause("A1").text.en
    assert body["parent"] is None
    assert body["children"][:3] == ["A1.1", "A1.2", "A1.3"]
    child = client.get("/v1/clauses/A1.1.1").json()
    assert child["parent"] == "A1.1" and child["children"] == []
    assert body["data_version"] == load_policy().version


def test_clauses_list_and_unknown_clause(client: TestClient) -> None:
    ids = [c["id"] for c in client.get("/v1/clauses").json()["clauses"]]
    assert ids[0] == "P" and "M10" in ids and "A2.65" in ids
    r = client.get("/v1/clauses/Z9")
    assert r.status_code == 404 and "Z9" in r.json()["detail"]


def test_healthz(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["data_version"] == load_policy().version
    assert body["measures"] == list(MEASURES)


@pytest.mark.parametrize("url", ["/healthz", "/v1/measures", "/v1/clauses/M06", "/v1/ports",
                                 "/v1/clauses/nope", "/v1/ports?kind=x", "/", "/ports",
                                 "/openapi.json", "/static/site.css", "/nowhere"])
def test_every_response_carries_the_data_version(client: TestClient, url: str) -> None:
    assert client.get(url).headers["x-churujing-data-version"] == load_policy().version


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/v1/measures/{measure}/check", "/v1/measures/{measure}/check-many",
                 "/v1/measures", "/v1/clauses/{clause_id}", "/v1/ports", "/v1/nationalities",
                 "/v1/stay-areas", "/v1/cities", "/v1/airports", "/v1/airports/{iata}",
                 "/v1/changes", "/healthz"):
        assert path in spec["paths"], path
    assert "/" not in spec["paths"]  # the pages are not part of the API
    assert "413" in spec["paths"]["/v1/measures/{measure}/check-many"]["post"]["responses"]
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize(("query", "cookie", "accept", "want"), [
    ("en", "zh", "zh", "en"),
    (None, "en", "zh-CN", "en"),
    (None, None, "en-US,en;q=0.9", "en"),
    (None, None, "fr-FR,en;q=0.8,zh;q=0.9", "zh"),
    (None, None, "fr, de", "zh"),
    (None, None, "en;q=0, zh-TW", "zh"),
    ("xx", None, "en", "en"),
    (None, None, None, "zh"),
])
def test_language_query_then_cookie_then_accept_language(query: str | None, cookie: str | None,
                                                         accept: str | None, want: str) -> None:
    assert lang_from(query, cookie, accept) == want
