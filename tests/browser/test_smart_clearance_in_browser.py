"""The smart-clearance page in a real browser (issue 10): yes/no facts are radio buttons,
"not sure" chosen at first; a 15-year-old is told a legal guardian must accompany them."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser]

PAGE = "/measures/smart-clearance"


def test_a_15_year_old_is_told_a_guardian_must_accompany_them_in_both_languages(
    page: Page, base_url: str, screenshots: Path,
) -> None:
    page.goto(base_url + PAGE)
    for name in ("full_legal_capacity", "lives_on_own_labour_income", "guardian_present"):
        expect(page.locator(f"#f-{name}-unsure")).to_be_checked()
        expect(page.locator(f"#f-{name}-true")).not_to_be_checked()
    expect(page.locator("#f-biometric_consent-true")).not_to_be_checked()
    expect(page.locator("#f-biometric_consent-false")).not_to_be_checked()
    page.fill("#f-port", "皇岗")
    page.fill("#f-date", "2025-11-10")
    page.fill("#f-age", "15")
    page.select_option("#f-traveller", "mainland")
    page.select_option("#f-document", "eep_hk_macau")
    page.select_option("#f-endorsement-type", "business")
    page.check("#f-endorsement-multiple-true")
    page.check("#f-biometric_consent-true")
    page.screenshot(path=str(screenshots / "smart-clearance-form-zh.png"), full_page=True)
    page.click("#submit")
    expect(page.locator("#verdict")).to_have_text("您符合条件")
    expect(page.locator(".conditions")).to_contain_text("须由法定监护人陪同")
    expect(page.locator("#f-guardian_present-unsure")).to_be_checked()
    page.screenshot(path=str(screenshots / "smart-clearance-answer-zh.png"), full_page=True)

    page.click("#lang-switch")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".conditions")).to_contain_text("must be accompanied by a legal guardian")
    expect(page.locator("label[for=f-guardian_present-unsure]")).to_have_text("Not sure")
    page.screenshot(path=str(screenshots / "smart-clearance-answer-en.png"), full_page=True)

    page.check("#f-guardian_present-false")
    page.click("#submit")
    expect(page.locator("#verdict")).to_have_text("You are not eligible")
