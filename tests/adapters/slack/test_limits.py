from __future__ import annotations

from typing import Any

from adapters.slack.limits import message_problems, text_chars


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def test_a_message_within_the_limits_has_no_problems() -> None:
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 150}}
    blocks: list[dict[str, Any]] = [header, section("s" * 3000)]
    assert message_problems(blocks, "fallback") == []


def test_every_broken_limit_is_named() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "mrkdwn", "text": "h" * 151}},
        section("s" * 3001),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11},
        {"type": "context", "elements": []},
        {"type": "carousel"},
        *[{"type": "divider"}] * 46,
    ]
    problems = message_problems(blocks, "")

    joined = "\n".join(problems)
    for expected in ("no plain text fallback", "51 blocks", "block 0: text must be plain_text",
                     "block 0: text of 151", "block 1: text of 3001", "block 2: 11 fields",
                     "block 3: 0 context elements", "block 4: unexpected block type"):
        assert expected in joined


def test_the_total_text_budget_is_checked() -> None:
    blocks = [section("s" * 3000) for _ in range(5)]
    assert text_chars(blocks) == 15_000
    assert any("characters of block text" in p for p in message_problems(blocks, "t"))
