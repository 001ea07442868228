"""No acknowledged transition is lost when the server is killed (SIGKILL) mid-stream, on
SQLite and on PostgreSQL; retrying with the same Idempotency-Key creates no duplicate; the
transition log's chain still verifies."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from ac_helpers import free_port, server_env
from apps_helpers import AppsServer, body, make_id

from churujing.services.applications.service import ApplicationService
from churujing.services.arrival_card.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def servers() -> Iterator[list[AppsServer]]:
    started: list[AppsServer] = []
    yield started
    for s in started:
        s.stop()


def test_every_acknowledged_transition_survives_sigkill(
        db_url: str, tmp_path: Path, servers: list[AppsServer]) -> None:
    env = server_env(db_url, tmp_path / "keys.json",
                     CHURUJING_APPLICATIONS_TICK_SECONDS="0",
                     CHURUJING_APPLICATIONS_SMS_LOG=str(tmp_path / "sms.log"))
    server = AppsServer(free_port(), env)
    servers.append(server)
    server.start()
    created: dict[str, dict[str, Any]] = {}     # idempotency key -> answer
    withdrawn: set[str] = set()                 # numbers whose withdrawal was acknowledged
    sent: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def stream(worker: int) -> None:
        with httpx.Client(base_url=server.base, timeout=10) as client:
            i = 0
            while not stop.is_set():
                key = f"w{worker}-{i}"
                b = body()
                b["applicant"]["id_number"] = make_id(seq=f"{worker}{i % 100:02d}")
                i += 1
                with lock:
                    sent.append(key)
                try:
                    r = client.post("/v1/applications/online-renewal", json=b,
                                    headers={"Idempotency-Key": key})
                    if r.status_code not in (200, 201):
                        continue
                    made = r.json()
                    with lock:
                        created[key] = {"body": b, **made}
                    r = client.post(f"/v1/applications/{made['number']}/withdraw",
                                    headers={"X-Application-Secret": made["secret"]})
                    if r.status_code == 200:
                        with lock:
                            withdrawn.add(made["number"])
                except httpx.HTTPError:
                    return  # the server is gone

    workers = [threading.Thread(target=stream, args=(w,)) for w in range(3)]
    for w in workers:
        w.start()
    deadline = time.monotonic() + 60
    while len(withdrawn) < 30 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()
    stop.set()
    for w in workers:
        w.join(30)
    assert len(withdrawn) >= 30, "too few transitions acknowledged before the kill"

    restarted = AppsServer(free_port(), env)
    servers.append(restarted)
    restarted.start()
    with httpx.Client(base_url=restarted.base, timeout=10) as client:
        for made in created.values():
            r = client.get(f"/v1/applications/{made['number']}",
                           headers={"X-Application-Secret": made["secret"]})
            assert r.status_code == 200, r.text
            if made["number"] in withdrawn:
                assert r.json()["status"] == "withdrawn"
                assert [h["to"] for h in r.json()["history"]] == ["draft", "withdrawn"]
        numbers = {}
        for key in sent:
            worker, i = key[1:].split("-")
            b = body()
            b["applicant"]["id_number"] = make_id(seq=f"{worker}{int(i) % 100:02d}")
            r = client.post("/v1/applications/online-renewal", json=b,
                            headers={"Idempotency-Key": key})
            assert r.status_code in (200, 201), r.text
            numbers[key] = r.json()["number"]
            if key in created:
                assert r.status_code == 200 and numbers[key] == created[key]["number"]
        assert len(set(numbers.values())) == len(sent)
    restarted.stop()
    svc = ApplicationService.from_settings(Settings(database_url=db_url,
                                                    key_file=tmp_path / "keys.json"))
    assert svc.verify_chains()["transitions"]["ok"]
    svc.db.dispose()
