"""Throughput and latency of the running service, measured with ``ab`` (apache2-utils).

    .venv/bin/python bench/service.py [--requests 4000] [--workers 2] [--skip-filings]

In one run, on loopback only:

1. ``/v1/measures/visa-free-transit-240h/check`` of ``churujing serve --workers N``
   against the thinnest FastAPI app that calls the same library function
   (:mod:`thin_peer`: one route, ``Measure.check`` and ``Decision.to_dict()``, served by
   uvicorn with its defaults: one worker), at 8 and at 32 concurrent clients;
2. ``/healthz`` of both (what the request path costs around a route);
3. durable filings (``POST /v1/arrival-cards``: acknowledged = committed; SQLite with
   ``synchronous=FULL``, PostgreSQL with ``synchronous_commit=on``) at 8 and 32 clients,
   each request a different traveller (one valid filing per traveller and arrival: the
   same card again would supersede the last one, a different workload). ``ab`` sends one
   body only, so filings are driven by ``wrk`` (Debian's package) with a Lua script that
   numbers the passports.

``ab`` and ``wrk`` are C load generators: one process, an event loop, far cheaper per
request than the servers they measure, so they are not the bottleneck. Each figure is ab's
``Requests per second`` and its 50th and 99th percentiles. Every server is started
here as a subprocess and stopped at the end; nothing listens beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from arrival_card import card, free_port, start_postgres  # noqa: E402

CHECK = "/v1/measures/visa-free-transit-240h/check"
FACTS = {
    "nationality": "DE", "passport_expiry": "2027-06-30", "entry_port": "PVG",
    "entry_time": "2025-11-10T14:30:00", "origin": "US", "destination": "JP",
    "departure_time": "2025-11-18T10:00:00", "onward_ticket": True, "purpose": "tourism",
}


def _wait(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


def _start(cmd: list[str], env: dict[str, str], url: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _wait(url)
    except RuntimeError:
        _stop(proc)
        raise
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def ab(url: str, n: int, c: int, body: Path | None = None) -> dict[str, float]:
    """One ``ab`` run: requests per second, p50 and p99 in ms, failed and non-2xx."""
    cmd = ["ab", "-q", "-k", "-n", str(n), "-c", str(c)]
    if body is not None:
        cmd += ["-p", str(body), "-T", "application/json"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True,
                         timeout=600).stdout

    def grab(pattern: str) -> float:
        m = re.search(pattern, out, re.MULTILINE)
        return float(m.group(1)) if m else float("nan")

    return {"rps": grab(r"^Requests per second:\s+([\d.]+)"),
            "p50": grab(r"^\s+50%\s+(\d+)"), "p99": grab(r"^\s+99%\s+(\d+)"),
            "failed": grab(r"^Failed requests:\s+(\d+)"),
            "non2xx": grab(r"^Non-2xx responses:\s+(\d+)") if "Non-2xx" in out else 0.0}


def hostile(base: str) -> list[str]:
    """The black-box checks of issue 12 against a running server: each line says what
    was sent, the status, and how long the answer took."""
    import http.client
    from urllib.parse import urlsplit

    host = urlsplit(base)
    out: list[str] = []

    def send(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
             ) -> tuple[int, dict[str, str], float]:
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        start = time.perf_counter()
        try:
            conn.request(method, path, body=body or None, headers=headers or {})
            r = conn.getresponse()
            r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, time.perf_counter() - start
        except (BrokenPipeError, ConnectionResetError):  # the server answered before the end
            return 413, {}, time.perf_counter() - start
        finally:
            conn.close()

    ten_mb = b"[" + b"1," * (5 * 1024 * 1024) + b"1]"
    st, _, dt = send("POST", CHECK, ten_mb, {"Content-Type": "application/json"})
    out.append(f"10 MB body to /check: {st} in {dt * 1000:.0f} ms")
    deep = b"[" * 2000 + b"]" * 2000
    st, _, dt = send("POST", CHECK, deep, {"Content-Type": "application/json"})
    out.append(f"nesting 2,000 deep to /check: {st} in {dt * 1000:.0f} ms")
    group = json.dumps({"travellers": [{}] * 50_000}).encode()
    st, _, dt = send("POST", "/v1/arrival-cards/groups", group,
                     {"Content-Type": "application/json"})
    out.append(f"group of 50,000 travellers: {st} in {dt * 1000:.0f} ms")
    codes = []
    for _ in range(8):
        st, h, _ = send("POST", "/v1/officers/token", b"username=officer&password=wrong-guess",
                        {"Content-Type": "application/x-www-form-urlencoded"})
        codes.append(st)
    out.append(f"8 wrong passwords: {codes} (Retry-After {h.get('retry-after')})")
    st, h, _ = send("GET", "/arrival-card")
    out.append(f"page /arrival-card: {st}; CSP {h.get('content-security-policy', 'none')!r}; "
               f"nosniff {h.get('x-content-type-options')!r}")
    return out


_WRK_SCRIPT = """
local n = 0
local threads = 0
local template = [[%s]]
local run = "%s"
function setup(thread)
  thread:set("prefix", run .. string.char(66 + threads))  -- B, C…: each thread its own passports
  threads = threads + 1
