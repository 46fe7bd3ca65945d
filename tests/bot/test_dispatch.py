"""The dispatcher on a real store (SQLite and PostgreSQL): every refusal says what is wrong and what to do
and changes nothing; a change is committed before the reply says so; internal errors get an id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.chat import Actor, ChannelRef, CommandRequest, Reply
from bot.dispatch import RATE_LIMIT, RATE_WINDOW, Dispatcher, RateLimiter, parse_admins
from bot.store import Store, migrate, open_store
from tests.bot.fakes import FakeClock
from tests.bot.store.builders import make, signature
from tests.bot.store.conftest import Database

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CHANNEL = ChannelRef("console", "local", "news")
ADMIN = Actor("console", "console", is_admin=True)
ALICE = Actor("console", "alice")  # no admin rights anywhere
BOB = Actor("console", "bob")  # an admin only through NEWSBOT_ADMINS
ERROR_ID = re.compile(r"error id ([0-9a-f]{8})")


class TickingSeconds:
    """A monotonic clock for the rate limiter that moves only when the test says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass(frozen=True)
class Snapshot:
    """Everything a command may change, read back from the store."""

    subscriptions: tuple[Any, ...]
    custom_topics: tuple[Any, ...]
    feeds: tuple[Any, ...]


async def snapshot(store: Store) -> Snapshot:
    return Snapshot(
        tuple(await store.config.list_subscriptions()),
        tuple(await store.config.custom_topics(CHANNEL.platform, CHANNEL.workspace)),
        tuple(await store.feeds.list_feeds()),
    )


def make_dispatcher(store: Store, tmp_path: Path, *, limiter: RateLimiter | None = None) -> Dispatcher:
    return Dispatcher(store, admins=parse_admins("console:bob, slack:U9"), chart_dir=tmp_path / "charts",
                      clock=FakeClock(NOW), rate_limiter=limiter or RateLimiter(limit=1000))


@pytest.fixture
def dispatcher(store: Store, tmp_path: Path) -> Dispatcher:
    return make_dispatcher(store, tmp_path)


async def ask(dispatcher: Dispatcher, text: str, *, actor: Actor = ADMIN, channel: ChannelRef = CHANNEL) -> Reply:
    root, _, rest = text.lstrip("/").partition(" ")
    return await dispatcher.handle(CommandRequest(actor, channel, root, rest))


async def subscribed(dispatcher: Dispatcher) -> None:
    """The channel subscribed to Korea and Japan, weekdays at 08:00 in Seoul."""
    assert (await ask(dispatcher, "/news-admin subscribe countries=KR,JP topics=diplomacy")).kind == "text"
    assert (await ask(dispatcher, "/news-admin schedule weekdays 08:00 Asia/Seoul")).kind == "text"


async def assert_refused(dispatcher: Dispatcher, text: str, *expected: str, actor: Actor = ADMIN) -> Reply:
    """The command is refused with a message containing ``expected`` and the store is unchanged."""
    before = await snapshot(dispatcher.store)
    reply = await ask(dispatcher, text, actor=actor)
    assert reply.kind == "error", reply.text
    for part in expected:
        assert part in reply.text, reply.text
    assert "error id" not in reply.text  # a user mistake, not an internal error
    assert dispatcher.last_outcome is not None and not dispatcher.last_outcome.ok
    assert await snapshot(dispatcher.store) == before
    return reply


# --- permissions ---------------------------------------------------------------------------------------

async def test_a_non_admin_is_refused_politely_and_nothing_is_stored(dispatcher: Dispatcher) -> None:
    reply = await assert_refused(dispatcher, "/news-admin subscribe countries=KR", "needs admin rights",
                                 "Ask a workspace or server admin", actor=ALICE)
    assert "subscribe" in reply.text
    assert await dispatcher.store.config.get_subscription(CHANNEL) is None


