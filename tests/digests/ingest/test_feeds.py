from __future__ import annotations

import collections
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digests.ingest.errors import (
    EmptyFeedError,
    EntityDeclarationError,
    FeedError,
    FeedTooLargeError,
    HtmlPageError,
    InvalidJsonFeedError,
    MalformedFeedError,
    NotAFeedError,
)
from digests.ingest.feeds import MAX_FEED_BYTES, parse_feed

RSS2 = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Harbour Gazette</title><link>https://gazette.example/</link>
  <item>
    <title>Ferry service &amp; port reopen</title>
    <link>/2026/02/ferry?utm_source=rss</link>
    <guid isPermaLink="false">ferry-2026-02</guid>
    <description>&lt;p&gt;The ferry runs &lt;b&gt;again&lt;/b&gt;.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>The ferry runs again.</p><p>Crews worked all night.</p>
      <script>track()</script>]]></content:encoded>
    <pubDate>Tue, 17 Feb 2026 09:30:00 +0100</pubDate>
    <dc:creator>Ana Ruiz</dc:creator>
  </item>
  <item>
    <title>No date here</title><link>javascript:alert(1)</link><description>Plain.</description>
  </item>
</channel></rss>"""

RSS1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://wire.example/"><title>Wire</title><link>https://wire.example/</link>
    <items><rdf:Seq><rdf:li rdf:resource="https://wire.example/a"/></rdf:Seq></items></channel>
  <item rdf:about="https://wire.example/a"><title>Talks resume</title><link>https://wire.example/a</link>
    <description>Negotiators met again.</description><dc:date>2026-02-16T08:00:00Z</dc:date></item>
</rdf:RDF>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Valley Times</title><link href="https://valley.example/"/>
  <id>urn:valley</id><updated>2026-02-17T10:00:00Z</updated>
  <entry>
    <title type="html">Bridge &lt;em&gt;opens&lt;/em&gt;</title>
    <link rel="alternate" href="https://valley.example/bridge"/>
    <id>urn:valley:bridge</id><updated>2026-02-17T10:00:00-05:00</updated>
    <summary>The bridge opened.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>The new bridge opened.</p></div>
    </content>
    <author><name>Lee Chen</name></author>
    <source><title>Valley Wire Service</title></source>
  </entry>
</feed>"""


def _json_feed(version: str, **extra: object) -> bytes:
    document = {
        "version": f"https://jsonfeed.org/version/{version}",
        "title": "Json Post",
        "home_page_url": "https://json.example/",
        "items": [
            {
                "id": 42,
                "url": "/posts/42",
                "title": "Rates held",
                "content_html": "<p>The bank held rates.</p><p>Markets rose.</p>",
                "summary": "Rates unchanged.",
                "date_published": "2026-02-15T12:00:00+02:00",
                "authors": [{"name": "Sam Okoro"}],
            },
            {"id": "2", "content_text": "Just text.", "date_published": "not a date"},
            "not an object",
            {"id": "3"},
        ],
        **extra,
    }
    return json.dumps(document).encode()


def test_rss2_items_come_out_as_plain_text_with_utc_dates_and_absolute_urls() -> None:
    feed = parse_feed(RSS2, url="https://gazette.example/feed.xml")
    assert (feed.title, feed.link, feed.format) == ("Harbour Gazette", "https://gazette.example/", "rss2.0")
    first, second = feed.items
    assert first.title == "Ferry service & port reopen"
    assert first.url == "https://gazette.example/2026/02/ferry?utm_source=rss"
    assert first.guid == "ferry-2026-02"
    assert first.summary == "The ferry runs again."
    assert first.content == "The ferry runs again.\n\nCrews worked all night."
    assert first.published == datetime(2026, 2, 17, 8, 30, tzinfo=UTC)
    assert first.author == "Ana Ruiz"
    assert first.source_title == "Harbour Gazette"
    assert second.url is None  # a javascript: link is dropped
    assert second.published is None
    assert feed.warnings == ()