end
request = function()
  n = n + 1
  local body = string.gsub(template, "PASSPORT", string.format("%%s%%08d", prefix, n))
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
"""


_RUNS = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def wrk(url: str, seconds: int, c: int, template: str, tmp: Path) -> dict[str, float]:
    """One ``wrk`` run posting ``template`` with ``PASSPORT`` numbered per request: a letter
    of its own for each run and each wrk thread, so that no filing repeats a traveller
    filed before (a repeat would supersede the earlier filing, another workload: it
    decrypts and rewrites the old one)."""
    script = tmp / "filings.lua"
    script.write_text(_WRK_SCRIPT % (template, next(_RUNS)), encoding="utf-8")
    threads = min(2, c)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(c), "-d", f"{seconds}s",
                          "--timeout", "10s",
                          "--latency", "-s", str(script), url], capture_output=True,
                         text=True, check=True, timeout=seconds + 60).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)

    def ms(pattern: str) -> float:
        m = re.search(pattern, out, re.MULTILINE)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    def grab(pattern: str) -> float:
        m = re.search(pattern, out, re.MULTILINE)
        return float(m.group(1)) if m else 0.0

    return {"rps": grab(r"^Requests/sec:\s+([\d.]+)"),
            "p50": ms(r"^\s+50%\s+([\d.]+)(us|ms|s)"), "p99": ms(r"^\s+99%\s+([\d.]+)(us|ms|s)"),
            "failed": grab(r"Socket errors:.*?timeout (\d+)"),
            "non2xx": grab(r"Non-2xx or 3xx responses:\s+(\d+)"),
            "requests": grab(r"^\s+(\d+) requests in"), "wrk_cpu": wrk_cpu}


def reference_ms(rounds: int = 5) -> float:
    """The machine's speed now: the best of ``rounds`` timings (ms) of a fixed CPU-bound
    piece of Python (JSON and hashing, as a filing does). This machine is a virtual one
    shared with others, and its speed varies between runs by a third or more: the same
    code measured at different moments differs as much, so each run prints this figure
    at its start and at its end (lower is faster), to compare runs with."""
    import hashlib

    doc = {"k": [{"n": i, "s": "x" * 20, "f": i / 7} for i in range(200)]}
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(40):
            raw = json.dumps(doc, sort_keys=True).encode()
            hashlib.sha256(json.loads(raw)["k"][-1]["s"].encode() + raw).hexdigest()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def _row(name: str, c: int, r: dict[str, float]) -> str:
    bad = "" if not (r["failed"] or r["non2xx"]) else \
        f"  (failed {r['failed']:.0f}, non-2xx {r['non2xx']:.0f})"
    return f"| {name:<44} | {c:>3} | {r['rps']:>8.0f} | {r['p50']:>4.0f} | {r['p99']:>4.0f} |{bad}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000, help="requests per ab run")
    parser.add_argument("--workers", type=int, default=2, help="churujing serve --workers")
    parser.add_argument("--seconds", type=int, default=10, help="seconds per filings run")
    parser.add_argument("--skip-filings", action="store_true")
    parser.add_argument("--skip-check", action="store_true")
    parser.add_argument("--in-process", action="store_true",
                        help="also file from threads of this process, without HTTP")
    args = parser.parse_args()
    for tool, package in (("ab", "apache2-utils"), ("wrk", "wrk")):
        if shutil.which(tool) is None:
            sys.exit(f"needs {tool} ({package}): make system-deps")

    speed_before = reference_ms()
    tmp = Path(tempfile.mkdtemp(prefix="churujing-bench-"))
    facts = tmp / "facts.json"
    facts.write_text(json.dumps(FACTS), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "CHURUJING_DATA_DIR": str(tmp / "var"),
           "CHURUJING_DATABASE_URL": f"sqlite:///{tmp / 'var' / 'churujing.sqlite3'}",
           "CHURUJING_KEY_FILE": str(tmp / "var" / "keys.json")}
    churujing = [sys.executable, "-m", "churujing.cli"]
    rows = ["| what | c | req/s | p50 ms | p99 ms |", "|---|---:|---:|---:|---:|"]
    procs: list[subprocess.Popen[bytes]] = []
    notes: list[str] = []
    try:
        subprocess.run([*churujing, "arrival-card", "bootstrap"], env=env, check=True,
                       capture_output=True)
        ours, peer = free_port(), free_port()
        procs.append(_start([*churujing, "serve", "--port", str(ours), "--workers",
                             str(args.workers), "--no-access-log", "--log-level", "warning"],
                            env, f"http://127.0.0.1:{ours}/healthz"))
        procs.append(_start([sys.executable, "-m", "uvicorn", "--app-dir", str(BENCH),
                             "thin_peer:app", "--port", str(peer), "--no-access-log",
                             "--log-level", "warning"], env, f"http://127.0.0.1:{peer}/healthz"))
        notes = hostile(f"http://127.0.0.1:{ours}")
        ratios = []
        for c in () if args.skip_check else (8, 32):
            ab(f"http://127.0.0.1:{ours}{CHECK}", 300, c, facts)  # warm-up
            ab(f"http://127.0.0.1:{peer}/check", 300, c, facts)
            mine = ab(f"http://127.0.0.1:{ours}{CHECK}", args.requests, c, facts)
            thin = ab(f"http://127.0.0.1:{peer}/check", args.requests, c, facts)
            ratios.append((c, mine["rps"] / thin["rps"], mine["p99"]))
            rows.append(_row(f"/check, serve --workers {args.workers}", c, mine))
            rows.append(_row("/check, thin FastAPI peer (1 worker)", c, thin))
        for c in () if args.skip_check else (8,):
            rows.append(_row(f"/healthz, serve --workers {args.workers}", c,
                             ab(f"http://127.0.0.1:{ours}/healthz", args.requests, c)))
            rows.append(_row("/healthz, thin FastAPI peer (1 worker)", c,
                             ab(f"http://127.0.0.1:{peer}/healthz", args.requests, c)))
        for p in procs:
            _stop(p)
        procs.clear()
        if not args.skip_filings:
            rows += _filings(tmp, env, churujing, args)
        if args.in_process:
            rows += _in_process(tmp, min(args.seconds, 5))
    finally:
        for p in procs:
            _stop(p)
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n".join(rows))
    print(f"\nMachine speed (reference_ms, lower is faster): {speed_before:.1f} ms at the "
          f"start, {reference_ms():.1f} ms at the end.\n")
    print("\n".join(notes))
    for c, ratio, p99 in ratios:
        print(f"check at c={c}: {ratio:.2f}x the thin peer, p99 {p99:.0f} ms")


def _filings(tmp: Path, env: dict[str, str], churujing: list[str],
             args: argparse.Namespace) -> list[str]:
    body = tmp / "card.json"
    body.write_text(json.dumps(card(1)), encoding="utf-8")
    template = json.dumps({**card(1), "passport_number": "PASSPORT"})
    rows: list[str] = []
    where: list[str] = ["", f"The disk: {fsync_rate(tmp):.0f} fsync/s (4 KiB appends).",
                        "", "Where the time of a filing goes (CPU ms per filing, from the "
                        "processes' own counters; machine = every process on the machine, "
                        "other sessions included; filings per commit: filings over "
                        "PostgreSQL's writing transactions):", "",
                        "| backend | c | server | database | wrk | machine | "
                        "filings per commit |", "|---|---:|---:|---:|---:|---:|---:|"]
    backends: list[tuple[str, str, Any]] = [
        ("SQLite", f"sqlite:///{tmp / 'filings.sqlite3'}", None)]
    pg = start_postgres()
    if pg is not None:
        backends.append(("PostgreSQL", pg[0], pg[1]))
    else:
        rows.append("| filings, PostgreSQL: skipped (no PostgreSQL binaries) | | | | |")
    try:  # a failure with one backend still stops the PostgreSQL server
        for name, url, stop in backends:
            e = {**env, "CHURUJING_DATABASE_URL": url}
            port = free_port()
            try:
                subprocess.run([*churujing, "arrival-card", "migrate"], env=e, check=True,
                               capture_output=True)
                proc = _start([*churujing, "serve", "--port", str(port), "--workers",
                               str(args.workers), "--no-access-log", "--log-level", "warning"],
                              e, f"http://127.0.0.1:{port}/healthz")
                try:
                    target = f"http://127.0.0.1:{port}/v1/arrival-cards"
                    ab(target, 100, 8, body)  # warm-up
                    for c in (8, 32):
                        before = _counters(proc.pid, url)
                        r = wrk(target, args.seconds, c, template, tmp)
                        after = _counters(proc.pid, url)
                        rows.append(_row(f"filings, {name}, --workers {args.workers}", c, r))
                        where.append(_where(name, c, r, before, after))
                finally:
                    _stop(proc)
            finally:
                if stop is not None:
                    stop()
    finally:
        if pg is not None:
            pg[1]()  # stopping twice is harmless
    return rows + where


def _in_process(tmp: Path, seconds: float) -> list[str]:
    """The filing workflow without HTTP: ``service.filings.file`` from 8 and 32 threads
    of this process, each filing a different traveller; the writer's own count of
    filings per commit (its group commit) and this process's CPU per filing."""
    import threading

    from churujing.services.arrival_card.service import ArrivalCardService
    from churujing.services.arrival_card.settings import Settings

    rows = ["", "The service alone (no HTTP; `service.filings.file` from threads of one "
            "process):", "", "| backend | threads | filings/s | CPU ms per filing | "
            "filings per commit | largest batch |", "|---|---:|---:|---:|---:|---:|"]
    backends: list[tuple[str, str, Any]] = [
        ("SQLite", f"sqlite:///{tmp / 'alone.sqlite3'}", None)]
    pg = start_postgres()
    if pg is not None:
        backends.append(("PostgreSQL", pg[0], pg[1]))
    try:  # a failure with one backend still stops the PostgreSQL server
        for name, url, stop in backends:
            try:
                svc = ArrivalCardService.from_settings(
                    Settings(database_url=url, key_file=tmp / "alone-keys.json"),
                    migrate=True, create_keys=True)
                for i in range(50):  # warm-up
                    _filings_of(svc).file(card(90_000_000 + i))
                for threads in (8, 32):
                    writer = getattr(_filings_of(svc), "filings_writer", None)
                    stats0 = vars(writer.stats).copy() if writer is not None else None
                    done = [0] * threads
                    halt = threading.Event()

                    def run(t: int, done: list[int] = done, halt: threading.Event = halt,
                            threads: int = threads, svc: ArrivalCardService = svc) -> None:
                        i = 0
                        while not halt.is_set():
                            _filings_of(svc).file(card(threads * 1_000_000 + t * 10_000 + i))
                            i += 1
                            done[t] += 1

                    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
                    cpu0, wall0 = time.process_time(), time.perf_counter()
                    for w in workers:
                        w.start()
                    time.sleep(seconds)
                    halt.set()
                    for w in workers:
                        w.join()
                    cpu, wall, n = (time.process_time() - cpu0, time.perf_counter() - wall0,
                                    sum(done))
                    per_commit = largest = "—"
                    if writer is not None and stats0 is not None:
                        batches = writer.stats.batches - stats0["batches"]
                        per_commit = f"{(writer.stats.items - stats0['items']) / batches:.1f}"
                        largest = str(writer.stats.largest)
                    rows.append(f"| {name} | {threads} | {n / wall:.0f} | {cpu / n * 1000:.2f} | "
                                f"{per_commit} | {largest} |")
                svc.db.dispose()
            finally:
                if stop is not None:
                    stop()
    finally:
        if pg is not None:
            pg[1]()  # stopping twice is harmless
    return rows


