"""Measure 10 (the foreigner arrival card), vectorised: the conditions as Polars expressions.

The conditions of :func:`churujing.measures.m10_arrival_card.decide`, with their codes,
order (each one's unmet bit) and clauses from the measure's declaration (``CONDITIONS``),
and its details ``required`` and ``exemption`` (the exemption's code). Lookup tables are
filled per distinct value and per epoch by the measure's own rules (``foreign_national``
per nationality; :class:`~churujing.measures.m10_arrival_card.DayRules` per epoch: online
filing open, the exemption per document and mode) and the shared predicate
:func:`churujing.predicates.chinese_citizen`, so only the combining is restated.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from churujing import places, predicates
from churujing.batch.columns import beijing_days, instants
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
from churujing.measures import m10_arrival_card as rule
from churujing.policy import Policy

__all__ = ["CONDITIONS", "Rule"]

#: condition codes in the single path's order (its declaration's)
CONDITIONS: tuple[str, ...] = rule.CONDITIONS.codes
_C = rule.CONDITIONS


class Rule:
    """Measure 10 over Arrow batches; ``as_of`` fixes the day (else each row's entry day)."""

    measure = rule.ID
    conditions = CONDITIONS
    details: Mapping[str, pl.DataType] = {"required": pl.Boolean(), "exemption": pl.String()}

    def __init__(self, policy: Policy, as_of: date | None = None) -> None:
        self.policy = policy
        self.as_of = as_of
        self.epochs, day_rules = epoch_rules(policy, rule)
        self.day_rules: list[rule.DayRules] = day_rules
        self.exemptions = policy.table("m10.exemptions")
        f = rule.Facts
        self.checks = field_checks(f)
        self.defaults = {n: i.default for n, i in f.model_fields.items() if not i.is_required()}

        def country(resolved: places.Resolved[places.Country]) -> places.Country | None:
            return resolved.value  # resolved at the facts boundary (churujing.refs)

        self.vocab: dict[str, Vocabulary[Any]] = {
            "nationality": Vocabulary(self.checks["nationality"], country),
            "document": Vocabulary(self.checks["document"], lambda v: v),
            "entry_mode": Vocabulary(self.checks["entry_mode"], lambda v: v),
        }
        self.clauses: tuple[str, ...] = clause_table(_C)
        self._declared = declared_clauses(_C, self.clauses)
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
        for e, rules in enumerate(self.day_rules):
            for d in range(len(docs)):
                for m in range(len(modes)):
                    found = rules.exemption(self._value("document", d),
                                            self._value("entry_mode", m))
                    if found is not None:
                        out[e, d, m] = self.codes.index(found["code"]) + 1
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
        fallback = _C["foreign_national"].unrecognised().met
        foreign = np.array([fallback if c is None else rule.foreign_national(c).met
                            for c in nats], bool)
        chinese = np.array([c is not None and predicates.chinese_citizen(c) for c in nats],
                           bool)
        online = [r.online_filing_open.met for r in self.day_rules]
        exempt = self._exempt()
        n_doc, n_mode = len(v["document"]), len(v["entry_mode"])

        day = beijing_days(entry_us)
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
        met = {
            "foreign_national": gather(foreign, pl.col("nat"), pl.Boolean),
            "policy_in_force": gather(online, e, pl.Boolean),
        }
        assert tuple(met) == CONDITIONS, "every declared condition, in order"
        mask: pl.Expr = pl.lit(0, pl.UInt16)
        for code, m in met.items():
            mask = mask | pl.when(m).then(pl.lit(0, pl.UInt16)).otherwise(
                pl.lit(bit(_C, code), pl.UInt16))
        width = np.iinfo(MASK).bits + 1
        first = pl.col("mask").bitwise_trailing_zeros()
        exemption = gather(exempt, (e * n_doc + pl.col("doc")) * n_mode + pl.col("mode"),
                           pl.UInt8)
        is_chinese = gather(chinese, pl.col("nat"), pl.Boolean)
        names = pl.Series([None, *self.codes], dtype=pl.String)
        plan = frame.lazy().with_columns(mask=mask).select(
            *carried,
            mask=pl.col("mask"),
            first=pl.when(pl.col("mask") != 0).then(first.cast(pl.UInt8)),
            clause=pl.when(pl.col("mask") != 0).then(
                gather(self._declared + [0] * (width - len(_C)), first, pl.UInt8)),
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

