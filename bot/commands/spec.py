"""The command grammar, declared once: every command's path, arguments, bounds, help and examples.

Parsing, help and the Slack and Discord adapters all read these declarations, so a command is added or
changed here and nowhere else. Everything is plain data: ``COMMANDS`` lists each command, ``GROUPS``
the sub-command groups (``topic``, ``feed``, ``source``) and ``ROOTS`` the two slash commands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.commands.errors import UserError, closest, did_you_mean, shown
from bot.commands.tokens import fold, quote_value

__all__ = [
    "COMMANDS",
    "GROUPS",
    "NEWS",
    "NEWS_ADMIN",
    "ROOTS",
    "ArgKind",
    "ArgSpec",
    "CommandSpec",
    "GroupSpec",
    "Node",
    "RootSpec",
    "children",
    "command",
    "find_node",
    "root",
    "walk",
]

NEWS = "news"
NEWS_ADMIN = "news-admin"
MAX_LINE_CHARS = 1000


class ArgKind(StrEnum):
    """What an argument holds; decides how it is validated and how an adapter offers it."""

    COUNTRY = "country"
    PERIOD = "period"
    QUERY = "query"  # a country, region or topic name, or any words
    COMMAND = "command"  # a command path, for help
    COUNTRIES = "countries"
    REGIONS = "regions"
    TOPICS = "topics"
    TERMS = "terms"
    COUNT = "count"
    MODE = "mode"
    DAYS = "days"
    TIME = "time"
    TIMEZONE = "timezone"
    SLUG = "slug"
    KEYWORDS = "keywords"
    URL = "url"
    DOMAIN = "domain"


@dataclass(frozen=True, slots=True)
class ArgSpec:
    """One argument. ``option`` ones are written ``name=value``; ``rest`` takes the rest of the line;
    ``many`` ones are comma-separated lists of at most ``max_items``. Lengths count characters of one
    value (of each item for lists)."""

    name: str
    kind: ArgKind
    description: str
    placeholder: str
    required: bool = True
    option: bool = False
    rest: bool = False
    many: bool = False
    default: str | None = None
    choices: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None

    @property
    def value_type(self) -> type:
        """The type an adapter asks for: ``int`` for counts, ``str`` for everything else."""
        return int if self.kind is ArgKind.COUNT else str

    @property
    def usage(self) -> str:
        """How the argument appears in a usage line: ``COUNTRY1``, ``[SINCE]``, ``[items=N]``."""
        text = f"{self.name}={self.placeholder}" if self.option else self.placeholder
        return text if self.required else f"[{text}]"


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One command: ``root`` plus ``words`` (``news-admin`` + ``topic add``), its arguments and help."""

    root: str
    words: tuple[str, ...]
    summary: str
    args: tuple[ArgSpec, ...] = ()
    examples: tuple[str, ...] = ()
    details: str = ""
    needs_one_of: tuple[str, ...] = ()  # option names of which at least one must be given

    @property
    def admin_only(self) -> bool:
        return self.root == NEWS_ADMIN

    @property
    def path(self) -> str:
        """``"news-admin topic add"``."""
        return " ".join((self.root, *self.words))

    @property
    def usage(self) -> str:
        """``"/news pair COUNTRY1 COUNTRY2 [SINCE]"``."""
        return " ".join([f"/{self.path}", *(arg.usage for arg in self.args)])

    @property
    def positional(self) -> tuple[ArgSpec, ...]:
        return tuple(arg for arg in self.args if not arg.option)

    def arg(self, name: str) -> ArgSpec:
        for arg in self.args:
            if arg.name == name:
                return arg
        raise KeyError(f"{self.path} has no argument {name!r}")

    def render(self, values: Mapping[str, str]) -> str:
        """The command line (``"news pair KR JP 7d"``) that parses to these argument texts.

        A positional argument after a missing optional one is written as ``name=value``.
        """
        parts = [self.root, *self.words]
        skipped = False
        for arg in self.args:
            value = values.get(arg.name)
            if value is None:
                skipped = skipped or not arg.option
                continue
            if arg.rest:
                parts.extend(quote_value(word) for word in value.split())
            elif arg.option or skipped:
                parts.append(quote_value(value, arg.name))
            else:
                parts.append(quote_value(value))
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """A word that only groups sub-commands (``/news-admin feed add|remove|enable``)."""

    root: str
    word: str
    summary: str

    @property
    def path(self) -> str:
        return f"{self.root} {self.word}"

    @property
    def admin_only(self) -> bool:
        return self.root == NEWS_ADMIN