async def test_a_non_admin_cannot_change_an_existing_subscription(dispatcher: Dispatcher) -> None:
    await subscribed(dispatcher)
    for command in ("/news-admin schedule daily 09:00 UTC", "/news-admin pause", "/news-admin unsubscribe",
                    '/news-admin topic add chips keywords="chip, foundry"', "/news-admin feed add https://a.example/rss",
                    "/news-admin source exclude example.com", "/news-admin show", "/news-admin feeds"):
        await assert_refused(dispatcher, command, "is an admin command", "needs admin rights", actor=ALICE)


async def test_newsbot_admins_grants_admin_rights_on_its_platform_only(dispatcher: Dispatcher) -> None:
    reply = await ask(dispatcher, "/news-admin subscribe countries=KR", actor=BOB)
    assert reply.kind == "text" and "Subscription saved" in reply.text
    saved = await dispatcher.store.config.get_subscription(CHANNEL)
    assert saved is not None and saved.query.countries == {"KR"} and saved.created_by == "console:bob"
    # "slack:U9" is an admin on Slack, not a console user who happens to be called U9.
    await assert_refused(dispatcher, "/news-admin unsubscribe", "needs admin rights", actor=Actor("console", "U9"))


def test_parse_admins_reads_platform_user_pairs_and_skips_junk() -> None:
    assert parse_admins(" slack:U123 , discord:456,,nonsense, ") == {"slack:U123", "discord:456"}
    assert parse_admins("") == frozenset()


async def test_everyone_may_use_the_news_commands(dispatcher: Dispatcher) -> None:
    for command in ("/news help", "/news topics", "/news regions", "/news latest japan"):
        reply = await ask(dispatcher, command, actor=ALICE)
        assert reply.kind != "error", (command, reply.text)


# --- validation: each refusal says what is wrong and how to fix it -------------------------------------

async def test_an_unknown_country_is_refused_with_a_suggestion(dispatcher: Dispatcher) -> None:
    await subscribed(dispatcher)
    await assert_refused(dispatcher, "/news-admin subscribe countries=KR,atlantis", 'Unknown country "atlantis"',
                         "two-letter code")
    await assert_refused(dispatcher, "/news pair atlantis japan", 'Unknown country "atlantis"')


async def test_a_bad_timezone_is_refused_naming_a_valid_one(dispatcher: Dispatcher) -> None:
    await subscribed(dispatcher)
    await assert_refused(dispatcher, "/news-admin schedule weekdays 08:00 Mars/Olympus",
                         'Unknown time zone "Mars/Olympus"', "Asia/Seoul")


@pytest.mark.parametrize(("time", "expected"), [
    ("25:00", "not a time of day"),
    ("8am", "24-hour"),
    ("08:60", "not a time of day"),
])
async def test_a_bad_time_is_refused_showing_the_format(dispatcher: Dispatcher, time: str, expected: str) -> None:
    await subscribed(dispatcher)
    await assert_refused(dispatcher, f"/news-admin schedule weekdays {time} Asia/Seoul", expected, "HH:MM")


@pytest.mark.parametrize("command", [
    "/news-admin topic add chips",
    '/news-admin topic add chips keywords=""',
    '/news-admin topic add chips keywords=", ,"',
])
async def test_a_topic_with_no_keywords_is_refused(dispatcher: Dispatcher, command: str) -> None:
    reply = await assert_refused(dispatcher, command, "keyword")
    assert "e.g." in reply.text  # shows how to write them
    assert await dispatcher.store.config.custom_topics("console", "local") == []


async def test_over_long_input_is_refused_with_the_limit(dispatcher: Dispatcher) -> None:
    await subscribed(dispatcher)
    await assert_refused(dispatcher, "/news-admin subscribe terms=" + "x" * 2000, "too long", "at most 1000")
    await assert_refused(dispatcher, '/news-admin subscribe terms="' + "chip " * 20 + '"', "too long", "at most 60")
    await assert_refused(dispatcher, "/news latest " + "word " * 60, "too long")


