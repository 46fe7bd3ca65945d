"""Replies as Discord messages: digests and pair reports as embeds, text as plain content.

A digest is a header embed and one embed per story (or, in the compact layout and for headlines-only
digests, numbered lines in as few embeds as fit). Every embed is clipped to Discord's limits and the
embeds are packed into as many messages as needed, in order (see ``limits``). Article text is
escaped so that a headline can neither format the message nor mention anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import discord

from adapters.discord.config import DigestLayout
from adapters.discord.limits import (
    DESCRIPTION_MAX,
    FIELD_VALUE_MAX,
    URL_MAX,
    clip,
    fit,
    pack,
    split_text,
)
from bot.chat import Reply
from digests.compose import Digest, DigestItem
from digests.countries import country_name, flag
from digests.pair import PairReport
from digests.render import pair_headline, pair_summary_lines, source_names

CHART_FILENAME = "pair-chart.png"
NO_MENTIONS = discord.AllowedMentions.none()
POSITIVE, NEGATIVE, NEUTRAL = discord.Colour(0x2E7D32), discord.Colour(0xC62828), discord.Colour(0x546E7A)
HEADER_COLOUR = discord.Colour(0x3B5BDB)
TONE_BAND = 0.15  # |tone| below this reads as neutral

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_MARKUP_START = re.compile(r"<(?=[@#:&!/a-zA-Z])")  # <@id>, <#id>, <t:…>, <a:emoji:…> and the like
_LINK_TEXT = str.maketrans({"[": "(", "]": ")"})


@dataclass(frozen=True, slots=True)
class Attachment:
    """A local file sent with a message (the pair chart); ``description`` is its alt text."""

    path: Path
    filename: str
    description: str = ""

    def as_file(self) -> discord.File:
        """A new ``discord.File`` each time: discord.py closes a file once it has been sent."""
        return discord.File(self.path, filename=self.filename, description=self.description or None)


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One Discord message: text content and/or up to 10 embeds, and at most one attachment."""

    content: str | None = None
    embeds: tuple[discord.Embed, ...] = ()
    attachments: tuple[Attachment, ...] = field(default=())

    def files(self) -> list[discord.File]:
        return [attachment.as_file() for attachment in self.attachments]

    def send_kwargs(self, **extra: Any) -> dict[str, Any]:
        """Keyword arguments for ``send``/``send_message``: only the parts present, mentions always off."""
        options: dict[str, Any] = {**extra, "allowed_mentions": NO_MENTIONS}
        if self.content:
            options["content"] = self.content
        if self.embeds:
            options["embeds"] = list(self.embeds)
        files = self.files()
        if files:
            options["files"] = files
        return options


# -- text safety ----------------------------------------------------------------------------------------


def plain(text: str) -> str:
    """Untrusted text (headlines, summaries, source names) made inert: markdown escaped, mentions and
    ``<…>`` markup broken with a zero-width space, control and direction characters removed."""
    cleaned = _CONTROL.sub("", text)
    escaped = discord.utils.escape_markdown(cleaned, ignore_links=False)
    escaped = discord.utils.escape_mentions(escaped)
    return _MARKUP_START.sub("<\u200b", escaped)


def unformatted(text: str) -> str:
    """Text for places Discord shows without markdown (author, footer): only control characters go."""
    return _CONTROL.sub("", text).strip()


