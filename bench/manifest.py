"""Benchmark: 240-hour transit checks of passenger manifests, several ways, in one run.

    .venv/bin/python bench/manifest.py                 # 1 M and 10 M rows
    .venv/bin/python bench/manifest.py --rows 1000000 --repeat 3

Generates synthetic manifests (``churujing.batch.synthetic``: ~60 % eligible, every
refusal reason present, a few invalid rows), then measures, each variant in its own
subprocess so that its peak memory (``ru_maxrss`` of that process) is its own:

(a) loop   a Python loop over the single-check engine (``get_measure(...).check(row)``),
           on a sample of rows (rate extrapolated; its memory is that of the sample);
(b) e2e    ``churujing.batch.run``: Parquet in, Parquet out (answers + rejects), streaming;
(c) memory the batch engine (``Checker.check_arrow``: answers as Arrow, as the batch
           writes them) on tables already in memory;
(d) duckdb the same rule in SQL (lookup tables from the same data), Parquet to Parquet;
(e) numpy  the bare kernel on integer codes already in memory (mask and first unmet): the
           floor;
(f) io     (b)'s reading and writing alone, no check: the ceiling of (b) on this machine;
(g) kernel the engine's compiled kernel alone on (e)'s integer codes (all of a row's
           answer: mask, first unmet, clause, deadline, invalid);

and the latency of one 240-hour decision through the library (facts already parsed).
Times are wall-clock, best of ``--repeat``; the spread (max/min) is printed too, and the
CPU time (user + system, all threads) of the best run's timed part, which says how much
of the machine a variant used whatever else was running.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MEASURE = "visa-free-transit-240h"
LOOP_SAMPLE = 100_000


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_CPU_START = 0.0


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _start() -> float:
    """Start the clocks of the timed part (wall: returned; CPU: kept for the report)."""
    global _CPU_START
    _CPU_START = _cpu()
    return time.perf_counter()


def _warm() -> None:
    """Build the library's name indexes (as a running service has them)."""
    from churujing import places
    from churujing.policy import load_policy

    places.country("DE")
    places.port("LXA", load_policy().table("ports"))
    places.division("北京")


# --------------------------------------------------------------------------- variants


def variant_loop(path: str, out: str) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from churujing import FactsError, get_measure
    from churujing.batch.engine import row_facts

    _warm()
    m = get_measure(MEASURE)
    table = pq.ParquetFile(path).read_row_group(0).slice(0, LOOP_SAMPLE)
    rows = row_facts(table, tuple(m.facts.model_fields))
    t0 = _start()
    eligible = 0
    for facts in rows:
        with contextlib.suppress(FactsError):
            eligible += m.check(facts).eligible
    return {"seconds": time.perf_counter() - t0, "rows": len(rows)}


def variant_e2e(path: str, out: str) -> dict[str, Any]:
    from churujing.batch.runner import run

    t0 = _start()
    s = run(MEASURE, path, out)
    return {"seconds": time.perf_counter() - t0, "rows": s.rows, "eligible": s.eligible,
            "rejected": s.rejected}


def variant_e2e_warm(path: str, out: str) -> dict[str, Any]:
    from churujing.batch import kernels
    from churujing.batch.runner import run

    _warm()
    kernels.warm()  # compiled kernels loaded, as in a long-running worker
    t0 = _start()
    s = run(MEASURE, path, out)
    return {"seconds": time.perf_counter() - t0, "rows": s.rows}


def variant_io(path: str, out: str) -> dict[str, Any]:
    """(b) without the check: the same reading and writing, the first batch's answers
    written again for every batch (with that batch's keys): the ceiling of (b)."""
    import pyarrow as pa

    from churujing.batch.engine import Checker
    from churujing.batch.io import ParquetSink, Reader, lean_memory_pool
    from churujing.batch.runner import DEFAULT_BATCH, _prefetch

    _warm()
    c = Checker(MEASURE)
    lean_memory_pool()
    reader = Reader(Path(path), strings=c.string_facts(), texts=c.text_facts(),
                    batch_size=DEFAULT_BATCH)
    c.check_arrow(next(iter(reader.batches())).slice(0, 1000), 0)  # kernels loaded
    t0 = _start()
    rows = 0
    sink = None
    answers = None
    for batch in _prefetch(reader.batches()):
        if answers is None:
            answers = c.check_arrow(batch, 0)[0]
            keys = c.key_columns(batch.column_names)
            sink = ParquetSink(out, answers.schema,
                               dictionary=[n for n in answers.schema.names if n not in keys])
        k = min(batch.num_rows, answers.num_rows)
        part = answers.slice(0, k)
        for name in keys:
            i = part.schema.get_field_index(name)
            part = part.set_column(i, name, batch.column(name).slice(0, k))
        assert sink is not None
        sink.write(pa.Table.from_arrays(part.columns, schema=answers.schema))
        rows += batch.num_rows
    if sink is not None:
        sink.close()
    return {"seconds": time.perf_counter() - t0, "rows": rows}


