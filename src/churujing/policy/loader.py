"""Typed access to the dated, cited policy data in ``policy/data/**.yaml``.

The file formats are described in ``docs/ARCHITECTURE.md``. Two shapes:

* a :class:`Table` — items whose membership changes over time (ports, countries…),
  each item carrying :class:`Period` s, each period a :class:`Ref`;
* a :class:`Parameter` — a scalar (or list, or mapping) whose value changes over time.

Loading validates structure and citations and raises :class:`~churujing.errors.DataError`
on the first problem, naming the file and the item.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib.resources import files
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import yaml

from churujing._yaml import load_yaml
from churujing.decision import Text
from churujing.errors import DataError
from churujing.policy.sources import PUBLISHERS_FILE, Publishers, load_publishers

__all__ = [
    "Change",
    "Item",
    "Parameter",
    "Period",
    "Policy",
    "Ref",
    "Table",
    "Value",
    "load_policy",
    "load_policy_from",
]

Confidence = Literal["high", "med", "low"]
_CONFIDENCE = ("high", "med", "low")


@dataclass(frozen=True, slots=True)
class Ref:
    """A citation: a clause of the announcement and/or a public source, with a confidence."""

    clause: str | None
    source: str | None
    confidence: Confidence
    note: str | None = None
    #: The source is not a primary source nor a publisher on the accepted list
    #: (``policy/data/publishers.yaml``); allowed only with ``confidence: low``.
    secondary: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in (("clause", self.clause), ("source", self.source),
                                  ("confidence", self.confidence), ("note", self.note),
                                  ("secondary", self.secondary)) if v}


@dataclass(frozen=True, slots=True)
class Period:
    """``start`` inclusive, ``end`` exclusive; ``None`` = open on that side."""

    start: date | None
    end: date | None
    ref: Ref

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True, eq=False)
class Item:
    key: str
    attrs: Mapping[str, Any]
    periods: tuple[Period, ...]

    def period(self, day: date) -> Period | None:
        """The period in force on ``day``, or None."""
        for p in self.periods:
            if p.contains(day):
                return p
        return None

    def active(self, day: date) -> bool:
        return self.period(day) is not None

    def __getitem__(self, name: str) -> Any:
        return self.attrs[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.attrs.get(name, default)

    @property
    def ref(self) -> Ref:
        """The reference of the item's latest period."""
        return self.periods[-1].ref


@dataclass(frozen=True, slots=True)
class Change:
    """An item that entered or left a table between two dates."""

    table: str
    key: str
    change: Literal["added", "removed"]
    on: date
    ref: Ref
    item: Item


@dataclass(frozen=True, eq=False)
class Table:
    name: str
    title: Text
    key_field: str
    items: tuple[Item, ...]
    path: str
    _index: dict[str, Item] = field(default_factory=dict, repr=False)
    _active_cache: dict[date, tuple[Item, ...]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for item in self.items:
            self._index[item.key] = item

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, key: str) -> Item | None:
        return self._index.get(key)

    def period(self, key: str, day: date) -> Period | None:
        """The period in which ``key`` is a member on ``day``, or None."""
        item = self._index.get(key)
        return item.period(day) if item is not None else None

    def active(self, day: date) -> tuple[Item, ...]:
        """The items in force on ``day`` (cached per day)."""
        hit = self._active_cache.get(day)
        if hit is None:
            hit = tuple(i for i in self.items if i.active(day))
            if len(self._active_cache) < 4096:
                self._active_cache[day] = hit
        return hit

    def keys(self, day: date) -> frozenset[str]:
        return frozenset(i.key for i in self.active(day))

    def boundaries(self) -> tuple[date, ...]:
        """Every date on which the membership of this table changes."""
        days = {p.start for i in self.items for p in i.periods if p.start}
        days |= {p.end for i in self.items for p in i.periods if p.end}
        return tuple(sorted(days))

    def changes(self, start: date, end: date) -> tuple[Change, ...]:
        """Items added or removed on a day in ``(start, end]``, in date order."""
        out: list[Change] = []
        for item in self.items:
            for p in item.periods:
                if p.start and start < p.start <= end and not item.active(p.start - _ONE_DAY):
                    out.append(Change(self.name, item.key, "added", p.start, p.ref, item))
                if p.end and start < p.end <= end and not item.active(p.end):
                    out.append(Change(self.name, item.key, "removed", p.end, p.ref, item))
        return tuple(sorted(out, key=lambda c: (c.on, c.key)))


