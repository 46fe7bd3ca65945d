from __future__ import annotations

from digests.ingest.htmltext import advertised_feeds, html_to_text, looks_like_html, plain_paragraphs


def test_block_elements_become_paragraphs() -> None:
    html = "<p>First  paragraph\nwrapped.</p><div>Second &amp; last.</div>"
    assert html_to_text(html) == "First paragraph wrapped.\n\nSecond & last."


def test_double_line_breaks_split_paragraphs_and_single_ones_do_not() -> None:
    assert html_to_text("One<br>still one<br/><br/>Two") == "One still one\n\nTwo"


def test_scripts_styles_and_embeds_are_dropped_with_their_content() -> None:
    html = "<p>Text</p><script>alert('x')</script><style>p{}</style><iframe>frame</iframe><p>More</p>"
    assert html_to_text(html) == "Text\n\nMore"


def test_images_leave_no_trace_and_entities_are_decoded() -> None:
    assert html_to_text('<img src="x.png" alt="photo">Caf&eacute; &#8220;open&#8221;') == "Café “open”"


def test_plain_text_is_tidied_without_html_parsing() -> None:
    assert html_to_text("a < b and c > d") == "a < b and c > d"
    assert plain_paragraphs("  one\n two \n\n\n three ") == "one two\n\nthree"


def test_looks_like_html() -> None:
    assert looks_like_html(b"<!DOCTYPE html><html><body>x</body></html>")
    assert looks_like_html(b"\n  <html lang='en'><head></head></html>")
    assert not looks_like_html(b"<?xml version='1.0'?><rss version='2.0'><channel></channel></rss>")
    assert not looks_like_html(b"<feed xmlns='http://www.w3.org/2005/Atom'><content type='html'><html>")


def test_advertised_feeds_are_resolved_against_the_page_and_its_base() -> None:
    page = """<html><head>
    <link rel="stylesheet" href="/s.css">
    <link rel="alternate" type="application/rss+xml" href="/rss.xml">
    <link rel="alternate" type="application/atom+xml" href="https://other.example/atom">
    <link rel="alternate" type="application/feed+json" href="feed.json">
    <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    </head></html>"""
    assert advertised_feeds(page, "https://news.example/section/page.html") == [
        "https://news.example/rss.xml",
        "https://other.example/atom",
        "https://news.example/section/feed.json",
    ]
    with_base = '<base href="https://cdn.example/x/"><link rel="alternate" type="application/rss+xml" href=f>'
    assert advertised_feeds(with_base, "https://news.example/") == ["https://cdn.example/x/f"]
    assert advertised_feeds("<html><body>nothing</body></html>", "https://news.example/") == []


def test_html_escaped_twice_is_read_as_html() -> None:
    twice = "&lt;p&gt;&lt;a href=&quot;x&quot;&gt;Rates&lt;/a&gt; held.&lt;/p&gt;"
    assert html_to_text(twice) == "Rates held."
    assert html_to_text("<p>Write &lt;p&gt; to open a paragraph.</p>") == "Write <p> to open a paragraph."
