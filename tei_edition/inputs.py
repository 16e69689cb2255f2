"""Turn the paths a user names into the list of XML files to read.

Folders are searched recursively for ``*.xml``; files named explicitly are
taken whatever their extension.  The order is stable (sorted by path), so
every report and every build is the same from run to run.  Symbolic links to
folders are followed once: a link that leads back to a folder already being
walked (a loop) is skipped rather than walked forever.
"""

from __future__ import annotations

import os
from pathlib import Path

from tei_edition.errors import InputProblem

DEFAULT_TEXTS = Path("texts")


def _walk(folder: Path):
    seen: set[tuple[int, int]] = set()
    for current, dirnames, filenames in os.walk(folder, followlinks=True, onerror=_raise):
        try:
            stat = os.stat(current)
        except OSError:
            dirnames[:] = []
            continue
        key = (stat.st_dev, stat.st_ino)
        if key in seen:  # a symlink loop, or two links to one folder
            dirnames[:] = []
            continue
        seen.add(key)
        dirnames.sort()
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in sorted(filenames):
            if name.lower().endswith(".xml") and not name.startswith("."):
                candidate = Path(current) / name
                if candidate.is_file():  # skip dangling links
                    yield candidate


def _raise(error: OSError):
    raise InputProblem(f"{error.filename}: cannot read folder: {error.strerror}")


def collect(paths=(), *, default: Path = DEFAULT_TEXTS) -> list[Path]:
    """The XML files named by ``paths`` (or found below ``default``).

    Raises InputProblem (exit 2) for a path that does not exist or a folder
    that holds no XML file: both are mistakes an editor wants to hear about.
    """
    roots = [Path(p) for p in paths] or [default]
    found: dict[Path, None] = {}
    for root in roots:
        if root.is_dir():
            files = list(_walk(root))
            if not files:
                raise InputProblem(f"{root}: no .xml files in this folder")
            found.update(dict.fromkeys(files))
        elif root.is_file():
            found[root] = None
        elif root.exists() or root.is_symlink():
            raise InputProblem(f"{root}: not a regular file or folder")
        elif not paths:
            raise InputProblem(f"{root}: no such folder (run in an edition project, or name the TEI files or folders)")
        else:
            raise InputProblem(f"{root}: no such file or folder")
    return sorted(found, key=lambda p: str(p))