def _filings_of(svc: Any) -> Any:
    """The part that files (``service.filings`` since the service's split; the service
    itself before, so that this script measures older trees too)."""
    return getattr(svc, "filings", svc)


def fsync_rate(folder: Path, seconds: float = 2.0) -> float:
    """Appends of 4 KiB, each followed by ``fsync``, per second, in ``folder``: the
    ceiling of one durable commit per filing on this disk, whatever the database."""
    path = folder / "fsync-probe"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    n, start = 0, time.perf_counter()
    try:
        while time.perf_counter() - start < seconds:
            os.write(fd, b"x" * 4096)
            os.fsync(fd)
            n += 1
    finally:
        os.close(fd)
        path.unlink()
    return n / (time.perf_counter() - start)


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process, of its children that have ended (a
    PostgreSQL backend ends with its connection) and of those still running."""
    import psutil

    total = 0.0
    try:
        root = psutil.Process(pid)
        t = root.cpu_times()
        total += t.user + t.system + t.children_user + t.children_system
        for p in root.children(recursive=True):
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                continue
    except psutil.NoSuchProcess:
        pass
    return total


def _postmaster(url: str) -> int | None:
    """The pid of the PostgreSQL server listening on ``url``'s port (started by this run)."""
    import psutil
    from sqlalchemy.engine import make_url

    port = str(make_url(url).port)
    for p in psutil.process_iter(["name", "cmdline"]):
        cmd = p.info["cmdline"] or []
        if p.info["name"] == "postgres" and "-p" in cmd and port in cmd:
            return int(p.pid)
    return None


