"""Sources worth reading, through SimCord over the real service: one field per passage with its context,
a compact comparison, each passage shown once, and a link button to the document view."""
from __future__ import annotations

import discord
import pytest
from bot_helpers import ask_by_mention, custom_ids, text_of

COMPARE = "Compare the paying users of Jimeng and Keling."  # answered with two quotes from one passage
JIMENG = "How many paying users does Jimeng have?"
DOC = "keling-next-target-for-jimeng"


def link_buttons(message) -> list[tuple[str, str]]:
    """(label, url) of every link button on a message."""
    return [(child.label, child.url) for row in message.components for child in row.children
            if child.style == discord.ButtonStyle.link]


async def test_a_comparison_is_compact_with_one_field_for_its_one_passage(world, service):
    answer = await ask_by_mention(world, world.alice, COMPARE)
    real = service.ask(COMPARE)
    assert [c.n for c in real.citations] == [1, 2] and real.citations[0].passage == real.citations[1].passage

    _, sources = answer.embeds
    (field,) = sources.fields
    assert field.name.startswith("[1][2] Kuaishou's Keling is merely the next target")
    assert "**[1]**" in field.value and "**[2]**" in field.value
    for c in real.citations:  # the quotes are in the answer above; the field doesn't print them again
        assert c.quote[:60] not in field.value
    total = sum(len(e) for e in answer.embeds)
    assert total < len(real.answer) + 500  # the answer once plus a short window of context (was ~1,700)


async def test_show_passages_never_sends_the_same_passage_twice(world):
    answer = await ask_by_mention(world, world.alice, COMPARE)
    _, _, passages = custom_ids(answer)
    shown = await world.alice.click(answer, custom_id=passages)
    (embed,) = shown.response.embeds
    assert embed.title.startswith("[1][2] ")
    assert embed.description.count("**") == 4  # both quotes in bold, in the one passage
    assert shown.followups == []


async def test_no_link_button_without_a_public_url(world):
    answer = await ask_by_mention(world, world.alice, JIMENG)
    assert link_buttons(answer) == []


@pytest.mark.bot_settings(public_url="https://qa.example.org/")
async def test_a_link_button_opens_the_document_view_when_the_public_url_is_set(world):
    answer = await ask_by_mention(world, world.alice, COMPARE)
    ((label, url),) = link_buttons(answer)
    assert url == f"https://qa.example.org/documents/{DOC}"
    assert label.startswith("[1][2] Kuaishou's Keling") and len(label) <= 80
    assert len(custom_ids(answer)) == 3  # votes and Show passages are still there


@pytest.mark.bot_settings(public_url="qa.example.org")
async def test_an_unusable_public_url_gives_no_link_instead_of_a_failed_message(world, caplog):
    answer = await ask_by_mention(world, world.alice, JIMENG)
    assert "25,000" in text_of(answer) and link_buttons(answer) == []
    assert any("REELQA_PUBLIC_URL='qa.example.org' is not an http(s) address" in r.getMessage()
               for r in caplog.get_records("setup"))  # the operator is told once, at start-up
