"""Names people write (tests/names.yaml): each resolves to its place, or is ambiguous and
lists its candidates, or stays unrecognised — through the facts boundary
(:func:`churujing.refs.resolve`, with the fact's own reference when a measure is named),
the batch's check of one value (:class:`~churujing.batch.tables.FieldCheck`) and the
batch's warnings (:func:`~churujing.refs.warning_code`) alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from churujing import places
from churujing.batch.tables import FieldCheck, Invalid
from churujing.errors import AmbiguousName
from churujing.measures import get_measure
from churujing.refs import Ref, ref_fields, resolve, warning_code
from churujing.trips.stops import resolve_stop

CASES = yaml.safe_load((Path(__file__).parent / "names.yaml").read_text(encoding="utf-8"))


def _cases() -> list[Any]:
    return [pytest.param(c, id=c["name"]) for c in CASES["cases"]]


def _ref(case: dict[str, Any]) -> Ref:
    if "measure" not in case:
        return Ref(case["kind"], "地点")
    refs = {name: ref for name, ref, _ in ref_fields(get_measure(case["measure"]).facts)}
    ref = refs[case["fact"]]
    assert ref.kind == case["kind"], (ref.kind, case["kind"])
    return ref


def _code(value: Any) -> str:
    for attr in ("id", "code"):
        if hasattr(value, attr):
            return str(getattr(value, attr))
    raise AssertionError(value)


@pytest.mark.parametrize("case", _cases())
def test_a_name_people_write(case: dict[str, Any]) -> None:
    assert case["name"].strip().endswith("."), "a case is named by a sentence"
    ref, query, expect = _ref(case), case["query"], case["expect"]
    field = case.get("fact", "place")
    if "ambiguous" in expect:
        with pytest.raises(AmbiguousName) as err:
            resolve(ref.kind, query, field=field, among=ref.among)
        assert err.value.field == field
        listed = [c.zh for c in err.value.candidates]
        assert len(listed) == len(expect["ambiguous"]), listed
        for name in expect["ambiguous"]:
            assert any(name in c for c in listed), (name, listed)
        if "measure" in case:  # the batch's check says the same
            found = FieldCheck(get_measure(case["measure"]).facts, field)(query)
            assert isinstance(found, Invalid) and "ambiguous" in found.reason, found
        return
    found = resolve(ref.kind, query, field=field, among=ref.among)
    if "measure" in case:
        batch = FieldCheck(get_measure(case["measure"]).facts, field)(query)
        assert isinstance(batch, places.Resolved) and batch.value == found.value
    if expect.get("unknown"):
        assert found.value is None, found
        if "suggest_first" in expect:
            assert found.suggestions[:1] == (expect["suggest_first"],), found.suggestions
        assert warning_code(ref.kind, query, field=field, among=ref.among) == (
            f"{field}:not_recognised")
        return
    assert found.value is not None, found
    wanted = expect.get("port") or expect.get("country") or expect.get("division")
    assert _code(found.value) == wanted, found.value
    code = warning_code(ref.kind, query, field=field, among=ref.among)
    assert code == (f"{field}:{expect['warning']}" if "warning" in expect else None), code
    if "warning" in expect:
        assert found.note is not None and found.note_code == expect["warning"]


def test_the_listed_reading_names_the_port_read_and_the_other_one() -> None:
    ref = _ref({"kind": "port", "measure": "visa-free-transit-240h", "fact": "entry_port"})
    found = resolve("port", "磨憨", field="entry_port", among=ref.among)
    assert found.note is not None
    assert "磨憨铁路口岸" in found.note.zh and "磨憨公路口岸" in found.note.zh
    assert "Mohan Railway Port" in found.note.en and "Mohan Road Port" in found.note.en


@pytest.mark.parametrize(("query", "mainland", "code"), [
    ("上海", True, "310000"),  # a trip's stop: the city, not one of its ports
    ("Qinhuangdao", True, "130300"),
    ("Frankfurt", False, "DE"),
    ("Munich", False, "DE"),
])
def test_a_trip_stop_by_a_city_name_is_still_the_city(query: str, mainland: bool,
                                                      code: str) -> None:
    from churujing.policy import load_policy

    stop = resolve_stop(query, load_policy().table("ports"))
    assert stop.mainland is mainland
    place = stop.city if mainland else stop.country
    assert place is not None and place.code == code, stop


def test_a_trip_stop_at_mohan_lists_both_ports() -> None:
    from churujing.policy import load_policy

    with pytest.raises(AmbiguousName) as err:
        resolve_stop("磨憨", load_policy().table("ports"))
    assert {"磨憨铁路口岸", "磨憨公路口岸"} <= {c.zh.split(",")[0] for c in err.value.candidates}
