"""An accepted filing survives a killed server: SIGKILL during a stream of submissions."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from ac_helpers import Server, make_card, real_today, server_env

pytestmark = pytest.mark.slow


def test_every_acknowledged_filing_survives_sigkill(
        db_url: str, tmp_path: Path, server_factory: Callable[[dict[str, str]], Server]) -> None:
    env = server_env(db_url, tmp_path / "keys.json")
    server = server_factory(env)
    server.start()
    arrival = (real_today() + timedelta(days=3)).isoformat()
    acked: dict[str, dict[str, Any]] = {}
    sent: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def stream(worker: int) -> None:
        with httpx.Client(base_url=server.base, timeout=10) as client:
            i = 0
            while not stop.is_set():
                key = f"w{worker}-{i}"
                i += 1
                card = make_card(passport_number=f"K{worker}{i:06d}", arrival_date=arrival,
                                 passport_expiry="2040-01-01")
                with lock:
                    sent.append(key)
                try:
                    r = client.post("/v1/arrival-cards", json=card,
                                    headers={"Idempotency-Key": key})
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code in (200, 201):
                    with lock:
                        acked[key] = {"card": card, **r.json()}

    workers = [threading.Thread(target=stream, args=(w,)) for w in range(4)]
    for w in workers:
        w.start()
    deadline = time.monotonic() + 60
    while len(acked) < 60 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()  # SIGKILL, mid-stream
    stop.set()
    for w in workers:
        w.join(30)
    assert len(acked) >= 60, "the server acknowledged too few filings before the kill"

    restarted = server_factory(env)
    restarted.start()
    with httpx.Client(base_url=restarted.base, timeout=10) as client:
        for key, receipt in acked.items():
            r = client.get(f"/v1/arrival-cards/{receipt['number']}",
                           headers={"X-Filing-Secret": receipt["secret"]})
            assert r.status_code == 200, (key, r.text)
            assert r.json()["card"]["passport_number"] == receipt["card"]["passport_number"]
        # retrying every submission (acknowledged or cut off) creates no duplicate
        numbers: dict[str, str] = {}
        for key in sent:
            worker, i = key[1:].split("-")
            card = make_card(passport_number=f"K{worker}{int(i) + 1:06d}", arrival_date=arrival,
                             passport_expiry="2040-01-01")
            r = client.post("/v1/arrival-cards", json=card, headers={"Idempotency-Key": key})
            assert r.status_code in (200, 201), r.text
            numbers[key] = r.json()["number"]
            if key in acked:
                assert r.status_code == 200 and numbers[key] == acked[key]["number"]
        assert len(set(numbers.values())) == len(sent)
