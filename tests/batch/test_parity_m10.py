"""One truth for the arrival card (measure 10): the vectorised batch path answers exactly
like ``get_measure("arrival-card").check()``, row by row, around 2025-11-20 (online filing
and the exemptions start), with every document and entry mode, aliases, defaults, unknown
and Chinese nationalities and invalid values."""

from __future__ import annotations

import typing
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pyarrow as pa
from batch_parity import compare
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from churujing import Decision
from churujing.measures.m10_arrival_card import EntryMode

MEASURE = "arrival-card"
DAYS = [date(2025, 11, 20), date(2025, 11, 19), date(2025, 11, 21), date(2024, 11, 20),
        date(2025, 11, 5), date(2026, 1, 1)]
NATIONALITIES = ["US", "FR", "Germany", "中国", "CN", "HK", "台湾", "Ruritania", "PK", " MY ",
                 "IN", "", "Korea"]
DOCUMENTS = ["passport", "permanent_residence_id", "hk_macau_home_return_permit",
             "hk_macau_resident_permit", "travel_document", "other", "visa", None]
MODES = [*typing.get_args(EntryMode), "walking", None]
ZONES = [None, UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-10))]


@st.composite
def travellers(draw: st.DrawFn) -> dict[str, Any]:
    day = draw(st.sampled_from(DAYS))
    kind = draw(st.sampled_from(["date", "datetime"]))
    if kind == "date":
        entry: Any = day
    else:
        entry = datetime.combine(day, draw(st.sampled_from([time(0, 0), time(23, 59),
                                                            time(12, 0)])))
        zone = draw(st.sampled_from(ZONES))
        if zone is not None:
            entry = entry.replace(tzinfo=zone)
    facts: dict[str, Any] = {"nationality": draw(st.sampled_from(NATIONALITIES)),
                             "entry_date": entry}
    doc, mode = draw(st.sampled_from(DOCUMENTS)), draw(st.sampled_from(MODES))
    if doc is not None:
        facts["document"] = doc
    if mode is not None:
        facts["entry_mode"] = mode
    return facts


def _text(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date | datetime) else v


def _details(a: dict[str, Any], d: Decision) -> None:
    assert a["required"] is d.details["required"], a
    ex = d.details["exemption"]
    assert a["exemption"] == (ex["code"] if ex else None), a


def _compare(rows: list[dict[str, Any]], table: pa.Table, as_of: date | None) -> None:
    compare(MEASURE, rows, table, as_of, _details)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(travellers(), min_size=1, max_size=40),
       as_of=st.one_of(st.none(), st.sampled_from(DAYS)))
def test_batch_answers_like_the_single_check(rows: list[dict[str, Any]], as_of: date | None
                                             ) -> None:
    ids = pa.array(range(len(rows)), pa.int64())
    # as text (CSV-like): each value as written
    text = pa.table({"id": ids} | {
        k: pa.array([_text(r.get(k)) for r in rows], pa.string())
        for k in ("nationality", "entry_date", "document", "entry_mode")
    })
    text_rows = [{k: _text(v) for k, v in r.items()} for r in rows]
    _compare(text_rows, text, as_of)
    # typed: instants (naive = Beijing time) as Parquet would hold them
    bj = timezone(timedelta(hours=8))

    def instant(v: Any) -> datetime:
        if not isinstance(v, datetime):
            v = datetime.combine(v, time())
        return v if v.tzinfo else v.replace(tzinfo=bj)

    typed = text.set_column(2, "entry_date", pa.array(
        [instant(r["entry_date"]) for r in rows], pa.timestamp("us", tz="UTC")))
    typed_rows = [r | {"entry_date": instant(r["entry_date"])} for r in rows]
    _compare(typed_rows, typed, as_of)