def test_rss1_rdf() -> None:
    feed = parse_feed(RSS1)
    assert feed.format == "rss1.0"
    (item,) = feed.items
    assert (item.title, item.url) == ("Talks resume", "https://wire.example/a")
    assert item.summary == "Negotiators met again."
    assert item.published == datetime(2026, 2, 16, 8, 0, tzinfo=UTC)


def test_atom_with_html_title_xhtml_content_and_entry_source() -> None:
    feed = parse_feed(ATOM)
    assert (feed.title, feed.format) == ("Valley Times", "atom")
    (item,) = feed.items
    assert item.title == "Bridge opens"
    assert item.content == "The new bridge opened."
    assert item.published == datetime(2026, 2, 17, 15, 0, tzinfo=UTC)
    assert (item.author, item.source_title) == ("Lee Chen", "Valley Wire Service")
    assert item.guid == "urn:valley:bridge"


@pytest.mark.parametrize("version", ["1", "1.1"])
def test_json_feed(version: str) -> None:
    feed = parse_feed(_json_feed(version), url="https://json.example/feed.json")
    assert (feed.title, feed.link, feed.format) == ("Json Post", "https://json.example/", "json")
    first, second = feed.items
    assert first.url == "https://json.example/posts/42"
    assert first.guid == "42"
    assert first.content == "The bank held rates.\n\nMarkets rose."
    assert first.summary == "Rates unchanged."
    assert first.published == datetime(2026, 2, 15, 10, 0, tzinfo=UTC)
    assert first.author == "Sam Okoro"
    assert (second.content, second.published) == ("Just text.", None)
    assert any("2 item(s) skipped" in w for w in feed.warnings)
    assert any("unreadable date" in w for w in feed.warnings)


