"""The page's harder states in real Chromium: a server stopped mid-use, the library with admin-only knowledge
gaps, streamed `token` events, accessibility (axe-core), and the README screenshots."""
from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from rag.feedback import FeedbackStore
from tests.api.browser_support import COMPARE, WAIT, ask, open_page
from tests.api.support import DEV_QUESTION, LiveServer, free_port

pytest_plugins = ["tests.api.browser_fixtures"]  # the browser and tab fixtures
pytestmark = [pytest.mark.browser, pytest.mark.integration]

ADMIN_KEY = "admin-key-for-tests"
NETWORK_FAILURE = r"Failed to load resource: net::ERR_CONNECTION_REFUSED"
HTTP_STATUS = r"Failed to load resource: the server responded with a status of 403"
SCREENSHOTS = os.environ.get("REELQA_SCREENSHOTS")  # e.g. docs/screenshots: write the README images there


@pytest.fixture
def own_server(service, settings_for, tmp_path):
    """A real server of its own (admin key set, its own feedback database) that a test may stop and restart."""
    feedback = FeedbackStore(tmp_path / "feedback.sqlite3")
    app = create_app(service, feedback, settings_for(rate_limit_per_minute=0, admin_keys=ADMIN_KEY))
    holder = {"server": LiveServer(app, free_port()).start()}

    class Handle:
        url = holder["server"].url
        port = holder["server"].port

        def stop(self):
            holder["server"].stop()

        def restart(self):
            holder["server"] = LiveServer(app, self.port).start()

    handle = Handle()
    handle.app = app
    yield handle
    holder["server"].stop()


