"""Scenario cases as data: tests/scenarios/<measure-id>.yaml.

Each case is named by a sentence and cites the clause it exercises; see
docs/ARCHITECTURE.md ("Scenario tests") for the format.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from churujing import FactsError, get_measure
from churujing.law import clause

SCENARIOS = Path(__file__).parent / "scenarios"


def _cases() -> list[Any]:
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            out.append(pytest.param(doc["measure"], case, id=f"{path.stem}: {case['name']}"))
    return out


def _related(a: str, b: str) -> bool:
    """The same clause, or one a part of the other (M06 and M06.1.2; A2 and A2.11)."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _subset(expected: Any, actual: Any, where: str) -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected a mapping, got {actual!r}"
        for k, v in expected.items():
            assert k in actual, f"{where}.{k}: missing from {sorted(actual)}"
            _subset(v, actual[k], f"{where}.{k}")
    elif isinstance(expected, list) and isinstance(actual, list):
        assert len(actual) == len(expected), f"{where}: expected {expected!r}, got {actual!r}"
        for n, (e, a) in enumerate(zip(expected, actual, strict=True)):
            _subset(e, a, f"{where}[{n}]")
    else:
        assert actual == expected, f"{where}: expected {expected!r}, got {actual!r}"


@pytest.mark.parametrize(("measure", "case"), _cases())
def test_scenario(measure: str, case: dict[str, Any]) -> None:
    assert case["name"].strip().endswith((".", "?", "!")), "a case is named by a sentence"
    clause(case["clause"])  # the cited clause exists
    m = get_measure(measure)
    as_of = case.get("as_of")
    as_of = date.fromisoformat(str(as_of)) if as_of else None
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(FactsError) as info:
            m.check(case["facts"], as_of)
        assert info.value.field == expect["error"]["field"]
        for lang in ("zh", "en"):  # the message names each candidate, in both languages
            for word in expect["error"].get(f"mentions_{lang}", ()):
                assert word in info.value.message_in(lang), info.value.message_in(lang)
        if "errors" in expect:  # every invalid field, in order
            assert [e.field for e in info.value.invalid_fields] == expect["errors"]
        return
    decision = m.check(case["facts"], as_of)
    out = decision.to_dict()
    # The case specifies its clause: some condition of the answer rests on it.
    cited = [c.clause for c in decision.conditions]
    assert any(_related(case["clause"], c) for c in cited), (
        f"the case cites {case['clause']}, which no condition of the answer carries: {cited}")
    assert out["eligible"] is expect["eligible"], decision.explain("en")
    if "unmet" in expect:
        unmet = sorted(c["code"] for c in out["conditions"] if not c["met"])
        assert unmet == sorted(expect["unmet"]), decision.explain("en")
    if "as_of" in expect:
        assert out["as_of"] == str(expect["as_of"])
    if "details" in expect:
        _subset(expect["details"], out["details"], "details")
    if "warnings" in expect:
        if isinstance(expect["warnings"], int):
            assert len(out["warnings"]) == expect["warnings"], out["warnings"]
        else:  # each warning by code and field (a subset of its JSON)
            _subset(expect["warnings"], out["warnings"], "warnings")
    for c in out["conditions"]:
        clause(c["clause"])  # every condition cites a real clause
        assert c["zh"] and c["en"] and c["zh"] != c["en"], c
