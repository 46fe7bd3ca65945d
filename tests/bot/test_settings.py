"""Settings: the environment first, then the TOML file at NEWSBOT_CONFIG, which may hold no secrets; a bad
value is a SettingsError naming the variable to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SECRET_FIELDS, Settings, SettingsError, load_settings

# Every variable a Settings field reads, so a test starts from the defaults whatever the shell has set.
VARIABLES = [
    field.validation_alias if isinstance(field.validation_alias, str) else f"NEWSBOT_{name.upper()}"
    for name, field in Settings.model_fields.items()
] + ["NEWSBOT_CONFIG"]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    path = tmp_path / "newsbot.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("NEWSBOT_CONFIG", str(path))
    return path


def test_defaults_without_environment_or_file(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.data_dir == tmp_path / "xdg" / "newsbot"
    assert settings.sqlite_path() == tmp_path / "xdg" / "newsbot" / "newsbot.db"
    assert (settings.retention_days, settings.log_format, settings.port) == (90, "text", 3000)
    assert settings.database_url is None and settings.admins == "" and not settings.allow_private_feeds
    assert not settings.slack_configured and not settings.discord_configured


def test_the_environment_is_read_with_the_newsbot_prefix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", "postgresql+asyncpg://bot:pw@db/newsbot")
    monkeypatch.setenv("NEWSBOT_ADMINS", "slack:U1,discord:2")
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_FEEDS", "true")
    monkeypatch.setenv("NEWSBOT_RETENTION_DAYS", "30")
    monkeypatch.setenv("NEWSBOT_LOG_FORMAT", "json")
    settings = load_settings()
    assert settings.data_dir == tmp_path / "data"
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == "postgresql+asyncpg://bot:pw@db/newsbot"
    assert "pw" not in repr(settings)  # a secret never shows in logs of the settings
    assert settings.admins == "slack:U1,discord:2" and settings.allow_private_feeds
    assert (settings.retention_days, settings.log_format) == (30, "json")


def test_port_is_read_without_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "8080")
    assert load_settings().port == 8080


def test_an_empty_variable_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_RETENTION_DAYS", "")
    monkeypatch.setenv("PORT", "")
    settings = load_settings()
    assert (settings.retention_days, settings.port) == (90, 3000)


def test_the_toml_file_fills_in_what_the_environment_does_not_set(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    config_file(tmp_path, monkeypatch, 'retention_days = 30\nlog_format = "json"\nNEWSBOT_ADMINS = "slack:U7"\n'
                                       "port = 9000\nallow_private_feeds = true\n")
    monkeypatch.setenv("NEWSBOT_RETENTION_DAYS", "45")
    settings = load_settings()
    assert settings.retention_days == 45  # the environment wins
    assert (settings.log_format, settings.admins, settings.port) == ("json", "slack:U7", 9000)
    assert settings.allow_private_feeds


@pytest.mark.parametrize("key", ["discord_token", "database_url", "NEWSBOT_DATABASE_URL", "slack_signing_secret",
                                 "secret_key"])
def test_a_toml_file_holding_a_secret_is_refused_naming_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                           key: str) -> None:
    path = config_file(tmp_path, monkeypatch, f'{key} = "s3cr3t-value"\nretention_days = 30\n')
    with pytest.raises(SettingsError) as refused:
        load_settings()
    message = str(refused.value)
    assert key.lower().removeprefix("newsbot_") in message and str(path) in message
    assert "environment" in message  # where to put it instead
    assert "s3cr3t-value" not in message


def test_every_secret_field_is_a_secret_type() -> None:
    for name in SECRET_FIELDS:
        assert "SecretStr" in str(Settings.model_fields[name].annotation), name


def test_unknown_keys_in_the_toml_file_are_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config_file(tmp_path, monkeypatch, "retention_days = 30\nretention_dayz = 31\ncolour = 'blue'\n")
    with pytest.raises(SettingsError, match=r"unknown setting\(s\) colour, retention_dayz"):
        load_settings()


def test_a_toml_file_that_is_missing_or_broken_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSBOT_CONFIG", str(tmp_path / "absent.toml"))
    with pytest.raises(SettingsError, match=r"absent\.toml: cannot read"):
        load_settings()
    config_file(tmp_path, monkeypatch, "retention_days = = 3\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings()


@pytest.mark.parametrize(("variable", "value"), [
    ("NEWSBOT_RETENTION_DAYS", "0"),
    ("NEWSBOT_RETENTION_DAYS", "ninety"),
    ("NEWSBOT_LOG_FORMAT", "xml"),
    ("NEWSBOT_FEED_POLL_MINUTES", "0"),
    ("NEWSBOT_ALLOW_PRIVATE_FEEDS", "maybe"),
    ("PORT", "70000"),
    ("PORT", "http"),
    ("DISCORD_SHARD_COUNT", "0"),
])
def test_a_bad_value_is_a_settings_error_naming_the_variable(monkeypatch: pytest.MonkeyPatch, variable: str,
                                                             value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    assert str(refused.value).startswith(f"{variable}: "), str(refused.value)


def test_a_bad_value_in_the_toml_file_is_refused_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config_file(tmp_path, monkeypatch, 'log_format = "xml"\n')
    with pytest.raises(SettingsError, match="LOG_FORMAT"):
        load_settings()


def test_platforms_count_as_configured_from_their_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", "1.2")
    assert not load_settings().slack_configured  # an OAuth app needs its secret too
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "secret")
    monkeypatch.setenv("DISCORD_TOKEN", "token")
    settings = load_settings()
    assert settings.slack_configured and settings.discord_configured
