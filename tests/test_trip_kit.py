"""The boarding kit: a bilingual PDF (verdict, deadline, map, the clauses quoted, the data
version, a QR code of the signed answer), the signature checked offline and a tampered
answer refused, the leave-by event with its reminders; through the API's Accept header."""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import segno
from typer.testing import CliRunner

from churujing.cli import app
from churujing.facts import BEIJING
from churujing.trips import check_trip, signing
from churujing.trips.calendar import leave_by_calendar
from churujing.web.kit import boarding_kit, kit_html

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "boarding-kit"
TRIP: dict[str, Any] = {
    "nationality": "US", "passport_expiry": "2030-01-01", "onward_ticket": True,
    "visit_areas": ["苏州"],
    "legs": [{"from": "ICN", "to": "PVG", "depart": "2026-12-10T08:00+09:00",
              "arrive": "2026-12-10T09:30"},
             {"from": "PVG", "to": "LAX", "depart": "2026-12-15T12:00",
              "arrive": "2026-12-15T08:00-08:00"}]}
ISSUED = datetime(2026, 12, 1, 9, 0, tzinfo=BEIJING)


@pytest.fixture(autouse=True, scope="module")
def own_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A signing key of the tests' own, made on first use in a temporary folder."""
    mp = pytest.MonkeyPatch()
    mp.setenv("CHURUJING_KEY_DIR", str(tmp_path_factory.mktemp("keys")))
    mp.delenv("CHURUJING_SIGNING_KEY", raising=False)
    signing.load_keys.cache_clear()
    yield
    mp.undo()
    signing.load_keys.cache_clear()


def test_the_token_verifies_and_a_tampered_one_is_refused() -> None:
    html, token = kit_html(check_trip(TRIP), issued=ISSUED)
    payload = signing.verify(token)
    assert payload["nat"] == "US" and payload["entries"][0]["regime"] == "visa-free-transit-240h"
    assert payload["entries"][0]["until"] == "2026-12-21T00:00+08:00"
    assert len(token) < 1000  # fits a QR code an agent's phone reads
    assert segno.make(token, error="m").svg_data_uri(scale=3, border=2) in html
    prefix, body, sig = token.split(".")
    changed = json.loads(signing._unb64(body))
    changed["entries"][0]["until"] = "2026-12-31T00:00+08:00"
    forged = ".".join([prefix, signing._b64(json.dumps(changed).encode()), sig])
    with pytest.raises(signing.BadToken, match="changed"):
        signing.verify(forged)
    other = signing.Keys(signing.Ed25519PrivateKey.generate())
    with pytest.raises(signing.BadToken, match="unknown key"):
        signing.verify(signing.sign(payload, other))


def test_churujing_verify_checks_offline_with_the_published_key() -> None:
    _html, token = kit_html(check_trip(TRIP), issued=ISSUED)
    keys = json.dumps({"keys": signing.public_keys()})
    ok = CliRunner().invoke(app, ["verify", token, "--key", keys])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["valid"] is True
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    bad = CliRunner().invoke(app, ["verify", tampered])
    assert bad.exit_code == 1


def test_the_kit_is_a_bilingual_pdf_with_the_deadline_map_clauses_and_version() -> None:
    answer = check_trip(TRIP)
    pdf = boarding_kit(answer, issued=ISSUED)
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "boarding-kit.pdf").write_bytes(pdf)
    if not shutil.which("pdftotext") or not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils is not installed (make system-deps)")
    text = subprocess.run(["pdftotext", "-layout", str(ARTIFACTS / "boarding-kit.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    assert "请于北京时间2026年12月20日星期日23:59前离境" in flat.replace(" ", "")
    assert "Leave by 23:59 on Sunday 20 December 2026, Beijing time" in flat
    assert answer.data_version in flat
    assert "A1.4" in flat and "三是需持240小时内" in flat.replace(" ", "")  # quoted, zh
    assert "Third, holding an onward" in flat  # quoted, en
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1",
                    str(ARTIFACTS / "boarding-kit.pdf"), str(ARTIFACTS / "boarding-kit")],
                   check=True)
    assert (ARTIFACTS / "boarding-kit-1.png").stat().st_size > 20_000


def test_the_calendar_event_ends_at_the_last_minute_with_reminders() -> None:
    ics = leave_by_calendar(check_trip(TRIP), now=ISSUED).decode()
    assert ics.count("BEGIN:VEVENT") == 1 and ics.count("BEGIN:VALARM") == 2
    assert "DTEND;TZID=Asia/Shanghai:20261220T235900" in ics or "DTEND:20261220T155900Z" in ics
    assert "TRIGGER:-P1D" in ics and "TRIGGER:-PT3H" in ics
    refused = leave_by_calendar(check_trip({**TRIP, "purpose": "work"}), now=ISSUED).decode()
    assert "BEGIN:VEVENT" not in refused


def test_the_api_answers_by_accept_and_publishes_the_key() -> None:
    warnings.filterwarnings("ignore", message="Using `httpx`")
    from fastapi.testclient import TestClient

    from churujing.api import Settings, create_app

    with TestClient(create_app(Settings(services=False))) as client:
        pdf = client.post("/v1/trips/check", json=TRIP, headers={"Accept": "application/pdf"})
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        ics = client.post("/v1/trips/check", json=TRIP, headers={"Accept": "text/calendar"})
        assert ics.headers["content-type"].startswith("text/calendar")
        assert b"BEGIN:VEVENT" in ics.content
        keys = client.get("/v1/keys").json()["keys"]
        assert keys[0]["kid"] == signing.load_keys().kid and keys[0]["alg"] == "Ed25519"
        page = client.get("/trip", params={"go": "1", "nationality": "US",
                                           "passport_expiry": "2030-01-01",
                                           "onward_ticket": "on",
                                           "leg0_from": "ICN", "leg0_to": "PVG",
                                           "leg0_depart": "2026-12-10 08:00+09:00",
                                           "leg0_arrive": "2026-12-10 09:30",
                                           "leg1_from": "PVG", "leg1_to": "LAX",
                                           "leg1_depart": "2026-12-15 12:00",
                                           "leg1_arrive": "2026-12-15 08:00-08:00"})
        href = page.text.split('id="kit-ics" href="')[1].split('"')[0].replace("&amp;", "&")
        assert b"BEGIN:VEVENT" in client.get(href).content
        href = page.text.split('id="kit-pdf" href="')[1].split('"')[0].replace("&amp;", "&")
        assert client.get(href).content.startswith(b"%PDF")
