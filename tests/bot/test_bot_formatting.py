"""Pure formatting and splitting: examples plus property tests over arbitrary answers."""
from __future__ import annotations

import bisect
import re

import pytest
from discord_limits import assert_message_within_limits
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simcord.components import validate_embeds

from bot.answers import NOT_COVERED, answer_pages, draft_page
from bot.formatting import (
    ANSWERED_COLOUR,
    DESCRIPTION_LIMIT,
    ELLIPSIS,
    MARKER,
    THREAD_NAME_LIMIT,
    clip,
    escape_markdown,
    split_spans,
    split_text,
    thread_name,
)
from bot.sources import CONTEXT_SIDE, document_links, passage_context, passage_pages
from bot.streaming import EditPacer
from bot.texts import cooldown_message, format_duration, help_embed, reindex_embed, status_embed
from rag.schemas import Answer, Citation, Passage, UpdateReport

SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    return SPACE.sub("", text)


# ------------------------------------------------------------------ strategies

word = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1, max_size=12
)
marker = st.integers(0, 999).map(lambda n: f"[{n}]")
special = st.sampled_from(
    [
        "@everyone",
        "@here",
        "<@123456789012345678>",
        "**bold**",
        "_it_",
        "`code`",
        "> quote",
        "# heading",
        "[1](http://example.com)",
        "\\",
        "😀",
        "🇫🇷",
        "e\u0301",
        "中文句子。",
        "http://example.com/a_b",
    ]
)
space = st.sampled_from([" ", " ", " ", "\n", "\n\n", "\t", "  "])
huge_word = st.integers(1, 3).flatmap(
    lambda k: st.text(alphabet="abc[]12", min_size=1, max_size=5).map(lambda s: (s * 2000)[: 1100 * k])
)
token = st.one_of(word, word, word, marker, special, huge_word)
texts = st.lists(st.tuples(token, space), max_size=60).map(lambda pairs: "".join(t + s for t, s in pairs))
long_texts = st.tuples(texts, st.integers(1, 40)).map(lambda t: t[0] * t[1])
any_text = st.one_of(texts, long_texts)


@st.composite
def citations(draw, n: int):
    quote = draw(st.one_of(texts, long_texts.map(lambda t: t[:5000])))
    before, after = draw(texts), draw(texts)
    passage = draw(st.sampled_from([before + quote + after, quote, before]))
    return Citation(
        n=n,
        doc_id="doc",
        source="doc.txt",
        title=draw(st.one_of(st.just(""), texts)),
        date=draw(st.sampled_from(["", "2024-12-27"])),
        quote=quote,
        start=0,
        end=len(quote),
        passage=passage,
    )


@st.composite
def answers(draw):
    answered = draw(st.booleans())
    count = draw(st.integers(0, 40))
    cites = [draw(citations(i + 1)) for i in range(count)] if answered else []
    related = (
        []
        if answered
        else [
            Passage(
                doc_id="d",
                source="d.txt",
                title=draw(texts),
                date="2024-01-01",
                start=0,
                end=1,
                text=draw(any_text),
            )
            for _ in range(draw(st.integers(0, 30)))
        ]
    )
    return Answer(
        question=draw(any_text) or "q",
        answer=draw(any_text),
        answered=answered,
        citations=cites,
        related=related,
        answer_id="a" * 32,
        index_version="v1",
        took_ms=12.0,
        resolved_question=draw(st.one_of(st.none(), any_text)),
    )


# ------------------------------------------------------------------ splitting


def check_spans(text: str, limit: int) -> None:
    spans = split_spans(text, limit)
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    starts = [w[0] for w in words]
    previous_end = 0
    for i, (a, b) in enumerate(spans):
        assert 0 < b - a <= limit
        assert not SPACE.match(text[a]) and not SPACE.match(text[b - 1])
        gap = text[previous_end:a]
        assert not squash(gap), "a span boundary dropped non-space text"
        if i and not gap:  # cut without whitespace: only inside a word longer than the limit
            w_start, w_end = words[bisect.bisect_right(starts, a) - 1]
            assert w_start < a < w_end and w_end - w_start > limit, "a word that fits was cut"
        previous_end = b
    assert not squash(text[previous_end:])
    assert squash("".join(text[a:b] for a, b in spans)) == squash(text)
    for m in MARKER.finditer(text):
        if m.end() - m.start() <= limit:
            assert any(a <= m.start() and m.end() <= b for a, b in spans), f"marker {m.group()} was split"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=any_text, limit=st.sampled_from([1, 2, 5, 17, 100, 256, 1024, 2000, 4096]))
def test_split_spans_respects_limit_words_and_markers(text, limit):
    check_spans(text, limit)


