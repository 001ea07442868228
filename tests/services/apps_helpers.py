"""Helpers of the applications platform's tests: a service over a fresh database, a clock
the test moves, identity numbers with valid check characters, a complete application."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import photos as P

from churujing.i18n import T
from churujing.services.applications.errors import DatabaseUnavailable
from churujing.services.applications.idnumber import check_character
from churujing.services.applications.service import (
    MIGRATIONS,
    VERSION_TABLE,
    ApplicationService,
    Officer,
)
from churujing.services.applications.settings import ApplicationSettings
from churujing.services.common.crypto import KeyRing
from churujing.services.common.db import Database

HERE = Path(__file__).resolve().parent
REVIEWER = Officer("li.reviewer", "reviewer")
OFFICER = Officer("wang.officer", "officer")


@dataclass
class MovingClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def make_id(address: str = "320505", born: str = "19900315", seq: str = "123") -> str:
    first = address + born + seq
    return first + check_character(first)


def database(url: str) -> Database:
    return Database(url, migrations=MIGRATIONS, version_table=VERSION_TABLE,
                    unavailable=lambda _d: DatabaseUnavailable(T("数据库暂时不可用，请稍后重试")))


def service(url: str, clock: MovingClock, **settings: Any) -> ApplicationService:
    db = database(url)
    db.migrate()
    return ApplicationService.build(db, KeyRing.generate(), ApplicationSettings(**settings),
                                    clock=clock)


def start_clock() -> MovingClock:
    # Monday 2025-12-01, 10:00 in Beijing
    return MovingClock(datetime(2025, 12, 1, 2, 0, tzinfo=UTC))


def body(**over: Any) -> dict[str, Any]:
    b: dict[str, Any] = {
        "applicant": {"name": "张三", "id_number": make_id(), "phone": "13800138000",
                      "email": "zhang@example.com"},
        "facts": {"hukou_city": "苏州", "document": "passport", "application": "renewal",
                  "state_functionary": False, "active_military": False,
                  "reason": "pages_full"},
        "delivery": {"method": "ems", "address": "江苏省苏州市姑苏区人民路100号"},
    }
    for k, v in over.items():
        b[k] = v
    return b


def image(w: int = 800, h: int = 500, colour: tuple[int, int, int] = (240, 240, 240)) -> bytes:
    img = np.full((h, w, 3), colour, np.uint8)
    cv2.putText(img, "signature", (40, h // 2), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 2,
                (20, 20, 20), 3)
    ok, buf = cv2.imencode(".jpg", img)
    assert ok
    return buf.tobytes()


def documents() -> dict[str, bytes]:
    return {"photo": P.jpeg(P.on_background()), "signature": image(800, 300),
            "id_front": image(856, 540), "id_back": image(856, 540)}


class AppsServer:
    """``uvicorn`` serving the platform (and the shared officer log-in) in a subprocess."""

    def __init__(self, port: int, env: dict[str, str]) -> None:
        self.port, self.env = port, env
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 40) -> None:
        import httpx

        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "_apps_server_app:make_app",
             "--app-dir", str(HERE), "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "warning"],
            env=self.env, cwd=str(HERE.parents[1]), stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"server exited: {err[-1000:]}")
            try:
                # a request that reaches the platform's database (404: no such application)
                r = httpx.get(self.base + "/v1/applications/M070000000000",
                              headers={"X-Application-Secret": "x"}, timeout=2)
                if r.status_code == 404:
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
                self.process.kill()
                self.process.wait(10)
