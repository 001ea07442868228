"""The other pages in a real browser: home, ports and areas (search, date, map), forms
generated from the facts' schemas for every measure."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from churujing.measures import MEASURES

pytestmark = pytest.mark.browser


def test_home_lists_the_ten_measures_and_switches_language(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    expect(page.locator("ol.measures > li")).to_have_count(10)
    page.click("#lang-switch")
    expect(page.locator("h2.measures-title")).to_have_text("Ten exit-entry measures")
    expect(page.locator("#lang-switch")).to_have_text("中文")


def test_ports_page_searches_as_you_type_and_draws_the_map(page: Page, base_url: str) -> None:
    page.goto(base_url + "/ports?as_of=2025-11-06&lang=en")
    section = page.locator("section#m06\\.entry_ports")
    expect(section.locator(".count")).to_have_text("65")
    expect(section.locator("details.stay tbody tr")).to_have_count(24)
    assert page.locator("svg circle.port").count() > 60
    page.fill("#filter", "pazhou")
    expect(section.locator(".count")).to_have_text("1 / 65")
    expect(section.locator(".scroll tbody tr:not([hidden])")).to_have_count(1)
    page.fill("#filter", "")
    expect(section.locator(".count")).to_have_text("65")


def test_ports_page_as_of_an_earlier_date(page: Page, base_url: str) -> None:
    page.goto(base_url + "/ports")
    page.fill("#as_of", "2025-11-04")
    page.click("form.inline button")
    expect(page.locator("section#m06\\.entry_ports .count")).to_have_text("60")


@pytest.mark.parametrize("measure", sorted(MEASURES))
def test_every_measure_has_a_form_that_answers_or_points_at_the_field(
    page: Page, base_url: str, measure: str,
) -> None:
    page.goto(f"{base_url}/measures/{measure}?lang=en")
    expect(page.locator("form.facts")).to_be_visible()
    for label in page.locator("form.facts label").all():
        target = label.get_attribute("for")
        assert target and page.locator(f"[id='{target}']").count() == 1
    page.click("#submit")  # nothing filled in: the first missing fact is named at its input
    expect(page.locator(".error").first).to_be_visible()
