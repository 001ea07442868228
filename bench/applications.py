"""Benchmark of the applications platform: the photo check's time, and applications
created and submitted per second, on SQLite (and PostgreSQL with ``--pg``).

    .venv/bin/python bench/applications.py [--photos 40] [--count 150] [--threads 1,4] [--pg]

* photo check: ``check_photo`` on the passing portrait (scikit-image's astronaut on white,
  354×472) and on a blank image, after one warm-up run (the first loads the face cascade);
* create: ``POST /v1/applications/online-renewal``'s work: validation, the GB 11643 number,
  the measure-7 rule, AES-GCM, one transaction (application, chained transition, outbox);
* submit: the second run of the rule, the documents' presence, the due date on the
  mainland calendar, one transaction (status, chained transition, outbox).

Uploads are made beforehand (each runs the photo check) and are not counted in submit.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "services"))

import photos as P  # noqa: E402
from apps_helpers import body, documents, make_id, service, start_clock  # noqa: E402

from churujing.services.applications.photo import check_photo  # noqa: E402


def photo_times(n: int) -> dict[str, float]:
    good, blank = P.jpeg(P.on_background()), P.jpeg(P.blank())
    t0 = time.perf_counter()
    check_photo(good)
    first = time.perf_counter() - t0
    out: dict[str, float] = {"first_ms": first * 1000}
    for name, data in (("portrait", good), ("blank", blank)):
        times = []
        for _ in range(n):
            t = time.perf_counter()
            check_photo(data)
            times.append(time.perf_counter() - t)
        times.sort()
        out[f"{name}_median_ms"] = statistics.median(times) * 1000
        out[f"{name}_p95_ms"] = times[int(0.95 * (len(times) - 1))] * 1000
    return out


def run(threads: int, items: list[Any], work: Callable[[Any], Any]) -> float:
    """Items per second with ``threads`` workers sharing ``items``."""
    lock = threading.Lock()
    queue = list(items)

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                item = queue.pop()
            work(item)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    t = time.perf_counter()
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return len(items) / (time.perf_counter() - t)


def bodies(count: int, offset: int) -> list[dict[str, Any]]:
    out = []
    for i in range(count):
        b = body()
        b["applicant"]["id_number"] = make_id(seq=f"{(offset + i) % 1000:03d}",
                                              born=f"19{60 + (offset + i) // 1000 % 40}0315")
        out.append(b)
    return out


def database_figures(url: str, count: int, threads: list[int]) -> dict[str, float]:
    svc = service(url, start_clock())
    docs = documents()
    out: dict[str, float] = {}
    offset = 0
    for n in threads:
        made: list[dict[str, Any]] = []
        lock = threading.Lock()

        def create(b: dict[str, Any], made: list[dict[str, Any]] = made,
                   lock: threading.Lock = lock) -> None:
            m = svc.create(b)
            with lock:
                made.append(m)

        out[f"create_per_s_{n}_threads"] = run(n, bodies(count, offset), create)
        offset += count
        for m in made:
            for kind, data in docs.items():
                svc.put_document(m["number"], m["secret"], kind, data)
        out[f"submit_per_s_{n}_threads"] = run(
            n, made, lambda m: svc.submit(m["number"], m["secret"]))
    svc.db.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=40)
    ap.add_argument("--count", type=int, default=150)
    ap.add_argument("--threads", default="1,4")
    ap.add_argument("--pg", action="store_true")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    print("photo check:", {k: round(v, 1) for k, v in photo_times(args.photos).items()})
    with tempfile.TemporaryDirectory() as tmp:
        figures = database_figures(f"sqlite:///{tmp}/bench.sqlite3", args.count, threads)
        print("sqlite:", {k: round(v, 1) for k, v in figures.items()})
    if args.pg:
        from ac_helpers import start_postgres, stop_postgres

        server = start_postgres()
        try:
            url = server.url(server.create_database())
            print("postgresql:", {k: round(v, 1) for k, v in
                                  database_figures(url, args.count, threads).items()})
        finally:
            stop_postgres(server)


if __name__ == "__main__":
    main()
