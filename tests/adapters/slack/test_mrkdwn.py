from __future__ import annotations

import pytest

from adapters.slack.mrkdwn import escape, link, mention_channel, mention_user, plain, safe_url, shorten


def test_escape_turns_markup_into_entities() -> None:
    assert escape("<!here> & <@U1>") == "&lt;!here&gt; &amp; &lt;@U1&gt;"


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.com/a?b=1&c=2", "https://example.com/a?b=1&c=2"),
    ("https://example.com/a b|c>d", "https://example.com/a%20b%7Cc%3Ed"),
    ("javascript:alert(1)", None),
    ("ftp://example.com/x", None),
    ("", None),
    (None, None),
])
def test_safe_url_keeps_http_links_and_encodes_what_would_break_them(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_link_escapes_the_label_and_drops_an_unusable_url() -> None:
    assert link("https://x.example/1", "A <b> & c") == "<https://x.example/1|A &lt;b&gt; &amp; c>"
    assert link("javascript:alert(1)", "<@U1>") == "&lt;@U1&gt;"


def test_mentions_are_made_only_from_slack_ids() -> None:
    assert mention_user("U0ABC123") == "<@U0ABC123>"
    assert mention_user("U1> <!channel") == "U1&gt; &lt;!channel"
    assert mention_channel("C0ANEWS01") == "<#C0ANEWS01>"


def test_shorten_prefers_a_sentence_end_then_a_word_end() -> None:
    text = "First sentence here. Second sentence is rather longer than the first one."
    assert shorten(text, 30) == "First sentence here."
    assert shorten(text, 40) == "First sentence here. Second sentence…"
    assert shorten("word " * 20, 23).endswith("…") and len(shorten("word " * 20, 23)) <= 23
    assert shorten("short", 10) == "short"


def test_shorten_never_cuts_an_entity_in_half() -> None:
    escaped = escape("a" * 30 + "&&&&&&&&")
    for limit in range(30, 45):
        cut = shorten(escaped, limit)
        assert len(cut) <= limit
        assert not cut.removesuffix("…").endswith(("&", "&a", "&am", "&amp"))


def test_plain_is_one_line_and_never_empty() -> None:
    assert plain("a\nb   c", 10) == "a b c"
    assert plain("   ", 10) == "-"