def _tables(path: str, checker: Any) -> list[Any]:
    from churujing.batch.io import Reader

    return list(Reader(Path(path), strings=checker.string_facts()).batches())


def variant_memory(path: str, out: str) -> dict[str, Any]:
    from churujing.batch.engine import Checker

    _warm()
    c = Checker(MEASURE)
    tables = _tables(path, c)
    c.check_arrow(tables[0].slice(0, 10_000), 0)  # fill the lookup tables
    t0 = _start()
    rows = 0
    for t in tables:
        _answers, _, _s = c.check_arrow(t, rows)  # the answers as the batch writes them
        rows += t.num_rows
    return {"seconds": time.perf_counter() - t0, "rows": rows}


def _encoded(path: str) -> tuple[Any, dict[str, Any]]:
    """The rule and, for the whole file, the integer codes and lookup tables it uses."""
    import numpy as np

    from churujing.batch.columns import booleans, day_numbers, instants
    from churujing.batch.engine import Checker
    from churujing.batch.tables import dictionary_codes

    c = Checker(MEASURE)
    rule: Any = c.rule
    cols: dict[str, list[Any]] = {}
    for t in _tables(path, c):
        t = c.normalise(t)
        v = rule.vocab
        part = {
            "nat": dictionary_codes(t.column("nationality"), v["nationality"]).to_numpy(),
            "port": dictionary_codes(t.column("entry_port"), v["entry_port"]).to_numpy(),
            "origin": dictionary_codes(t.column("origin"), v["origin"]).to_numpy(),
            "dest": dictionary_codes(t.column("destination"), v["destination"]).to_numpy(),
            "purpose": dictionary_codes(t.column("purpose"), v["purpose"]).to_numpy(),
            "exit": dictionary_codes(t.column("exit_port"), v["exit_port"]).to_numpy(),
            "expiry": day_numbers(t.column("passport_expiry"),
                                  rule.checks["passport_expiry"])[0].copy(),
            "entry_us": instants(t.column("entry_time"), rule.checks["entry_time"])[0].copy(),
            "dep_us": instants(t.column("departure_time"),
                               rule.checks["departure_time"])[0].copy(),
            "ticket": booleans(t.column("onward_ticket"), rule.checks["onward_ticket"])[0],
            "areas": rule._areas(t.column("visit_areas"), t.num_rows)[0],
        }
        for k, a in part.items():
            cols.setdefault(k, []).append(a)
    data = {k: np.concatenate(a) for k, a in cols.items()}
    return rule, data


