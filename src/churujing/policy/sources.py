"""The publishers a citation may rest on, and the check of every citation against them.

``policy/data/publishers.yaml`` lists the accepted publishers, each with its kind
(:data:`KINDS`). A citation's ``source`` is accepted when its publisher is on the list:
matched first by URL prefix (``urls``: one document, e.g. the announcement itself), then
by host suffix (``domains``: ``nia.gov.cn`` covers ``www.nia.gov.cn`` and
``en.nia.gov.cn``); the most specific match wins. A citation whose source is not on the
list must be marked ``secondary: true`` and carry ``confidence: low`` (its note says why
no better source was found).

:func:`citation_problems` walks the raw data files, so it also sees the citations that
the loader keeps as item attributes (``areas_ref`` in ``m01/free_trade_zones.yaml``, the
per-item ``source`` of ``places/exonyms.yaml``, which is covered by the table's default
reference).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from churujing._yaml import load_yaml
from churujing.decision import Text
from churujing.errors import DataError

__all__ = [
    "KINDS",
    "PUBLISHERS_FILE",
    "Publisher",
    "Publishers",
    "citation_problems",
    "load_publishers",
]

Kind = Literal["announcement", "government", "gazette", "state_council", "standard", "outlet"]
#: The kinds of accepted publisher, in order of authority (see publishers.yaml for each).
KINDS: tuple[Kind, ...] = ("announcement", "state_council", "gazette", "government",
                           "standard", "outlet")
#: The file, under the data root, that lists the publishers; not a table or parameter.
PUBLISHERS_FILE = "publishers.yaml"


@dataclass(frozen=True, slots=True)
class Publisher:
    id: str
    kind: Kind
    name: Text
    domains: tuple[str, ...]
    urls: tuple[str, ...]
    note: str | None = None


def _host(url: str) -> str | None:
    """The lower-case host of an http(s) URL, or None if ``url`` is not one."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.hostname.lower()


def _url(source: str) -> str:
    """The URL of a source: its first word (a source may add a remark after the URL)."""
    return source.split()[0] if source.split() else ""


def _strip_scheme(url: str) -> str:
    return url.split("://", 1)[1] if "://" in url else url


@dataclass(frozen=True)
class Publishers:
    """The accepted publishers, looked up by a source URL."""

    items: tuple[Publisher, ...]

    def __iter__(self) -> Iterator[Publisher]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, pid: str) -> Publisher | None:
        return next((p for p in self.items if p.id == pid), None)

    def match(self, source: str) -> Publisher | None:
        """The publisher of ``source`` (a URL, optionally followed by a remark), or None."""
        url = _url(source)
        host = _host(url)
        if host is None:
            return None
        bare = _strip_scheme(url)
        best: tuple[int, Publisher] | None = None
        for p in self.items:
            for prefix in p.urls:  # a document: the longest prefix, above any domain
                if bare.startswith(_strip_scheme(prefix)):
                    score = 10_000 + len(prefix)
                    if best is None or score > best[0]:
                        best = (score, p)
            for d in p.domains:
                if (host == d or host.endswith("." + d)) and (best is None or len(d) > best[0]):
                    best = (len(d), p)
        return best[1] if best else None


