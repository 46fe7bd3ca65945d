"""``newsbot feeds``: the default feeds on a fresh database, add / remove / enable / list, bad URLs, and a
polling round against feeds served on loopback."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import seeds
from bot.store import migrate
from tests.bot.cli.conftest import Newsbot

FEED = "https://harbourpost.example/rss.xml"
RSS = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Harbour Post</title>'
       b"<link>https://harbourpost.example/</link><description>news</description>"
       b"<item><title>Ice closes the northern shipping lane</title><link>https://harbourpost.example/ice</link>"
       b"<description>Ice closed the northern shipping lane on Monday and freighters waited at anchor."
       b"</description></item></channel></rss>")


def default_feed_urls() -> list[str]:
    return [entry["url"] for entry in seeds.load_json("feeds.json")["feeds"]]


def listed(newsbot: Newsbot) -> dict[str, dict[str, object]]:
    ran = newsbot("feeds", "--json")
    assert ran.code == 0, ran.err
    return {feed["url"]: feed for feed in ran.json()["feeds"]}


def test_a_fresh_database_has_the_default_feeds(newsbot: Newsbot) -> None:
    feeds = listed(newsbot)
    assert list(feeds) == default_feed_urls()
    assert len(feeds) >= 10
    first = feeds[default_feed_urls()[0]]
    assert set(first) == {"url", "title", "publisher", "country", "last_success", "last_error",
                          "consecutive_failures", "next_attempt", "disabled"}
    assert (first["consecutive_failures"], first["disabled"], first["last_success"]) == (0, False, None)
    assert first["publisher"]
    # Opening the database again does not register them a second time.
    assert len(listed(newsbot)) == len(feeds)


def test_add_list_remove(newsbot: Newsbot) -> None:
    added = newsbot("feeds", "add", FEED, "--json")
    assert added.code == 0, added.err
    assert added.json()["added"]["url"] == FEED
    assert FEED in listed(newsbot)
    assert newsbot("feeds", "add", FEED).code == 0  # adding it again changes nothing
    assert list(listed(newsbot)).count(FEED) == 1

    removed = newsbot("feeds", "remove", FEED)
    assert removed.code == 0
    assert removed.out.strip() == f"removed {FEED}"
    assert FEED not in listed(newsbot)
    again = newsbot("feeds", "remove", FEED)
    assert again.code == 1
    assert "is not registered" in again.err


def test_enable(newsbot: Newsbot) -> None:
    newsbot("feeds", "add", FEED)
    enabled = newsbot("feeds", "enable", FEED, "--json")
    assert enabled.code == 0
    assert enabled.json() == {"enabled": FEED}
    unknown = newsbot("feeds", "enable", "https://nowhere.example/rss")
    assert unknown.code == 1
    assert "is not registered" in unknown.err


def test_the_table(newsbot: Newsbot) -> None:
    newsbot("feeds", "add", FEED)
    ran = newsbot("feeds")
    assert ran.code == 0
    assert ran.out.startswith(f"{len(default_feed_urls()) + 1} registered feeds\n")
    assert "never" in ran.out  # no feed has been fetched yet


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://harbourpost.example/rss.xml", "not an http(s) URL"),
        ("harbourpost.example/rss.xml", "not an http(s) URL"),
        ("https://", "not an http(s) URL"),
        ("   ", "empty feed URL"),
    ],
)
def test_a_bad_url_exits_2(newsbot: Newsbot, url: str, message: str) -> None:
    ran = newsbot("feeds", "add", url)
    assert ran.code == 2
    assert message in ran.err
    assert url.strip() not in listed(newsbot) or not url.strip()


@pytest.mark.parametrize("args", [["add"], ["remove"], ["enable"], ["list", "extra"], ["refresh"]])
def test_missing_url_or_unknown_action_exits_2(newsbot: Newsbot, args: list[str]) -> None:
    ran = newsbot("feeds", *args)
    assert ran.code == 2
    assert ran.err


class _Feeds(BaseHTTPRequestHandler):
    """/good.xml is a feed; everything else answers 500."""

    def do_GET(self) -> None:
        if self.path == "/good.xml":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(RSS)))
            self.end_headers()
            self.wfile.write(RSS)
        else:
            self.send_error(500)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output quiet


@pytest.fixture
def http_server() -> Iterator[str]:
    """A threaded HTTP server on 127.0.0.1 (the CLI runs its own event loop); its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feeds)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_poll_fetches_the_registered_feeds(newsbot: Newsbot, data_dir: Path, http_server: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # A database migrated beforehand is not "fresh", so no default feeds (which would go to the Internet).
    data_dir.mkdir(parents=True)
    asyncio.run(migrate(f"sqlite+aiosqlite:///{data_dir / 'newsbot.db'}"))
    monkeypatch.setenv("NEWSBOT_ALLOW_PRIVATE_FEEDS", "1")
    good, bad = f"{http_server}/good.xml", f"{http_server}/bad.xml"
    assert newsbot("feeds", "add", good).code == 0
    assert listed(newsbot).keys() == {good}

    ran = newsbot("feeds", "poll", "--json")
    assert ran.code == 0, ran.err
    assert ran.json_lines() == [{"feed": good, "ok": True, "reason": None, "new": 1}]
    assert listed(newsbot)[good]["last_success"] is not None

    assert newsbot("feeds", "add", bad).code == 0
    failed = newsbot("feeds", "poll", "--json")
    assert failed.code == 1
    [outcome] = failed.json_lines()  # the good feed is not due again yet
    assert (outcome["feed"], outcome["ok"]) == (bad, False)
    health = listed(newsbot)[bad]
    assert health["consecutive_failures"] == 1
    assert "HTTP 500" in str(health["last_error"])
