"""When a channel's digest is posted: days of the week, a 24-hour local time and an IANA time zone."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.commands.errors import UserError, closest, did_you_mean, shown

__all__ = [
    "DAY_NAMES",
    "Schedule",
    "format_days",
    "parse_days",
    "parse_schedule",
    "parse_time",
    "parse_timezone",
]

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAYS = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
WEEKENDS = frozenset({5, 6})

_DAY_WORDS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_DAY_SETS = {
    "daily": ALL_DAYS,
    "everyday": ALL_DAYS,
    "weekdays": WEEKDAYS,
    "weekends": WEEKENDS,
    "weekend": WEEKENDS,
}
_DAYS_HINT = "Use daily, weekdays, weekends or days from mon to sun, e.g. mon,wed,fri or mon-fri."
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_TWELVE_HOUR = re.compile(r"([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*([ap])\.?m\.?")
_TIME_HINT = "Write the time as 24-hour HH:MM, e.g. 08:00 or 20:30."
_ZONE_HINT = "Use an IANA time zone name, e.g. Asia/Seoul, Europe/London or America/New_York."
_MAX_ZONE_CHARS = 64
# Names in the zone database that are not places to schedule by.
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})
# Abbreviations people type for a zone; they are not IANA names, so they become suggestions.
_ABBREVIATIONS = {
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "mdt": "America/Denver",
    "cst": "America/Chicago", "cdt": "America/Chicago", "edt": "America/New_York",
    "bst": "Europe/London", "cest": "Europe/Paris", "eet": "Europe/Athens", "msk": "Europe/Moscow",
    "ist": "Asia/Kolkata", "sgt": "Asia/Singapore", "hkt": "Asia/Hong_Kong", "kst": "Asia/Seoul",
    "jst": "Asia/Tokyo", "aest": "Australia/Sydney", "aedt": "Australia/Sydney", "nzst": "Pacific/Auckland",
}  # fmt: skip


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones() if name not in _NOT_ZONES}


def _format_day_runs(days: frozenset[int], *, range_from: int) -> str:
    """Days in order, runs of ``range_from`` or more consecutive days written as "mon-wed"."""
    ordered = sorted(days)
    runs: list[list[int]] = []
    for day in ordered:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= range_from:
            parts.append(f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}")
        else:
            parts.extend(DAY_NAMES[day] for day in run)
    return ",".join(parts)


def format_days(days: frozenset[int]) -> str:
    """ "daily", "weekdays", "weekends" or a list such as "mon,wed,fri": what ``parse_days`` reads."""
    for word in ("daily", "weekdays", "weekends"):
        if days == _DAY_SETS[word]:
            return word
    return _format_day_runs(days, range_from=8)  # never a range: lists read more plainly in a reply


@dataclass(frozen=True, slots=True)
class Schedule:
    """Post on ``days`` (0 = Monday) at ``time`` (local, no seconds) in the IANA zone ``timezone``."""

    days: frozenset[int]
    time: dt.time
    timezone: str

    def __post_init__(self) -> None:
        if not self.days or not self.days <= ALL_DAYS:
            raise ValueError(f"days must be a non-empty set of 0..6, not {sorted(self.days)}")
        if self.time.tzinfo is not None or self.time.second or self.time.microsecond:
            raise ValueError("time must be a naive hour and minute")
        if self.timezone not in _zones_by_folded_name().values():
            raise ValueError(f"unknown time zone {self.timezone!r}")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def days_text(self) -> str:
        return format_days(self.days)

    @property
    def day_of_week(self) -> str:
        """The days as APScheduler's ``CronTrigger(day_of_week=...)`` reads them: "*", "mon-fri"."""
        if self.days == ALL_DAYS:
            return "*"
        return _format_day_runs(self.days, range_from=3)

    @property
    def text(self) -> str:
        """The schedule as the command's arguments: ``"weekdays 08:00 Asia/Seoul"``."""
        return f"{self.days_text} {self.time:%H:%M} {self.timezone}"

    def describe(self) -> str:
        """For people: ``"weekdays at 08:00 (Asia/Seoul)"``."""
        return f"{self.days_text} at {self.time:%H:%M} ({self.timezone})"

    def trigger_fields(self) -> dict[str, str | int]:
        """Keyword arguments for ``apscheduler.triggers.cron.CronTrigger``."""
        return {
            "day_of_week": self.day_of_week,
            "hour": self.time.hour,
            "minute": self.time.minute,
            "timezone": self.timezone,
        }


