import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

import seeds
from digests.model import Article
from digests.reader import (
    MAX_LINE_BYTES,
    ReadError,
    ReadWarning,
    article_id,
    paragraphs_of,
    parse_plain_article,
    read_path,
    read_paths,
)

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def _articles(items: list[object]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def _errors(items: list[object]) -> list[ReadError]:
    return [i for i in items if isinstance(i, ReadError)]


def test_founding_article_parts_are_recognised(founding_article: Path) -> None:
    parts = parse_plain_article(founding_article.read_text(encoding="utf-8"))
    assert parts.byline == "Layla Al-Khalifa"
    assert parts.title.startswith("South Korea and Japan pledge to resolve long-standing conflicts")
    assert parts.standfirst is not None and parts.standfirst.endswith("Forge New Alliance")
    assert "Areas of Cooperation" in parts.headings
    assert "Upcoming Meeting with U.S. President" in parts.headings
    assert all(h not in parts.paragraphs for h in parts.headings)
    assert parts.paragraphs[0].startswith("In a historic meeting in Tokyo")
    # the agency sign-off is not part of the last sentence
    assert parts.paragraphs[-1].endswith("bilateral relations.")
    assert len(parts.paragraphs) == 7


def test_founding_article_reads_as_one_article_with_reading_time(founding_article: Path) -> None:
    items = list(read_path(founding_article, now=NOW))
    (article,) = _articles(items)
    assert article.published_at == NOW  # no date in the file: the time of reading
    assert article.id.startswith("h-")  # no URL: a hash of title and text
    assert "Agencies" not in article.text


def test_bundled_samples_read_with_their_metadata() -> None:
    folder = Path(str(seeds.path("samples")))
    articles = _articles(list(read_path(folder, now=NOW)))
    assert len(articles) >= 4
    first = articles[0]
    assert first.dateline == "SEOUL"
    assert first.published_at == datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
    assert first.byline == "Mina Park"
    assert not first.paragraphs[0].startswith("SEOUL")


def test_jsonl_records_with_body_or_text_and_wire_dates(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    records = [
        {"id": "r-1", "title": "JAPAN CUTS RATES", "dateline": "TOKYO, Feb 26 -", "date": "26-FEB-1987 15:01:01.79",
         "body": "The Bank of Japan cut its discount rate\nto 2.5 pct, officials said.\n    It was the fifth cut."},
        {"title": "No id here", "text": "Some text.", "url": "https://Example.com/a?utm_source=x#top"},
        {"title": "No id, no url", "text": "Other text."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    articles = _articles(list(read_path(path, now=NOW)))
    first = articles[0]
    assert first.id == "r-1"
    assert first.dateline == "TOKYO, Feb 26"
    assert first.published_at == datetime(1987, 2, 26, 15, 1, 1, 790000, tzinfo=UTC)
    assert first.paragraphs == ("The Bank of Japan cut its discount rate to 2.5 pct, officials said.",
                                "It was the fifth cut.")
    assert articles[1].id == article_id("https://example.com/a", "", "")
    assert articles[2].id.startswith("h-")
    assert articles[2].published_at == NOW


def test_bad_lines_are_named_and_the_rest_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"id": "ok", "title": "T", "body": "Fine."})
    path.write_bytes(
        b"\n".join([
            good.encode(),
            b"{not json",
            json.dumps({"id": "empty", "title": "T", "body": "   "}).encode(),
            json.dumps({"id": "nobody", "title": "T"}).encode(),
            b"[1, 2]",
            b"\xff\xfe\x00bad",
            json.dumps({"id": "baddate", "title": "T", "body": "Fine.", "date": "someday"}).encode(),
            good.replace('"ok"', '"ok2"').encode(),
        ]) + b"\n"
    )
    items = list(read_path(path, now=NOW))
    assert [a.id for a in _articles(items)] == ["ok", "baddate", "ok2"]
    errors = _errors(items)
    assert [e.line for e in errors] == [2, 3, 4, 5, 6]
    assert "invalid JSON" in errors[0].message
    assert "no text" in errors[1].message and "no text" in errors[2].message
    assert "JSON object" in errors[3].message
    assert all(str(e).startswith(f"{path}:") for e in errors)
    warnings = [i for i in items if isinstance(i, ReadWarning)]
    assert len(warnings) == 1 and "time of reading" in warnings[0].message


def test_an_oversized_line_is_skipped_without_losing_the_next(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("wb") as handle:
        handle.write(b'{"id": "huge", "body": "' + b"x" * (MAX_LINE_BYTES + 1_000) + b'"}\n')
        handle.write(json.dumps({"id": "after", "title": "T", "body": "Fine."}).encode() + b"\n")
    items = list(read_path(path, now=NOW))
    assert [a.id for a in _articles(items)] == ["after"]
    (error,) = _errors(items)
    assert error.line == 1 and "longer than" in error.message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "only whitespace"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("latin1.txt", "Caf\u00e9 headline\n\nBody.".encode("latin-1"), "not UTF-8"),
        ("empty.jsonl", b"", "empty file"),
        ("headline_only.txt", b"Just a headline", "no body text"),
        ("data.csv", b"a,b\n", "unsupported file type"),
    ],
)
def test_bad_files_get_one_clear_error(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    items = list(read_path(path, now=NOW))
    (error,) = _errors(items)
    assert message in error.message
    assert str(path) in str(error)


def test_a_missing_path_is_reported_and_others_still_read(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Headline here\n\nA body sentence that says something.\n", encoding="utf-8")
    items = list(read_paths([tmp_path / "missing.txt", good], now=NOW))
    assert "no such file" in _errors(items)[0].message
    assert len(_articles(items)) == 1


def test_paragraphs_reflow_wire_copy() -> None:
    body = "Showers continued throughout\nthe week.\n    Arrivals rose.\n\nNew block\nwrapped."
    assert paragraphs_of(body) == ["Showers continued throughout the week.", "Arrivals rose.", "New block wrapped."]
