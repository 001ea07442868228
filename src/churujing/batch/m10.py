"""Measure 10 (the foreigner arrival card), vectorised: the conditions as Polars expressions.

The same two conditions as :func:`churujing.measures.m10_arrival_card.decide`, in the same
order with the same codes and clauses (``foreign_national``, ``online_filing_open``, both
M10.1), and its details ``required`` and ``exemption`` (the exemption's code). Lookup
tables are filled per distinct value and per epoch by the single path's own helpers
(``_matches``, ``_exemption``, the channels table), so only the combining is restated.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from churujing import places
from churujing.batch.columns import instants
from churujing.batch.tables import (
    EPOCH,
    Epochs,
    FieldCheck,
    Vocabulary,
    dictionary_codes,
    gather,
)
from churujing.decision import Decision
from churujing.measures import m10_arrival_card as rule
from churujing.policy import Policy

__all__ = ["CONDITIONS", "Rule"]

CONDITIONS: tuple[str, ...] = ("foreign_national", "online_filing_open")
_US_PER_DAY = 86_400_000_000
_BEIJING_US = 8 * 3_600_000_000


class Rule:
    """Measure 10 over Arrow batches; ``as_of`` fixes the day (else each row's entry day)."""

    measure = rule.ID
    conditions = CONDITIONS
    details: Mapping[str, pl.DataType] = {"required": pl.Boolean(), "exemption": pl.String()}

    def __init__(self, policy: Policy, as_of: date | None = None) -> None:
        self.policy = policy
        self.as_of = as_of
        self.epochs = Epochs(policy, ("m10.channels", "m10.exemptions"), ())
        self.channels = policy.table("m10.channels")
        self.exemptions = policy.table("m10.exemptions")
        f = rule.Facts
        self.checks = {name: FieldCheck(f, name) for name in f.model_fields}
        self.defaults = {n: i.default for n, i in f.model_fields.items() if not i.is_required()}

        def country(resolved: places.Resolved[places.Country]) -> places.Country | None:
            return resolved.value  # resolved at the facts boundary (churujing.refs)

        self.vocab: dict[str, Vocabulary[Any]] = {
            "nationality": Vocabulary(self.checks["nationality"], country),
            "document": Vocabulary(self.checks["document"], lambda v: v),
            "entry_mode": Vocabulary(self.checks["entry_mode"], lambda v: v),
        }
        self.clauses: tuple[str, ...] = (rule.CLAUSE + ".1",)
        self.codes = sorted(i.key for i in self.exemptions)
        self._tables: dict[tuple[str, int, int], np.ndarray] = {}

    def _value(self, name: str, code: int) -> Any:
        """A vocabulary's value; code 0 (not given) is the fact's default."""
        return self.vocab[name].values[code] if code else self.defaults.get(name)

    def _exempt(self) -> np.ndarray:
        """Exemption per (epoch, document, mode): index in ``codes`` + 1, 0 for none."""
        docs, modes = self.vocab["document"], self.vocab["entry_mode"]
        key = ("exempt", len(docs), len(modes))
        hit = self._tables.get(key)
        if hit is not None:
            return hit
        out = np.zeros((len(self.epochs), len(docs), len(modes)), np.uint8)
        for e, day in enumerate(self.epochs.days):
            active = self.exemptions.active(day)
            for d in range(len(docs)):
                for m in range(len(modes)):
                    values = {"document": self._value("document", d),
                              "entry_mode": self._value("entry_mode", m)}
                    for item in active:
                        if rule._matches(item, values):
                            out[e, d, m] = self.codes.index(rule._exemption(item, day)["code"]) + 1
                            break
        flat = out.ravel()
        self._tables[key] = flat
        return flat

    def evaluate(self, table: pa.Table, carry: pl.DataFrame | None = None
                 ) -> tuple[pl.LazyFrame, np.ndarray]:
        """The plan of the answers (see :meth:`churujing.batch.m06.Rule.evaluate`)."""
        n = table.num_rows
        v = self.vocab
        cols = set(table.column_names)
        nat = dictionary_codes(table.column("nationality"), v["nationality"])
        doc = (dictionary_codes(table.column("document"), v["document"]) if "document" in cols
               else pl.Series(values=np.zeros(n, np.uint32)))
        mode = (dictionary_codes(table.column("entry_mode"), v["entry_mode"])
                if "entry_mode" in cols else pl.Series(values=np.zeros(n, np.uint32)))
        entry_us, invalid = instants(table.column("entry_date"), self.checks["entry_date"])
        invalid = invalid.copy()
        for name, codes in (("nationality", nat), ("document", doc), ("entry_mode", mode)):
            bad = v[name].invalid_mask()
            if name != "nationality":
                bad[0] = False  # not given: the default
            if bad.any():
                invalid |= bad[codes.to_numpy()]

        nats = v["nationality"].values
        foreign = np.array([c is not None and not (c.code == "CN" or c.is_region)
                            for c in nats], bool)
        chinese = np.array([c is not None and (c.code == "CN" or c.is_region) for c in nats],
                           bool)
        online = [any(i.get("online") for i in self.channels.active(d))
                  for d in self.epochs.days]
        exempt = self._exempt()
        n_doc, n_mode = len(v["document"]), len(v["entry_mode"])

        day = (entry_us + _BEIJING_US) // _US_PER_DAY
        if self.as_of is not None:
            epoch = np.full(n, self.epochs.of(self.as_of), np.uint32)
        else:
            epoch = self._epochs_of(day)
        frame = pl.DataFrame({"nat": nat, "doc": doc, "mode": mode, "epoch": epoch})
        carried: list[pl.Expr] = []
        if carry is not None:
            frame = frame.hstack(carry.rename({c: f"__carry_{c}" for c in carry.columns}))
            carried = [pl.col(f"__carry_{c}").alias(c) for c in carry.columns]
        e = pl.col("epoch")
        unmet = [
            pl.when(gather(foreign, pl.col("nat"), pl.Boolean)).then(pl.lit(0, pl.UInt16))
            .otherwise(pl.lit(1, pl.UInt16)),                                 # foreign_national
            pl.when(gather(online, e, pl.Boolean)).then(pl.lit(0, pl.UInt16))
            .otherwise(pl.lit(2, pl.UInt16)),                                 # online_filing_open
        ]
        exemption = gather(exempt, (e * n_doc + pl.col("doc")) * n_mode + pl.col("mode"),
                           pl.UInt8)
        is_chinese = gather(chinese, pl.col("nat"), pl.Boolean)
        names = pl.Series([None, *self.codes], dtype=pl.String)
        plan = frame.lazy().with_columns(mask=unmet[0] | unmet[1]).select(
            *carried,
            mask=pl.col("mask"),
            first=pl.when(pl.col("mask") != 0).then(
                pl.col("mask").bitwise_trailing_zeros().cast(pl.UInt8)),
            clause=pl.when(pl.col("mask") != 0).then(pl.lit(0, pl.UInt8)),
            required=~is_chinese & (exemption == 0),
            exemption=pl.when(~is_chinese).then(pl.lit(names).gather(exemption)),
        )
        return plan, invalid

    def _epochs_of(self, day: np.ndarray) -> np.ndarray:
        bounds = np.array([(b - EPOCH).days for b in self.epochs.boundaries], np.int64)
        return np.searchsorted(bounds, day, side="right").astype(np.uint32)

    def detail(self, decision: Decision) -> dict[str, Any]:
        """The details of a decision of the single path, as the batch writes them."""
        exemption = decision.details.get("exemption")
        return {"required": decision.details.get("required"),
                "exemption": exemption["code"] if exemption else None}

