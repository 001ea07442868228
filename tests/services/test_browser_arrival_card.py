"""In a real browser (the shared Chromium of tests/conftest.py): file a card, see the receipt with
its QR code, log in as an officer and look the QR token up, amend and cancel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from ac_helpers import Server, real_today, server_env

from churujing.services.arrival_card.service import ArrivalCardService
from churujing.services.arrival_card.settings import Settings

PASSWORD = "correct horse battery staple"
SHOTS = Path(__file__).parents[2] / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def server(tmp_path: Path, server_factory: Callable[[dict[str, str]], Server]) -> Server:
    url = f"sqlite:///{tmp_path / 'arrival.sqlite3'}"
    settings = Settings(database_url=url, key_file=tmp_path / "keys.json")
    svc = ArrivalCardService.from_settings(settings)
    svc.officers.add_officer("alice", PASSWORD, "officer")
    svc.db.dispose()
    s = server_factory(server_env(url, tmp_path / "keys.json"))
    s.start()
    return s


def test_file_receipt_officer_lookup_amend_cancel(browser: Any, server: Server) -> None:
    page = browser.new_page(locale="en-GB")
    arrival = (real_today() + timedelta(days=5)).isoformat()
    page.goto(server.base + "/arrival-card?lang=en")
    page.fill("#f-family_name", "Müller")
    page.fill("#f-given_names", "Anna")
    page.select_option("#f-sex", "F")
    page.fill("#f-date_of_birth", "1990-04-01")
    page.select_option("#f-nationality", "DE")
    page.fill("#f-passport_number", "C01X00T47")
    page.fill("#f-passport_expiry", "2035-01-01")
    page.fill("#f-arrival_date", arrival)
    page.select_option("#f-arrival_port", "pvg")
    page.fill("#f-transport_number", "LH728")
    page.select_option("#f-purpose", "business")
    page.fill("#f-intended_stay_days", "10")
    page.fill("#f-address_in_china", "上海市静安区南京西路1号")
    page.fill("#f-phone", "+49 30 901820")
    page.fill("#f-email", "anna@example.de")
    page.check("#f-declaration")
    page.click("#submit")
    page.wait_for_load_state()
    if page.locator("#filing-number").count() == 0:
        errors = page.locator(".error, .ac-error").all_text_contents()
        raise AssertionError(f"not filed: {errors}")

    number = page.text_content("#filing-number") or ""
    secret = page.text_content("#filing-secret") or ""
    token = (page.text_content("#filing-token") or "").strip()
    assert number.startswith("AC") and secret and token.startswith("ACR1.")
    assert page.locator("svg.ac-qr").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "arrival-card-receipt-en.png"), full_page=True)

    officer = browser.new_page(locale="en-GB")
    officer.goto(server.base + "/officer/lookup?lang=en")
    assert "/officer/login" in officer.url  # nobody looks up without logging in
    officer.fill("#o-username", "alice")
    officer.fill("#o-password", PASSWORD)
    officer.click("#login")
    officer.fill("#q-token", token)
    officer.click("#lookup-token")
    result = officer.locator(f'section.result[data-number="{number}"]')
    assert result.count() == 1 and "C01X00T47" in (result.text_content() or "")
    officer.fill("#q-nationality", "Germany")
    officer.fill("#q-passport", "c01x00t47")
    officer.click("#lookup-passport")
    assert officer.locator(f'section.result[data-number="{number}"]').count() == 1
    i = len(token) - 10  # one signature character changed in full (not a padding bit)
    officer.fill("#q-token", token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :])
    officer.click("#lookup-token")
    assert "tampered" in (officer.text_content("#lookup-error") or "")
    officer.screenshot(path=str(SHOTS / "arrival-card-officer-en.png"), full_page=True)

    page.click("#manage")
    page.click("#amend")
    page.fill("#f-transport_number", "CA932")
    page.click("#submit")
    assert "Amended" in (page.text_content("h1") or "")
    page.click("#manage")
    assert page.text_content("#transport-number") == "CA932"
    assert page.text_content("#filing-version") == "2"
    page.click("#cancel")
    page.click("#confirm-cancel")
    assert page.text_content("#filing-status") == "Cancelled"

    officer.fill("#q-number", number)
    officer.click("#lookup-number")
    assert "Cancelled" in (officer.locator("section.result").text_content() or "")


def test_the_form_shows_errors_next_to_the_fields_in_chinese(browser: Any,
                                                            server: Server) -> None:
    page = browser.new_page(locale="zh-CN")
    page.goto(server.base + "/arrival-card")
    page.fill("#f-family_name", "Иванов")
    page.click("#submit")
    assert page.locator("#e-family_name").count() == 1
    assert "拉丁字母" in (page.text_content("#e-family_name") or "")


@pytest.mark.parametrize(("lang", "heading"), [("en", "Please correct the following"),
                                               ("zh", "请更正以下内容")])
def test_a_failed_submission_has_an_error_summary_at_the_top_linking_each_field(
        browser: Any, server: Server, lang: str, heading: str) -> None:
    """Trial C12: after a failed submission the page starts with the list of what to
    correct, each item a link to its field (as the applications page does), so a person on
    a phone does not have to find "required" 3000 px down."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{server.base}/arrival-card?lang={lang}")
    page.fill("#f-family_name", "MUELLER")
    page.click("#submit")
    summary = page.locator("#error-summary")
    assert summary.count() == 1 and heading in (summary.text_content() or "")
    box = summary.bounding_box()
    assert box and box["y"] < 844  # seen without scrolling
    links = summary.locator("a")
    errors = page.locator("p.error[id^=e-]")
    assert links.count() == errors.count() >= 3
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "#f-phone" in targets and "#f-email" in targets
    Path("/tmp/ux-shots").mkdir(exist_ok=True)
    page.screenshot(path=f"/tmp/ux-shots/ac-errors-{lang}-phone.png")
    summary.locator('a[href="#f-email"]').click()
    assert page.evaluate("document.activeElement.id") == "f-email"
    page.close()
