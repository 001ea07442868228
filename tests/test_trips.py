"""Trip cases as data (tests/trips/*.yaml), run through the trip engine and, for a sample,
through ``churujing trip``; and the engine's contracts: one statement of each rule (the
measures' regimes are their own decisions), every regime listed, the best by the order."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from churujing import FactsError, get_measure
from churujing.cli import app
from churujing.law import clause
from churujing.policy import load_policy
from churujing.trips import REGIMES, check_trip

TRIPS = Path(__file__).parent / "trips"


def _cases() -> list[Any]:
    out = []
    for path in sorted(TRIPS.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            out.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return out


def _check_entry(want: dict[str, Any], got: dict[str, Any], where: str) -> None:
    best = got["best"]
    if "best" in want:  # a visa is needed when it is the best, unless nothing at all applies
        needs = want["best"] == "visa-required" and want.get("eligible") != []
        assert got["needs_visa"] is needs, where
    by = {o["regime"]: o for o in got["options"]}
    if "best" in want:
        assert best["regime"] == want["best"], (where, best)
    if "deadline" in want:
        assert best["stay_deadline"] == want["deadline"], (where, best)
    if "eligible" in want:
        assert sorted(r for r, o in by.items() if o["eligible"]) == sorted(want["eligible"]), (
            where, {r: o["unmet"] for r, o in by.items()})
    for regime, codes in (want.get("unmet") or {}).items():
        assert sorted(by[regime]["unmet"]) == sorted(codes), (where, regime, by[regime])
    for end in ("origin", "destination"):
        if end in want:
            assert got[end]["country"] == want[end], (where, got[end])
    if "port" in want:
        assert got["port"].get("port") == want["port"], (where, got["port"])
    if "airside" in want:
        assert got["airside"] is want["airside"], where
    for key, value in (want.get("arrival_card") or {}).items():
        actual = got["arrival_card"][key]
        if isinstance(value, dict):
            assert actual is not None and all(actual[k] == v for k, v in value.items()), (
                where, actual)
        else:
            assert actual == value, (where, key, actual)


@pytest.mark.parametrize("case", _cases())
def test_trip(case: dict[str, Any]) -> None:
    assert case["name"].strip().endswith((".", "?", "!")), "a case is named by a sentence"
    clause(case["clause"])
    as_of = date.fromisoformat(str(case["as_of"])) if case.get("as_of") else None
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(FactsError) as info:
            check_trip(case["trip"], as_of)
        assert info.value.field == expect["error"]["field"]
        if "errors" in expect:
            assert [e.field for e in info.value.invalid_fields] == expect["errors"]
        return
    out = check_trip(case["trip"], as_of).to_dict()
    assert len(out["entries"]) == len(expect["entries"]), out["entries"]
    for n, (want, got) in enumerate(zip(expect["entries"], out["entries"], strict=True)):
        _check_entry(want, got, f"entries[{n}]")
        assert [o["regime"] for o in got["options"]] == list(REGIMES)
        for o in got["options"]:
            clause(o["clause"])
            assert o["why"]["zh"] != o["why"]["en"], o  # both languages, each its own
        for c in got["best"]["conditions"]:
            clause(c["clause"])
            assert c["zh"] != c["en"], c
    for w in expect.get("warnings", ()):
        assert any(all(x.get(k) == v for k, v in w.items()) for x in out["warnings"]), (
            out["warnings"])


#: a German tourist, Frankfurt → Shanghai → Tokyo (one trip, shared with test_trip_cli.py)
_GERMAN = json.loads((TRIPS / "german_tourist.json").read_text(encoding="utf-8"))


def test_the_measures_regimes_are_the_measures_own_decisions() -> None:
    """One statement of each rule: the 240-hour option is measure 6's decision itself."""
    answer = check_trip(_GERMAN)
    option = next(o for o in answer.entries[0].options if o.regime == "visa-free-transit-240h")
    direct = get_measure("visa-free-transit-240h").check({
        "nationality": "DE", "passport_expiry": "2029-06-30", "entry_port": "PVG",
        "entry_time": "2025-12-10T14:30:00", "origin_airport": "FRA",
        "destination_airport": "NRT", "departure_time": "2025-12-18T10:00:00",
        "onward_ticket": True, "purpose": "tourism", "visit_areas": ["苏州"],
        "exit_port": "PVG"})
    assert option.decision is not None
    assert option.decision.conditions == direct.conditions
    assert option.stay_deadline is not None
    assert option.stay_deadline.isoformat() == direct.details["stay_deadline"]


