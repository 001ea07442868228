"""Input columns as the vectorised rules need them: instants, days, booleans, codes.

Each function takes an Arrow column and returns NumPy arrays plus a boolean mask of the
rows whose value does not validate (their reason is taken from the single path later).
Typed columns (Parquet dates, timestamps, booleans) are read as they are; text and other
types go through the fact's own validator (:class:`~churujing.batch.tables.FieldCheck`)
once per distinct value, except instants in the plain ISO 8601 shape, which are parsed
in bulk (a shape on which Python's ``datetime.fromisoformat`` and Polars agree).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from churujing.batch.tables import FieldCheck, Vocabulary, dictionary_codes
from churujing.facts import EARLIEST, LATEST

__all__ = ["BEIJING_US", "US_PER_DAY", "beijing_days", "booleans", "day_numbers", "instants",
           "valid_rows"]

#: instants are µs since 1970 (UTC); Beijing is 8 hours ahead
US_PER_DAY = 86_400_000_000
BEIJING_US = 8 * 3_600_000_000

_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)


def beijing_days(us: np.ndarray) -> np.ndarray:
    """The day in Beijing (days since 1970) of each instant (µs since 1970, UTC)."""
    return (us + BEIJING_US) // US_PER_DAY

# Shapes where Polars' parser and datetime.fromisoformat (after "Z" -> "+00:00") agree:
# years 1000-2999, hours 00-23, seconds 00-59, offsets strictly inside +-24 hours.
_NAIVE = r"^[12]\d{3}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d"
_OFFSET = r"(?:[+-](?:[01]\d|2[0-3]):[0-5]\d)"


def _unpack(bitmap: pa.Buffer, offset: int, n: int) -> np.ndarray:
    """Bits ``offset`` to ``offset + n`` of an Arrow bitmap as booleans (NumPy unpacks
    them ~20x faster than converting an Arrow boolean array)."""
    bits = np.unpackbits(np.frombuffer(bitmap, np.uint8), bitorder="little",
                         count=offset + n)
    return bits[offset:].view(np.bool_)


def valid_rows(array: pa.Array) -> np.ndarray:
    """The rows where ``array`` is not null."""
    if array.null_count == 0:
        return np.ones(len(array), dtype=bool)
    return _unpack(array.buffers()[0], array.offset, len(array))


def _nulls(array: pa.Array) -> np.ndarray:
    """The rows where ``array`` is null (a missing fact)."""
    if array.null_count == 0:
        return np.zeros(len(array), dtype=bool)
    return ~valid_rows(array)


def _int64(array: pa.Array) -> np.ndarray:
    """The 64-bit integers under a timestamp column (nulls as 0), without a copy if no null."""
    if array.null_count:
        array = array.fill_null(0) if pa.types.is_integer(array.type) else pc.if_else(
            array.is_null(), pa.scalar(0, array.type), array)
    return np.frombuffer(array.buffers()[1], dtype=np.int64, count=len(array),
                         offset=array.offset * 8)


def _combine(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(array, pa.ChunkedArray):
        return array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    return array


def _by_value(
    array: pa.Array, check: FieldCheck, convert: Any, fill: Any, dtype: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Validate each distinct value once; (converted values, invalid mask)."""
    vocab: Vocabulary[Any] = Vocabulary(check, lambda v: v)
    codes = dictionary_codes(array, vocab).to_numpy()
    table = np.array([fill] + [convert(v) if v is not None else fill for v in vocab.values[1:]],
                     dtype=dtype)
    return table[codes], vocab.invalid_mask()[codes]


def _micros(value: datetime) -> int:
    return (value - _EPOCH_UTC) // _ONE_US


_ONE_US = datetime(2000, 1, 1, 0, 0, 0, 1) - datetime(2000, 1, 1)
_EARLIEST_US = _micros(EARLIEST)
_LATEST_US = _micros(LATEST)


def instants(array: pa.Array | pa.ChunkedArray, check: FieldCheck) -> tuple[np.ndarray,
                                                                               np.ndarray]:
    """Microseconds since 1970 UTC of a date-time fact (naive = Beijing time); instants
    outside the facts' range (``churujing.facts.EARLIEST`` to ``LATEST``) are invalid."""
    values, invalid = _instants(_combine(array), check)
    outside = (values < _EARLIEST_US) | (values > _LATEST_US)
    if outside.any():  # invalid, given as 0 like a missing value
        values = np.where(outside, 0, values)
        invalid = invalid | outside
    return values, invalid


def _instants(array: pa.Array, check: FieldCheck) -> tuple[np.ndarray, np.ndarray]:
    t = array.type
    if pa.types.is_timestamp(t):
        if t.unit != "us":
            array = pc.cast(array, pa.timestamp("us", tz=t.tz), safe=False)
        values = _int64(array)
        if t.tz is None:
            values = values - BEIJING_US  # naive: Beijing wall time
        return values, _nulls(array)
    if pa.types.is_date32(t) or pa.types.is_date64(t):
        d = np.asarray(array.cast(pa.date32()).cast(pa.int32()).fill_null(0), dtype=np.int64)
        return d * US_PER_DAY - BEIJING_US, np.asarray(array.is_null())
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        s = pl.Series(values=array.cast(pa.string()))
        naive = s.str.contains(_NAIVE + "$")
        aware = s.str.contains(_NAIVE + "(?:Z|" + _OFFSET + ")$")
        # Naive times are Beijing wall times: a fixed +08:00, as in the single path.
        naive_us = (
            s.str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us", strict=False).dt.epoch("us")
            - BEIJING_US
        )
        aware_us = (
            s.str.replace(r"Z$", "+00:00")
            .str.to_datetime("%Y-%m-%dT%H:%M:%S%z", time_unit="us", strict=False)
            .dt.epoch("us")
        )
        us = pl.select(pl.when(naive).then(naive_us).when(aware).then(aware_us)).to_series()
        fast = us.is_not_null().to_numpy()
        values = us.fill_null(0).to_numpy().astype(np.int64)
        invalid = np.zeros(len(values), dtype=bool)
        rest = np.flatnonzero(~fast)
        if len(rest):
            sub = array.take(pa.array(rest))
            v, bad = _by_value(sub, check, _micros, 0, np.int64)
            values[rest] = v
            invalid[rest] = bad
        return values, invalid
    return _by_value(array, check, _micros, 0, np.int64)


def day_numbers(array: pa.Array | pa.ChunkedArray, check: FieldCheck) -> tuple[np.ndarray,
                                                                                   np.ndarray]:
    """Days since 1970 of a date fact."""
    array = _combine(array)
    if pa.types.is_date32(array.type):
        missing = _nulls(array)  # before the nulls are filled with day 0
        if array.null_count:
            array = pc.if_else(array.is_null(), pa.scalar(0, pa.date32()), array)
        days = np.frombuffer(array.buffers()[1], dtype=np.int32, count=len(array),
                             offset=array.offset * 4)
        return days, missing

    def number(value: date) -> int:
        return (value - date(1970, 1, 1)).days

    return _by_value(array, check, number, 0, np.int32)


def booleans(array: pa.Array | pa.ChunkedArray, check: FieldCheck) -> tuple[np.ndarray,
                                                                                np.ndarray]:
    array = _combine(array)
    if pa.types.is_boolean(array.type):
        nulls = _nulls(array)
        if array.null_count:
            array = array.fill_null(False)
        return _unpack(array.buffers()[1], array.offset, len(array)), nulls
    return _by_value(array, check, bool, False, bool)
