"""Autocomplete suggestions for command options, by the kind of argument the grammar declares.

Each function takes what the user has typed so far and returns at most 25 (name, value) pairs.
Lists (``countries=KR,JP``) complete their last item and keep the items before it.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import cache

from adapters.discord.limits import CHOICE_NAME_MAX, CHOICE_VALUE_MAX, CHOICES_MAX, clip
from bot.commands.spec import COMMANDS, ArgKind
from digests.countries import country_suggestions, flag
from digests.regions import all_regions
from digests.topics import all_topics

Suggestion = tuple[str, str]  # (shown name, value sent back)
Suggester = Callable[[str], list[Suggestion]]

SCHEDULE_DAYS = ("daily", "weekdays", "weekends", "mon,wed,fri", "tue,thu", "sat,sun")


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _ranked(current: str, options: list[tuple[str, str, str]]) -> list[Suggestion]:
    """(searched text, name, value) -> those whose text starts with ``current`` first, then those
    containing it, each group in the given order."""
    key = _fold(current)
    starts = [(name, value) for text, name, value in options if _fold(text).startswith(key)]
    contains = [(name, value) for text, name, value in options
                if key and key in _fold(text) and not _fold(text).startswith(key)]
    return _capped(starts + contains)


def _capped(suggestions: list[Suggestion]) -> list[Suggestion]:
    seen: set[str] = set()
    kept: list[Suggestion] = []
    for name, value in suggestions:
        if value in seen or not value or len(value) > CHOICE_VALUE_MAX:
            continue
        seen.add(value)
        kept.append((clip(name, CHOICE_NAME_MAX), value))
        if len(kept) == CHOICES_MAX:
            break
    return kept


def countries(current: str) -> list[Suggestion]:
    """Names, demonyms and codes: ``"kor"`` -> South Korea (KR), North Korea (KP), ..."""
    try:
        found = country_suggestions(current.strip()[:60], CHOICES_MAX)
    except ValueError:
        return []
    return _capped([(f"{flag(choice.code)} {choice.name} ({choice.code})", choice.code) for choice in found])


def _last_item(current: str) -> tuple[str, str]:
    """``"KR, jap"`` -> ("KR,", "jap"): the finished items (kept as typed) and the one being typed."""
    head, comma, tail = current.rpartition(",")
    finished = [item.strip() for item in head.split(",") if item.strip()] if comma else []
    return ("".join(f"{item}," for item in finished), tail.strip())


def _list_of(single: Suggester) -> Suggester:
    def suggest(current: str) -> list[Suggestion]:
        head, tail = _last_item(current)
        return _capped([(f"{head}{name}" if head else name, f"{head}{value}") for name, value in single(tail)])

    return suggest


def regions(current: str) -> list[Suggestion]:
    options = [(f"{r.slug} {r.name}", f"{r.name} ({r.slug})", r.slug) for r in all_regions()]
    return _ranked(current, options)


def topics(current: str) -> list[Suggestion]:
    options = [(f"{t.slug} {t.name}", f"{t.name} ({t.slug})", t.slug) for t in all_topics()]
    return _ranked(current, options)


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone or zone == "UTC"))


def timezones(current: str) -> list[Suggestion]:
    """IANA zones: ``"seoul"`` -> Asia/Seoul; both the whole name and its city part are searched."""
    key = _fold(current).replace(" ", "_")
    starts = [z for z in _zones() if _fold(z).startswith(key) or _fold(z.rsplit("/", 1)[-1]).startswith(key)]
    contains = [z for z in _zones() if key and key in _fold(z) and z not in starts]
    return _capped([(zone, zone) for zone in starts + contains])


def days(current: str) -> list[Suggestion]:
    return _ranked(current, [(day, day, day) for day in SCHEDULE_DAYS])


def command_paths(current: str) -> list[Suggestion]:
    """For ``/news help``: the command paths, without the root for ``news`` ones (``pair``)."""
    options = []
    for spec in COMMANDS:
        value = " ".join(spec.words) if spec.root == "news" else spec.path
        options.append((value, f"/{spec.path} — {spec.summary}", value))
    return _ranked(current, options)


SUGGESTERS: dict[ArgKind, Suggester] = {
    ArgKind.COUNTRY: countries,
    ArgKind.COUNTRIES: _list_of(countries),
    ArgKind.REGIONS: _list_of(regions),
    ArgKind.TOPICS: _list_of(topics),
    ArgKind.TIMEZONE: timezones,
    ArgKind.DAYS: days,
    ArgKind.COMMAND: command_paths,
}
"""The argument kinds offered with autocomplete; every other kind is typed freely (or has choices)."""
