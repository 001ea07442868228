"""What the request path costs, in-process: CPU microseconds per request through the ASGI
app, no server and no sockets. CPU time (``time.thread_time``), not wall time: other load
on the machine barely moves it, where it halves the throughput ``ab`` sees.

    .venv/bin/python bench/request_path.py [--n 2000]

Compares ``churujing.api:app`` (its middleware, routing, parameters, serialisation) with
the thin peer of ``bench/service.py`` (one route, no middleware) on ``/healthz`` and on
the 240-hour check, and splits the check into the library call (``Measure.check``) and
the answer's building (``decision_out``, compact and full).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "src"))
sys.path.insert(0, str(BENCH))

from service import CHECK, FACTS  # noqa: E402


def _scope(path: str, method: str, body: bytes) -> dict[str, Any]:
    query = b""
    if "?" in path:
        path, q = path.split("?", 1)
        query = q.encode()
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": query, "root_path": "", "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
            "headers": [(b"host", b"bench"), (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode())]}


async def per_request(app: Any, path: str, method: str = "GET", body: bytes = b"",
                      n: int = 2000) -> float:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    for _ in range(max(50, n // 10)):
        await app(_scope(path, method, body), receive, send)
    start = time.thread_time()
    for _ in range(n):
        await app(_scope(path, method, body), receive, send)
    elapsed = (time.thread_time() - start) / n * 1e6
    assert set(statuses) == {200}, (path, set(statuses))
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    from thin_peer import app as thin

    from churujing.api import create_app
    from churujing.api.routes.measures import compact, decision_out
    from churujing.measures import get_measure

    ours = create_app()
    body = json.dumps(FACTS).encode()
    rows = []
    for name, app, path, method, b in (
            ("/healthz, churujing", ours, "/healthz", "GET", b""),
            ("/healthz, thin peer", thin, "/healthz", "GET", b""),
            ("/check (compact), churujing", ours, CHECK, "POST", body),
            ("/check?detail=full, churujing", ours, CHECK + "?detail=full", "POST", body),
            ("/check, thin peer (to_dict)", thin, "/check", "POST", body)):
        rows.append((name, asyncio.run(per_request(app, path, method, b, args.n))))
    m = get_measure("visa-free-transit-240h")
    for name, fn in (("Measure.check", lambda: m.check(FACTS)),
                     ("Measure.check + decision_out compact",
                      lambda: decision_out(compact(m.check(FACTS)), "zh", "v")),
                     ("Measure.check + decision_out full",
                      lambda: decision_out(m.check(FACTS), "zh", "v"))):
        for _ in range(100):
            fn()
        start = time.thread_time()
        for _ in range(args.n):
            fn()
        rows.append((name, (time.thread_time() - start) / args.n * 1e6))
    print("| path | CPU µs per request |\n|---|---:|")
    for name, us in rows:
        print(f"| {name} | {us:.0f} |")


if __name__ == "__main__":
    main()
