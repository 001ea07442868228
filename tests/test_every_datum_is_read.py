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

#: parameters whose reader is on its way (the trip's 30-day regime reads these; issue 13)
PENDING: dict[str, str] = {
    "visa_free_30d.purposes": "read by the trip's visa-free-30d regime (issue 13)",
    "visa_free_30d.clock_start": "read by the trip's visa-free-30d regime (issue 13)",
    "m06.regions": "read by the shared third-country predicate (issue 11 §2)",
    "m10.fee": "reported by the arrival-card answer (issue 11 §4)",
}


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


@pytest.fixture(scope="module")
def baseline() -> tuple[list[Any], list[Any]]:
    cases = _cases()
    return cases, [*_answers(load_policy(), cases), *_cards(load_policy())]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(load_policy().parameters))
def test_changing_the_parameter_changes_some_answer(
    name: str, baseline: tuple[list[Any], list[Any]],
) -> None:
    if name in PENDING:
        pytest.xfail(PENDING[name])
    cases, before = baseline
    changed = _with(load_policy(), name)
    after = [*_answers(changed, cases), *_cards(changed)]
    assert after != before, f"no scenario's answer reads {name}: move it to docs/readings.md"


def test_a_parameter_that_is_read_is_found_to_be_read() -> None:
    """The check itself can fail: changing the 240 hours changes a deadline."""
    cases = [c for c in _cases() if c[0] == "visa-free-transit-240h"][:3]
    before = _answers(load_policy(), cases)
    assert _answers(_with(load_policy(), "m06.stay_hours"), cases) != before