def _day_number(word: str, original: str) -> int:
    if word in _DAY_WORDS:
        return _DAY_WORDS[word]
    suggestions = closest(word, list(_DAY_WORDS) + list(_DAY_SETS))
    where = f" in {shown(original)}" if word != original.strip().casefold() else ""
    raise UserError(f"Unknown day {shown(word)}{where}.{did_you_mean(suggestions)}", _DAYS_HINT)


def parse_days(text: str) -> frozenset[int]:
    """``daily``, ``weekdays``, ``weekends``, or comma-separated days and ranges (``mon,wed-fri``)."""
    value = text.strip().casefold()
    if value in _DAY_SETS:
        return _DAY_SETS[value]
    if _TIME.fullmatch(value) or _TWELVE_HOUR.fullmatch(value):
        raise UserError(
            f"{shown(text)} is a time, but the days come first.",
            "Give days, time and zone in that order, e.g. /news-admin schedule weekdays 08:00 Asia/Seoul",
        )
    days: set[int] = set()
    for item in value.split(","):
        if not item:
            raise UserError(f"The day list {shown(text)} has an empty entry.", _DAYS_HINT)
        if "-" in item:
            first_word, _, last_word = item.partition("-")
            first, last = _day_number(first_word, text), _day_number(last_word, text)
            # A range may wrap past Sunday: "fri-mon" is Friday to Monday.
            span = (last - first) % 7
            days.update((first + step) % 7 for step in range(span + 1))
        else:
            days.add(_day_number(item, text))
    return frozenset(days)


def parse_time(text: str) -> dt.time:
    """A 24-hour ``HH:MM`` (``8:00`` is read as 08:00)."""
    value = text.strip().casefold()
    match = _TIME.fullmatch(value)
    if match is None:
        twelve = _TWELVE_HOUR.fullmatch(value)
        if twelve is not None and 1 <= int(twelve.group(1)) <= 12:
            hour = int(twelve.group(1)) % 12 + (12 if twelve.group(3) == "p" else 0)
            minute = twelve.group(2) or "00"
            raise UserError(f"Use 24-hour time: {shown(text)} is {hour:02d}:{minute}.", _TIME_HINT)
        raise UserError(f"{shown(text)} is not a 24-hour HH:MM time.", _TIME_HINT)
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise UserError(f"{shown(text)} is not a time of day: hours go 00-23 and minutes 00-59.", _TIME_HINT)
    return dt.time(hour, minute)


def _zone_suggestions(value: str) -> list[str]:
    zones = _zones_by_folded_name()
    folded = value.casefold().replace(" ", "_")
    found: list[str] = []
    if folded in _ABBREVIATIONS:
        found.append(_ABBREVIATIONS[folded])
    by_city: dict[str, list[str]] = {}
    for name in zones.values():
        by_city.setdefault(name.rsplit("/", 1)[-1].casefold(), []).append(name)
    found.extend(sorted(by_city.get(folded, [])))
    if found:  # an exact city or a known abbreviation: fuzzy guesses would only add noise
        return found[:3]
    for city in closest(folded, by_city) if len(folded) >= 3 else []:
        found.extend(sorted(by_city[city.casefold()]))
    found.extend(zones[key] for key in closest(folded, zones) if "/" in folded)
    return list(dict.fromkeys(found))[:3]


def parse_timezone(text: str) -> str:
    """An IANA zone name in its canonical spelling (``asia/seoul`` -> ``Asia/Seoul``)."""
    value = text.strip()
    if not value:
        raise UserError("The time zone is missing.", _ZONE_HINT)
    if len(value) > _MAX_ZONE_CHARS:
        raise UserError("That time zone name is too long to be one.", _ZONE_HINT)
    canonical = _zones_by_folded_name().get(value.casefold())
    if canonical is not None:
        return canonical
    suggestions = _zone_suggestions(value)
    raise UserError(f"Unknown time zone {shown(value)}.{did_you_mean(suggestions)}", _ZONE_HINT)


def parse_schedule(days: str, at: str, timezone: str) -> Schedule:
    """The three arguments of ``/news-admin schedule`` as one ``Schedule``."""
    return Schedule(parse_days(days), parse_time(at), parse_timezone(timezone))