def test_art22_hours_agree_with_the_pointer_measure_5_gives() -> None:
    policy = load_policy()
    day = date(2025, 12, 1)
    assert (policy.value("exit_entry_law.transit_hours", day)
            == policy.value("m05.art22_transit_hours", day))


def test_compact_answers_refer_to_the_stay_areas() -> None:
    out = check_trip({**_GERMAN, "nationality": "US",
                      "legs": [{**_GERMAN["legs"][0], "from": "ICN"}, _GERMAN["legs"][1]]})
    compact = out.to_dict()
    best = compact["entries"][0]["best"]
    assert best["regime"] == "visa-free-transit-240h"
    assert best["allowed_areas"]["href"] == "/v1/stay-areas?as_of=2025-12-10"
    assert "areas" not in best["allowed_areas"]
    full = out.to_dict(areas="full")["entries"][0]["best"]["allowed_areas"]
    assert len(full["areas"]) == len(best["allowed_areas"]["provinces"]) == 24
    assert len(json.dumps(compact, ensure_ascii=False)) < 12000


def test_the_cli_answers_one_line_per_trip_and_exits_2_on_an_invalid_one() -> None:
    bad = {"nationality": "DE", "legs": [{"from": "Xyzzyqq", "to": "PEK"}]}
    stdin = "\n".join(json.dumps(d, ensure_ascii=False) for d in (_GERMAN, bad, _GERMAN))
    result = CliRunner().invoke(app, ["trip", "--lang", "en"], input=stdin + "\nnot json\n")
    assert result.exit_code == 2, result.output
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert len(lines) == 4
    assert lines[3]["error"]["line"] == 4 and lines[3]["error"]["field"] == ""
    assert lines[0]["entries"][0]["best"]["regime"] == "visa-free-30d"
    assert lines[1]["error"]["line"] == 2
    # the leg's departure abroad is not needed; its arrival in China is (trial B8)
    assert [e["field"] for e in lines[1]["errors"]] == ["legs.0.from", "legs.0.arrive"]
    assert "上海浦东国际机场口岸" in result.output  # Chinese written unescaped


def test_the_cli_exit_code_says_a_refusal() -> None:
    refused = {**_GERMAN, "purpose": "work"}
    ok = CliRunner().invoke(app, ["trip", "--exit-code"], input=json.dumps(_GERMAN))
    assert ok.exit_code == 0, ok.output
    no = CliRunner().invoke(app, ["trip", "--exit-code"], input=json.dumps(refused))
    assert no.exit_code == 1, no.output
    assert json.loads(no.output)["entries"][0]["best"]["regime"] == "visa-required"


def test_the_incomplete_agreements_warning_is_only_for_a_refusal_without_an_agreement() -> None:
    """EEL.22.1: a German under the 30-day exemption, and a Thai (an agreement recorded)
    refused for work, are not told the list of agreements is incomplete."""
    def codes(data: dict[str, Any]) -> list[str]:
        return [w["code"] for w in check_trip(data).to_dict()["warnings"]]
    assert "agreements_incomplete" not in codes(_GERMAN)
    thai = {**_GERMAN, "nationality": "TH", "purpose": "work"}
    assert check_trip(thai).to_dict()["entries"][0]["best"]["regime"] == "visa-required"
    assert "agreements_incomplete" not in codes(thai)
    assert "agreements_incomplete" in codes({**_GERMAN, "nationality": "IN"})
