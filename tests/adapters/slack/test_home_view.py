from __future__ import annotations

import json
from datetime import UTC, datetime, time

from adapters.slack.home_view import CHANNELS_SHOWN, EDIT_ACTION_ID, NEW_ACTION_ID, home_view
from bot.chat import ChannelRef
from bot.commands.schedule import Schedule
from bot.store.feeds import FeedState
from bot.subscriptions import Subscription
from digests.model import Query
from tests.fakes.slack.blocks import view_problems

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def subscription(number: int, **changes: object) -> Subscription:
    values: dict[str, object] = {"id": number, "channel": ChannelRef("slack", "T1", f"C{number:08d}"),
                                 "query": Query(text="<!channel> chips")}
    return Subscription(**(values | changes))  # type: ignore[arg-type]  # test values


def feed(url: str, failures: int = 0, disabled: bool = False) -> FeedState:
    return FeedState(url, None, "Pub <x>", None, NOW, None, None, None, NOW, "timeout" if failures else None,
                     failures, None, disabled, None, None)


def buttons(view: dict[str, object]) -> list[str]:
    text = json.dumps(view)
    return [action for action in (NEW_ACTION_ID, EDIT_ACTION_ID) if action in text]


def test_admin_and_member_views() -> None:
    subs = [subscription(1, schedule=Schedule(frozenset({0}), time(8, 0), "UTC")),
            subscription(2, paused=True, paused_reason="the channel was archived")]
    feeds = [feed("https://a/rss"), feed("https://b/rss", failures=3), feed("https://c/rss", disabled=True)]

    admin = home_view(subs, feeds, is_admin=True)
    member = home_view(subs, feeds, is_admin=False)

    assert view_problems(admin) == [] and view_problems(member) == []
    assert buttons(admin) == [NEW_ACTION_ID, EDIT_ACTION_ID] and buttons(member) == []
    text = json.dumps(member, ensure_ascii=False)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "mon at 08:00 UTC" in text and "Paused*: the channel was archived" in text
    assert "3 — 1 healthy, 1 failing, 1 disabled" in text


def test_many_channels_fit_in_one_view() -> None:
    view = home_view([subscription(n) for n in range(200)], [], is_admin=True)

    assert view_problems(view) == []
    assert f"and {200 - CHANNELS_SHOWN} more channels" in json.dumps(view)


def test_a_departing_workspace_is_told_when_its_data_goes() -> None:
    view = home_view([], [], is_admin=False, leaving_after=NOW)

    assert "2026-11-29" in json.dumps(view)
