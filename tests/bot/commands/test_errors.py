"""Error messages: safe echo of user text, suggestions."""

from __future__ import annotations

import pytest

from bot.commands.errors import UserError, closest, did_you_mean, is_unsafe, shown, unsafe_reason


def test_user_error_text_joins_message_and_hint() -> None:
    error = UserError("Unknown country.", "Use a two-letter code.")
    assert error.text == "Unknown country. Use a two-letter code."
    assert str(error) == error.text
    assert UserError("Just this.").text == "Just this."


@pytest.mark.parametrize(
    "text",
    [
        "<@U123>",
        "<@U123|bob>",
        "<!channel>",
        "<!here>",
        "<!subteam^S1>",
        "<#C123>",
        "<#C123|general>",
        "<https://x.example|y>",
        "<mailto:a@b.c|mail>",
        "<@123>",
        "<@!123>",
        "<@&123>",
        "<#123>",
        "<t:1700000000:R>",
        "<:party:123>",
        "<a:wave:123>",
        "</news:123>",
        "@everyone",
        "hi @here",
        "@Channel please",
        "@ everyone",
        "tab\x00null",
        "bell\x07",
        "esc\x1b[31m",
        "bidi\u202eevil",
        "isolate\u2066x",
        "del\x7f",
    ],
)
def test_mentions_markup_and_control_characters_are_unsafe(text: str) -> None:
    assert is_unsafe(text)
    assert shown(text) == "that value"


@pytest.mark.parametrize("text", ["south korea", "Côte d'Ivoire", "chip export", "a < b", "email me@x.org", "🇰🇷 news"])
def test_ordinary_text_is_safe(text: str) -> None:
    assert unsafe_reason(text) is None


def test_shown_quotes_collapses_whitespace_and_cuts_long_values() -> None:
    assert shown("atlantis") == '"atlantis"'
    assert shown("a\n  b") == '"a b"'
    long = shown("x" * 500)
    assert len(long) <= 42 and long.endswith('…"')
    assert "`" not in shown("`code`")


def test_closest_prefers_prefixes_then_close_spellings() -> None:
    assert closest("lat", ["pair", "latest", "digest"]) == ["latest"]
    assert closest("pari", ["pair", "latest", "digest"]) == ["pair"]
    assert closest("zzz", ["pair", "latest"]) == []
    assert closest("PAIR", ["pair"]) == ["pair"]


def test_did_you_mean() -> None:
    assert did_you_mean(["Austria", "Australia", "Austria"]) == " Did you mean: Austria, Australia?"
    assert did_you_mean([]) == ""
