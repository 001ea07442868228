"""Lookup tables for the vectorised rules, built from the policy data and the library.

Nothing here restates a rule or a list: every table is filled by asking the library
(``churujing.places`` to resolve a name, the policy :class:`~churujing.policy.Table` s
and :class:`~churujing.policy.Parameter` s for what is in force) once per distinct
value of the input and once per *epoch* — a span of days over which none of the data a
rule reads changes. A batch then only gathers from small arrays by integer codes.

* :class:`Epochs` — the days on which any of a rule's tables or parameters change; a
  day's epoch is the number of those boundaries on or before it.
* :class:`FieldCheck` — a fact's own validation (the measure's pydantic field, with the
  model's configuration), applied to one distinct value at a time.
* :class:`Vocabulary` — the distinct raw values met so far in a column, each given a
  stable code and resolved once (``resolve`` is the library call of the single path).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import ModuleType
from typing import Any, Generic, TypeVar

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from pydantic import TypeAdapter, ValidationError

from churujing.conditions import Conditions
from churujing.errors import FactsError
from churujing.facts import FactsModel
from churujing.policy import Policy

__all__ = [
    "EPOCH",
    "INVALID",
    "MASK",
    "NONE_UNMET",
    "Answers",
    "Epochs",
    "FieldCheck",
    "Invalid",
    "Vocabulary",
    "bit",
    "clause_table",
    "days",
    "declared_clauses",
    "dictionary_codes",
    "epoch_rules",
    "field_checks",
    "first_unmet_table",
    "gather",
]

EPOCH = date(1970, 1, 1)

#: A vectorised rule's unmet mask is a ``MASK`` (uint16): condition k's bit is
#: ``1 << Conditions.bit(code)``; the compiled kernels' lookup tables set the top bit,
#: ``INVALID``, where a value does not validate, so a rule has fewer conditions than bits.
MASK = np.uint16
INVALID = 1 << (np.iinfo(MASK).bits - 1)
#: the first unmet condition's index where none is unmet
NONE_UNMET = np.iinfo(np.uint8).max


def first_unmet_table() -> np.ndarray:
    """Per unmet mask below ``INVALID``, the index of its lowest set bit (``NONE_UNMET``:
    none)."""
    masks = np.arange(INVALID)
    out = np.full(INVALID, NONE_UNMET, np.uint8)
    for k in reversed(range(INVALID.bit_length() - 1)):
        out[(masks >> k) & 1 == 1] = k
    return out


def bit(conditions: Conditions, code: str) -> int:
    """Condition ``code``'s unmet bit (``1 << Conditions.bit(code)``)."""
    return 1 << conditions.bit(code)


def clause_table(conditions: Conditions, finer: Iterable[str] = ()) -> tuple[str, ...]:
    """The clauses a rule's answers may cite (:meth:`Conditions.clauses` and the data's
    finer ones), sorted: the categories of the ``first_unmet_clause`` column."""
    return tuple(sorted(conditions.clauses(finer)))


def declared_clauses(conditions: Conditions, clauses: Sequence[str]) -> list[int]:
    """Per condition, in order, the index in ``clauses`` of its declared clause (the
    clause of an unmet condition whose clause the data do not refine)."""
    index = {c: n for n, c in enumerate(clauses)}
    return [index[spec.clause] for spec in conditions]

V = TypeVar("V")


def days(day: date) -> int:
    """Days since 1970-01-01 (Arrow's date32)."""
    return (day - EPOCH).days


@dataclass(frozen=True, slots=True)
class Invalid:
    """Why a value does not validate: the fact (dotted path) and the reason, as the single
    path's :class:`~churujing.errors.FactsError` says it."""

    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class Answers:
    """A vectorised rule's answers for a batch, as integer arrays (one entry per row)."""

    mask: np.ndarray  #: uint16, bit k set: condition k unmet
    first: np.ndarray  #: uint8, the first unmet condition's index (255: none)
    clause: np.ndarray  #: uint8, its clause's index in the rule's ``clauses``
    #: per detail, its values (int64; instants in µs since 1970) and where they are valid
    #: (None: everywhere)
    details: dict[str, tuple[np.ndarray, np.ndarray | None]]
    invalid: np.ndarray  #: bool, the rows that do not validate (the caller rejects them)


class Epochs:
    """Spans of days over which a rule's policy data do not change."""

    def __init__(self, policy: Policy, tables: Iterable[str], parameters: Iterable[str]) -> None:
        bounds: set[date] = set()
        for name in tables:
            bounds.update(policy.table(name).boundaries())
        for name in parameters:
            for v in policy.param(name).values:
                bounds.update(d for d in (v.start, v.end) if d is not None)
        self.boundaries: tuple[date, ...] = tuple(sorted(bounds))
        first = self.boundaries[0] - timedelta(days=1) if self.boundaries else EPOCH
        #: a day inside each epoch: the day before the first boundary, then each boundary
        self.days: tuple[date, ...] = (first, *self.boundaries)

    def __len__(self) -> int:
        return len(self.days)

    def of(self, day: date) -> int:
        return sum(1 for b in self.boundaries if day >= b)

    def expr(self, day_number: pl.Expr) -> pl.Expr:
        """The epoch of a day given as days since 1970 (UInt8)."""
        out: pl.Expr = pl.lit(0, pl.UInt8)
        for b in self.boundaries:
            out = out + (day_number >= days(b)).cast(pl.UInt8)
        return out