def shot(page, name: str, full_page: bool = True) -> None:
    """Save a screenshot for the README when REELQA_SCREENSHOTS names a folder."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{page.viewport_name}.png"), full_page=full_page)


def test_stopped_server_keeps_the_thread_and_offers_retry(tab, own_server):
    from playwright.sync_api import expect

    page = tab
    page.console.allowed.append(NETWORK_FAILURE)  # Chromium logs the refused connection itself
    open_page(page, own_server)
    first = ask(page, DEV_QUESTION, 0)
    expect(first.locator(".answer-text")).to_contain_text("25,000")

    own_server.stop()
    page.fill("#question", "and Keling?")
    page.press("#question", "Enter")
    expect(page.locator("#error")).to_be_visible(timeout=WAIT)
    expect(page.locator("#error-text")).to_have_text(
        "Can't reach the server. Check your connection and that reelqa is running.")
    assert "Failed to fetch" not in page.inner_text("body")
    expect(page.locator("#retry")).to_be_visible()
    expect(page.locator("#thread > li")).to_have_count(1)
    expect(first.locator(".answer-text")).to_contain_text("25,000")  # the last answer is kept
    yes = first.locator('button[data-helpful="true"]')
    yes.click()
    expect(first.locator(".feedback-status")).to_contain_text("Your vote was not saved. Can't reach the server")
    expect(yes).to_have_attribute("aria-pressed", "false")
    shot(page, "server-down")

    own_server.restart()
    page.click("#retry")
    retried = page.locator("#turn-1")
    expect(retried.locator(".answer-text")).to_contain_text("2 million", timeout=WAIT)
    expect(page.locator("#error")).to_be_hidden()
    expect(retried.locator(".resolved")).to_contain_text("Keling")


def test_library_lists_documents_and_shows_gaps_only_with_an_admin_key(tab, own_server):
    from playwright.sync_api import expect

    page = tab
    page.console.allowed.append(HTTP_STATUS)  # the wrong key's 403 response
    unanswerable = "What is the capital of France?"
    httpx.post(own_server.url + "/v1/ask", json={"question": unanswerable}, timeout=30).raise_for_status()
    library = httpx.get(own_server.url + "/v1/library", timeout=60).json()
    open_page(page, own_server, "/library")
    expect(page.locator("#facts")).to_contain_text(library["version"], timeout=WAIT)
    expect(page.locator("#facts")).to_contain_text("built")
    rows = page.locator("#documents > li")
    expect(rows).to_have_count(len(library["documents"]))
    doc = library["documents"][0]
    first = rows.first
    expect(first.locator("h2")).to_have_text(doc["title"])
    for value in ("English", str(doc["chunks"]), doc["source"]):
        expect(first).to_contain_text(value)

    page.fill("#filter", "no-such-words-anywhere")
    expect(rows).to_have_count(0)
    expect(page.locator("#shown")).to_have_text(f"0 of {len(library['documents'])} documents match.")
    page.fill("#filter", doc["language"].lower())
    expect(rows).to_have_count(len(library["documents"]))

    expect(page.locator("#gaps")).to_be_hidden()
    page.fill("#admin-key", "not-the-key")
    page.click("#gaps-form button")
    expect(page.locator("#gaps-status")).to_have_text("That key is not allowed to do this.")
    expect(page.locator("#gaps")).to_be_hidden()
    page.fill("#admin-key", ADMIN_KEY)
    page.click("#gaps-form button")
    expect(page.locator("#gaps tbody tr").first).to_contain_text(unanswerable, timeout=WAIT)
    shot(page, "library")

    first.locator("h2 a").click()
    page.wait_for_url(f"**/documents/{doc['doc_id']}")
    expect(page.locator("h1")).to_have_text(doc["title"], timeout=WAIT)
    expect(page.locator("#text mark")).to_have_count(0)


STREAMED = "A draft the verifier will shorten. It says something unsupported."


def test_streamed_tokens_show_as_they_arrive_and_the_final_answer_wins(tab, own_server):
    from playwright.sync_api import expect

    page = tab
    real = httpx.post(own_server.url + "/v1/ask/stream", json={"question": DEV_QUESTION}, timeout=30).text
    pieces = [STREAMED[:20], STREAMED[20:45], STREAMED[45:]]
    tokens = "".join(f"event: token\r\ndata: {json.dumps({'text': p})}\r\n\r\n" for p in pieces)

    def generative_stream(route):  # the server side of `token` events lands with the generative answers
        route.fulfill(status=200, headers={"content-type": "text/event-stream"}, body=tokens + real)

    page.route("**/v1/ask/stream", generative_stream)
    page.add_init_script("""window.__streamed = [];
        new MutationObserver(() => document.querySelectorAll('.streaming').forEach(n =>
            window.__streamed.push(n.textContent))).observe(document, {subtree: true, childList: true,
            characterData: true});""")
    open_page(page, own_server)
    turn = ask(page, DEV_QUESTION, 0)
    seen = page.evaluate("window.__streamed")
    assert seen and STREAMED in seen, "the token text was on screen while the answer streamed"
    expect(turn.locator(".answer-text")).to_contain_text("25,000")
    expect(turn.locator(".answer-text")).not_to_contain_text("unsupported")
    expect(turn.locator(".streaming")).to_have_count(0)


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_pages_have_no_serious_accessibility_violations(tab, own_server):
    from playwright.sync_api import expect

    page = tab
    open_page(page, own_server)
    expect(page.locator("#examples button")).to_have_count(3, timeout=WAIT)
    problems = {"empty": _serious(page)}
    shot(page, "empty-state")
    turn = ask(page, COMPARE, 0)
    ask(page, "What is the capital of France?", 1)
    turn.locator('button[data-helpful="true"]').click()
    expect(turn.locator(".feedback-status")).to_contain_text("Thanks")
    problems["answers"] = _serious(page)
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "conversation")
    href = turn.locator(".doc-title").get_attribute("href")
    open_page(page, own_server, href)
    expect(page.locator("#text mark").first).to_be_visible(timeout=WAIT)
    problems["document"] = _serious(page)
    shot(page, "document", full_page=False)  # the first cited span, scrolled into view
    open_page(page, own_server, "/library")
    expect(page.locator("#documents > li").first).to_be_visible(timeout=WAIT)
    problems["library"] = _serious(page)
    assert not any(problems.values()), problems