def _commits(url: str) -> int:
    """The next transaction id of the benchmark's PostgreSQL server: its difference over a
    run counts the transactions that wrote (each filing's, or each batch's, one), exactly
    and at once (``pg_stat_database`` lags by a second or more)."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as conn:
        row = conn.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint"
                           ).fetchone()
    return int(row[0]) if row else 0


def _counters(server: int, url: str) -> dict[str, float]:
    import psutil

    out = {"server": _tree_cpu(server), "machine": _busy(psutil.cpu_times())}
    if url.startswith("postgresql"):
        pm = _postmaster(url)
        out["database"] = _tree_cpu(pm) if pm is not None else float("nan")
        out["commits"] = _commits(url)
    return out


def _busy(t: Any) -> float:
    return float(t.user + t.nice + t.system + getattr(t, "irq", 0) + getattr(t, "softirq", 0))


def _where(name: str, c: int, r: dict[str, float], before: dict[str, float],
           after: dict[str, float]) -> str:
    n = max(r["requests"], 1.0)

    def per(key: str) -> str:
        if key not in before:
            return "—" if key != "database" else "in server"
        return f"{(after[key] - before[key]) / n * 1000:.2f}"

    commits = (f"{n / (after['commits'] - before['commits']):.1f}"
               if "commits" in before and after["commits"] > before["commits"] else "—")
    return (f"| {name} | {c} | {per('server')} | {per('database')} | "
            f"{r['wrk_cpu'] / n * 1000:.2f} | {per('machine')} | {commits} |")


if __name__ == "__main__":
    main()