@pytest.mark.parametrize(("command", "expected"), [
    ('/news-admin subscribe terms="<@U123>"', "mentions"),
    ('/news-admin subscribe terms="@everyone"', "everyone"),
    ('/news-admin topic add chips keywords="<!here>, chip"', "mention"),
    ("/news latest <@U123>", "mentions"),
    ("/news latest @everyone look", "everyone"),
    ("/news-admin subscribe terms=<https://evil.example|click>", "link markup"),
])
async def test_markup_and_mentions_are_refused_and_not_echoed(dispatcher: Dispatcher, command: str,
                                                              expected: str) -> None:
    await subscribed(dispatcher)
    reply = await assert_refused(dispatcher, command, expected, "plain text")
    for raw in ("<@U123>", "@everyone", "<!here>", "evil.example"):
        assert raw not in reply.text


async def test_schedule_before_subscribe_is_refused_saying_how_to_subscribe(dispatcher: Dispatcher) -> None:
    await assert_refused(dispatcher, "/news-admin schedule weekdays 08:00 Asia/Seoul", "no subscription yet",
                         "/news-admin subscribe")
    await assert_refused(dispatcher, "/news-admin pause", "no subscription yet")
    await assert_refused(dispatcher, "/news-admin source exclude example.com", "no subscription yet")


async def test_an_unknown_command_points_to_help(dispatcher: Dispatcher) -> None:
    await assert_refused(dispatcher, "/news bogus", 'Unknown command "bogus"', "/news help")
    await assert_refused(dispatcher, "/weather today", "commands start with /news")


# --- rate limit -----------------------------------------------------------------------------------------

async def test_the_eleventh_command_in_a_minute_is_refused_with_the_wait(store: Store, tmp_path: Path) -> None:
    seconds = TickingSeconds()
    dispatcher = make_dispatcher(store, tmp_path, limiter=RateLimiter(clock=seconds))
    channel = ChannelRef("slack", "T1", "C1")
    admin, other = Actor("slack", "U1", is_admin=True), Actor("slack", "U9")
    for _ in range(RATE_LIMIT):
        assert (await ask(dispatcher, "/news help", actor=admin, channel=channel)).kind == "text"
        seconds.now += 1
    before = await snapshot(store)
    reply = await ask(dispatcher, "/news-admin subscribe countries=KR", actor=admin, channel=channel)
    assert reply.kind == "error" and reply.ephemeral
    assert "more than 10 commands" in reply.text and "wait 50 s" in reply.text
    assert await snapshot(store) == before
    # Others are not held back by one user's burst, and the user may go on once the window has passed.
    assert (await ask(dispatcher, "/news help", actor=other, channel=channel)).kind == "text"
    seconds.now += RATE_WINDOW
    assert (await ask(dispatcher, "/news-admin subscribe countries=KR", actor=admin, channel=channel)).kind == "text"


async def test_the_console_is_not_rate_limited(store: Store, tmp_path: Path) -> None:
    """The console is the operator's own terminal, and scripts pipe many commands into it."""
    dispatcher = make_dispatcher(store, tmp_path, limiter=RateLimiter(clock=TickingSeconds()))
    for _ in range(RATE_LIMIT + 5):
        assert (await ask(dispatcher, "/news help")).kind == "text"


def test_the_rate_limiter_slides_its_window() -> None:
    seconds = TickingSeconds()
    limiter = RateLimiter(limit=2, window=10, clock=seconds)
    assert limiter.allow("a") is None
    seconds.now += 4
    assert limiter.allow("a") is None
    assert limiter.allow("a") == pytest.approx(6.0)
    assert limiter.allow("b") is None
    seconds.now += 6  # the first request leaves the window
    assert limiter.allow("a") is None


# --- internal errors ------------------------------------------------------------------------------------

