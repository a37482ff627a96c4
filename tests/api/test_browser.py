"""The web page in real Chromium (Debian's /usr/bin/chromium driven by Playwright) against a real server.

Every flow runs at desktop (1280x900) and phone (390x844) size, and every test fails on a console error or an
uncaught page error (see `browser_page`)."""
from __future__ import annotations

import json
import re

import pytest

from tests.api.browser_support import COMPARE, WAIT, ask, in_viewport, no_sideways_scroll, open_page
from tests.api.support import DEV_QUESTION

pytest_plugins = ["tests.api.browser_fixtures"]  # the browser, tab and browser_page fixtures
pytestmark = [pytest.mark.browser, pytest.mark.integration]

def test_empty_state_shows_coverage_and_answerable_examples(browser_page, live_server):
    from playwright.sync_api import expect

    page = browser_page
    open_page(page, live_server)
    expect(page.locator("#coverage")).to_contain_text("document", timeout=WAIT)
    library = json.loads(page.evaluate("fetch('/v1/library').then(r => r.text())"))
    assert library["documents"][0]["title"] in page.inner_text("#coverage")
    examples = page.locator("#examples button")
    expect(examples).to_have_count(3)
    shown = examples.all_inner_texts()
    assert shown == library["examples"], "the examples come from the server, chosen from the corpus"
    expect(page.locator("#intro")).to_contain_text("Chinese")
    assert no_sideways_scroll(page)

    examples.first.click()
    turn = page.locator("#turn-0")
    expect(turn.locator(".answer-text")).to_be_visible(timeout=WAIT)
    expect(turn.locator(".q")).to_contain_text(shown[0])
    expect(page.locator("#intro")).to_be_hidden()
    assert all(url.startswith((live_server.url, "data:")) for url in page.requested), \
        "the page loads nothing from outside the server"


def test_answer_citations_and_compact_source_cards(browser_page, live_server):
    from playwright.sync_api import expect

    page = browser_page
    open_page(page, live_server)
    turn = ask(page, COMPARE, 0)
    expect(turn.locator(".answer-text")).to_contain_text("25,000")
    expect(turn.locator(".answer-text")).to_contain_text("2 million")
    # Two quotes from one passage: one card, numbered 1 and 2, the document title once.
    cards = turn.locator(".sources .card")
    expect(cards).to_have_count(1)
    expect(cards.first.locator(".card-n")).to_have_text(["1", "2"])
    expect(turn.locator(".doc-title")).to_have_count(1)
    expect(turn.locator(".doc-meta")).to_contain_text("Lan Dong Business")
    expect(turn.locator(".doc-meta")).to_contain_text("2024")
    expect(cards.first.locator(".card-passage").first.locator("mark")).to_have_count(2)

    toggle = cards.first.locator("button.link-button")
    compact_length = len(cards.first.locator(".card-passage").first.inner_text())
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    full = cards.first.locator(".card-passage:visible")
    assert len(full.inner_text()) > compact_length, "expanded shows the whole passage"

    page.evaluate("window.scrollTo(0, 0)")
    turn.locator('a.cite-ref[aria-label="source 2"]').click()
    expect(cards.first).to_have_class(re.compile(r"\bhighlighted\b"))
    page.wait_for_function("""() => { const r = document.querySelector('#turn-0 .card').getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight; }""", timeout=5000)
    assert no_sideways_scroll(page)


def test_document_view_highlights_every_cited_span(browser_page, live_server):
    from playwright.sync_api import expect

    page = browser_page
    open_page(page, live_server)
    turn = ask(page, COMPARE, 0)
    href = turn.locator(".doc-title").get_attribute("href")
    assert href.startswith("/documents/") and "spans=" in href
    turn.locator(".doc-title").click()
    page.wait_for_url("**/documents/**")
    marks = page.locator("#text mark")
    expect(marks.first).to_be_visible(timeout=WAIT)
    doc_id = href.split("/documents/")[1].split("?")[0]
    text = json.loads(page.evaluate(f"fetch('/v1/documents/{doc_id}').then(r => r.text())"))["text"]
    spans = [tuple(map(int, s.split("-"))) for s in href.split("spans=")[1].split(",")]
    highlighted = marks.all_inner_texts()
    assert "".join(highlighted).replace("\n", "") == "".join(text[s:e] for s, e in sorted(set(spans))).replace(
        "\n", ""), "exactly the cited spans are marked"
    assert in_viewport(page, "#text mark"), "the first cited span is scrolled into view"
    expect(page.locator("h1")).to_contain_text("Keling")
    assert no_sideways_scroll(page)


