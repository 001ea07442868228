"""Measure 6 (240-hour visa-free transit), vectorised: the conditions as Polars expressions.

The conditions of :func:`churujing.measures.m06_visa_free_transit.decide`, over integer
codes and lookup tables. Their codes, order (each one's unmet bit), clauses and the
fallbacks for unrecognised names come from the measure's declaration (``CONDITIONS``);
the tables are filled, once per distinct input value and per epoch, by the measure's own
per-day rules (:class:`~churujing.measures.m06_visa_free_transit.DayRules`, through
``rules_on``: the Condition it would report for that country, port, purpose or place on
that day) and its route test (``third_country``), so the two paths cannot drift apart on
the data; what is restated here is only the arithmetic of a row: comparisons of dates and
instants, and combining the conditions. ``tests/batch`` checks them row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from churujing import places
from churujing.batch.columns import beijing_days, booleans, day_numbers, instants, valid_rows
from churujing.batch.tables import (
    EPOCH,
    INVALID,
    MASK,
    NONE_UNMET,
    Answers,
    FieldCheck,
    Vocabulary,
    bit,
    clause_table,
    days,
    declared_clauses,
    dictionary_codes,
    epoch_rules,
    field_checks,
    first_unmet_table,
    gather,
)
from churujing.decision import Decision
from churujing.measures import m06_visa_free_transit as rule
from churujing.policy import Policy

__all__ = ["CONDITIONS", "DETAILS", "Rule"]

#: condition codes in the single path's order (its declaration's)
CONDITIONS: tuple[str, ...] = rule.CONDITIONS.codes
_C = rule.CONDITIONS
DETAILS: dict[str, pl.DataType] = {"stay_deadline": pl.Datetime("us", "Asia/Shanghai")}

#: per unmet mask, the index of its lowest set bit
_FIRST = first_unmet_table()
_NO_DEADLINE = np.iinfo(np.int64).min  # the kernel's stay deadline where none is in force
_NONE_BOOL = np.zeros(0, np.bool_)  # a kernel's optional row array, not given
_NONE_INT32 = np.zeros(0, np.int32)
#: entry days a batch may span and get per-day tables over the whole span (beyond: only
#: over the days present)
_SPAN_DAYS = 10_000

# A manifest names each end of the journey in its own column (a country, an airport's
# IATA code or a city: the same reading as the single path's); *_airport columns are not read.
_ENDS = ("origin", "destination")


def _value(resolved: places.Resolved[Any]) -> Any:
    """The place a validated name resolved to (the facts boundary, churujing.refs)."""
    return resolved.value


class Rule:
    """Measure 6 over Arrow batches; ``as_of`` fixes the day (else each row's entry day)."""

    measure = rule.ID
    conditions = CONDITIONS
    details: Mapping[str, pl.DataType] = DETAILS

    def __init__(self, policy: Policy, as_of: date | None = None) -> None:
        self.policy = policy
        self.as_of = as_of
        # the data a row's answer reads, whose changes delimit the epochs
        self.epochs, day_rules = epoch_rules(policy, rule)
        self.day_rules: list[rule.DayRules] = day_rules
        self.checks = field_checks(rule.Facts, _ENDS)
        area_check = self.checks["visit_areas"]
        self.vocab: dict[str, Vocabulary[Any]] = {
            "nationality": Vocabulary(self.checks["nationality"], _value),
            "entry_port": Vocabulary(self.checks["entry_port"], _value),
            "origin": Vocabulary(self.checks["origin"], _value),
            "destination": Vocabulary(self.checks["destination"], _value),
            "purpose": Vocabulary(self.checks["purpose"], lambda v: v),
            "exit_port": Vocabulary(self.checks["exit_port"], _value),
            # one element of visit_areas, validated as the list's element
            "visit_area": Vocabulary(_ElementCheck(area_check), _value),
        }
        #: the countries of the journeys' ends met so far, numbered
        self._countries: dict[places.Country, int] = {}
        self._days: dict[int, tuple[int, int, int, int | None]] = {}
        self._tables: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = {}
        self._span: dict[tuple[int, int], tuple[Any, ...]] = {}
        self.clauses = clause_table(_C, rule.finer_clauses(policy))
        self._clause_index = {c: n for n, c in enumerate(self.clauses)}
        self.clause_dtype = pl.Enum(self.clauses)
        #: the clause of the first unmet condition when it does not depend on the data
        self._declared = declared_clauses(_C, self.clauses)
        self._constant_clause = np.array(self._declared + [0] * (NONE_UNMET + 1 - len(_C)),
                                         np.uint8)
        self.code_dtype = pl.Enum(CONDITIONS)

    # ---------------------------------------------------------------- lookup tables

    def _per_epoch(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(condition ``name``'s unmet bit, clause index) for every (epoch, code) of its
        vocabulary, flattened epoch-major, from the day's rules (:data:`_LOOKUPS`);
        rebuilt only when the vocabulary has grown."""
        met_clause, unmet = _LOOKUPS[name], bit(_C, name)
        vocab = self.vocab[name]
        key = (name, len(vocab))
        hit = self._tables.get(key)
        if hit is not None:
            return hit
        n = len(vocab)
        bits = np.zeros(len(self.epochs) * n, dtype=np.uint16)
        clause = np.zeros(len(self.epochs) * n, dtype=np.uint8)
        for e, rules in enumerate(self.day_rules):
            for code, value in enumerate(vocab.values):
                ok, c = met_clause(rules, code, value)
                bits[e * n + code] = 0 if ok else unmet
                clause[e * n + code] = self._clause_index[c]
        self._tables[key] = (bits, clause)
        return bits, clause

    def _third_country(self) -> np.ndarray:
        """The route test's unmet bit for every (origin code, destination code)."""
        o_vocab, d_vocab = self.vocab["origin"], self.vocab["destination"]
        key = ("third_country", len(o_vocab) * 1_000_003 + len(d_vocab))
        hit = self._tables.get(key)
        if hit is not None:
            return hit[0]
        o = o_vocab.numbers(self._countries)[:, None]
        d = d_vocab.numbers(self._countries)[None, :]
        ok = self._routes()[o, d]  # id -1 (not recognised): the last row and column
        bits = np.where(ok, 0, bit(_C, "third_country")).astype(MASK).ravel()
        self._tables[key] = (bits, bits)
        return bits

    def _routes(self) -> np.ndarray:
        """Whether the route test is met (the measure's ``third_country``), per (origin,
        destination) of the countries met so far; the last row and column, one more: an
        end not recognised (the declared fallback)."""
        countries = list(self._countries)
        key = ("routes", len(countries))
        hit = self._tables.get(key)
        if hit is not None:
            return hit[0]
        n = len(countries)
        ok = np.full((n + 1, n + 1), _C["third_country"].unrecognised().met, bool)
        for i, o in enumerate(countries):
            for j, d in enumerate(countries):
                ok[i, j] = rule.third_country(o, d).met
        self._tables[key] = (ok, ok)
        return ok

    def _day_tables(self, entry_day: np.ndarray) -> tuple[Any, ...]:
        """Per row, an index into per-day tables over the entry days of a batch; and the
        tables (:meth:`_tables_of`)."""
        if len(entry_day) == 0:
            return (np.zeros(0, np.int32), *self._tables_of([0]))
        lo, hi = int(entry_day.min()), int(entry_day.max())
        if hi - lo < _SPAN_DAYS:
            return ((entry_day - lo).astype(np.int32), *self._span_tables(lo, hi))
        # entry days far apart: only the days present
        wanted = np.unique(entry_day)
        index = np.searchsorted(wanted, entry_day).astype(np.int32)
        return (index, *self._tables_of(wanted.tolist()))

    def _span_tables(self, lo: int, hi: int) -> tuple[Any, ...]:
        """:meth:`_tables_of` the days ``lo`` to ``hi`` (kept for the next batches)."""
        hit = self._span.get((lo, hi))
        if hit is None:
            hit = self._tables_of(range(lo, hi + 1))
            if len(self._span) > 64:
                self._span.clear()
            self._span[(lo, hi)] = hit
        return hit

    def _tables_of(self, day_numbers: Iterable[int]) -> tuple[Any, ...]:
        """Per day (days since 1970, Beijing): epoch, policy_in_force's unmet bit, the day
        a document must be valid until, the stay deadline in µs since 1970 (null: no stay
        limit in force)."""
        rows = [self._day(dn) for dn in day_numbers]
        return (np.array([r[0] for r in rows], np.uint32),
                np.array([r[1] for r in rows], np.uint16),
                np.array([r[2] for r in rows], np.int32),
                pl.Series(values=[r[3] for r in rows], dtype=pl.Int64))

    def _day(self, day_number: int) -> tuple[int, int, int, int | None]:
        """(epoch, policy_in_force's bit, needed validity, deadline) for an entry day."""
        hit = self._days.get(day_number)
        if hit is None:
            day = EPOCH + timedelta(days=day_number)
            e = self.epochs.of(day) if self.as_of is None else self.epochs.of(self.as_of)
            r = self.day_rules[e]
            deadline = (None if r.hours is None else  # the single path's own rule, in µs
                        int(rule.stay_deadline(day, r.hours).timestamp()) * 1_000_000)
            hit = (e, 0 if r.in_force.met else bit(_C, "policy_in_force"),
                   days(rule.add_months(day, r.months)), deadline)
            self._days[day_number] = hit
        return hit

    def detail(self, decision: Decision) -> dict[str, Any]:
        """The details of a decision of the single path, as the batch writes them."""
        deadline = decision.details.get("stay_deadline")
        return {"stay_deadline": datetime.fromisoformat(deadline) if deadline else None}

    # ---------------------------------------------------------------- a batch

    def evaluate(self, table: pa.Table, carry: pl.DataFrame | None = None
                 ) -> tuple[pl.LazyFrame, np.ndarray]:
        """The plan of the answers for ``table`` (one row per input row: the columns of
        ``carry``, then ``mask`` (bit k set: condition k unmet), ``first`` (the first unmet
        condition's index), ``clause`` (its clause's index in ``clauses``) and the details
        (``stay_deadline``, µs since 1970)), and the rows that do not validate (their
        answers are meaningless; the caller rejects them)."""
        n = table.num_rows
        ep = self.epochs
        v = self.vocab
        col = table.column
        cols = set(table.column_names)

        nat = dictionary_codes(col("nationality"), v["nationality"])
        port = dictionary_codes(col("entry_port"), v["entry_port"])
        origin = dictionary_codes(col("origin"), v["origin"])
        dest = dictionary_codes(col("destination"), v["destination"])
        purpose = dictionary_codes(col("purpose"), v["purpose"])
        exit_ = (dictionary_codes(col("exit_port"), v["exit_port"]) if "exit_port" in cols
                 else pl.Series(values=np.zeros(n, np.uint32)))
        expiry, bad_expiry = day_numbers(col("passport_expiry"), self.checks["passport_expiry"])
        entry_us, bad_entry = instants(col("entry_time"), self.checks["entry_time"])
        dep_us, bad_dep = instants(col("departure_time"), self.checks["departure_time"])
        ticket, bad_ticket = booleans(col("onward_ticket"), self.checks["onward_ticket"])
        areas, bad_areas = self._areas(col("visit_areas") if "visit_areas" in cols else None, n)

        invalid = bad_expiry | bad_entry | bad_dep | bad_ticket | bad_areas
        invalid |= (dep_us <= entry_us) & ~bad_entry & ~bad_dep  # departure after entry
        for name, codes in (("nationality", nat), ("entry_port", port), ("origin", origin),
                            ("destination", dest), ("purpose", purpose),
                            ("exit_port", exit_)):
            bad = v[name].invalid_mask()
            if bad.any():  # only then look at the rows
                invalid |= bad[codes.to_numpy()]

        # Lookup tables: for each (epoch, code), the condition's unmet bit and its clause.
        nat_bit, nat_clause = self._per_epoch("nationality")
        port_bit, port_clause = self._per_epoch("entry_port")
        purpose_bit, _ = self._per_epoch("purpose")
        exit_bit, exit_clause = self._per_epoch("exit_port")
        third_bit = self._third_country()

        # Per entry day (Beijing): its epoch (unless --as-of fixes it), policy_in_force's
        # bit, the day a document must be valid until (the single path's add_months) and
        # the stay deadline (µs since 1970; null where no stay limit is in force).
        entry_day = beijing_days(entry_us)
        index, day_epoch, day_in_force, day_needed, day_deadline = self._day_tables(entry_day)

        frame = pl.DataFrame(
            {
                "nat": nat, "port": port, "origin": origin, "dest": dest, "purpose": purpose,
                "exit": exit_, "expiry": expiry, "day": index, "dep_us": dep_us,
                "ticket": ticket, "areas": areas,
            }
        )
        carried: list[pl.Expr] = []
        if carry is not None:
            frame = frame.hstack(carry.rename({c: f"__carry_{c}" for c in carry.columns}))
            carried = [pl.col(f"__carry_{c}").alias(c) for c in carry.columns]
        day, e = pl.col("day"), pl.col("epoch")

        def at(bits: np.ndarray, code: str) -> pl.Expr:
            """A (epoch, code) table read for each row."""
            return gather(bits, e * (len(bits) // len(ep)) + pl.col(code), pl.UInt16)

        def unless(met: pl.Expr, code: str) -> pl.Expr:
            return pl.when(met).then(pl.lit(0, pl.UInt16)).otherwise(
                pl.lit(bit(_C, code), pl.UInt16))

        n_dest = len(v["destination"])
        unmet = {  # each condition's unmet bit
            "policy_in_force": gather(day_in_force, day, pl.UInt16),
            "nationality": at(nat_bit, "nat"),
            "passport_validity": unless(pl.col("expiry") >= gather(day_needed, day, pl.Int32),
                                        "passport_validity"),
            "entry_port": at(port_bit, "port"),
            "third_country": gather(third_bit, pl.col("origin") * n_dest + pl.col("dest"),
                                    pl.UInt16),
            "onward_ticket": unless(pl.col("ticket"), "onward_ticket"),
            "within_stay": unless(pl.col("dep_us") <= pl.col("deadline"), "within_stay"),
            "purpose": at(purpose_bit, "purpose"),
            "visit_areas": unless(
                (pl.col("areas") & gather([1 << k for k in range(len(ep))], e, pl.Int32)) != 0,
                "visit_areas"),
            "exit_port": at(exit_bit, "exit"),
        }
        assert tuple(unmet) == CONDITIONS, "every declared condition, in order"
        mask: pl.Expr = pl.lit(0, pl.UInt16)
        for unmet_bit in unmet.values():
            mask = mask | unmet_bit

        # The clause of the first unmet condition: declared, or read from the data.
        first = pl.col("mask").bitwise_trailing_zeros()  # 16 where every condition is met
        width = np.iinfo(MASK).bits + 1
        clause: pl.Expr = gather(self._declared + [0] * (width - len(_C)), first, pl.UInt8)
        for k, table_, code in ((_C.bit("nationality"), nat_clause, "nat"),
                                (_C.bit("entry_port"), port_clause, "port"),
                                (_C.bit("exit_port"), exit_clause, "exit")):
            n_codes = len(table_) // len(ep)
            clause = pl.when(first == k).then(
                gather(table_, e * n_codes + pl.col(code), pl.UInt8)
            ).otherwise(clause)
        if self.as_of is not None:
            epoch: pl.Expr = pl.lit(ep.of(self.as_of), pl.UInt32)
        else:
            epoch = gather(day_epoch, day, pl.UInt32)
        plan = (
            frame.lazy()
            .with_columns(epoch=epoch, deadline=gather(day_deadline, day, pl.Int64))
            .with_columns(mask=mask)
            .select(
                *carried,
                mask=pl.col("mask"),
                first=pl.when(pl.col("mask") != 0).then(first.cast(pl.UInt8)),
                clause=pl.when(pl.col("mask") != 0).then(clause),
                stay_deadline=pl.col("deadline"),
            )
        )
        return plan, invalid

    # ---------------------------------------------------------------- compiled kernel

    def _by_dictionary(self, array: pa.Array | pa.ChunkedArray | None, name: str, n: int
                       ) -> tuple[np.ndarray, np.ndarray]:
        """A name column as (per-row index into its dictionary (int32), the dictionary's
        vocabulary codes): every name is looked up once per distinct value, never per row.
        Nulls index one more entry, vocabulary code 0 (missing); so does every row when
        there is no column."""
        if array is None:
            return np.zeros(n, np.int32), np.zeros(1, np.uint32)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
        if not pa.types.is_dictionary(array.type):
            array = pc.dictionary_encode(array)
        vocab = self.vocab[name]
        remap = np.append(vocab.encode(array.dictionary.to_pylist()), np.uint32(0))
        indices = array.indices
        width = np.dtype(indices.type.to_pandas_dtype())
        idx = np.frombuffer(indices.buffers()[1], dtype=width, count=len(indices),
                            offset=indices.offset * width.itemsize)
        if array.null_count:
            idx = np.where(valid_rows(array), idx, len(remap) - 1)
        return idx.astype(np.int32, copy=False), remap

    def _name_tables(self, remap: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Per (epoch, dictionary entry): condition ``name``'s unmet bit, with ``INVALID``
        set where the value does not validate; and the clause it cites."""
        bits, clause = self._per_epoch(name)
        ne = len(self.epochs)
        invalid = _invalid(self.vocab[name])[remap]
        table = np.ascontiguousarray(bits.reshape(ne, -1)[:, remap] | invalid, MASK)
        return table, np.ascontiguousarray(clause.reshape(ne, -1)[:, remap])

    def kernel(self, table: pa.Table) -> Answers:
        """The answers for ``table`` in one compiled pass over the rows
        (:func:`churujing.batch.kernels.m06_rows`; the same conditions as
        :meth:`evaluate`, which states them as Polars expressions)."""
        from churujing.batch import kernels

        n = table.num_rows
        col = table.column
        cols = set(table.column_names)

        def column(name: str) -> pa.ChunkedArray | None:
            return col(name) if name in cols else None

        expiry, bad_expiry = day_numbers(col("passport_expiry"), self.checks["passport_expiry"])
        entry_us, bad_entry = instants(col("entry_time"), self.checks["entry_time"])
        dep_us, bad_dep = instants(col("departure_time"), self.checks["departure_time"])
        ticket, bad_ticket = booleans(col("onward_ticket"), self.checks["onward_ticket"])
        areas, bad_areas = self._areas(column("visit_areas"), n)
        bad = bad_expiry | bad_entry | bad_dep | bad_ticket | bad_areas
        if not bad.any():
            bad = _NONE_BOOL

        if len(bad) and bad_entry.any():  # a day that builds no table: any valid row's
            entry_us = np.where(bad_entry, entry_us[np.argmin(bad_entry)], entry_us)
        # per entry day: epoch, policy_in_force's bit, validity needed, deadline
        lo, hi = kernels.call(kernels.day_span, entry_us)
        if hi - lo < _SPAN_DAYS:
            day_index = _NONE_INT32
            tables = self._span_tables(lo, max(lo, hi))
        else:  # entry days far apart: only the days present
            entry_day = beijing_days(entry_us)
            index, *rest = self._day_tables(entry_day)
            day_index, tables = index.astype(np.int32, copy=False), tuple(rest)
        day_epoch, day_in_force, day_needed, day_deadline = tables
        some_without_deadline = day_deadline.null_count() > 0
        # no stay limit in force: within_stay unmet, as the Polars plan's null comparison
        deadline_t = day_deadline.fill_null(_NO_DEADLINE).to_numpy()
        if self.as_of is not None:
            fixed = self.epochs.of(self.as_of)
        elif len(day_epoch) and day_epoch.min() == day_epoch.max():
            fixed = int(day_epoch[0])
        else:
            fixed = -1

        nat, nat_remap = self._by_dictionary(col("nationality"), "nationality", n)
        port, port_remap = self._by_dictionary(col("entry_port"), "entry_port", n)
        purpose, purpose_remap = self._by_dictionary(col("purpose"), "purpose", n)
        exit_, exit_remap = self._by_dictionary(column("exit_port"), "exit_port", n)
        nat_t, nat_c = self._name_tables(nat_remap, "nationality")
        port_t, port_c = self._name_tables(port_remap, "entry_port")
        purpose_t, _ = self._name_tables(purpose_remap, "purpose")
        exit_t, exit_c = self._name_tables(exit_remap, "exit_port")
        # the route: origin and destination read together through one table per batch
        origin, o_remap = self._by_dictionary(col("origin"), "origin", n)
        dest, d_remap = self._by_dictionary(col("destination"), "destination", n)
        third = self._third_country().reshape(len(self.vocab["origin"]), -1)
        pair_t = np.ascontiguousarray(
            third[o_remap][:, d_remap]
            | _invalid(self.vocab["origin"])[o_remap][:, None]
            | _invalid(self.vocab["destination"])[d_remap][None, :], MASK)
        epoch_bits = np.array([1 << k for k in range(len(self.epochs))], np.int32)

        mask = np.empty(n, np.uint16)
        first = np.empty(n, np.uint8)
        clause = np.empty(n, np.uint8)
        deadline = np.empty(n, np.int64)
        invalid = np.empty(n, np.bool_)
        kernels.call(
            kernels.m06_rows, nat, nat_t, port, port_t, origin, dest, pair_t, purpose,
            purpose_t, exit_, exit_t, expiry, entry_us, dep_us, ticket, areas, bad,
            lo, day_index, day_epoch, day_in_force, day_needed, deadline_t, fixed,
            epoch_bits, _FIRST, self._constant_clause, nat_c, port_c, exit_c,
            *_KERNEL_LAYOUT, out=(mask, first, clause, deadline, invalid))
        valid = deadline != _NO_DEADLINE if some_without_deadline else None
        return Answers(mask, first, clause, {"stay_deadline": (deadline, valid)}, invalid)

    def _areas(self, array: pa.Array | pa.ChunkedArray | None, n: int) -> tuple[np.ndarray,
                                                                               np.ndarray]:
        """Per row, a bit mask of the epochs in which every place to visit is allowed
        (all bits when none is given), and the rows with a value that does not validate."""
        full = (1 << len(self.epochs)) - 1
        if array is None:
            return np.full(n, full, dtype=np.int32), np.zeros(n, dtype=bool)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
        bad = np.zeros(n, dtype=bool)
        masks = np.full(n, full, dtype=np.int32)
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            array = _split(array)
        if not (pa.types.is_list(array.type) or pa.types.is_large_list(array.type)):
            return masks, ~np.asarray(array.is_null())  # not a list: invalid unless null
        width = np.int64 if pa.types.is_large_list(array.type) else np.int32
        offsets = np.frombuffer(array.buffers()[1], dtype=width, count=n + 1,
                                offset=array.offset * np.dtype(width).itemsize)
        base, end = int(offsets[0]), int(offsets[-1])
        if end == base:
            return masks, bad
        # per distinct element (through the elements' dictionary): allowed epochs, invalid
        from churujing.batch import kernels

        element, remap = self._by_dictionary(array.values.slice(base, end - base),
                                             "visit_area", end - base)
        allowed, element_bad = self._area_tables()
        row_valid = valid_rows(array) if array.null_count else _NONE_BOOL
        kernels.call(kernels.list_masks, offsets.astype(np.int64), element, allowed[remap],
                     element_bad[remap], row_valid, full, out=(masks, bad))
        return masks, bad

    def _area_tables(self) -> tuple[np.ndarray, np.ndarray]:
        """Per place code: a bit mask of the epochs in which it is allowed, and whether the
        value does not validate (code 0, a null element, does not)."""
        vocab = self.vocab["visit_area"]
        key = ("visit_area", len(vocab))
        hit = self._tables.get(key)
        if hit is not None:
            return hit
        allowed = np.zeros(len(vocab), dtype=np.int32)
        for code, value in enumerate(vocab.values):
            if value is not None:
                for e, r in enumerate(self.day_rules):
                    if r.area_allowed(value):
                        allowed[code] |= 1 << e
        element_bad = vocab.invalid_mask()
        element_bad[0] = True
        self._tables[key] = (allowed, element_bad)
        return allowed, element_bad


# Each name condition's (met, clause) for one vocabulary entry (code 0: missing; a value
# of None: a name that matched nothing, answered by the declared fallback), on one day.

def _nationality(r: rule.DayRules, code: int, x: places.Country | None) -> tuple[bool, str]:
    c = _C["nationality"].unrecognised() if x is None else r.nationality(x)
    return c.met, c.clause


def _entry_port(r: rule.DayRules, code: int, x: places.Port | None) -> tuple[bool, str]:
    c = _C["entry_port"].unrecognised() if x is None else r.entry_port(x)[0]
    return c.met, c.clause


def _exit_port(r: rule.DayRules, code: int, x: places.Port | None) -> tuple[bool, str]:
    # code 0: none given (the rule's own answer); otherwise a value not recognised
    c = _C["exit_port"].unrecognised() if x is None and code else r.exit_port(x)
    return c.met, c.clause


def _purpose(r: rule.DayRules, code: int, x: str | None) -> tuple[bool, str]:
    # a purpose is one of the model's words; None: missing (the row does not validate)
    return (r.purpose(x).met if x is not None else False), _C["purpose"].clause


#: condition code -> its vocabulary entries' (met, clause) on a day
_LOOKUPS: dict[str, Callable[[rule.DayRules, int, Any], tuple[bool, str]]] = {
    "nationality": _nationality,
    "entry_port": _entry_port,
    "purpose": _purpose,
    "exit_port": _exit_port,
}

#: what :func:`churujing.batch.kernels.m06_rows` needs of the declaration: the unmet bits
#: of the conditions it compares itself, the positions of those whose clause the data
#: refine, and the flag of a value that does not validate
_KERNEL_LAYOUT = (
    bit(_C, "passport_validity"), bit(_C, "onward_ticket"), bit(_C, "within_stay"),
    bit(_C, "visit_areas"), _C.bit("nationality"), _C.bit("entry_port"),
    _C.bit("exit_port"), INVALID,
)
assert len(_C) < np.iinfo(MASK).bits, "a condition's bit below INVALID"


def _invalid(vocab: Vocabulary[Any]) -> np.ndarray:
    """Per vocabulary code, ``INVALID`` where the value does not validate, else 0."""
    return np.where(vocab.invalid_mask(), MASK(INVALID), MASK(0))


class _ElementCheck(FieldCheck):
    """One element of a list fact, validated as the list's element."""

    def __init__(self, of: FieldCheck) -> None:
        self.name = of.name
        self.required = False
        self.adapter = of.adapter

    def __call__(self, value: Any) -> Any:
        out = super().__call__([value])
        return out[0] if isinstance(out, list) else out


def _split(array: pa.Array) -> pa.Array:
    """A list fact given as text (CSV): items separated by ``;``."""
    return pc.split_pattern(array, ";")

