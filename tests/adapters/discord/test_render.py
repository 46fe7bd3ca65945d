"""Digests and pair reports as embeds: what each story shows, escaping, layouts and splitting."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.discord.limits import embed_chars
from adapters.discord.render import (
    CHART_FILENAME,
    digest_messages,
    link,
    pair_messages,
    plain,
    render_reply,
    safe_url,
    story_embed,
)
from bot.chat import Reply
from digests.compose import Digest
from digests.model import Query
from digests.pair import PairReport
from tests.adapters.discord.support import long_digest, story_item


def test_a_story_embed_shows_link_summary_sources_countries_topics_tone_and_reasons() -> None:
    embed = story_embed(1, story_item(1))
    assert embed.title == "1. Story number 1 about the summit"
    assert embed.url == "https://news.example/1"
    assert embed.description is not None and embed.description.startswith("Sentence 1 of the summary")
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Sources"] == "[Example](https://news.example/1), [Wire](https://wire.example/1)"
    assert fields["Countries"] == "🇰🇷 South Korea, 🇯🇵 Japan"
    assert fields["Topics"] == "diplomacy, politics"
    assert fields["Tone"] == "+0.20 (positive)"
    assert embed.footer.text == "Why it's here: about South Korea and Japan; topic: diplomacy"
    assert embed.author.name == "Example, Wire"
    assert embed.timestamp is not None


def test_headlines_cannot_mention_or_format() -> None:
    item = story_item(1, title="@everyone *breaking* <@123456789012345678> __now__ [click](https://evil.example)")
    title = story_embed(1, item).title or ""
    assert "@everyone" not in title and "@\u200beveryone" in title
    assert "<@1234" not in title
    assert "\\*breaking\\*" in title and "\\_\\_now\\_\\_" in title
    assert " \\[click](" in title  # an escaped bracket: a masked link in a headline stays text


def test_plain_removes_direction_and_control_characters() -> None:
    assert plain("a\u202eb\x07c") == "abc"


def test_only_http_links_are_used() -> None:
    assert safe_url("https://example.com/a b") is None
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("ftp://example.com/x") is None
    assert safe_url("https://example.com/x") == "https://example.com/x"
    assert link("Name [x]", "https://e.example/a(b)") == "[Name (x)](https://e.example/a%28b%29)"
    assert link("Name", None) == "Name"


def test_a_digest_starts_with_its_header_and_numbers_its_stories() -> None:
    [message] = digest_messages(long_digest(3))
    titles = [e.title for e in message.embeds]
    assert titles[0] == "Morning digest: South Korea, Japan"
    assert titles[1:] == [f"{n}. Story number {n} about the summit" for n in (1, 2, 3)]
    assert "3 stories" in (message.embeds[0].description or "")


def test_an_over_long_digest_is_split_in_order_within_limits() -> None:
    messages = digest_messages(long_digest(40, summary_chars=1500))
    assert len(messages) > 4
    numbers = [int((e.title or "").split(".")[0]) for m in messages for e in m.embeds[:] if e.title
               and e.title[0].isdigit()]
    assert numbers == list(range(1, 41))
    for message in messages:
        assert len(message.embeds) <= 10
        assert sum(embed_chars(e) for e in message.embeds) <= 6000


def test_compact_layout_lists_stories_as_numbered_links() -> None:
    messages = digest_messages(long_digest(30), compact=True)
    text = "\n".join(e.description or "" for m in messages for e in m.embeds[1:])
    assert text.splitlines()[0].startswith("**1.** [Story number 1 about the summit](https://news.example/1)")
    assert len(text.splitlines()) == 30
    assert "Sentence" not in text  # no summaries


def test_headlines_only_replies_use_the_compact_list() -> None:
    digest = long_digest(2)
    reply = Reply("digest", "text", digest=digest, headlines_only=True)
    [message] = render_reply(reply)
    assert all("Sentence" not in (e.description or "") for e in message.embeds)
    assert (message.embeds[1].description or "").count("**") == 4


def test_an_empty_digest_says_nothing_new() -> None:
    empty = replace(long_digest(1), items=())
    [message] = digest_messages(empty)
    assert "Nothing new" in (message.embeds[0].description or "")


def test_header_alone_puts_the_header_in_its_own_message() -> None:
    messages = digest_messages(long_digest(3), header_alone=True)
    assert [len(m.embeds) for m in messages] == [1, 3]


def _pair_report() -> PairReport:
    until = datetime(2025, 8, 23, tzinfo=UTC)
    return PairReport(countries=("KR", "JP"), since=until - timedelta(days=7), until=until, count=1,
                      count_before=0, tone=0.21, tone_before=None, topics=(("diplomacy", 1),),
                      items=(story_item(1),), daily=(), notes=('"Korea" was taken as South Korea',))


def test_a_pair_report_shows_its_summary_and_chart_then_its_stories(tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n")
    [message] = pair_messages(_pair_report(), chart=chart, chart_alt="Stories per day")
    header, story = message.embeds
    assert header.title == "🇰🇷 🇯🇵 South Korea – Japan: the latest"
    assert "Stories: 1 in the last 7 days" in (header.description or "")
    assert "taken as South Korea" in (header.description or "")
    assert header.image.url == f"attachment://{CHART_FILENAME}"
    assert story.title == "1. Story number 1 about the summit"
    [file] = message.files()
    assert file.filename == CHART_FILENAME and file.description == "Stories per day"


def test_a_pair_report_without_its_chart_file_has_no_image(tmp_path: Path) -> None:
    [message] = pair_messages(_pair_report(), chart=tmp_path / "missing.png")
    assert message.attachments == () and message.embeds[0].image.url is None


def test_text_replies_are_plain_content_split_at_2000() -> None:
    messages = render_reply(Reply("text", "\n".join("• line " + "x" * 80 for _ in range(50))))
    assert len(messages) == 3 and all(m.embeds == () and len(m.content or "") <= 2000 for m in messages)


def test_a_digest_reply_without_a_digest_falls_back_to_its_text() -> None:
    [message] = render_reply(Reply("digest", "Nothing new since the last digest.", digest=None))
    assert message.content == "Nothing new since the last digest."


def test_a_query_only_digest_renders_without_items() -> None:
    digest = Digest(title="t", items=(), since=datetime(2025, 1, 1, tzinfo=UTC),
                    until=datetime(2025, 1, 2, tzinfo=UTC), query=Query())
    assert len(digest_messages(digest, compact=True)) == 1
