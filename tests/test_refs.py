"""The facts boundary (churujing.refs): a name resolves to the same place on every path —
the single check, the batch (each distinct value of a column through its FieldCheck) and
the boundary's own function — whatever the name (property tests over the indexes' own
names, their spellings, and arbitrary text)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from churujing import places
from churujing.batch.tables import FieldCheck, Invalid
from churujing.errors import AmbiguousName, FactsError
from churujing.measures import get_measure
from churujing.refs import ref_fields, resolve, warning_code

M06 = get_measure("visa-free-transit-240h")
BASE: dict[str, Any] = {
    "nationality": "DE", "passport_expiry": "2027-06-30", "entry_port": "PVG",
    "entry_time": "2025-11-10T14:30:00", "origin": "US", "destination": "JP",
    "departure_time": "2025-11-18T10:00:00", "onward_ticket": True, "purpose": "tourism",
}

_COUNTRIES = [c.en for c in places.countries()] + [c.zh for c in places.countries()] + [
    "马耳他", "波黑", "Deutschland", "UAE", "Türkiye", "Germny", "FRA", "NRT", "Tokyo", "PVG"]
_DIVISIONS = [d.short_en for d in places.divisions(counties=True)[::7]] + [
    d.zh for d in places.divisions(counties=True)[::5]] + [
    "Suzhou", "Suzhou, Jiangsu", "苏州（江苏）", "江苏省苏州市吴中区", "310115", "Atlantis"]
_PORTS = ["PVG", "Pudong", "琶洲", "Lo Wu", "關閘", "落马洲", "上海机场", "LXA", "Nowhere Port",
          "磨憨", "Mohan", "河口", "秦皇岛", "Shanghai", "Sunan"]
#: the list of ports each of M06's facts reads (its Ref's ``among``)
_AMONG = {name: ref.among for name, ref, _ in ref_fields(M06.facts)}


def _outcome(fn: Any) -> Any:
    """What a path gives for a name: its place, 'unknown', or 'ambiguous'."""
    try:
        found = fn()
    except AmbiguousName:
        return "ambiguous"
    except FactsError:
        return "invalid"
    if isinstance(found, Invalid):
        return "ambiguous" if "ambiguous" in found.reason else "invalid"
    if isinstance(found, places.Resolved):
        return found.value if found.value is not None else "unknown"
    return found


def _single(field: str, name: str) -> Any:
    facts = {**BASE, field: [name] if field == "visit_areas" else name}

    def run() -> Any:
        parsed, _ = M06.parse(facts)
        value = getattr(parsed, field)
        return value[0] if field == "visit_areas" else value
    return _outcome(run)


def _batch(field: str, name: str) -> Any:
    check = FieldCheck(M06.facts, field)
    if field == "visit_areas":
        return _outcome(lambda: (lambda v: v[0] if isinstance(v, list) else v)(check([name])))
    return _outcome(lambda: check(name))


def _boundary(kind: str, field: str, name: str) -> Any:
    return _outcome(lambda: resolve(kind, name.strip(), field=field,  # type: ignore[arg-type]
                                    among=_AMONG.get(field)))


NAMES = st.one_of(st.sampled_from(_COUNTRIES), st.text(min_size=1, max_size=12))


@settings(max_examples=150, deadline=None)
@given(name=NAMES)
def test_a_nationality_resolves_alike_on_every_path(name: str) -> None:
    if not name.strip():
        return
    single = _single("nationality", name)
    assert single == _batch("nationality", name) == _boundary("country", "nationality", name)


@settings(max_examples=150, deadline=None)
@given(name=st.one_of(st.sampled_from(_COUNTRIES), st.text(min_size=1, max_size=12)))
def test_an_origin_resolves_alike_on_every_path(name: str) -> None:
    if not name.strip():
        return
    assert _single("origin", name) == _batch("origin", name) == _boundary(
        "abroad", "origin", name)


@settings(max_examples=150, deadline=None)
@given(name=st.one_of(st.sampled_from(_DIVISIONS), st.text(min_size=1, max_size=12)))
def test_a_place_to_visit_resolves_alike_on_every_path(name: str) -> None:
    if not name.strip():
        return
    assert _single("visit_areas", name) == _batch("visit_areas", name) == _boundary(
        "division", "visit_areas", name)


@settings(max_examples=60, deadline=None)
@given(name=st.one_of(st.sampled_from(_PORTS), st.text(min_size=1, max_size=12)))
def test_a_port_resolves_alike_on_every_path(name: str) -> None:
    if not name.strip():
        return
    assert _single("entry_port", name) == _batch("entry_port", name) == _boundary(
        "port", "entry_port", name)


@settings(max_examples=100, deadline=None)
@given(name=st.one_of(st.sampled_from(_COUNTRIES), st.text(min_size=1, max_size=12)))
def test_the_batch_warns_on_a_name_exactly_when_the_single_check_does(name: str) -> None:
    """The batch's warnings column (warning_code) and the single answer's warnings agree."""
    if not name.strip():
        return
    try:
        decision = M06.check({**BASE, "nationality": name})
    except FactsError:
        assert warning_code("country", name, field="nationality") is None
        return
    single = {f"{w.field}:{w.code}" for w in decision.warnings  # type: ignore[attr-defined]
              if getattr(w, "code", "") in ("not_recognised", "read_as_country",
                                            "read_as_listed")}
    code = warning_code("country", name, field="nationality")
    assert single == ({code} if code else set())
