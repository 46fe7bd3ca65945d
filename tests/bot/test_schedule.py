"""Occurrences of a schedule: local times to UTC instants, across daylight-saving gaps and repeats."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands.schedule import Schedule
from bot.schedule import cron_trigger, local_occurrence, next_occurrence, occurrences

WEEKDAYS = frozenset(range(5))
DAILY = frozenset(range(7))
ZONES = ["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Seoul"]
QUARTER_HOUR = timedelta(minutes=15)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def schedule(at: str, zone: str, days: frozenset[int] = DAILY) -> Schedule:
    hour, minute = (int(part) for part in at.split(":"))
    return Schedule(days, time(hour, minute), zone)


def transitions(zone_name: str, year: int) -> list[datetime]:
    """The instants (UTC, on the hour) where the zone's offset changes during ``year``."""
    zone = ZoneInfo(zone_name)
    found: list[datetime] = []
    moment = utc(year, 1, 1)
    previous = moment.astimezone(zone).utcoffset()
    while moment.year == year:
        moment += timedelta(hours=1)
        offset = moment.astimezone(zone).utcoffset()
        if offset != previous:
            found.append(moment)
            previous = offset
    return found


# --- examples: the schedule and the DST edges, worked out by hand --------------------------

def test_weekdays_0800_seoul_falls_at_2300_utc_the_evening_before() -> None:
    seoul = schedule("08:00", "Asia/Seoul", WEEKDAYS)
    # Sunday 2026-03-01 12:00 UTC to Sunday 03-08 23:00 UTC: Monday 03-02 to Friday 03-06 local, and
    # Monday 03-09 08:00 KST, which is 03-08 23:00 UTC: the end of the range is included.
    found = occurrences(seoul, utc(2026, 3, 1, 12), utc(2026, 3, 8, 23))
    assert found == [utc(2026, 3, d, 23) for d in (1, 2, 3, 4, 5)] + [utc(2026, 3, 8, 23)]
    assert all(o.astimezone(seoul.zone).time() == time(8, 0) for o in found)
    assert {o.astimezone(seoul.zone).weekday() for o in found} == {0, 1, 2, 3, 4}


def test_range_is_open_at_the_start_and_closed_at_the_end() -> None:
    daily = schedule("08:00", "Asia/Seoul")
    at = utc(2026, 3, 2, 23)
    assert occurrences(daily, at, at + timedelta(hours=1)) == []
    assert occurrences(daily, at - timedelta(minutes=1), at) == [at]
    assert occurrences(daily, at, at) == []
    assert occurrences(daily, at, at - timedelta(days=3)) == []


def test_new_york_spring_gap_posts_at_the_first_valid_minute_after() -> None:
    # 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00 UTC); 02:30 does not exist that day.
    ny = schedule("02:30", "America/New_York")
    found = occurrences(ny, utc(2026, 3, 7, 0), utc(2026, 3, 10, 0))
    assert found == [utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 0), utc(2026, 3, 9, 6, 30)]
    assert found[1].astimezone(ny.zone).time() == time(3, 0)


def test_new_york_autumn_repeat_posts_once_the_first_time() -> None:
    # 2026-11-01: 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST).
    ny = schedule("01:30", "America/New_York")
    found = occurrences(ny, utc(2026, 10, 31, 12), utc(2026, 11, 2, 12))
    assert found == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]


def test_london_spring_gap_and_autumn_repeat() -> None:
    london = schedule("01:30", "Europe/London")
    # 2026-03-29: 01:00 GMT jumps to 02:00 BST (01:00 UTC)
    assert occurrences(london, utc(2026, 3, 28, 12), utc(2026, 3, 29, 12)) == [utc(2026, 3, 29, 1, 0)]
    # 2026-10-25: 01:30 BST (00:30 UTC) then 01:30 GMT (01:30 UTC): the first
    assert occurrences(london, utc(2026, 10, 24, 12), utc(2026, 10, 25, 12)) == [utc(2026, 10, 25, 0, 30)]


def test_sydney_gap_and_repeat_in_the_southern_hemisphere() -> None:
    sydney = schedule("02:30", "Australia/Sydney")
    # 2026-10-04: 02:00 AEST jumps to 03:00 AEDT (16:00 UTC the day before)
    assert occurrences(sydney, utc(2026, 10, 3, 0), utc(2026, 10, 4, 0)) == [utc(2026, 10, 3, 16, 0)]
    # 2026-04-05: 02:30 AEDT (15:30 UTC) and 02:30 AEST (16:30 UTC): the first
    assert occurrences(sydney, utc(2026, 4, 4, 0), utc(2026, 4, 5, 0)) == [utc(2026, 4, 4, 15, 30)]


def test_a_skipped_whole_day_moves_the_occurrence_to_the_next_valid_minute() -> None:
    # Samoa skipped Friday 2011-12-30 entirely (23:59:59 on the 29th was followed by 00:00 on the 31st).
    apia = ZoneInfo("Pacific/Apia")
    shifted = local_occurrence(date(2011, 12, 30), time(8, 0), apia)
    assert shifted.astimezone(apia).replace(tzinfo=None) == datetime(2011, 12, 31, 0, 0)


