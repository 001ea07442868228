"""The answer of every measure: a :class:`Decision` made of :class:`Condition` s.

A decision is never an exception: being ineligible is an answer that names every
condition, met or not, with the clause it comes from and its text in Chinese and
English (STYLE.md, conventions 5 and 6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, Protocol

from churujing.text import Lang, T, Text

__all__ = ["Condition", "Decision", "Lang", "Notice", "Plain", "Text", "freeze", "jsonable"]


class Notice(Text):
    """A warning: its text, a ``code`` saying what kind of warning it is
    (``not_recognised``, ``read_as_country``, ``unknown_fact``…) and the ``field`` it is
    about (a dotted path, ``""`` for the whole answer)."""

    __slots__ = ("code", "field")

    def __init__(self, zh: str, en: str | None = None, *, code: str = "", field: str = "",
                 params: Mapping[str, Any] | None = None) -> None:
        super().__init__(zh, en, params=params)
        self.code = code
        self.field = field

    @classmethod
    def of(cls, text: Text, *, code: str, field: str = "") -> Notice:
        """``text`` as a notice (its translation rendered when first read, as ``text``'s)."""
        if text._params is not None:
            return cls(text._params[0], code=code, field=field, params=text._params[1])
        return cls(text.zh, text.en, code=code, field=field)

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "zh": self.zh, "en": self.en}

    def __repr__(self) -> str:
        return f"Notice(code={self.code!r}, field={self.field!r}, zh={self.zh!r})"


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition of a measure, met or not, with the clause it implements."""

    code: str
    clause: str
    met: bool
    text: Text

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "clause": self.clause,
            "met": self.met,
            "zh": self.text.zh,
            "en": self.text.en,
        }


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer of a measure for some facts, as of a date."""

    measure: str
    as_of: date
    conditions: tuple[Condition, ...]
    details: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[Text, ...] = ()
    data_version: str = ""

    def __post_init__(self) -> None:
        # an answer is a value: its details are read-only here (what they hold that a rule
        # shares between answers is frozen where it is cached, see :func:`freeze`)
        if not isinstance(self.details, MappingProxyType):
            object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    @property
    def eligible(self) -> bool:
        return all(c.met for c in self.conditions)

    @property
    def unmet(self) -> tuple[Condition, ...]:
        return tuple(c for c in self.conditions if not c.met)

    def condition(self, code: str) -> Condition:
        for c in self.conditions:
            if c.code == code:
                return c
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        """The decision as JSON-ready data (the CLI and API contract)."""
        out: dict[str, Any] = {
            "measure": self.measure,
            "as_of": self.as_of.isoformat(),
            "eligible": self.eligible,
            "conditions": [c.to_dict() for c in self.conditions],
            "details": {k: jsonable(v) for k, v in self.details.items()},
            "warnings": [_warning(w) for w in self.warnings],
        }
        if self.data_version:
            out["data_version"] = self.data_version
        return out

    def explain(self, lang: Lang = "zh") -> str:
        """A human explanation: the verdict, each condition with its clause, the details."""
        verdict = T("符合条件") if self.eligible else T("不符合条件")
        as_of = T("截至{day}", day=self.as_of.isoformat())
        lines = [f"{self.measure} · {verdict.get(lang)} · {as_of.get(lang)}"]
        for c in self.conditions:
            mark = "✓" if c.met else "✗"
            lines.append(f"  {mark} [{c.clause}] {c.text.get(lang)}")
        for key, value in self.details.items():
            lines.append(f"  · {key}: {_plain(value, lang)}")
        for w in self.warnings:
            lines.append(f"  ! {w.get(lang)}")
        return "\n".join(lines)


def _warning(w: Text) -> dict[str, str]:
    """A warning as JSON: its code and field (empty for a rule's own remarks) and text."""
    if isinstance(w, Notice):
        return w.to_dict()
    return {"code": "", "field": "", "zh": w.zh, "en": w.en}


def freeze(value: Any) -> Any:
    """``value`` made immutable all the way down (mappings read-only, lists as tuples), for
    what a cache shares between answers: no caller can change it for another. A value of a
    measure's own detail type (one that says itself, :class:`Plain`) is kept as it is: such
    a type is read-only and freezes what it holds (m06's ``StayArea``)."""
    if getattr(type(value), "plain", None) is not None:
        return value
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, set):
        return frozenset(value)
    return value


_SCALARS = (str, int, float, bool, type(None))


def jsonable(value: Any) -> Any:
    """Turn details values (Text, dates, tuples, nested mappings) into JSON-ready data."""
    kind = type(value)
    if kind in _SCALARS:  # the common leaves first: exact type checks are cheap
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): jsonable(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [jsonable(v) for v in value]
    if isinstance(value, Text):
        return value.to_dict()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(kind, "to_dict"):  # a value that says its JSON (a measure's own detail type)
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


class Plain(Protocol):
    """A detail value that says itself in one line of an explanation (a measure's own
    presentation of its details: :meth:`Decision.explain` knows no measure's keys)."""

    def plain(self, lang: Lang) -> str: ...


def _plain(value: Any, lang: Lang) -> str:
    if isinstance(value, Text):
        return value.get(lang)
    if getattr(type(value), "plain", None) is not None:  # a Plain value (cheaper than isinstance)
        return str(value.plain(lang))
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        if lang in value and isinstance(value[lang], str):
            return str(value[lang])  # a bilingual item: its text in that language
        if "name" in value:  # a named item
            return _plain(value["name"], lang)
        return "; ".join(f"{k}={_plain(v, lang)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v, lang) for v in value) or "—"
    if value is None:
        return "—"
    return str(value)
