"""Measures 1, 2, 3 and 7 take their values and the words of their messages from the policy
data, and a value the rule needs that the data do not give is a data error: there is no
policy default in Python (issue 11, item 4)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from churujing import get_measure, load_policy
from churujing.errors import DataError
from churujing.policy import Policy
from churujing.policy.loader import Value


def _with(name: str, value: Any) -> Policy:
    """The packaged policy with every value of parameter ``name`` replaced by ``value``."""
    policy = load_policy()
    old = policy.param(name)
    new = dataclasses.replace(old, values=tuple(
        Value(v.start, v.end, value, v.ref) for v in old.values))
    return dataclasses.replace(policy, parameters={**policy.parameters, name: new})


RENEWAL = {"hukou_city": "苏州", "age": 30, "document": "passport", "application": "first",
           "state_functionary": False, "active_military": False, "date": "2025-12-01"}
SMART = {"port": "皇岗", "date": "2025-11-10", "age": 30, "traveller": "mainland",
         "document": "eep_hk_macau", "endorsement": {"type": "stay", "multiple": False},
         "biometric_consent": True}
FAMILY_VISIT = {"hukou_province": "四川", "apply_city": "上海", "date": "2025-12-01"}
TALENT = {"work_city": "杭州", "talent_category": "research", "talent_certificate": True,
          "date": "2025-12-01"}


def _text(decision: Any, code: str) -> str:
    return str(decision.condition(code).text.zh)


def test_the_applications_that_may_be_made_online_are_named_from_the_data() -> None:
    m = get_measure("online-renewal")
    assert "只有换发、补发可以" in _text(m.check(RENEWAL), "application")
    only = m.check(RENEWAL, policy=_with("m07.applications", ["renewal"]))
    assert "只有换发可以" in _text(only, "application")
    assert only.condition("application").text.en.endswith("only renewal can")


def test_a_single_entry_endorsement_is_refused_as_long_as_the_data_require_multiple_entry(
) -> None:
    m = get_measure("smart-clearance")
    assert [c.code for c in m.check(SMART).unmet] == ["endorsement"]
    assert m.check(SMART, policy=_with("m03.requires_multiple_entry", False)).eligible
    with pytest.raises(DataError, match=re.escape("m03.requires_multiple_entry")):
        m.check(SMART, policy=_with("m03.requires_multiple_entry", None))


@pytest.mark.parametrize(("measure", "facts", "name"), [
    ("taiwan-family-visit", FAMILY_VISIT, "m02.outside_mainland"),
    ("taiwan-family-visit", FAMILY_VISIT, "m02.endorsement_validities"),
    ("talent-endorsement", TALENT, "m01.region_groups"),
    ("talent-endorsement", TALENT, "m01.apply_where"),
    ("online-renewal", {**RENEWAL, "application": "renewal"}, "m07.channels"),
    ("online-renewal", RENEWAL, "m07.applications"),
])
def test_a_value_the_rule_needs_and_the_data_lack_is_a_data_error(
        measure: str, facts: dict[str, Any], name: str) -> None:
    get_measure(measure).check(facts)
    with pytest.raises(DataError, match=re.escape(name)):
        get_measure(measure).check(facts, policy=_with(name, None))


def _stay_areas_with(row: str, **attrs: Any) -> Policy:
    """The packaged policy with the stay-area row of province ``row`` given ``attrs``."""
    policy = load_policy()
    old = policy.table("m06.stay_areas")
    items = tuple(dataclasses.replace(i, attrs={**i.attrs, **attrs}) if i.key == row else i
                  for i in old.items)
    table = dataclasses.replace(old, items=items, _index={}, _active_cache={})
    return dataclasses.replace(policy, tables={**policy.tables, "m06.stay_areas": table})


TRANSIT = {"nationality": "DE", "passport_expiry": "2029-06-30", "entry_port": "CAN",
           "entry_time": "2025-12-10T14:30:00", "origin": "US", "destination": "JP",
           "departure_time": "2025-12-18T10:00:00", "onward_ticket": True,
           "purpose": "tourism"}


def test_the_province_left_from_any_open_port_is_named_from_the_data() -> None:
    """A2.39: 广东省（可从全省所有对外开放口岸出境）. The exit-port texts name the provinces
    whose row allows it, as the data say, never a name typed into the message."""
    m = get_measure("visa-free-transit-240h")
    assert "在广东省可从全省所有对外开放口岸出境" in _text(m.check(TRANSIT), "exit_port")
    assert "Guangdong" in m.check(TRANSIT).condition("exit_port").text.en
    none = _stay_areas_with("440000", exit_any_open_port=False)
    assert _text(m.check(TRANSIT, policy=none), "exit_port") == "未填写出境口岸；须从适用口岸出境。"
    both = _stay_areas_with("350000", exit_any_open_port=True)
    assert "在福建省、广东省可从" in _text(m.check(TRANSIT, policy=both), "exit_port")