def test_next_occurrence_is_strictly_after() -> None:
    seoul = schedule("08:00", "Asia/Seoul", WEEKDAYS)
    friday_0800 = utc(2026, 3, 5, 23)  # Friday 2026-03-06 08:00 KST
    assert next_occurrence(seoul, friday_0800 - timedelta(seconds=1)) == friday_0800
    assert next_occurrence(seoul, friday_0800) == utc(2026, 3, 8, 23)  # Monday 03-09 08:00 KST


def test_naive_datetimes_are_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        occurrences(schedule("08:00", "Asia/Seoul"), datetime(2026, 3, 1), utc(2026, 3, 2))


def test_cron_trigger_agrees_with_occurrences_away_from_dst_edges() -> None:
    seoul = schedule("08:00", "Asia/Seoul", frozenset({0, 2, 4}))
    trigger = cron_trigger(seoul)
    start = utc(2026, 3, 1)
    fired: list[datetime] = []
    previous: datetime | None = None
    now = start
    for _ in range(6):
        previous = trigger.get_next_fire_time(previous, now)
        assert previous is not None
        fired.append(previous.astimezone(UTC))
        now = previous
    assert fired == occurrences(seoul, start, fired[-1])


# --- properties: against an independent oracle, over ranges around real DST transitions ------------

def oracle(plan: Schedule, start: datetime, end: datetime) -> list[datetime]:
    """Occurrences by brute force on a 15-minute UTC grid: for each scheduled local date, the first
    instant whose local time is at or after the scheduled time (covers gaps and repeats alike).

    Valid for the zones here: whole-hour offsets and transitions away from midnight.
    """
    zone = plan.zone
    first_at: dict[date, datetime] = {}
    moment = start.replace(minute=0, second=0, microsecond=0) - timedelta(days=2)
    while moment <= end + timedelta(days=2):
        local = moment.astimezone(zone)
        if local.weekday() in plan.days and local.time() >= plan.time and local.date() not in first_at:
            first_at[local.date()] = moment
        moment += QUARTER_HOUR
    return sorted(o for o in first_at.values() if start < o <= end)


ANCHORS = {zone: transitions(zone, 2026) or [utc(2026, 3, 29, 1), utc(2026, 10, 25, 1)] for zone in ZONES}


@st.composite
def cases(draw: st.DrawFn) -> tuple[Schedule, datetime, datetime]:
    zone = draw(st.sampled_from(ZONES))
    days = draw(st.one_of(st.just(DAILY), st.frozensets(st.integers(0, 6), min_size=1)))
    anchor = draw(st.sampled_from(ANCHORS[zone]))
    if draw(st.booleans()):  # a wall-clock time in or next to the jump, where gaps and repeats are
        offset_before = (anchor - timedelta(seconds=1)).astimezone(ZoneInfo(zone)).utcoffset()
        assert offset_before is not None
        wall_at_jump = (anchor + offset_before).replace(tzinfo=None)
        at = (wall_at_jump + QUARTER_HOUR * draw(st.integers(-4, 4))).time()
    else:
        at = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45])))
    start = anchor + QUARTER_HOUR * draw(st.integers(-4 * 24 * 3, 4 * 24 * 3))
    start += timedelta(seconds=draw(st.integers(0, 899)))  # ranges need not be on the grid
    end = start + timedelta(seconds=draw(st.integers(0, 9 * 24 * 3600)))
    return Schedule(days, at, zone), start, end


@settings(max_examples=300, deadline=None)
@given(cases())
def test_occurrences_match_the_brute_force_oracle(case: tuple[Schedule, datetime, datetime]) -> None:
    plan, start, end = case
    assert occurrences(plan, start, end) == oracle(plan, start, end)


@settings(max_examples=200, deadline=None)
@given(cases())
def test_occurrences_are_sorted_unique_utc_and_one_per_scheduled_local_day(
    case: tuple[Schedule, datetime, datetime],
) -> None:
    plan, start, end = case
    found = occurrences(plan, start, end)
    assert found == sorted(set(found))
    assert all(o.tzinfo is UTC and o.second == 0 and start < o <= end for o in found)
    local_days = [o.astimezone(plan.zone).date() for o in found]
    assert len(local_days) == len(set(local_days))
    assert all(day.weekday() in plan.days for day in local_days)
    for moment in found:  # on time, or later the same day only when the time was skipped
        local = moment.astimezone(plan.zone)
        if local.time() != plan.time:
            assert local.time() > plan.time
            assert local_occurrence(local.date(), plan.time, plan.zone) == moment


@settings(max_examples=200, deadline=None)
@given(cases())
def test_splitting_a_range_loses_and_repeats_nothing(case: tuple[Schedule, datetime, datetime]) -> None:
    plan, start, end = case
    middle = start + (end - start) / 3
    assert occurrences(plan, start, middle) + occurrences(plan, middle, end) == occurrences(plan, start, end)


@settings(max_examples=200, deadline=None)
@given(cases())
def test_next_occurrence_is_the_first_occurrence_after(case: tuple[Schedule, datetime, datetime]) -> None:
    plan, start, _ = case
    following = next_occurrence(plan, start)
    assert following > start
    assert occurrences(plan, start, following) == [following]
