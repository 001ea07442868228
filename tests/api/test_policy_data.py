"""Policy data as of any date: ports, nationalities, stay areas, cities, airports, changes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from churujing.policy import load_policy


def items(client: TestClient, url: str) -> list[dict[str, Any]]:
    r = client.get(url)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["data_version"] == load_policy().version
    assert body["count"] == len(body["items"])
    result: list[dict[str, Any]] = body["items"]
    return result


@pytest.mark.parametrize(("day", "count"), [("2025-11-04", 60), ("2025-11-05", 65)])
def test_the_240h_entry_ports_are_60_then_65(client: TestClient, day: str, count: int) -> None:
    for measure in ("visa-free-transit-240h", "M06"):
        ports = items(client, f"/v1/ports?measure={measure}&as_of={day}")
        assert len(ports) == count
        assert all(any(m["table"] == "m06.entry_ports" for m in p["memberships"]) for p in ports)


def test_ports_filter_by_province_kind_and_text(client: TestClient) -> None:
    guangdong = items(client, "/v1/ports?measure=M06&province=广东&as_of=2025-11-06")
    assert {p["province"] for p in guangdong} == {"440000"}
    assert {"pazhou", "hengqin", "hzmb"} <= {p["id"] for p in guangdong}
    same = items(client, "/v1/ports?measure=M06&province=Guangdong&as_of=2025-11-06")
    assert same == guangdong
    sea = items(client, "/v1/ports?measure=M06&kind=sea&as_of=2025-11-06")
    assert sea and all(p["kind"] == "sea" for p in sea)
    pudong = items(client, "/v1/ports?q=pudong&as_of=2025-11-06")
    assert [p["id"] for p in pudong] == ["pvg"]
    assert pudong[0]["lon"] is not None and pudong[0]["province_name"]["zh"] == "上海市"


@pytest.mark.parametrize(("measure", "day", "count"), [
    ("direct-transit-24h", "2025-11-04", 9), ("direct-transit-24h", "2025-11-05", 19),
    ("taiwan-one-time-permit", "2025-11-19", 58), ("taiwan-one-time-permit", "2025-11-20", 100),
])
def test_ports_of_the_other_port_measures_as_of_a_date(client: TestClient, measure: str,
                                                       day: str, count: int) -> None:
    assert len(items(client, f"/v1/ports?measure={measure}&as_of={day}")) == count


def test_smart_clearance_ports_grow_on_2025_11_05(client: TestClient) -> None:
    before = items(client, "/v1/ports?measure=M03&as_of=2025-11-04")
    after = items(client, "/v1/ports?measure=M03&as_of=2025-11-05")
    assert {p["id"] for p in before} == {"shenzhen-bay", "gongbei"}
    assert len(after) > len(before)


@pytest.mark.parametrize("query", [
    "measure=nope", "kind=ferry", "province=Atlantis", "as_of=2025-13-01", "q=" + "x" * 101,
])
def test_bad_port_filters_are_422_with_the_parameter(client: TestClient, query: str) -> None:
    r = client.get(f"/v1/ports?{query}")
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail[0]["loc"] == ["query", query.split("=")[0]]
    assert detail[0]["msg"]


def test_nationalities_are_the_55_of_annex_1(client: TestClient) -> None:
    countries = items(client, "/v1/nationalities?as_of=2025-11-06")
    assert len(countries) == 55
    germany = next(c for c in countries if c["country"] == "DE")
    assert germany["zh"] == "德国" and germany["ref"]["clause"].startswith("A1.1")
    visa_free = items(client, "/v1/nationalities?list=visa_free_30d.countries&as_of=2025-11-20")
    assert visa_free
    assert client.get("/v1/nationalities?list=nope").status_code == 422


def test_stay_areas_are_the_24_provinces_with_their_ports(client: TestClient) -> None:
    areas = items(client, "/v1/stay-areas?as_of=2025-11-06")
    assert len(areas) == 24
    shanghai = next(a for a in areas if a["province"] == "310000")
    assert {"pvg", "sha"} <= set(shanghai["entry_ports"])
    assert shanghai["areas"][0]["zh"] == "上海市"


def test_cities_carry_coordinates_and_the_stay_area(client: TestClient) -> None:
    yunnan = items(client, "/v1/cities?province=云南&as_of=2025-11-06")
    banna = next(c for c in yunnan if c["short_zh"] == "西双版纳")
    assert banna["level"] == "prefecture" and banna["lon"] and banna["lat"]
    provinces = items(client, "/v1/cities?level=province&as_of=2025-11-06")
    assert len(provinces) >= 31
    whole = {c["code"] for c in provinces if c["in_stay_area"]}
    assert {"110000", "310000", "440000"} <= whole and "540000" not in whole  # not Tibet
    assert items(client, "/v1/cities?q=Xishuangbanna")[0]["code"] == banna["code"]


def test_airports_24h_and_any_airport_by_iata(client: TestClient) -> None:
    assert len(items(client, "/v1/airports?as_of=2025-11-06")) == 19
    lhasa = client.get("/v1/airports/LXA?as_of=2025-11-06").json()
    assert lhasa["listed"] is False and lhasa["registry_port"] == "lxa"  # open port, no 24h
    assert lhasa["name"].startswith("Lhasa")
    arxan = client.get("/v1/airports/YIE?as_of=2025-11-06").json()  # not an open port
    assert arxan["listed"] is False and arxan["registry_port"] is None
    tianjin_before = client.get("/v1/airports/tsn?as_of=2025-11-04").json()
    tianjin_after = client.get("/v1/airports/TSN?as_of=2025-11-05").json()
    assert tianjin_before["listed"] is False and tianjin_after["listed"] is True
    assert tianjin_after["registry_port"] == "tsn"
    assert client.get("/v1/airports/QQQ").status_code == 404
    assert client.get("/v1/airports/12").status_code == 422


def test_changes_of_the_announcement_item_by_item_with_their_clause(client: TestClient) -> None:
    body = client.get("/v1/changes?from=2025-11-04&to=2025-11-21").json()
    assert body["from"] == "2025-11-04" and body["to"] == "2025-11-21"
    assert body["count"] == len(body["changes"])
    added: dict[str, set[str]] = {}
    for c in body["changes"]:
        assert c["clause"] or c["ref"]["source"], c
        assert c["title"]["zh"] and c["title"]["en"]
        if c["kind"] == "table" and c["change"] == "added":
            added.setdefault(c["name"], set()).add(c["key"])
            assert c["label"], c
    assert added["m06.entry_ports"] == {"pazhou", "hengqin", "hzmb", "zhongshan", "west-kowloon"}
    assert len(added["m05.airports"]) == 10
    assert len(added["m09.ports"]) == 42
    assert len(added["m07.pilot_cities"]) == 30
    assert len(added["m03.ports"]) >= 12
    assert {"120000", "130000", "320000", "330000", "340000"} <= added["m01.regions"]
    pazhou = next(c for c in body["changes"] if c["name"] == "m06.entry_ports"
                  and c["key"] == "pazhou")
    assert pazhou["on"] == "2025-11-05" and pazhou["clause"].startswith("M06.1")
    days = [c["on"] for c in body["changes"]]
    assert days == sorted(days) and set(days) >= {"2025-11-05", "2025-11-20"}


def test_changes_need_two_dates_in_order(client: TestClient) -> None:
    assert client.get("/v1/changes?from=2025-11-21&to=2025-11-04").status_code == 422
    r = client.get("/v1/changes?from=2025-11-04")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "to"]
    nothing = client.get("/v1/changes?from=2025-11-21&to=2025-11-21").json()
    assert nothing["count"] == 0


def test_the_data_lists_carry_an_etag_and_answer_304_when_it_matches(client: Any) -> None:
    """Carriers re-fetch the lists cheaply (issue 13 §4): ``ETag`` and ``Cache-Control``
    on every data list; the same tag in ``If-None-Match`` is a 304 without a body."""
    for path in ("/v1/ports", "/v1/nationalities", "/v1/stay-areas?as_of=2025-11-10",
                 "/v1/cities?province=320000"):
        r = client.get(path)
        assert r.status_code == 200, path
        tag = r.headers["etag"]
        assert tag.startswith('"') and "public" in r.headers["cache-control"]
        again = client.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b""
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    # a different question is a different answer, with another tag
    assert client.get("/v1/stay-areas?as_of=2024-12-17").headers["etag"] != client.get(
        "/v1/stay-areas?as_of=2025-11-10").headers["etag"]


def test_the_check_body_is_typed_by_each_measures_facts_in_openapi(client: Any) -> None:
    """Carriers read the request schema of every measure in OpenAPI (issue 13 §4): the check
    body is one of the measures' facts schemas, each a component whose references resolve."""
    from churujing.measures import MEASURES

    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/v1/measures/{measure}/check"]["post"]["requestBody"]
    refs = [s["$ref"] for s in body["content"]["application/json"]["schema"]["oneOf"]]
    assert refs == [f"#/components/schemas/Facts.{mid}" for mid in MEASURES]
    components = spec["components"]["schemas"]
    m06 = components["Facts.visa-free-transit-240h"]
    assert {"nationality", "entry_port", "visit_areas", "origin_airport"} <= set(
        m06["properties"])
    import json
    import re

    for ref in re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(spec)):
        assert ref in components, ref