def test_thread_follow_ups_keep_the_new_topic_and_new_conversation_clears(browser_page, live_server):
    from playwright.sync_api import expect

    page = browser_page
    open_page(page, live_server)
    ask(page, DEV_QUESTION, 0)
    follow = ask(page, "and Keling?", 1)
    expect(follow.locator(".resolved")).to_have_text("Understood as: How many paying users does Keling have?")
    expect(follow.locator(".answer-text")).to_contain_text("2 million")
    shifted = ask(page, "What about Keling's monthly revenue?", 2)
    expect(shifted.locator(".resolved")).to_have_count(0)
    expect(shifted.locator(".answer-text")).to_contain_text("revenue")
    expect(page.locator("#thread > li")).to_have_count(3)
    expect(page.locator("#turn-0 .answer-text")).to_contain_text("25,000")

    page.reload()
    expect(page.locator("#thread > li")).to_have_count(3)  # kept for this tab
    page.click("#new-conversation")
    expect(page.locator("#thread > li")).to_have_count(0)
    expect(page.locator("#intro")).to_be_visible()
    notice = ask(page, "and Keling?", 0)
    expect(notice.locator(".a")).to_contain_text("Ask a full question: this conversation has no earlier turn")
    expect(notice.locator(".sources")).to_have_count(0)
    expect(notice.locator(".feedback")).to_have_count(0)


def test_feedback_is_one_changeable_vote_with_an_optional_comment(browser_page, live_server):
    from playwright.sync_api import expect

    page = browser_page
    open_page(page, live_server)
    turn = ask(page, DEV_QUESTION, 0)
    yes, no = turn.locator('button[data-helpful="true"]'), turn.locator('button[data-helpful="false"]')
    expect(yes).to_have_attribute("aria-pressed", "false")
    yes.click()
    expect(yes).to_have_attribute("aria-pressed", "true")
    expect(turn.locator(".feedback-status")).to_contain_text("Thanks")
    no.click()
    expect(no).to_have_attribute("aria-pressed", "true")
    expect(yes).to_have_attribute("aria-pressed", "false")
    expect(turn.locator(".feedback-status")).to_contain_text("changed")
    turn.locator(".comment summary").click()
    turn.locator(".comment textarea").fill("the number is from last year")
    turn.locator(".comment button").click()
    expect(turn.locator(".feedback-status")).to_contain_text("comment is saved")

    answer_id = page.evaluate("JSON.parse(sessionStorage.getItem('reelqa.thread')).turns[0].data.answer_id")
    rows = live_server.app.state.context.feedback.feedback_for(answer_id)
    assert rows == [{"helpful": False, "comment": "the number is from last year", "channel": "http"}], \
        "one row per answer: a changed vote updates it"


def test_question_box_limits_counts_and_rejects_blank(browser_page, live_server):
    from playwright.sync_api import expect

    page = browser_page
    open_page(page, live_server)
    limit = live_server.app.state.context.settings.max_question_chars
    expect(page.locator("#question")).to_have_attribute("maxlength", str(limit))
    page.fill("#question", "   ")
    page.press("#question", "Enter")
    expect(page.locator("#hint")).to_have_text("Type a question first.")
    expect(page.locator("#thread > li")).to_have_count(0)
    page.fill("#question", "x" * (limit + 50))
    assert len(page.input_value("#question")) == limit
    expect(page.locator("#counter")).to_have_text(f"{limit} / {limit}")
    body = page.content()
    assert "REELQA_" not in body, "no setting names on the page"


def test_api_docs_work_offline(browser_page, live_server):
    from playwright.sync_api import expect

    page = browser_page
    open_page(page, live_server, "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("reelqa", timeout=WAIT)
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=WAIT)
    assert all(url.startswith((live_server.url, "data:")) for url in page.requested), \
        f"/docs loads nothing from a CDN: {[u for u in page.requested if not u.startswith(live_server.url)]}"


def test_compact_cards_skip_byline_lines_but_the_whole_passage_keeps_them(browser_page, live_server):
    from playwright.sync_api import expect

    page = browser_page
    open_page(page, live_server)
    turn = ask(page, "Who stepped down as CEO of Douyin?", 0)
    card = turn.locator(".sources .card").first
    compact = card.locator(".card-passage").first
    expect(compact.locator("mark")).to_contain_text("stepped down as CEO")
    text = compact.inner_text()
    assert "Written by" not in text and not re.match(r"\s*\d", text), text
    card.locator("button.link-button").click()
    expect(card.locator(".card-passage").nth(1)).to_contain_text("Written by")  # verbatim when expanded


def test_keyboard_only_ask_follow_a_citation_and_vote(browser_page, live_server):
    from playwright.sync_api import expect

    page = browser_page
    open_page(page, live_server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    page.locator("#question").focus()  # the skip link's target
    page.keyboard.type(DEV_QUESTION)
    page.keyboard.press("Enter")
    turn = page.locator("#turn-0")
    expect(turn.locator(".feedback")).to_be_visible(timeout=WAIT)
    turn.locator("a.cite-ref").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.classList.contains('card')", timeout=5000)
    expect(turn.locator(".card").first).to_have_class(re.compile(r"\bhighlighted\b"))
    page.keyboard.press("Tab")  # from the card to the next control: its "Show the whole passage"
    assert page.evaluate("document.activeElement.getAttribute('aria-expanded')") == "false"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.getAttribute('aria-expanded')") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.helpful") == "true"
    page.keyboard.press("Space")
    expect(turn.locator('button[data-helpful="true"]')).to_have_attribute("aria-pressed", "true")
