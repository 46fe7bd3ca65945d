"""Autocomplete suggestions: countries by name, demonym or code; lists; time zones; help paths."""

from __future__ import annotations

from adapters.discord.autocomplete import (
    SUGGESTERS,
    command_paths,
    countries,
    days,
    regions,
    timezones,
    topics,
)
from bot.commands.spec import ArgKind


def _values(suggestions: list[tuple[str, str]]) -> list[str]:
    return [value for _, value in suggestions]


def test_countries_by_name_demonym_and_code() -> None:
    assert _values(countries("kor")) == ["KP", "KR"]
    assert "JP" in _values(countries("japanese"))
    assert _values(countries("jp"))[0] == "JP"
    assert ("🇰🇷 South Korea (KR)", "KR") in countries("south k")


def test_country_suggestions_are_capped_at_25_and_nonsense_gives_none() -> None:
    assert len(countries("")) == 25
    assert countries("zzzzqqq") == []
    assert countries("x" * 500) == []


def test_a_country_list_completes_its_last_item_and_keeps_the_others() -> None:
    suggest = SUGGESTERS[ArgKind.COUNTRIES]
    values = _values(suggest("KR, japa"))
    assert values[0] == "KR,JP"
    assert all(value.startswith("KR,") for value in values)


def test_regions_topics_days_and_time_zones() -> None:
    assert _values(regions("east"))[0] == "east-asia"
    assert "diplomacy" in _values(topics("diplo"))
    assert _values(days("week")) == ["weekdays", "weekends"]
    assert _values(timezones("seoul")) == ["Asia/Seoul"]
    assert "America/New_York" in _values(timezones("new y"))
    assert all(len(name) <= 100 and len(value) <= 100 for name, value in timezones(""))


def test_help_offers_command_paths() -> None:
    assert _values(command_paths("pa")) == ["pair", "news-admin pause"]  # starts with first, then contains
    assert "news-admin topic add" in _values(command_paths("news-admin t"))
