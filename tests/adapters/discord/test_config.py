"""The adapter's settings: shards, endpoints, and a token that never shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import discord.gateway
import discord.http
import pytest

from adapters.discord.config import (
    DiscordConfig,
    DiscordConfigError,
    api_base,
    parse_shard_ids,
    point_discord_at,
    shard_of,
)
from bot.settings import Settings

TOKEN = "secret-token-value.should.never.show"


def _settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(data_dir=tmp_path, **values)


def test_from_settings_reads_every_discord_setting(tmp_path: Path) -> None:
    config = DiscordConfig.from_settings(_settings(
        tmp_path, discord_token=f"  {TOKEN} ", discord_application_id=42, discord_dev_guild_id=7,
        discord_shard_count=4, discord_shard_ids="3, 1", discord_api_url="http://127.0.0.1:9/",
        discord_gateway_url="ws://127.0.0.1:10/"))
    assert config.token == TOKEN
    assert (config.application_id, config.dev_guild_id, config.shard_count, config.shard_ids) == (42, 7, 4, (1, 3))
    assert config.api_base == "http://127.0.0.1:9/api/v10"
    assert config.gateway_url == "ws://127.0.0.1:10/"
    assert not config.syncs_commands  # shard 0 is another process's
    assert TOKEN not in repr(config) and TOKEN not in str(config)


def test_a_missing_token_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DiscordConfigError, match="DISCORD_TOKEN"):
        DiscordConfig.from_settings(_settings(tmp_path))


@pytest.mark.parametrize(("ids", "count", "message"), [
    ("0,1", None, "needs DISCORD_SHARD_COUNT"),
    ("0,2", 2, "shard 2 does not exist"),
    ("zero", 2, "expected shard numbers"),
])
def test_bad_shard_ids_are_refused_with_the_reason(ids: str, count: int | None, message: str) -> None:
    with pytest.raises(DiscordConfigError, match=message):
        parse_shard_ids(ids, count)


def test_shard_ids_unset_mean_every_shard_and_syncing() -> None:
    assert parse_shard_ids(None, 2) is None and parse_shard_ids(" ", None) is None
    assert DiscordConfig(token="t").syncs_commands
    assert DiscordConfig(token="t", shard_count=2, shard_ids=(0,)).syncs_commands


def test_api_url_gets_the_version_only_when_missing() -> None:
    assert api_base("https://proxy.example/api/v10/") == "https://proxy.example/api/v10"
    assert api_base("https://proxy.example") == "https://proxy.example/api/v10"
    with pytest.raises(DiscordConfigError, match="DISCORD_API_URL"):
        api_base("proxy.example")


def test_a_gateway_url_must_be_a_websocket(tmp_path: Path) -> None:
    with pytest.raises(DiscordConfigError, match="DISCORD_GATEWAY_URL"):
        DiscordConfig.from_settings(_settings(tmp_path, discord_token="t", discord_gateway_url="http://x"))


def test_pointing_discord_py_elsewhere_sets_both_process_wide_endpoints() -> None:
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    try:
        point_discord_at(DiscordConfig(token="t", api_base="http://127.0.0.1:9/api/v10",
                                       gateway_url="ws://127.0.0.1:10/"))
        assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
        assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:10/"
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


def test_shard_of_follows_discords_formula() -> None:
    assert shard_of(81_384_788_765_712_384, 1) == 0
    assert {shard_of((n << 22), 4) for n in range(8)} == {0, 1, 2, 3}
