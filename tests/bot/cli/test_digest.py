"""``newsbot digest``: the JSON shape with an ``items`` list, text and Markdown, and usage errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.cli.conftest import Newsbot

ITEM_KEYS = {"id", "title", "url", "sources", "published", "countries", "topics", "tone", "summary", "score",
             "reasons"}


def test_an_empty_archive_gives_an_empty_items_list(newsbot: Newsbot) -> None:
    ran = newsbot("digest", "--countries", "KR", "--since", "7d", "--json")
    assert ran.code == 0, ran.err
    obj = ran.json()
    assert obj["items"] == []
    assert obj["title"] == "News digest: KR"
    assert set(obj) == {"title", "since", "until", "items"}


def test_a_stored_article_is_in_the_digest(newsbot: Newsbot, founding_article: Path) -> None:
    assert newsbot("ingest", founding_article).code == 0
    ran = newsbot("digest", "--countries", "KR", "--since", "7d", "--json")
    assert ran.code == 0, ran.err
    [item] = ran.json()["items"]
    assert set(item) == ITEM_KEYS
    assert item["title"].startswith("South Korea and Japan pledge")
    assert "KR in the headline" in item["reasons"]
    assert len(item["summary"]) > 100

    other = newsbot("digest", "--countries", "france", "--since", "7d", "--json")
    assert other.json()["items"] == []


def test_text_and_markdown(newsbot: Newsbot, founding_article: Path) -> None:
    newsbot("ingest", founding_article)
    text = newsbot("digest", "--regions", "east-asia", "--topics", "diplomacy")
    assert text.code == 0
    lines = text.out.splitlines()
    assert lines[0] == "News digest: east-asia · diplomacy"
    assert lines[3].startswith("1. South Korea and Japan pledge")
    assert any(line.strip().startswith("why: ") and "topic: diplomacy" in line for line in lines)
    markdown = newsbot("digest", "--query", "historic summit", "--markdown")
    assert markdown.code == 0
    assert markdown.out.startswith('# News digest: "historic summit"\n')
    assert "1. **South Korea and Japan pledge" in markdown.out  # no URL: the title in bold


def test_a_name_read_one_way_is_noted(newsbot: Newsbot) -> None:
    ran = newsbot("digest", "--countries", "korea", "--json")
    assert ran.code == 0
    assert ran.json()["title"] == "News digest: KR"
    assert ran.err.startswith("note: ") and "South Korea" in ran.err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--countries", "atlantis"], "unknown country 'atlantis'"),
        (["--regions", "middle-earth"], "unknown region 'middle-earth'"),
        (["--topics", "xyzzy-plugh"], "unknown topic 'xyzzy-plugh'"),
        (["--limit", "0"], "--limit must be between 1 and 50"),
        (["--limit", "51"], "--limit must be between 1 and 50"),
        (["--since", "soon"], "is not a duration"),
        (["--since", "30s"], "is not a duration"),
        (["--since", "20000d"], "between 1 minute and 10 years"),
    ],
)
def test_usage_errors_exit_2_and_say_why(newsbot: Newsbot, args: list[str], message: str) -> None:
    ran = newsbot("digest", *args)
    assert ran.code == 2
    assert message in ran.err
    assert ran.out == ""