@dataclass(frozen=True, slots=True)
class RootSpec:
    """One slash command: ``/news`` for everyone, ``/news-admin`` for admins."""

    name: str
    summary: str

    @property
    def path(self) -> str:
        return self.name

    @property
    def admin_only(self) -> bool:
        return self.name == NEWS_ADMIN


Node = RootSpec | GroupSpec | CommandSpec

# Shared argument declarations -------------------------------------------------------------------

_COUNTRY_HELP = "a country name, demonym or two-letter code"
_SINCE = ArgSpec(
    "since",
    ArgKind.PERIOD,
    "How far back to look: 24h, 7d or 2w (1h to 365d).",
    "SINCE",
    required=False,
    default="7d",
)
_FEED_URL = ArgSpec("url", ArgKind.URL, "The feed's address, http:// or https://.", "URL", max_length=2000)
_DOMAIN = ArgSpec("domain", ArgKind.DOMAIN, "A news site's domain, e.g. example.com.", "DOMAIN", max_length=253)
_TOPIC_NAME = ArgSpec(
    "name",
    ArgKind.SLUG,
    "The custom topic's name: 2-40 lower-case letters, digits or hyphens.",
    "NAME",
    min_length=2,
    max_length=40,
)

ROOTS: tuple[RootSpec, ...] = (
    RootSpec(NEWS, "News digests and the latest between countries."),
    RootSpec(NEWS_ADMIN, "Set up this channel's digest (admins only)."),
)

GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec(NEWS_ADMIN, "topic", "Custom topics made from keywords."),
    GroupSpec(NEWS_ADMIN, "feed", "The news feeds the bot reads."),
    GroupSpec(NEWS_ADMIN, "source", "News sites to leave out of digests or let back in."),
)

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        NEWS,
        ("pair",),
        "The latest between two countries: stories, tone and topics.",
        args=(
            ArgSpec("first", ArgKind.COUNTRY, f"The first country: {_COUNTRY_HELP}.", "COUNTRY1", max_length=60),
            ArgSpec("second", ArgKind.COUNTRY, f"The second country: {_COUNTRY_HELP}.", "COUNTRY2", max_length=60),
            _SINCE,
        ),
        examples=("/news pair korea japan", '/news pair "south korea" japan 30d', "/news pair US china 2w"),
        details="Put quotes around names with spaces.",
    ),
    CommandSpec(
        NEWS,
        ("latest",),
        "The latest stories about a country, region, topic or any words.",
        args=(
            ArgSpec(
                "query",
                ArgKind.QUERY,
                "A country, region or topic name, or words to search for.",
                "QUERY",
                rest=True,
                max_length=200,
            ),
        ),
        examples=("/news latest japan", "/news latest east asia", "/news latest chip export controls"),
        details="The words are tried as a country or region first, then as a topic, then searched as text.",
    ),
    CommandSpec(NEWS, ("digest",), "This channel's digest now, as a preview.", examples=("/news digest",)),
    CommandSpec(NEWS, ("topics",), "The topics a digest can follow.", examples=("/news topics",)),
    CommandSpec(NEWS, ("regions",), "The regions a digest can follow.", examples=("/news regions",)),
    CommandSpec(
        NEWS,
        ("help",),
        "How to use the commands, or one command.",
        args=(
            ArgSpec(
                "command",
                ArgKind.COMMAND,
                "The command to explain, e.g. pair.",
                "COMMAND",
                required=False,
                rest=True,
                max_length=60,
            ),
        ),
        examples=("/news help", "/news help pair", "/news help news-admin"),
    ),
    CommandSpec(
        NEWS_ADMIN,
        ("subscribe",),
        "Set what this channel's digest covers.",
        args=(
            ArgSpec(
                "countries",
                ArgKind.COUNTRIES,
                f"Countries, comma-separated: each {_COUNTRY_HELP}.",
                "KR,JP",
                required=False,
                option=True,
                many=True,
                max_items=30,
                max_length=60,
            ),
            ArgSpec(
                "regions",
                ArgKind.REGIONS,
                "Regions, comma-separated (see /news regions).",
                "east-asia",
                required=False,
                option=True,
                many=True,
                max_items=20,
                max_length=60,
            ),
            ArgSpec(
                "topics",
                ArgKind.TOPICS,
                "Topics, comma-separated (see /news topics).",
                "diplomacy,defence",
                required=False,
                option=True,
                many=True,
                max_items=20,
                max_length=60,
            ),
            ArgSpec(
                "terms",
                ArgKind.TERMS,
                "Words or phrases to look for, comma-separated.",
                '"chip export"',
                required=False,
                option=True,
                many=True,
                min_items=1,
                max_items=20,
                min_length=2,
                max_length=60,
            ),
            ArgSpec(
                "items",
                ArgKind.COUNT,
                "How many stories per digest (1 to 20).",
                "N",
                required=False,
                option=True,
                default="8",
                min_value=1,
                max_value=20,
            ),
            ArgSpec(
                "mode",
                ArgKind.MODE,
                "full: stories with summaries; headlines: titles only.",
                "full|headlines",
                required=False,
                option=True,
                default="full",
                choices=("full", "headlines"),
            ),
        ),
        examples=(
            "/news-admin subscribe countries=KR,JP topics=diplomacy,defence",
            '/news-admin subscribe regions=east-asia terms="chip export" items=5 mode=headlines',
        ),
        details=(
            "Give at least one of countries, regions, topics or terms; this replaces the channel's "
            'previous choice. Quote lists with spaces: countries="south korea, japan".'
        ),
        needs_one_of=("countries", "regions", "topics", "terms"),
    ),
    CommandSpec(
        NEWS_ADMIN,
        ("schedule",),
        "When this channel's digest is posted.",
        args=(
            ArgSpec(
                "days",
                ArgKind.DAYS,
                "daily, weekdays, weekends or days such as mon,wed,fri.",
                "DAYS",
                max_length=60,
            ),
            ArgSpec("time", ArgKind.TIME, "Local time, 24-hour HH:MM.", "HH:MM", max_length=10),
            ArgSpec("timezone", ArgKind.TIMEZONE, "An IANA time zone, e.g. Asia/Seoul.", "TIMEZONE", max_length=64),
        ),
        examples=(
            "/news-admin schedule weekdays 08:00 Asia/Seoul",
            "/news-admin schedule mon,wed,fri 18:30 UTC",
        ),
    ),
    CommandSpec(NEWS_ADMIN, ("pause",), "Stop posting this channel's digest for now.", examples=("/news-admin pause",)),
    CommandSpec(NEWS_ADMIN, ("resume",), "Post this channel's digest again.", examples=("/news-admin resume",)),
    CommandSpec(
        NEWS_ADMIN,
        ("unsubscribe",),
        "Stop this channel's digest and forget its settings.",
        examples=("/news-admin unsubscribe",),
    ),
    CommandSpec(NEWS_ADMIN, ("show",), "Show this channel's digest settings.", examples=("/news-admin show",)),
    CommandSpec(
        NEWS_ADMIN,
        ("topic", "add"),
        "Define a custom topic from keywords.",
        args=(
            _TOPIC_NAME,
            ArgSpec(
                "keywords",
                ArgKind.KEYWORDS,
                "Words or phrases that mark the topic, comma-separated.",
                '"a, b"',
                option=True,
                many=True,
                min_items=1,
                max_items=50,
                min_length=2,
                max_length=60,
            ),
            ArgSpec(
                "exclude",
                ArgKind.KEYWORDS,
                "Words or phrases that rule a story out, comma-separated.",
                '"c"',
                required=False,
                option=True,
                many=True,
                min_items=1,
                max_items=50,
                min_length=2,
                max_length=60,
            ),
        ),
        examples=('/news-admin topic add chips keywords="semiconductor, chip export" exclude="potato chips"',),
        details="The name must not be a built-in topic's (see /news topics).",
    ),
    CommandSpec(
        NEWS_ADMIN,
        ("topic", "remove"),
        "Delete a custom topic.",
        args=(_TOPIC_NAME,),
        examples=("/news-admin topic remove chips",),
    ),
    CommandSpec(
        NEWS_ADMIN,
        ("feed", "add"),
        "Add a news feed (RSS or Atom).",
        args=(_FEED_URL,),
        examples=("/news-admin feed add https://example.com/rss.xml",),
    ),
    CommandSpec(
        NEWS_ADMIN,
        ("feed", "remove"),
        "Stop reading a news feed.",
        args=(_FEED_URL,),
        examples=("/news-admin feed remove https://example.com/rss.xml",),
    ),
    CommandSpec(
        NEWS_ADMIN,
        ("feed", "enable"),
        "Turn a disabled feed back on.",
        args=(_FEED_URL,),
        examples=("/news-admin feed enable https://example.com/rss.xml",),
    ),
    CommandSpec(NEWS_ADMIN, ("feeds",), "List the feeds and how they are doing.", examples=("/news-admin feeds",)),
    CommandSpec(
        NEWS_ADMIN,
        ("source", "exclude"),
        "Leave a news site out of digests.",
        args=(_DOMAIN,),
        examples=("/news-admin source exclude example.com",),
    ),
    CommandSpec(
        NEWS_ADMIN,
        ("source", "include"),
        "Let an excluded news site back into digests.",
        args=(_DOMAIN,),
        examples=("/news-admin source include example.com",),
    ),
)


