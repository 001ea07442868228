"""The whole flow in Chromium, on a phone-sized screen, on SQLite and on PostgreSQL: the
pre-check, the form, the uploads with their check results, submission; the reviewer's
queue, claim and approval; payment on the local provider's page; the officer's hand-over;
the applicant's tracking page in Chinese and in English."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from apps_helpers import documents, make_id, service

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
    pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM}: browser tests skipped",
                allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from churujing.services.applications import api as apps_api  # noqa: E402
from churujing.services.arrival_card import api as ac_api  # noqa: E402
from churujing.services.arrival_card.service import ArrivalCardService  # noqa: E402
from churujing.services.arrival_card.settings import Settings as ACSettings  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "correct horse battery"


class RealClock:
    def __call__(self):  # type: ignore[no-untyped-def]
        from datetime import UTC, datetime

        return datetime.now(UTC)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def base_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    import uvicorn

    from churujing.api import create_app

    app = create_app()
    accounts = ArrivalCardService.from_settings(
        ACSettings(database_url=db_url, key_file=tmp_path / "keys.json"))
    accounts.officers.add_officer("li.reviewer", PASSWORD, "reviewer")
    accounts.officers.add_officer("wang.officer", PASSWORD, "officer")
    ac_api.install(app, accounts)
    apps_api.install(app, service(db_url, RealClock()))  # type: ignore[arg-type]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    accounts.db.dispose()


def _page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/officer/login?lang=zh")
    page.fill("#o-username", username)
    page.fill("#o-password", PASSWORD)
    page.click("#login")


def test_from_pre_check_to_collection(browser: Browser, base_url: str, tmp_path: Path) -> None:
    files = {}
    for kind, data in documents().items():
        files[kind] = tmp_path / f"{kind}.jpg"
        files[kind].write_bytes(data)

    me = _page(browser)
    me.goto(f"{base_url}/applications/online-renewal?lang=zh")
    me.fill("#id_number", make_id())
    me.fill("#hukou_city", "苏州")
    me.select_option("#reason", "pages_full")
    me.click("#precheck-button")
    expect(me.locator("#precheck h2")).to_have_text("符合网上申请条件")
    expect(me.locator("#fee")).to_contain_text("120")
    me.fill("#name", "张三")
    me.fill("#phone", "13800138000")
    me.fill("#email", "zhang@example.com")
    me.select_option("#delivery", "collect")
    me.click("#create-button")
    number = me.locator("#number").inner_text().strip()
    assert number.startswith("M07")
    me.click("#continue")
    expect(me.locator("#status")).to_have_text("草稿")
    for kind, path in files.items():
        me.set_input_files(f"#file-{kind}", str(path))
    me.click("#upload-button")
    expect(me.locator("#accepted-photo")).to_have_text("通过")
    expect(me.locator("#checks li[data-code=one_face]")).to_contain_text("检测到一张正面人脸")
    me.click("#submit-button")
    expect(me.locator("#status")).to_have_text("已提交")

    reviewer = _page(browser)
    _login(reviewer, base_url, "li.reviewer")
    reviewer.goto(f"{base_url}/officer/applications?lang=zh")
    reviewer.click(f"text={number}")
    expect(reviewer.locator("#status")).to_contain_text("已提交")
    reviewer.click("#claim-button")
    expect(reviewer.locator("#claimed-by")).to_have_text("li.reviewer")
    reviewer.select_option("#decision", "approve")
    reviewer.click("#decide-button")
    expect(reviewer.locator("#status")).to_contain_text("审核通过，待缴费")

    me.reload()
    expect(me.locator("#status")).to_have_text("审核通过，待缴费")
    me.click("#pay-button")
    expect(me.locator("#amount")).to_contain_text("120")
    me.click("#confirm-payment")
    expect(me.locator("#status")).to_have_text("制证中")

    officer = _page(browser)
    _login(officer, base_url, "wang.officer")
    officer.goto(f"{base_url}/officer/applications/{number}?lang=zh")
    officer.click("#dispatch-button")
    expect(officer.locator("#status")).to_contain_text("待领取")
    officer.click("#collect-button")
    expect(officer.locator("#status")).to_contain_text("已领取")

    me.goto(f"{base_url}/applications/{number}?lang=en")
    expect(me.locator("#status")).to_have_text("Collected")
    expect(me.locator("#history li")).to_have_count(7)
    r = me.request.get(f"{base_url}/applications/{number}/letter.pdf")
    assert r.ok and r.body().startswith(b"%PDF-")


def test_a_refused_pre_check_cites_the_clause(browser: Browser, base_url: str) -> None:
    me = _page(browser)
    me.goto(f"{base_url}/applications/online-renewal?lang=en")
    me.fill("#id_number", make_id("540102"))
    me.fill("#hukou_city", "拉萨")
    me.fill("#name", "扎西")
    me.fill("#phone", "13800138000")
    me.select_option("#delivery", "collect")
    me.click("#create-button")
    expect(me.locator("#refused")).to_contain_text("M07.1")


SHOTS = Path("/tmp/ux-shots")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_form_on_a_phone_labels_above_inputs_and_checkbox_sentences_beside_their_box(
        browser: Browser, base_url: str, lang: str) -> None:
    """Trial C11: on a 390 px phone each label sits above its input, full width; a checkbox's
    sentence wraps beside its box, never under it or into the next checkbox's line; a
    refused pre-check marks the failing line ✗ and the others ✓."""
    me = _page(browser)
    me.goto(f"{base_url}/applications/online-renewal?lang={lang}")
    for name in ("id_number", "hukou_city", "document", "name", "phone", "email", "address"):
        label = me.locator(f'label[for="{name}"]').bounding_box()
        box = me.locator(f"#{name}").bounding_box()
        assert label and box
        assert label["y"] + label["height"] <= box["y"] + 1, name  # above, not beside
        assert abs(label["x"] - box["x"]) < 2 and box["width"] > 300, name
    checks = me.locator("label.check")
    assert checks.count() == 4
    rows = []
    for i in range(4):
        row = checks.nth(i)
        box = row.locator("input").bounding_box()
        words = row.locator("span").bounding_box()
        assert box and words
        assert words["x"] >= box["x"] + box["width"]  # the sentence beside its box
        rows.append((words["y"], words["y"] + words["height"]))
    assert all(rows[i][1] <= rows[i + 1][0] for i in range(3))  # one sentence per row
    me.fill("#id_number", make_id())
    me.fill("#hukou_city", "拉萨")
    me.click("#precheck-button")
    expect(me.locator("#precheck li.unmet .mark")).to_have_text(["✗"])
    assert me.locator("#precheck li.met .mark").count() >= 1
    SHOTS.mkdir(exist_ok=True)
    me.screenshot(path=str(SHOTS / f"apps-precheck-{lang}-phone.png"), full_page=True)
    me.context.close()