async def test_an_internal_error_gets_an_apology_with_an_id_that_is_logged(tmp_path: Path,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'broken.db'}"
    await migrate(url)
    store = await open_store(url)
    try:
        dispatcher = make_dispatcher(store, tmp_path)
        async with store.engine.begin() as conn:  # the database loses a table under the running bot
            await conn.exec_driver_sql("DROP TABLE subscriptions")
        with caplog.at_level(logging.ERROR, logger="bot.dispatch"):
            reply = await ask(dispatcher, "/news-admin subscribe countries=KR")
    finally:
        await store.close()
    assert reply.kind == "error"
    assert reply.text.startswith("Sorry, something went wrong on our side")
    found = ERROR_ID.search(reply.text)
    assert found is not None, reply.text
    assert "subscriptions" not in reply.text  # no internals shown to the user
    logged = [r for r in caplog.records if found.group(1) in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info is not None
    assert "console:local:news" in logged[0].getMessage()
    assert dispatcher.last_outcome is not None and not dispatcher.last_outcome.ok


# --- durability -----------------------------------------------------------------------------------------

async def test_a_change_is_committed_before_the_reply_and_survives_a_restart(database: Database, store: Store,
                                                                             tmp_path: Path) -> None:
    changes: list[str] = []
    dispatcher = make_dispatcher(store, tmp_path)

    async def reopen_and_look() -> None:  # what another process sees when the bot says "saved"
        other = await database.open()
        try:
            saved = await other.config.get_subscription(CHANNEL)
            changes.append("none" if saved is None or saved.schedule is None else saved.schedule.text)
        finally:
            await other.close()

    dispatcher.on_schedule_change = reopen_and_look
    await subscribed(dispatcher)
    assert changes == ["none", "weekdays 08:00 Asia/Seoul"]
    await store.close()

    restarted = await database.open()
    try:
        saved = await restarted.config.get_subscription(CHANNEL)
        assert saved is not None
        assert saved.query.countries == {"KR", "JP"} and saved.query.topics == {"diplomacy"}
        assert saved.schedule is not None and saved.schedule.text == "weekdays 08:00 Asia/Seoul"
        assert saved.created_by == "console:console" and saved.active
        reply = await ask(make_dispatcher(restarted, tmp_path), "/news-admin show")
        assert "Posted weekdays at 08:00 Asia/Seoul" in reply.text
    finally:
        await restarted.close()


async def test_admin_changes_round_trip_through_show(dispatcher: Dispatcher) -> None:
    await subscribed(dispatcher)
    assert "Paused" in (await ask(dispatcher, "/news-admin pause")).text
    assert "(paused)" in (await ask(dispatcher, "/news-admin show")).text
    assert "Resumed" in (await ask(dispatcher, "/news-admin resume")).text
    assert "no longer appear" in (await ask(dispatcher, "/news-admin source exclude Example.com")).text
    assert "excluded sources: example.com" in (await ask(dispatcher, "/news-admin show")).text
    assert "Unsubscribed" in (await ask(dispatcher, "/news-admin unsubscribe")).text
    assert await dispatcher.store.config.get_subscription(CHANNEL) is None
    assert "had no subscription" in (await ask(dispatcher, "/news-admin unsubscribe")).text


# --- news latest ----------------------------------------------------------------------------------------

@pytest.fixture
async def korea_story(store: Store) -> str:
    article, analysis = make("kr-summit", when=NOW - timedelta(hours=3), title="Seoul and Tokyo hold a summit",
                             countries=("KR", "JP"), topics=("diplomacy",), regions=("east-asia",),
                             sig=signature(7))
    await store.articles.add(article, analysis)
    return article.title


@pytest.mark.parametrize(("query", "taken_as"), [
    ("korea", "Taken as country South Korea (KR)."),
    ("east asia", "Taken as region East Asia."),
    ("diplomacy", "Taken as topic Diplomacy"),
    ("chip export", 'Taken as free text "chip export".'),
])
async def test_news_latest_says_what_the_query_was_taken_as(dispatcher: Dispatcher, korea_story: str, query: str,
                                                            taken_as: str) -> None:
    reply = await ask(dispatcher, f"/news latest {query}", actor=ALICE)
    assert reply.kind == "digest"
    assert reply.text.startswith(taken_as), reply.text
    assert any(note.startswith(taken_as) for note in reply.notes)
    assert reply.digest is not None
    if query != "chip export":
        assert [item.story.article.title for item in reply.digest.items] == [korea_story]


async def test_news_latest_knows_a_workspace_custom_topic(dispatcher: Dispatcher) -> None:
    assert (await ask(dispatcher, '/news-admin topic add chips keywords="chip, foundry"')).kind == "text"
    reply = await ask(dispatcher, "/news latest chips", actor=ALICE)
    assert reply.text.startswith("Taken as custom topic chips."), reply.text


# --- property: random input never crashes and never writes unless the reply says so ----------------------

@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[Store]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'props.db'}"
    await migrate(url)
    opened = await open_store(url)
    try:
        yield opened
    finally:
        await opened.close()


