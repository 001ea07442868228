"""Validation of every field of the arrival card (cases as data: card_cases.yaml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from ac_helpers import TODAY, make_card

from churujing.services.arrival_card.card import parse_card
from churujing.services.arrival_card.errors import CardInvalid

CASES = yaml.safe_load((Path(__file__).parent / "card_cases.yaml").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_card_case(case: dict[str, Any]) -> None:
    assert case["name"].endswith("."), "a case is named by a sentence"
    data = make_card()
    for key, value in case["set"].items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(CardInvalid) as info:
            parse_card(data, today=TODAY, window_days=30)
        fields = {e.field: e for e in info.value.errors}
        assert expect["error"] in fields, f"errors on {sorted(fields)}"
        if "says" in expect:
            assert expect["says"].lower() in fields[expect["error"]].text.en.lower()
        assert fields[expect["error"]].text.zh  # every error also in Chinese
    else:
        card = parse_card(data, today=TODAY, window_days=30)
        value = card.public()[expect["field"]]
        assert value == expect["value"]


def test_every_field_has_cases() -> None:
    from churujing.services.arrival_card.card import FIELDS

    touched = {k for c in CASES for k in c["set"]} | {
        c["expect"].get("error") for c in CASES} | {c["expect"].get("field") for c in CASES}
    missing = [f for f in FIELDS if f not in touched]
    assert not missing


def test_all_errors_are_reported_at_once() -> None:
    data = make_card(arrival_date="2025-11-01", date_of_birth="2030-01-01", purpose="x",
                     arrival_port="nowhere at all")
    with pytest.raises(CardInvalid) as info:
        parse_card(data, today=TODAY)
    assert {"arrival_date", "date_of_birth", "purpose", "arrival_port"} <= {
        e.field for e in info.value.errors}


def test_online_filing_start_is_read_from_the_data() -> None:
    # before 2025-11-20 (m10.online_filing_start) an arrival cannot be filed online
    with pytest.raises(CardInvalid) as info:
        parse_card(make_card(arrival_date="2025-11-19", passport_expiry="2030-01-01"),
                   today=date(2025, 11, 10))
    assert "2025-11-20" in info.value.errors[0].text.en


def test_window_comes_from_the_caller() -> None:
    parse_card(make_card(arrival_date="2026-01-20"), today=TODAY, window_days=90)
    with pytest.raises(CardInvalid):
        parse_card(make_card(arrival_date="2025-11-27"), today=TODAY, window_days=1)


def test_validation_is_pure_no_clock() -> None:
    # the same card and day give the same answer whatever the real date is
    a = parse_card(make_card(), today=TODAY)
    b = parse_card(make_card(), today=TODAY)
    assert a == b


def _port_of(kind: str) -> str:
    from churujing.policy import load_policy

    for item in load_policy().table("ports").active(TODAY):
        if item.get("kind") == kind:
            return item.key
    raise AssertionError(kind)


def test_a_road_crossing_needs_no_transport_number() -> None:
    data = make_card(arrival_port=_port_of("land"))
    data.pop("transport_number")
    assert parse_card(data, today=TODAY).transport_number is None


@pytest.mark.parametrize(("kind", "number", "ok"), [
    ("rail", "z97", True), ("rail", "CA982X1", False),
    ("sea", "Star Voyager", True), ("sea", "星辰号", False),
    ("air", "LH720", True), ("air", "FLIGHT1", False),
])
def test_transport_number_follows_the_port_kind(kind: str, number: str, ok: bool) -> None:
    data = make_card(arrival_port=_port_of(kind), transport_number=number)
    if ok:
        parse_card(data, today=TODAY)
    else:
        with pytest.raises(CardInvalid) as info:
            parse_card(data, today=TODAY)
        assert info.value.errors[0].field == "transport_number"


_TRANSPORT = {"air": "CA982", "rail": "G6501", "sea": "STAR VOYAGER", "land": None}


def test_an_arrival_card_can_be_filed_at_every_open_port_of_the_registry() -> None:
    """The card takes its ports from the ports registry (policy.table("ports"))."""
    from churujing import load_policy

    day = date(2025, 12, 1)
    ports = load_policy().table("ports").active(day)
    assert len(ports) > 200
    for item in ports:
        data = make_card(arrival_port=item.key, transport_number=_TRANSPORT[item["kind"]])
        if data["transport_number"] is None:
            data.pop("transport_number")
        card = parse_card(data, today=TODAY, window_days=30)
        assert card.public()["arrival_port"] == item.key