def gather(values: Sequence[Any] | np.ndarray | pl.Series, index: pl.Expr, dtype: Any) -> pl.Expr:
    """``values[index]`` as a Polars expression (a lookup table read by integer codes)."""
    return pl.lit(pl.Series(values=values, dtype=dtype)).gather(index)


class FieldCheck:
    """Validate one value of one fact exactly as the measure's Facts model does.

    Built from the model's own field (its annotation, validators and the model's
    configuration, e.g. stripping whitespace), so a value is valid here iff it is valid
    in the single path. Cross-field validators are the vectorised rule's business.
    """

    def __init__(self, model: type[FactsModel], name: str, *,
                 required: bool | None = None) -> None:
        info = model.model_fields[name]
        self.name = name
        # ``required`` overrides the field's own: a batch column for a fact the single path
        # may take from another (origin, else origin_airport) is required in a manifest
        self.required = info.is_required() if required is None else required
        self.adapter: TypeAdapter[Any] = TypeAdapter(
            info.rebuild_annotation(), config=model.model_config
        )

    def __call__(self, value: Any) -> Any:
        """The validated value, or an :class:`Invalid`."""
        from churujing.facts import _loc, _text

        try:
            return self.adapter.validate_python(value)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = _loc((self.name, *err["loc"]))
            return Invalid(loc, _text(err).en)


MISSING = Invalid("", "required fact is missing")


class Vocabulary(Generic[V]):
    """The distinct raw values of a column, each with a code and resolved once.

    ``resolve`` turns a raw value (already validated) into whatever the rule needs
    (a country, a port…); it may raise :class:`FactsError` (an ambiguous name), which is
    kept as the value's :class:`Invalid`. Code 0 is reserved for a missing value.
    """

    def __init__(self, check: FieldCheck, resolve: Callable[[Any], V]) -> None:
        self.check = check
        self.resolve = resolve
        self._codes: dict[Any, int] = {}
        self.values: list[V | None] = [None]
        self.invalid: list[Invalid | None] = [
            Invalid(check.name, MISSING.reason) if check.required else None
        ]

    def __len__(self) -> int:
        return len(self.values)

    def code(self, raw: Any) -> int:
        key = (type(raw), raw)
        found = self._codes.get(key)
        if found is not None:
            return found
        value = self.check(raw)
        resolved: V | None = None
        problem: Invalid | None = None
        if isinstance(value, Invalid):
            problem = value
        else:
            try:
                resolved = self.resolve(value)
            except FactsError as exc:
                problem = Invalid(exc.field or self.check.name, exc.message)
        n = len(self.values)
        self.values.append(resolved)
        self.invalid.append(problem)
        self._codes[key] = n
        return n

    def encode(self, raws: Sequence[Any]) -> np.ndarray:
        return np.fromiter((self.code(r) for r in raws), dtype=np.uint32, count=len(raws))

    def invalid_mask(self) -> np.ndarray:
        return np.array([p is not None for p in self.invalid], dtype=bool)

    def numbers(self, numbered: dict[Any, int]) -> np.ndarray:
        """Per code, the number of its value in ``numbered`` (values met for the first time
        are numbered on); -1 where none was recognised. Two columns of the same kind of
        value (a journey's ends) number their values alike through one ``numbered``."""
        out = np.full(len(self.values), -1, dtype=np.int32)
        for code, value in enumerate(self.values):
            if value is not None:
                out[code] = numbered.setdefault(value, len(numbered))
        return out


def epoch_rules(policy: Policy, measure: ModuleType) -> tuple[Epochs, list[Any]]:
    """A vectorised measure's epochs (the spans of days over which the data its
    ``DayRules`` read do not change) and its rules (``rules_on``) on a day of each."""
    epochs = Epochs(policy, measure.DayRules.TABLES, measure.DayRules.PARAMETERS)
    return epochs, [measure.rules_on(policy, d) for d in epochs.days]


def field_checks(model: type[FactsModel], required: Container[str] = ()) -> dict[str, FieldCheck]:
    """A :class:`FieldCheck` per fact of ``model``; the facts in ``required`` are required
    in a manifest whatever the model says (an end of a journey the single path may take
    from another fact: origin, else origin_airport)."""
    return {name: FieldCheck(model, name, required=True if name in required else None)
            for name in model.model_fields}


def dictionary_codes(array: pa.Array | pa.ChunkedArray, vocab: Vocabulary[Any]) -> pl.Series:
    """The vocabulary codes of a column (UInt32; 0 where null), through its dictionary.

    A dictionary-encoded column (as Parquet string columns usually are) costs one lookup
    per distinct value and a take over the indices; other columns are dictionary-encoded
    first.
    """
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    if not pa.types.is_dictionary(array.type):
        array = pc.dictionary_encode(array)
    remap = vocab.encode(array.dictionary.to_pylist())
    indices = array.indices
    if array.null_count == 0:
        return pl.Series(values=remap[np.asarray(indices)], dtype=pl.UInt32)
    # nulls: code 0 (missing); the index under a null slot is undefined, so mask it first
    width = np.dtype(indices.type.to_pandas_dtype())
    idx = np.frombuffer(indices.buffers()[1], dtype=width, count=len(indices),
                        offset=indices.offset * width.itemsize).astype(np.int64)
    valid = np.asarray(array.is_valid())
    remap0 = np.concatenate(([0], remap)).astype(np.uint32)
    return pl.Series(values=remap0[np.where(valid, idx + 1, 0)], dtype=pl.UInt32)
