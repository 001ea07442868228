"""``churujing serve --workers 2`` as a black box (issue 12's checks), on loopback: a
10 MB body is 413 in under a second, nesting 2,000 deep is 422, repeated failed log-ins
get 429 across the workers, pages carry a CSP and nosniff, the access log shows no
passport number. One server, a handful of requests, stopped at the end."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ac_helpers import ROOT, free_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    data = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "CHURUJING_DATA_DIR": str(data)}
    for key in ("CHURUJING_DATABASE_URL", "CHURUJING_KEY_FILE", "CHURUJING_KEYS"):
        env.pop(key, None)
    cli = [sys.executable, "-m", "churujing.cli"]
    subprocess.run([*cli, "arrival-card", "bootstrap"], env=env, check=True,
                   capture_output=True, timeout=120)
    port = free_port()
    log = data / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([*cli, "serve", "--port", str(port), "--workers", "2"],
                                env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if _send(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"serve did not start: {log.read_text(errors='replace')[-500:]}")
        yield port, log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _send(port: int, method: str, path: str, body: bytes = b"",
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    except (BrokenPipeError, ConnectionResetError):  # answered before the body was sent
        return 413, {}, b""
    finally:
        conn.close()


CHECK = "/v1/measures/visa-free-transit-240h/check"
JSON = {"Content-Type": "application/json"}


def test_a_10_mb_body_is_413_in_under_a_second(server: tuple[int, Path]) -> None:
    port, _ = server
    start = time.perf_counter()
    status, _, _ = _send(port, "POST", CHECK, b"[" + b"1," * (5 * 1024 * 1024) + b"1]", JSON)
    assert status == 413 and time.perf_counter() - start < 1.0


def test_nesting_2000_deep_is_422(server: tuple[int, Path]) -> None:
    status, _, body = _send(server[0], "POST", CHECK, b"[" * 2000 + b"]" * 2000, JSON)
    assert status == 422 and json.loads(body)["detail"][0]["type"] == "json_too_deep"


def test_repeated_failed_log_ins_get_429_across_the_workers(server: tuple[int, Path]) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    codes = []
    for _ in range(7):
        status, headers, _ = _send(server[0], "POST", "/v1/officers/token",
                                   b"username=officer&password=not-the-password", form)
        codes.append(status)
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    assert int(headers["retry-after"]) > 0


def test_pages_carry_a_csp_and_nosniff(server: tuple[int, Path]) -> None:
    status, headers, html = _send(server[0], "GET", "/arrival-card")
    assert status == 200 and b"<script>" not in html
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_the_access_log_never_shows_a_passport_number(server: tuple[int, Path]) -> None:
    port, log = server
    _send(port, "GET", "/v1/arrival-cards/lookup?passport=C01X00T47&nationality=DE")
    time.sleep(0.5)
    text = log.read_text(errors="replace")
    assert "/v1/arrival-cards/lookup?passport=-" in text and "C01X00T47" not in text
