"""Build hook: with NEWSBOT_COMPILE=1, the engine's hottest modules are compiled with mypyc.

Everything else about the package lives in pyproject.toml, the list of compiled modules included
([tool.newsbot] compiled). Without the variable (an editable checkout, `make run`, `make test`) the
same modules run as plain Python, so what you edit is what runs. The container image and `make bench`
build the compiled form: the analysis runs about 10% faster, with the same results (README, "Speed").
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from setuptools import setup


def compiled_modules() -> list[str]:
    pyproject = tomllib.loads((Path(__file__).parent / "pyproject.toml").read_text(encoding="utf-8"))
    modules: list[str] = pyproject["tool"]["newsbot"]["compiled"]
    return modules


def ext_modules() -> list[Any]:
    if os.environ.get("NEWSBOT_COMPILE") != "1":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as error:
        raise SystemExit("NEWSBOT_COMPILE=1 needs mypy (it provides mypyc) where the package is built: "
                         "pip install mypy, then build without isolation (pip install --no-build-isolation .)"
                         ) from error
    return list(mypycify(compiled_modules(), opt_level="3"))


setup(ext_modules=ext_modules())
