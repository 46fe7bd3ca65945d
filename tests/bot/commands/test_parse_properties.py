"""Property tests: no input string gets anything but a UserError out of the parser, refusals never echo
markup, and every successful parse reads back from its own canonical text."""

from __future__ import annotations

import string
from datetime import timedelta
from zoneinfo import available_timezones

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands.errors import UserError, is_unsafe
from bot.commands.parse import parse_command, parse_line
from bot.commands.results import ParsedCommand
from bot.commands.schedule import DAY_NAMES, format_days
from bot.commands.spec import COMMANDS, GROUPS, MAX_LINE_CHARS, ROOTS, command
from bot.commands.values import format_period
from digests.countries import all_country_codes
from digests.regions import all_regions
from digests.topics import all_topics, resolve_topic

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CUSTOM = ("chips", "my-watch")

COUNTRY_CODES = sorted(all_country_codes())
REGION_SLUGS = sorted(region.slug for region in all_regions())
TOPIC_SLUGS = sorted(topic.slug for topic in all_topics())
ZONES = sorted(zone for zone in available_timezones() if "/" in zone)

ROOT_WORDS = ["news", "/news", "news-admin", "/news-admin", "NEWS", "News-Admin", "/", "nws"]
COMMAND_WORDS = sorted({word for spec in COMMANDS for word in spec.words} | {group.word for group in GROUPS})
VALUE_WORDS = [
    "korea",
    "KR",
    "JP",
    '"south korea"',
    "“south korea”",
    "‘north korea’",
    "japanese",
    "congo",
    "atlantis",
    "7d",
    "30d",
    "0h",
    "400d",
    "1m",
    "since=2w",
    "daily",
    "weekdays",
    "mon,wed,fri",
    "fri-mon",
    "funday",
    "08:00",
    "25:00",
    "8am",
    "Asia/Seoul",
    "Seoul",
    "UTC",
    "https://example.com/rss",
    "ftp://x",
    "example.com",
    "east-asia",
    "diplomacy",
    "defence",
    "chips",
    "countries=KR,JP",
    "countries=KR,",
    "regions=east-asia",
    "topics=diplomacy,chips",
    'terms="chip export"',
    "items=8",
    "items=0",
    "items=x",
    "mode=headlines",
    'keywords="a, b"',
    'keywords=""',
    'exclude="c"',
    "url=https://example.com/a",
    "=",
    "x=",
    "'",
    '"',
    "“",
    "”",
    ",",
    ",,",
    "d'ivoire",
    "\n",
    "x" * 120,
]

# Mostly real grammar: a root, a command's words, then argument-like words, some noise and, rarely,
# markup (which the whole line is refused for, so more of it would hide everything else).
UNSAFE_WORDS = ["<@U123>", "<!here>", "@everyone", "<#C1|x>", "\x00", "\u202e"]
printable_noise = st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs", "Cf")), max_size=8)
# Hypothesis has no weights: a die makes 1 word in 20 noise, 1 in 20 markup, the rest vocabulary.
argument_word = st.integers(0, 19).flatmap(
    lambda roll: printable_noise if roll == 0 else st.sampled_from(UNSAFE_WORDS if roll == 1 else VALUE_WORDS)
)
command_path = st.integers(0, 4).flatmap(
    lambda roll: (
        st.lists(st.sampled_from(COMMAND_WORDS), max_size=3)
        if roll == 0
        else st.sampled_from([list(spec.words) for spec in COMMANDS])
    )
)
grammar_lines = st.builds(
    lambda root, path, words: " ".join([root, *path, *words]),
    st.sampled_from(["news", "news-admin", "/news", "/news-admin", *ROOT_WORDS]),
    command_path,
    st.lists(argument_word, max_size=5),
)
any_text = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(list("\"'“”‘’=, \t\nab<>@!#&|:/")), max_size=40),
    st.text(min_size=MAX_LINE_CHARS - 20, max_size=MAX_LINE_CHARS + 40),
)


def check_outcome(outcome: ParsedCommand | UserError) -> None:
    if isinstance(outcome, UserError):
        assert outcome.message and outcome.hint
        assert not is_unsafe(" ".join(outcome.text.split()))
        return
    # A successful parse reads back from its canonical text to the same canonical text.
    line = outcome.text
    if len(line) <= MAX_LINE_CHARS:
        again = parse_line(line, custom_topics=CUSTOM)
        assert type(again) is type(outcome)
        assert again.text == line


def outcome_of_line(line: str) -> ParsedCommand | UserError:
    try:
        return parse_line(line, custom_topics=CUSTOM)
    except UserError as error:
        return error


def outcome_of_command(root: str, text: str) -> ParsedCommand | UserError:
    try:
        return parse_command(root, text, custom_topics=CUSTOM)
    except UserError as error:
        return error


@SETTINGS
@given(any_text)
def test_any_text_as_a_line_gives_a_command_or_a_user_error(line: str) -> None:
    check_outcome(outcome_of_line(line))


@SETTINGS
@given(st.one_of(st.sampled_from([spec.name for spec in ROOTS]), st.text(max_size=20)), any_text)
def test_any_text_after_a_root_gives_a_command_or_a_user_error(root: str, text: str) -> None:
    check_outcome(outcome_of_command(root, text))


