"""The speed benchmark's second engine row: the same engine compiled with mypyc, as the container runs it.

A source checkout runs the engine as plain Python (what you edit is what runs). To show both figures from
one `newsbot bench`, the engine package is copied to a scratch folder, compiled there the way setup.py
compiles it for the container (NEWSBOT_COMPILE=1), and measured in a child process that imports that
copy. Where that cannot be done (no C compiler, no mypyc, an installed package without its setup.py), the
row is left out and the reason printed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

import digests

__all__ = ["CompiledUnavailable", "build_compiled_copy", "check_toolchain", "compiled_engine_speed"]

_BUILD_SECONDS = 900
_MEASURE = (
    "import json, sys\n"
    "from bench.data import as_article, reuters_records\n"
    "from bench.speed import engine_speed\n"
    "limit = int(sys.argv[1])\n"
    "records = reuters_records()\n"
    "print(json.dumps(engine_speed([as_article(r) for r in (records[:limit] if limit else records)])))\n"
)


class CompiledUnavailable(RuntimeError):
    """Why the compiled engine was not measured."""


def _source_root() -> Path:
    root = Path(digests.__file__).resolve().parent.parent
    if not (root / "setup.py").is_file() or not (root / "pyproject.toml").is_file():
        raise CompiledUnavailable("the engine is an installed package without its setup.py; build it with "
                                  "NEWSBOT_COMPILE=1 (make bench) to measure the compiled form")
    return root


def check_toolchain() -> None:
    """Raise CompiledUnavailable unless a C compiler and mypyc are at hand."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()
    if not compiler or shutil.which(compiler[0]) is None:
        raise CompiledUnavailable("no C compiler on this machine")
    try:
        import mypyc  # noqa: F401 -- only its presence is checked here
    except ImportError:
        raise CompiledUnavailable("mypy (which provides mypyc) is not installed") from None


def build_compiled_copy(root: Path, into: Path) -> None:
    """Copy the engine of the checkout at ``root`` into ``into`` and compile it there, as setup.py does."""
    for package in ("digests", "seeds"):  # mypyc type-checks the engine, which reads its seeds
        shutil.copytree(root / package, into / package, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy2(root / name, into / name)
    built = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=into,
                           env={**os.environ, "NEWSBOT_COMPILE": "1"}, capture_output=True, text=True,
                           timeout=_BUILD_SECONDS)
    if built.returncode != 0:
        tail = (built.stderr or built.stdout).strip().splitlines()[-3:]
        raise CompiledUnavailable("the mypyc build failed: " + " | ".join(tail))


def compiled_engine_speed(data_dir: Path, limit: int | None) -> dict[str, Any]:
    """engine_speed() of a compiled copy of this checkout's engine, on the same Reuters articles."""
    root = _source_root()
    check_toolchain()
    with tempfile.TemporaryDirectory(prefix="newsbot-compiled-") as scratch:
        folder = Path(scratch)
        build_compiled_copy(root, folder)
        # The child imports the compiled copy first (its working folder), everything else as installed.
        env = {**os.environ, "NEWSBOT_SHARED_DATA": str(data_dir),
               "PYTHONPATH": os.pathsep.join([str(folder), str(root)])}
        measured = subprocess.run([sys.executable, "-c", _MEASURE, str(limit or 0)],  # noqa: S603 -- ours
                                  cwd=folder, env=env, capture_output=True, text=True, timeout=_BUILD_SECONDS)
    if measured.returncode != 0:
        raise CompiledUnavailable("the compiled engine failed: " + measured.stderr.strip()[-300:])
    row: dict[str, Any] = json.loads(measured.stdout.strip().splitlines()[-1])
    if "compiled" not in row["system"]:
        raise CompiledUnavailable("the child process did not load the compiled modules")
    return row
