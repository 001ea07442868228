"""Names becoming places: how many names each index holds, and how fast a name resolves.

    .venv/bin/python bench/names.py            # sizes, resolution latency, one 240-hour decision

Prints, for the indexes behind the facts boundary (:mod:`churujing.refs`):

* the names each index holds (normalised keys): countries and regions in Chinese script and in
  Latin or other scripts; divisions by level (a name counted under every level it names); ports
  by kind; the cities abroad;
* the latency of resolving a name through :func:`churujing.refs.resolve` (median and p99, µs),
  per kind of name (a port by the place it lies at, a city abroad by its common name among
  them), warm (each query asked before: the memoised path a long-running service
  takes) and cold (the first time a process sees the query: its normalisation and index
  look-up, qualifiers, fuzzy suggestions for a name that matches nothing);
* one 240-hour decision through the library, facts parsed (median and p99, µs), as
  ``bench/manifest.py`` measures it.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

QUERIES: dict[str, tuple[str, list[str]]] = {
    "country by code": ("country", ["DE", "DEU", "276", "FR", "JP", "US", "GB", "KR"]),
    "country by name": ("country", ["Germany", "德国", "马耳他", "波黑", "Deutschland", "España",
                                    "阿联酋", "UAE", "Türkiye", "South Korea", "馬爾他"]),
    "place abroad": ("abroad", ["FRA", "NRT", "ICN", "Tokyo", "东京", "Frankfurt am Main", "US"]),
    "division": ("division", ["苏州", "320500", "江阴", "Jiangyin", "310115", "潜江", "五指山",
                              "Yangshuo County", "西双版纳", "Pudong"]),
    "division, qualified": ("division", ["Suzhou, Jiangsu", "苏州（江苏）", "江苏省苏州市吴中区",
                                         "北京市朝阳区", "Taizhou, Zhejiang", "吴中区, 苏州"]),
    "port": ("port", ["PVG", "琶洲", "Pazhou ferry terminal", "Lo Wu Control Point", "關閘",
                      "拉萨贡嘎国际机场", "LXA", "深圳湾"]),
    "port by place": ("port", ["秦皇岛", "Qinhuangdao", "Sunan", "苏南", "Kunming", "Xi'an"]),
    "city abroad, short": ("abroad", ["Frankfurt", "Rostov", "Munich", "Paris"]),
    "not recognised": ("division", ["Atlantis", "Nowhereville", "Gotham"]),
}


def _percentiles(samples: list[int]) -> tuple[float, float]:
    samples.sort()
    return statistics.median(samples) / 1000, samples[int(len(samples) * 0.99)] / 1000


def sizes() -> dict[str, Any]:
    from churujing import places
    from churujing.policy import load_policy

    def cjk(key: str) -> bool:
        return any("\u3400" <= ch <= "\u9fff" for ch in key)

    country_index = places._country_data().index
    keys = list(country_index)
    div_index = places._division_data().index
    levels: Counter[str] = Counter()
    for key in div_index:
        for level in {d.level for d in div_index.candidates(key, None)}:
            levels[level] += 1
    port_index = places._port_index(load_policy().table("ports"))
    kinds: Counter[str] = Counter()
    for key in port_index:
        for kind in {p.kind for p in port_index.candidates(key, None)}:
            kinds[kind] += 1
    ports = Counter(str(i.attrs.get("kind")) for i in load_policy().table("ports").items)
    return {
        "countries and regions": len(places.countries()),
        "country names (Chinese script)": sum(1 for k in keys if cjk(k)),
        "country names (Latin and other scripts)": sum(1 for k in keys if not cjk(k)),
        "divisions by level": dict(Counter(d.level for d in places.divisions(counties=True))),
        "division names by level": dict(levels),
        "ports by kind": dict(ports),
        "port names by kind": dict(kinds),
        "cities abroad (names)": len(places._city_index()),
    }


def latency(rounds: int = 2000) -> dict[str, dict[str, float]]:
    from churujing import places
    from churujing.errors import FactsError
    from churujing.refs import resolve

    out: dict[str, dict[str, float]] = {}
    for label, (kind, queries) in QUERIES.items():
        cold: list[int] = []
        for q in queries:  # the first time: memo and caches cleared
            places._resolve_division.cache_clear()
            for index in (places._country_data().index, places._division_data().index,
                          places._city_index()):
                index._memo.clear()
            t0 = time.perf_counter_ns()
            with contextlib.suppress(FactsError):  # an ambiguous name costs its error
                resolve(kind, q)  # type: ignore[arg-type]
            cold.append(time.perf_counter_ns() - t0)
        warm: list[int] = []
        for _ in range(rounds):
            for q in queries:
                t0 = time.perf_counter_ns()
                resolve(kind, q)  # type: ignore[arg-type]
                warm.append(time.perf_counter_ns() - t0)
        wm, wp = _percentiles(warm)
        cm, cp = _percentiles(cold)
        out[label] = {"warm median": wm, "warm p99": wp, "cold median": cm, "cold p99": cp}
    return out


def main() -> None:
    t0 = time.perf_counter()
    from churujing import places

    places.divisions(counties=True)
    places.countries()
    built = time.perf_counter() - t0
    print(f"indexes built in {built:.2f} s (divisions and countries, fresh process)")
    for key, value in sizes().items():
        print(f"  {key}: {value}")
    print("resolution latency through churujing.refs.resolve (µs):")
    print(f"  {'kind of name':22} {'warm median':>12} {'warm p99':>9} {'cold median':>12}"
          f" {'cold p99':>9}")
    for label, f in latency().items():
        print(f"  {label:22} {f['warm median']:12.2f} {f['warm p99']:9.2f}"
              f" {f['cold median']:12.1f} {f['cold p99']:9.1f}")
    from manifest import latency as decision_latency

    med, p99 = decision_latency()
    print(f"single 240-hour decision through the library (facts parsed): median {med:.1f} µs,"
          f" p99 {p99:.1f} µs")


if __name__ == "__main__":
    main()
