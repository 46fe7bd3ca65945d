"""The digest modal's fields become the same command text the slash commands take, and each field's
mistake is reported under that field, in the grammar's own words."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

from adapters.slack.settings_form import SettingsForm, form_commands, form_errors, read_form, settings_modal
from bot.chat import ChannelRef
from bot.commands.parse import parse_command
from bot.commands.results import ScheduleCommand, SubscribeCommand
from bot.commands.schedule import Schedule
from bot.commands.values import DigestMode
from bot.subscriptions import Subscription
from digests.model import Query
from tests.fakes.slack.blocks import view_problems


def form(**values: str) -> SettingsForm:
    return SettingsForm("C0ANEWS01", values, "full")


def test_a_good_form_becomes_subscribe_and_schedule_commands_that_parse() -> None:
    filled = form(countries="south korea, japan", terms='chip export, "quoted" words', items="5", days="weekdays",
                  time="08:00", timezone="Asia/Seoul")

    assert form_errors(filled) == {}
    commands = form_commands(filled)
    parsed = [parse_command(root, text) for root, text, _ in commands]
    assert isinstance(parsed[0], SubscribeCommand) and isinstance(parsed[1], ScheduleCommand)
    assert {c.code for c in parsed[0].countries} == {"KR", "JP"}
    assert parsed[0].terms == ("chip export", '"quoted" words') and parsed[0].items == 5
    assert parsed[1].schedule.timezone == "Asia/Seoul"


def test_each_mistake_is_shown_under_its_field() -> None:
    errors = form_errors(form(countries="atlantis", topics="knitting", items="99", days="someday", time="25:00",
                              timezone="Mars/Olympus"))

    assert set(errors) == {"countries", "topics", "days", "time", "timezone"}  # items waits for a valid query
    assert "atlantis" in errors["countries"].lower()


def test_items_are_checked_beside_a_valid_query() -> None:
    assert set(form_errors(form(countries="KR", items="99"))) == {"items"}


def test_a_query_is_required_and_the_schedule_comes_whole() -> None:
    errors = form_errors(form(days="daily"))

    assert set(errors) == {"countries", "time", "timezone"}


def test_no_channel_is_an_error_on_the_channel_field() -> None:
    assert "channel" in form_errors(SettingsForm(None, {"countries": "KR"}))


def test_mentions_in_a_field_are_refused() -> None:
    assert "terms" in form_errors(form(terms="<!channel> news"))


def _state(**values: str) -> dict[str, Any]:
    return {name: {"value": {"type": "plain_text_input", "value": value}} for name, value in values.items()}


def test_read_form_takes_the_channel_from_the_metadata_or_the_picker() -> None:
    known = read_form({"private_metadata": json.dumps({"channel": "C1"}),
                       "state": {"values": _state(countries=" KR ", terms="")}})
    picked = read_form({"private_metadata": "", "state": {"values": {
        "channel": {"value": {"type": "conversations_select", "selected_conversation": "C2"}},
        "mode": {"value": {"type": "static_select", "selected_option": {"value": "headlines"}}}}}})

    assert (known.channel_id, dict(known.values), known.mode) == ("C1", {"countries": "KR"}, "full")
    assert (picked.channel_id, picked.mode) == ("C2", "headlines")


def test_the_modal_is_valid_and_filled_with_the_current_settings() -> None:
    subscription = Subscription(1, ChannelRef("slack", "T1", "C0ANEWS01"),
                                Query(frozenset({"KR", "JP"}), frozenset(), frozenset({"diplomacy"}), "chips"),
                                items=5, mode=DigestMode.HEADLINES,
                                schedule=Schedule(frozenset(range(5)), time(8, 0), "Asia/Seoul"))
    modal = settings_modal("C0ANEWS01", subscription)
    new = settings_modal(None, None)

    assert view_problems(modal) == [] and view_problems(new) == []
    initial = {b["block_id"]: b["element"].get("initial_value") for b in modal["blocks"] if b["type"] == "input"}
    assert initial["countries"] == "JP,KR" and initial["days"] == "weekdays" and initial["timezone"] == "Asia/Seoul"
    mode = next(b for b in modal["blocks"] if b.get("block_id") == "mode")
    assert mode["element"]["initial_option"]["value"] == "headlines"
    assert new["blocks"][0]["block_id"] == "channel"
