"""Discord's message and embed limits, and fitting embeds inside them.

Discord refuses a whole message (400, code 50035) when any limit is broken, so every embed is clipped
here before it is sent and embeds are packed into messages that each stay inside the totals.
"""

from __future__ import annotations

from collections.abc import Iterable

import discord

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBEDS_PER_MESSAGE = 10
EMBED_CHARS_PER_MESSAGE = 6000
CONTENT_MAX = 2000
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
NONCE_MAX = 25
URL_MAX = 2048
ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in an ellipsis when cut.

    A cut never leaves a lone trailing backslash, which would escape the ellipsis.
    """
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    cut = text[: limit - 1].rstrip()
    while cut.endswith("\\"):
        cut = cut[:-1]
    return cut + ELLIPSIS


def embed_chars(embed: discord.Embed) -> int:
    """The characters Discord counts towards the 6,000 of a message: title, description, field names
    and values, footer text and author name."""
    total = len(embed.title or "") + len(embed.description or "")
    total += sum(len(field.name or "") + len(field.value or "") for field in embed.fields)
    total += len(embed.footer.text or "") + len(embed.author.name or "")
    return total


def fit(embed: discord.Embed) -> discord.Embed:
    """Clip every part of ``embed`` to its limit (in place, and returned); drop fields past 25; then, if
    the embed alone is over 6,000 characters, shorten its description and last fields until it fits."""
    if embed.title:
        embed.title = clip(embed.title, TITLE_MAX)
    if embed.description:
        embed.description = clip(embed.description, DESCRIPTION_MAX)
    fields = [(clip(f.name or "", FIELD_NAME_MAX), clip(f.value or "", FIELD_VALUE_MAX), bool(f.inline))
              for f in embed.fields[:FIELDS_MAX]]
    embed.clear_fields()
    for name, value, inline in fields:
        embed.add_field(name=name or "\u200b", value=value or "\u200b", inline=inline)
    if embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, FOOTER_MAX), icon_url=embed.footer.icon_url)
    if embed.author.name:
        embed.set_author(name=clip(embed.author.name, AUTHOR_MAX), url=embed.author.url,
                         icon_url=embed.author.icon_url)
    excess = embed_chars(embed) - EMBED_CHARS_PER_MESSAGE
    if excess > 0 and embed.description:
        embed.description = clip(embed.description, max(1, len(embed.description) - excess))
        excess = embed_chars(embed) - EMBED_CHARS_PER_MESSAGE
    while excess > 0 and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
        excess = embed_chars(embed) - EMBED_CHARS_PER_MESSAGE
    return embed


def pack(embeds: Iterable[discord.Embed]) -> list[list[discord.Embed]]:
    """Fitted embeds grouped, in order, into messages of at most 10 embeds and 6,000 characters."""
    messages: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    used = 0
    for embed in embeds:
        size = embed_chars(fit(embed))
        if current and (len(current) == EMBEDS_PER_MESSAGE or used + size > EMBED_CHARS_PER_MESSAGE):
            messages.append(current)
            current, used = [], 0
        current.append(embed)
        used += size
    if current:
        messages.append(current)
    return messages


def split_text(text: str, limit: int = CONTENT_MAX) -> list[str]:
    """Plain text in pieces of at most ``limit`` characters, cut at line ends where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.rstrip().splitlines():
        while len(line) > limit:  # a single over-long line: cut it hard
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        pieces.append(current)
    return pieces or ["\u200b"]