def test_split_prefers_keeping_a_marker_with_its_sentence():
    text = "alpha beta gamma [12] delta"
    assert split_text(text, 20) == ["alpha beta", "gamma [12] delta"]


def test_split_cuts_a_word_only_when_it_alone_is_too_long():
    assert split_text("short " + "x" * 25 + " end", 10) == ["short", "x" * 10, "x" * 10, "xxxxx end"]


def test_split_never_cuts_inside_a_marker_in_an_overlong_word():
    pieces = split_text("abcdefgh[123]ijk", 10)
    assert pieces[0] == "abcdefgh" and pieces[1].startswith("[123]")


def test_clip_ends_with_ellipsis_at_a_word_boundary():
    assert clip("one two three four", 10) == "one two…"
    assert clip("short", 10) == "short"


# ------------------------------------------------------------------ answers


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(answer=answers())
def test_any_answer_fits_every_discord_limit_and_keeps_every_citation(answer):
    pages = answer_pages(answer)
    assert pages
    for page in pages:
        assert_message_within_limits(page.content, page.embeds)
        validate_embeds([e.to_dict() for e in page.embeds])  # SimCord's independent limit checker
    embeds = [e for p in pages for e in p.embeds]
    names = [f.name for e in embeds for f in e.fields]
    if answer.answered:
        leads = [re.match(r"(?:\[\d+\])+", n) for n in names]
        shown = [int(x) for m in leads if m for x in re.findall(r"\d+", m.group())]
        assert sorted(shown) == sorted(c.n for c in answer.citations)  # every citation once
        passages = {(c.doc_id, c.passage or c.quote) for c in answer.citations}
        assert len(names) == len(passages)  # one field per passage
        texts = [e.description for e in embeds if not e.fields and e.colour == ANSWERED_COLOUR]
        assert squash("".join(texts)) == squash(escape_markdown(answer.answer)) or not answer.answer.strip()
        markers = len(MARKER.findall(escape_markdown(answer.answer)))
        assert sum(len(MARKER.findall(t)) for t in texts) >= markers
    else:
        assert embeds[0].description == NOT_COVERED
        assert [n.split(":")[0] for n in names] == [f"Related {i}" for i in range(1, len(answer.related) + 1)]


def real_like_answer(**update) -> Answer:
    passage = (
        "The ByteDance research summary also highlights a significant gap. Jimeng has about 25,000 "
        "paying users. In contrast, Keling serves over 5 million users."
    )
    quote = "Jimeng has about 25,000 paying users."
    c = Citation(
        n=1,
        doc_id="k",
        source="k.txt",
        title="Keling *vs* Jimeng",
        date="2024-12-27",
        quote=quote,
        start=10,
        end=10 + len(quote),
        passage=passage,
    )
    data = {
        "question": "How many paying users does Jimeng have?",
        "answer": f"{quote} [1]",
        "answered": True,
        "citations": [c],
        "answer_id": "f" * 32,
        "index_version": "v1",
        "took_ms": 95.0,
    }
    data.update(update)
    return Answer(**data)


def test_answer_embed_has_question_answer_and_sources_that_add_context():
    (page,) = answer_pages(real_like_answer(resolved_question="How many paying users does Keling have?"))
    first, sources = page.embeds
    assert first.title == "How many paying users does Jimeng have?"
    assert first.description == "Jimeng has about 25,000 paying users. [1]"
    assert first.footer.text == "Understood as: How many paying users does Keling have?"
    assert sources.title == "Sources"
    (field,) = sources.fields
    assert field.name == "[1] Keling \\*vs\\* Jimeng — 2024-12-27"
    assert field.value == ("The ByteDance research summary also highlights a significant gap. **[1]** "
                           "In contrast, Keling serves over 5 million users.")
    assert "25,000" not in field.value  # the quote is in the answer already; the source adds its context


def test_footer_shows_no_internals():
    (page,) = answer_pages(real_like_answer())
    assert page.embeds[0].footer.text is None  # no index version, no milliseconds
    (page,) = answer_pages(real_like_answer(mode="generative", dropped_sentences=2))
    assert page.embeds[0].footer.text == "2 sentences removed: the sources didn't support them"


def test_embed_title_never_shows_mention_syntax():
    (page,) = answer_pages(real_like_answer(question="<@145612> <@&9> @everyone how many paying users?"))
    assert page.embeds[0].title == "how many paying users?"


def test_long_passage_context_is_trimmed_with_ellipses_around_the_marker():
    before, quote, after = "lead " * 400, "the quoted sentence.", " tail" * 400
    value = passage_context(before + quote + after, [(3, quote)])
    assert len(value) <= 2 * CONTEXT_SIDE + 20
    assert value.startswith(ELLIPSIS) and value.endswith(ELLIPSIS)
    assert "**[3]**" in value and "quoted sentence" not in value


