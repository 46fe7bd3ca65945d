"""Settings: the environment first, then an optional TOML file at NEWSBOT_CONFIG (which may hold no secrets).

Every setting is declared once here, with its default and bounds; README.md and .env.example list them.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

SECRET_FIELDS = frozenset({
    "database_url", "secret_key", "slack_bot_token", "slack_app_token", "slack_signing_secret",
    "slack_client_secret", "discord_token",
})


class SettingsError(ValueError):
    """A setting is missing, malformed or in the wrong place; the message says which and how to fix it."""


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "newsbot"


class _TomlSource(PydanticBaseSettingsSource):
    """Values from the TOML file named by NEWSBOT_CONFIG; secrets there are refused, not read."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        self.values: dict[str, Any] = {}
        path = os.environ.get("NEWSBOT_CONFIG")
        if not path:
            return
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise SettingsError(f"NEWSBOT_CONFIG={path}: cannot read the file ({exc.strerror})") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"NEWSBOT_CONFIG={path}: not valid TOML ({exc})") from None
        values = {key.lower().removeprefix("newsbot_"): value for key, value in raw.items()}
        secrets = sorted(SECRET_FIELDS & values.keys())
        if secrets:
            raise SettingsError(
                f"NEWSBOT_CONFIG={path} holds secrets ({', '.join(secrets)}): put them in the environment instead"
            )
        unknown = sorted(values.keys() - Settings.model_fields.keys())
        if unknown:
            raise SettingsError(f"NEWSBOT_CONFIG={path}: unknown setting(s) {', '.join(unknown)}")
        self.values = values

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self.values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self.values)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSBOT_", extra="ignore", populate_by_name=True,
                                      env_ignore_empty=True)  # a blank line in .env means "default"

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: SecretStr | None = None
    admins: str = ""  # comma-separated platform:user ids, e.g. "slack:U123,discord:456"
    allow_private_feeds: bool = False
    retention_days: int = Field(default=90, ge=1, le=3650)
    feed_max_failures: int = Field(default=10, ge=1, le=1000)
    feed_poll_minutes: int = Field(default=15, ge=1, le=1440)
    log_format: Literal["text", "json"] = "text"
    port: int = Field(default=3000, ge=0, le=65535, validation_alias="PORT")
    secret_key: SecretStr | None = None  # encrypts stored platform tokens (Fernet key or any long passphrase)

    # Slack (adapters/slack): a single workspace with a bot token, or OAuth installs across many.
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_client_id: str | None = Field(default=None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_CLIENT_SECRET")
    slack_api_url: str | None = Field(default=None, validation_alias="SLACK_API_URL")

    # Discord (adapters/discord)
    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    discord_application_id: int | None = Field(default=None, validation_alias="DISCORD_APPLICATION_ID")
    discord_dev_guild_id: int | None = Field(default=None, validation_alias="DISCORD_DEV_GUILD_ID")
    discord_shard_count: int | None = Field(default=None, ge=1, validation_alias="DISCORD_SHARD_COUNT")
    discord_shard_ids: str | None = Field(default=None, validation_alias="DISCORD_SHARD_IDS")  # "0,1"
    discord_api_url: str | None = Field(default=None, validation_alias="DISCORD_API_URL")
    discord_gateway_url: str | None = Field(default=None, validation_alias="DISCORD_GATEWAY_URL")
    discord_digest_layout: Literal["embeds", "compact"] = Field(default="embeds",
                                                               validation_alias="DISCORD_DIGEST_LAYOUT")
    discord_digest_threads: bool = Field(default=False, validation_alias="DISCORD_DIGEST_THREADS")

    @property
    def slack_configured(self) -> bool:
        return bool(self.slack_bot_token or (self.slack_client_id and self.slack_client_secret))

    @property
    def discord_configured(self) -> bool:
        return self.discord_token is not None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, _TomlSource(settings_cls)

    def sqlite_path(self) -> Path:
        return self.data_dir / "newsbot.db"


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment and NEWSBOT_CONFIG; a bad value raises SettingsError saying which."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{_variable(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise SettingsError(problems) from None


def _variable(loc: tuple[int | str, ...]) -> str:
    """The environment variable of an error's location: PORT and the platform variables have no prefix."""
    if not loc:
        return "setting"
    name = str(loc[0])
    aliases = {field.validation_alias for field in Settings.model_fields.values()}
    return name if name in aliases else f"NEWSBOT_{name.upper()}"
