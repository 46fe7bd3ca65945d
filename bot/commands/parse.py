"""From the text a user typed to a typed, validated command, or a ``UserError`` saying what to fix.

Three spellings arrive: ``"/news pair korea japan"`` and ``"news pair korea japan"`` (``parse_line``),
and a root with the rest of the text, as slash-command adapters receive them (``parse_command``).
Nothing but ``UserError`` comes out of either for any input string.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from bot.commands import lookups
from bot.commands.errors import UserError, closest, did_you_mean, shown, unsafe_reason
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
from bot.commands.schedule import parse_schedule
from bot.commands.spec import (
    MAX_LINE_CHARS,
    NEWS,
    NEWS_ADMIN,
    ROOTS,
    ArgKind,
    ArgSpec,
    CommandSpec,
    GroupSpec,
    RootSpec,
    child_word,
    children,
    find_node,
    walk,
)
from bot.commands.tokens import Token, fold, tokenise
from bot.commands.values import (
    clean_text,
    parse_count,
    parse_domain,
    parse_feed_url,
    parse_mode,
    parse_period,
    parse_phrases,
    parse_slug,
)
from digests.countries import CountryChoice
from digests.regions import Region
from digests.topics import Topic

__all__ = ["parse_command", "parse_line"]

_ROOTS = {spec.name: spec for spec in ROOTS}
_PLAIN_TEXT_HINT = "Type plain text: no @-mentions, channel links, <…> markup or control characters."
_QUOTES_HINT = 'Put quotes around names with spaces, e.g. /news pair "south korea" japan'


@dataclass(frozen=True, slots=True)
class _Context:
    custom_topics: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Bound:
    """The argument texts given to one command, by argument name."""

    spec: CommandSpec
    values: dict[str, str]

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def text(self, name: str) -> str:
        """The given text, else the declared default (only asked of required or defaulted arguments)."""
        value = self.values.get(name, self.spec.arg(name).default)
        if value is None:
            raise KeyError(f"{self.spec.path}: {name} has neither a value nor a default")
        return value


def _usage_hint(spec: CommandSpec) -> str:
    example = f", e.g. {spec.examples[0]}" if spec.examples else ""
    return f"Usage: {spec.usage}{example}"


def _check_text(text: str, *, what: str = "command") -> None:
    """Refuse over-long text and anything that could ping, link or hide, before looking further."""
    if len(text) > MAX_LINE_CHARS:
        raise UserError(
            f"The {what} is too long: {len(text)} characters, at most {MAX_LINE_CHARS}.",
            "Shorten it and try again.",
        )
    # Whitespace (newlines, tabs) only separates words here; values are checked again on their own.
    spaced = "".join(" " if char.isspace() else char for char in text)
    reason = unsafe_reason(spaced)
    if reason is not None:
        raise UserError(f"The {what} contains {reason}, which I don't accept.", _PLAIN_TEXT_HINT)


def _root_named(word: str) -> RootSpec:
    name = fold(word.strip()).removeprefix("/")
    if name in _ROOTS:
        return _ROOTS[name]
    if name:  # a command word without its root: "pair korea japan"
        node, used = walk(_ROOTS[NEWS], [name])
        other, other_used = walk(_ROOTS[NEWS_ADMIN], [name])
        if used or other_used:
            found = node if used else other
            raise UserError("Commands start with /news or /news-admin.", f"Did you mean /{found.path}?")
    suggestions = [f"/{close}" for close in closest(name, [spec.name for spec in ROOTS])]
    raise UserError(
        f"Unknown command {shown(word)}: commands start with /news or /news-admin." + did_you_mean(suggestions),
        "e.g. /news pair korea japan, or /news help",
    )


def parse_line(line: str, *, custom_topics: Collection[str] = ()) -> ParsedCommand:
    """Parse a whole line: ``"/news pair korea japan"`` or ``"news-admin show"``.

    ``custom_topics`` are the names of the channel's own topics, which ``topics=`` and ``latest`` accept.
    """
    stripped = line.strip()
    _check_text(stripped)
    if not stripped:
        raise UserError("The command is empty.", "Try /news help")
    first, *rest = stripped.split(maxsplit=1)
    return parse_command(first, rest[0] if rest else "", custom_topics=custom_topics)


def parse_command(root: str, text: str, *, custom_topics: Collection[str] = ()) -> ParsedCommand:
    """Parse ``text`` typed after the slash command ``root`` (``"news"``, ``"/news-admin"``)."""
    if len(root) > len(NEWS_ADMIN) + 8:
        raise UserError("Unknown command: commands start with /news or /news-admin.", "e.g. /news help")
    _check_text(root)
    start = _root_named(root)
    stripped = text.strip()
    _check_text(stripped)
    tokens = tokenise(stripped)
    if not tokens:
        # A bare /news or /news-admin is a request for directions.
        return HelpCommand(None if start.name == NEWS else NEWS_ADMIN)
    spec, arguments = _find_command(start, tokens)
    bound = _Bound(spec, _bind(spec, arguments))
    context = _Context(frozenset(fold(name) for name in custom_topics))
    return _BUILDERS[spec.path](bound, context)


# Finding the command ----------------------------------------------------------------------------


def _command_word(token: Token) -> str:
    return "" if token.key is not None else fold(token.value)


def _list_children(node: RootSpec | GroupSpec) -> str:
    return ", ".join(child_word(child) for child in children(node))


def _find_command(start: RootSpec, tokens: list[Token]) -> tuple[CommandSpec, list[Token]]:
    words = [_command_word(token) for token in tokens]
    node, used = walk(start, words)
    if isinstance(node, CommandSpec):
        return node, tokens[used:]
    if used == len(tokens):
        assert isinstance(node, GroupSpec)  # a root with no words left was answered with help earlier
        usages = "; ".join(child.usage for child in children(node) if isinstance(child, CommandSpec))
        raise UserError(f"/{node.path} needs one of: {_list_children(node)}.", f"Usage: {usages}")
    word = tokens[used].literal
    other = next(spec for spec in ROOTS if spec is not start)
    if isinstance(node, RootSpec):
        elsewhere, elsewhere_used = walk(other, words[used:])
        if elsewhere_used:
            raise UserError(
                f"{shown(word)} is a /{other.name} command, not a /{start.name} one.",
                f"Use /{elsewhere.path}" + (" (admins only)." if other.name == NEWS_ADMIN else "."),
            )
    suggestions = closest(fold(word), [child_word(child) for child in children(node)])
    raise UserError(
        f"Unknown command {shown(word)} for /{node.path}.{did_you_mean(suggestions)}",
        f"/{node.path} takes: {_list_children(node)}. See /news help.",
    )


# Binding words to arguments ---------------------------------------------------------------------


def _bind(spec: CommandSpec, tokens: list[Token]) -> dict[str, str]:
    values: dict[str, str] = {}
    by_name = {arg.name: arg for arg in spec.args}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        waiting = next((arg for arg in spec.positional if arg.name not in values), None)
        if waiting is not None and waiting.rest:
            values[waiting.name] = " ".join(rest.literal for rest in tokens[index:])
            break
        if token.key is None:
            if waiting is None:
                raise _too_many(spec, token)
            values[waiting.name] = token.value
            index += 1
            continue
        name = fold(token.key)
        arg = by_name.get(name)
        if arg is None:
            raise _unknown_option(spec, token.key)
        if name in values:
            raise UserError(f"{name}= is given twice.", f"Give each option once. {_usage_hint(spec)}")
        value = token.value
        # "countries=KR, JP": a list whose comma was followed by a space goes on in the next word.
        while arg.many and value.rstrip().endswith(",") and index + 1 < len(tokens) and tokens[index + 1].key is None:
            index += 1
            value = f"{value} {tokens[index].value}"
        if not value.strip():
            raise UserError(
                f"{name}= is empty. {arg.description}",
                f"Write {name}=value with no space after =, e.g. {name}={arg.placeholder}",
            )
        values[name] = value
        index += 1
    for arg in spec.args:
        if arg.required and arg.name not in values:
            label = f"{arg.name}=" if arg.option else arg.placeholder
            raise UserError(f"/{spec.path} needs {label}: {arg.description}", _usage_hint(spec))
    if spec.needs_one_of and not any(name in values for name in spec.needs_one_of):
        options = ", ".join(f"{name}=" for name in spec.needs_one_of)
        raise UserError(f"/{spec.path} needs at least one of {options}", _usage_hint(spec))
    return values


def _too_many(spec: CommandSpec, token: Token) -> UserError:
    if not spec.args:
        return UserError(f"/{spec.path} takes no arguments, but got {shown(token.literal)}.", _usage_hint(spec))
    hint = _usage_hint(spec)
    if any(arg.kind is ArgKind.COUNTRY for arg in spec.args):
        hint = f"{_QUOTES_HINT}. {hint}"
    elif quoted := next((arg for arg in spec.args if arg.option and arg.placeholder.startswith('"')), None):
        hint = f"Put quotes around a value with spaces, e.g. {quoted.name}={quoted.placeholder}. {hint}"
    return UserError(f"Too many arguments for /{spec.path}: {shown(token.literal)} is one too many.", hint)


def _unknown_option(spec: CommandSpec, key: str) -> UserError:
    names = [arg.name for arg in spec.args]
    if not names:
        return UserError(f"/{spec.path} takes no options, but got {shown(key)}=.", _usage_hint(spec))
    suggestions = [f"{name}=" for name in closest(fold(key), names)]
    return UserError(
        f"Unknown option {shown(key + '=')} for /{spec.path}.{did_you_mean(suggestions)}",
        f"Options: {', '.join(f'{name}=' for name in names)}. {_usage_hint(spec)}",
    )


# Building each command --------------------------------------------------------------------------


def _items(raw: str, arg: ArgSpec) -> list[str]:
    """The non-empty items of a comma-separated list, within the declared count and length."""
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise UserError(f"{arg.name}= has no values.", f"e.g. {arg.name}={arg.placeholder}")
    if arg.max_items is not None and len(items) > arg.max_items:
        raise UserError(
            f"Too many {arg.name}: {len(items)}, at most {arg.max_items}.", "Keep the ones that matter most."
        )
    if arg.max_length is not None:
        for item in items:
            if len(item) > arg.max_length:
                raise UserError(
                    f"An entry of {arg.name}= is too long: {len(item)} characters, at most {arg.max_length}.",
                    f"e.g. {arg.name}={arg.placeholder}",
                )
    return items


def _checked(raw: str, arg: ArgSpec) -> str:
    if arg.max_length is not None and len(raw) > arg.max_length:
        raise UserError(
            f"{arg.placeholder} is too long: {len(raw)} characters, at most {arg.max_length}.",
            f"{arg.description}",
        )
    return raw


def _build_pair(bound: _Bound, context: _Context) -> PairCommand:
    spec = bound.spec
    since_text = bound.text("since")
    # A third word with no digits is most likely a name with a space that lost its quotes.
    if not any(char.isdigit() for char in since_text):
        raise UserError(
            f"{shown(since_text)} is not a period like 7d, and a pair has only two countries.", _QUOTES_HINT
        )
    first = lookups.country(_checked(bound.text("first"), spec.arg("first")))
    second = lookups.country(_checked(bound.text("second"), spec.arg("second")))
    since = parse_period(since_text)
    if first.code == second.code:
        raise UserError(
            f"Both countries are {first.name}.", "Name two different countries, e.g. /news pair korea japan"
        )
    return PairCommand(first, second, since)


def _build_latest(bound: _Bound, context: _Context) -> LatestCommand:
    arg = bound.spec.arg("query")
    query = clean_text(bound.text("query"), what="query", max_chars=arg.max_length or MAX_LINE_CHARS)
    ambiguous: UserError | None = None
    try:
        country = lookups.match_country(query)
    except UserError as error:  # several countries fit: a region or topic of that name still wins
        country, ambiguous = None, error
    if country is not None:
        return LatestCommand(LatestKind.COUNTRY, country)
    region = lookups.match_region(query)
    if region is not None:
        return LatestCommand(LatestKind.REGION, region)
    if fold(query) in context.custom_topics:  # the channel's own name wins over a built-in's word
        return LatestCommand(LatestKind.CUSTOM_TOPIC, fold(query))
    topic = lookups.match_topic(query)
    if topic is not None:
        return LatestCommand(LatestKind.TOPIC, topic)
    if ambiguous is not None:
        raise ambiguous
    return LatestCommand(LatestKind.TEXT, query)


def _build_help(bound: _Bound, context: _Context) -> HelpCommand:
    raw = bound.get("command")
    if raw is None:
        return HelpCommand(None)
    _checked(raw, bound.spec.arg("command"))
    return HelpCommand(find_node(raw).path)


def _build_subscribe(bound: _Bound, context: _Context) -> SubscribeCommand:
    spec = bound.spec
    countries: dict[str, CountryChoice] = {}
    if (raw := bound.get("countries")) is not None:
        for item in _items(raw, spec.arg("countries")):
            choice = lookups.country(item)
            countries.setdefault(choice.code, choice)
    regions: dict[str, Region] = {}
    if (raw := bound.get("regions")) is not None:
        for item in _items(raw, spec.arg("regions")):
            region = lookups.region(item)
            regions.setdefault(region.slug, region)
    topics: dict[str, Topic] = {}
    custom: dict[str, None] = {}
    if (raw := bound.get("topics")) is not None:
        for item in _items(raw, spec.arg("topics")):
            found = lookups.topic(item, context.custom_topics)
            if isinstance(found, str):
                custom.setdefault(found)
            else:
                topics.setdefault(found.slug, found)
    terms: tuple[str, ...] = ()
    if (raw := bound.get("terms")) is not None:
        terms = _phrases(raw, spec.arg("terms"), what="term")
    items_arg = spec.arg("items")
    items = parse_count(bound.text("items"), name="items", low=items_arg.min_value or 1, high=items_arg.max_value or 1)
    return SubscribeCommand(
        countries=tuple(countries.values()),
        regions=tuple(regions.values()),
        topics=tuple(topics.values()),
        custom_topics=tuple(custom),
        terms=terms,
        items=items,
        mode=parse_mode(bound.text("mode")),
    )


def _phrases(raw: str, arg: ArgSpec, *, what: str) -> tuple[str, ...]:
    return parse_phrases(
        raw,
        what=what,
        min_count=arg.min_items or 0,
        max_count=arg.max_items or 1,
        min_chars=arg.min_length or 1,
        max_chars=arg.max_length or MAX_LINE_CHARS,
    )


def _build_schedule(bound: _Bound, context: _Context) -> ScheduleCommand:
    spec = bound.spec
    days, at, zone = (_checked(bound.text(name), spec.arg(name)) for name in ("days", "time", "timezone"))
    return ScheduleCommand(parse_schedule(days, at, zone))


def _build_topic_add(bound: _Bound, context: _Context) -> TopicAddCommand:
    spec = bound.spec
    name = parse_slug(bound.text("name"))
    if lookups.builtin_topic_named(name) is not None:
        raise UserError(
            f"{shown(name)} is already a built-in topic.",
            f"Follow it with /news-admin subscribe topics={name}, or pick another name for your own topic.",
        )
    keywords = _phrases(bound.text("keywords"), spec.arg("keywords"), what="keyword")
    exclude_raw = bound.get("exclude")
    exclude = _phrases(exclude_raw, spec.arg("exclude"), what="excluded word") if exclude_raw is not None else ()
    return TopicAddCommand(lookups.custom_topic(name, keywords, exclude))


def _build_topic_remove(bound: _Bound, context: _Context) -> TopicRemoveCommand:
    name = parse_slug(bound.text("name"))
    if lookups.builtin_topic_named(name) is not None:
        raise UserError(
            f"{shown(name)} is a built-in topic, which cannot be removed.",
            "Only custom topics can be removed.",
        )
    return TopicRemoveCommand(name)


def _simple(factory: Callable[[], ParsedCommand]) -> Callable[[_Bound, _Context], ParsedCommand]:
    return lambda bound, context: factory()


def _url(bound: _Bound) -> str:
    return parse_feed_url(bound.text("url"))


def _domain(bound: _Bound) -> str:
    return parse_domain(bound.text("domain"))


_BUILDERS: dict[str, Callable[[_Bound, _Context], ParsedCommand]] = {
    "news pair": _build_pair,
    "news latest": _build_latest,
    "news digest": _simple(DigestCommand),
    "news topics": _simple(TopicsCommand),
    "news regions": _simple(RegionsCommand),
    "news help": _build_help,
    "news-admin subscribe": _build_subscribe,
    "news-admin schedule": _build_schedule,
    "news-admin pause": _simple(PauseCommand),
    "news-admin resume": _simple(ResumeCommand),
    "news-admin unsubscribe": _simple(UnsubscribeCommand),
    "news-admin show": _simple(ShowCommand),
    "news-admin topic add": _build_topic_add,
    "news-admin topic remove": _build_topic_remove,
    "news-admin feed add": lambda bound, context: FeedAddCommand(_url(bound)),
    "news-admin feed remove": lambda bound, context: FeedRemoveCommand(_url(bound)),
    "news-admin feed enable": lambda bound, context: FeedEnableCommand(_url(bound)),
    "news-admin feeds": _simple(FeedsCommand),
    "news-admin source exclude": lambda bound, context: SourceExcludeCommand(_domain(bound)),
    "news-admin source include": lambda bound, context: SourceIncludeCommand(_domain(bound)),
}
