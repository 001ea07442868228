"""``churujing batch``: formats in and out, rejects, keys, the summary, the row-by-row path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from churujing import FactsError, get_measure
from churujing.batch.engine import VECTORISED
from churujing.batch.synthetic import write_manifest
from churujing.cli import app

MEASURE = "visa-free-transit-240h"
HEADER = ("pid,nationality,passport_expiry,entry_port,entry_time,origin,destination,"
          "departure_time,onward_ticket,purpose,visit_areas,exit_port")
GOOD = "DE,2027-06-30,PVG,2025-11-10T14:30:00,US,JP,2025-11-18T10:00:00,true,tourism,,"
ROWS = [
    f"1,{GOOD}",
    "2,DE,2027-06-30,PVG,2025-11-10T14:30:00,US,US,2025-11-18T10:00:00,true,tourism,,",
    "3,,2027-06-30,PVG,2025-11-10T14:30:00,US,JP,2025-11-18T10:00:00,true,tourism,,",
    "4,DE,2027-06-31,PVG,2025-11-10T14:30:00,US,JP,2025-11-18T10:00:00,true,tourism,,",
    "5,DE,2027-06-30,PVG,tomorrow,US,JP,2025-11-18T10:00:00,true,tourism,,",
    "6,DE,2027-06-30,PVG,2025-11-10T14:30:00,US,JP,2025-11-09T10:00:00,true,tourism,,",
    "7,DE,2027-06-30,PVG,2025-11-10T14:30:00,US,JP,2025-11-18T10:00:00,maybe,tourism,,",
    "8,France,2027-06-30,琶洲,2025-11-10T14:30:00+01:00,HK,JP,2025-11-21T00:00:00,yes,business,"
    "Chengdu;西双版纳,深圳湾",
    "9,DE,2027-06-30,PVG,2025-11-10T14:30:00,US,JP,2025-11-18T10:00:00,true,holiday,,",
    "10,DE,2027-06-30,PVG,2025-11-10T14:30:00,US,JP,2025-11-18T10:00:00,true,tourism,"
    "四川;Lhasa,五通码头",
    f"11,{GOOD}",
]
INVALID = {3: "nationality", 4: "passport_expiry", 5: "entry_time", 6: "departure_time",
           7: "onward_ticket", 9: "purpose"}


def _run(*args: str) -> Any:
    result = CliRunner().invoke(app, ["batch", *args])
    return result


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


def _facts(line: str) -> dict[str, Any]:
    names = HEADER.split(",")[1:]
    values = line.split(",")[1:]
    out: dict[str, Any] = {k: v for k, v in zip(names, values, strict=True) if v}
    if "visit_areas" in out:
        out["visit_areas"] = out["visit_areas"].split(";")
    return out


def test_invalid_rows_go_to_the_rejects_file_and_the_run_goes_on(tmp_path: Path) -> None:
    result = _run(MEASURE, str(_csv(tmp_path)), "-o", str(tmp_path / "out.csv"), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rows"] == len(ROWS)
    assert summary["rejected"] == len(INVALID)
    assert summary["eligible"] + summary["refused"] + summary["rejected"] == len(ROWS)
    rejects = pl.read_csv(tmp_path / "out.rejects.csv")
    assert rejects.columns == ["row", "pid", "field", "reason", "errors"]
    assert dict(zip(rejects["pid"], rejects["field"], strict=True)) == INVALID
    # the same field and reason as the single check
    for pid, field, reason in rejects.select("pid", "field", "reason").iter_rows():
        with pytest.raises(FactsError) as info:
            get_measure(MEASURE).check(_facts(ROWS[pid - 1]))
        assert (field, reason) == (info.value.field, info.value.message)
    answers = pl.read_csv(tmp_path / "out.csv", schema_overrides={"unmet": pl.String})  # text
    assert answers["pid"].to_list() == [1, 2, 8, 10, 11]
    row10 = answers.filter(pl.col("pid") == 10).row(0, named=True)
    assert row10["unmet"] == "visit_areas;exit_port"
    assert row10["first_unmet_clause"] == "A2.66"
    assert answers.filter(pl.col("pid") == 1)["stay_deadline"].item() == (
        "2025-11-21T00:00:00+08:00"
    )


def test_a_rejected_row_lists_every_invalid_field_as_check_does(tmp_path: Path) -> None:
    """Trial B5: a bad date, purpose "fun" and the ambiguous "Suzhou" are three errors."""
    bad = ("1,DE,2027-06-31,PVG,2025-11-10T14:30:00,US,JP,2025-11-18T10:00:00,true,fun,"
           "Suzhou,")
    src = tmp_path / "m.csv"
    src.write_text("\n".join([HEADER, bad, f"2,{GOOD}"]) + "\n", encoding="utf-8")
    result = _run(MEASURE, str(src), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 0, result.output
    rejects = pl.read_csv(tmp_path / "o.rejects.csv")
    (row,) = rejects.iter_rows(named=True)
    with pytest.raises(FactsError) as info:
        get_measure(MEASURE).check(_facts(bad))
    expected = info.value.all_dicts("en")
    assert [e["field"] for e in expected] == ["passport_expiry", "purpose", "visit_areas.0"]
    assert json.loads(row["errors"]) == expected
    assert (row["field"], row["reason"]) == (info.value.field, info.value.message)


def test_the_summary_gives_no_rate_for_a_small_run(tmp_path: Path) -> None:
    result = _run(MEASURE, str(_csv(tmp_path)), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 0, result.output
    assert f"{len(ROWS)} rows in " in result.stdout
    assert "rows/s" not in result.stdout  # startup, not throughput, at 11 rows


def test_every_format_gives_the_same_answers(tmp_path: Path) -> None:
    src = _csv(tmp_path)
    assert _run(MEASURE, str(src), "-o", str(tmp_path / "a.parquet")).exit_code == 0
    assert _run(MEASURE, str(src), "-o", str(tmp_path / "a.jsonl")).exit_code == 0
    # JSON Lines in, Parquet out
    lines = []
    for row in ROWS:
        pid = int(row.split(",")[0])
        if pid in INVALID:
            continue
        lines.append(json.dumps({"pid": pid, **_facts(row)} | {"onward_ticket": True},
                                ensure_ascii=False))
    (tmp_path / "m.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _run(MEASURE, str(tmp_path / "m.jsonl"), "-o", str(tmp_path / "b.parquet")
                ).exit_code == 0
    a = pl.read_parquet(tmp_path / "a.parquet")
    j = pl.read_ndjson(tmp_path / "a.jsonl")
    b = pl.read_parquet(tmp_path / "b.parquet")
    assert a["unmet"].to_list() == j["unmet"].to_list() == b["unmet"].to_list()
    assert a["eligible"].to_list() == j["eligible"].to_list() == b["eligible"].to_list()
    assert [str(v) for v in a["first_unmet"]] == [str(v) for v in b["first_unmet"]]
    assert a.schema["stay_deadline"] == pl.Datetime("us", "Asia/Shanghai")
    assert a.schema["unmet"] == pl.List(pl.Enum(a.schema["unmet"].inner.categories))  # type: ignore[union-attr]


def test_as_of_and_keys(tmp_path: Path) -> None:
    out = tmp_path / "o.parquet"
    result = _run(MEASURE, str(_csv(tmp_path)), "-o", str(out), "--as-of", "2025-11-04",
                  "--key", "pid")
    assert result.exit_code == 0, result.output
    df = pl.read_parquet(out)
    assert df.columns[0] == "pid"
    # Pazhou became an entry port on 2025-11-05
    assert df.filter(pl.col("pid") == "8")["first_unmet"].cast(pl.String).item() == "entry_port"
    assert _run(MEASURE, str(_csv(tmp_path)), "-o", str(out), "--key", "nope").exit_code == 2
    assert _run(MEASURE, str(_csv(tmp_path)), "-o", str(out), "--as-of", "soon").exit_code == 2


def test_a_file_without_a_required_fact_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("pid,nationality\n1,DE\n", encoding="utf-8")
    result = _run(MEASURE, str(path), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert "passport_expiry" in result.output


def test_a_synthetic_manifest_has_every_refusal_and_a_realistic_mix(tmp_path: Path) -> None:
    write_manifest(tmp_path / "m.parquet", 20_000, row_group_size=5_000)
    result = _run(MEASURE, str(tmp_path / "m.parquet"), "-o", str(tmp_path / "o.parquet"),
                  "--json")
    assert result.exit_code == 0, result.output
    s = json.loads(result.stdout)
    assert 0.55 < s["eligible"] / s["rows"] < 0.70
    assert set(s["first_unmet"]) == {
        "policy_in_force", "nationality", "passport_validity", "entry_port", "third_country",
        "onward_ticket", "within_stay", "purpose", "visit_areas", "exit_port",
    }
    assert s["rejected"] > 0
    out = pl.read_parquet(tmp_path / "o.parquet")
    rejects = pl.read_parquet(tmp_path / "o.rejects.parquet")
    assert out.height + rejects.height == 20_000
    assert out["passenger_id"].is_sorted()


def test_measures_without_a_vectorised_rule_run_row_by_row(tmp_path: Path) -> None:
    import yaml

    scenarios = Path(__file__).parents[1] / "scenarios"
    measure = next(
        (p.stem for p in sorted(scenarios.glob("*.yaml")) if p.stem not in VECTORISED), None
    )
    if measure is None:  # pragma: no cover
        pytest.skip("no other measure")
    doc = yaml.safe_load((scenarios / f"{measure}.yaml").read_text(encoding="utf-8"))
    cases = [c for c in doc["cases"] if "error" not in c["expect"] and not c.get("as_of")]
    (tmp_path / "m.jsonl").write_text(
        "\n".join(json.dumps(c["facts"], ensure_ascii=False, default=str) for c in cases)
        + "\n", encoding="utf-8")
    result = _run(measure, str(tmp_path / "m.jsonl"), "-o", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 0, result.output
    got = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    rejects = (tmp_path / "o.rejects.jsonl").read_text().splitlines()
    assert len(got) + len(rejects) == len(cases)
    by_row = {g["row"]: g for g in got}
    m = get_measure(measure)
    for n, case in enumerate(cases, start=1):
        if n not in by_row:
            continue
        d = json.loads(json.dumps(m.check(case["facts"]).to_dict(), default=str))
        unmet = [c["code"] for c in d["conditions"] if not c["met"]]
        assert by_row[n]["eligible"] is d["eligible"]
        assert by_row[n]["unmet"] == unmet
