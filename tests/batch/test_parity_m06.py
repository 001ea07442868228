"""One truth: the vectorised batch path answers exactly like ``get_measure(...).check()``.

Random facts (hypothesis), dense around the edges that matter — the policy's effective
dates, the stay deadline to the minute in several time zones, three months of passport
validity to the day and at month ends, unknown, ambiguous and unlisted names, invalid
values — are answered both ways, typed as Parquet would give them and as CSV text; the
eligibility, the first unmet condition and its clause, every unmet code and the stay
deadline must agree row by row, and a row the single path refuses to parse must be
rejected with the same field and reason.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pyarrow as pa
import pytest
from batch_parity import name_warnings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from churujing import FactsError, get_measure
from churujing.batch.engine import Checker

MEASURE = "visa-free-transit-240h"
BEIJING = timezone(timedelta(hours=8))

EDGE_DAYS = [date(2024, 12, 17), date(2025, 6, 12), date(2025, 11, 5), date(2025, 11, 20),
             date(2025, 1, 31), date(2025, 11, 30), date(2024, 2, 29), date(2025, 12, 31)]
NATIONALITIES = ["DE", "DEU", "Germany", "德国", " de ", "IN", "IND", "中国", "CN", "HK", "香港",
                 "Indonesia", "印度尼西亚", "Germny", "US", "FR", "TW", "Korea", "KR", "xx", "",
                 "Taiwan", "RU", "Atlantis", "马耳他", "波黑", "Deutschland", "FRA", "馬爾他",
                 "Türkiye", "UAE", "阿联酋"]
PORTS = ["PVG", "pvg", "PEK", "琶洲", "Pazhou ferry terminal", "West Kowloon", "LXA",
         "Atlantis Harbour", "CAN", "深圳湾", "五通码头", "港珠澳大桥", "Hengqin", "SZX", "JFK",
         " SHA", "URC", "上海浦东国际机场口岸", "", "磨憨", "Mohan", "河口", "秦皇岛", "Shanghai"]
PLACES = ["US", "JP", "SG", "HK", "MO", "Macau", "香港", "CN", "中国", "DE", "Germny", "Korea",
          "FRA", "AUS", "NRT", "ICN", "Tokyo", "东京", "PVG", "Frankfurt am Main", "Atlantis",
          "Frankfurt"]
PURPOSES = ["tourism", "business", "visit", "family", "work", "study", "journalism", "other",
            "holiday", " tourism", "Tourism"]
AREAS = ["Chengdu", "西双版纳", "Xi'an", "北京", "四川", "Lhasa", "Nowhere", "上海", "广东",
         "Fuzhou", "110000", "吉林", "", "江阴", "310115", "五指山", "潜江", "Suzhou",
         "Suzhou, Jiangsu", "苏州（江苏）", "九寨沟县", "鼓楼区", "Yangshuo County",
         "江苏省苏州市吴中区", "Jiangyin", "香格里拉"]
ZONES = [None, BEIJING, UTC, timezone(timedelta(hours=1)),
         timezone(timedelta(hours=-5)), timezone(timedelta(hours=14)),
         timezone(timedelta(hours=5, minutes=30))]


def _add_months(day: date, months: int) -> date:
    from churujing.measures.m06_visa_free_transit import add_months

    return add_months(day, months)


@st.composite
def trips(draw: st.DrawFn) -> dict[str, Any]:
    base = draw(st.sampled_from(EDGE_DAYS))
    day = base + timedelta(days=draw(st.sampled_from([0, 0, -1, 1, 2, -2, 30, -200, 400])))
    clock = draw(st.sampled_from([time(0, 0), time(0, 1), time(23, 59), time(12, 0),
                                  time(7, 30), time(16, 0)]))
    zone = draw(st.sampled_from(ZONES))
    entry = datetime.combine(day, clock)
    entry = entry.replace(tzinfo=zone) if zone is not None else entry
    entry_bj = (entry if zone is not None else entry.replace(tzinfo=BEIJING)).astimezone(
        BEIJING
    )
    deadline = datetime.combine(entry_bj.date() + timedelta(days=11), time(), BEIJING)
    kind = draw(st.sampled_from(["deadline", "deadline", "random", "before"]))
    if kind == "deadline":
        dep_bj = deadline + timedelta(minutes=draw(st.sampled_from([-1, 0, 1, -600, 60 * 24])))
    elif kind == "random":
        dep_bj = entry_bj + timedelta(minutes=draw(st.integers(1, 14 * 24 * 60)))
    else:
        dep_bj = entry_bj - timedelta(minutes=draw(st.sampled_from([0, 1])))
    dep_zone = draw(st.sampled_from(ZONES))
    dep = dep_bj.astimezone(dep_zone).replace(tzinfo=None) if dep_zone is None else \
        dep_bj.astimezone(dep_zone)
    if dep_zone is None:
        dep = dep_bj.replace(tzinfo=None)  # naive = Beijing time
    three = _add_months(entry_bj.date(), 3)
    expiry = draw(st.sampled_from([
        three, three - timedelta(days=1), three + timedelta(days=1),
        entry_bj.date() + timedelta(days=400), entry_bj.date() - timedelta(days=1),
    ]))
    facts: dict[str, Any] = {
        "nationality": draw(st.sampled_from(NATIONALITIES)),
        "passport_expiry": expiry,
        "entry_port": draw(st.sampled_from(PORTS)),
        "entry_time": entry,
        "origin": draw(st.sampled_from(PLACES)),
        "destination": draw(st.sampled_from(PLACES)),
        "departure_time": dep,
        "onward_ticket": draw(st.booleans()),
        "purpose": draw(st.sampled_from(PURPOSES)),
    }
    if draw(st.integers(0, 3)) == 0:
        facts["visit_areas"] = draw(st.lists(st.sampled_from(AREAS), min_size=1, max_size=3))
    if draw(st.integers(0, 3)) == 0:
        facts["exit_port"] = draw(st.sampled_from(PORTS))
    if draw(st.integers(0, 30)) == 0:  # a required fact left out
        del facts[draw(st.sampled_from(sorted(facts)))]
    return facts


_TYPES = {
    "nationality": pa.string(), "passport_expiry": pa.date32(), "entry_port": pa.string(),
    "entry_time": pa.timestamp("us", tz="UTC"), "origin": pa.string(),
    "destination": pa.string(), "departure_time": pa.timestamp("us", tz="UTC"),
    "onward_ticket": pa.bool_(), "purpose": pa.string(), "visit_areas": pa.list_(pa.string()),
    "exit_port": pa.string(),
}


def _text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(value) or None
    return str(value)


def _typed(value: Any, name: str) -> Any:
    if name in ("entry_time", "departure_time") and value is not None and value.tzinfo is None:
        return value.replace(tzinfo=BEIJING)  # naive = Beijing time, stored as an instant
    return value


def _tables(rows: list[dict[str, Any]]) -> dict[str, tuple[pa.Table, list[dict[str, Any]]]]:
    """The rows as a typed table and as text, with the facts the single path is given."""
    ids = pa.array(range(len(rows)), pa.int64())
    typed = pa.table({"id": ids} | {
        k: pa.array([_typed(r.get(k), k) for r in rows], t) for k, t in _TYPES.items()
    })
    text_rows = [{k: _text(v) for k, v in r.items()} for r in rows]
    text = pa.table({"id": ids} | {
        k: pa.array([r.get(k) for r in text_rows], pa.string()) for k in _TYPES
    })
    # the single path is given what a carrier would send: text as in the file, lists as lists
    text_facts = [{k: v for k, v in tr.items() if v is not None} for tr in text_rows]
    for tf, r in zip(text_facts, rows, strict=True):
        if _text(r.get("visit_areas")):  # [""] is an empty cell in CSV: no places given
            tf["visit_areas"] = r["visit_areas"]
    return {"typed": (typed, rows), "text": (text, text_facts)}


def _compare(rows_facts: list[dict[str, Any]], table: pa.Table, as_of: date | None) -> None:
    measure = get_measure(MEASURE)
    checker = Checker(MEASURE, as_of=as_of)
    out, rejects, summary = checker.check(table, 0)
    answers = {r["id"]: r for r in out.to_dicts()}
    rejected = {r["id"]: r for r in rejects.to_dicts()}
    assert summary.rows == len(rows_facts)
    assert summary.rejected == len(rejected)
    for i, facts in enumerate(rows_facts):
        try:
            d = measure.check(facts, as_of)
        except FactsError as exc:
            assert i in rejected, f"row {i} should be rejected ({exc}): {facts}"
            assert (rejected[i]["field"], rejected[i]["reason"]) == (exc.field, exc.message)
            assert i not in answers
            continue
        assert i not in rejected, f"row {i} rejected: {rejected.get(i)} {facts}"
        a = answers[i]
        unmet = [c for c in d.conditions if not c.met]
        assert a["eligible"] is d.eligible, (facts, a, d.explain("en"))
        assert a["first_unmet"] == (unmet[0].code if unmet else None), (facts, a)
        assert a["first_unmet_clause"] == (unmet[0].clause if unmet else None), (facts, a)
        assert a["unmet"] == [c.code for c in unmet], (facts, a)
        assert a["warnings"] == name_warnings(d), (facts, a)
        expected = d.details.get("stay_deadline")
        got = a["stay_deadline"]
        if expected is None:
            assert got is None
        else:
            assert got == datetime.fromisoformat(expected), (facts, a, expected)
            assert got.astimezone(BEIJING).isoformat() == expected


AS_OF = st.one_of(st.none(), st.sampled_from(
    [*EDGE_DAYS, date(2024, 12, 16), date(2025, 6, 11), date(2025, 11, 4)]
))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(trips(), min_size=1, max_size=40), as_of=AS_OF)
def test_batch_answers_like_the_single_check(rows: list[dict[str, Any]], as_of: date | None
                                             ) -> None:
    for _kind, (table, facts) in _tables(rows).items():
        _compare(facts, table, as_of)


@pytest.mark.parametrize("kind", ["typed", "text"])
def test_every_edge_at_once(kind: str) -> None:
    """A fixed sweep over the pools, so that every value is exercised on every run."""
    rows: list[dict[str, Any]] = []
    n = 0
    for nat in NATIONALITIES:
        for port in PORTS:
            day = EDGE_DAYS[n % len(EDGE_DAYS)]
            entry = datetime.combine(day, time(23, 59) if n % 2 else time(0, 1))
            rows.append({
                "nationality": nat, "passport_expiry": _add_months(day, 3),
                "entry_port": port, "entry_time": entry,
                "origin": PLACES[n % len(PLACES)], "destination": PLACES[(n * 7) % len(PLACES)],
                "departure_time": datetime.combine(day + timedelta(days=11), time()),
                "onward_ticket": n % 5 != 0, "purpose": PURPOSES[n % len(PURPOSES)],
                "visit_areas": [AREAS[n % len(AREAS)]] if n % 3 == 0 else None,
                "exit_port": PORTS[(n * 3) % len(PORTS)] if n % 4 == 0 else None,
            })
            n += 1
    rows = [{k: v for k, v in r.items() if v is not None} for r in rows]
    table, facts = _tables(rows)[kind]
    _compare(facts, table, None)


@pytest.mark.parametrize("kind", ["typed", "text"])
def test_entry_days_centuries_apart_and_out_of_range(kind: str) -> None:
    """A batch whose entry days span more than the per-day tables cover (1900 to 2999
    beside 2025) is answered through a table of the days present, like any other; instants
    outside the facts' range (years 1000 and 9999) are rejected with the single path's
    reason, not a crash."""
    rows: list[dict[str, Any]] = []
    for n, day in enumerate([date(1900, 1, 2), date(2025, 11, 20), date(2999, 6, 1),
                             date(2025, 11, 4), date(1950, 6, 1), date(1000, 6, 1),
                             date(9999, 11, 1)]):
        entry = datetime.combine(day, time(12, 0))
        rows.append({
            "nationality": "DE", "entry_port": "PVG", "entry_time": entry, "origin": "US",
            "passport_expiry": _add_months(day, 3 + n % 2) if day.year < 9999 else day,
            "destination": "JP", "departure_time": entry + timedelta(days=9),
            "onward_ticket": True, "purpose": "tourism",
        })
    table, facts = _tables(rows)[kind]
    _compare(facts, table, None)