def test_json_that_is_not_a_json_feed() -> None:
    with pytest.raises(NotAFeedError, match="JSON but not a JSON Feed"):
        parse_feed(b'{"name": "package.json", "dependencies": {}}')
    with pytest.raises(NotAFeedError, match="not an object"):
        parse_feed(b"[1, 2, 3]")
    with pytest.raises(InvalidJsonFeedError, match="not well-formed JSON"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1", "items": [')
    with pytest.raises(InvalidJsonFeedError, match="nested too deeply"):
        parse_feed(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(InvalidJsonFeedError, match="no items list"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1.1", "title": "x"}')


def test_a_gzipped_file_is_read() -> None:
    feed = parse_feed(gzip.compress(RSS2))
    assert len(feed.items) == 2
    assert any("gzip" in w for w in feed.warnings)


def test_a_gzip_bomb_file_is_refused() -> None:
    with pytest.raises(FeedTooLargeError):
        parse_feed(gzip.compress(bytes(MAX_FEED_BYTES + 1), compresslevel=1))


def test_ill_formed_xml_that_still_reads_is_accepted_with_a_warning() -> None:
    broken = RSS2.replace(b"<title>No date here</title>", b"<title>No date here & there</title>")
    feed = parse_feed(broken)
    assert len(feed.items) == 2
    assert any("not well-formed XML" in w and "read leniently" in w for w in feed.warnings)


def test_a_valid_feed_without_items_is_a_feed_with_a_warning() -> None:
    feed = parse_feed(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    assert (feed.title, feed.items) == ("Quiet", ())
    assert "the feed has no items" in feed.warnings


@pytest.mark.parametrize(
    ("data", "error", "reason"),
    [
        (b"", EmptyFeedError, "empty"),
        (b"\xef\xbb\xbf \n\t ", EmptyFeedError, "empty"),
        (b"<!-- nothing but a comment -->", EmptyFeedError, "no elements"),
        (b"Just some words, no markup.", NotAFeedError, "neither XML nor JSON"),
        (b"<?xml version='1.0'?><urlset><url><loc>https://x.example/</loc></url></urlset>", NotAFeedError,
         "root element is <urlset>"),
        (b'<rss version="2.0"><channel><title>Cut', MalformedFeedError, "not well-formed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", NotAFeedError, "neither XML nor JSON"),
    ],
)
def test_what_is_not_a_feed_is_refused_with_a_specific_reason(
    data: bytes, error: type[FeedError], reason: str
) -> None:
    with pytest.raises(error, match=reason):
        parse_feed(data)


def test_html_pages_are_recognised() -> None:
    page = b'<html><head><link rel="alternate" type="application/atom+xml" href="/atom.xml"></head></html>'
    with pytest.raises(HtmlPageError) as error:
        parse_feed(page, url="https://site.example/blog/")
    assert error.value.feed_url == "https://site.example/atom.xml"


def test_only_bytes_are_accepted_never_a_path_or_url_string() -> None:
    with pytest.raises(TypeError, match="expects bytes"):
        parse_feed("/etc/passwd")  # type: ignore[arg-type]  # the wrong type on purpose
    with pytest.raises(NotAFeedError):
        parse_feed(b"/etc/passwd")  # as bytes it is content, never opened as a file
    with pytest.raises(NotAFeedError):
        parse_feed(b"https://gazette.example/feed.xml")  # nor fetched as a URL


def test_entity_declarations_are_refused() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]><rss version="2.0"><channel/></rss>'
    with pytest.raises(EntityDeclarationError):
        parse_feed(data)


def test_an_oversize_document_is_refused() -> None:
    with pytest.raises(FeedTooLargeError, match="cap"):
        parse_feed(b" " * (MAX_FEED_BYTES + 1))


# --- the real-world and edge-case feeds in the evaluation data ----------------------------------


def test_every_feed_in_the_evaluation_data_parses_or_fails_with_a_specific_reason(shared_data: Path) -> None:
    folder = shared_data / "feeds"
    rows = [json.loads(line) for line in (folder / "index.jsonl").read_text().splitlines() if line.strip()]
    assert len(rows) >= 280
    outcomes: collections.Counter[str] = collections.Counter()
    unread_real: list[str] = []
    for row in rows:
        data = (folder / row["file"]).read_bytes()
        try:
            feed = parse_feed(data, url="https://feeds.example/feed")
        except FeedError as exc:
            assert type(exc) is not FeedError, f"{row['file']}: generic error {exc.reason!r}"
            assert len(exc.reason) > 10, f"{row['file']}: unclear reason {exc.reason!r}"
            outcomes[type(exc).__name__] += 1
            if row["file"].startswith(("real_news/", "real_other/")):
                unread_real.append(f"{row['file']}: {exc.reason}")
            continue
        outcomes["parsed"] += 1
        assert len(feed.items) <= max(row["items"], 1) or row["format"] in ("json", "gzip"), row["file"]
        if row["file"].startswith(("real_news/", "real_other/")) and row["items"]:
            assert len(feed.items) == row["items"], row["file"]
        for item in feed.items:
            assert item.title or item.url or item.summary or item.content
            assert item.published is None or item.published.tzinfo is UTC
            assert not item.summary.startswith("<") and not (item.content or "").startswith("<")
            assert item.url is None or item.url.startswith(("http://", "https://"))
    print(f"\nfeeds: {dict(outcomes)}")
    assert unread_real == []
    assert outcomes["parsed"] >= 275


# --- bad input never crashes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "document", [RSS2, RSS1, ATOM, _json_feed("1.1")], ids=["rss2", "rss1", "atom", "json"]
)
def test_every_truncation_of_a_feed_parses_or_fails_with_a_feed_error(document: bytes) -> None:
    for cut in range(0, len(document), 3):
        for damaged in (document[:cut], document[:cut] + document[cut + 4 :]):
            try:
                parse_feed(damaged)
            except FeedError as exc:
                assert exc.reason


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=300), st.sampled_from([b"", b'<rss version="2.0"><channel>', b"{", b"\xef\xbb\xbf<"])
)
def test_arbitrary_bytes_never_crash(noise: bytes, prefix: bytes) -> None:
    try:
        parse_feed(prefix + noise)
    except FeedError as exc:
        assert exc.reason
