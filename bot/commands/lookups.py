"""Country, region and topic names as typed in a command, looked up in the engine's own tables.

The engine's resolvers decide what a name means; this module only turns their answers into
``UserError``s that say what was not found, what was probably meant and where the lists are.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from bot.commands.errors import UserError, closest, did_you_mean, shown
from bot.commands.tokens import fold
from bot.commands.values import clean_text
from digests.countries import AmbiguousCountry, CountryChoice, UnknownCountry, resolve_country
from digests.regions import Region, all_regions, resolve_region
from digests.topics import CustomTopic, Topic, all_topics, resolve_topic

__all__ = [
    "builtin_topic_named",
    "country",
    "custom_topic",
    "match_country",
    "match_region",
    "match_topic",
    "region",
    "topic",
]

MAX_NAME_CHARS = 60
_WORDS = re.compile(r"[a-z0-9]+")
_COUNTRY_HINT = "Use a name, demonym or two-letter code, e.g. /news pair korea japan"


def _ambiguous(text: str, error: AmbiguousCountry) -> UserError:
    options = [f"{choice.name} ({choice.code})" for choice in error.choices]
    listed = ", ".join(options[:-1]) + f" or {options[-1]}" if len(options) > 1 else "".join(options)
    return UserError(
        f"{shown(text)} could mean {listed}.",
        "Type the full name or the two-letter code of the one you mean.",
    )


def country(text: str) -> CountryChoice:
    """The one country ``text`` names; ``UserError`` when it names none or several."""
    value = clean_text(text, what="country", max_chars=MAX_NAME_CHARS)
    try:
        return resolve_country(value)
    except UnknownCountry as error:
        raise UserError(f"Unknown country {shown(value)}.{did_you_mean(error.suggestions)}", _COUNTRY_HINT) from None
    except AmbiguousCountry as error:
        raise _ambiguous(value, error) from None


def match_country(text: str) -> CountryChoice | None:
    """The country ``text`` names, None when it names none; ``UserError`` when it fits several."""
    try:
        return resolve_country(text)
    except UnknownCountry:
        return None
    except AmbiguousCountry as error:
        raise _ambiguous(text, error) from None


def match_region(text: str) -> Region | None:
    return resolve_region(text)


def match_topic(text: str) -> Topic | None:
    return resolve_topic(text)


def _names_of(items: Sequence[Region] | Sequence[Topic]) -> list[str]:
    return [item.slug for item in items]


def region(text: str) -> Region:
    """The region ``text`` names (a slug such as east-asia or a name); ``UserError`` otherwise."""
    value = clean_text(text, what="region", max_chars=MAX_NAME_CHARS)
    found = resolve_region(value)
    if found is None:
        suggestions = closest(value.replace(" ", "-"), _names_of(all_regions()))
        raise UserError(f"Unknown region {shown(value)}.{did_you_mean(suggestions)}", "See /news regions for the list.")
    return found


def builtin_topic_named(name: str) -> Topic | None:
    """The built-in topic whose slug or display name is exactly ``name`` (a slug), if any.

    Stricter than ``match_topic``, which also reads a topic's words ("talks" -> diplomacy): a custom
    topic may use such a word as its name, since the channel's own names are looked up first.
    """
    for candidate in all_topics():
        if name in (candidate.slug, "-".join(_WORDS.findall(candidate.name.lower()))):
            return candidate
    return None


def topic(text: str, custom_topics: Collection[str] = ()) -> Topic | str:
    """One of ``custom_topics`` (names given folded, see ``tokens.fold``), checked first because the
    channel named it, else a built-in topic; ``UserError`` for neither."""
    value = clean_text(text, what="topic", max_chars=MAX_NAME_CHARS)
    folded = fold(value)
    if folded in custom_topics:
        return folded
    found = resolve_topic(value)
    if found is not None:
        return found
    suggestions = closest(value.replace(" ", "-"), [*_names_of(all_topics()), *custom_topics])
    raise UserError(
        f"Unknown topic {shown(value)}.{did_you_mean(suggestions)}",
        "See /news topics for the list, or make your own with /news-admin topic add.",
    )


def custom_topic(name: str, keywords: Sequence[str], exclude: Sequence[str]) -> CustomTopic:
    """A ``CustomTopic`` from already checked parts; the engine's own checks become a ``UserError``."""
    try:
        return CustomTopic(name, tuple(keywords), tuple(exclude))
    except ValueError as error:
        raise UserError(
            f"That topic cannot be made: {error}.",
            'e.g. /news-admin topic add chips keywords="chip, foundry"',
        ) from None
