"""An answer as Discord messages: the answer text, one source field per passage; also the growing draft."""
from __future__ import annotations

import discord

from bot.formatting import (
    ANSWERED_COLOUR,
    DESCRIPTION_LIMIT,
    ELLIPSIS,
    FOOTER_BUDGET,
    INFO_COLOUR,
    NOT_COVERED_COLOUR,
    TITLE_LIMIT,
    Page,
    clip,
    escape_markdown,
    field_embeds,
    flat,
    pack,
    safe,
    split_text,
    tail,
)
from bot.sources import related_field, source_fields
from bot.wording import strip_mentions
from rag.schemas import Answer

NOT_COVERED = ("**The documents don't cover this.** The closest passages are listed below as *related* "
               "reading, not as an answer.")
WRITING = "✍️ Writing the answer… its sources are checked when it is finished."


def answer_pages(answer: Answer) -> list[Page]:
    """The messages that show an answer (or an abstention with related passages), within every limit."""
    return pack(answer_embeds(answer))


def answer_title(question: str) -> str | None:
    """The embed title: the question as asked, without mention syntax, shown literally."""
    return clip(safe(strip_mentions(question)), TITLE_LIMIT) or None


def notice_of(answer: Answer) -> str | None:
    """Why the service did not attempt an answer (e.g. a follow-up with no earlier turn), if it says so."""
    return getattr(answer, "notice", None)


def answer_embeds(answer: Answer) -> list[discord.Embed]:
    """The embeds of an answer: the answer text (split if long), then one source field per passage."""
    if notice_of(answer):  # not an answer: the service's one line, nothing to cite or vote on
        return [discord.Embed(title=answer_title(answer.question), colour=INFO_COLOUR,
                              description=clip(f"💬 {escape_markdown(answer.answer)}", DESCRIPTION_LIMIT))]
    if answer.answered:
        colour, heading = ANSWERED_COLOUR, "Sources"
        chunks = split_text(escape_markdown(answer.answer), DESCRIPTION_LIMIT) or ["(empty answer)"]
        fields = source_fields(answer.citations)
    else:
        colour, heading = NOT_COVERED_COLOUR, "Related passages (not an answer)"
        chunks = [NOT_COVERED]
        fields = [related_field(i, p) for i, p in enumerate(answer.related, 1)]
    title = answer_title(answer.question)
    embeds = [discord.Embed(title=title if i == 0 else None, description=chunk, colour=colour)
              for i, chunk in enumerate(chunks)]
    footer = answer_footer(answer)
    if footer:
        embeds[0].set_footer(text=footer)
    return embeds + field_embeds(heading, fields, colour)


def answer_footer(answer: Answer) -> str:
    """Footer for people, not operators: how a follow-up was understood, sentences verification removed."""
    parts = []
    if answer.resolved_question:
        parts.append(f"Understood as: {flat(strip_mentions(answer.resolved_question))}")
    if answer.dropped_sentences:
        n = answer.dropped_sentences
        parts.append(f"{n} sentence{'s' if n != 1 else ''} removed: the sources didn't support "
                     f"{'them' if n != 1 else 'it'}")
    return clip(" · ".join(parts), FOOTER_BUDGET)


def draft_page(question: str, text: str) -> Page:
    """The answer while it is being written: the text so far (its end if long), marked as unchecked."""
    shown = escape_markdown(flat(text))
    if len(shown) > DESCRIPTION_LIMIT - 2:
        shown = tail(shown, DESCRIPTION_LIMIT - 2)
    embed = discord.Embed(title=answer_title(question), description=(shown or ELLIPSIS) + " ▌",
                          colour=INFO_COLOUR)
    embed.set_footer(text=WRITING)
    return Page(embeds=[embed])
