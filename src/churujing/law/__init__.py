"""The announcement, clause by clause: Chinese verbatim and an English translation.

Clause IDs (``docs/ARCHITECTURE.md``) are the spine of the project: every rule and every
data value cites one. ``clause("M06.2")`` returns the clause; unknown IDs raise ``KeyError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from churujing._yaml import load_yaml
from churujing.decision import Text
from churujing.errors import DataError

__all__ = ["Clause", "children", "clause", "clauses", "document"]


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    parent: str | None
    title: Text | None
    text: Text
    extra: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "parent": self.parent,
                               "zh": self.text.zh, "en": self.text.en}
        if self.title:
            out["title"] = self.title.to_dict()
        out.update({k: v for k, v in self.extra.items()})
        return out


#: The law files: the announcement first (its metadata is :func:`document`'s), then the
#: other laws the rules cite, each a separate document with its own clause IDs (EEL.22).
LAW_FILES = ("announcement.yaml", "exit_entry_law.yaml")


@cache
def _load() -> tuple[dict[str, Any], dict[str, Clause]]:
    out: dict[str, Clause] = {}
    first: dict[str, Any] | None = None
    for name in LAW_FILES:
        doc = load_yaml((files("churujing") / "law" / name).read_bytes())
        if first is None:
            first = doc.get("document", {})
        _add_clauses(doc, name, out)
    return first or {}, out


def _add_clauses(doc: Mapping[str, Any], name: str, out: dict[str, Clause]) -> None:
    for raw in doc["clauses"]:
        cid = raw["id"]
        if cid in out:
            raise DataError(f"clause {cid} defined twice", path=f"law/{name}")
        title = raw.get("title")
        out[cid] = Clause(
            id=cid,
            parent=raw.get("parent"),
            title=Text(title["zh"], title["en"]) if title else None,
            text=Text(str(raw.get("zh", "")), str(raw.get("en", ""))),
            extra={k: v for k, v in raw.items() if k not in ("id", "parent", "title", "zh", "en")},
        )


def clause(cid: str) -> Clause:
    """The clause with ID ``cid``."""
    return _load()[1][cid]


def clauses() -> tuple[Clause, ...]:
    """Every clause, in document order."""
    return tuple(_load()[1].values())


@cache
def _children() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for c in clauses():
        if c.parent:
            out.setdefault(c.parent, []).append(c.id)
    return {k: tuple(v) for k, v in out.items()}


def children(cid: str) -> tuple[str, ...]:
    """The IDs of the clauses whose parent is ``cid``, in document order."""
    return _children().get(cid, ())


def document() -> dict[str, Any]:
    """The announcement's metadata (title, number, issuer, date, source)."""
    return dict(_load()[0])