def safe_url(url: str | None) -> str | None:
    """``url`` when Discord will accept it as a link (http or https, a host, no spaces), else None."""
    if not url or len(url) > URL_MAX or any(char.isspace() for char in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def link(text: str, url: str | None) -> str:
    """A masked link ``[text](url)`` with ``text`` made inert, or just the text without a usable URL."""
    shown = plain(text).translate(_LINK_TEXT)
    target = safe_url(url)
    if target is None:
        return shown
    return f"[{shown}]({target.replace('(', '%28').replace(')', '%29')})"


# -- small pieces ---------------------------------------------------------------------------------------


def flagged(code: str) -> str:
    """``"KR"`` -> ``"🇰🇷 South Korea"``; an unknown code is shown as it is."""
    try:
        return f"{flag(code)} {country_name(code)}"
    except ValueError:
        return plain(code)


def flags(codes: tuple[str, ...] | list[str]) -> str:
    shown: list[str] = []
    for code in codes:
        try:
            shown.append(flag(code))
        except ValueError:
            continue
    return "".join(shown)


def tone_text(tone: float | None) -> str:
    if tone is None:
        return "n/a"
    word = "positive" if tone >= TONE_BAND else "negative" if tone <= -TONE_BAND else "neutral"
    return f"{tone:+.2f} ({word})"


def tone_colour(tone: float | None) -> discord.Colour:
    if tone is None:
        return NEUTRAL
    return POSITIVE if tone >= TONE_BAND else NEGATIVE if tone <= -TONE_BAND else NEUTRAL


def when(moment_seconds: float, style: str = "f") -> str:
    """A Discord timestamp, shown in each reader's own time zone."""
    return f"<t:{int(moment_seconds)}:{style}>"


def sources_value(item: DigestItem, limit: int = 4) -> str:
    """The sources as links, each named once: ``[Reuters](…), [AP](…) +2 more``."""
    seen: dict[str, str | None] = {}
    for source in item.story.sources:
        seen.setdefault(source.name, source.url)
    names = list(seen.items())
    shown = ", ".join(link(name, url) for name, url in names[:limit])
    if len(names) > limit:
        shown += f" +{len(names) - limit} more"
    return clip(shown, FIELD_VALUE_MAX)


# -- embeds ---------------------------------------------------------------------------------------------


def story_embed(number: int, item: DigestItem, *, summary: bool = True) -> discord.Embed:
    """One story: linked title, summary, sources, countries, topics, tone, and why it ranked."""
    article, analysis = item.story.article, item.story.analysis
    embed = discord.Embed(title=f"{number}. {plain(article.title)}", url=safe_url(article.url),
                          colour=tone_colour(analysis.tone), timestamp=article.published_at)
    if summary and analysis.summary:
        embed.description = plain(analysis.summary)
    embed.set_author(name=unformatted(source_names(item)) or "newsbot")
    if item.story.sources:
        embed.add_field(name="Sources", value=sources_value(item), inline=False)
    if analysis.countries:
        embed.add_field(name="Countries", value=", ".join(flagged(c) for c in analysis.countries[:6]))
    if analysis.topics:
        embed.add_field(name="Topics", value=plain(", ".join(analysis.topics[:4])))
    embed.add_field(name="Tone", value=tone_text(analysis.tone))
    if item.reasons:
        embed.set_footer(text=unformatted("Why it's here: " + "; ".join(item.reasons)))
    return embed


def compact_lines(items: tuple[DigestItem, ...], start: int = 1) -> list[str]:
    """One line per story: ``**1.** [title](url) — sources 🇰🇷🇯🇵``."""
    lines = []
    for number, item in enumerate(items, start=start):
        article = item.story.article
        sources = plain(source_names(item, limit=2))
        marks = flags(list(item.story.analysis.countries[:4]))
        lines.append(f"**{number}.** {link(article.title, article.url)} — {sources} {marks}".rstrip())
    return lines


def compact_embeds(items: tuple[DigestItem, ...]) -> list[discord.Embed]:
    """The numbered lines in as few embeds as fit, each description at most 4,096 characters."""
    embeds: list[discord.Embed] = []
    current: list[str] = []
    for line in compact_lines(items):
        line = clip(line, DESCRIPTION_MAX)
        if current and len("\n".join([*current, line])) > DESCRIPTION_MAX:
            embeds.append(discord.Embed(description="\n".join(current), colour=HEADER_COLOUR))
            current = []
        current.append(line)
    if current:
        embeds.append(discord.Embed(description="\n".join(current), colour=HEADER_COLOUR))
    return embeds


def digest_header(digest: Digest, notes: tuple[str, ...] = ()) -> discord.Embed:
    count = len(digest.items)
    lines = [plain(note) for note in notes]
    window = f"{when(digest.since.timestamp())} – {when(digest.until.timestamp())}"
    if count:
        lines.append(f"{count} {'story' if count == 1 else 'stories'} · {window}")
    else:
        lines.append(f"Nothing new for this digest in the window ({window}).")
    return discord.Embed(title=plain(digest.title), description="\n".join(lines), colour=HEADER_COLOUR)


def digest_messages(digest: Digest, *, compact: bool = False, summaries: bool = True,
                    notes: tuple[str, ...] = (), header_alone: bool = False) -> list[OutgoingMessage]:
    """A digest as messages, in order: the header and the stories, packed inside Discord's limits.

    ``header_alone`` puts the header in a message of its own (the start of a thread per digest).
    """
    header = digest_header(digest, notes)
    if compact:
        stories = compact_embeds(digest.items)
    else:
        stories = [story_embed(n, item, summary=summaries) for n, item in enumerate(digest.items, start=1)]
    groups = [[fit(header)], *pack(stories)] if header_alone and stories else pack([header, *stories])
    return [OutgoingMessage(embeds=tuple(group)) for group in groups]


def pair_header(report: PairReport) -> discord.Embed:
    first, second = report.countries
    title = f"{flags([first])} {flags([second])} {pair_headline(report)}".strip()
    lines = [plain(note) for note in report.notes] + [plain(line) for line in pair_summary_lines(report)]
    if not report.items:
        lines.append("No stories about both countries in this window.")
    return discord.Embed(title=title, description="\n".join(lines), colour=tone_colour(report.tone))


def pair_messages(report: PairReport, *, chart: Path | None = None, chart_alt: str = "") -> list[OutgoingMessage]:
    """A pair report: its summary embed (with the chart as an attached image) and its top stories."""
    header = pair_header(report)
    attachments: tuple[Attachment, ...] = ()
    if chart is not None and chart.is_file():
        attachments = (Attachment(chart, CHART_FILENAME, clip(chart_alt, 1024)),)
        header.set_image(url=f"attachment://{CHART_FILENAME}")
    embeds = [header] + [story_embed(n, item) for n, item in enumerate(report.items, start=1)]
    groups = pack(embeds)
    return [OutgoingMessage(embeds=tuple(group), attachments=attachments if index == 0 else ())
            for index, group in enumerate(groups)]


def text_messages(text: str) -> list[OutgoingMessage]:
    """The bot's own text (help, confirmations, errors) as plain content, split at 2,000 characters."""
    return [OutgoingMessage(content=piece) for piece in split_text(_CONTROL.sub("", text))]


def render_reply(reply: Reply, *, layout: DigestLayout = "embeds",
                 header_alone: bool = False) -> list[OutgoingMessage]:
    """Any ``Reply`` as the messages to send, in order (never empty)."""
    if reply.kind == "digest" and reply.digest is not None:
        compact = layout == "compact" or reply.headlines_only
        return digest_messages(reply.digest, compact=compact, summaries=not reply.headlines_only,
                               notes=reply.notes, header_alone=header_alone)
    if reply.kind == "pair" and reply.pair is not None:
        return pair_messages(reply.pair, chart=reply.chart, chart_alt=reply.chart_alt)
    return text_messages(reply.text)
