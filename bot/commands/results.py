"""What a parsed command is: one frozen dataclass per command, with typed, validated values.

Each class points at its declaration (``spec``), so it knows whether it is ``admin_only`` and can be
written back as a command line (``text``) that parses to an equal value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import ClassVar

from bot.commands.schedule import Schedule
from bot.commands.spec import CommandSpec, command
from bot.commands.values import DigestMode, format_period
from digests.countries import CountryChoice
from digests.regions import Region
from digests.topics import CustomTopic, Topic

__all__ = [
    "DigestCommand",
    "FeedAddCommand",
    "FeedEnableCommand",
    "FeedRemoveCommand",
    "FeedsCommand",
    "HelpCommand",
    "LatestCommand",
    "LatestKind",
    "PairCommand",
    "ParsedCommand",
    "PauseCommand",
    "RegionsCommand",
    "ResumeCommand",
    "ScheduleCommand",
    "ShowCommand",
    "SourceExcludeCommand",
    "SourceIncludeCommand",
    "SubscribeCommand",
    "TopicAddCommand",
    "TopicRemoveCommand",
    "TopicsCommand",
    "UnsubscribeCommand",
]


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A command that passed validation. Subclasses set ``spec`` to their declaration."""

    spec: ClassVar[CommandSpec]

    @property
    def admin_only(self) -> bool:
        return self.spec.admin_only

    @property
    def path(self) -> str:
        """``"news pair"``, ``"news-admin topic add"``."""
        return self.spec.path

    def argument_texts(self) -> dict[str, str]:
        """Each given argument as the text that parses back to it."""
        return {}

    @property
    def text(self) -> str:
        """The command as a line, e.g. ``"news pair KR JP 7d"``; parsing it gives this value again."""
        return self.spec.render(self.argument_texts())


@dataclass(frozen=True, slots=True)
class PairCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news pair")
    first: CountryChoice
    second: CountryChoice
    since: timedelta

    def argument_texts(self) -> dict[str, str]:
        return {"first": self.first.code, "second": self.second.code, "since": format_period(self.since)}


class LatestKind(StrEnum):
    """What the words of ``/news latest`` were taken as."""

    COUNTRY = "country"
    REGION = "region"
    TOPIC = "topic"
    CUSTOM_TOPIC = "custom-topic"  # one of the channel's own topics, by name
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class LatestCommand(ParsedCommand):
    """``value`` is a ``CountryChoice``, ``Region`` or ``Topic``, or a ``str``: the custom topic's name
    or the words to search for, as ``kind`` says."""

    spec: ClassVar[CommandSpec] = command("news latest")
    kind: LatestKind
    value: CountryChoice | Region | Topic | str

    @property
    def country(self) -> CountryChoice | None:
        return self.value if isinstance(self.value, CountryChoice) else None

    @property
    def region(self) -> Region | None:
        return self.value if isinstance(self.value, Region) else None

    @property
    def topic(self) -> Topic | None:
        return self.value if isinstance(self.value, Topic) else None

    @property
    def words(self) -> str | None:
        """The custom topic's name or the search words, when the query was taken as one of those."""
        return self.value if isinstance(self.value, str) else None

    def argument_texts(self) -> dict[str, str]:
        if isinstance(self.value, CountryChoice):
            return {"query": self.value.code}
        if isinstance(self.value, Region | Topic):
            return {"query": self.value.slug}
        return {"query": self.value}


@dataclass(frozen=True, slots=True)
class DigestCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news digest")


@dataclass(frozen=True, slots=True)
class TopicsCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news topics")


@dataclass(frozen=True, slots=True)
class RegionsCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news regions")


@dataclass(frozen=True, slots=True)
class HelpCommand(ParsedCommand):
    """``command`` is the path asked about (``"news pair"``, ``"news-admin"``), None for the overview."""

    spec: ClassVar[CommandSpec] = command("news help")
    command: str | None = None

    def argument_texts(self) -> dict[str, str]:
        return {} if self.command is None else {"command": self.command}


@dataclass(frozen=True, slots=True)
class SubscribeCommand(ParsedCommand):
    """This channel's digest query. ``custom_topics`` are names of the channel's own topics."""

    spec: ClassVar[CommandSpec] = command("news-admin subscribe")
    countries: tuple[CountryChoice, ...]
    regions: tuple[Region, ...]
    topics: tuple[Topic, ...]
    custom_topics: tuple[str, ...]
    terms: tuple[str, ...]
    items: int
    mode: DigestMode

    def argument_texts(self) -> dict[str, str]:
        texts = {"items": str(self.items), "mode": self.mode.value}
        if self.countries:
            texts["countries"] = ",".join(country.code for country in self.countries)
        if self.regions:
            texts["regions"] = ",".join(region.slug for region in self.regions)
        if self.topics or self.custom_topics:
            texts["topics"] = ",".join([*(topic.slug for topic in self.topics), *self.custom_topics])
        if self.terms:
            texts["terms"] = ", ".join(self.terms)
        return texts


@dataclass(frozen=True, slots=True)
class ScheduleCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news-admin schedule")
    schedule: Schedule

    def argument_texts(self) -> dict[str, str]:
        return {
            "days": self.schedule.days_text,
            "time": f"{self.schedule.time:%H:%M}",
            "timezone": self.schedule.timezone,
        }


@dataclass(frozen=True, slots=True)
class PauseCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news-admin pause")


@dataclass(frozen=True, slots=True)
class ResumeCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news-admin resume")


@dataclass(frozen=True, slots=True)
class UnsubscribeCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news-admin unsubscribe")


@dataclass(frozen=True, slots=True)
class ShowCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news-admin show")


@dataclass(frozen=True, slots=True)
class TopicAddCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news-admin topic add")
    custom: CustomTopic

    def argument_texts(self) -> dict[str, str]:
        texts = {"name": self.custom.slug, "keywords": ", ".join(self.custom.keywords)}
        if self.custom.exclude:
            texts["exclude"] = ", ".join(self.custom.exclude)
        return texts


@dataclass(frozen=True, slots=True)
class TopicRemoveCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news-admin topic remove")
    name: str

    def argument_texts(self) -> dict[str, str]:
        return {"name": self.name}


@dataclass(frozen=True, slots=True)
class FeedAddCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news-admin feed add")
    url: str

    def argument_texts(self) -> dict[str, str]:
        return {"url": self.url}


@dataclass(frozen=True, slots=True)
class FeedRemoveCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news-admin feed remove")
    url: str

    def argument_texts(self) -> dict[str, str]:
        return {"url": self.url}


@dataclass(frozen=True, slots=True)
class FeedEnableCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news-admin feed enable")
    url: str

    def argument_texts(self) -> dict[str, str]:
        return {"url": self.url}


@dataclass(frozen=True, slots=True)
class FeedsCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news-admin feeds")


@dataclass(frozen=True, slots=True)
class SourceExcludeCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news-admin source exclude")
    domain: str

    def argument_texts(self) -> dict[str, str]:
        return {"domain": self.domain}


@dataclass(frozen=True, slots=True)
class SourceIncludeCommand(ParsedCommand):
    spec: ClassVar[CommandSpec] = command("news-admin source include")
    domain: str

    def argument_texts(self) -> dict[str, str]:
        return {"domain": self.domain}
