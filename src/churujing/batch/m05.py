"""Measure 5 (24-hour direct transit), vectorised: the conditions as Polars expressions.

The same six conditions as :func:`churujing.measures.m05_direct_transit.decide`, in the
same order with the same codes and clauses (``airport``, ``within_24h``,
``third_country``, ``connecting_ticket``, ``restricted_area``, ``nationality``), and the
detail ``latest_departure``. The airport's condition (met and clause, per airport and
epoch) is read from the single path itself: :func:`decide` is asked once per distinct
airport and epoch, and only that condition of its answer is kept (it depends on nothing
else). The time limit, the route test's switch and the nationality switch are the
policy's parameters on each epoch.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from churujing import places
from churujing.batch.columns import booleans, instants
from churujing.batch.tables import EPOCH, Epochs, FieldCheck, Vocabulary, dictionary_codes, gather
from churujing.decision import Decision
from churujing.facts import BEIJING
from churujing.measures import m05_direct_transit as rule
from churujing.policy import Policy

__all__ = ["CONDITIONS", "Rule"]

CONDITIONS: tuple[str, ...] = ("airport", "within_24h", "third_country", "connecting_ticket",
                               "restricted_area", "nationality")
_US_PER_DAY = 86_400_000_000
_BEIJING_US = 8 * 3_600_000_000
_ONE_US = timedelta(microseconds=1)
_PARAMETERS = ("m05.max_hours", "m05.requires_third_country", "m05.nationality_restricted")


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
        self.epochs = Epochs(policy, ("m05.airports", "ports"), _PARAMETERS)
        f = rule.Facts
        self.checks = {
            name: FieldCheck(f, name, required=True if name in ("origin", "destination") else None)
            for name in f.model_fields}

        def value(resolved: places.Resolved[Any]) -> Any:
            return resolved.value  # resolved at the facts boundary (churujing.refs)

        self.vocab: dict[str, Vocabulary[Any]] = {
            "airport": Vocabulary(self.checks["airport"], lambda r: (r.query, r.value)),
            "origin": Vocabulary(self.checks["origin"], value),
            "destination": Vocabulary(self.checks["destination"], value),
            "nationality": Vocabulary(self.checks["nationality"], value),
        }
        days = self.epochs.days
        self.max_us = [None if (h := policy.value("m05.max_hours", d)) is None
                       else timedelta(hours=float(h)) // _ONE_US for d in days]
        self.third = [policy.value("m05.requires_third_country", d) for d in days]
        self.restricted = [policy.value("m05.nationality_restricted", d) for d in days]
        clauses = {rule.CLAUSE + ".1", rule.CLAUSE + ".2"}
        for item in policy.table("m05.airports"):
            clauses.update(p.ref.clause for p in item.periods if p.ref.clause)
        self.clauses: tuple[str, ...] = tuple(sorted(clauses))
        self._clause_index = {c: n for n, c in enumerate(self.clauses)}
        self._tables: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = {}
        self._countries: dict[str, int] = {"CN": 0}

    def _airports(self) -> tuple[np.ndarray, np.ndarray]:
        """(met, clause index) per (epoch, airport code), from the single path's answer."""
        vocab = self.vocab["airport"]
        key = ("airport", len(vocab))
        hit = self._tables.get(key)
        if hit is not None:
            return hit
        n = len(vocab)
        met = np.zeros(len(self.epochs) * n, bool)
        clause = np.zeros(len(self.epochs) * n, np.uint8)
        for e, day in enumerate(self.epochs.days):
            arrival = datetime.combine(day, time(12), BEIJING)
            for code, value in enumerate(vocab.values):
                if value is None:
                    ok, c = False, rule.CLAUSE + ".1"
                else:
                    probe = rule.Facts(
                        airport=value[0], arrival_time=arrival,
                        departure_time=arrival + timedelta(hours=1), origin="US",
                        destination="JP", connecting_ticket=True, leaves_restricted_area=False,
                    )
                    cond = rule.decide(probe, day, policy=self.policy).condition("airport")
                    ok, c = cond.met, cond.clause
                met[e * n + code] = ok
                clause[e * n + code] = self._clause_index[c]
        self._tables[key] = (met, clause)
        return met, clause

    def _country_ids(self, vocab: Vocabulary[Any]) -> np.ndarray:
        out = np.full(len(vocab), -1, dtype=np.int32)
        for code, value in enumerate(vocab.values):
            if value is not None:
                out[code] = self._countries.setdefault(value.code, len(self._countries))
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
        o_ids, d_ids = self._country_ids(v["origin"]), self._country_ids(v["destination"])
        day = (arr_us + _BEIJING_US) // _US_PER_DAY
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
        in_force = max_us.is_not_null()
        third = gather([bool(t) for t in self.third], e, pl.Boolean)
        third_known = gather([t is not None for t in self.third], e, pl.Boolean)
        open_to_all = gather([r is not None and not r for r in self.restricted], e, pl.Boolean)
        o, d = pl.col("origin"), pl.col("dest")
        mainland = self._countries["CN"]
        met = [
            gather(port_met, e * n_port + pl.col("airport"), pl.Boolean),
            in_force & (pl.col("dep_us") - pl.col("arr_us") <= max_us),
            third_known & (o >= 0) & (d >= 0) & (o != mainland) & (d != mainland)
            & (~third | (o != d)),
            in_force & pl.col("ticket"),
            in_force & ~pl.col("leaves"),
            open_to_all,
        ]
        mask: pl.Expr = pl.lit(0, pl.UInt16)
        for k, m in enumerate(met):
            mask = mask | pl.when(m.fill_null(False)).then(pl.lit(0, pl.UInt16)).otherwise(
                pl.lit(1 << k, pl.UInt16))
        first = pl.col("mask").bitwise_trailing_zeros()
        m2 = self._clause_index[rule.CLAUSE + ".2"]
        clause = pl.when(first == 0).then(
            gather(port_clause, e * n_port + pl.col("airport"), pl.UInt8)
        ).otherwise(pl.lit(m2, pl.UInt8))
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
