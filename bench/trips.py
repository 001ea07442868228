"""Black-box check and latency of the trip service: serve the app (``churujing serve`` on
127.0.0.1, a free port), then from outside, over HTTP only:

1. ``POST /v1/trips/check`` answers a trip (and its latency: N sequential requests, p50,
   p95, max, after a warm-up);
2. ``Accept: application/pdf`` returns a PDF and ``Accept: text/calendar`` a calendar;
3. ``/docs`` and ``/redoc`` reference no asset of another site, and each asset loads.

Usage: ``PYTHONPATH=src .venv/bin/python bench/trips.py [N]`` (default 200). Bounded:
one server, N requests, a minute at most; the server is stopped at the end.
"""

from __future__ import annotations

import json
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

TRIP = {
    "nationality": "DE", "passport_expiry": "2029-06-30", "purpose": "tourism",
    "onward_ticket": True, "stays_airside": False, "visit_areas": ["苏州"],
    "legs": [{"from": "FRA", "to": "PVG", "depart": "2025-12-09T20:00:00+01:00",
              "arrive": "2025-12-10T14:30:00"},
             {"from": "PVG", "to": "NRT", "depart": "2025-12-18T10:00:00",
              "arrive": "2025-12-18T14:00:00+09:00"}],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def main(n: int = 200) -> int:
    port = _free_port()
    cli = Path(sys.executable).with_name("churujing")
    server = subprocess.Popen([str(cli), "serve", "--port", str(port), "--log-level", "warning"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    failures: list[str] = []
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        print("the server did not start", file=sys.stderr)
                        return 1
                    time.sleep(0.2)
            r = client.post("/v1/trips/check", json=TRIP)
            best = r.json()["entries"][0]["best"]["regime"] if r.status_code == 200 else None
            print(f"1. POST /v1/trips/check: {r.status_code}, best {best}, {len(r.content)} bytes")
            if best != "visa-free-30d":
                failures.append("trip")
            for _ in range(10):
                client.post("/v1/trips/check", json=TRIP)
            times = []
            for _ in range(n):
                t = time.perf_counter()
                client.post("/v1/trips/check", json=TRIP)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            print(f"   latency over {n} sequential requests: p50 {statistics.median(times):.1f} ms,"
                  f" p95 {times[int(n * 0.95) - 1]:.1f} ms, max {times[-1]:.1f} ms")
            t = time.perf_counter()
            pdf = client.post("/v1/trips/check", json=TRIP, headers={"Accept": "application/pdf"})
            pdf_ms = (time.perf_counter() - t) * 1000
            ics = client.post("/v1/trips/check", json=TRIP, headers={"Accept": "text/calendar"})
            ok_pdf = pdf.headers.get("content-type") == "application/pdf" and \
                pdf.content.startswith(b"%PDF")
            ok_ics = ics.headers.get("content-type", "").startswith("text/calendar") and \
                b"BEGIN:VEVENT" in ics.content
            print(f"2. PDF: {ok_pdf} ({len(pdf.content)} bytes, {pdf_ms:.0f} ms); "
                  f"calendar: {ok_ics} ({len(ics.content)} bytes)")
            if not (ok_pdf and ok_ics):
                failures.append("kit")
            for path in ("/docs", "/redoc"):
                page = client.get(path)
                refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
                foreign = [x for x in refs if not x.startswith("/")]
                broken = [x for x in refs if x.startswith("/") and client.get(x).status_code != 200]
                print(f"3. {path}: {page.status_code}, assets {refs}, elsewhere {foreign}, "
                      f"broken {broken}")
                if page.status_code != 200 or foreign or broken:
                    failures.append(path)
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(json.dumps({"ok": not failures, "failures": failures}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