def load_publishers(doc: Any, path: str = PUBLISHERS_FILE) -> Publishers:
    """Validate the parsed publishers file; raise DataError naming the first problem."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("publishers"), list):
        raise DataError("expected `publishers`: a list of accepted publishers", path=path)
    kinds = doc.get("kinds")
    if not isinstance(kinds, Mapping) or set(kinds) != set(KINDS):
        raise DataError(f"`kinds` must describe exactly the kinds {', '.join(KINDS)}",
                        path=path)
    out: list[Publisher] = []
    seen_ids: set[str] = set()
    seen_keys: dict[str, str] = {}
    for n, raw in enumerate(doc["publishers"]):
        where = f"publishers[{n}]"
        if not isinstance(raw, Mapping):
            raise DataError(f"{where}: expected a mapping", path=path)
        pid = raw.get("id")
        if not isinstance(pid, str) or not pid:
            raise DataError(f"{where}: needs an `id`", path=path)
        where = f"{where} ({pid})"
        if pid in seen_ids:
            raise DataError(f"{where}: duplicate id", path=path)
        seen_ids.add(pid)
        kind = raw.get("kind")
        if kind not in KINDS:
            raise DataError(f"{where}: kind must be one of {'|'.join(KINDS)}", path=path)
        name = raw.get("name")
        if not (isinstance(name, Mapping) and isinstance(name.get("zh"), str)
                and isinstance(name.get("en"), str)):
            raise DataError(f"{where}: name must be {{zh: ..., en: ...}}", path=path)
        domains = raw.get("domains") or []
        urls = raw.get("urls") or []
        if not isinstance(domains, list) or not isinstance(urls, list) or not (domains or urls):
            raise DataError(f"{where}: needs `domains` (host suffixes) or `urls` (prefixes)",
                            path=path)
        for d in domains:
            if (not isinstance(d, str) or d != d.lower() or "/" in d or ":" in d
                    or d.startswith(".") or "." not in d):
                raise DataError(f"{where}: domain {d!r} must be a bare lower-case host suffix "
                                "such as nia.gov.cn", path=path)
        for u in urls:
            if not isinstance(u, str) or _host(u) is None:
                raise DataError(f"{where}: url {u!r} must be an http(s) URL", path=path)
        for key in [*domains, *urls]:
            if key in seen_keys:
                raise DataError(f"{where}: {key!r} is already listed by {seen_keys[key]}",
                                path=path)
            seen_keys[key] = pid
        note = raw.get("note")
        if note is not None and not isinstance(note, str):
            raise DataError(f"{where}: note must be text", path=path)
        out.append(Publisher(pid, kind, Text(name["zh"], name["en"]), tuple(domains),
                             tuple(urls), note))
    if not out:
        raise DataError("the list of publishers is empty", path=path)
    return Publishers(tuple(out))


# --------------------------------------------------------------------------- the check


def _refs(node: Any, where: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every citation in a parsed file: each mapping that carries a ``confidence``."""
    if isinstance(node, Mapping):
        if "confidence" in node:
            yield where, node
        for k, v in node.items():
            yield from _refs(v, f"{where}.{k}" if where else str(k))
    elif isinstance(node, list):
        for n, v in enumerate(node):
            yield from _refs(v, f"{where}[{n}]")


def _ref_problem(ref: Mapping[str, Any], publishers: Publishers) -> str | None:
    source = ref.get("source")
    secondary = ref.get("secondary", False)
    if secondary is not False and secondary is not True:
        return "secondary must be true or false"
    if secondary and ref.get("confidence") != "low":
        return "secondary is allowed only with confidence: low"
    if secondary and not source:
        return "secondary marks a source, but the ref has none"
    if not source:
        return None  # cites the announcement's clause only
    if not isinstance(source, str):
        return f"source must be text, got {source!r}"
    if _host(_url(source)) is None:
        return f"source {source!r} is not an http(s) URL"
    if publishers.match(source) is None and not secondary:
        host = _host(_url(source))
        return (f"source {source!r}: its publisher ({host}) is not on the list in "
                f"{PUBLISHERS_FILE}; cite the original publisher, or mark the ref "
                "secondary: true with confidence: low and say why in its note")
    return None


def _item_sources(doc: Mapping[str, Any]) -> Iterator[tuple[str, str, list[Mapping[str, Any]]]]:
    """Table items with a ``source`` attribute, and the references that cover them."""
    defaults = [p.get("ref") for p in (doc.get("defaults") or {}).get("periods") or []
                if isinstance(p, Mapping)]
    for n, item in enumerate(doc.get("items") or []):
        if not isinstance(item, Mapping) or not isinstance(item.get("source"), str):
            continue
        own = [p.get("ref") for p in item.get("periods") or [] if isinstance(p, Mapping)]
        refs = [r for r in (own or defaults) if isinstance(r, Mapping)]
        yield f"items[{n}]", item["source"], refs


def file_problems(doc: Any, publishers: Publishers) -> list[str]:
    """The citation problems of one parsed data file, each naming where it is."""
    out: list[str] = []
    for where, ref in _refs(doc, ""):
        problem = _ref_problem(ref, publishers)
        if problem:
            out.append(f"{where}: {problem}")
    if isinstance(doc, Mapping):
        for where, source, refs in _item_sources(doc):
            if _host(_url(source)) is None:
                out.append(f"{where}.source: {source!r} is not an http(s) URL")
            elif publishers.match(source) is None and not (
                    refs and all(r.get("secondary") is True for r in refs)):
                out.append(f"{where}.source: {source!r}: its publisher is not on the list, "
                           "and the references covering the item are not secondary")
    return out


def citation_problems(root: Path, publishers: Publishers) -> dict[str, list[str]]:
    """Every data file under ``root`` (the publishers file excepted) -> its problems."""
    out: dict[str, list[str]] = {}
    for file in sorted(root.rglob("*.yaml")):
        rel = file.relative_to(root).as_posix()
        if rel == PUBLISHERS_FILE:
            continue
        out[rel] = file_problems(load_yaml(file.read_bytes()), publishers)
    return out
