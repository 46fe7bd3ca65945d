"""The App Home and the channel digest modal, end to end over HTTP: admins get edit buttons and a modal
whose mistakes show under the fields; members see the same facts read-only."""

from __future__ import annotations

import json
from typing import Any

from bot.chat import ChannelRef
from tests.adapters.slack.conftest import Bot, RunBot
from tests.fakes.slack import FakeSlack, payloads
from tests.fakes.slack.blocks import view_problems

NEWS = ChannelRef("slack", "T0A000001", "C0ANEWS01")


async def _open_home(bot: Bot, fake: FakeSlack, user: str) -> dict[str, Any]:
    user_id = fake.team().user_named(user).id
    published = len(fake.calls("views.publish"))
    await bot.deliver(fake.event_request(payloads.app_home_opened_event(user=user_id, channel=f"D{user_id}")))
    await fake.wait_for_calls("views.publish", published + 1)
    view = fake.home_view(user)
    assert view is not None
    return view


def _buttons(view: dict[str, Any]) -> list[str]:
    found = [b["accessory"]["action_id"] for b in view["blocks"] if "accessory" in b]
    for block in view["blocks"]:
        if block["type"] == "actions":
            found += [e["action_id"] for e in block["elements"]]
    return found


async def _subscribed(bot: Bot, fake: FakeSlack) -> None:
    await bot.deliver(fake.slash_command_request("/news-admin", "subscribe countries=KR,JP", user="admin"))
    await fake.wait_for_responses(1)


async def test_admins_get_edit_buttons_and_members_a_read_only_home(run_bot: RunBot, fake: FakeSlack) -> None:
    async with run_bot() as bot:
        await _subscribed(bot, fake)
        await bot.store.config.set_paused(NEWS, True, reason="the channel was archived",
                                          now=bot.adapter.context.clock())
        admin_view = await _open_home(bot, fake, "admin")
        member_view = await _open_home(bot, fake, "member")

    assert view_problems({**admin_view, "type": "home"}) == []
    assert set(_buttons(admin_view)) == {"home_new_channel_digest", "home_edit_channel_digest"}
    assert _buttons(member_view) == []
    for view in (admin_view, member_view):
        text = json.dumps(view["blocks"], ensure_ascii=False)
        assert "<#C0ANEWS01>" in text
        assert "Paused" in text and "archived" in text
        assert "Feeds" in text


async def _open_modal(bot: Bot, fake: FakeSlack, user: str) -> None:
    view = await _open_home(bot, fake, "admin")
    edit = next(b["accessory"] for b in view["blocks"] if "accessory" in b)
    click = fake.block_actions([{**edit, "block_id": "home", "action_ts": "1.1"}], user=user)
    await bot.deliver(fake.interactive_request(click))


async def test_the_edit_button_opens_the_modal_with_the_current_settings(run_bot: RunBot, fake: FakeSlack) -> None:
    async with run_bot() as bot:
        await _subscribed(bot, fake)
        await _open_modal(bot, fake, "admin")
        [opened] = await fake.wait_for_calls("views.open", 1)

    assert opened.ok
    modal = next(v for v in fake.views() if v["type"] == "modal")
    countries = next(b for b in modal["blocks"] if b.get("block_id") == "countries")
    assert countries["element"]["initial_value"] == "JP,KR"
    assert json.loads(modal["private_metadata"]) == {"channel": "C0ANEWS01"}


def _values(**fields: str) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {name: {"value": {"type": "plain_text_input", "value": value}}
                                         for name, value in fields.items()}
    values["mode"] = {"value": {"type": "static_select", "selected_option": {"value": "headlines"}}}
    return values


async def test_a_submission_with_a_bad_time_zone_shows_the_error_and_saves_nothing(run_bot: RunBot,
                                                                                   fake: FakeSlack) -> None:
    submission = fake.view_submission(
        "newsbot_channel_digest", _values(countries="KR,JP", days="weekdays", time="08:00", timezone="Mars/Olympus"),
        user="admin", private_metadata=json.dumps({"channel": "C0ANEWS01"}))
    async with run_bot() as bot:
        answer = await bot.deliver(fake.interactive_request(submission))
        stored = await bot.store.config.get_subscription(NEWS)

    assert answer.status == 200
    body = answer.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"timezone"}
    assert stored is None


async def test_a_valid_submission_saves_query_and_schedule_through_the_dispatcher(run_bot: RunBot,
                                                                                  fake: FakeSlack) -> None:
    submission = fake.view_submission(
        "newsbot_channel_digest",
        _values(countries="south korea, japan", terms="chip export", items="5", days="weekdays", time="08:00",
                timezone="Asia/Seoul"),
        user="admin", private_metadata=json.dumps({"channel": "C0ANEWS01"}))
    async with run_bot() as bot:
        answer = await bot.deliver(fake.interactive_request(submission))
        await fake.wait_for_calls("views.publish", 1)
        stored = await bot.store.config.get_subscription(NEWS)

    assert answer.status == 200 and answer.body == ""
    assert stored is not None
    assert stored.query.countries == frozenset({"KR", "JP"}) and stored.items == 5
    assert stored.mode.value == "headlines"
    assert stored.schedule is not None and stored.schedule.timezone == "Asia/Seoul"


async def test_a_members_submission_is_refused_by_the_dispatcher(run_bot: RunBot, fake: FakeSlack) -> None:
    submission = fake.view_submission("newsbot_channel_digest", _values(countries="KR"), user="member",
                                      private_metadata=json.dumps({"channel": "C0ANEWS01"}))
    async with run_bot() as bot:
        answer = await bot.deliver(fake.interactive_request(submission))
        stored = await bot.store.config.get_subscription(NEWS)

    assert "admin" in answer.json()["errors"]["countries"]
    assert stored is None


async def test_a_member_clicking_a_stale_edit_button_gets_no_modal(run_bot: RunBot, fake: FakeSlack) -> None:
    async with run_bot() as bot:
        await _subscribed(bot, fake)
        await _open_modal(bot, fake, "member")
        await fake.wait_for_calls("views.publish", 2)  # the admin's home, then the member's read-only one

    assert fake.calls("views.open") == []
