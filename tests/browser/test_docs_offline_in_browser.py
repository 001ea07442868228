"""/docs and /redoc in a real browser load no third-party asset and show the API."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, expect

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize(("path", "shows"), [("/docs", "#swagger-ui .info .title"),
                                             ("/redoc", "redoc h1")])
def test_the_api_docs_load_nothing_from_another_site(browser: Browser, base_url: str,
                                                     path: str, shows: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    host = urlparse(base_url).netloc
    elsewhere: list[str] = []
    page.on("request", lambda r: None if urlparse(r.url).netloc in (host, "")
            or r.url.startswith(("data:", "blob:")) else elsewhere.append(r.url))
    page.goto(base_url + path)
    expect(page.locator(shows).first).to_contain_text("churujing")
    if path == "/docs":
        expect(page.locator("#operations-trips-check_v1_trips_check_post")).to_be_visible()
    assert not elsewhere, elsewhere
    context.close()
