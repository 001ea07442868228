"""``POST /v1/trips/check``: the trip's answer, its errors per field, its typed schema."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

TRIP: dict[str, Any] = {
    "nationality": "DE", "passport_expiry": "2029-06-30", "purpose": "tourism",
    "onward_ticket": True, "stays_airside": False, "visit_areas": ["苏州"],
    "legs": [{"from": "FRA", "to": "PVG", "depart": "2025-12-09T20:00:00+01:00",
              "arrive": "2025-12-10T14:30:00"},
             {"from": "PVG", "to": "NRT", "depart": "2025-12-18T10:00:00",
              "arrive": "2025-12-18T14:00:00+09:00"}],
}


def test_a_trip_is_answered_entry_by_entry(client: TestClient) -> None:
    r = client.post("/v1/trips/check", json=TRIP)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["as_of"] == "2025-12-10" and body["data_version"]
    (entry,) = body["entries"]
    assert entry["port"]["port"] == "pvg"
    assert entry["best"]["regime"] == "visa-free-30d"
    assert entry["best"]["stay_deadline"] == "2026-01-10T00:00:00+08:00"
    assert {o["regime"] for o in entry["options"] if o["eligible"]} == {
        "visa-free-30d", "visa-free-transit-240h"}
    assert entry["arrival_card"]["required"] is True
    assert r.headers["x-churujing-data-version"] == body["data_version"]


def test_stay_areas_are_by_reference_unless_asked_in_full(client: TestClient) -> None:
    us = {**TRIP, "nationality": "US", "legs": [{**TRIP["legs"][0], "from": "ICN"},
                                                TRIP["legs"][1]]}
    compact = client.post("/v1/trips/check", json=us).json()["entries"][0]["best"]
    assert compact["allowed_areas"]["href"].startswith("/v1/stay-areas?as_of=")
    full = client.post("/v1/trips/check?areas=full", json=us).json()["entries"][0]["best"]
    assert len(full["allowed_areas"]["areas"]) == 24


def test_every_invalid_field_is_a_422_entry_in_the_asked_language(client: TestClient) -> None:
    bad = {"nationality": "DE", "legs": [{"from": "Xyzzyqq", "to": "PEK"}]}
    r = client.post("/v1/trips/check?lang=en", json=bad)
    assert r.status_code == 422
    fields = [d["field"] for d in r.json()["detail"]]
    assert fields == ["legs.0.from", "legs.0.arrive"]  # no time abroad needed (trial B8)
    assert r.json()["detail"][0]["loc"] == ["body", "legs", 0, "from"]
    assert "not recognised" in r.json()["detail"][0]["msg"]


def test_the_openapi_request_schema_is_the_trip_s(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/v1/trips/check"]["post"]["requestBody"]["content"]
    schema = body["application/json"]["schema"]
    assert schema["required"] == ["nationality", "legs"]
    leg = schema["properties"]["legs"]["items"]
    assert set(leg["properties"]) == {"from", "to", "depart", "arrive"}
    assert "$defs" not in str(schema)