def test_context_prefers_whole_sentences():
    before = "An early sentence that will not fit in the window at all, it is far too long. " * 5
    before += "The sentence right before the quote. "
    after = " The sentence right after the quote. " + "A later sentence that runs on and on. " * 9
    value = passage_context(before + "Quoted." + after, [(1, "Quoted.")])
    assert "The sentence right before the quote. **[1]** The sentence right after the quote." in value
    assert value.startswith(ELLIPSIS + " ") and value.endswith(" " + ELLIPSIS)


def comparison_answer() -> Answer:
    passage = ("Intro words here. Jimeng has about 25,000 paying users. Meanwhile the rival grew fast. "
               "Keling serves over 5 million users. Closing words.")
    q1, q2 = "Jimeng has about 25,000 paying users.", "Keling serves over 5 million users."
    cites = [Citation(n=i, doc_id="k", source="k.txt", title="One long article title", date="2024-12-27",
                      quote=q, start=passage.index(q), end=passage.index(q) + len(q), passage=passage)
             for i, q in ((1, q1), (2, q2))]
    other = "Another passage of the same article. It says something else entirely."
    cites.append(Citation(n=3, doc_id="k", source="k.txt", title="One long article title", date="2024-12-27",
                          quote="It says something else entirely.", start=500, end=532, passage=other))
    text = f"{q1} [1] {q2} [2] It says something else entirely. [3]"
    return Answer(question="Who has more users?", answer=text, answered=True, citations=cites,
                  answer_id="c" * 32)


def test_two_quotes_from_one_passage_share_one_field_and_the_title_is_shown_once():
    (page,) = answer_pages(comparison_answer())
    fields = page.embeds[1].fields
    assert [f.name for f in fields] == ["[1][2] One long article title — 2024-12-27",
                                        "[3] same document, another passage"]
    assert fields[0].value == ("Intro words here. **[1]** Meanwhile the rival grew fast. **[2]** "
                               "Closing words.")
    assert fields[1].value == "Another passage of the same article. **[3]**"
    assert sum(len(e) for e in page.embeds) < 700  # compact: the answer once, context once


def test_show_passages_sends_each_passage_once_with_every_quote_in_bold():
    (page,) = passage_pages(comparison_answer().citations)
    first, second = page.embeds
    assert first.title == "[1][2] One long article title" and second.title.startswith("[3] ")
    assert first.description == ("Intro words here. **Jimeng has about 25,000 paying users.** Meanwhile the "
                                 "rival grew fast. **Keling serves over 5 million users.** Closing words.")


def test_document_links_need_a_public_http_url():
    cites = comparison_answer().citations
    assert document_links(cites, None) == [] and document_links(cites, "not a url") == []
    assert document_links(cites, "ftp://example.org") == []
    (link,) = document_links(cites, "https://qa.example.org/")
    assert link == ("[1][2][3] One long article title", "https://qa.example.org/documents/k")
    odd = cites[0].model_copy(update={"doc_id": "a b/c?"})
    assert document_links([odd], "http://h:8000/app")[0][1] == "http://h:8000/app/documents/a%20b%2Fc%3F"


def test_draft_page_shows_the_text_so_far_marked_unchecked():
    (embed,) = draft_page("<@1> Why?", "Because *this* [1]").embeds
    assert embed.title == "Why?" and embed.description == "Because \\*this\\* [1] ▌"
    assert "checked" in embed.footer.text
    (long,) = draft_page("Why?", "word " * 2000).embeds
    assert len(long.description) <= DESCRIPTION_LIMIT and long.description.startswith(ELLIPSIS)


def test_edit_pacer_allows_one_edit_per_interval():
    now = [0.0]
    pacer = EditPacer(1.0, clock=lambda: now[0])
    assert pacer.wait() == 0
    pacer.mark()
    now[0] = 0.4
    assert pacer.wait() == pytest.approx(0.6)
    now[0] = 1.0
    assert pacer.wait() == 0


def test_abstention_says_not_covered_and_lists_related():
    related = [
        Passage(
            doc_id="d",
            source="d.txt",
            title="Doc",
            date="2024-01-01",
            start=0,
            end=5,
            text="Closest sentence.",
        )
    ]
    (page,) = answer_pages(Answer(question="Weather on Mars?", answer="x", answered=False, related=related))
    assert "don't cover" in page.embeds[0].description
    assert page.embeds[1].fields[0].name == "Related 1: Doc — 2024-01-01"
    assert page.embeds[1].fields[0].value == "Closest sentence."
    assert page.embeds[0].footer.text is None


def test_everyone_and_markdown_in_documents_are_shown_literally():
    (page,) = answer_pages(real_like_answer(answer="@everyone look at *this* [1]"))
    assert page.embeds[0].description == "@everyone look at \\*this\\* [1]"


