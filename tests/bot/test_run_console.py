"""The issue's literal check, as a user runs it: ingest the founding article, then pipe two commands into
``newsbot run --console``; the summit story answers the first, a clear "unknown country" the second, exit 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from digests.model import Article
from digests.reader import read_text_file

TIMEOUT = 120  # seconds for each command: a cold start imports the engine and migrates a new database


def newsbot() -> list[str]:
    """The installed ``newsbot`` script beside this interpreter, else the same entry point through it."""
    script = Path(sys.executable).with_name("newsbot")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]


def environment(data_dir: Path) -> dict[str, str]:
    """This environment with a fresh data directory, and no database, config file or platform tokens."""
    unset = {"NEWSBOT_DATABASE_URL", "NEWSBOT_CONFIG", "NEWSBOT_ADMINS", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN",
             "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "DISCORD_TOKEN"}
    env = {name: value for name, value in os.environ.items() if name not in unset}
    env["NEWSBOT_DATA_DIR"] = str(data_dir)
    return env


def headline(path: Path) -> str:
    """The founding article's headline as the engine reads it (the text stays in the shared folder)."""
    articles = [item for item in read_text_file(path, now=datetime.now(UTC)) if isinstance(item, Article)]
    assert len(articles) == 1
    return articles[0].title


def test_pair_korea_japan_then_an_unknown_country_through_the_console(founding_article: Path,
                                                                      tmp_path: Path) -> None:
    env = environment(tmp_path / "data")
    ingest = subprocess.run([*newsbot(), "ingest", str(founding_article)],  # noqa: S603 -- our own entry point
                            env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert ingest.returncode == 0, ingest.stderr

    commands = "/news pair korea japan\n/news pair atlantis japan\n"
    run = subprocess.run([*newsbot(), "run", "--console"], input=commands,  # noqa: S603 -- our own entry point
                         env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert run.returncode == 0, run.stderr
    first, separator, second = run.stdout.partition('Unknown country "atlantis"')
    assert separator, run.stdout
    assert first.startswith("South Korea – Japan"), run.stdout  # the pair report's heading
    assert headline(founding_article) in first
    assert "Traceback" not in run.stderr and "error id" not in run.stdout
    assert "newsbot> " not in run.stdout  # no prompt when reading a pipe
    # The second reply is one line that says how to fix it, and nothing follows it.
    assert second.strip().startswith(".") and "e.g. /news pair korea japan" in second
    assert second.strip().count("\n") == 0
