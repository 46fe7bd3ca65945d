"""When a schedule's digests fall due: the UTC instants of its local-time occurrences.

A schedule says "weekdays at 08:00 in Asia/Seoul"; delivery needs instants. Daylight-saving time makes
the mapping uneven, so it is decided once here:

- a local time that does not exist that day (the clocks jump over it) falls due at the first valid
  minute after it (02:30 in a 02:00-03:00 gap -> 03:00), once;
- a local time that happens twice (the clocks go back over it) falls due once, the first time.

Each occurrence is an instant to the minute, UTC: the ``period`` of a delivery.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.commands.schedule import Schedule

__all__ = ["Clock", "cron_trigger", "local_occurrence", "next_occurrence", "occurrences", "system_clock"]

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware (UTC). Tests pass a controllable one."""

# The longest jump of the clocks seen in the zone database is a whole day (Samoa, 2011-12-30).
_MAX_GAP = timedelta(days=1, minutes=1)
_ONE_MINUTE = timedelta(minutes=1)
# A weekly schedule has an occurrence in any 7 days; the margin covers a skipped day next to it.
_SEARCH_SPAN = timedelta(days=9)


def system_clock() -> datetime:
    """The real time, UTC."""
    return datetime.now(UTC)


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, not naive: {moment.isoformat()}")
    return moment


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    """Whether the wall-clock time ``naive`` happens in ``zone`` (it does not inside a DST gap)."""
    round_trip = naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None) == naive


def local_occurrence(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of ``day`` at ``at`` in ``zone``: the first of two when repeated, the first valid
    minute after when skipped."""
    naive = datetime.combine(day, at)
    candidate = naive
    while not _exists(candidate, zone):
        candidate += _ONE_MINUTE
        if candidate - naive > _MAX_GAP:  # no zone skips more; a broken tz database should not hang us
            raise ValueError(f"{naive.isoformat()} has no valid time after it in {zone.key}")
    # fold=0 is the earlier of a repeated wall-clock time (PEP 495).
    return candidate.replace(tzinfo=zone, fold=0).astimezone(UTC)


def occurrences(schedule: Schedule, start: datetime, end: datetime) -> list[datetime]:
    """Every occurrence of ``schedule`` in ``(start, end]``, in order, as UTC instants."""
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start:
        return []
    zone = schedule.zone
    # One day either side: the local date of an instant can differ from its UTC date, and a skipped
    # time can move an occurrence into the next day.
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    found: set[datetime] = set()
    while day <= last:
        if day.weekday() in schedule.days:
            instant = local_occurrence(day, schedule.time, zone)
            if start < instant <= end:
                found.add(instant)
        day += timedelta(days=1)
    return sorted(found)


def next_occurrence(schedule: Schedule, after: datetime) -> datetime:
    """The first occurrence of ``schedule`` strictly after ``after``."""
    after = _aware(after, "after")
    upcoming = occurrences(schedule, after, after + _SEARCH_SPAN)
    if not upcoming:  # cannot happen for a valid schedule; say so rather than return a wrong time
        raise ValueError(f"no occurrence of {schedule.describe()} within {_SEARCH_SPAN.days} days of {after}")
    return upcoming[0]


def cron_trigger(schedule: Schedule) -> CronTrigger:
    """An APScheduler cron trigger for the schedule.

    It agrees with ``occurrences`` except at daylight-saving edges: in a gap it fires at the skipped
    time shifted by the jump (02:30 -> 03:30), and a repeated time fires twice. The bot's scheduler
    therefore uses ``occurrences`` itself (``bot.scheduler.ScheduleTrigger``); this is for display and
    for callers that want plain cron behaviour.
    """
    return CronTrigger(**schedule.trigger_fields())
