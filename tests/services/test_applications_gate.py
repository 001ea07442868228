"""The gate of an online renewal: GB 11643 identity numbers and the measure-7 rule (M07.1)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from churujing.errors import FactsError
from churujing.services.applications import ApplicationInvalid, Refused, gate
from churujing.services.applications.idnumber import age_on, check_character, parse_id_number


def make_id(address: str = "320505", born: str = "19900315", seq: str = "123") -> str:
    first = address + born + seq
    return first + check_character(first)


def facts(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"hukou_city": "苏州", "document": "passport",
                            "application": "renewal", "state_functionary": False,
                            "active_military": False, "reason": "pages_full"}
    base.update(over)
    return base


DAY = date(2025, 12, 1)


# --- GB 11643 -----------------------------------------------------------------------------------

def test_the_check_character_of_the_standards_example() -> None:
    # GB 11643-1999, appendix: 11010519491231002X
    assert check_character("11010519491231002") == "X"
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"


def test_a_valid_number_says_birth_date_sex_and_address() -> None:
    n = parse_id_number(make_id(seq="124"))
    assert (n.birth_date, n.sex, n.address_code) == (date(1990, 3, 15), "female", "320505")
    assert n.masked == "320505********" + make_id(seq="124")[14:]


@pytest.mark.parametrize(("value", "words"), [
    ("32050519900315123", "18"),
    ("3205051990031512a4", "18"),
    (make_id()[:-1] + ("0" if make_id()[-1] != "0" else "1"), "check character"),
    (make_id(born="19900230"), "birth date"),
    (make_id(address="990505"), "address code"),
    (make_id(born="20300101"), "after today"),
    (12345, "string"),
])
def test_a_bad_number_is_an_error_naming_the_field(value: object, words: str) -> None:
    with pytest.raises(FactsError) as info:
        parse_id_number(value, today=DAY)
    assert info.value.field == "applicant.id_number"
    assert words in info.value.message_in("en")


@pytest.mark.parametrize(("born", "day", "age"), [
    (date(2009, 12, 1), date(2025, 12, 1), 16),     # the 16th birthday itself
    (date(2009, 12, 2), date(2025, 12, 1), 15),     # the day before it
    (date(2008, 2, 29), date(2025, 2, 28), 16),     # a leap-day birth in a common year…
    (date(2008, 2, 29), date(2025, 3, 1), 17),      # …turns 17 on 1 March
    (date(2008, 2, 29), date(2024, 2, 29), 16),
])
def test_age_in_full_years(born: date, day: date, age: int) -> None:
    assert age_on(born, day) == age


# --- the rule ---------------------------------------------------------------------------------

def test_a_pilot_city_resident_aged_16_or_more_passes_the_gate_m07_1() -> None:
    g = gate.check(facts(), make_id(), DAY)
    assert g.decision.eligible
    assert g.hukou_code == "320500"
    assert g.decision.condition("min_age").text.zh == "年满16周岁（35岁）"


def test_a_city_outside_the_pilot_is_refused_with_the_clause_m07_1() -> None:
    with pytest.raises(Refused) as info:
        gate.require(facts(hukou_city="拉萨"), make_id("540102"), DAY)
    assert [(c.code, c.clause) for c in info.value.unmet] == [("pilot_city", "M07.1")]
    assert info.value.status == 422


def test_the_age_is_counted_on_the_submission_day_m07_1() -> None:
    number = make_id(born="20091202")
    assert [c.code for c in gate.check(facts(), number, DAY).decision.unmet] == ["min_age"]
    assert gate.check(facts(), number, date(2025, 12, 2)).decision.eligible


def test_a_county_answers_through_its_prefecture_a_gb_t_2260_division() -> None:
    g = gate.check(facts(hukou_city="320505"), make_id(), DAY)   # 苏州市虎丘区
    assert g.decision.eligible and g.hukou_code == "320505"


def test_age_and_date_are_derived_not_given() -> None:
    with pytest.raises(ApplicationInvalid) as info:
        gate.check(facts(age=40, date="2025-12-01"), make_id(), DAY)
    assert [e.field for e in info.value.invalid_fields] == ["facts.age", "facts.date"]


def test_a_city_that_is_no_division_is_an_invalid_field() -> None:
    with pytest.raises(ApplicationInvalid) as info:
        gate.check(facts(hukou_city="Atlantis"), make_id(), DAY)
    assert info.value.field == "facts.hukou_city"
    assert "GB/T 2260" in info.value.message_in("en")


def test_every_invalid_field_is_named_with_its_path() -> None:
    with pytest.raises(ApplicationInvalid) as info:
        gate.check(facts(document="visa"), "123", DAY)
    fields = [e.field for e in info.value.invalid_fields]
    assert fields == ["applicant.id_number"]
    with pytest.raises(ApplicationInvalid) as info:
        gate.check(facts(document="visa", state_functionary="maybe"), make_id(), DAY)
    assert {e.field for e in info.value.invalid_fields} == {"facts.document",
                                                            "facts.state_functionary"}


def test_a_state_functionary_is_refused_m07_1() -> None:
    with pytest.raises(Refused) as info:
        gate.require(facts(state_functionary=True), make_id(), DAY)
    assert [c.code for c in info.value.unmet] == ["not_state_functionary"]
