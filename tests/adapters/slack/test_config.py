from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters.slack.config import DEFAULT_API_URL, SlackConfig, SlackConfigError, normalise_api_url
from bot.settings import Settings

BOT = "xoxb-1-2-secretpart"
SIGNING = "signing-secret-value"


def config(tmp_path: Path, **values: Any) -> SlackConfig:
    return SlackConfig.from_settings(Settings(data_dir=tmp_path, **values))


def test_one_workspace_in_http_mode(tmp_path: Path) -> None:
    found = config(tmp_path, slack_bot_token=BOT, slack_signing_secret=SIGNING, admins="slack:U1, discord:2")

    assert (found.socket_mode, found.oauth, found.api_url) == (False, False, DEFAULT_API_URL)
    assert found.admins == frozenset({"slack:U1", "discord:2"})
    assert BOT not in repr(found) and SIGNING not in repr(found)


def test_socket_mode_needs_no_signing_secret(tmp_path: Path) -> None:
    found = config(tmp_path, slack_bot_token=BOT, slack_app_token="xapp-1-A-1-x")

    assert found.socket_mode and found.mode_text == "Socket Mode, one workspace"


def test_oauth_mode(tmp_path: Path) -> None:
    found = config(tmp_path, slack_client_id="1.2", slack_client_secret="s", slack_signing_secret=SIGNING,
                   secret_key="k" * 20, slack_api_url="http://127.0.0.1:9/api")

    assert found.oauth and found.api_url == "http://127.0.0.1:9/api/"


@pytest.mark.parametrize(("values", "message"), [
    ({}, "Slack is not configured"),
    ({"slack_bot_token": BOT}, "SLACK_SIGNING_SECRET"),
    ({"slack_bot_token": "xoxp-user-token", "slack_signing_secret": SIGNING}, "starts with xoxb-"),
    ({"slack_bot_token": BOT, "slack_app_token": "xoxb-wrong"}, "starts with xapp-"),
    ({"slack_client_id": "1.2", "slack_signing_secret": SIGNING}, "SLACK_CLIENT_SECRET is not set"),
    ({"slack_client_id": "1.2", "slack_client_secret": "s", "slack_signing_secret": SIGNING},
     "NEWSBOT_SECRET_KEY is not set"),
    ({"slack_client_id": "1.2", "slack_client_secret": "s", "slack_bot_token": BOT, "slack_signing_secret": SIGNING,
      "secret_key": "k" * 20}, "not both"),
    ({"slack_bot_token": BOT, "slack_signing_secret": SIGNING, "slack_api_url": "slack.com/api"}, "SLACK_API_URL"),
])
def test_bad_settings_say_what_to_fix_and_never_show_a_token(tmp_path: Path, values: dict[str, Any],
                                                             message: str) -> None:
    with pytest.raises(SlackConfigError, match=message) as raised:
        config(tmp_path, **values)

    assert "secretpart" not in str(raised.value) and "xoxp-user-token" not in str(raised.value)


def test_normalise_api_url() -> None:
    assert normalise_api_url(None) == DEFAULT_API_URL
    assert normalise_api_url(" https://proxy.example/slack/api ") == "https://proxy.example/slack/api/"
