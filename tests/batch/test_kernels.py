"""The compiled kernel and the Polars plan of measure 6 give the same answers, rejects and
counts (the parity tests check the default, compiled, against the single path)."""

from __future__ import annotations

from datetime import date

import pytest

from churujing.batch.engine import Checker
from churujing.batch.synthetic import manifest_table

MEASURE = "visa-free-transit-240h"


@pytest.mark.parametrize("as_of", [None, date(2025, 11, 4)])
def test_compiled_kernel_answers_like_the_polars_plan(as_of: date | None) -> None:
    table = manifest_table(20_000, seed=3)
    compiled = Checker(MEASURE, as_of=as_of, kernel="compiled")
    polars_ = Checker(MEASURE, as_of=as_of, kernel="polars")
    assert compiled.kernel and not polars_.kernel
    for first_row, part in ((0, table.slice(0, 12_345)), (12_345, table.slice(12_345))):
        a, ra, sa = compiled.check(part, first_row)
        b, rb, sb = polars_.check(part, first_row)
        assert a.schema == b.schema
        assert a.equals(b)
        assert ra.equals(rb)
        assert sa == sb
