"""Run ``newsbot`` in-process: the real argument parser, settings and SQLite store, with output captured.

Each test gets its own data directory (so its own SQLite file) and an environment without any database
URL or config file of the machine running the tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main

ISOLATED_SETTINGS = ("NEWSBOT_DATABASE_URL", "NEWSBOT_CONFIG", "NEWSBOT_ALLOW_PRIVATE_FEEDS",
                     "NEWSBOT_FEED_MAX_FAILURES", "NEWSBOT_FEED_POLL_MINUTES")


@dataclass(frozen=True)
class Ran:
    """One run of the command line: its exit code and what it printed."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """stdout as one JSON document."""
        return json.loads(self.out)

    def json_lines(self) -> list[Any]:
        """stdout as JSON lines."""
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


Newsbot = Callable[..., Ran]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(folder))
    for name in ISOLATED_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.fixture
def newsbot(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Newsbot:
    """``newsbot(*argv)`` runs the command line and returns its exit code and output."""

    def run(*argv: str | Path) -> Ran:
        capsys.readouterr()  # drop anything printed before this run
        try:
            code = main([str(arg) for arg in argv])
        except SystemExit as exc:  # argparse answers usage errors by exiting 2
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run
