"""Each measure declares its conditions once (churujing.conditions): the law beside each
condition is the clause's own words, and answers report the declared conditions in order."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from churujing.conditions import Conditions, Spec
from churujing.i18n import T
from churujing.law import clause
from churujing.measures import MEASURES

SCENARIOS = Path(__file__).parent / "scenarios"

DECLARED = {mid: m.module.CONDITIONS for mid, m in MEASURES.items()
            if isinstance(getattr(m.module, "CONDITIONS", None), Conditions)}


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_declaration_refuses_a_condition_declared_twice() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        Conditions(Spec("a", "M01", "x"), Spec("a", "M01", "y"))


def test_a_condition_without_a_fallback_has_no_unrecognised_text() -> None:
    with pytest.raises(ValueError, match="reads no name"):
        Spec("a", "M01", "x").unrecognised()


@pytest.mark.parametrize("measure", sorted(DECLARED))
def test_each_condition_quotes_its_clause(measure: str) -> None:
    for spec in DECLARED[measure]:
        words = _flat(clause(spec.clause).text.zh)
        assert spec.law and _flat(spec.law) in words, (spec.code, spec.clause, spec.law)


def _cases() -> list[Any]:
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if doc["measure"] in DECLARED:
            out += [pytest.param(doc["measure"], c, id=f"{path.stem}: {c['name']}")
                    for c in doc["cases"] if "error" not in c["expect"]]
    return out


@pytest.mark.parametrize(("measure", "case"), _cases())
def test_answers_report_the_declared_conditions_in_order(measure: str, case: Any) -> None:
    decision = MEASURES[measure].check(case["facts"])
    codes = [c.code for c in decision.conditions]
    declared = DECLARED[measure].codes
    assert set(codes) <= set(declared), set(codes) - set(declared)
    assert codes == [c for c in declared if c in codes]


def test_an_unrecognised_name_fills_the_fallback_text() -> None:
    spec = Spec("port", "M09.1", "口岸", unknown=T("未能识别口岸“{query}”"))
    condition = spec.unrecognised(query="Atlantis")
    assert (condition.code, condition.clause, condition.met) == ("port", "M09.1", False)
    assert condition.text.zh == "未能识别口岸“Atlantis”"


ARCHITECTURE = Path(__file__).parents[1] / "docs" / "ARCHITECTURE.md"


@pytest.mark.parametrize("measure", sorted(DECLARED))
def test_each_condition_code_is_in_the_vocabulary_of_the_architecture(measure: str) -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \|[^|]*\| ([^|]*) \|$",
                                                        text, re.M)}
    clause_id = MEASURES[measure].clause
    for code in DECLARED[measure].codes:
        assert code in rows, f"{code} ({measure}) is not in docs/ARCHITECTURE.md's codes"
        assert clause_id in rows[code].split(", "), (code, clause_id, rows[code])


def test_a_fallback_names_what_was_not_recognised() -> None:
    from churujing.i18n import T

    unknown = T("未能识别机场“{query}”，无法判断是否实施24小时直接过境免办查验手续")
    spec = Spec("airport", "M05.1", "x", unknown=unknown)
    c = spec.unrecognised(query="XYZ")
    assert (c.code, c.clause, c.met) == ("airport", "M05.1", False)
    assert "XYZ" in c.text.zh and "XYZ" in c.text.en and c.text.en != c.text.zh


def test_a_bound_maker_builds_what_the_spec_builds() -> None:
    from churujing.decision import Text

    spec = Spec("within_stay", "A1.4", "x")
    text = Text("a", "b")
    assert spec.make(True, text) == spec(True, text)
    assert spec(False, text, "A1.4.1").clause == "A1.4.1"
