"""Every datum is read (issue 11 §4): change one parameter's values in a copy of the policy,
and some scenario's answer must change. A parameter no answer reads is a lie in the data
(editing it would change nothing): it belongs in docs/readings.md, not in the policy."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from churujing import FactsError, get_measure
from churujing.policy import Policy, load_policy

SCENARIOS = Path(__file__).parent / "scenarios"
TRIPS = Path(__file__).parent / "trips"  # the trip's cases read the regimes' data (issue 13)



def _changed(value: Any) -> Any:
    """A different value of the same shape."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1000
    if isinstance(value, date):
        return value + timedelta(days=400)
    if isinstance(value, str):
        return value + "_changed"
    if isinstance(value, list):
        return value[1:] if value else ["changed"]
    if isinstance(value, dict):
        if not value:
            return {"changed": True}
        key = next(iter(value))
        return {**value, key: _changed(value[key])}
    return "changed"


def _with(policy: Policy, name: str) -> Policy:
    param = policy.parameters[name]
    values = tuple(dataclasses.replace(v, value=_changed(v.value)) for v in param.values)
    params = {**policy.parameters, name: dataclasses.replace(param, values=values)}
    return dataclasses.replace(policy, parameters=params, version=policy.version + "-" + name)


def _cases() -> list[tuple[str, dict[str, Any], date | None]]:
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            as_of = case.get("as_of")
            out.append((doc["measure"], case["facts"],
                        date.fromisoformat(str(as_of)) if as_of else None))
    return out


def _answers(policy: Policy, cases: list[tuple[str, dict[str, Any], date | None]]) -> list[Any]:
    out: list[Any] = []
    for measure, facts, as_of in cases:
        try:
            d = get_measure(measure).check(facts, as_of, policy=policy).to_dict()
            d.pop("data_version", None)
            out.append(d)
        except FactsError as exc:
            out.append(("invalid", exc.field, exc.message))
        except Exception as exc:  # a changed datum may make a rule fail: that reads it too
            out.append(("raised", type(exc).__name__))
    return out


def _trips(policy: Policy) -> list[Any]:
    """The trip cases (tests/trips/*.yaml), which read the data of the regimes outside the
    announcement (visa_free_30d.*, mutual_visa_exemption.*, exit_entry_law.*)."""
    from churujing.trips import check_trip

    out: list[Any] = []
    for path in sorted(TRIPS.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            as_of = date.fromisoformat(str(case["as_of"])) if case.get("as_of") else None
            try:
                answer = check_trip(case["trip"], as_of, policy=policy).to_dict()
                answer.pop("data_version", None)
                out.append(answer)
            except FactsError as exc:
                out.append(("invalid", exc.field, exc.message))
            except Exception as exc:  # a changed datum may make a rule fail: that reads it
                out.append(("raised", type(exc).__name__))
    return out


def _cards(policy: Policy) -> list[Any]:
    """The arrival-card service's validation cases (tests/services/card_cases.yaml), which
    read the card's own data (m10.purposes, m10.online_filing_start)."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "services"))
    from ac_helpers import TODAY, make_card

    from churujing.services.arrival_card.card import parse_card
    from churujing.services.arrival_card.errors import CardInvalid

    doc = yaml.safe_load((Path(__file__).parent / "services" / "card_cases.yaml").read_text(
        encoding="utf-8"))
    out: list[Any] = []
    for case in doc["cases"]:
        data = make_card()
        for key, value in case["set"].items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        try:
            out.append(parse_card(data, today=TODAY, policy=policy, window_days=30).public())
        except CardInvalid as exc:
            out.append(sorted((e.field, e.text.en) for e in exc.errors))
    return out


def _applications(policy: Policy) -> list[Any]:
    """What the online-application platform reads of measure 7's data: each document's fee,
    the payment deadline, the review rights a refusal letter states, and the photo guide's
    thresholds (a photo check of an image the test makes)."""
    import numpy as np

    from churujing.services.applications import fees, letter, photo, service

    day = date(2025, 12, 1)
    out: list[Any] = [fees.fee(d, day, policy=policy).to_dict()
                      for d in ("passport", "eep_hk_macau", "eep_taiwan")]
    out.append(service.payment_deadline(policy, day))
    out.append(letter.letter_html(number="N1", name="张三", id_masked="1101**********0011",
                                  document="passport", decided_on=day, refused=True,
                                  reasons=["照片不合格"], policy=policy))
    import cv2

    ok, jpeg = cv2.imencode(".jpg", np.full((472, 354, 3), 250, np.uint8))
    assert ok
    report = photo.check_photo(jpeg.tobytes(), day, policy=policy)
    out.append([(c.code, c.passed, c.threshold, c.text.en) for c in report.checks])
    return out


@pytest.fixture(scope="module")
def baseline() -> tuple[list[Any], list[Any]]:
    cases = _cases()
    return cases, [*_answers(load_policy(), cases), *_cards(load_policy()),
                   *_trips(load_policy()), *_applications(load_policy())]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(load_policy().parameters))
def test_changing_the_parameter_changes_some_answer(
    name: str, baseline: tuple[list[Any], list[Any]],
) -> None:
    cases, before = baseline
    changed = _with(load_policy(), name)
    after = [*_answers(changed, cases), *_cards(changed), *_trips(changed),
             *_applications(changed)]
    assert after != before, f"no scenario's answer reads {name}: move it to docs/readings.md"


def test_a_parameter_that_is_read_is_found_to_be_read() -> None:
    """The check itself can fail: changing the 240 hours changes a deadline."""
    cases = [c for c in _cases() if c[0] == "visa-free-transit-240h"][:3]
    before = _answers(load_policy(), cases)
    assert _answers(_with(load_policy(), "m06.stay_hours"), cases) != before
