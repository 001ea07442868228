"""The ten measures, one pure module each, and their registry.

Each module exposes ``ID`` (the public measure id), ``CLAUSE``, ``TITLE``, a ``Facts``
model and ``decide(facts, as_of=None, *, policy=None) -> Decision``; a measure whose
facts take enumerated values names them in ``VALUE_LABELS`` (fact path -> value ->
Text), or, where the data holds the names, in ``value_labels(policy, day)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from importlib import import_module
from types import ModuleType
from typing import Any

from churujing.decision import Decision, Text
from churujing.errors import UnknownMeasureError
from churujing.facts import FactsModel, parse_facts
from churujing.policy import Policy

__all__ = ["MEASURES", "Measure", "check", "get_measure"]

# Module names in the order of the announcement's measures.
_MODULES = (
    "m01_talent_endorsement",
    "m02_taiwan_family_visit",
    "m03_smart_clearance",
    "m04_hetao_zone",
    "m05_direct_transit",
    "m06_visa_free_transit",
    "m07_online_renewal",
    "m08_family_visit_extension",
    "m09_taiwan_permit",
    "m10_arrival_card",
)


@dataclass(frozen=True)
class Measure:
    id: str
    clause: str
    title: Text
    facts: type[FactsModel]
    decide: Callable[..., Decision]
    module: ModuleType

    def parse(self, data: Any, *, policy: Policy | None = None
              ) -> tuple[FactsModel, tuple[Text, ...]]:
        """Validate a JSON object of facts, resolving its names of places (FactsError names
        every invalid field otherwise); returns the facts and their warnings."""
        return parse_facts(self.facts, data, policy=policy)

    def check(self, data: Any, as_of: date | None = None, *,
              policy: Policy | None = None) -> Decision:
        """Validate ``data`` and decide; the facts' warnings (names not recognised, unknown
        keys) come first among the decision's."""
        facts, warnings = self.parse(data, policy=policy)
        decision: Decision = self.decide(facts, as_of, policy=policy)
        if warnings:
            decision = replace(decision, warnings=warnings + decision.warnings)
        return decision

    def schema(self) -> dict[str, Any]:
        return self.facts.model_json_schema()

    def value_labels(self, policy: Policy | None = None, day: date | None = None,
                     ) -> Mapping[str, Mapping[str, Text]]:
        """What each value of an enumerated fact is called (fact path, dotted inside a
        nested fact, -> value -> Text): the module's own table ``VALUE_LABELS``, or, where
        the names are data, what its ``value_labels(policy, day)`` reads."""
        read = getattr(self.module, "value_labels", None)
        if read is not None:
            found: Mapping[str, Mapping[str, Text]] = read(policy, day)
            return found
        table: Mapping[str, Mapping[str, Text]] = getattr(self.module, "VALUE_LABELS", {})
        return table


def _load() -> dict[str, Measure]:
    """Every measure module, imported: a missing or broken module is an import error, never
    a measure silently left out."""
    found: dict[str, Measure] = {}
    for name in _MODULES:
        mod = import_module(f"{__name__}.{name}")
        found[mod.ID] = Measure(mod.ID, mod.CLAUSE, mod.TITLE, mod.Facts, mod.decide, mod)
    return found


MEASURES: dict[str, Measure] = _load()


def get_measure(measure_id: str) -> Measure:
    try:
        return MEASURES[measure_id]
    except KeyError:
        raise UnknownMeasureError(measure_id, known=tuple(MEASURES)) from None


def check(measure_id: str, facts: Mapping[str, Any], as_of: date | None = None, *,
          policy: Policy | None = None) -> Decision:
    """Decide ``measure_id`` for ``facts`` (a JSON-like mapping) as of ``as_of``."""
    return get_measure(measure_id).check(facts, as_of, policy=policy)