TEMPLATES = [
    "news-admin subscribe countries=KR,JP", "news-admin subscribe topics=diplomacy,chips items=3 mode=headlines",
    'news-admin subscribe regions=east-asia terms="chip export"', "news-admin schedule weekdays 08:00 Asia/Seoul",
    "news-admin schedule mon,wed,fri 20:30 Europe/London", "news-admin pause", "news-admin resume",
    "news-admin unsubscribe", "news-admin show", 'news-admin topic add chips keywords="chip, foundry"',
    "news-admin topic remove chips", "news-admin source exclude example.com", "news-admin source include example.com",
    "news-admin feed add https://feeds.example/rss", "news-admin feed remove https://feeds.example/rss",
    "news latest korea", "news help", "news topics",
]
WORDS = [
    "countries=atlantis", "terms=<@U1>", "items=99", "mode=loud", "daily", "25:00", "Mars/Base", 'keywords=""',
    "@everyone", "<!here>", '"', "=", "korea", "subscribe", "schedule", "admin", "news-admin", "x" * 70,
]


@st.composite
def commands(draw: st.DrawFn) -> str:
    """A command line: a real command, often with a few words replaced or added (junk, markup, bad values)."""
    words = draw(st.sampled_from(TEMPLATES)).split(" ")
    for _ in range(draw(st.sampled_from((0, 0, 1, 2)))):  # half of them as they are
        token = draw(st.one_of(st.sampled_from(WORDS), st.text(max_size=20)))
        at = draw(st.integers(0, len(words)))
        if at < len(words) and draw(st.booleans()):
            words[at] = token
        else:
            words.insert(at, token)
    return " ".join(words)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(line=commands(), admin=st.sampled_from((True, True, True, False)))
async def test_random_commands_never_crash_and_refusals_change_nothing(
    sqlite_store: Store, tmp_path: Path, line: str, admin: bool,
) -> None:
    # One store for all the examples: each runs against whatever the earlier ones left configured.
    dispatcher = make_dispatcher(sqlite_store, tmp_path)
    actor = ADMIN if admin else ALICE
    root, _, rest = line.partition(" ")
    before = await snapshot(sqlite_store)
    reply = await dispatcher.handle(CommandRequest(actor, CHANNEL, root, rest))
    after = await snapshot(sqlite_store)
    event(f"{reply.kind}, stored configuration {'changed' if after != before else 'unchanged'}")
    assert reply.text.strip()
    assert "error id" not in reply.text, reply.text  # every input is either run or refused, never a crash
    if reply.kind == "error" or not admin:
        assert after == before, reply.text
    elif after != before:
        assert any(word in reply.text for word in ("saved", "Paused", "Resumed", "Unsubscribed", "removed",
                                                   "registered", "no longer appear", "can appear")), reply.text