def variant_numpy(path: str, out: str) -> dict[str, Any]:
    import numpy as np

    from churujing.batch import m06

    rule, d = _encoded(path)
    nat_bit, _ = rule._per_epoch("nationality")
    port_bit, _ = rule._per_epoch("entry_port")
    purpose_bit, _ = rule._per_epoch("purpose")
    exit_bit, _ = rule._per_epoch("exit_port")
    third = rule._third_country()
    k = m06.rule.CONDITIONS.bit
    entry_day = (d["entry_us"] + 8 * 3_600_000_000) // 86_400_000_000
    index, epoch_t, in_force_t, needed_t, deadline_s = rule._day_tables(entry_day)
    deadline_t = deadline_s.fill_null(np.iinfo(np.int64).min).to_numpy()
    ne = len(rule.epochs)
    n_nat, n_port = len(nat_bit) // ne, len(port_bit) // ne
    n_pur, n_exit = len(purpose_bit) // ne, len(exit_bit) // ne
    n_dest = len(rule.vocab["destination"])
    ebits = np.array([1 << k for k in range(ne)], np.int32)
    first_lut = np.array([(m & -m).bit_length() - 1 if m else 255 for m in range(1 << 10)],
                         np.uint8)
    # Integer codes in the narrowest types, evaluated in cache-sized chunks.
    u16 = {k: d[k].astype(np.uint16) for k in ("nat", "port", "origin", "dest", "purpose",
                                                "exit")}
    day = index.astype(np.uint16)
    epoch16, in_force16 = epoch_t.astype(np.uint16), in_force_t.astype(np.uint16)
    not_ticket = (~d["ticket"]).astype(np.uint16) << k("onward_ticket")
    expiry, dep, areas = d["expiry"], d["dep_us"], d["areas"]
    out = np.empty(len(day), np.uint8)
    step = 1 << 15
    best = float("inf")
    for _ in range(3):
        t0 = _start()
        for lo in range(0, len(day), step):
            s = slice(lo, lo + step)
            dd = day[s]
            e = epoch16[dd]
            mask = in_force16[dd]
            mask |= nat_bit[e * n_nat + u16["nat"][s]]
            mask |= ((expiry[s] < needed_t[dd]).view(np.uint8).astype(np.uint16)
                     << k("passport_validity"))
            mask |= port_bit[e * n_port + u16["port"][s]]
            mask |= third[u16["origin"][s] * n_dest + u16["dest"][s]]
            mask |= not_ticket[s]
            mask |= ((dep[s] > deadline_t[dd]).view(np.uint8).astype(np.uint16)
                     << k("within_stay"))
            mask |= purpose_bit[e * n_pur + u16["purpose"][s]]
            mask |= (((areas[s] & ebits[e]) == 0).view(np.uint8).astype(np.uint16)
                     << k("visit_areas"))
            mask |= exit_bit[e * n_exit + u16["exit"][s]]
            np.take(first_lut, mask, out=out[s])
        best = min(best, time.perf_counter() - t0)
    # (the kernel does not reject invalid rows: they are counted as they fall)
    return {"seconds": best, "rows": len(day), "eligible": int((out == 255).sum())}


def variant_compiled(path: str, out: str) -> dict[str, Any]:
    """The engine's compiled kernel (``kernels.m06_rows``) alone on the same integer codes
    as (e): every condition, the first unmet one, its clause, the deadline and the invalid
    rows, in one parallel pass."""
    import numpy as np

    from churujing.batch import kernels, m06

    rule, d = _encoded(path)
    n = len(d["nat"])
    codes = {k: d[k].astype(np.int32) for k in ("nat", "port", "origin", "dest", "purpose",
                                                "exit")}
    all_codes = np.arange(1 << 16, dtype=np.uint32)
    tables = {}
    for key, name in (("nat", "nationality"), ("port", "entry_port"), ("purpose", "purpose"),
                      ("exit", "exit_port")):
        tables[key] = rule._name_tables(all_codes[:len(rule.vocab[name])], name)
    pair = np.ascontiguousarray(rule._third_country().reshape(len(rule.vocab["origin"]), -1))
    lo, hi = kernels.call(kernels.day_span, d["entry_us"])
    day_epoch, in_force, needed, deadline = rule._span_tables(lo, hi)
    deadline_t = deadline.fill_null(np.iinfo(np.int64).min).to_numpy()
    epoch_bits = np.array([1 << k for k in range(len(rule.epochs))], np.int32)
    outs = (np.empty(n, np.uint16), np.empty(n, np.uint8), np.empty(n, np.uint8),
            np.empty(n, np.int64), np.empty(n, np.bool_))
    args = (codes["nat"], tables["nat"][0], codes["port"], tables["port"][0], codes["origin"],
            codes["dest"], pair, codes["purpose"], tables["purpose"][0], codes["exit"],
            tables["exit"][0], d["expiry"], d["entry_us"], d["dep_us"], d["ticket"],
            d["areas"], np.zeros(0, np.bool_), lo, np.zeros(0, np.int32), day_epoch,
            in_force, needed, deadline_t, -1, epoch_bits, m06._FIRST,
            rule._constant_clause, tables["nat"][1], tables["port"][1], tables["exit"][1],
            *m06._KERNEL_LAYOUT)
    best = float("inf")
    for _ in range(3):
        t0 = _start()
        kernels.call(kernels.m06_rows, *args, out=outs)
        best = min(best, time.perf_counter() - t0)
    return {"seconds": best, "rows": n, "eligible": int((outs[0] == 0).sum())}


