"""Slack installations on both backends: round trips, tokens encrypted at rest, workspaces apart,
deletion, reinstall cancelling a pending removal, and a changed key reading as "not installed"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import select

from bot.store import Store
from bot.store.installations import SlackInstallationStore
from bot.store.slack_schema import slack_bots, slack_installations
from bot.store.token_cipher import TokenCipher
from bot.store.workspace_removals import WorkspaceRemovals

CLIENT = "111.222"
NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


PHRASE = "a passphrase long enough"


def installations(store: Store, phrase: str = PHRASE) -> SlackInstallationStore:
    return SlackInstallationStore(store.engine, TokenCipher.from_secret(phrase), client_id=CLIENT, clock=lambda: NOW)


def installation(team: str, token: str, user: str = "U1", **extra: object) -> Installation:
    return Installation(app_id="A1", team_id=team, team_name=f"Team {team}", bot_token=token, bot_id="B1",
                        bot_user_id="UBOT", bot_scopes="chat:write,commands", user_id=user,
                        installed_at=NOW.timestamp(), **extra)  # type: ignore[arg-type]  # test values


async def test_an_installation_round_trips_with_its_bot(store: Store) -> None:
    repo = installations(store)
    await repo.async_save(installation("T1", "xoxb-T1-secret", user_token="xoxp-user", bot_refresh_token="xoxe-r"))

    bot = await repo.async_find_bot(enterprise_id=None, team_id="T1")
    found = await repo.async_find_installation(enterprise_id=None, team_id="T1")

    assert bot is not None and bot.bot_token == "xoxb-T1-secret" and bot.bot_scopes == ["chat:write", "commands"]
    assert bot.bot_refresh_token == "xoxe-r"
    assert found is not None and (found.user_token, found.user_id, found.team_name) == ("xoxp-user", "U1", "Team T1")
    assert await repo.team_ids() == ["T1"]


async def test_tokens_are_stored_encrypted(store: Store) -> None:
    await installations(store).async_save(installation("T1", "xoxb-T1-secret", user_token="xoxp-user"))

    async with store.engine.connect() as conn:
        rows = [tuple(r) for r in (await conn.execute(select(slack_installations))).all()]
        rows += [tuple(r) for r in (await conn.execute(select(slack_bots))).all()]

    cells = " ".join(str(cell) for row in rows for cell in row)
    assert "xoxb-T1-secret" not in cells and "xoxp-user" not in cells
    assert cells.count("gAAAA") >= 3


async def test_workspaces_are_apart_and_a_reinstall_replaces_the_token(store: Store) -> None:
    repo = installations(store)
    await repo.async_save(installation("T1", "xoxb-one"))
    await repo.async_save(installation("T2", "xoxb-two"))
    await repo.async_save(installation("T1", "xoxb-one-again"))

    one = await repo.async_find_bot(enterprise_id=None, team_id="T1")
    two = await repo.async_find_bot(enterprise_id=None, team_id="T2")

    assert (one and one.bot_token, two and two.bot_token) == ("xoxb-one-again", "xoxb-two")
    assert await repo.async_find_bot(enterprise_id=None, team_id="T3") is None
    another_app = SlackInstallationStore(store.engine, TokenCipher.from_secret(PHRASE),
                                         client_id="other")
    assert await another_app.async_find_bot(enterprise_id=None, team_id="T1") is None


async def test_the_latest_installer_is_found_without_a_user(store: Store) -> None:
    repo = installations(store)
    await repo.async_save(installation("T1", "xoxb-a", user="U1"))
    later = installation("T1", "xoxb-b", user="U2")
    later.installed_at = (NOW + timedelta(hours=1)).timestamp()
    await repo.async_save(later)

    latest = await repo.async_find_installation(enterprise_id=None, team_id="T1")
    first = await repo.async_find_installation(enterprise_id=None, team_id="T1", user_id="U1")

    assert latest is not None and latest.user_id == "U2"
    assert first is not None and first.bot_token == "xoxb-a"


async def test_delete_all_forgets_the_workspace_only(store: Store) -> None:
    repo = installations(store)
    await repo.async_save(installation("T1", "xoxb-one"))
    await repo.async_save(installation("T2", "xoxb-two"))

    await repo.async_delete_all(enterprise_id=None, team_id="T1")

    assert await repo.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert await repo.async_find_installation(enterprise_id=None, team_id="T1") is None
    assert await repo.async_find_bot(enterprise_id=None, team_id="T2") is not None


async def test_a_reinstall_cancels_the_pending_data_deletion(store: Store) -> None:
    removals = WorkspaceRemovals(store.engine)
    await removals.schedule("T1", reason="uninstalled", now=NOW, grace=timedelta(days=7))

    await installations(store).async_save(installation("T1", "xoxb-back"))

    assert await removals.pending("T1") is None


async def test_a_changed_secret_key_reads_as_not_installed(store: Store) -> None:
    await installations(store).async_save(installation("T1", "xoxb-one"))

    other = installations(store, "a different passphrase entirely")

    assert await other.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert await other.async_find_installation(enterprise_id=None, team_id="T1") is None