def root(name: str) -> RootSpec:
    for spec in ROOTS:
        if spec.name == name:
            return spec
    raise KeyError(name)


def command(path: str) -> CommandSpec:
    """The declaration at ``path`` (``"news pair"``, ``"news-admin topic add"``)."""
    for spec in COMMANDS:
        if spec.path == path:
            return spec
    raise KeyError(path)


def children(node: RootSpec | GroupSpec) -> tuple[GroupSpec | CommandSpec, ...]:
    """The next words under a root or group, in declaration order: commands and groups, each once."""
    prefix = (node.name,) if isinstance(node, RootSpec) else (node.root, node.word)
    depth = len(prefix)
    found: list[GroupSpec | CommandSpec] = []
    for spec in COMMANDS:
        if (spec.root, *spec.words)[:depth] != prefix:
            continue
        if len(spec.words) == depth:  # a command right under this node
            found.append(spec)
        else:
            group = next(g for g in GROUPS if g.root == spec.root and g.word == spec.words[0])
            if group not in found:
                found.append(group)
    return tuple(found)


def child_word(node: GroupSpec | CommandSpec) -> str:
    return node.word if isinstance(node, GroupSpec) else node.words[-1]


def walk(start: RootSpec, words: list[str]) -> tuple[Node, int]:
    """Follow ``words`` (already case-folded) down from ``start``; the node reached and words used."""
    node: Node = start
    used = 0
    while used < len(words) and not isinstance(node, CommandSpec):
        following = {child_word(child): child for child in children(node)}
        step = following.get(words[used])
        if step is None:
            break
        node, used = step, used + 1
    return node, used


def find_node(text: str) -> Node:
    """The root, group or command that ``text`` names, for help: ``"pair"``, ``"/news-admin topic add"``,
    ``"feeds"`` (either root is searched when none is given). Raises ``UserError`` for anything else."""
    words = [fold(word) for word in text.split()]
    if words:
        words[0] = words[0].removeprefix("/")
    if not words:
        return root(NEWS)
    starts = [spec for spec in ROOTS if spec.name == words[0]]
    candidates = [(starts[0], words[1:])] if starts else [(spec, words) for spec in ROOTS]
    for start, rest in candidates:
        node, used = walk(start, rest)
        if used == len(rest):
            return node
    nodes: list[GroupSpec | CommandSpec] = [*COMMANDS, *GROUPS]
    every_word = {child_word(node) for node in nodes} | {spec.name for spec in ROOTS}
    suggestions = closest(words[-1], sorted(every_word))
    raise UserError(
        f"There is no command {shown(text)} to explain.{did_you_mean(suggestions)}",
        "Send /news help for the list of commands.",
    )
