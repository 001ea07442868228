"""The values of enumerated facts are named by the measures themselves, in one place
(``Measure.value_labels``): the pages take them from there, never from a list of their own."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import pytest

from churujing.measures import MEASURES, Measure
from churujing.policy import load_policy
from churujing.web import labels
from churujing.web.forms import fields_from_schema

DAY = date(2025, 11, 10)


def _enums(schema: Mapping[str, Any], root: Mapping[str, Any], prefix: str = "",
           ) -> Iterator[tuple[str, list[str]]]:
    for key, raw in (schema.get("properties") or {}).items():
        s = dict(raw)
        ref = s.get("$ref") or next((o.get("$ref") for o in s.get("anyOf", []) if "$ref" in o),
                                    None)
        if isinstance(ref, str):
            s = {**root["$defs"][ref.split("/")[-1]], **s}
        options = [s, *s.get("anyOf", [])]
        for o in options:
            if "enum" in o:
                yield prefix + key, [str(v) for v in o["enum"]]
        if s.get("properties"):
            yield from _enums(s, root, prefix + key + ".")


@pytest.mark.parametrize("m", MEASURES.values(), ids=lambda m: m.id)
def test_every_value_of_an_enumerated_fact_has_the_measures_own_name(m: Measure) -> None:
    schema = m.schema()
    names = m.value_labels(load_policy(), DAY)
    for field, values in _enums(schema, schema):
        missing = [v for v in values if v not in names.get(field, {})]
        assert not missing, f"{m.id}: {field}: no name for {missing}"


def test_the_form_shows_the_measures_names_in_each_language() -> None:
    m = MEASURES["online-renewal"]
    names = m.value_labels()
    for lang in ("zh", "en"):
        fields = {f.name: f for f in fields_from_schema(m.schema(), lang,
                                                        values=names)}
        shown = {c.value: c.label for c in fields["document"].choices}
        want = names["document"]["passport"].get(lang)
        assert shown["passport"] == (want[:1].upper() + want[1:] if lang == "en" else want)


def test_the_talent_categories_are_named_by_the_data_of_the_day() -> None:
    names = MEASURES["talent-endorsement"].value_labels(load_policy(), DAY)
    assert names["talent_category"]["outstanding"].zh == "杰出人才"


def test_the_pages_keep_no_list_of_values() -> None:
    assert not hasattr(labels, "VALUES")


def test_the_enumerated_facts_are_found() -> None:
    found = {(m.id, f) for m in MEASURES.values() for f, _ in _enums(m.schema(), m.schema())}
    assert {("smart-clearance", "endorsement.type"), ("arrival-card", "entry_mode"),
            ("talent-endorsement", "talent_category"), ("hetao-zone", "subject")} <= found
    assert len(found) >= 13
