"""Fixtures shared by every test folder: the one Chromium that browser tests drive.

Playwright (sync API) drives Debian's Chromium, headless; no browser is downloaded. Without
/usr/bin/chromium (``make test`` installs it: the Makefile's system-deps) a test that asks
for ``browser`` is skipped, saying why.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def chromium_missing() -> str | None:
    """Why browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return (f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium; "
                "`make test` does it): browser tests skipped")
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium, launched once per test module.

    Module scope: Playwright's sync API runs one instance per thread at a time, so each
    module that drives a browser starts and stops its own in turn.
    """
    reason = chromium_missing()
    if reason is not None:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
