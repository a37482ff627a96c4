"""Shared assertions: every Discord message limit, checked field by field."""
from __future__ import annotations

from bot.formatting import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBEDS_PER_MESSAGE,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_PER_EMBED,
    FOOTER_LIMIT,
    MESSAGE_EMBED_TOTAL,
    TITLE_LIMIT,
)


def assert_embed_within_limits(embed) -> None:
    """One embed: title, description, fields (count, name, value), footer; nothing blank that must not be."""
    if embed.title is not None:
        assert 0 < len(embed.title) <= TITLE_LIMIT
    if embed.description is not None:
        assert embed.description.strip() and len(embed.description) <= DESCRIPTION_LIMIT
    assert len(embed.fields) <= FIELDS_PER_EMBED
    for f in embed.fields:
        assert f.name.strip() and len(f.name) <= FIELD_NAME_LIMIT, f.name
        assert f.value.strip() and len(f.value) <= FIELD_VALUE_LIMIT, f.value
    if embed.footer.text is not None:
        assert len(embed.footer.text) <= FOOTER_LIMIT
    assert embed.title or embed.description or embed.fields


def assert_message_within_limits(content, embeds) -> None:
    """One message: content, embed count, and the 6,000-character total over all its embeds."""
    if content is not None:
        assert len(content) <= CONTENT_LIMIT
    assert 1 <= len(embeds) <= EMBEDS_PER_MESSAGE or (content and not embeds)
    assert sum(len(e) for e in embeds) <= MESSAGE_EMBED_TOTAL
    for e in embeds:
        assert_embed_within_limits(e)
