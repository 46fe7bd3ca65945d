"""The app manifest asks for exactly the scopes and events the adapter uses, and names its commands."""

from __future__ import annotations

from pathlib import Path

from adapters.slack import home, lifecycle
from adapters.slack.app import BOT_SCOPES

MANIFEST = Path(__file__).resolve().parents[3] / "adapters" / "slack" / "manifest.yml"


def list_under(key: str) -> list[str]:
    """The ``- item`` lines of the YAML list right under ``key:`` (the manifest's simple layout)."""
    lines = MANIFEST.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{key}:")
    items = []
    for line in lines[start + 1:]:
        if not line.strip().startswith("- "):
            break
        items.append(line.strip()[2:].strip())
    return items


def test_the_scopes_are_the_ones_the_adapter_uses() -> None:
    assert list_under("bot") == list(BOT_SCOPES)


def test_the_events_are_the_ones_the_adapter_listens_to() -> None:
    assert set(list_under("bot_events")) == set(home.EVENTS) | set(lifecycle.EVENTS)


def test_both_commands_interactivity_and_the_socket_mode_flag_are_there() -> None:
    text = MANIFEST.read_text(encoding="utf-8")

    assert "- command: /news\n" in text and "- command: /news-admin\n" in text
    assert "should_escape: false" in text
    assert "interactivity:\n    is_enabled: true" in text
    assert "socket_mode_enabled: false" in text
    assert "/slack/oauth_redirect" in text
    assert text.count("url: https://newsbot.example.com/slack/events") == 4  # commands, events, interactivity
