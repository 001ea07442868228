"""The trip page in a real browser, in Chinese and English, on a desktop and a phone: fill
the home page's trip form, submit, read the verdict and the deadline with its weekday, the
stay areas with their cities; a refusal shows what to do and no deadline."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = [pytest.mark.browser]

DEVICES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
VERDICT = {"zh": "您可以依240小时过境免签政策免签入境，在允许停留活动区域内停留。",
           "en": "You may enter visa-free under 240-hour visa-free transit and stay in the "
                 "permitted areas."}
DEADLINE = {"zh": "请于北京时间2026年12月20日星期日23:59前离境",
            "en": "Leave by 23:59 on Sunday 20 December 2026, Beijing time"}
CHENGDU = {"zh": "成都市", "en": "Chengdu City"}
VISA = {"zh": "请在出行前向中国驻外使领馆申请签证。",
        "en": "Apply for a visa at a Chinese embassy or consulate before you travel."}


def _page(browser: Browser, device: str, lang: str) -> Page:
    context = browser.new_context(viewport=DEVICES[device],
                                  locale="zh-CN" if lang == "zh" else "en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _fill(page: Page, origin: str) -> None:
    page.select_option("#f-nationality", "US")
    page.fill("#f-passport_expiry", "2030-01-01")
    page.fill("#f-leg0_from", origin)
    page.fill("#f-leg0_to", "PVG")
    page.fill("#f-leg0_depart", "2026-12-10 08:00+09:00")
    page.fill("#f-leg0_arrive", "2026-12-10 09:30")
    page.fill("#f-leg1_from", "PVG")
    page.fill("#f-leg1_to", "LAX")
    page.fill("#f-leg1_depart", "2026-12-15 12:00")
    page.fill("#f-leg1_arrive", "2026-12-15 08:00-08:00")


@pytest.mark.parametrize("device", list(DEVICES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_transit_from_the_home_page_reads_its_verdict_deadline_and_cities(
    browser: Browser, base_url: str, screenshots: Path, lang: str, device: str,
) -> None:
    page = _page(browser, device, lang)
    page.goto(f"{base_url}/?lang={lang}")
    expect(page.locator("#trip-form")).to_be_visible()
    _fill(page, "ICN")
    expect(page.locator("#f-onward_ticket")).to_be_checked()
    page.click("#trip-submit")
    expect(page.locator(".verdict").first).to_have_text(VERDICT[lang])
    expect(page.locator(".leave-by").first).to_have_text(DEADLINE[lang])
    expect(page.locator('[data-province="510000"]')).to_contain_text(CHENGDU[lang])
    expect(page.locator(".area-map svg").first).to_be_visible()
    box = page.locator(".area-map svg").first.bounding_box()
    assert box is not None and box["width"] >= min(300, DEVICES[device]["width"] - 80), box
    expect(page.locator("#kit-pdf")).to_be_visible()
    # nothing runs off the side of a phone
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= DEVICES[device]["width"] + 1, width
    page.screenshot(path=str(screenshots / f"trip-{lang}-{device}.png"), full_page=True)
    page.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_round_trip_is_refused_with_what_to_do_and_no_deadline(
    browser: Browser, base_url: str, screenshots: Path, lang: str,
) -> None:
    page = _page(browser, "phone", lang)
    page.goto(f"{base_url}/trip?lang={lang}")
    _fill(page, "LAX")
    page.click("#trip-submit")
    expect(page.locator(".instead .todo")).to_have_text(VISA[lang])
    expect(page.locator(".leave-by")).to_have_count(0)
    expect(page.locator(".stay-areas")).to_have_count(0)
    page.screenshot(path=str(screenshots / f"trip-refused-{lang}-phone.png"), full_page=True)
    page.context.close()
