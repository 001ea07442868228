"""Helpers of the arrival-card service tests: a throwaway PostgreSQL 15, a clock the
tests move, valid cards, and the service's server in a subprocess.

The PostgreSQL server is started once per session with ``initdb`` / ``pg_ctl`` from
``/usr/lib/postgresql/*/bin`` (as the ``postgres`` user when the tests run as root), in a
temporary folder, on a free port, and torn down at the end; each test gets its own
database. Without the binaries the ``postgresql`` parameters are skipped, saying why.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from churujing.facts import BEIJING

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
TODAY = date(2025, 11, 25)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- PostgreSQL


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@dataclass
class PgServer:
    port: int
    host: str
    folder: Path
    bin: Path

    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def start_postgres() -> PgServer:
    """Start a throwaway PostgreSQL server; raises RuntimeError with the reason if it cannot."""
    bindir = _pg_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql "
                           "(apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="churujing-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    port = free_port()
    run = subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                                       "--auth=trust", "-E", "UTF8", "--no-instructions"]),
                         capture_output=True, text=True, check=False)
    if run.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {run.stderr.strip()[-300:]}")
    opts = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
    run = subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts,
                                       "-l", str(folder / "log"), "-w", "-t", "60", "start"]),
                         capture_output=True, text=True, check=False)
    if run.returncode != 0:
        log = (folder / "log").read_text(errors="replace")[-500:] if (folder / "log").exists() \
            else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {run.stderr.strip()[-300:]} {log}")
    return PgServer(port, "127.0.0.1", folder, bindir)


def stop_postgres(server: PgServer) -> None:
    subprocess.run(_as_postgres([str(server.bin / "pg_ctl"), "-D", str(server.folder / "data"),
                                 "-m", "immediate", "-w", "stop"]),
                   capture_output=True, check=False)
    shutil.rmtree(server.folder, ignore_errors=True)


class Clock:
    """A clock the tests move: starts at 10:00 Beijing time on TODAY."""

    def __init__(self, day: date = TODAY) -> None:
        self.now = datetime(day.year, day.month, day.day, 10, tzinfo=BEIJING).astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def make_card(**changes: Any) -> dict[str, Any]:
    """A valid card for an arrival on 2025-12-01 at Shanghai Pudong."""
    card: dict[str, Any] = {
        "family_name": "Müller",
        "given_names": "Anna Maria",
        "sex": "F",
        "date_of_birth": "1990-04-01",
        "nationality": "DE",
        "passport_number": "C01X00T47",
        "passport_expiry": "2031-01-01",
        "arrival_date": "2025-12-01",
        "arrival_port": "PVG",
        "transport_number": "LH728",
        "address_in_china": "上海市静安区南京西路1号",
        "phone": "+49 30 901820",
        "email": "anna@example.de",
        "purpose": "business",
        "intended_stay_days": 10,
        "declaration": True,
    }
    card.update(changes)
    return card


@dataclass
class Server:
    """``uvicorn`` serving the arrival-card routers in a subprocess."""

    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    preexec: Callable[[], None] | None = None  # run in the child before the server starts

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        import httpx

        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "_server_app:make_app",
             "--app-dir", str(HERE), "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "warning"],
            env=self.env, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=self.preexec)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"server exited: {err[-1000:]}")
            try:
                if httpx.get(self.base + "/v1/arrival-cards/keys", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def server_env(db_url: str, key_file: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHURUJING_")}
    env.update({"CHURUJING_DATABASE_URL": db_url, "CHURUJING_KEY_FILE": str(key_file),
                "PYTHONPATH": str(ROOT / "src"), **extra})
    return env


def real_today() -> date:
    return datetime.now(BEIJING).date()


