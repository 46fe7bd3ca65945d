"""The engine compiled with mypyc (setup.py, NEWSBOT_COMPILE=1), as the container image and `make bench` build
it: the compiled modules are the ones loaded, the engine's tests pass against them, and the analysis is the
same as the plain-Python engine's, article for article.

The build happens in a copy of the project, so this checkout keeps running plain Python.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bench.compiled import CompiledUnavailable, build_compiled_copy, check_toolchain
from tests.conftest import PROJECT_ROOT, shared_data_dir

COMPILED = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["newsbot"]["compiled"]


@pytest.fixture(scope="module")
def compiled_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        check_toolchain()
    except CompiledUnavailable as reason:
        pytest.skip(f"the compiled build cannot be made here ({reason}); the plain-Python engine runs instead")
    root = tmp_path_factory.mktemp("compiled")
    build_compiled_copy(PROJECT_ROOT, root)
    # The tests run from the copy too; bot and adapters are imported from this checkout.
    for folder in ("bench", "tests"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return root


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSBOT_SHARED_DATA": str(shared_data_dir()), "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, *args], cwd=root, env=env,  # noqa: S603 -- our interpreter, our code
                          capture_output=True, text=True, timeout=900)


def test_the_compiled_modules_are_the_ones_loaded(compiled_tree: Path) -> None:
    modules = [path.removesuffix(".py").replace("/", ".") for path in COMPILED]
    code = f"import importlib; print(*(importlib.import_module(m).__file__ for m in {modules!r}), sep='\\n')"
    loaded = _run(compiled_tree, "-c", code)
    assert loaded.returncode == 0, loaded.stderr
    files = loaded.stdout.split()
    assert len(files) == len(modules)
    assert all(Path(file).suffix == ".so" and Path(file).is_relative_to(compiled_tree) for file in files), files


# The engine's own tests, and the bot's tests that drive the engine end to end (analyse, ingest, digest,
# pair, polling, the console bot process), all importing the compiled engine.
ON_COMPILED = ("tests/digests", "tests/bot/cli", "tests/bot/test_polling.py", "tests/bot/test_run_console.py")


def test_the_engine_tests_pass_against_the_compiled_build(compiled_tree: Path) -> None:
    result = _run(compiled_tree, "-m", "pytest", "-q", "-p", "no:cacheprovider", *ON_COMPILED)
    assert result.returncode == 0, result.stdout[-6000:]
    assert " passed" in result.stdout and " failed" not in result.stdout


def test_compiled_and_plain_engines_give_the_same_analyses(compiled_tree: Path) -> None:
    script = (
        "from pathlib import Path\n"
        "from bench.data import READ_TIME, MissingData, as_article, reuters_records\n"
        "from digests.analyse import Analyser\n"
        "from digests.model import Article\n"
        "from digests.reader import read_paths\n"
        "articles = [a for a in read_paths([Path('seeds/samples')], now=READ_TIME) if isinstance(a, Article)]\n"
        "try:\n"
        "    articles += [as_article(r) for r in reuters_records()[:1500]]\n"
        "except (MissingData, OSError):\n"
        "    pass\n"
        "for analysis in Analyser().analyse_many(articles):\n"
        "    print(repr(analysis), repr(analysis.signature))\n"
    )
    compiled = _run(compiled_tree, "-c", script)
    plain = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT,  # noqa: S603 -- our interpreter, our code
                           capture_output=True, text=True,
                           timeout=900, env={**os.environ, "NEWSBOT_SHARED_DATA": str(shared_data_dir())})
    assert compiled.returncode == 0 and plain.returncode == 0, compiled.stderr[-3000:] + plain.stderr[-3000:]
    assert compiled.stdout.count("\n") >= 3
    assert compiled.stdout == plain.stdout
