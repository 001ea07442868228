"""The request path under hostile input, the compact answer, the headers every response
carries (issue 12). Bounded: every body here is built in memory and sent in-process."""

from __future__ import annotations

import json
import time

from fastapi.testclient import TestClient

from churujing.api import Settings, create_app
from churujing.api.routes.measures import CHECK_BODY_LIMIT
from churujing.measures import MEASURES

ROUTE_240H = "visa-free-transit-240h"
CHECK = f"/v1/measures/{ROUTE_240H}/check"


def test_the_compact_answer_gives_the_stay_areas_by_reference_to_their_route(
    client: TestClient, trip: dict[str, object],
) -> None:
    compact = client.post(CHECK, json=trip)
    full = client.post(CHECK + "?detail=full", json=trip)
    assert compact.status_code == full.status_code == 200
    areas = compact.json()["details"]["allowed_areas"]
    inline = full.json()["details"]["allowed_areas"]
    assert areas["ref"] == "/v1/stay-areas?as_of=2025-11-10"
    assert areas["count"] == len(inline)
    assert areas["provinces"] == [a["province"] for a in inline]
    listed = client.get(areas["ref"]).json()["items"]
    assert sorted(a["province"] for a in listed) == sorted(areas["provinces"])
    assert len(compact.content) < len(full.content) / 2
    others = {k: v for k, v in compact.json()["details"].items() if k != "allowed_areas"}
    expected = MEASURES[ROUTE_240H].check(trip).to_dict()["details"]
    assert others == {k: v for k, v in expected.items() if k != "allowed_areas"}


def test_an_unknown_detail_level_is_422(client: TestClient, trip: dict[str, object]) -> None:
    r = client.post(CHECK + "?detail=everything", json=trip)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "detail"]


def test_a_10_mb_body_is_413_in_under_a_second_without_being_read(client: TestClient) -> None:
    body = b"[" + b"1," * (5 * 1024 * 1024) + b"1]"
    start = time.perf_counter()
    for url in (CHECK, f"/v1/measures/{ROUTE_240H}/check-many", "/v1/arrival-cards",
                "/v1/arrival-cards/groups", "/v1/officers/token"):
        r = client.post(url, content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 413, url
    assert time.perf_counter() - start < 1.0


def test_a_body_over_the_check_route_limit_is_413_and_one_under_it_is_read(
    client: TestClient, trip: dict[str, object],
) -> None:
    padded = {**trip, "note": "x" * 100}
    assert client.post(CHECK, json=padded).status_code in (200, 422)
    over = json.dumps({**trip, "pad": ["x" * 1000] * (CHECK_BODY_LIMIT // 1000 + 1)})
    assert client.post(CHECK, content=over).status_code == 413


def test_the_global_body_limit_is_a_setting() -> None:
    with TestClient(create_app(Settings(max_body_bytes=100))) as c:
        r = c.post("/arrival-card/manage", data={"number": "x" * 200})
        assert r.status_code == 413


def test_nesting_2000_deep_is_422_not_500(client: TestClient) -> None:
    for body in ("[" * 2000 + "]" * 2000, '{"a":' * 2000 + "1" + "}" * 2000,
                 '{"a":' * 1000 + "1" + "}" * 1000, '{"a":' * 40 + "1" + "}" * 40):
        for url in (CHECK, f"/v1/measures/{ROUTE_240H}/check-many"):
            r = client.post(url, content=body)
            assert r.status_code == 422, (url, body[:10])
            detail = r.json()["detail"][0]
            assert detail["type"] == "json_too_deep", detail
            assert "levels deep" in detail["msg"]


def test_a_text_longer_than_the_bound_is_422_naming_the_field(
    client: TestClient, trip: dict[str, object],
) -> None:
    r = client.post(CHECK, json={**trip, "purpose": "x" * 5000})
    assert r.status_code == 422
    detail = r.json()["detail"][0]
    assert detail["type"] == "string_too_long"
    assert detail["loc"] == ["body", "purpose"]


def test_a_page_carries_a_csp_without_inline_script_nosniff_and_no_framing(
    client: TestClient,
) -> None:
    for url in ("/", "/healthz", "/v1/measures"):
        r = client.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in r.headers  # plain http


def test_hsts_is_sent_over_https_only() -> None:
    with TestClient(create_app(), base_url="https://testserver") as c:
        assert c.get("/healthz").headers["strict-transport-security"].startswith("max-age=")


def test_personal_data_routes_are_not_cached_by_anyone(client: TestClient) -> None:
    for url in ("/v1/arrival-cards/keys", "/officer/login", "/arrival-card/manage"):
        r = client.get(url)
        assert r.headers["cache-control"] == "no-store", url
    assert "no-store" not in client.get("/v1/measures").headers.get("cache-control", "")
