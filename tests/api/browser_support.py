"""Browser-test helpers: the two viewports, console-error capture, asking a question on the page."""
from __future__ import annotations

import re
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
COMPARE = "Compare the paying users of Jimeng and Keling."
WAIT = 30_000


class Console:
    """Console errors and uncaught exceptions of a page; `allowed` patterns are expected network failures."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.allowed: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def unexpected(self) -> list[str]:
        """Errors not matched by an allowed pattern."""
        return [e for e in self.errors if not any(re.search(p, e) for p in self.allowed)]


def open_page(page, server, path: str = "/"):
    """Open a page and let its first requests settle. `goto` waits for the load event; network idle is waited for
    as well but not required: Chromium once never reported it on /docs after every request had been answered
    (a 30 s timeout failed CI), and the assertions that follow wait for what they check."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(server.url + path)
    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except PlaywrightTimeout:
        pass


def ask(page, question: str, turn: int):
    """Type a question, press Enter and wait for its turn to be answered."""
    from playwright.sync_api import expect

    page.fill("#question", question)
    page.press("#question", "Enter")
    expect(page.locator(f"#turn-{turn} .a")).not_to_have_attribute("aria-busy", "true", timeout=WAIT)
    expect(page.locator(f"#turn-{turn} .skeleton")).to_have_count(0)
    return page.locator(f"#turn-{turn}")


def in_viewport(page, selector: str) -> bool:
    """Whether the element's box is at least partly inside the visible viewport."""
    return page.eval_on_selector(selector, """el => { const r = el.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight; }""")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
