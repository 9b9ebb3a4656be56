"""A real Streamlit server for the browser tests, and a headless Chromium to drive it.

The server runs from the repository root on a free local port for the whole session and is
stopped (its whole process group) at the end. Chromium is Debian's (/usr/bin/chromium):
Playwright's own browser download is not used. Without Chromium or the playwright module the
tests are skipped with the reason, so a fresh machine still runs the rest of the suite.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from server import CHROMIUM, CHROMIUM_ARGS, missing_browser, start_server, stop_server


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    proc, url = start_server()
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def browser(app_url: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
