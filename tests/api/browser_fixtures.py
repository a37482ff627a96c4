"""Browser-test fixtures (a pytest plugin the browser tests load): Debian's Chromium via Playwright and a fresh
tab per test at each of the two viewports, failing the test on any console error."""
from __future__ import annotations

import pytest

from tests.api.browser_support import CHROMIUM, CHROMIUM_ARGS, VIEWPORTS, Console


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium (never a downloaded one); skips loudly when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip("BROWSER TEST SKIPPED: /usr/bin/chromium is missing; install it with `make chromium` "
                    "(apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=list(VIEWPORTS))
def tab(request, browser):
    """A fresh tab at one of the two sizes; the test fails if the page logged an error or threw."""
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.viewport_name = request.param
    page.console = Console(page)
    page.requested = []
    page.on("request", lambda r: page.requested.append(r.url))
    yield page
    errors = page.console.unexpected()
    context.close()
    assert not errors, f"console errors: {errors}"


@pytest.fixture
def browser_page(tab, live_server):
    """A tab for the shared live server."""
    return tab
