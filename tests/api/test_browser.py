"""The web page in real Chromium (Debian's /usr/bin/chromium driven by Playwright) against a real server."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.support import DEV_QUESTION

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


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


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized page (390x640) that records every URL it requests."""
    context = browser.new_context(viewport={"width": 390, "height": 640})
    page = context.new_page()
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.goto(live_server.url + "/")
    yield page
    context.close()


def in_viewport(page, selector: str) -> bool:
    """Whether the element's box is at least partly inside the visible viewport."""
    return page.eval_on_selector(selector, """el => { const r = el.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight; }""")


def test_streamed_answer_citation_click_highlights_its_card(phone_page, live_server):
    from playwright.sync_api import expect

    page = phone_page
    page.fill("#question", DEV_QUESTION)
    page.click("#ask")
    expect(page.locator("#answer")).to_contain_text("25,000", timeout=15000)
    expect(page.locator("#status")).to_contain_text("Done in")

    card = page.locator("#cite-1")
    expect(card.locator(".card-title")).not_to_be_empty()
    expect(card.locator(".card-meta")).to_contain_text("2024-12-27")
    expect(card.locator("mark")).to_contain_text("25,000 paying users")
    assert "highlighted" not in (card.get_attribute("class") or "")
    assert not in_viewport(page, "#cite-1"), "on a phone the card starts below the fold"

    page.locator('#answer a.cite-ref[data-n="1"]').click()
    expect(card).to_have_class("card citation-card highlighted")
    page.wait_for_function("""() => { const r = document.getElementById('cite-1').getBoundingClientRect();
        return r.top >= 0 && r.top < window.innerHeight; }""", timeout=5000)
    assert page.evaluate("document.activeElement.id") == "cite-1"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    assert all(url.startswith((live_server.url, "data:")) for url in page.requested), \
        "the page loads nothing from outside the server"


def test_unanswered_question_shows_the_documents_dont_say_and_related(phone_page):
    from playwright.sync_api import expect

    page = phone_page
    page.fill("#question", "What is the capital of France?")
    page.press("#question", "Enter")
    expect(page.locator("#answer")).to_contain_text("The documents don't say", timeout=15000)
    expect(page.locator("#related-title")).to_be_visible()
    assert page.locator("#related li.card").count() >= 1
    assert page.locator("#citations li").count() == 0