def test_long_answer_text_spans_several_embeds_and_messages():
    long = " ".join(f"Sentence number {i} about Keling and Jimeng. [{i % 9 + 1}]" for i in range(400))
    pages = answer_pages(real_like_answer(answer=long))
    texts = [e.description for p in pages for e in p.embeds if not e.fields]
    assert len(texts) >= 5 and all(len(t) <= DESCRIPTION_LIMIT for t in texts)
    assert len(pages) >= 3
    assert squash("".join(texts)) == squash(long)


def test_passage_pages_show_full_passages_with_the_quote_in_bold():
    (page,) = passage_pages(real_like_answer().citations)
    (embed,) = page.embeds
    assert embed.title == "[1] Keling \\*vs\\* Jimeng"
    assert "**Jimeng has about 25,000 paying users.**" in embed.description
    assert embed.description.endswith("Keling serves over 5 million users.")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(cites=st.integers(0, 12).flatmap(lambda k: st.tuples(*[citations(i + 1) for i in range(k)])))
def test_passage_pages_fit_every_limit(cites):
    for page in passage_pages(list(cites)):
        assert_message_within_limits(page.content, page.embeds)
        validate_embeds([e.to_dict() for e in page.embeds])


# ------------------------------------------------------------------ short texts


@pytest.mark.parametrize(
    "seconds,text", [(0, "0 s"), (59.9, "59 s"), (61, "1 min 1 s"), (3600, "1 h 0 min"), (90061, "1 d 1 h")]
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_cooldown_messages_say_when_to_retry():
    assert cooldown_message(8.2, "user") == "⏳ You're asking a little fast — please try again in 9 seconds."
    assert "in 1 second." in cooldown_message(0.3, "channel")
    assert cooldown_message(2, "channel").startswith("⏳ This channel just got an answer")


def test_thread_name_fits():
    assert len(thread_name("why " * 100)) <= THREAD_NAME_LIMIT
    assert thread_name("   ") == "Follow-ups"
    assert thread_name("<@123> @everyone why <#9> <@&7>?") == "everyone why ?"


def test_status_and_reindex_embeds_report_the_numbers():
    status = status_embed(
        {"version": "v2", "documents": 3, "chunks": 40, "answered": 5, "abstained": 2}, 3725
    )
    assert {f.name: f.value for f in status.fields} == {
        "Index version": "v2",
        "Documents": "3",
        "Chunks": "40",
        "Uptime": "1 h 2 min",
        "Answered": "5",
        "Abstained": "2",
    }
    report = UpdateReport(
        version="v3",
        previous="v2",
        added=4,
        kept=36,
        deleted=1,
        documents=3,
        chunks=40,
        errors=["bad.pdf: not a PDF; fix or remove the file"],
    )
    embed = reindex_embed(report)
    fields = {f.name: f.value for f in embed.fields}
    assert (fields["Added"], fields["Kept"], fields["Deleted"]) == ("4", "36", "1")
    assert "bad.pdf" in fields["Files skipped (1)"] and "v3" in embed.description


def test_help_mentions_every_way_to_ask():
    text = str(help_embed([42], "Curators").to_dict())
    for needle in (
        "/ask",
        "private",
        "mention",
        "Reply",
        "thread",
        "👍",
        "Show passages",
        "<#42>",
        "Curators",
        "/reindex",
        "/status",
    ):
        assert needle in text


def test_a_quote_spanning_two_embeds_stays_bold_in_both():
    quote = " ".join(["emphasised"] * 600)
    c = Citation(
        n=1,
        doc_id="d",
        source="d.txt",
        quote=quote,
        start=0,
        end=len(quote),
        passage="Before. " + quote + " After.",
    )
    texts = [e.description for p in passage_pages([c]) for e in p.embeds]
    assert len(texts) == 2
    assert texts[0].startswith("Before. **emphasised") and texts[0].endswith("emphasised**")
    assert texts[1].startswith("**emphasised") and texts[1].endswith("emphasised** After.")


def test_a_long_title_starting_with_a_marker_keeps_the_field_number():
    """Regression: a related title '[1] …' longer than the field limit was cut to 'Related…'."""
    from bot.sources import related_field, source_fields

    passage = Passage(doc_id="d", source="d.txt", title="[1] " + "x" * 400, date="2024-01-01",
                      start=0, end=4, text="text")
    name, _ = related_field(3, passage)
    assert name.startswith("Related 3: [1]") and name.endswith(" — 2024-01-01") and len(name) <= 256
    citation = Citation(n=2, doc_id="d", source="d.txt", title="word " * 80, quote="q", start=0, end=1,
                        passage="q")
    ((name, _),) = source_fields([citation])
    assert name.startswith("[2] word") and len(name) <= 256
