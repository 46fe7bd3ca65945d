"""``newsbot ingest``: one outcome per source, duplicates on the second run, and exit codes."""

from __future__ import annotations

from pathlib import Path

from tests.bot.cli.conftest import Newsbot

OUTCOME_KEYS = {"source", "kind", "ok", "reason", "items", "new", "near_duplicates", "duplicates", "failed",
                "not_modified", "feed_title", "warnings", "errors"}


def test_ingest_an_article_then_find_it_a_duplicate(newsbot: Newsbot, founding_article: Path,
                                                    data_dir: Path) -> None:
    first = newsbot("ingest", founding_article, "--json")
    assert first.code == 0, first.err
    [outcome] = first.json_lines()
    assert set(outcome) == OUTCOME_KEYS
    assert (outcome["source"], outcome["kind"], outcome["ok"]) == (str(founding_article), "articles", True)
    assert (outcome["items"], outcome["new"], outcome["duplicates"]) == (1, 1, 0)
    assert (data_dir / "newsbot.db").is_file()  # the default SQLite file, created on first use

    again = newsbot("ingest", founding_article)
    assert again.code == 0
    assert again.out.strip() == f"{founding_article}: 1 read, 0 new, 0 joined known stories, 1 already stored"


def test_a_bad_source_fails_and_is_named(newsbot: Newsbot, founding_article: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    ran = newsbot("ingest", empty, founding_article, "--json")
    assert ran.code == 1
    bad, good = ran.json_lines()
    assert (bad["ok"], bad["reason"]) == (False, "empty file")
    assert (good["ok"], good["new"]) == (True, 1)
    assert f"error: {empty}: empty file" in ran.err.splitlines()


def test_a_bad_line_in_records_is_named_and_the_rest_stored(newsbot: Newsbot, tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    records.write_text(
        '{"id": "r1", "title": "Norway opens a wind farm", "body": "Norway opened a wind farm in the north."}\n'
        "{broken\n", encoding="utf-8")
    ran = newsbot("ingest", records, "--json")
    assert ran.code == 1
    [outcome] = ran.json_lines()
    assert (outcome["ok"], outcome["new"], outcome["failed"]) == (True, 1, 1)
    assert any(line.startswith(f"error: {records}:2: invalid JSON") for line in ran.err.splitlines())


def test_a_private_address_is_refused_without_the_setting(newsbot: Newsbot) -> None:
    ran = newsbot("ingest", "http://127.0.0.1:9/rss.xml", "--json")
    assert ran.code == 1
    [outcome] = ran.json_lines()
    assert outcome["ok"] is False
    assert "refused" in outcome["reason"]
    assert "error: http://127.0.0.1:9/rss.xml: refused" in ran.err


def test_a_source_is_required(newsbot: Newsbot) -> None:
    ran = newsbot("ingest")
    assert ran.code == 2
    assert "SOURCE" in ran.err


def test_a_bad_database_url_is_a_usage_error(newsbot: Newsbot, founding_article: Path) -> None:
    ran = newsbot("ingest", founding_article, "--db", "mysql://nobody@nowhere/db")
    assert ran.code == 2
    assert ran.err == "error: unsupported database 'mysql': use PostgreSQL or SQLite\n"


def test_an_unreachable_database_is_a_clear_failure(newsbot: Newsbot, founding_article: Path) -> None:
    ran = newsbot("ingest", founding_article, "--db", "postgresql://postgres@127.0.0.1:9/none")
    assert ran.code == 1
    assert ran.err.startswith("error: cannot reach the database at postgresql+asyncpg://postgres@127.0.0.1:9/none")
    assert "Traceback" not in ran.err
