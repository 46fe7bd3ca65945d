"""Schedules: day lists, 24-hour times, IANA zones, and the cron fields they turn into."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.commands.errors import UserError
from bot.commands.schedule import (
    Schedule,
    format_days,
    parse_days,
    parse_schedule,
    parse_time,
    parse_timezone,
)


def refusal(call: object, *args: object) -> UserError:
    assert callable(call)
    with pytest.raises(UserError) as caught:
        call(*args)
    return caught.value


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("daily", set(range(7))),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("Weekends", {5, 6}),
        ("mon,wed,fri", {0, 2, 4}),
        ("MON", {0}),
        ("monday,tuesday", {0, 1}),
        ("tue-thu", {1, 2, 3}),
        ("fri-mon", {4, 5, 6, 0}),
        ("sun,sun", {6}),
        ("mon-wed,fri", {0, 1, 2, 4}),
    ],
)
def test_days(text: str, days: set[int]) -> None:
    assert parse_days(text) == frozenset(days)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("mnday", "Unknown day"),
        ("mon,,fri", "empty entry"),
        ("mon,funday", "Unknown day"),
        ("08:00", "the days come first"),
        ("", "empty entry"),
        ("mon-", "Unknown day"),
    ],
)
def test_bad_days(text: str, words: str) -> None:
    error = refusal(parse_days, text)
    assert words in error.message
    assert "weekdays" in error.hint


def test_a_misspelt_day_gets_a_suggestion() -> None:
    assert "Did you mean: monday" in refusal(parse_days, "mondy").message


@pytest.mark.parametrize(
    ("text", "expected"),
    [("08:00", time(8)), ("8:05", time(8, 5)), ("23:59", time(23, 59)), ("00:00", time(0))],
)
def test_times(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("25:00", "hours go 00-23"),
        ("12:60", "minutes 00-59"),
        ("8am", "is 08:00"),
        ("8:30 pm", "is 20:30"),
        ("12am", "is 00:00"),
        ("noon", "not a 24-hour HH:MM"),
        ("0800", "not a 24-hour HH:MM"),
        ("8", "not a 24-hour"),
    ],
)
def test_bad_times_say_use_24_hour_hh_mm(text: str, words: str) -> None:
    error = refusal(parse_time, text)
    assert words in error.message
    assert "24-hour HH:MM" in error.hint


def test_zones_are_checked_and_spelt_canonically() -> None:
    assert parse_timezone("Asia/Seoul") == "Asia/Seoul"
    assert parse_timezone("asia/seoul") == "Asia/Seoul"
    assert parse_timezone("UTC") == "UTC"
    assert parse_timezone("america/argentina/buenos_aires") == "America/Argentina/Buenos_Aires"


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("Seoul", "Asia/Seoul"),
        ("new york", "America/New_York"),
        ("Asia/Seol", "Asia/Seoul"),
        ("PST", "America/Los_Angeles"),
        ("KST", "Asia/Seoul"),
        ("london", "Europe/London"),
    ],
)
def test_bad_zones_get_close_iana_names(text: str, suggestion: str) -> None:
    error = refusal(parse_timezone, text)
    assert "Unknown time zone" in error.message
    assert suggestion in error.message
    assert "IANA" in error.hint


@pytest.mark.parametrize("text", ["", "Factory", "localtime", "../../etc/passwd", "x" * 100, "Mars/Olympus"])
def test_non_zones_are_refused(text: str) -> None:
    assert "IANA" in refusal(parse_timezone, text).hint


def test_schedule_renders_as_command_text_and_description() -> None:
    schedule = parse_schedule("weekdays", "8:00", "asia/seoul")
    assert schedule == Schedule(frozenset(range(5)), time(8), "Asia/Seoul")
    assert schedule.text == "weekdays 08:00 Asia/Seoul"
    assert schedule.describe() == "weekdays at 08:00 (Asia/Seoul)"
    assert schedule.day_of_week == "mon-fri"
    assert schedule.trigger_fields() == {
        "day_of_week": "mon-fri",
        "hour": 8,
        "minute": 0,
        "timezone": "Asia/Seoul",
    }
    assert parse_schedule("mon,wed,fri", "18:30", "UTC").day_of_week == "mon,wed,fri"
    assert parse_schedule("daily", "06:00", "UTC").day_of_week == "*"
    assert parse_schedule("mon,tue,wed,fri", "06:00", "UTC").day_of_week == "mon-wed,fri"


def test_schedule_refuses_impossible_values() -> None:
    with pytest.raises(ValueError):
        Schedule(frozenset(), time(8), "UTC")
    with pytest.raises(ValueError):
        Schedule(frozenset({7}), time(8), "UTC")
    with pytest.raises(ValueError):
        Schedule(frozenset({1}), time(8), "Mars/Base")
    with pytest.raises(ValueError):
        Schedule(frozenset({1}), time(8, 0, 30), "UTC")


ALL_DAY_SETS = [frozenset(c) for n in range(1, 8) for c in itertools.combinations(range(7), n)]


@pytest.mark.parametrize("days", ALL_DAY_SETS, ids=lambda days: "".join(map(str, sorted(days))))
def test_every_day_set_reads_back_and_fires_on_exactly_those_days(days: frozenset[int]) -> None:
    schedule = Schedule(days, time(9, 30), "Asia/Seoul")
    assert parse_days(format_days(days)) == days
    assert parse_days(schedule.day_of_week.replace("*", "daily")) == days
    trigger = CronTrigger(**schedule.trigger_fields())
    zone = ZoneInfo("Asia/Seoul")
    moment = datetime(2024, 1, 1, tzinfo=zone)  # a Monday
    fired: set[int] = set()
    for _ in range(len(days)):
        fire = trigger.get_next_fire_time(None, moment)
        assert fire is not None
        assert (fire.hour, fire.minute) == (9, 30)
        fired.add(fire.weekday())
        moment = fire + timedelta(minutes=1)
    assert fired == days