@dataclass(frozen=True, slots=True)
class Value:
    start: date | None
    end: date | None
    value: Any
    ref: Ref


@dataclass(frozen=True)
class Parameter:
    name: str
    title: Text
    unit: str | None
    values: tuple[Value, ...]
    path: str

    def at(self, day: date) -> Value | None:
        """The value in force on ``day`` (the latest one started on or before it), or None."""
        found: Value | None = None
        for v in self.values:
            if (v.start is None or v.start <= day) and (v.end is None or day < v.end):
                found = v
        return found

    def changes(self, start: date, end: date) -> tuple[Value, ...]:
        return tuple(v for v in self.values if v.start and start < v.start <= end)


@dataclass(frozen=True, eq=False)
class Policy:
    """All the policy data: tables and parameters by name, and a version hash of the files."""

    tables: Mapping[str, Table]
    parameters: Mapping[str, Parameter]
    version: str
    root: str
    #: The accepted publishers of sources (``publishers.yaml``); None if the root has none.
    publishers: Publishers | None = None

    def table(self, name: str) -> Table:
        try:
            return self.tables[name]
        except KeyError:
            raise DataError(f"no policy table named {name!r}") from None

    def param(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise DataError(f"no policy parameter named {name!r}") from None

    def value(self, name: str, day: date, default: Any = None) -> Any:
        """The value of parameter ``name`` on ``day`` (``default`` if none is in force)."""
        v = self.param(name).at(day)
        return default if v is None else v.value

    def changes(self, start: date, end: date) -> tuple[Change | tuple[str, Value], ...]:
        out: list[Change | tuple[str, Value]] = []
        for t in self.tables.values():
            out.extend(t.changes(start, end))
        for p in self.parameters.values():
            out.extend((p.name, v) for v in p.changes(start, end))
        return tuple(out)


_ONE_DAY = timedelta(days=1)


# --------------------------------------------------------------------------- loading


def _date(value: Any, where: str, path: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise DataError(f"{where}: expected a date YYYY-MM-DD or null, got {value!r}", path=path)


def _text(value: Any, where: str, path: str) -> Text:
    if isinstance(value, Mapping) and isinstance(value.get("zh"), str) and isinstance(
        value.get("en"), str
    ):
        return Text(value["zh"], value["en"])
    raise DataError(f"{where}: expected {{zh: ..., en: ...}}, got {value!r}", path=path)


def _ref(value: Any, where: str, path: str, clause_override: str | None = None) -> Ref:
    if not isinstance(value, Mapping):
        raise DataError(f"{where}: every value needs a ref {{clause|source, confidence}}",
                        path=path)
    clause = clause_override or value.get("clause")
    source = value.get("source")
    if not clause and not source:
        raise DataError(f"{where}: ref needs a clause or a source", path=path)
    confidence = value.get("confidence")
    if confidence not in _CONFIDENCE:
        raise DataError(f"{where}: ref.confidence must be one of high|med|low", path=path)
    secondary = value.get("secondary", False)
    if not isinstance(secondary, bool):
        raise DataError(f"{where}: ref.secondary must be true or false", path=path)
    if secondary and confidence != "low":
        raise DataError(f"{where}: ref.secondary is allowed only with confidence: low "
                        "(a value resting on a secondary source cannot be more certain)",
                        path=path)
    if secondary and not source:
        raise DataError(f"{where}: ref.secondary marks a source: give the source", path=path)
    return Ref(clause=str(clause) if clause else None, source=source, confidence=confidence,
               note=value.get("note"), secondary=secondary)


def _periods(raw: Any, where: str, path: str, clause_override: str | None) -> tuple[Period, ...]:
    if not isinstance(raw, list) or not raw:
        raise DataError(f"{where}: expected a non-empty list of periods", path=path)
    out = []
    for n, p in enumerate(raw):
        if not isinstance(p, Mapping):
            raise DataError(f"{where}.periods[{n}]: expected a mapping", path=path)
        w = f"{where}.periods[{n}]"
        start, end = _date(p.get("from"), w + ".from", path), _date(p.get("to"), w + ".to", path)
        if start and end and end <= start:
            raise DataError(f"{w}: 'to' must be after 'from'", path=path)
        out.append(Period(start, end, _ref(p.get("ref"), w + ".ref", path, clause_override)))
    out.sort(key=lambda p: p.start or date.min)
    for a, b in pairwise(out):
        if a.end is None or (b.start is not None and b.start < a.end):
            raise DataError(f"{where}: periods overlap", path=path)
    return tuple(out)


def _load_table(doc: Mapping[str, Any], path: str) -> Table:
    name = doc["name"]
    key_field = doc.get("key")
    if not isinstance(key_field, str):
        raise DataError("a table needs `key`: the field that identifies an item", path=path)
    defaults = doc.get("defaults") or {}
    items: list[Item] = []
    seen: set[str] = set()
    for n, raw in enumerate(doc.get("items") or []):
        where = f"items[{n}]"
        if not isinstance(raw, Mapping) or key_field not in raw:
            raise DataError(f"{where}: missing the key field {key_field!r}", path=path)
        key = str(raw[key_field])
        if key in seen:
            raise DataError(f"{where}: duplicate key {key!r}", path=path)
        seen.add(key)
        override = raw.get("ref_clause")
        if "periods" in raw:  # the item's own periods keep their own clauses
            periods = _periods(raw["periods"], f"{where} ({key})", path, None)
        else:  # inherited periods cite the item's own clause (e.g. its annex row)
            periods = _periods(defaults.get("periods"), f"{where} ({key})", path, override)
        attrs = {k: v for k, v in raw.items() if k not in (key_field, "periods", "ref_clause")}
        if override:
            attrs["clause"] = override
        items.append(Item(key, attrs, periods))
    if not items:
        raise DataError("a table needs at least one item", path=path)
    return Table(name, _text(doc.get("title"), "title", path), key_field, tuple(items), path)


def _load_parameter(doc: Mapping[str, Any], path: str) -> Parameter:
    name = doc.get("name")
    if not isinstance(name, str):
        raise DataError("a parameter needs a `name`", path=path)
    raw_values = doc.get("values")
    if not isinstance(raw_values, list) or not raw_values:
        raise DataError(f"{name}: expected a non-empty list of values", path=path)
    values = []
    for n, v in enumerate(raw_values):
        where = f"{name}.values[{n}]"
        if not isinstance(v, Mapping) or "value" not in v:
            raise DataError(f"{where}: expected {{from, value, ref}}", path=path)
        values.append(
            Value(
                _date(v.get("from"), where + ".from", path),
                _date(v.get("to"), where + ".to", path),
                v["value"],
                _ref(v.get("ref"), where + ".ref", path),
            )
        )
    values.sort(key=lambda v: v.start or date.min)
    return Parameter(name, _text(doc.get("title"), f"{name}.title", path), doc.get("unit"),
                     tuple(values), path)


def load_policy_from(root: Path) -> Policy:
    """Load and validate every data file under ``root``."""
    tables: dict[str, Table] = {}
    parameters: dict[str, Parameter] = {}
    publishers: Publishers | None = None
    digest = hashlib.sha256()
    for file in sorted(root.rglob("*.yaml")):
        rel = file.relative_to(root).as_posix()
        raw = file.read_bytes()
        digest.update(rel.encode() + b"\0" + raw)
        try:
            doc = load_yaml(raw)
        except yaml.YAMLError as exc:
            raise DataError(f"not valid YAML: {exc}", path=rel) from None
        if not isinstance(doc, Mapping):
            raise DataError("expected a mapping at the top level", path=rel)
        if rel == PUBLISHERS_FILE:
            publishers = load_publishers(doc, rel)
        elif "parameters" in doc:
            for p in doc["parameters"]:
                param = _load_parameter(p, rel)
                if param.name in parameters:
                    raise DataError(f"parameter {param.name!r} defined twice", path=rel)
                parameters[param.name] = param
        elif "values" in doc:
            param = _load_parameter(doc, rel)
            if param.name in parameters:
                raise DataError(f"parameter {param.name!r} defined twice", path=rel)
            parameters[param.name] = param
        elif "items" in doc:
            table = _load_table(doc, rel)
            if table.name in tables:
                raise DataError(f"table {table.name!r} defined twice", path=rel)
            tables[table.name] = table
        else:
            raise DataError("expected `items` (a table), `values` or `parameters`", path=rel)
    return Policy(tables, parameters, digest.hexdigest()[:12], str(root), publishers)


@cache
def load_policy() -> Policy:
    """The packaged policy data (loaded once)."""
    root = Path(str(files("churujing") / "policy" / "data"))
    return load_policy_from(root)
