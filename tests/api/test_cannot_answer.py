"""Facts the data cannot answer are a 422 that says why, never a 500."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

BEYOND_THE_CALENDAR = {
    "region": "HK",
    "endorsement": "family",
    "stay_expiry": "2100-06-01",
    "filing_date": "2100-05-03",
}


def test_a_date_beyond_the_working_day_calendar_is_a_422_naming_the_field(
    client: TestClient,
) -> None:
    r = client.post("/v1/measures/family-visit-extension/check", json=BEYOND_THE_CALENDAR)
    assert r.status_code == 422
    (detail,) = r.json()["detail"]
    assert detail["loc"] == ["body", "stay_expiry"]
    assert "2099" in detail["msg"]


def test_a_year_whose_holiday_schedule_is_unpublished_is_answered_not_refused(
    client: TestClient,
) -> None:
    """Issue 10: a 2027 stay far from any holiday is answered, marked provisional."""
    facts = {**BEYOND_THE_CALENDAR, "stay_expiry": "2027-03-26", "filing_date": "2027-03-17"}
    r = client.post("/v1/measures/family-visit-extension/check", json=facts)
    assert r.status_code == 200
    body = r.json()
    assert body["eligible"] is True
    assert body["details"]["provisional"]["decided"] is True
    assert body["details"]["provisional"]["years"] == [2027]
    assert "2027" in body["warnings"][0]["en"]
    near = {**facts, "stay_expiry": "2027-02-19", "filing_date": "2027-02-05"}
    body = client.post("/v1/measures/family-visit-extension/check", json=near).json()
    assert body["eligible"] is False and body["details"]["provisional"]["decided"] is False
    assert "Cannot be decided until the State Council publishes the 2027 holiday schedule" in (
        body["warnings"][0]["en"])


def test_check_many_answers_such_an_item_with_its_error_and_decides_the_others(
    client: TestClient,
) -> None:
    ok = {**BEYOND_THE_CALENDAR, "stay_expiry": "2026-02-27", "filing_date": "2026-01-05"}
    r = client.post(
        "/v1/measures/family-visit-extension/check-many", json=[BEYOND_THE_CALENDAR, ok]
    )
    assert r.status_code == 200
    first, second = r.json()["results"] if isinstance(r.json(), dict) else r.json()
    assert first["error"]["field"] == "stay_expiry" and first["error"]["index"] == 0
    assert second["eligible"] is True


def test_bad_data_behind_a_decision_is_a_422_not_a_500(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from churujing.errors import DataError
    from churujing.measures import MEASURES

    def broken(*args: object, **kwargs: object) -> None:
        raise DataError("policy parameter 'm08.min_working_days' has no value on 2026-01-05")

    measure = MEASURES["family-visit-extension"]
    monkeypatch.setitem(MEASURES, measure.id, replace(measure, decide=broken))
    ok = {**BEYOND_THE_CALENDAR, "stay_expiry": "2026-02-27", "filing_date": "2026-01-05"}
    r = client.post("/v1/measures/family-visit-extension/check", json=ok)
    assert r.status_code == 422
    assert "m08.min_working_days" in r.json()["detail"][0]["msg"]
