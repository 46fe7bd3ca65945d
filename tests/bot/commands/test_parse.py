"""Parsing every command in its usual forms, and every refusal with what it tells the user."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from bot.commands.errors import UserError, is_unsafe
from bot.commands.parse import parse_command, parse_line
from bot.commands.results import (
    DigestCommand,
    FeedAddCommand,
    FeedEnableCommand,
    FeedRemoveCommand,
    FeedsCommand,
    HelpCommand,
    LatestCommand,
    LatestKind,
    PairCommand,
    ParsedCommand,
    PauseCommand,
    RegionsCommand,
    ResumeCommand,
    ScheduleCommand,
    ShowCommand,
    SourceExcludeCommand,
    SourceIncludeCommand,
    SubscribeCommand,
    TopicAddCommand,
    TopicRemoveCommand,
    TopicsCommand,
    UnsubscribeCommand,
)
from bot.commands.spec import COMMANDS, CommandSpec
from bot.commands.values import DigestMode


def refused(line: str, custom_topics: tuple[str, ...] = ()) -> UserError:
    with pytest.raises(UserError) as caught:
        parse_line(line, custom_topics=custom_topics)
    error = caught.value
    assert error.message and error.hint, "every refusal says what is wrong and what to do"
    assert not is_unsafe(" ".join(error.text.split())), "a refusal never echoes markup back"
    return error


def pair(line: str) -> PairCommand:
    parsed = parse_line(line)
    assert isinstance(parsed, PairCommand)
    return parsed


# The three spellings, case ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parse",
    [
        lambda: parse_line("/news pair korea japan"),
        lambda: parse_line("news pair korea japan"),
        lambda: parse_line("  NEWS   Pair   Korea   JAPAN  "),
        lambda: parse_command("news", "pair korea japan"),
        lambda: parse_command("/news", "PAIR korea japan"),
        lambda: parse_command("News", "  pair\tkorea\njapan "),
    ],
)
def test_line_and_root_plus_text_forms_agree(parse: object) -> None:
    assert callable(parse)
    parsed = parse()
    assert isinstance(parsed, PairCommand)
    assert (parsed.first.code, parsed.second.code, parsed.since) == ("KR", "JP", timedelta(days=7))


def test_command_words_and_option_names_ignore_case() -> None:
    assert isinstance(parse_line("News-Admin SHOW"), ShowCommand)
    assert isinstance(parse_line("NEWS-ADMIN Feed ADD https://example.com/rss"), FeedAddCommand)
    parsed = parse_line("news-admin subscribe COUNTRIES=kr ITEMS=3 Mode=HEADLINES")
    assert isinstance(parsed, SubscribeCommand)
    assert (parsed.items, parsed.mode) == (3, DigestMode.HEADLINES)


def test_a_bare_root_asks_for_help() -> None:
    assert parse_line("/news") == HelpCommand(None)
    assert parse_command("news", "   ") == HelpCommand(None)
    assert parse_line("news-admin") == HelpCommand("news-admin")


# /news pair ---------------------------------------------------------------------------------------


def test_pair_with_period_and_quotes() -> None:
    parsed = pair('news pair "south korea" japan 30d')
    assert (parsed.first.code, parsed.second.code, parsed.since) == ("KR", "JP", timedelta(days=30))
    assert pair("news pair “South Korea” Japanese 2w").since == timedelta(weeks=2)
    assert pair("news pair ‘south korea’ JP 24h").since == timedelta(hours=24)
    assert pair("news pair US china since=1w").second.code == "CN"
    assert pair("news pair second=JP first=KR").first.code == "KR"


def test_pair_keeps_how_an_unclear_name_was_read() -> None:
    assert pair("news pair korea japan").first.note


def test_pair_refusals() -> None:
    error = refused("news pair atlantis japan")
    assert 'Unknown country "atlantis".' in error.message
    assert error.hint == "Use a name, demonym or two-letter code, e.g. /news pair korea japan"
    assert "could mean" in refused("news pair congo japan").message
    error = refused("news pair south korea japan")
    assert '"south korea"' in error.hint
    error = refused("news pair korea")
    assert "COUNTRY2" in error.message and "Usage: /news pair COUNTRY1 COUNTRY2 [SINCE]" in error.hint
    assert "one too many" in refused("news pair korea japan 7d extra").message
    assert "too long" in refused("news pair korea japan 400d").message
    assert "too short" in refused("news pair korea japan 0h").message
    assert "Both countries are Japan" in refused("news pair japan JP").message
    assert "Unknown option" in refused("news pair korea japan days=3").message
    assert "given twice" in refused("news pair korea japan since=1d since=2d").message
    assert "Unknown country" in refused("news pair korea 42").message


# /news latest -------------------------------------------------------------------------------------


def latest(line: str, custom_topics: tuple[str, ...] = ()) -> LatestCommand:
    parsed = parse_line(line, custom_topics=custom_topics)
    assert isinstance(parsed, LatestCommand)
    return parsed


def test_latest_takes_the_query_as_country_region_topic_or_text() -> None:
    country = latest("news latest japan")
    assert country.kind is LatestKind.COUNTRY and country.country is not None and country.country.code == "JP"
    region = latest("news latest east asia")
    assert region.kind is LatestKind.REGION and region.region is not None and region.region.slug == "east-asia"
    topic = latest("news latest diplomacy")
    assert topic.kind is LatestKind.TOPIC and topic.topic is not None and topic.topic.slug == "diplomacy"
    text = latest("news latest   chip   export controls")
    assert (text.kind, text.value, text.words) == (
        LatestKind.TEXT,
        "chip export controls",
        "chip export controls",
    )
    custom = latest("news latest Chips", custom_topics=("chips",))
    assert (custom.kind, custom.value) == (LatestKind.CUSTOM_TOPIC, "chips")
    assert latest('news latest "south korea"').kind is LatestKind.COUNTRY
    assert latest("news latest a=b").value == "a=b"


def test_latest_refusals() -> None:
    assert "needs QUERY" in refused("news latest").message
    assert "too long" in refused("news latest " + "word " * 60).message
    assert "could mean" in refused("news latest congo").message
    assert "no letters or digits" in refused("news latest ???").message


# /news digest, topics, regions, help --------------------------------------------------------------


def test_commands_without_arguments() -> None:
    assert parse_line("news digest") == DigestCommand()
    assert parse_line("news topics") == TopicsCommand()
    assert parse_line("news regions") == RegionsCommand()
    error = refused("news digest now")
    assert "takes no arguments" in error.message and "Usage: /news digest" in error.hint
    assert "takes no options" in refused("news topics all=yes").message


def test_help() -> None:
    assert parse_line("news help") == HelpCommand(None)
    assert parse_line("news help pair") == HelpCommand("news pair")
    assert parse_line("news help /news-admin topic ADD") == HelpCommand("news-admin topic add")
    assert parse_line("news help feeds") == HelpCommand("news-admin feeds")
    assert parse_line("news help news-admin") == HelpCommand("news-admin")
    assert "Did you mean: pair" in refused("news help pari").message


# /news-admin subscribe ----------------------------------------------------------------------------


def subscribe(line: str, custom_topics: tuple[str, ...] = ()) -> SubscribeCommand:
    parsed = parse_line(line, custom_topics=custom_topics)
    assert isinstance(parsed, SubscribeCommand)
    return parsed


def test_subscribe_full_form() -> None:
    parsed = subscribe(
        'news-admin subscribe countries=KR,JP regions=east-asia topics=diplomacy,defence terms="chip export" '
        "items=8 mode=headlines"
    )
    assert [c.code for c in parsed.countries] == ["KR", "JP"]
    assert [r.slug for r in parsed.regions] == ["east-asia"]
    assert [t.slug for t in parsed.topics] == ["diplomacy", "defence"]
    assert parsed.terms == ("chip export",)
    assert (parsed.items, parsed.mode, parsed.admin_only) == (8, DigestMode.HEADLINES, True)


def test_subscribe_defaults_names_demonyms_lists_with_spaces_and_repeats() -> None:
    parsed = subscribe('news-admin subscribe countries="south korea, japanese",KR')
    assert [c.code for c in parsed.countries] == ["KR", "JP"]
    assert (parsed.items, parsed.mode, parsed.regions, parsed.topics, parsed.terms) == (
        8,
        DigestMode.FULL,
        (),
        (),
        (),
    )
    assert [c.code for c in subscribe("news-admin subscribe countries=KR, JP, CN").countries] == [
        "KR",
        "JP",
        "CN",
    ]
    assert subscribe('news-admin subscribe terms="chip export, rare earths"').terms == (
        "chip export",
        "rare earths",
    )


def test_subscribe_accepts_the_channels_custom_topics() -> None:
    parsed = subscribe("news-admin subscribe topics=diplomacy,chips", custom_topics=("chips",))
    assert [t.slug for t in parsed.topics] == ["diplomacy"] and parsed.custom_topics == ("chips",)


def test_subscribe_refusals() -> None:
    error = refused("news-admin subscribe items=5")
    assert "needs at least one of countries=, regions=, topics=, terms=" in error.message
    assert "Usage: /news-admin subscribe" in error.hint
    assert "out of range" in refused("news-admin subscribe countries=KR items=21").message
    assert "out of range" in refused("news-admin subscribe countries=KR items=0").message
    assert "whole number" in refused("news-admin subscribe countries=KR items=many").message
    assert "Unknown mode" in refused("news-admin subscribe countries=KR mode=brief").message
    error = refused("news-admin subscribe countrys=KR")
    assert 'Unknown option "countrys="' in error.message and "Did you mean: countries=" in error.message
    assert "given twice" in refused("news-admin subscribe countries=KR countries=JP").message
    assert "is empty" in refused("news-admin subscribe countries=").message
    assert "has no values" in refused("news-admin subscribe countries=,,").message
    assert "Unknown country" in refused("news-admin subscribe countries=KR,atlantis").message
    assert "Unknown region" in refused("news-admin subscribe regions=atlantis").message
    error = refused("news-admin subscribe topics=chipz", custom_topics=("chips",))
    assert "Unknown topic" in error.message and "chips" in error.message and "/news topics" in error.hint
    assert "Too many countries" in refused("news-admin subscribe countries=" + ",".join(["KR"] * 31)).message
    assert "one too many" in refused("news-admin subscribe korea").message


# /news-admin schedule -----------------------------------------------------------------------------


def test_schedule() -> None:
    parsed = parse_line("news-admin schedule weekdays 08:00 Asia/Seoul")
    assert isinstance(parsed, ScheduleCommand)
    assert parsed.schedule.days == frozenset(range(5))
    assert (parsed.schedule.time, parsed.schedule.timezone) == (time(8), "Asia/Seoul")
    assert parsed.schedule.day_of_week == "mon-fri"
    other = parse_line("news-admin schedule Mon,Wed,Fri 18:30 europe/london")
    assert isinstance(other, ScheduleCommand) and other.schedule.day_of_week == "mon,wed,fri"


def test_schedule_refusals() -> None:
    assert "Did you mean: Asia/Seoul" in refused("news-admin schedule daily 08:00 Seoul").message
    assert "24-hour HH:MM" in refused("news-admin schedule daily 25:00 UTC").hint
    assert "24-hour" in refused("news-admin schedule daily 8am UTC").message
    assert "Unknown day" in refused("news-admin schedule mon,funday 08:00 UTC").message
    assert "the days come first" in refused("news-admin schedule 08:00 daily UTC").message
    error = refused("news-admin schedule daily 08:00")
    assert "needs TIMEZONE" in error.message and "Usage: /news-admin schedule DAYS HH:MM TIMEZONE" in error.hint


# pause, resume, unsubscribe, show, feeds ------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("news-admin pause", PauseCommand()),
        ("news-admin resume", ResumeCommand()),
        ("news-admin unsubscribe", UnsubscribeCommand()),
        ("news-admin show", ShowCommand()),
        ("news-admin feeds", FeedsCommand()),
    ],
)
def test_admin_commands_without_arguments(line: str, expected: ParsedCommand) -> None:
    parsed = parse_line(line)
    assert parsed == expected and parsed.admin_only
    assert "takes no arguments" in refused(f"{line} now").message


# /news-admin topic --------------------------------------------------------------------------------


def test_topic_add_and_remove() -> None:
    parsed = parse_line('news-admin topic add Chips keywords="semiconductor, chip export" exclude="potato chips"')
    assert isinstance(parsed, TopicAddCommand)
    assert parsed.custom.slug == "chips"
    assert list(parsed.custom.keywords) == ["semiconductor", "chip export"]
    assert list(parsed.custom.exclude) == ["potato chips"]
    assert parse_line("news-admin topic remove chips") == TopicRemoveCommand("chips")


def test_topic_refusals() -> None:
    assert "built-in topic" in refused('news-admin topic add diplomacy keywords="talks"').message
    assert "keywords=" in refused("news-admin topic add chips").message
    error = refused('news-admin topic add chips keywords=""')
    assert "keywords= is empty" in error.message and 'keywords="a, b"' in error.hint
    assert "at least 1 keyword" in refused('news-admin topic add chips keywords=", ,"').message
    assert "too short" in refused('news-admin topic add chips keywords="a"').message
    assert "too long" in refused(f'news-admin topic add chips keywords="{"x" * 61}"').message
    many = ", ".join(f"kw{n}" for n in range(51))
    assert "Too many keywords" in refused(f'news-admin topic add chips keywords="{many}"').message
    assert "2 to 40 lower-case" in refused('news-admin topic add "my chips" keywords="chip"').hint
    assert "built-in topic" in refused("news-admin topic remove diplomacy").message
    error = refused("news-admin topic")
    assert "needs one of: add, remove" in error.message and "/news-admin topic add NAME" in error.hint


# /news-admin feed, source -------------------------------------------------------------------------


def test_feeds_and_sources() -> None:
    url = "https://example.com/rss.xml?edition=intl"
    assert parse_line(f"news-admin feed add {url}") == FeedAddCommand(url)
    assert parse_line(f"news-admin feed remove {url}") == FeedRemoveCommand(url)
    assert parse_line(f"news-admin feed enable url={url}") == FeedEnableCommand(url)
    assert parse_line("news-admin source exclude https://www.Example.com/news") == SourceExcludeCommand("example.com")
    assert parse_line("news-admin source include bbc.co.uk") == SourceIncludeCommand("bbc.co.uk")


def test_feed_and_source_refusals() -> None:
    assert "http" in refused("news-admin feed add ftp://example.com/rss").message
    assert "too long" in refused("news-admin feed add https://example.com/" + "a" * 990).message
    assert "needs URL" in refused("news-admin feed add").message
    assert "Did you mean: add" in refused("news-admin feed ad https://example.com/rss").message
    assert "is not a domain" in refused("news-admin source exclude not_a_domain").message


# Unknown commands, roots, lengths, quotes -----------------------------------------------------------


def test_unknown_commands_get_the_closest_suggestion() -> None:
    error = refused("news pari korea japan")
    assert 'Unknown command "pari"' in error.message and "Did you mean: pair?" in error.message
    assert "pair, latest, digest" in error.hint
    error = refused("news subscribe countries=KR")
    assert "is a /news-admin command" in error.message and "/news-admin subscribe" in error.hint
    assert "is a /news command" in refused("news-admin pair korea japan").message
    assert "Did you mean: /news" in refused("nws pair korea japan").message
    assert "/news pair" in refused("pair korea japan").hint
    assert "commands start with /news or /news-admin" in refused("hello").message


def test_over_long_input_is_refused_without_echo() -> None:
    error = refused("news latest " + "a" * 1000)
    assert "too long" in error.message and "at most 1000" in error.message
    assert "a" * 50 not in error.text
    assert "too long" in refused("x" * 100_000).message
    with pytest.raises(UserError):
        parse_command("news" * 100, "pair korea japan")


def test_unbalanced_quotes() -> None:
    error = refused('news pair "south korea japan')
    assert "never closed" in error.message and '"south korea" japan' in error.hint
    assert "never closed" in refused("news pair “south korea japan").message
    assert "never closed" in refused('news-admin subscribe terms="chip export').message


INJECTIONS = [
    "<@U123>",
    "<!channel>",
    "<!here>",
    "<#C123>",
    "<https://evil.example|click me>",
    "@everyone",
    "@here",
    "<@123>",
    "<@!123>",
    "<@&123>",
    "<#123>",
    "a\x00b",
    "a\x1bb",
    "evil\u202etxt",
]


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize(
    "template",
    [
        "news latest {}",
        "news pair {} japan",
        'news-admin subscribe terms="{} export"',
        'news-admin topic add chips keywords="chip, {}"',
        'news-admin topic add chips keywords="chip" exclude="{}"',
        "news {}",
        "{} pair korea japan",
        "news help {}",
        "news-admin source exclude {}",
    ],
)
def test_mentions_markup_and_control_characters_are_refused_unechoed(template: str, payload: str) -> None:
    error = refused(template.format(payload))
    assert payload not in error.text
    assert "don't accept" in error.message
    assert "no @-mentions" in error.hint


def test_injection_through_the_adapter_form_is_refused_too() -> None:
    with pytest.raises(UserError) as caught:
        parse_command("news", "latest <!here> now")
    assert "<!here>" not in caught.value.text
    with pytest.raises(UserError):
        parse_command("<@U1>", "pair korea japan")


# The declarations and the result types ------------------------------------------------------------


@pytest.mark.parametrize("spec", COMMANDS, ids=lambda spec: spec.path)
def test_every_declared_example_parses_to_its_command_and_back(spec: CommandSpec) -> None:
    for example in spec.examples:
        parsed = parse_line(example)
        assert parsed.spec is spec
        assert parsed.admin_only is spec.admin_only
        assert parse_line(parsed.text) == parsed or parse_line(parsed.text).text == parsed.text


def test_canonical_text() -> None:
    assert parse_line('news pair "south korea" japanese 168h').text == "news pair KR JP 1w"
    line = 'news-admin subscribe terms="chip export" countries=kr items=3'
    assert parse_line(line).text == 'news-admin subscribe countries=KR terms="chip export" items=3 mode=full'
