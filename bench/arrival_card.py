"""Benchmark of the arrival-card service: sustained submissions per second, SQLite and
PostgreSQL, and what happens when the database is unavailable.

    .venv/bin/python bench/arrival_card.py [--seconds 10] [--threads 8] [--http]

Each submission is the whole workflow of ``POST /v1/arrival-cards``: validation (names,
phone, port…), the measure-10 rule, AES-GCM encryption, the keyed hash, the Ed25519
receipt token, one transaction inserting the filing, its first version and the
idempotency record. ``--http`` also measures through uvicorn (a subprocess) with
concurrent HTTP clients. PostgreSQL 15 is started in a temporary folder (as the
``postgres`` user when run as root) and removed afterwards; without its binaries that
part is skipped.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from churujing.facts import BEIJING  # noqa: E402
from churujing.services.arrival_card.errors import DatabaseUnavailable  # noqa: E402
from churujing.services.arrival_card.service import ArrivalCardService  # noqa: E402
from churujing.services.arrival_card.settings import Settings  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def card(i: int) -> dict[str, Any]:
    arrival = (datetime.now(BEIJING).date() + timedelta(days=7)).isoformat()
    return {
        "family_name": "Müller", "given_names": "Anna", "sex": "F",
        "date_of_birth": "1990-04-01", "nationality": "DE", "passport_number": f"B{i:08d}",
        "passport_expiry": "2040-01-01", "arrival_date": arrival, "arrival_port": "PVG",
        "transport_number": "LH728", "address_in_china": "上海市静安区南京西路1号",
        "phone": "+49 30 901820", "email": "anna@example.de", "purpose": "business",
        "intended_stay_days": 10, "declaration": True,
    }


# --------------------------------------------------------------------------- PostgreSQL


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def start_postgres() -> tuple[str, Callable[[], None]] | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        return None
    bindir = found[-1].parent
    folder = Path(tempfile.mkdtemp(prefix="churujing-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(folder / "data"), "-U",
                                 "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]),
                   check=True, capture_output=True)
    opts = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
    subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-o", opts,
                                 "-l", str(folder / "log"), "-w", "start"]),
                   check=True, capture_output=True)

    def stop() -> None:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-m",
                                     "immediate", "-w", "stop"]), capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)

    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", stop


# --------------------------------------------------------------------------- measuring


def sustained(service: ArrivalCardService, seconds: float, threads: int) -> dict[str, float]:
    """Submissions per second over ``seconds`` with ``threads`` concurrent submitters."""
    stop = threading.Event()
    counts = [0] * threads
    latencies: list[float] = []
    lock = threading.Lock()

    def run(t: int) -> None:
        i = 0
        mine: list[float] = []
        while not stop.is_set():
            start = time.perf_counter()
            service.filings.file(card(t * 10_000_000 + i),
                                 idempotency_key=f"b{t}-{i}-{time.time_ns()}")
            mine.append(time.perf_counter() - start)
            i += 1
            counts[t] += 1
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    begin = time.perf_counter()
    for w in workers:
        w.start()
    time.sleep(seconds)
    stop.set()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - begin
    latencies.sort()
    return {"per_second": sum(counts) / elapsed, "total": sum(counts),
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000}


def http_sustained(url: str, key_file: Path, seconds: float, threads: int) -> dict[str, float]:
    import httpx

    port = free_port()
    env = {**os.environ, "CHURUJING_DATABASE_URL": url, "CHURUJING_KEY_FILE": str(key_file),
           "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "_server_app:make_app",
                             "--app-dir", str(ROOT / "tests" / "services"), "--port", str(port),
                             "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/v1/arrival-cards/keys", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        stop = threading.Event()
        counts = [0] * threads

        def run(t: int) -> None:
            with httpx.Client(base_url=base, timeout=30) as c:
                i = 0
                while not stop.is_set():
                    r = c.post("/v1/arrival-cards", json=card(t * 10_000_000 + i),
                               headers={"Idempotency-Key": f"h{t}-{i}-{time.time_ns()}"})
                    r.raise_for_status()
                    counts[t] += 1
                    i += 1

        workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
        begin = time.perf_counter()
        for w in workers:
            w.start()
        time.sleep(seconds)
        stop.set()
        for w in workers:
            w.join()
        return {"per_second": sum(counts) / (time.perf_counter() - begin), "total": sum(counts)}
    finally:
        proc.terminate()
        proc.wait(10)


def unavailable(service: ArrivalCardService) -> str:
    start = time.perf_counter()
    try:
        service.filings.file(card(1), idempotency_key=f"down-{time.time_ns()}")
    except DatabaseUnavailable as exc:
        ms = (time.perf_counter() - start) * 1000
        return (f"DatabaseUnavailable after {ms:.0f} ms -> HTTP 503, Retry-After: 5, "
                f"{exc.text.en!r} (logged cause: {exc.detail})")
    return "the submission succeeded (unexpected)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--http", action="store_true", help="also measure through uvicorn")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="churujing-bench-"))
    print(f"arrival-card benchmark: {args.threads} threads, {args.seconds:.0f} s each, "
          f"{os.cpu_count()} CPUs")
    try:
        targets: list[tuple[str, str, Callable[[], None] | None]] = [
            ("SQLite (WAL, synchronous=FULL)", f"sqlite:///{tmp / 'bench.sqlite3'}", None)]
        pg = start_postgres()
        if pg is None:
            print("PostgreSQL: skipped (no server binaries under /usr/lib/postgresql)")
        else:
            targets.append(("PostgreSQL 15 (psycopg 3)", pg[0], pg[1]))
        for name, url, stop in targets:
            settings = Settings(database_url=url, key_file=tmp / "keys.json",
                                arrival_window_days=30)
            service = ArrivalCardService.from_settings(settings)
            service.filings.file(card(0))  # warm up: imports, indexes, the policy data
            r = sustained(service, args.seconds, args.threads)
            print(f"{name}: {r['per_second']:.0f} submissions/s sustained "
                  f"({r['total']:.0f} in {args.seconds:.0f} s; p50 {r['p50_ms']:.1f} ms, "
                  f"p99 {r['p99_ms']:.1f} ms)")
            if args.http:
                h = http_sustained(url, tmp / "keys.json", args.seconds, args.threads)
                print(f"{name} over HTTP (uvicorn, 1 worker): {h['per_second']:.0f} "
                      f"submissions/s")
            if stop is not None:
                stop()  # the database goes away under the running service
                print(f"{name} stopped: {unavailable(service)}")
            service.db.dispose()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
