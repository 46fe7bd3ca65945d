"""Shared fixtures: where the evaluation data and the test PostgreSQL are, or why a test skips."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """``NEWSBOT_SHARED_DATA``, default ``../shared/data`` from the project root."""
    configured = os.environ.get("NEWSBOT_SHARED_DATA")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The evaluation data folder; the test skips, saying why, when it is absent."""
    folder = shared_data_dir()
    if not folder.is_dir():
        pytest.skip(f"evaluation data not found at {folder} (set NEWSBOT_SHARED_DATA to its folder)")
    return folder


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """An asyncpg URL of the test PostgreSQL; the test skips, saying why, when none is configured."""
    url = os.environ.get("NEWSBOT_TEST_DATABASE_URL")
    if not url:
        pytest.skip("NEWSBOT_TEST_DATABASE_URL is not set (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)")
    return url


@pytest.fixture(scope="session")
def founding_article() -> Path:
    """The founding example article in ``shared/seeds`` beside the evaluation data."""
    path = shared_data_dir().parent / "seeds" / "000_cf3323416d97dffa.txt"
    if not path.is_file():
        pytest.skip(f"founding example article not found at {path}")
    return path
