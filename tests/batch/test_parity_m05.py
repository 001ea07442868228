"""One truth for 24-hour direct transit (measure 5): the vectorised batch path answers
exactly like ``get_measure("direct-transit-24h").check()``, row by row, around the dates
the airports were added, at 24 hours to the minute, with unknown and ambiguous names,
the mainland and regions as origin or destination, and invalid values."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pyarrow as pa
from batch_parity import compare
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from churujing import Decision

MEASURE = "direct-transit-24h"
BEIJING = timezone(timedelta(hours=8))
DAYS = [date(2025, 11, 5), date(2025, 11, 4), date(2024, 1, 11), date(2024, 1, 10),
        date(2023, 6, 1), date(2026, 3, 1)]
AIRPORTS = ["NKG", "TSN", "DLC", "FOC", "TAO", "WUH", "NNG", "HAK", "CKG", "KMG", "PEK",
            "PVG", "CAN", "南京禄口", "Nanjing Lukou", "LXA", "JFK", "Atlantis", " ckg", ""]
PLACES = ["US", "JP", "HK", "MO", "TW", "CN", "中国", "Germny", "Korea", "SG", ""]
ZONES = [None, UTC, BEIJING, timezone(timedelta(hours=-5))]


@st.composite
def passengers(draw: st.DrawFn) -> dict[str, Any]:
    day = draw(st.sampled_from(DAYS))
    arrival = datetime.combine(day, draw(st.sampled_from([time(0, 0), time(23, 59),
                                                          time(12, 30)])))
    zone = draw(st.sampled_from(ZONES))
    if zone is not None:
        arrival = arrival.replace(tzinfo=zone)
    minutes = draw(st.sampled_from([0, 1, 60, 24 * 60 - 1, 24 * 60, 24 * 60 + 1, 30 * 60,
                                    -1]))
    facts: dict[str, Any] = {
        "airport": draw(st.sampled_from(AIRPORTS)),
        "arrival_time": arrival,
        "departure_time": arrival + timedelta(minutes=minutes),
        "origin": draw(st.sampled_from(PLACES)),
        "destination": draw(st.sampled_from(PLACES)),
        "connecting_ticket": draw(st.booleans()),
        "leaves_restricted_area": draw(st.booleans()),
    }
    if draw(st.booleans()):
        facts["nationality"] = draw(st.sampled_from(PLACES))
    return facts


def _aware(v: datetime) -> datetime:
    return v if v.tzinfo else v.replace(tzinfo=BEIJING)


def _details(a: dict[str, Any], d: Decision) -> None:
    assert a["latest_departure"] == d.details["latest_departure"], a


def _compare(rows: list[dict[str, Any]], table: pa.Table, as_of: date | None) -> None:
    compare(MEASURE, rows, table, as_of, _details)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(passengers(), min_size=1, max_size=40),
       as_of=st.one_of(st.none(), st.sampled_from(DAYS)))
def test_batch_answers_like_the_single_check(rows: list[dict[str, Any]], as_of: date | None
                                             ) -> None:
    ids = pa.array(range(len(rows)), pa.int64())
    names = ("airport", "origin", "destination", "nationality")
    typed = pa.table({"id": ids} | {k: pa.array([r.get(k) for r in rows], pa.string())
                                    for k in names} | {
        k: pa.array([_aware(r[k]) for r in rows], pa.timestamp("us", tz="UTC"))
        for k in ("arrival_time", "departure_time")
    } | {k: pa.array([r[k] for r in rows], pa.bool_())
         for k in ("connecting_ticket", "leaves_restricted_area")})
    _compare(rows, typed, as_of)
    text_rows = [{k: (v.isoformat() if isinstance(v, datetime) else
                      ("true" if v is True else "false" if v is False else v))
                  for k, v in r.items()} for r in rows]
    text = pa.table({"id": ids} | {k: pa.array([r.get(k) for r in text_rows], pa.string())
                                   for k in (*names, "arrival_time", "departure_time",
                                             "connecting_ticket", "leaves_restricted_area")})
    _compare(text_rows, text, as_of)
