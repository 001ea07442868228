"""The batch engine: a measure's answers for a table of facts, vectorised or row by row.

:class:`Checker` takes Arrow tables of facts (one row per traveller) and returns, per
table, the answers (the key columns, ``eligible``, ``first_unmet``,
``first_unmet_clause``, ``unmet`` and the measure's details), the rejected rows (row
number, keys, ``field`` and ``reason`` of the first invalid field, and ``errors``: every
invalid field as JSON, ``[{"field", "message"}]``, as ``churujing check`` lists them) and a
:class:`Summary`.

Measures with a vectorised rule (``VECTORISED``) are answered by its conditions as Polars
expressions, or, for a rule that has one (measure 6), by its compiled kernel
(:mod:`churujing.batch.kernels`; the default, tested equal to the Polars plan); every
other measure runs row by row through the library, in the same command. Rows the
vectorised rule flags as invalid are given to the single path, which says which field
is wrong and why (exactly as ``churujing check`` would); a row the single path accepts
after all is answered by it, so the output never depends on the flagging being perfect.

How a row becomes facts (both paths): a missing value (null, or an empty CSV cell) is a
missing fact; text in a list fact is split at ``;``; instants keep their offset (naive
ones are Beijing time, as in the library); nanoseconds are truncated to microseconds.
"""

from __future__ import annotations

import json
import threading
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from churujing.batch.tables import Answers
from churujing.decision import Decision, jsonable
from churujing.errors import FactsError
from churujing.measures import Measure, get_measure
from churujing.measures._common import policy_or_default
from churujing.places import Resolved
from churujing.policy import Policy
from churujing.refs import ref_fields, warning_code

__all__ = ["VECTORISED", "Checker", "Summary", "VectorRule", "row_facts"]


class VectorRule(Protocol):
    """A measure's vectorised rule (see :mod:`churujing.batch.m06`)."""

    measure: str
    conditions: tuple[str, ...]  # condition codes, in the single path's order
    clauses: tuple[str, ...]  # every clause a condition may cite
    details: Mapping[str, pl.DataType]

    def evaluate(self, table: pa.Table, carry: pl.DataFrame | None = None
                 ) -> tuple[pl.LazyFrame, np.ndarray]: ...

    def detail(self, decision: Decision) -> dict[str, Any]: ...


def _m06(policy: Policy, as_of: date | None) -> VectorRule:
    from churujing.batch.m06 import Rule

    return Rule(policy, as_of)


def _m05(policy: Policy, as_of: date | None) -> VectorRule:
    from churujing.batch.m05 import Rule

    return Rule(policy, as_of)


def _m10(policy: Policy, as_of: date | None) -> VectorRule:
    from churujing.batch.m10 import Rule

    return Rule(policy, as_of)


#: measure id -> factory of its vectorised rule
#: a rejected row: its index in the table, the first invalid field, its reason, and every
#: invalid field as JSON text
Rejected = tuple[int, str, str, str]

VECTORISED: dict[str, Callable[[Policy, date | None], VectorRule]] = {
    "direct-transit-24h": _m05,
    "visa-free-transit-240h": _m06,
    "arrival-card": _m10,
}


@dataclass
class Summary:
    """Counts of one run: rows read, eligible, rejected (invalid), and per condition the
    rows where it is unmet (a row refused for two reasons counts under both) and the rows
    refused with it as the first unmet condition."""

    rows: int = 0
    eligible: int = 0
    rejected: int = 0
    unmet: dict[str, int] = field(default_factory=dict)
    first_unmet: dict[str, int] = field(default_factory=dict)

    @property
    def refused(self) -> int:
        return self.rows - self.eligible - self.rejected

    def add(self, other: Summary) -> None:
        self.rows += other.rows
        self.eligible += other.eligible
        self.rejected += other.rejected
        for mine, theirs in ((self.unmet, other.unmet), (self.first_unmet, other.first_unmet)):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "eligible": self.eligible,
            "refused": self.refused,
            "rejected": self.rejected,
            "unmet": dict(self.unmet),
            "first_unmet": dict(self.first_unmet),
        }


