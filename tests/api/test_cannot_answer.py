"""Facts the data cannot answer are a 422 that says why, never a 500."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

BEYOND_THE_CALENDAR = {
    "region": "HK",
    "endorsement": "family",
    "stay_expiry": "2027-06-01",
    "filing_date": "2027-05-01",
}


def test_a_date_beyond_the_working_day_calendar_is_a_422_naming_the_field(
    client: TestClient,
) -> None:
    r = client.post("/v1/measures/family-visit-extension/check", json=BEYOND_THE_CALENDAR)
    assert r.status_code == 422
    (detail,) = r.json()["detail"]
    assert detail["loc"] == ["body", "stay_expiry"]
    assert "2026" in detail["msg"]


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
