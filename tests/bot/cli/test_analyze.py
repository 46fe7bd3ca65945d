"""``newsbot analyze``: the documented JSON shape, readable output, the bundled samples, and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

import seeds
from tests.bot.cli.conftest import Newsbot

ANALYSIS_KEYS = {"id", "title", "date", "countries", "country_scores", "regions", "topics", "topic_scores", "tone",
                 "summary", "summary_sentences"}

ARTICLE = """Date: 2026-03-02T05:00:00Z

Iceland votes to widen its fishing zone

REYKJAVIK - Iceland's parliament voted on Monday to widen the country's fishing zone. Fishermen welcomed
the vote and neighbouring governments said they would study it.

The bill passed with a large majority after two days of debate. It takes effect next year.
"""


def test_the_founding_article_as_json(newsbot: Newsbot, founding_article: Path) -> None:
    ran = newsbot("analyze", founding_article, "--json")
    assert ran.code == 0, ran.err
    [obj] = ran.json_lines()
    assert set(obj) == ANALYSIS_KEYS
    assert set(obj["countries"][:2]) == {"KR", "JP"}
    assert obj["country_scores"]["US"] < min(obj["country_scores"]["KR"], obj["country_scores"]["JP"])
    assert "diplomacy" in obj["topics"]
    assert isinstance(obj["tone"], float)
    assert len(obj["summary_sentences"]) == 3
    assert obj["summary"] == " ".join(obj["summary_sentences"])
    assert obj["date"].endswith("Z")
    assert obj["title"].startswith("South Korea and Japan pledge")
    assert "east-asia" in obj["regions"]


def test_sentences_sets_the_summary_length(newsbot: Newsbot, founding_article: Path) -> None:
    ran = newsbot("analyze", founding_article, "--json", "--sentences", "1")
    assert ran.code == 0
    [obj] = ran.json_lines()
    assert len(obj["summary_sentences"]) == 1


@pytest.mark.parametrize("value", ["0", "51", "-2", "three"])
def test_a_bad_sentence_count_is_a_usage_error(newsbot: Newsbot, founding_article: Path, value: str) -> None:
    ran = newsbot("analyze", founding_article, "--sentences", value)
    assert ran.code == 2
    assert "--sentences" in ran.err
    assert ran.out == ""


def test_without_a_path_the_bundled_samples_are_analysed(newsbot: Newsbot) -> None:
    ran = newsbot("analyze", "--json")
    assert ran.code == 0, ran.err
    objects = ran.json_lines()
    assert len(objects) == len(seeds.sample_articles()) >= 1
    assert all(set(obj) == ANALYSIS_KEYS for obj in objects)
    assert all(obj["countries"] and obj["summary_sentences"] for obj in objects)


def test_readable_output(newsbot: Newsbot, tmp_path: Path) -> None:
    path = tmp_path / "iceland.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    ran = newsbot("analyze", path)
    assert ran.code == 0
    assert "[1] Iceland votes to widen its fishing zone" in ran.out
    assert "2026-03-02 05:00 UTC" in ran.out
    assert "countries  IS" in ran.out
    assert "summary    1. " in ran.out
    assert ran.out.rstrip().endswith("1 analysed, 0 failed")


def test_some_failed_each_named_and_the_rest_analysed(newsbot: Newsbot, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a_good.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "c_records.jsonl").write_text('{"title": "no body here"}\n{not json\n', encoding="utf-8")
    ran = newsbot("analyze", folder, "--json")
    assert ran.code == 1
    [obj] = ran.json_lines()
    assert obj["title"] == "Iceland votes to widen its fishing zone"
    errors = [line for line in ran.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 3
    assert f"error: {folder / 'b_empty.txt'}: empty file" in errors
    assert any(line.startswith(f"error: {folder / 'c_records.jsonl'}:1: record has no text") for line in errors)
    assert any(line.startswith(f"error: {folder / 'c_records.jsonl'}:2: invalid JSON") for line in errors)


def test_a_missing_path_fails_with_its_name(newsbot: Newsbot, tmp_path: Path) -> None:
    ran = newsbot("analyze", tmp_path / "nowhere.txt")
    assert ran.code == 1
    assert f"error: {tmp_path / 'nowhere.txt'}: no such file or folder" in ran.err


def test_a_folder_without_articles_is_an_error(newsbot: Newsbot, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(b"%PDF-1.4")
    ran = newsbot("analyze", empty)
    assert ran.code == 1
    assert "no articles found" in ran.err
