"""Where the bundled schemas and stylesheets are, in one place.

In a source checkout they are the top-level ``schemas/`` and ``xslt/`` folders;
in an installed wheel the build copies them into the package
(``tei_edition/schemas``, ``tei_edition/xslt``; see pyproject.toml).  Nothing
else in the code base may guess these paths.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tei_edition.errors import InputProblem

_PACKAGE = Path(__file__).resolve().parent


class NotInstalled(InputProblem):
    """A bundled folder or file is missing: the installation is broken (exit 2, not a traceback)."""


@cache
def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise NotInstalled(f"tei-edition is installed without its {name}/ folder (looked in {_PACKAGE}); reinstall it")


def schemas_dir() -> Path:
    return _find("schemas")


def xslt_dir() -> Path:
    return _find("xslt")


def schema(name: str) -> Path:
    return schemas_dir() / name


def stylesheet(name: str) -> Path:
    return xslt_dir() / name


def asset(name: str) -> Path:
    """A file the site build copies into every site as it is: ``xslt/NAME``
    (edition.css) or ``xslt/assets/NAME`` (favicon.svg ...)."""
    for candidate in (xslt_dir() / name, xslt_dir() / "assets" / name):
        if candidate.is_file():
            return candidate
    raise NotInstalled(f"tei-edition is installed without its asset {name} (looked in {xslt_dir()}); reinstall it")
