"""Turn the paths a user names into the list of XML files to read.

Folders are searched recursively for ``*.xml``; files named explicitly are
taken whatever their extension.  The order is stable (sorted by path), so
every report and every build is the same from run to run.  Symbolic links to
folders are followed once: a link that leads back to a folder already being
walked (a loop) is skipped rather than walked forever.

A symbolic link met inside a folder (to a file or to a folder) must stay
inside the input root (:func:`input_root`): a link out of it is refused
(exit 2) rather than followed, because whatever the commands read they
report on, and ``build`` publishes the sources it read.  A downloaded corpus
with ``texts/more -> ~`` must not publish your home folder's XML files.  A
path named on the command line is read wherever it leads: you named it.

:func:`input_root` says where XInclude may read from, for the same paths.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tei_edition.errors import InputProblem

DEFAULT_TEXTS = Path("texts")


def _walk(folder: Path, roots: tuple[Path, ...] = ()):
    """The XML files below ``folder`` (any order: :func:`collect` sorts), links followed once.

    Directory entries say whether they are folders, files or links without a
    system call (:func:`os.scandir`): listing 5,000 texts costs a few
    milliseconds, not the 50 that a stat or two per file did.
    """
    seen: set[tuple[int, int]] = set()
    pending = [os.fspath(folder)]
    while pending:
        current = pending.pop()
        try:
            info = os.stat(current)
        except OSError:
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen:  # a symlink loop, or two links to one folder
            continue
        seen.add(key)
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            _raise(error)
        folders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if _is(entry.is_dir):
                if entry.is_symlink():
                    _check_link(Path(entry.path), roots)
                folders.append(entry.path)
            elif name.lower().endswith(".xml") and _is(entry.is_file):  # not a dangling link
                if entry.is_symlink():
                    _check_link(Path(entry.path), roots)
                yield Path(entry.path)
        # Depth first, in name order: a folder reached twice (two links to it) is listed under
        # the first path in that order, whatever order the file system gives.
        pending.extend(reversed(folders))


def _is(test) -> bool:
    try:
        return test()
    except OSError:
        return False


def _check_link(path: Path, roots: tuple[Path, ...]) -> None:
    """Refuse a link (``path`` is one) that leads out of the input ``roots``."""
    if not roots:
        return
    target = Path(os.path.realpath(path))
    if not any(target == root or root in target.parents for root in roots):
        shown = " or ".join(str(root) for root in roots)
        raise InputProblem(f"{path}: a symbolic link to {target}, outside the input root {shown}; tei-edition does not "
                           f"follow links out of the folders it reads (name {target} on the command line to read it)")


def _raise(error: OSError):
    raise InputProblem(f"{error.filename}: cannot read folder: {error.strerror}")


def collect(paths=(), *, default: Path = DEFAULT_TEXTS) -> list[Path]:
    """The XML files named by ``paths`` (or found below ``default``).

    Raises InputProblem (exit 2) for a path that does not exist or a folder
    that holds no XML file: both are mistakes an editor wants to hear about.
    """
    roots = [Path(p) for p in paths] or [default]
    allowed = None  # only a folder walk needs it
    found: dict[Path, None] = {}
    for root in roots:
        kind = _kind(root)  # one stat a path: a thousand files named on the command line are common
        if kind == "folder":
            if allowed is None:
                allowed = input_root(paths, default=default)
            files = list(_walk(root, allowed))
            if not files:
                raise InputProblem(f"{root}: no .xml files in this folder")
            found.update(dict.fromkeys(files))
        elif kind == "file":
            found[root] = None
        elif kind == "other" or root.is_symlink():
            raise InputProblem(f"{root}: not a regular file or folder")
        elif not paths:
            raise InputProblem(f"{root}: no such folder (run in an edition project, or name the TEI files or folders)")
        else:
            raise InputProblem(f"{root}: no such file or folder")
    return sorted(found, key=lambda p: str(p))


def input_root(paths=(), *, default: Path = DEFAULT_TEXTS) -> tuple[Path, ...]:
    """The folders an ``xi:include`` in the inputs may read from (real paths).

    * The current working folder, when every input is inside it: run in an
      edition project, a text may include ``../shared/header.xml``.
    * Otherwise the deepest folder that holds all inputs (a named file counts
      as its folder).
    * The input folders themselves, as the links in their paths lead (a
      ``texts`` that is a symbolic link to another disk is still a root).

    The first two are never the file system's root or your home folder (run
    in ``~``, or with inputs spread over the disk, only the input folders are
    roots): a text from elsewhere must not read ``~/.ssh`` by naming it.
    Paths that do not exist are left out (:func:`collect` reports them).
    """
    found: dict[str, None] = {}  # a thousand files in one folder are one folder
    for path in paths or [default]:
        absolute = os.path.abspath(path)
        kind = _kind(absolute)
        if kind == "folder":
            found[absolute] = None
        elif kind is not None:
            found[os.path.dirname(absolute)] = None
    if not found:
        return ()
    folders = [Path(folder) for folder in found]
    cwd = Path(os.path.abspath(os.getcwd()))
    if all(folder == cwd or cwd in folder.parents for folder in folders):
        candidate = cwd
    else:
        candidate = Path(os.path.commonpath(folders))
    roots = [Path(os.path.realpath(folder)) for folder in folders]
    if not _too_wide(candidate):
        roots.insert(0, Path(os.path.realpath(candidate)))
    unique = list(dict.fromkeys(roots))
    return tuple(root for root in unique if not any(other in root.parents for other in unique))


def _kind(path) -> str | None:
    """"folder", "file", "other" (a device, a FIFO...) or None (nothing there), links followed."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"


def _too_wide(folder: Path) -> bool:
    real = Path(os.path.realpath(folder))
    if real == Path(real.anchor):
        return True
    home = os.path.expanduser("~")
    return home not in ("~", "") and real == Path(os.path.realpath(home))


def refuse_overwriting(output: str | os.PathLike, files) -> None:
    """Refuse (UsageProblem, exit 2) an output file that is one of the input ``files``.

    Commands never write to their inputs; ``build`` has its own, wider check
    (:func:`tei_edition.sitewriter.check_output_location`).
    """
    from tei_edition.errors import UsageProblem

    target = os.path.realpath(output)
    for file in files:
        if os.path.realpath(file) == target:
            raise UsageProblem(f"{output}: refusing to overwrite the input file {file}; choose another output file")
