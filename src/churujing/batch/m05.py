"""Measure 5 (24-hour direct transit), vectorised: the conditions as Polars expressions.

The conditions of :func:`churujing.measures.m05_direct_transit.decide`, with their codes,
order (each one's unmet bit) and clauses from the measure's declaration (``CONDITIONS``),
and the detail ``latest_departure``. Every condition but the time limit is read, per
epoch and per distinct value, from the measure's own per-day rules
(:class:`~churujing.measures.m05_direct_transit.DayRules`: the airport's condition per
airport, the route's per pair of countries, the ticket's and the restricted area's per
value, the nationality's); what is restated here is the time limit's arithmetic on
instants and combining the conditions.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from churujing import places
from churujing.batch.columns import beijing_days, booleans, instants
from churujing.batch.tables import (
    EPOCH,
    MASK,
    Vocabulary,
    bit,
    clause_table,
    declared_clauses,
    dictionary_codes,
    epoch_rules,
    field_checks,
    gather,
)
from churujing.decision import Decision
from churujing.measures import m05_direct_transit as rule
from churujing.policy import Policy

__all__ = ["CONDITIONS", "Rule"]

#: condition codes in the single path's order (its declaration's)
CONDITIONS: tuple[str, ...] = rule.CONDITIONS.codes
_C = rule.CONDITIONS
_ONE_US = timedelta(microseconds=1)


class Rule:
    """Measure 5 over Arrow batches; ``as_of`` fixes the day (else each row's arrival day)."""

    measure = rule.ID
    conditions = CONDITIONS
    details: Mapping[str, pl.DataType] = {
        "latest_departure": pl.Datetime("us", "Asia/Shanghai")
    }

    def __init__(self, policy: Policy, as_of: date | None = None) -> None:
        self.policy = policy
        self.as_of = as_of
        self.epochs, day_rules = epoch_rules(policy, rule)
        self.day_rules: list[rule.DayRules] = day_rules
        self.checks = field_checks(rule.Facts, ("origin", "destination"))

        def value(resolved: places.Resolved[Any]) -> Any:
            return resolved.value  # resolved at the facts boundary (churujing.refs)

        self.vocab: dict[str, Vocabulary[Any]] = {
            "airport": Vocabulary(self.checks["airport"], value),
            "origin": Vocabulary(self.checks["origin"], value),
            "destination": Vocabulary(self.checks["destination"], value),
            "nationality": Vocabulary(self.checks["nationality"], value),
        }
        self.max_us = [None if r.max_stay is None else r.max_stay // _ONE_US
                       for r in self.day_rules]
        self.clauses: tuple[str, ...] = clause_table(_C, rule.finer_clauses(policy))
        self._clause_index = {c: n for n, c in enumerate(self.clauses)}
        self._declared = declared_clauses(_C, self.clauses)
        self._tables: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = {}
        #: the countries of the journeys' ends met so far, numbered
        self._countries: dict[places.Country, int] = {}

    def _airports(self) -> tuple[np.ndarray, np.ndarray]:
        """(met, clause index) per (epoch, airport code), from the day's rules."""
        vocab = self.vocab["airport"]
        key = ("airport", len(vocab))
        hit = self._tables.get(key)
        if hit is not None:
            return hit
        n = len(vocab)
        met = np.zeros(len(self.epochs) * n, bool)
        clause = np.zeros(len(self.epochs) * n, np.uint8)
        for e, rules in enumerate(self.day_rules):
            for code, value in enumerate(vocab.values):
                cond = (_C["port"].unrecognised() if value is None
                        else rules.port(value)[0])
                met[e * n + code] = cond.met
                clause[e * n + code] = self._clause_index[cond.clause]
        self._tables[key] = (met, clause)
        return met, clause

    def _routes(self) -> np.ndarray:
        """Whether the route condition is met, per (epoch, origin, destination) of the
        countries met so far (flattened); the last origin and destination, one more: an
        end not recognised (the declared fallback; not in force: the day's answer)."""
        countries = list(self._countries)
        key = ("routes", len(countries))
        hit = self._tables.get(key)
        if hit is not None:
            return hit[0]
        n = len(countries) + 1
        ok = np.zeros((len(self.epochs), n, n), bool)
        for e, rules in enumerate(self.day_rules):
            if rules.requires_third_country is None:
                continue  # not in force: unmet whatever the route
            ok[e, :, :] = _C["third_country"].unrecognised().met
            for i, o in enumerate(countries):
                for j, d in enumerate(countries):
                    ok[e, i, j] = rules.third_country(o, d).met
        flat = ok.ravel()
        self._tables[key] = (flat, flat)
        return flat

    def _per_value(self, condition: str) -> list[bool]:
        """Whether a condition of one boolean fact is met, per (epoch, value): index
        ``epoch * 2 + value``."""
        out = []
        for rules in self.day_rules:
            ask = getattr(rules, condition)
            out += [ask(False).met, ask(True).met]
        return out

    def evaluate(self, table: pa.Table, carry: pl.DataFrame | None = None
                 ) -> tuple[pl.LazyFrame, np.ndarray]:
        """The plan of the answers (see :meth:`churujing.batch.m06.Rule.evaluate`)."""
        n = table.num_rows
        v = self.vocab
        cols = set(table.column_names)
        airport = dictionary_codes(table.column("airport"), v["airport"])
        origin = dictionary_codes(table.column("origin"), v["origin"])
        dest = dictionary_codes(table.column("destination"), v["destination"])
        nat = (dictionary_codes(table.column("nationality"), v["nationality"])
               if "nationality" in cols else pl.Series(values=np.zeros(n, np.uint32)))
        arr_us, bad_arr = instants(table.column("arrival_time"), self.checks["arrival_time"])
        dep_us, bad_dep = instants(table.column("departure_time"),
                                   self.checks["departure_time"])
        ticket, bad_ticket = booleans(table.column("connecting_ticket"),
                                      self.checks["connecting_ticket"])
        leaves, bad_leaves = booleans(table.column("leaves_restricted_area"),
                                      self.checks["leaves_restricted_area"])
        invalid = bad_arr | bad_dep | bad_ticket | bad_leaves
        invalid |= (dep_us < arr_us) & ~bad_arr & ~bad_dep  # departure not before arrival
        for name, codes in (("airport", airport), ("origin", origin), ("destination", dest),
                            ("nationality", nat)):
            bad = v[name].invalid_mask()
            if bad.any():
                invalid |= bad[codes.to_numpy()]

        port_met, port_clause = self._airports()
        n_port = len(v["airport"])
        o_ids = v["origin"].numbers(self._countries)
        d_ids = v["destination"].numbers(self._countries)
        routes = self._routes()
        n_country = len(self._countries) + 1
        o_ids[o_ids < 0] = n_country - 1  # not recognised: the last row and column
        d_ids[d_ids < 0] = n_country - 1
        day = beijing_days(arr_us)
        if self.as_of is not None:
            epoch = np.full(n, self.epochs.of(self.as_of), np.uint32)
        else:
            bounds = np.array([(b - EPOCH).days for b in self.epochs.boundaries], np.int64)
            epoch = np.searchsorted(bounds, day, side="right").astype(np.uint32)
        frame = pl.DataFrame({
            "airport": airport, "origin": o_ids[origin.to_numpy()],
            "dest": d_ids[dest.to_numpy()], "epoch": epoch, "arr_us": arr_us,
            "dep_us": dep_us, "ticket": ticket, "leaves": leaves,
        })
        carried: list[pl.Expr] = []
        if carry is not None:
            frame = frame.hstack(carry.rename({c: f"__carry_{c}" for c in carry.columns}))
            carried = [pl.col(f"__carry_{c}").alias(c) for c in carry.columns]
        e = pl.col("epoch")
        max_us = gather(self.max_us, e, pl.Int64)  # null: not yet in force

        def by_value(condition: str, fact: str) -> pl.Expr:
            return gather(self._per_value(condition), e * 2 + pl.col(fact).cast(pl.UInt32),
                          pl.Boolean)

        met = {
            "port": gather(port_met, e * n_port + pl.col("airport"), pl.Boolean),
            "within_stay": max_us.is_not_null() & (pl.col("dep_us") - pl.col("arr_us")
                                                  <= max_us),
            "third_country": gather(
                routes, (e * n_country + pl.col("origin")) * n_country + pl.col("dest"),
                pl.Boolean),
            "onward_ticket": by_value("onward_ticket", "ticket"),
            "restricted_area": by_value("restricted_area", "leaves"),
            "nationality": gather([r.nationality().met for r in self.day_rules], e,
                                  pl.Boolean),
        }
        assert tuple(met) == CONDITIONS, "every declared condition, in order"
        mask: pl.Expr = pl.lit(0, pl.UInt16)
        for code, m in met.items():
            mask = mask | pl.when(m.fill_null(False)).then(pl.lit(0, pl.UInt16)).otherwise(
                pl.lit(bit(_C, code), pl.UInt16))
        first = pl.col("mask").bitwise_trailing_zeros()
        width = np.iinfo(MASK).bits + 1
        clause = pl.when(first == _C.bit("port")).then(
            gather(port_clause, e * n_port + pl.col("airport"), pl.UInt8)
        ).otherwise(gather(self._declared + [0] * (width - len(_C)), first, pl.UInt8))
        plan = frame.lazy().with_columns(mask=mask).select(
            *carried,
            mask=pl.col("mask"),
            first=pl.when(pl.col("mask") != 0).then(first.cast(pl.UInt8)),
            clause=pl.when(pl.col("mask") != 0).then(clause),
            latest_departure=pl.col("arr_us") + max_us,
        )
        return plan, invalid

    def detail(self, decision: Decision) -> dict[str, Any]:
        """The details of a decision of the single path, as the batch writes them."""
        return {"latest_departure": decision.details.get("latest_departure")}
