"""The row-by-row comparison the vectorised measures' parity tests share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pyarrow as pa

from churujing import Decision, FactsError, get_measure
from churujing.batch.engine import Checker
from churujing.decision import Notice


def compare(
    measure: str,
    rows: list[dict[str, Any]],
    table: pa.Table,
    as_of: date | None,
    details: Callable[[dict[str, Any], Decision], None],
) -> None:
    """The batch answers of ``table`` equal ``check()`` of each of ``rows``, row by row:
    the same rejects (field and reason), eligible, first unmet condition and clause, every
    unmet code; ``details`` compares the measure's computed details."""
    m = get_measure(measure)
    out, rejects, summary = Checker(measure, as_of=as_of).check(table, 0)
    answers = {r["id"]: r for r in out.to_dicts()}
    rejected = {r["id"]: r for r in rejects.to_dicts()}
    assert summary.rows == len(rows) and summary.rejected == len(rejected)
    for i, facts in enumerate(rows):
        try:
            d = m.check(facts, as_of)
        except FactsError as exc:
            assert (rejected[i]["field"], rejected[i]["reason"]) == (exc.field, exc.message)
            continue
        a = answers[i]
        unmet = [c for c in d.conditions if not c.met]
        assert a["eligible"] is d.eligible, (facts, a)
        assert a["first_unmet"] == (unmet[0].code if unmet else None), (facts, a)
        assert a["first_unmet_clause"] == (unmet[0].clause if unmet else None), (facts, a)
        assert a["unmet"] == [c.code for c in unmet], (facts, a)
        assert a["warnings"] == name_warnings(d), (facts, a)
        details(a, d)


def name_warnings(d: Decision) -> list[str]:
    """The single path's warnings on names as the batch's ``warnings`` column gives them:
    ``field:code``, a list's items under the list's name, each once, in the facts' order."""
    out: list[str] = []
    for w in d.warnings:
        if isinstance(w, Notice) and w.code in ("not_recognised", "read_as_country",
                                                "read_as_listed"):
            tag = f"{w.field.split('.')[0]}:{w.code}"
            if tag not in out:
                out.append(tag)
    return out
