"""The compiled kernel and the Polars plan of measure 6 give the same answers, rejects and
counts (the parity tests check the default, compiled, against the single path)."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
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


def test_each_kernel_is_compiled_once_for_typed_and_text_input() -> None:
    """The kernels are loaded ahead (``kernels.warm``) for the argument types the engine
    gives them; typed (Parquet) and text (CSV) input alike must then find them, or every
    run would compile another version (seconds) on its first batch."""
    from churujing.batch import kernels

    table = manifest_table(3_000, seed=5)
    text = pa.table({name: _text(table.column(name)) for name in table.column_names})
    checker = Checker(MEASURE)
    kernels.warm()
    for t in (table, text, table.slice(0, 0)):
        answers, rejects, _ = checker.check(t, 0)
        assert answers.height + rejects.height == t.num_rows
        assert rejects.height <= t.num_rows / 100  # the text was read as meant
    for kernel in (kernels.day_span, kernels.m06_rows, kernels.list_masks,
                   kernels.answer_counts, kernels.answer_fill):
        assert len(kernel.signatures) == 1, (kernel, kernel.signatures)


def _text(column: pa.ChunkedArray) -> pa.Array:
    """A column as CSV would give it: text, lists joined with ';'."""
    column = column.combine_chunks()
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    if pa.types.is_list(column.type):
        return pa.array([None if v is None else ";".join(v) for v in column.to_pylist()])
    if pa.types.is_timestamp(column.type):
        return pa.array([None if v is None else v.isoformat() for v in column.to_pylist()])
    return pc.cast(column, pa.string())