def _is_list_fact(annotation: Any) -> bool:
    if typing.get_origin(annotation) in (list, tuple):
        return True
    return any(_is_list_fact(a) for a in typing.get_args(annotation))


def _leaves(annotation: Any) -> list[Any]:
    """The types in a (possibly Optional or Annotated) annotation; a list counts as one."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _leaves(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [x for a in typing.get_args(annotation) for x in _leaves(a)]
    return [annotation]


def _is_name(kind: Any) -> bool:
    """A name of a place (:mod:`churujing.refs`): text in JSON, a Resolved in the facts."""
    return kind is Resolved or typing.get_origin(kind) is Resolved


def _bits(values: np.ndarray) -> pa.Array:
    """A boolean Arrow array from a NumPy one, packed by NumPy (~25x ``pa.array``)."""
    bitmap = np.packbits(values, bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bitmap)],
                                 null_count=0)


def _kept_rows(table: pa.Table, kept: np.ndarray) -> pa.Table:
    """The rows of ``table`` where ``kept``; fixed-width columns without nulls through
    NumPy (~3x Arrow's filter)."""
    keep = _bits(kept)
    columns = []
    for column in table.columns:
        array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        t = array.type
        if array.null_count == 0 and (pa.types.is_integer(t) or pa.types.is_floating(t)
                                      or pa.types.is_timestamp(t) or pa.types.is_date(t)):
            width = t.bit_width // 8
            values = np.frombuffer(array.buffers()[1], dtype=f"V{width}",
                                   count=len(array), offset=array.offset * width)[kept]
            columns.append(pa.Array.from_buffers(t, len(values),
                                                 [None, pa.py_buffer(values)]))
        else:
            columns.append(array.filter(keep))
    return pa.Table.from_arrays(columns, schema=table.schema)


def _warm_kernels() -> None:
    from churujing.batch import kernels

    kernels.warm()


def row_facts(table: pa.Table, facts: Sequence[str]) -> list[dict[str, Any]]:
    """The rows of ``table`` as the facts the single path takes (missing values left out)."""
    cols = [c for c in facts if c in table.column_names]
    frame = pl.from_arrow(table.select(cols))  # its rows as Python values: ~4x Arrow's
    assert isinstance(frame, pl.DataFrame)
    return [{k: v for k, v in r.items() if v is not None} for r in frame.to_dicts()]


class Checker:
    """Answers one measure for tables of facts (see the module docstring)."""

    def __init__(
        self,
        measure_id: str,
        *,
        as_of: date | None = None,
        policy: Policy | None = None,
        keys: Sequence[str] | None = None,
        vectorised: bool = True,
        kernel: str = "compiled",
    ) -> None:
        self.measure: Measure = get_measure(measure_id)
        self.policy = policy_or_default(policy)
        self.as_of = as_of
        self.facts = tuple(self.measure.facts.model_fields)
        self.list_facts = tuple(
            n for n, f in self.measure.facts.model_fields.items() if _is_list_fact(f.annotation)
        )
        self.required = tuple(
            n for n, f in self.measure.facts.model_fields.items() if f.is_required()
        )
        self._names = ref_fields(self.measure.facts)
        # facts required together (origin, else origin_airport): a manifest names each end
        # of the journey in its origin / destination column (an IATA code is read there too)
        self.required += tuple(f for f, _ in self.measure.facts.missing_together({}))
        # the vectorised rules read origin / destination; a row that gives *_airport too goes
        # to the single path, which reads it
        self.unread = tuple(f"{f}_airport" for f, _ in self.measure.facts.missing_together({}))
        factory = VECTORISED.get(self.measure.id) if vectorised else None
        self.rule: VectorRule | None = factory(self.policy, as_of) if factory else None
        self.keys = tuple(keys) if keys is not None else None
        if kernel not in ("compiled", "polars"):
            raise ValueError(f"kernel: 'compiled' or 'polars', not {kernel!r}")
        #: the rule's compiled kernel answers (when it has one), else its Polars plan
        self.kernel = kernel == "compiled" and hasattr(self.rule, "kernel")
        self._arrow_schemas: dict[pa.Schema, pa.Schema] = {}
        self._lists: pl.Series | None = None
        self._dicts: dict[tuple[pa.DataType, pa.DataType], tuple[pa.Array, pa.Array]] = {}
        if self.kernel:
            assert self.rule is not None
            # The compiled kernels load (Numba, ~1 s) while the caller goes on.
            threading.Thread(target=_warm_kernels, name="churujing-kernels", daemon=True
                             ).start()
            k = len(self.rule.conditions)
            lists = [[i for i in range(k) if m >> i & 1] for m in range(1 << k)]
            #: per unmet mask m, its condition indices: ``_lut_flat[start[m]:start[m + 1]]``
            self._lut_start = np.cumsum([0] + [len(x) for x in lists], dtype=np.int64)
            self._lut_flat = np.array([i for x in lists for i in x] or [0], np.uint8)

    def _unmet_lists(self) -> pl.Series:
        """For every unmet mask, its list of codes (the Polars plan's table; built once)."""
        assert self.rule is not None
        if self._lists is None:
            self._lists = _mask_lists(self.rule.conditions, pl.Enum(list(self.rule.conditions)))
        return self._lists

    # ---------------------------------------------------------------- schema

    @property
    def vectorised(self) -> bool:
        return self.rule is not None

    def key_columns(self, columns: Sequence[str]) -> tuple[str, ...]:
        if self.keys is not None:
            missing = [k for k in self.keys if k not in columns]
            if missing:
                raise FactsError(f"no such column: {', '.join(missing)}", field=missing[0])
            return self.keys
        return tuple(c for c in columns if c not in self.facts)

    def string_facts(self) -> tuple[str, ...]:
        """Fact columns worth reading as dictionaries (names of places, codes)."""
        out = []
        for n, f in self.measure.facts.model_fields.items():
            kinds = {a for a in _leaves(f.annotation) if a is not type(None)}
            if kinds and all(_is_name(k) or k is str or typing.get_origin(k) is typing.Literal
                             for k in kinds):
                out.append(n)
        return tuple(out)

    def text_facts(self) -> tuple[str, ...]:
        """Facts given as text in JSON: names, codes, dates and instants."""
        out = []
        for n, f in self.measure.facts.model_fields.items():
            kinds = {a for a in _leaves(f.annotation) if a is not type(None)}
            if kinds and all(k in (str, date, datetime) or _is_name(k) or typing.get_origin(k)
                             is typing.Literal for k in kinds):
                out.append(n)
        return tuple(out)

    def output_schema(self, input_schema: pa.Schema) -> pl.Schema:
        """The columns of the answers (Polars types) for an input of ``input_schema``:
        :meth:`_base_schema`'s and ``warnings``, the codes of the row's names that were not
        recognised or were read one of two ways (``nationality:not_recognised``,
        ``origin:read_as_country``), as the single path's warnings say."""
        return pl.Schema({**self._base_schema(input_schema), "warnings": pl.List(pl.String())})

    def _base_schema(self, input_schema: pa.Schema) -> pl.Schema:
        """The answers' columns but ``warnings`` (what the rule's paths write)."""
        keys = self.key_columns(input_schema.names)
        out: dict[str, pl.DataType] = dict(_polars_schema(input_schema, keys))
        if not keys:
            out["row"] = pl.Int64()
        out["eligible"] = pl.Boolean()
        if self.rule is not None:
            code = pl.Enum(list(self.rule.conditions))
            out["first_unmet"] = code
            out["first_unmet_clause"] = pl.Enum(list(self.rule.clauses))
            out["unmet"] = pl.List(code)
            out.update(self.rule.details)
        else:
            out["first_unmet"] = pl.String()
            out["first_unmet_clause"] = pl.String()
            out["unmet"] = pl.List(pl.String())
            out["details"] = pl.String()
        return pl.Schema(out)

    def rejects_schema(self, input_schema: pa.Schema) -> pl.Schema:
        keys = self.key_columns(input_schema.names)
        return pl.Schema(
            {"row": pl.Int64()} | dict(_polars_schema(input_schema, keys))
            | {"field": pl.String(), "reason": pl.String(), "errors": pl.String()}
        )

    def check_columns(self, columns: Sequence[str]) -> None:
        """Every required fact must have a column (a row may still leave it empty)."""
        missing = [c for c in self.required if c not in columns]
        if missing:
            raise FactsError(
                f"the input has no column for the required fact(s) {', '.join(missing)}",
                field=missing[0],
            )

        self.key_columns(columns)

    # ---------------------------------------------------------------- a table

    def normalise(self, table: pa.Table) -> pa.Table:
        """What both paths read: microsecond instants, list facts as lists."""
        for i, f in enumerate(table.schema):
            t = f.type
            if pa.types.is_timestamp(t) and t.unit != "us":
                table = table.set_column(
                    i, f.name, pc.cast(table.column(i), pa.timestamp("us", t.tz), safe=False)
                )
            elif f.name in self.list_facts and (
                pa.types.is_string(t) or pa.types.is_large_string(t)
            ):
                table = table.set_column(
                    i, f.name, pc.split_pattern(table.column(i).cast(pa.string()), ";")
                )
        return table

    def check(
        self, table: pa.Table, first_row: int
    ) -> tuple[pl.DataFrame, pl.DataFrame, Summary]:
        """Answers, rejects and summary for ``table`` (rows numbered from ``first_row`` + 1).

        The answers keep the input's order; rejected rows are left out of them.
        """
        if self.kernel:
            answers, rejects, summary = self.check_arrow(table, first_row)
            out = pl.from_arrow(answers)
            assert isinstance(out, pl.DataFrame)
            return out, rejects, summary
        return self._check_polars(table, first_row)

    def arrow_schema(self, input_schema: pa.Schema) -> pa.Schema:
        """:meth:`output_schema` as Arrow (with Polars' metadata for its enums)."""
        hit = self._arrow_schemas.get(input_schema)
        if hit is None:
            hit = pl.DataFrame(schema=self.output_schema(input_schema)).to_arrow().schema
            self._arrow_schemas[input_schema] = hit
        return hit

    def _arrow_base_schema(self, input_schema: pa.Schema) -> pa.Schema:
        """:meth:`arrow_schema` but ``warnings`` (what the compiled path assembles)."""
        full = self.arrow_schema(input_schema)
        return full.remove(full.get_field_index("warnings"))

    def check_arrow(
        self, table: pa.Table, first_row: int
    ) -> tuple[pa.Table, pl.DataFrame, Summary]:
        """:meth:`check` with the answers as an Arrow table (the rule's compiled kernel,
        its codes emitted as dictionary arrays; without a kernel, :meth:`check`'s frame)."""
        if not self.kernel:
            out, rejects, summary = self._check_polars(table, first_row)
            return out.to_arrow(), rejects, summary
        assert self.rule is not None
        table = self.normalise(table)
        keys = self.key_columns(table.column_names)
        schema = self._arrow_base_schema(table.schema)
        summary = Summary(rows=table.num_rows)
        res = self.rule.kernel(table)  # type: ignore[attr-defined]
        extra = self._single_path_rows(table)
        if extra is not None:
            res = replace(res, invalid=res.invalid | extra)
        answers, hist = self._arrow_answers(table, keys, res, first_row, schema)
        self._count_histogram(summary, hist)
        flagged = np.flatnonzero(res.invalid)
        rejected, decided = self._single_rows(table, flagged)
        if decided:
            idx = np.array([i for i, _ in decided])
            single = self._decision_answers(table.take(pa.array(idx)), keys,
                                            [d for _, d in decided], first_row + idx + 1,
                                            self._base_schema(table.schema)).to_arrow()
            for _, d in decided:
                _count_decision(summary, d)
            kept = np.flatnonzero(~res.invalid)
            order = np.argsort(np.concatenate([kept, idx]), kind="stable")
            answers = pa.concat_tables([answers, single.cast(schema)]).take(order)
        summary.rejected = len(rejected)
        warnings = self._warnings(table, [r[0] for r in rejected])
        answers = answers.append_column(
            self.arrow_schema(table.schema).field("warnings"), warnings.to_arrow())
        return answers, self._rejects(table, keys, rejected, first_row), summary

    def _single_rows(self, table: pa.Table, flagged: np.ndarray
                     ) -> tuple[list[Rejected], list[tuple[int, Decision]]]:
        """The rows answered (or rejected) by the single path; a rejected row with its
        first invalid field and reason, and every invalid field (``check``'s ``errors``)."""
        rejected: list[Rejected] = []
        decided: list[tuple[int, Decision]] = []
        if len(flagged):
            sub = table.take(pa.array(flagged))
            for i, facts in zip(flagged.tolist(), row_facts(sub, self.facts), strict=True):
                answer = _single(self.measure, facts, self.as_of, self.policy)
                if isinstance(answer, FactsError):
                    rejected.append((i, answer.field, answer.message, json.dumps(
                        answer.all_dicts("en"), ensure_ascii=False)))
                else:
                    decided.append((i, answer))
        return rejected, decided

    def _dictionaries(self, code_t: pa.DataType, clause_t: pa.DataType
                      ) -> tuple[pa.Array, pa.Array]:
        """The condition codes and clauses as Arrow arrays, the same objects every batch
        (a Parquet writer then keeps one dictionary per column chunk)."""
        assert self.rule is not None
        key = (code_t, clause_t)
        hit = self._dicts.get(key)
        if hit is None:
            hit = (pa.array(list(self.rule.conditions), code_t),
                   pa.array(list(self.rule.clauses), clause_t))
            self._dicts[key] = hit
        return hit

    def _arrow_answers(self, table: pa.Table, keys: Sequence[str], res: Answers,
                       first_row: int, schema: pa.Schema) -> tuple[pa.Table, np.ndarray]:
        """The answers of the valid rows from the kernel's integer arrays, and the
        histogram of their unmet masks."""
        assert self.rule is not None
        (name, (values, valid)), = res.details.items()  # the kernels' rules have one
        from churujing.batch import kernels

        first, clause, eligible, detail, offsets, items, hist = kernels.answer_rows(
            res.mask, res.invalid, res.first, res.clause, values, self._lut_start,
            self._lut_flat)
        kept = None if len(first) == table.num_rows else ~res.invalid
        if keys:
            sub = table.select(list(keys))
            if kept is not None:
                sub = _kept_rows(sub, kept)
            if all(sub.schema.field(k).type == schema.field(k).type for k in keys):
                key_arrays = list(sub.columns)  # as they are (what Polars would give)
            else:
                key_arrays = list(_key_frame(sub, keys, 0).to_arrow().columns)
        else:
            rows = np.arange(first_row + 1, first_row + 1 + table.num_rows, dtype=np.int64)
            key_arrays = [pa.array(rows if kept is None else rows[kept])]
        # Arrow arrays over the kernel's buffers (bitmaps packed by NumPy, indices not
        # checked again: the kernel wrote them from the codes' own tables).
        refused = _bits(~eligible).buffers()[1]
        eligible_count = int(hist[0])
        code_t = schema.field("first_unmet").type
        clause_t = schema.field("first_unmet_clause").type
        codes, clauses = self._dictionaries(code_t.value_type, clause_t.value_type)

        def coded(indices: np.ndarray, t: pa.DataType, values: pa.Array,
                  validity: pa.Buffer | None, nulls: int) -> pa.Array:
            index = pa.Array.from_buffers(
                t.index_type, len(indices),
                [validity, pa.py_buffer(indices.astype(t.index_type.to_pandas_dtype(),
                                                       copy=False))], null_count=nulls)
            return pa.DictionaryArray.from_arrays(index, values, ordered=True, safe=False)

        first_a = coded(first, code_t, codes, refused, eligible_count)
        clause_a = coded(clause, clause_t, clauses, refused, eligible_count)
        unmet_a = pa.LargeListArray.from_arrays(
            pa.array(offsets), coded(items, code_t, codes, None, 0),
            type=schema.field("unmet").type)
        detail_mask = None
        if valid is not None:
            detail_mask = ~(valid if kept is None else valid[kept])
        detail_a = pa.array(detail, mask=detail_mask).view(schema.field(name).type)
        arrays = [*key_arrays, _bits(eligible), first_a, clause_a, unmet_a, detail_a]
        return pa.Table.from_arrays(arrays, schema=schema), hist

    def _check_polars(
        self, table: pa.Table, first_row: int
    ) -> tuple[pl.DataFrame, pl.DataFrame, Summary]:
        table = self.normalise(table)
        schema = self._base_schema(table.schema)
        keys = self.key_columns(table.column_names)
        n = table.num_rows
        summary = Summary(rows=n)
        if self.rule is not None:
            plan, invalid = self.rule.evaluate(table, _key_frame(table, keys, first_row))
            extra = self._single_path_rows(table)
            if extra is not None:
                invalid = invalid | extra
            flagged = np.flatnonzero(invalid)
        else:
            flagged = np.arange(n)
        rejected, decided = self._single_rows(table, flagged)
        parts: list[pl.DataFrame] = []
        order: list[np.ndarray] = []
        if self.rule is not None:
            keep = np.ones(n, dtype=bool)
            keep[flagged] = False
            if len(flagged):
                plan = plan.filter(pl.Series(keep))
            answers = self._vector_answers(plan, schema)
            self._count_vector(summary, answers["__mask"])
            parts.append(answers.drop("__mask"))
            order.append(np.flatnonzero(keep))
        if decided:
            idx = np.array([i for i, _ in decided])
            parts.append(self._decision_answers(table.take(pa.array(idx)), keys,
                                                [d for _, d in decided], first_row + idx + 1,
                                                schema))
            order.append(idx)
            for _, d in decided:
                _count_decision(summary, d)
        if len(parts) > 1:  # back in the input's order
            result = pl.concat(parts).gather(np.argsort(np.concatenate(order), kind="stable"))
        elif parts:
            result = parts[0]
        else:
            result = pl.DataFrame(schema=schema)
        summary.rejected = len(rejected)
        result = result.with_columns(self._warnings(table, [r[0] for r in rejected]))
        return result, self._rejects(table, keys, rejected, first_row), summary

    def _single_path_rows(self, table: pa.Table) -> np.ndarray | None:
        """Rows the vectorised rule does not read in full (an airport code in
        ``origin_airport``): the single path answers them."""
        found = [c for c in self.unread if c in table.column_names
                 and table.column(c).null_count < table.num_rows]
        if not found:
            return None
        mask = np.zeros(table.num_rows, dtype=bool)
        for c in found:
            mask |= np.asarray(pc.is_valid(table.column(c)).to_numpy(zero_copy_only=False))
        return mask

    def _warnings(self, table: pa.Table, rejected: Sequence[int]) -> pl.Series:
        """The ``warnings`` column of the answered rows: each distinct name of each column
        of names is resolved once, through the facts boundary's own function
        (:func:`churujing.refs.warning_code`), and the rows take their codes from it."""
        frame = pl.from_arrow(table.select([n for n, _, _ in self._names
                                            if n in table.column_names]))
        assert isinstance(frame, pl.DataFrame)
        parts: list[pl.Expr] = []
        for name, ref, is_list in self._names:
            if name not in frame.columns:
                continue
            column = frame[name]
            values = column.explode() if is_list else column
            if values.dtype != pl.String:
                values = values.cast(pl.String)
            codes = {v: code for v in values.drop_nulls().unique().to_list()
                     if (code := warning_code(ref.kind, v, field=name, policy=self.policy,
                                              among=ref.among))}
            if not codes:
                continue
            item = pl.element() if is_list else pl.col(name)
            mapped = item.cast(pl.String).replace_strict(codes, default=None,
                                                         return_dtype=pl.String)
            if is_list:
                parts.append(pl.col(name).list.eval(mapped).list.drop_nulls().list.unique(
                    maintain_order=True))
            else:
                parts.append(pl.concat_list(mapped).list.drop_nulls())
        if parts:
            empty = pl.lit([], dtype=pl.List(pl.String()))
            out = frame.select(pl.concat_list([p.fill_null(empty) for p in parts])
                               .alias("warnings"))["warnings"]
        else:
            out = pl.Series("warnings", [[]] * table.num_rows, dtype=pl.List(pl.String()))
        if rejected:
            keep = np.ones(table.num_rows, dtype=bool)
            keep[np.asarray(rejected, dtype=np.int64)] = False
            out = out.filter(pl.Series(keep))
        return out.cast(pl.List(pl.String())).alias("warnings")

    # ---------------------------------------------------------------- pieces

    def _vector_answers(self, plan: pl.LazyFrame, schema: pl.Schema) -> pl.DataFrame:
        """The answers from the rule's integer results (mask, first, clause, details), with
        the unmet mask kept as ``__mask`` for the counts."""
        assert self.rule is not None
        codes = pl.Series(list(self.rule.conditions), dtype=schema["first_unmet"])
        clauses = pl.Series(list(self.rule.clauses), dtype=schema["first_unmet_clause"])
        details = {
            name: pl.col(name).cast(pl.Datetime("us", "UTC")).dt.convert_time_zone(
                dtype.time_zone or "UTC") if isinstance(dtype, pl.Datetime)
            else pl.col(name).cast(dtype)
            for name, dtype in self.rule.details.items()
        }
        keys = [c for c in schema if c not in ("eligible", "first_unmet", "first_unmet_clause",
                                               "unmet", *self.rule.details)]
        return plan.select(
            *keys,
            eligible=pl.col("mask") == 0,
            first_unmet=pl.lit(codes).gather(pl.col("first")),
            first_unmet_clause=pl.lit(clauses).gather(pl.col("clause")),
            unmet=pl.lit(self._unmet_lists()).gather(pl.col("mask")),
            **details,
            __mask=pl.col("mask"),
        ).collect(engine="streaming")

    def _count_vector(self, summary: Summary, masks: pl.Series) -> None:
        """Eligible and per-condition counts, from the histogram of the unmet masks."""
        self._count_histogram(summary, np.bincount(masks.to_numpy(), minlength=1))

    def _count_histogram(self, summary: Summary, hist: np.ndarray) -> None:
        """Eligible and per-condition counts from a histogram of the unmet masks."""
        assert self.rule is not None
        summary.eligible += int(hist[0])
        masks = np.flatnonzero(hist)
        counts = hist[masks]
        bits = (masks[:, None] >> np.arange(len(self.rule.conditions))) & 1
        lowest = (masks & -masks)[:, None] == 1 << np.arange(len(self.rule.conditions))
        for k, code in enumerate(self.rule.conditions):
            for out, rows in ((summary.unmet, bits[:, k] == 1), (summary.first_unmet,
                                                                 lowest[:, k])):
                count = int(counts[rows].sum())
                if count:
                    out[code] = out.get(code, 0) + count

    def _decision_answers(self, table: pa.Table, keys: Sequence[str],
                          decisions: Sequence[Decision], rows: np.ndarray,
                          schema: pl.Schema) -> pl.DataFrame:
        firsts = [d.unmet[0] if d.unmet else None for d in decisions]
        data: dict[str, Any] = {
            "eligible": [d.eligible for d in decisions],
            "first_unmet": [c.code if c else None for c in firsts],
            "first_unmet_clause": [c.clause if c else None for c in firsts],
            "unmet": [[c.code for c in d.unmet] for d in decisions],
        }
        if self.rule is not None:
            rule = self.rule
            values = [rule.detail(d) for d in decisions]
            for name in rule.details:
                data[name] = [v[name] for v in values]
        else:
            data["details"] = [json.dumps(jsonable(dict(d.details)), ensure_ascii=False)
                               for d in decisions]
        key_frame = _key_frame(table, keys, 0)
        if not keys:
            key_frame = pl.DataFrame({"row": rows.astype(np.int64)})
        answers = pl.DataFrame(data, schema={k: v for k, v in schema.items() if k in data})
        return pl.concat([key_frame, answers], how="horizontal").cast(dict(schema.items()))

    def _rejects(self, table: pa.Table, keys: Sequence[str],
                 rejects: list[Rejected], first_row: int) -> pl.DataFrame:
        schema = self.rejects_schema(table.schema)
        if not rejects:
            return pl.DataFrame(schema=schema)
        idx = pa.array([r[0] for r in rejects])
        text = {"field": pl.String(), "reason": pl.String(), "errors": pl.String()}
        out = pl.concat([
            pl.DataFrame({"row": [first_row + r[0] + 1 for r in rejects]},
                         schema={"row": pl.Int64()}),
            _key_frame(table.take(idx), keys, 0) if keys else pl.DataFrame(),
            pl.DataFrame({"field": [r[1] for r in rejects], "reason": [r[2] for r in rejects],
                          "errors": [r[3] for r in rejects]}, schema=text),
        ], how="horizontal")
        return out.cast(dict(schema.items()))


def _key_frame(table: pa.Table, keys: Sequence[str], first_row: int) -> pl.DataFrame:
    if keys:
        out = pl.from_arrow(table.select(list(keys)))
        assert isinstance(out, pl.DataFrame)
        return out
    return pl.DataFrame({"row": np.arange(first_row + 1, first_row + 1 + table.num_rows,
                                          dtype=np.int64)})


def _polars_schema(schema: pa.Schema, keys: Sequence[str]) -> pl.Schema:
    empty = pl.from_arrow(schema.empty_table().select(list(keys)))
    assert isinstance(empty, pl.DataFrame)
    return empty.schema


def _single(measure: Measure, facts: dict[str, Any], as_of: date | None,
            policy: Policy) -> Decision | FactsError:
    """The single path's answer, or its error with the traceback dropped (a traceback
    keeps its frames, and with them a whole batch, alive until the next garbage
    collection)."""
    try:
        return measure.check(facts, as_of, policy=policy)
    except FactsError as exc:
        exc.__traceback__ = None
        exc.__context__ = None
        return exc


def _count_decision(summary: Summary, d: Decision) -> None:
    if d.eligible:
        summary.eligible += 1
        return
    for c in d.unmet:
        summary.unmet[c.code] = summary.unmet.get(c.code, 0) + 1
    first = d.unmet[0].code
    summary.first_unmet[first] = summary.first_unmet.get(first, 0) + 1


def _mask_lists(codes: Sequence[str], dtype: pl.DataType) -> pl.Series:
    """For every bit mask of the conditions, the list of the unmet codes, in order."""
    k = len(codes)
    lists = [[c for i, c in enumerate(codes) if m >> i & 1] for m in range(1 << k)]
    return pl.Series(lists, dtype=pl.List(dtype))


