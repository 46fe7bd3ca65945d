from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from digests.ingest.convert import feed_item_to_article
from digests.ingest.feedtypes import FeedItem
from digests.ingest.urls import canonical_url
from digests.reader import article_id

NOW = datetime(2026, 2, 18, 12, 0, tzinfo=UTC)
LONG_CONTENT = (
    "The harbour reopened on Monday after a week of storms.\n\n"
    "Ferries resumed their normal timetable, the port authority said, and freight traffic was expected "
    "to return to normal by the end of the week.\n\n"
    "The post Harbour reopens appeared first on Harbour Gazette."
)


def _item(**changes: object) -> FeedItem:
    fields: dict[str, object] = {
        "title": "Harbour reopens after storms",
        "url": "https://gazette.example/harbour?utm_source=rss#top",
        "guid": "h-1",
        "summary": "The harbour reopened on Monday.",
        "content": LONG_CONTENT,
        "published": datetime(2026, 2, 17, 8, 30, tzinfo=UTC),
        "author": "Ana Ruiz",
        "source_title": "Harbour Gazette",
    }
    fields.update(changes)
    return FeedItem(**fields)  # type: ignore[arg-type]  # test data built from a dict


def test_a_full_item_becomes_an_article() -> None:
    article = feed_item_to_article(_item(), feed_url="https://gazette.example/feed.xml", now=NOW)
    assert article.id == article_id("https://gazette.example/harbour", "", "")
    assert article.id == "u-" + hashlib.sha256(canonical_url(article.url or "").encode()).hexdigest()[:20]
    assert article.title == "Harbour reopens after storms"
    assert article.paragraphs == (
        "The harbour reopened on Monday after a week of storms.",
        "Ferries resumed their normal timetable, the port authority said, and freight traffic was expected "
        "to return to normal by the end of the week.",
    )  # WordPress's "The post ... appeared first on ..." is not article text
    assert article.text == "\n\n".join(article.paragraphs)
    assert article.standfirst == "The harbour reopened on Monday."
    assert (article.source, article.byline, article.language) == ("Harbour Gazette", "Ana Ruiz", "en")
    assert article.published_at == datetime(2026, 2, 17, 8, 30, tzinfo=UTC)


def test_tracking_variants_of_one_url_give_one_id() -> None:
    a = feed_item_to_article(_item(url="https://gazette.example/harbour?utm_medium=x"), feed_url="f", now=NOW)
    b = feed_item_to_article(_item(url="https://GAZETTE.example/harbour"), feed_url="f", now=NOW)
    assert a.id == b.id


def test_content_that_is_only_a_caption_gives_way_to_the_summary() -> None:
    item = _item(summary="Officials met for a second day of talks in Geneva on Tuesday.",
                 content="A delegate arrives in Geneva. (Image credit: Agency)")
    article = feed_item_to_article(item, feed_url="https://gazette.example/feed.xml", now=NOW)
    assert article.text == "Officials met for a second day of talks in Geneva on Tuesday."
    assert article.standfirst is None


def test_an_item_without_url_title_or_date() -> None:
    summary = "Storms closed the harbour for a week and ferries stayed in port until Monday morning."
    item = _item(url=None, title="", published=None, source_title=None, content=None, summary=summary)
    article = feed_item_to_article(item, feed_url="https://www.gazette.example/feed.xml", now=NOW)
    assert article.id.startswith("h-")
    assert article.title == "Storms closed the harbour for a week and ferries stayed in port…"
    assert article.published_at == NOW
    assert article.source == "gazette.example"


def test_a_date_in_the_future_is_taken_as_now() -> None:
    item = _item(published=NOW + timedelta(days=2))
    assert feed_item_to_article(item, feed_url="f", now=NOW).published_at == NOW


def test_an_excerpt_cut_mark_is_tidied() -> None:
    item = _item(content=None, summary="Ferries are running again after the storm, the port said […]")
    assert feed_item_to_article(item, feed_url="f", now=NOW).text == (
        "Ferries are running again after the storm, the port said…"
    )
