"""The Block Kit renderer keeps every message inside Slack's limits, splits long digests, shortens long
texts, escapes what came from outside, and always gives a plain-text fallback."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from adapters.slack.limits import MAX_BLOCKS, MESSAGE_TEXT_BUDGET, SECTION_TEXT, message_problems, text_chars
from adapters.slack.render import SHARE_ACTION_ID, SlackMessage, render_reply
from bot.chat import Reply
from tests.adapters.slack import stories
from tests.fakes.slack.blocks import DEFAULT_MAX_BLOCK_TEXT_TOTAL, message_block_problems


def digest_reply(count: int, **options: object) -> Reply:
    return Reply("digest", "text", digest=stories.digest(count, **options))


def assert_valid(messages: Sequence[SlackMessage]) -> None:
    for message in messages:
        assert message_problems(message.blocks, message.text) == []
        assert message_block_problems(message.blocks) == []  # the fake's independent reading of the rules
        assert text_chars(message.blocks) <= DEFAULT_MAX_BLOCK_TEXT_TOTAL


def test_a_60_story_digest_is_split_into_valid_messages_keeping_every_story() -> None:
    messages = render_reply(digest_reply(60))

    assert len(messages) > 1
    assert_valid(messages)
    assert all(len(m.blocks) <= MAX_BLOCKS for m in messages)
    every = json.dumps([m.blocks for m in messages])
    assert all(f"Story number {n} about" in every for n in range(1, 61))
    assert messages[0].blocks[0]["type"] == "header"
    assert "continued, part 2 of" in json.dumps(messages[1].blocks[0])
    assert messages[1].text.startswith("Daily digest: 60 stories (2/")


def test_long_summaries_and_titles_are_shortened_to_fit() -> None:
    messages = render_reply(digest_reply(12, summary="Leaders met. " * 2_000, title="Summit " * 400))

    assert_valid(messages)
    sections = [b for m in messages for b in m.blocks if b["type"] == "section"]
    assert all(len(s["text"]["text"]) <= SECTION_TEXT for s in sections)
    assert all("…" in s["text"]["text"] for s in sections)
    assert all(text_chars(m.blocks) <= MESSAGE_TEXT_BUDGET for m in messages)


def test_a_title_with_a_mention_is_escaped_everywhere() -> None:
    reply = digest_reply(1, title="Breaking <@U1> <!channel> & more")
    [message] = render_reply(reply)

    shown = json.dumps(message.blocks) + message.text
    assert "<@U1>" not in shown and "<!channel>" not in shown
    assert "&lt;@U1&gt; &lt;!channel&gt; &amp; more" in shown


def test_a_story_links_its_title_and_shows_flags_topics_tone_and_why() -> None:
    [message] = render_reply(digest_reply(1))

    story = next(b for b in message.blocks if b["type"] == "section")["text"]["text"]
    assert "<https://news.example.com/story/1|Story number 1 about the summit>" in story
    assert "🇰🇷 South Korea" in story and "🇯🇵 Japan" in story
    assert "Topics: diplomacy, politics" in story and "Tone: +0.25 (positive)" in story
    assert "Outlet 0, Outlet 1" in story
    why = [b for b in message.blocks if b["type"] == "context"][-1]["elements"][0]["text"]
    assert why.startswith("Why: KR and JP in the headline")


def test_a_story_without_a_url_shows_its_title_unlinked() -> None:
    [message] = render_reply(digest_reply(1, url=None))

    story = next(b for b in message.blocks if b["type"] == "section")["text"]["text"]
    assert "*1. Story number 1 about the summit*" in story


def test_headlines_mode_shows_titles_and_links_only() -> None:
    reply = Reply("digest", "text", digest=stories.digest(30), headlines_only=True)
    messages = render_reply(reply)

    assert_valid(messages)
    text = json.dumps([m.blocks for m in messages])
    assert "Leaders met" not in text and "Why:" not in text
    assert "<https://news.example.com/story/30|Story number 30 about the summit>" in text


def test_the_share_button_goes_on_the_last_message_only() -> None:
    messages = render_reply(digest_reply(60), share_value='{"root":"news","text":"digest"}')

    kinds = [[b["type"] for b in m.blocks] for m in messages]
    assert "actions" in kinds[-1] and all("actions" not in k for k in kinds[:-1])
    assert messages[-1].blocks[-1]["elements"][0]["action_id"] == SHARE_ACTION_ID
    assert_valid(messages)


def test_max_messages_leaves_out_the_rest_and_says_so() -> None:
    messages = render_reply(digest_reply(60), max_messages=1)

    [message] = messages
    assert "more stories did not fit" in json.dumps(message.blocks)
    assert_valid(messages)


def test_a_pair_report_has_its_summary_lines_stories_and_a_chart_note_when_shareable() -> None:
    reply = Reply("pair", "text", pair=stories.pair(3), chart=None)
    [plain_message] = render_reply(reply)
    with_chart = Reply("pair", "text", pair=stories.pair(3), chart=Path("chart.png"), chart_alt="alt")
    [shareable] = render_reply(with_chart, share_value="{}")

    text = json.dumps(plain_message.blocks, ensure_ascii=False)
    assert plain_message.blocks[0]["text"]["text"] == "South Korea – Japan: the latest"
    assert "Stories: 3 in the last 7 days" in text and "Story number 3" in text
    assert "chart" not in text
    assert "chart" in json.dumps(shareable.blocks)
    assert_valid([plain_message, shareable])


def test_an_empty_digest_says_nothing_new() -> None:
    [message] = render_reply(digest_reply(0))

    assert "Nothing new" in json.dumps(message.blocks)
    assert_valid([message])


def test_a_long_text_reply_is_split_into_sections_and_escaped() -> None:
    text = "\n".join(f"line {n} <@U{n}> " + "word " * 30 for n in range(400))
    messages = render_reply(Reply("text", text))

    assert_valid(messages)
    joined = json.dumps([m.blocks for m in messages])
    assert "<@U" not in joined
    assert "line 399" in joined


def test_an_error_reply_is_marked_and_has_a_fallback() -> None:
    [message] = render_reply(Reply("error", "Unknown country “atlantis”. Try a name."))

    assert message.blocks[0]["text"]["text"].startswith(":warning: Unknown country")
    assert message.text.startswith("Unknown country")
