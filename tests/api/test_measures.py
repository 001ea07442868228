"""/v1/measures: listing, schemas, check and check-many, as the CLI answers."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from churujing.measures import MEASURES, Measure
from churujing.policy import load_policy

VERSION_HEADER = "x-churujing-data-version"
ROUTE_240H = "visa-free-transit-240h"


def test_every_registered_measure_is_listed_with_its_clause_and_schema(client: TestClient) -> None:
    body = client.get("/v1/measures").json()
    assert body["data_version"] == load_policy().version
    listed = {m["id"]: m for m in body["measures"]}
    assert set(listed) == set(MEASURES)
    for mid, m in listed.items():
        assert m["clause"] == MEASURES[mid].clause
        assert m["facts_schema"] == MEASURES[mid].schema()
        assert set(m["title"]) == {"zh", "en"}
        assert m["check"] == f"/v1/measures/{mid}/check"


def test_a_measure_that_lands_later_just_appears(client: TestClient, stand_in: Measure) -> None:
    ids = [m["id"] for m in client.get("/v1/measures").json()["measures"]]
    assert "stand-in" in ids
    one = client.get("/v1/measures/stand-in?lang=en").json()
    assert one["text"] == "Stand-in"
    assert one["facts_schema"]["properties"]["colour"]["enum"] == ["red", "green"]


def test_an_unknown_measure_is_404_naming_the_known_ones(client: TestClient) -> None:
    for r in (client.get("/v1/measures/nope"),
              client.post("/v1/measures/nope/check", json={}),
              client.post("/v1/measures/nope/check-many", json=[])):
        assert r.status_code == 404
        assert "unknown measure 'nope'" in r.json()["detail"]
        assert r.headers[VERSION_HEADER] == load_policy().version


def test_check_answers_exactly_as_the_library_with_text_in_the_chosen_language(
    client: TestClient, trip: dict[str, object],
) -> None:
    r = client.post(f"/v1/measures/{ROUTE_240H}/check?lang=en&detail=full", json=trip)
    assert r.status_code == 200
    body = r.json()
    expected = MEASURES[ROUTE_240H].check(trip).to_dict()
    for key in ("measure", "as_of", "eligible", "details", "conditions"):
        got = body[key]
        if key == "conditions":
            got = [{k: v for k, v in c.items() if k != "text"} for c in got]
        assert got == expected[key], key
    assert body["eligible"] is True
    assert body["details"]["stay_deadline"] == "2025-11-21T00:00:00+08:00"
    assert body["lang"] == "en"
    assert all(c["text"] == c["en"] for c in body["conditions"])
    assert body["explanation"].startswith(f"{ROUTE_240H} · eligible")
    assert body["data_version"] == r.headers[VERSION_HEADER]


def test_accept_language_picks_the_text_and_the_query_wins(
    fresh_client: TestClient, trip: dict[str, object],
) -> None:
    url = f"/v1/measures/{ROUTE_240H}/check"
    en = fresh_client.post(url, json=trip,
                           headers={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}).json()
    assert en["lang"] == "en" and en["conditions"][0]["text"] == en["conditions"][0]["en"]
    zh = fresh_client.post(url + "?lang=zh", json=trip,
                           headers={"Accept-Language": "en"}).json()
    assert zh["lang"] == "zh" and zh["conditions"][0]["text"] == zh["conditions"][0]["zh"]
    default = fresh_client.post(url, json=trip).json()
    assert default["lang"] == "zh"


def test_as_of_is_passed_to_the_library(client: TestClient, trip: dict[str, object]) -> None:
    pazhou = {**trip, "entry_port": "琶洲", "origin": "HK",
              "entry_time": "2025-11-03T10:00:00", "departure_time": "2025-11-08T10:00:00"}
    before = client.post(f"/v1/measures/{ROUTE_240H}/check", json=pazhou).json()
    assert before["as_of"] == "2025-11-03" and before["eligible"] is False
    after = client.post(f"/v1/measures/{ROUTE_240H}/check?as_of=2025-11-06", json=pazhou).json()
    assert after["as_of"] == "2025-11-06"
    lib = MEASURES[ROUTE_240H].check(pazhou, date(2025, 11, 6))
    assert after["eligible"] is lib.eligible


def test_invalid_facts_are_422_with_the_field_and_what_was_expected(
    client: TestClient, trip: dict[str, object],
) -> None:
    bad = {**trip, "entry_time": "next tuesday"}
    r = client.post(f"/v1/measures/{ROUTE_240H}/check", json=bad)
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == ["body", "entry_time"]
    assert err["field"] == "entry_time"
    assert "ISO 8601" in err["msg"]
    missing = {k: v for k, v in trip.items() if k != "nationality"}
    r = client.post(f"/v1/measures/{ROUTE_240H}/check", json=missing)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "nationality"]


@pytest.mark.parametrize("payload", ["[1, 2]", '"text"', "{not json", "null", "3"])
def test_a_body_that_is_not_an_object_is_422(client: TestClient, stand_in: Measure,
                                              payload: str) -> None:
    r = client.post("/v1/measures/stand-in/check", content=payload,
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][0] == "body"


def test_bad_query_parameters_are_422(client: TestClient, stand_in: Measure) -> None:
    facts = {"colour": "green", "day": "2025-11-05"}
    r = client.post("/v1/measures/stand-in/check?as_of=someday", json=facts)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "as_of"]
    r = client.post("/v1/measures/stand-in/check?lang=fr", json=facts)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "lang"]


def test_check_many_answers_in_order_and_errors_do_not_fail_the_others(
    client: TestClient, stand_in: Measure,
) -> None:
    items = [
        {"colour": "green", "day": "2025-11-05"},
        {"colour": "blue", "day": "2025-11-05"},
        "not an object",
        {"colour": "red", "day": "2025-11-06", "count": 3},
    ]
    r = client.post("/v1/measures/stand-in/check-many?lang=en", json=items)
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 4 and body["invalid"] == 2
    first, second, third, fourth = body["results"]
    assert first["eligible"] is True and first["conditions"][0]["text"] == "must be green"
    assert second["error"]["index"] == 1 and second["error"]["field"] == "colour"
    assert third["error"] == {"field": "", "message": "expected a JSON object of facts",
                              "index": 2}
    assert fourth["eligible"] is False and fourth["details"]["count"] == 3


def test_check_many_refuses_more_than_the_limit(client: TestClient, stand_in: Measure) -> None:
    items = [{"colour": "green", "day": "2025-11-05"}] * 6  # the test app's limit is 5
    r = client.post("/v1/measures/stand-in/check-many", json=items)
    assert r.status_code == 413
    assert "at most 5 items" in r.json()["detail"]
    r = client.post("/v1/measures/stand-in/check-many", json={"colour": "green"})
    assert r.status_code == 422


def test_the_240h_route_back_to_origin_is_refused_with_the_third_country_unmet(
    client: TestClient, trip: dict[str, object],
) -> None:
    back = {**trip, "destination": "US"}
    body = client.post(f"/v1/measures/{ROUTE_240H}/check", json=back).json()
    assert body["eligible"] is False
    unmet = [c["code"] for c in body["conditions"] if not c["met"]]
    assert "third_country" in unmet


def test_the_body_is_json_whatever_its_content_type_as_curl_d_sends_it(
    client: TestClient, trip: dict[str, object],
) -> None:
    import json

    r = client.post(f"/v1/measures/{ROUTE_240H}/check", content=json.dumps(trip),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200 and r.json()["eligible"] is True
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/v1/measures/{measure}/check"]["post"]["requestBody"]
    # the body is one of the measures' facts objects (their schemas as components)
    assert all(ref["$ref"].startswith("#/components/schemas/Facts.")
               for ref in body["content"]["application/json"]["schema"]["oneOf"])