def variant_duckdb(path: str, out: str) -> dict[str, Any]:
    import duckdb
    import numpy as np
    import pyarrow as pa

    from churujing.batch import m06

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    _warm()
    t0 = _start()
    # Lookup tables from the same data, through the same vocabularies as the batch path.
    from churujing.batch.engine import Checker

    rule: Any = Checker(MEASURE).rule
    luts: dict[str, Any] = {}
    ne = len(rule.epochs)
    for col, vocab in (("nationality", "nationality"), ("entry_port", "entry_port"),
                       ("purpose", "purpose"), ("exit_port", "exit_port")):
        values = [r[0] for r in con.execute(
            f"SELECT DISTINCT {col} FROM read_parquet(?) WHERE {col} IS NOT NULL",
            [path]).fetchall()]
        codes = [rule.vocab[vocab].code(x) for x in values]
        bits, clauses = rule._per_epoch(vocab)
        n = len(bits) // ne
        rows = [(x, e, int(bits[e * n + c]), rule.clauses[clauses[e * n + c]])
                for x, c in zip(values, codes, strict=True) for e in range(ne)]
        luts[col] = pa.table({"v": [r[0] for r in rows], "e": [r[1] for r in rows],
                              "bit": [r[2] for r in rows], "clause": [r[3] for r in rows]})
        con.register(f"lut_{col}", luts[col])
    places: dict[str, Any] = {}
    for col in ("origin", "destination"):
        values = [r[0] for r in con.execute(
            f"SELECT DISTINCT {col} FROM read_parquet(?)", [path]).fetchall()]
        codes = [rule.vocab[col].code(x) if x is not None else 0 for x in values]
        ids = rule._country_ids(rule.vocab[col])
        places[col] = pa.table({"v": values, "id": [int(ids[c]) for c in codes]})
        con.register(f"lut_{col}", places[col])
    lo, hi = con.execute(
        "SELECT min(epoch_us(entry_time)), max(epoch_us(entry_time)) FROM read_parquet(?)",
        [path]).fetchall()[0]
    days = np.arange((lo + 8 * 3_600_000_000) // 86_400_000_000,
                     (hi + 8 * 3_600_000_000) // 86_400_000_000 + 1)
    _, epoch_t, in_force_t, needed_t, deadline_s = rule._day_tables(days)
    day_table = pa.table({"d": days, "e": epoch_t.astype(np.int32), "f": in_force_t.astype(
        np.int32), "needed": needed_t, "deadline": deadline_s.to_arrow()})
    con.register("lut_day", day_table)
    areas = rule.vocab["visit_area"]
    names = [r[0] for r in con.execute(
        "SELECT DISTINCT unnest(visit_areas) FROM read_parquet(?)", [path]).fetchall()
        if r[0] is not None]
    area_codes = [areas.code(v) for v in names]
    allowed, _ = rule._area_tables()
    whens = " ".join(
        f"WHEN '{str(v).replace(chr(39), chr(39) * 2)}' THEN {int(allowed[c])}"
        for v, c in zip(names, area_codes, strict=True)
    )
    full = (1 << ne) - 1
    # the mainland's number, if a journey's end named it (-2: none did)
    mainland = next((i for c, i in rule._countries.items() if c.code == "CN"), -2)
    codes = list(m06.CONDITIONS)
    sql = f"""
    COPY (
      WITH m AS (
        SELECT t.*, d.e AS ep, d.f AS in_force_bit, d.needed, d.deadline
        FROM read_parquet('{path}') t
        JOIN lut_day d ON d.d = (epoch_us(t.entry_time) + 28800000000) // 86400000000
      ), b AS (
        SELECT m.passenger_id, m.deadline,
          n.clause AS nat_clause, p.clause AS port_clause, x.clause AS exit_clause,
          m.in_force_bit
          | coalesce(n.bit, 2)
          | CASE WHEN epoch_ms(m.passport_expiry) // 86400000 >= m.needed THEN 0 ELSE 4 END
          | coalesce(p.bit, 8)
          | CASE WHEN o.id >= 0 AND de.id >= 0 AND o.id <> {mainland} AND de.id <> {mainland}
                  AND o.id <> de.id THEN 0 ELSE 16 END
          | CASE WHEN m.onward_ticket THEN 0 ELSE 32 END
          | CASE WHEN epoch_us(m.departure_time) <= m.deadline THEN 0 ELSE 64 END
          | coalesce(u.bit, 128)
          | CASE WHEN coalesce(list_aggregate(list_transform(m.visit_areas,
                 lambda a: CASE a {whens} ELSE 0 END), 'bit_and'), {full})
                 & (1 << m.ep) <> 0 THEN 0 ELSE 256 END
          | CASE WHEN m.exit_port IS NULL THEN 0 ELSE coalesce(x.bit, 512) END AS mask
        FROM m
        LEFT JOIN lut_nationality n ON n.v = m.nationality AND n.e = m.ep
        LEFT JOIN lut_entry_port p ON p.v = m.entry_port AND p.e = m.ep
        LEFT JOIN lut_purpose u ON u.v = m.purpose AND u.e = m.ep
        LEFT JOIN lut_exit_port x ON x.v = m.exit_port AND x.e = m.ep
        LEFT JOIN lut_origin o ON o.v = m.origin
        LEFT JOIN lut_destination de ON de.v = m.destination
      )
      SELECT passenger_id, mask = 0 AS eligible,
        {_first_sql(codes)} AS first_unmet,
        CASE WHEN mask = 0 THEN NULL
             WHEN mask & 1 <> 0 THEN 'M06' WHEN mask & 2 <> 0 THEN coalesce(nat_clause, 'A1.1')
             WHEN mask & 4 <> 0 THEN 'A1.2' WHEN mask & 8 <> 0 THEN coalesce(port_clause, 'A2')
             WHEN mask & 16 <> 0 THEN 'M06.2' WHEN mask & 32 <> 0 THEN 'A1.3'
             WHEN mask & 64 <> 0 THEN 'A1.4' WHEN mask & 128 <> 0 THEN 'M06.3'
             WHEN mask & 256 <> 0 THEN 'A2.66' ELSE coalesce(exit_clause, 'A2') END
          AS first_unmet_clause,
        list_filter({codes!r}, lambda c, i: mask & (1 << (i - 1)) <> 0) AS unmet,
        make_timestamptz(deadline) AS stay_deadline
      FROM b
    ) TO '{out}' (FORMAT parquet, COMPRESSION lz4)
    """
    con.execute(sql)
    seconds = time.perf_counter() - t0
    rows, eligible = con.execute("SELECT count(*), count_if(eligible) FROM read_parquet(?)",
                                 [out]).fetchall()[0]
    return {"seconds": seconds, "rows": rows, "eligible": eligible}


def _first_sql(codes: list[str]) -> str:
    parts = " ".join(f"WHEN mask & {1 << k} <> 0 THEN '{c}'" for k, c in enumerate(codes))
    return f"CASE WHEN mask = 0 THEN NULL {parts} END"


VARIANTS = {
    "a": ("loop over the single-check engine", variant_loop),
    "b": ("batch end to end, Parquet to Parquet", variant_e2e),
    "b'": ("  the same, library name indexes warm", variant_e2e_warm),
    "c": ("batch engine on an in-memory table", variant_memory),
    "d": ("DuckDB, the same rule in SQL, Parquet to Parquet", variant_duckdb),
    "e": ("bare NumPy kernel on integer codes (floor)", variant_numpy),
    "f": ("(b)'s Parquet reading and writing alone, no check (its ceiling)", variant_io),
    "g": ("the engine's compiled kernel alone on the same integer codes as (e)",
          variant_compiled),
}


def _child(name: str, path: str, out: str) -> None:
    result = VARIANTS[name][1](path, out)
    result["maxrss_mb"] = _rss_mb()
    result.setdefault("cpu_seconds", _cpu() - _CPU_START)  # of the timed part, all threads
    sys.stdout.write(json.dumps(result) + "\n")


def latency(n: int = 20_000) -> tuple[float, float]:
    """Median and p99 (µs) of one 240-hour decision, facts already parsed."""
    from churujing import get_measure

    m = get_measure(MEASURE)
    facts, _ = m.parse({
        "nationality": "DE", "passport_expiry": "2027-06-30", "entry_port": "PVG",
        "entry_time": "2025-11-10T14:30:00", "origin": "US", "destination": "JP",
        "departure_time": "2025-11-18T10:00:00", "onward_ticket": True, "purpose": "tourism",
    })
    for _ in range(2_000):
        m.decide(facts)
    samples = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        m.decide(facts)
        samples.append(time.perf_counter_ns() - t0)
    samples.sort()
    return statistics.median(samples) / 1000, samples[int(len(samples) * 0.99)] / 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", default="1000000,10000000", help="comma-separated sizes")
    ap.add_argument("--repeat", type=int, default=3, help="runs per variant (best is shown)")
    ap.add_argument("--variants", default="a,b,b',c,d,e,f,g")
    ap.add_argument("--data", default=None, help="where to keep the generated manifests")
    ap.add_argument("--child", nargs=3, metavar=("VARIANT", "INPUT", "OUTPUT"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(*args.child)
        return
    from churujing.batch.synthetic import write_manifest

    data = Path(args.data or tempfile.mkdtemp(prefix="churujing-bench-"))
    data.mkdir(parents=True, exist_ok=True)
    print(f"# {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at start; "
          f"data in {data}")
    results: list[tuple[int, str, list[dict[str, Any]]]] = []
    for n in [int(x) for x in args.rows.split(",")]:
        path = data / f"manifest-{n}.parquet"
        if not path.exists():
            t0 = time.perf_counter()
            write_manifest(path, n)
            print(f"# generated {n:,} rows in {time.perf_counter() - t0:.1f} s: {path}")
        for name in args.variants.split(","):
            runs = []
            for _ in range(1 if name == "a" else args.repeat):
                out = data / f"out-{n}-{name.strip(chr(39))}{'w' if chr(39) in name else ''}"
                out_file = str(out) + ".parquet"
                proc = subprocess.run(
                    [sys.executable, __file__, "--child", name, str(path), out_file],
                    capture_output=True, text=True, check=False,
                )
                if proc.returncode != 0:
                    print(f"# {name} failed:\n{proc.stderr[-2000:]}")
                    break
                runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            results.append((n, name, runs))
            _print_row(n, name, runs)
    med, p99 = latency()
    print(f"\nsingle 240-hour decision through the library (facts parsed): "
          f"median {med:.1f} µs, p99 {p99:.1f} µs")
    _print_table(results)
    print(f"# load average {os.getloadavg()[0]:.1f} at the end")


def _fmt(rate: float) -> str:
    """A rate in rows/s: millions with two decimals, else thousands."""
    return f"{rate / 1e6:.2f} M" if rate >= 1e6 else f"{rate / 1e3:.1f} k"


def _rate(run: dict[str, Any]) -> float:
    return float(run["rows"]) / float(run["seconds"])


def _print_row(n: int, name: str, runs: list[dict[str, Any]]) -> None:
    if not runs:
        return
    rates = [_rate(r) for r in runs]
    print(f"  {n:>12,} {name:<3} best {_fmt(max(rates))} rows/s  "
          f"runs {', '.join(_fmt(r) for r in rates)}  "
          f"peak RSS {max(r['maxrss_mb'] for r in runs):.0f} MB  "
          f"CPU {_best(runs)['cpu_seconds']:.2f} s"
          + (f"  eligible {runs[0]['eligible']:,}" if "eligible" in runs[0] else "")
          + (f" rejected {runs[0]['rejected']:,}" if "rejected" in runs[0] else ""))


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return max(runs, key=_rate)


def _print_table(results: list[tuple[int, str, list[dict[str, Any]]]]) -> None:
    print("\n| rows | variant | best rows/s | spread (min–max) | peak RSS MB | CPU s | vs loop |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    loop = {n: max(_rate(r) for r in runs) for n, name, runs in results if name == "a" and runs}
    for n, name, runs in results:
        if not runs:
            continue
        rates = [_rate(r) for r in runs]
        label = VARIANTS[name][0].strip()
        ratio = f"{max(rates) / loop[n]:,.0f}×" if n in loop else "—"
        sample = f" ({runs[0]['rows']:,}-row sample)" if name == "a" else ""
        print(f"| {n:,} | ({name}) {label}{sample} | {_fmt(max(rates))} | "
              f"{_fmt(min(rates))}–{_fmt(max(rates))} | "
              f"{max(r['maxrss_mb'] for r in runs):.0f} | {_best(runs)['cpu_seconds']:.2f} | "
              f"{ratio} |")


if __name__ == "__main__":
    main()
