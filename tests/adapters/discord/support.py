"""Shared test data for the Discord adapter tests: the fake's guilds and members, settings pointing at
the fake, digests made to measure, and a check of Discord's message limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord

from adapters.discord import DiscordAdapter
from bot.settings import Settings
from digests.archive import Source, Story
from digests.compose import Digest, DigestItem
from digests.model import Analysis, Article, Query, ScoredArticle
from tests.fakes.discord import FakeChannel, FakeDiscord, FakeGuild, FakeMember, snowflake_for_shard
from tests.fakes.discord.payloads import MANAGE_GUILD, MEMBER_PERMISSIONS

APP_ID = 1_184_526_311_118_200_832
TOKEN = "fake-discord-token.for-tests-only.x9Qv"
NEWS_GUILD_ID = snowflake_for_shard(0, 2, index=1)
OTHER_GUILD_ID = snowflake_for_shard(1, 2, index=2)
NEWS_CHANNEL_ID = 1_184_530_000_000_000_001
OTHER_CHANNEL_ID = 1_184_530_000_000_000_003
READER = FakeMember(id=1_184_540_000_000_000_001, username="mina")
ADMIN = FakeMember(id=1_184_540_000_000_000_002, username="ada", permissions=MEMBER_PERMISSIONS | MANAGE_GUILD)
SEED_HEADLINE = "South Korea and Japan pledge to resolve long-standing conflicts in historic summit!"

NEWS_GUILD = FakeGuild(id=NEWS_GUILD_ID, name="World News", channels=[FakeChannel(NEWS_CHANNEL_ID, "news")],
                       members=[READER, ADMIN])
OTHER_GUILD = FakeGuild(id=OTHER_GUILD_ID, name="Markets", channels=[FakeChannel(OTHER_CHANNEL_ID, "markets")],
                        members=[READER])



def settings_for(fake: FakeDiscord, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir, "discord_token": TOKEN, "discord_application_id": APP_ID,
        "discord_api_url": fake.url, "discord_gateway_url": fake.gateway_url,
    }
    values.update(overrides)
    return Settings(**values)


# -- digests made to measure ---------------------------------------------------------------------------


def story_item(number: int, *, summary_chars: int = 300, title: str | None = None,
               published: datetime | None = None) -> DigestItem:
    """A story as compose() returns it, with a summary of about ``summary_chars`` characters."""
    when = published or datetime(2025, 8, 23, 9, 0, tzinfo=UTC) - timedelta(minutes=number)
    article = Article(id=f"a{number}", title=title or f"Story number {number} about the summit",
                      text="Body.", published_at=when, url=f"https://news.example/{number}", source="Example")
    sentence = f"Sentence {number} of the summary says what happened in plain words. "
    summary = (sentence * (summary_chars // len(sentence) + 1))[:summary_chars].strip()
    analysis = Analysis(article_id=article.id, countries=("KR", "JP"), country_scores={"KR": 2.0, "JP": 1.5},
                        regions=("east-asia",), topics=("diplomacy", "politics"),
                        topic_scores={"diplomacy": 1.0, "politics": 0.5}, tone=0.2, summary_sentences=(summary,))
    sources = (Source("Example", article.url, when), Source("Wire", f"https://wire.example/{number}", when))
    story = Story(article=article, analysis=analysis, cluster_id=f"c{number}", sources=sources)
    scored = ScoredArticle(article=article, analysis=analysis, score=1.0 / number,
                           reasons=("about South Korea and Japan", "topic: diplomacy"))
    return DigestItem(story=story, scored=scored)


def long_digest(stories: int, *, summary_chars: int = 300) -> Digest:
    until = datetime(2025, 8, 23, 10, 0, tzinfo=UTC)
    items = tuple(story_item(n, summary_chars=summary_chars) for n in range(1, stories + 1))
    return Digest(title="Morning digest: South Korea, Japan", items=items, since=until - timedelta(days=1),
                  until=until, query=Query(countries=frozenset({"KR", "JP"})))


def text_channel(adapter: DiscordAdapter, channel_id: int) -> discord.TextChannel:
    assert adapter.client is not None
    channel = adapter.client.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


JSON = dict[str, Any]


def embed_chars(embed: JSON) -> int:
    """What Discord counts towards 6,000 per message, read from the wire JSON."""
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    total += len((embed.get("footer") or {}).get("text", "")) + len((embed.get("author") or {}).get("name", ""))
    return total


def assert_within_limits(message: JSON) -> None:
    """Every limit of Discord's on one message's embeds (as sent or as stored by the fake)."""
    embeds = message.get("embeds", [])
    assert len(embeds) <= 10
    assert sum(embed_chars(e) for e in embeds) <= 6000
    for embed in embeds:
        assert len(embed.get("title", "")) <= 256
        assert len(embed.get("description", "")) <= 4096
        assert len(embed.get("fields", [])) <= 25
        for field in embed.get("fields", []):
            assert 0 < len(field["name"]) <= 256 and 0 < len(field["value"]) <= 1024
        assert len((embed.get("footer") or {}).get("text", "")) <= 2048
        assert len((embed.get("author") or {}).get("name", "")) <= 256
    assert len(message.get("content") or "") <= 2000
