from __future__ import annotations

from adapters.slack.inbound import (
    command_origin,
    event_team,
    interaction_origin,
    read_share_value,
    request_key,
    share_value,
)
from bot.chat import ChannelRef
from tests.fakes.slack import FakeSlack, payloads, workspace


async def test_origins_of_a_command_an_interaction_and_an_event() -> None:
    async with FakeSlack.running(teams=[workspace("A")]) as fake:
        command = fake.slash_command("/news", "help", user="admin")
        click = fake.block_actions([payloads.button_action(action_id="x", value="v", block_id="b")],
                                   user="member")
        event = fake.event(payloads.app_uninstalled_event())

    assert command_origin(command).channel() == ChannelRef("slack", "T0A000001", "C0ANEWS01")
    assert command_origin(command).user_id == "U0AADMIN1"
    assert (interaction_origin(click).team_id, interaction_origin(click).channel_id) == ("T0A000001", "C0ANEWS01")
    assert event_team(event) == "T0A000001"


def test_request_keys_use_the_id_or_a_hash_of_the_payload() -> None:
    assert request_key("command", {"trigger_id": "1.2.3"}, field="trigger_id") == "command:1.2.3"
    hashed = request_key("event", {"a": 1}, field="event_id")
    assert hashed.startswith("event:sha256:") and hashed == request_key("event", {"a": 1}, field="event_id")


def test_share_values_round_trip_and_refuse_anything_else() -> None:
    value = share_value("news", "pair korea japan")
    assert value is not None and read_share_value(value) == ("news", "pair korea japan")
    assert share_value("news-admin", "show") is None
    assert read_share_value('{"root": "news-admin", "text": "unsubscribe"}') is None
    assert read_share_value("not json") is None
    assert read_share_value('["news"]') is None
