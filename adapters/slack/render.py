"""Replies as Block Kit messages: digests, pair reports and text, always inside Slack's limits.

A digest is a header, a context line (window, story count, notes), then per story a section (the title
as a link, the summary, sources, countries as flags, topics, tone), a context line saying why it ranked,
and a divider. Headlines mode keeps one short section per story: number, linked title, source.

The renderer packs stories into as many messages as the limits need (``limits``: blocks, characters per
text, characters in all), shortening summaries and titles first; later parts say "continued". Every
message has a plain ``text`` fallback, and every string that came from outside the bot is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from adapters.slack.limits import (
    FALLBACK_TEXT,
    HEADER_TEXT,
    MAX_BLOCKS,
    MESSAGE_TEXT_BUDGET,
    SECTION_TEXT,
    Block,
    text_chars,
)
from adapters.slack.mrkdwn import escape, link, mention_user, plain, shorten
from bot.chat import Reply
from digests.compose import Digest, DigestItem
from digests.countries import country_name, flag
from digests.pair import PairReport
from digests.render import pair_headline, pair_summary_lines, source_names

SHARE_ACTION_ID = "share_to_channel"
SHARE_BUTTON_TEXT = "Share to channel"
TITLE_MAX = 250
SUMMARY_MAX = 700
META_MAX = 600
WHY_MAX = 300
TEXT_CHUNK = 2_900  # a section of a text reply, cut at a line end
COUNTRIES_SHOWN = 5
CONTEXT_NOTES = 8  # notes shown under a header (a context block takes 10 elements)
# Room kept free in every message for a "continued" line, a "shared by" line and the share button.
RESERVED_BLOCKS = 3
RESERVED_CHARS = 400


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One message: its blocks and the plain-text fallback Slack shows in notifications."""

    text: str
    blocks: list[Block]

    def arguments(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


@dataclass(slots=True)
class _Unit:
    """Blocks that stay together in one message (one story), and its line in the fallback text."""

    blocks: list[Block]
    fallback: str = ""
    story: bool = False
    head: bool = False
    chars: int = field(init=False)

    def __post_init__(self) -> None:
        self.chars = text_chars(self.blocks)


def render_reply(reply: Reply, *, share_value: str | None = None, shared_by: str | None = None,
                 max_messages: int | None = None) -> list[SlackMessage]:
    """The messages for ``reply``.

    ``share_value``: add a "Share to channel" button (to the last message) carrying this value.
    ``shared_by``: a user id credited in a "Shared by" line. ``max_messages``: at most this many
    messages (a response_url takes five posts); what does not fit is left out, saying so.
    """
    if reply.kind == "pair" and reply.pair is not None:
        title, head, units = _pair(reply.pair, reply, chart_note=share_value is not None and reply.chart is not None)
    elif reply.kind == "digest" and reply.digest is not None:
        title, head, units = _digest(reply.digest, reply)
    else:
        title, head, units = _text(reply)
    if shared_by:
        head.insert(1 if head and head[0]["type"] == "header" else 0,
                    _context(f"Shared by {mention_user(shared_by)}"))
    pages = _pack(head, units)
    left_out = 0
    if max_messages is not None and len(pages) > max_messages:
        left_out = sum(1 for page in pages[max_messages:] for unit in page if unit.story) or -1
        pages = pages[:max_messages]
    messages: list[SlackMessage] = []
    for number, page in enumerate(pages, start=1):
        blocks = [block for unit in page for block in unit.blocks]
        if number > 1:
            blocks.insert(0, _context(f"_{escape(plain(title, 200))} (continued, part {number} of {len(pages)})_"))
        while blocks and blocks[-1]["type"] == "divider":
            blocks.pop()
        if number == len(pages):
            if left_out:
                blocks.append(_context(f"{left_out} more stories did not fit in this reply." if left_out > 0
                                       else "The rest of this reply did not fit."))
            if share_value is not None:
                blocks.append(_share_button(share_value))
        heading = title if len(pages) == 1 else f"{title} ({number}/{len(pages)})"
        lines = [escape(heading), *(unit.fallback for unit in page if unit.fallback)]
        messages.append(SlackMessage(shorten("\n".join(lines), FALLBACK_TEXT), blocks))
    return messages


def _pack(head: list[Block], units: Sequence[_Unit]) -> list[list[_Unit]]:
    block_budget = MAX_BLOCKS - RESERVED_BLOCKS
    char_budget = MESSAGE_TEXT_BUDGET - RESERVED_CHARS
    pages: list[list[_Unit]] = [[_Unit(head, head=True)]] if head else [[]]
    blocks, chars = len(head), text_chars(head)
    for unit in units:
        fits = blocks + len(unit.blocks) <= block_budget and chars + unit.chars <= char_budget
        if not fits and any(not u.head for u in pages[-1]):
            pages.append([])
            blocks, chars = 0, 0
        pages[-1].append(unit)
        blocks += len(unit.blocks)
        chars += unit.chars
    return pages


# -- digests -------------------------------------------------------------------------------------


def _digest(digest: Digest, reply: Reply) -> tuple[str, list[Block], list[_Unit]]:
    count = len(digest.items)
    facts = [f"{_window(digest.since, digest.until)} · {count} {'story' if count == 1 else 'stories'}"]
    head: list[Block] = [_header(digest.title), _context(*facts, *(escape(n) for n in reply.notes[:CONTEXT_NOTES]))]
    if not digest.items:
        return digest.title, head, [_Unit([_section("Nothing new for this digest in the window.")],
                                          "Nothing new.")]
    if reply.headlines_only:
        units = [_headline(number, item) for number, item in enumerate(digest.items, start=1)]
    else:
        head.append(_divider())
        units = [_story(number, item) for number, item in enumerate(digest.items, start=1)]
    return digest.title, head, units


def _story(number: int, item: DigestItem) -> _Unit:
    article, analysis = item.story.article, item.story.analysis
    title = shorten(article.title.strip() or "(untitled)", TITLE_MAX)
    lines = [f"*{number}. {link(article.url, title)}*"]
    if analysis.summary:
        lines.append(shorten(escape(analysis.summary), SUMMARY_MAX))
    lines.append(shorten(_facts(item), META_MAX))
    text = "\n".join(lines)
    if len(text) > SECTION_TEXT:  # only a freakishly long URL gets here: keep the title, drop the link
        lines[0] = f"*{number}. {escape(title)}*"
        text = shorten("\n".join(lines), SECTION_TEXT)
    blocks = [_section(text)]
    if item.reasons:
        blocks.append(_context(shorten("Why: " + escape("; ".join(item.reasons)), WHY_MAX)))
    blocks.append(_divider())
    return _Unit(blocks, f"{number}. {escape(plain(title, 200))}", story=True)


def _headline(number: int, item: DigestItem) -> _Unit:
    article = item.story.article
    title = shorten(article.title.strip() or "(untitled)", TITLE_MAX)
    sources = source_names(item, limit=2)
    text = f"{number}. {link(article.url, title)}" + (f" — {escape(sources)}" if sources else "")
    if len(text) > SECTION_TEXT:
        text = shorten(f"{number}. {escape(title)}", SECTION_TEXT)
    return _Unit([_section(text)], f"{number}. {escape(plain(title, 200))}", story=True)


def _facts(item: DigestItem) -> str:
    analysis = item.story.analysis
    facts = []
    sources = source_names(item)
    if sources:
        facts.append(f"Sources: {escape(sources)}")
    if analysis.countries:
        facts.append(" ".join(_country(code) for code in analysis.countries[:COUNTRIES_SHOWN]))
    if analysis.topics:
        facts.append("Topics: " + escape(", ".join(analysis.topics[:3])))
    facts.append(f"Tone: {_tone(analysis.tone)}")
    return " · ".join(facts)


def _country(code: str) -> str:
    try:
        return f"{flag(code)} {escape(country_name(code))}"
    except ValueError:  # a code the gazetteer no longer knows: show it as it is
        return escape(code)


def _tone(tone: float | None) -> str:
    if tone is None:
        return "n/a"
    word = "positive" if tone > 0.1 else "negative" if tone < -0.1 else "neutral"
    return f"{tone:+.2f} ({word})"


def _window(since: datetime, until: datetime) -> str:
    return f"{since:%d %b %H:%M} – {until:%d %b %H:%M} UTC"


# -- pair reports --------------------------------------------------------------------------------


def _pair(report: PairReport, reply: Reply, *, chart_note: bool) -> tuple[str, list[Block], list[_Unit]]:
    title = pair_headline(report)
    head: list[Block] = [_header(title)]
    notes = [escape(note) for note in (*report.notes, *reply.notes)][:CONTEXT_NOTES]
    if notes:
        head.append(_context(*notes))
    head.append(_section("\n".join(escape(line) for line in pair_summary_lines(report))))
    if chart_note:
        head.append(_context("The chart of daily stories and tone is posted with the report when you share it."))
    if not report.items:
        return title, head, [_Unit([_section("No stories about both countries in this window.")],
                                   "No stories in this window.")]
    head.append(_divider())
    return title, head, [_story(number, item) for number, item in enumerate(report.items, start=1)]



# -- text ----------------------------------------------------------------------------------------


def _text(reply: Reply) -> tuple[str, list[Block], list[_Unit]]:
    body = escape(reply.text.strip() or "(no reply)")
    if reply.kind == "error":
        body = ":warning: " + body
    first_line = reply.text.strip().splitlines()[0] if reply.text.strip() else "newsbot"
    units = [_Unit([_section(chunk)]) for chunk in _chunks(body, TEXT_CHUNK)]
    # The fallback of a text reply is the text itself (its first line is the title), shortened.
    rest = body.split("\n", 1)[1] if "\n" in body else ""
    units[0].fallback = shorten(rest, FALLBACK_TEXT - 300) if rest.strip() else ""
    return plain(first_line, 150), [], units


def _chunks(text: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for line in text.splitlines():
        while len(line) > limit:  # one very long line: cut it at a word
            piece = shorten(line, limit)
            chunks.append(piece)
            line = line[len(piece.removesuffix("…")):].lstrip()
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current.strip():
        chunks.append(current)
    return [chunk if chunk.strip() else "-" for chunk in chunks] or ["-"]


# -- blocks --------------------------------------------------------------------------------------


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": plain(text, HEADER_TEXT), "emoji": True}}


def _section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _context(*mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": shorten(t, SECTION_TEXT)} for t in mrkdwn if t]}


def _divider() -> Block:
    return {"type": "divider"}


def _share_button(value: str) -> Block:
    return {"type": "actions", "elements": [{
        "type": "button", "action_id": SHARE_ACTION_ID, "value": value, "style": "primary",
        "text": {"type": "plain_text", "text": SHARE_BUTTON_TEXT},
    }]}