@SETTINGS
@given(grammar_lines)
def test_sequences_of_grammar_words_give_a_command_or_a_user_error(line: str) -> None:
    check_outcome(outcome_of_line(line))


# Valid commands, generated from the grammar, always parse and read back equal ------------------

periods = st.integers(1, 365 * 24).map(lambda hours: format_period(timedelta(hours=hours)))
codes = st.sampled_from(COUNTRY_CODES)
plain_words = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=12)
phrases = st.lists(plain_words, min_size=1, max_size=3).map(" ".join)
day_sets = st.frozensets(st.integers(0, 6), min_size=1)
slugs = st.from_regex(r"[a-z0-9-]{2,40}", fullmatch=True).filter(lambda slug: resolve_topic(slug) is None)
hosts = st.lists(st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True), min_size=1, max_size=3).map(
    lambda labels: ".".join([*labels, "com"])
)


def valid_pair() -> st.SearchStrategy[str]:
    return st.builds(
        lambda pair, since: command("news pair").render({"first": pair[0], "second": pair[1], "since": since}),
        st.lists(codes, min_size=2, max_size=2, unique=True),
        periods,
    )


def valid_latest() -> st.SearchStrategy[str]:
    query = st.one_of(codes, st.sampled_from(REGION_SLUGS + TOPIC_SLUGS + list(CUSTOM)), phrases)
    return query.map(lambda text: command("news latest").render({"query": text}))


def valid_subscribe() -> st.SearchStrategy[str]:
    def render(
        countries: list[str], regions: list[str], topics: list[str], terms: list[str], items: int, mode: str
    ) -> str:
        values = {"items": str(items), "mode": mode}
        for name, chosen in (("countries", countries), ("regions", regions), ("topics", topics)):
            if chosen:
                values[name] = ",".join(chosen)
        if terms or not values.keys() & {"countries", "regions", "topics"}:
            values["terms"] = ", ".join(terms or ["chip export"])
        return command("news-admin subscribe").render(values)

    return st.builds(
        render,
        st.lists(codes, max_size=5),
        st.lists(st.sampled_from(REGION_SLUGS), max_size=3),
        st.lists(st.sampled_from(TOPIC_SLUGS + list(CUSTOM)), max_size=3),
        st.lists(phrases, max_size=3),
        st.integers(1, 20),
        st.sampled_from(["full", "headlines"]),
    )


def valid_schedule() -> st.SearchStrategy[str]:
    days_text = st.one_of(
        day_sets.map(format_days),
        st.lists(st.sampled_from(DAY_NAMES), min_size=1, unique=True).map(",".join),
    )
    return st.builds(
        lambda days, hour, minute, zone: command("news-admin schedule").render(
            {"days": days, "time": f"{hour:02d}:{minute:02d}", "timezone": zone}
        ),
        days_text,
        st.integers(0, 23),
        st.integers(0, 59),
        st.sampled_from(ZONES),
    )


def valid_topic_add() -> st.SearchStrategy[str]:
    return st.builds(
        lambda name, keywords, exclude: command("news-admin topic add").render(
            {"name": name, "keywords": ", ".join(keywords)} | ({"exclude": ", ".join(exclude)} if exclude else {})
        ),
        slugs,
        st.lists(phrases, min_size=1, max_size=5),
        st.lists(phrases, max_size=3),
    )


def valid_web() -> st.SearchStrategy[str]:
    url = st.builds(
        lambda host, path: f"https://{host}/{path}",
        hosts,
        st.from_regex(r"[a-z0-9/._-]{0,30}", fullmatch=True),
    )
    feed = st.builds(
        lambda verb, address: command(f"news-admin feed {verb}").render({"url": address}),
        st.sampled_from(["add", "remove", "enable"]),
        url,
    )
    source = st.builds(
        lambda verb, host: command(f"news-admin source {verb}").render({"domain": host}),
        st.sampled_from(["exclude", "include"]),
        hosts,
    )
    return st.one_of(feed, source)


simple_lines = st.sampled_from(
    [spec.render({}) for spec in COMMANDS if not spec.needs_one_of and not any(arg.required for arg in spec.args)]
)
help_lines = st.sampled_from([spec.path for spec in COMMANDS] + [group.path for group in GROUPS]).map(
    lambda path: command("news help").render({"command": path})
)
valid_lines = st.one_of(
    valid_pair(),
    valid_latest(),
    valid_subscribe(),
    valid_schedule(),
    valid_topic_add(),
    valid_web(),
    simple_lines,
    help_lines,
)


@SETTINGS
@given(valid_lines, st.sampled_from(["line", "slash", "adapter"]))
def test_valid_generated_commands_parse_and_round_trip(line: str, form: str) -> None:
    if form == "line":
        parsed = parse_line(line, custom_topics=CUSTOM)
    elif form == "slash":
        parsed = parse_line(f"/{line}", custom_topics=CUSTOM)
    else:
        root, _, text = line.partition(" ")
        parsed = parse_command(root, text, custom_topics=CUSTOM)
    assert parse_line(parsed.text, custom_topics=CUSTOM) == parsed
