"""A measure's conditions, declared once.

Each measure module declares its conditions in order, the law beside each one (as Catala
puts a paragraph's words above the code that implements it)::

    CONDITIONS = Conditions(
        Spec("nationality", "A1.1",
             law="属于55个适用过境免签政策国家的公民",
             unknown=T("未能识别国籍，无法判断是否属于适用过境免签政策的国家。")),
        ...
    )

and every path takes them from there: :func:`decide` builds each
:class:`~churujing.decision.Condition` through its :class:`Spec` (``CONDITIONS["nationality"]
(met, text)``), the batch derives its bit positions (:meth:`Conditions.bit`), its clause
tables and its fallbacks for unrecognised values (:meth:`Spec.unrecognised`) from the same
declaration, and the compiled kernels receive those values as arguments. A test checks that
each ``law`` is the clause's own words (a substring of its Chinese text in
``law/announcement.yaml``) and that a decision's conditions come in the declared order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from churujing.decision import Condition, Text
from churujing.i18n import T

__all__ = ["Conditions", "Spec"]


@dataclass(frozen=True, slots=True)
class Spec:
    """One condition: its code (the glossary's word, the same idea in every measure), the
    clause it implements, the clause's words it rests on, and its text when a fact it reads
    names nothing known (``None``: no such fact)."""

    code: str
    clause: str
    law: str
    unknown: Text | None = None

    def __call__(self, met: bool, text: Text, clause: str | None = None) -> Condition:
        """The condition, met or not, with its text; ``clause`` when a finer clause than the
        declared one applies (a listed port's own row of annex 2)."""
        return Condition(self.code, clause or self.clause, met, text)

    @property
    def make(self) -> Callable[[bool, Text], Condition]:
        """``self(met, text)`` as a compiled callable (:func:`functools.partial`) that a
        measure's hot path binds once: it saves a Python call per condition built."""
        return partial(Condition, self.code, self.clause)

    def unrecognised(self, **params: Any) -> Condition:
        """The condition unmet because a name it reads matched nothing (its fallback);
        ``params`` fill the placeholders of its text (the name as given: ``query=…``)."""
        if self.unknown is None:
            raise ValueError(f"condition {self.code!r} reads no name that can be unknown")
        text = T(self.unknown.zh, **params) if params else self.unknown
        return Condition(self.code, self.clause, False, text)


class Conditions:
    """A measure's conditions in the order its answers report them."""

    __slots__ = ("_by_code", "_specs")

    def __init__(self, *specs: Spec) -> None:
        codes = [s.code for s in specs]
        if len(set(codes)) != len(codes):
            raise ValueError(f"a condition is declared twice: {codes}")
        self._specs = tuple(specs)
        self._by_code = {s.code: s for s in specs}

    def __getitem__(self, code: str) -> Spec:
        return self._by_code[code]

    def __iter__(self) -> Iterator[Spec]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @property
    def codes(self) -> tuple[str, ...]:
        """The condition codes, in order."""
        return tuple(s.code for s in self._specs)

    def bit(self, code: str) -> int:
        """The condition's position (a vectorised rule's unmet bit ``1 << bit``)."""
        return self.codes.index(code)

    def clauses(self, finer: Iterable[str] = ()) -> tuple[str, ...]:
        """Every clause a condition may cite: the declared ones, then ``finer`` ones (the
        rows of an annex the data cite), each once, in that order."""
        out = dict.fromkeys(s.clause for s in self._specs)
        out.update(dict.fromkeys(c for c in finer if c))
        return tuple(out)
