"""Writing outputs without ever losing data: atomic files and whole-site swaps.

Two tools, for every command that writes:

* :func:`write_atomic` writes one file through a temporary file in the same
  folder and ``os.replace``, so a reader (or a crash) sees the old file or the
  new one, never half of one.
* :class:`SiteWriter` builds a whole site in a staging folder next to the
  target (same file system) and swaps it in only when the build finished::

      with SiteWriter("_site", inputs=["texts"]) as site:
          site.write("persons.html", html)
          site.copy("texts/a.xml", "data/a.xml")

  A clean exit commits (the new site replaces the old one); an exception
  discards the staging folder and leaves the old site as it was.  A process
  that is killed leaves a staging folder behind; the next build into the same
  target removes it.  A file the previous build wrote with the same bytes is
  not written again but linked into the staging folder (a second name for the
  same file, so the old site stays whole): it keeps its time, and copying the
  site to a server with ``rsync`` sends only what changed.

Ownership.  Every site we write carries a marker file, :data:`MARKER`, whose
first line names the format and whose other lines list the files the build
wrote.  A folder without the marker is replaced only if it is empty.  Files in
a marked site that the marker does not list were put there by a person (a
``CNAME``, an ``.htaccess``): each build carries them over into the new site,
so replacing a site never deletes them.

Refusals (UsageProblem, exit 2) happen before anything is written: building
into or inside a source folder, into a folder that holds an input, over an
input file, over the current working folder, or over a non-empty folder that
is not ours.

Determinism: files get fixed permissions (0644, folders 0755) and the marker
lists files sorted, so the same content gives the same bytes.  Nothing here
adds a timestamp.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path, PurePosixPath

from tei_edition.errors import InputProblem, UsageProblem

try:  # POSIX; elsewhere stale staging folders are simply removed
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

MARKER = ".tei-edition-site"
MARKER_FORMAT = 1
_MARKER_FIRST_LINE = re.compile(r"tei-edition site, format (\d+)")
_MARKER_HEADER = (
    f"tei-edition site, format {MARKER_FORMAT}\n"
    "# Written by `tei-edition build`, which replaces this folder whole at every build.\n"
    "# The files listed below are the build's; any other file here is yours and is kept.\n"
)
FILE_MODE = 0o644
FOLDER_MODE = 0o755

_STAGING = ".staging-"
_ASIDE = ".previous-"


# -- single files -------------------------------------------------------------


def write_atomic(path: str | os.PathLike, data: bytes | str, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` so that the file is either old or new, never torn.

    Text is written as UTF-8, byte for byte (no newline translation).  The
    parent folder is created if needed.  A new file gets ``mode`` (default
    0644); an existing file keeps its permissions unless ``mode`` is given.
    Raises InputProblem (exit 2) when the file cannot be written.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode is None:
            try:
                mode = stat.S_IMODE(target.stat().st_mode)
            except FileNotFoundError:
                mode = FILE_MODE
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise InputProblem(f"{target}: cannot write: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException as error:
        _unlink_quietly(temporary)
        if isinstance(error, OSError):
            raise InputProblem(f"{target}: cannot write: {error.strerror or error}") from None
        raise
    _fsync_folder(target.parent)
    return target


def _unlink_quietly(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable; not every platform or file system allows it."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


# -- where an output may go ---------------------------------------------------


def _real(path) -> Path:
    return Path(os.path.realpath(os.path.abspath(path)))


def _real_paths(paths) -> list[str]:
    """``os.path.realpath`` of each path, each folder resolved once (a build names thousands of files
    in a few folders): then one ``lstat`` per file, not one per part of its path."""
    folders: dict[str, str] = {}
    found = []
    for path in paths:
        absolute = os.path.abspath(path)
        folder, name = os.path.split(absolute)
        real = folders.get(folder)
        if real is None:
            real = folders[folder] = os.path.realpath(folder)
        joined = os.path.join(real, name) if name else real
        found.append(os.path.realpath(joined) if name and os.path.islink(joined) else joined)
    return found


def _inside(inner: str, outer: str) -> bool:
    """Whether the real path ``inner`` is ``outer`` or below it."""
    return inner == outer or inner.startswith(outer if outer.endswith(os.sep) else outer + os.sep)


def check_output_location(output: str | os.PathLike, inputs=()) -> None:
    """Refuse an output path that would overwrite, contain or sit inside the inputs.

    ``inputs`` are the paths the user named (folders or files) and/or the files
    collected from them.  A named folder is a source folder: nothing may be
    written into it or below it, and it may not be replaced.  A file may not be
    overwritten, and no output folder may hold one.  Works for an output file
    as well as an output folder.  Raises UsageProblem (exit 2).
    """
    shown = str(output)
    target = str(_real(output))
    inputs = list(inputs)
    for given, source in zip(inputs, _real_paths(inputs)):
        if target == source:
            if os.path.isdir(source):
                raise UsageProblem(
                    f"{shown}: refusing to write into the source folder {given}; choose an output folder outside it (e.g. -o _site)"
                )
            raise UsageProblem(f"{shown}: refusing to overwrite the input file {given}")
        if _inside(target, source) and os.path.isdir(source):
            raise UsageProblem(
                f"{shown}: refusing to write inside the source folder {given}; choose an output folder outside it (e.g. -o _site)"
            )
        if _inside(source, target):
            raise UsageProblem(
                f"{shown}: refusing to write here: it contains the input {given}; choose an output folder that holds no source file (e.g. -o _site)"
            )


# -- the marker ---------------------------------------------------------------


def marker_format(folder: str | os.PathLike) -> int | None:
    """The format number of the site in ``folder``, or None if it is not one of ours."""
    marker = Path(folder) / MARKER
    try:
        if not stat.S_ISREG(os.lstat(marker).st_mode):
            return None  # a symbolic link or a folder proves nothing
        with open(marker, encoding="utf-8", errors="replace") as stream:
            first = stream.readline().rstrip("\n")
    except OSError:
        return None
    found = _MARKER_FIRST_LINE.fullmatch(first)
    return int(found[1]) if found else None


def _equal_to(path: str, payload: bytes) -> bool:
    with open(path, "rb") as stream:
        return stream.read(len(payload) + 1) == payload


def _same_contents(first, second) -> bool:
    """Whether two files hold the same bytes (read in pieces: a source may be large)."""
    with open(first, "rb") as one, open(second, "rb") as other:
        while True:
            a, b = one.read(1 << 20), other.read(1 << 20)
            if a != b:
                return False
            if not a:
                return True


def is_our_site(folder: str | os.PathLike) -> bool:
    return marker_format(folder) is not None


def _listed_files(folder: Path) -> set[str]:
    """The files the marker says the build wrote (POSIX paths relative to the site)."""
    try:
        lines = (folder / MARKER).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return set()
    return {line for line in lines[1:] if line and not line.startswith("#")}


def _marker_text(files) -> str:
    return _MARKER_HEADER + "".join(f"{name}\n" for name in sorted(files))


# -- the swap -----------------------------------------------------------------


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2), if the system can."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return result == 0  # EINVAL/ENOSYS (file system or kernel without it): the caller renames twice


class SiteWriter:
    """Build a site in staging and swap it in on success; see the module docstring.

    ``out_dir`` is the target folder; ``inputs`` the source paths (checked with
    :func:`check_output_location`).  Use as a context manager, or call
    :meth:`open`, then :meth:`commit` or :meth:`discard`.
    """

    def __init__(self, out_dir: str | os.PathLike, inputs=(), own=()):
        self.shown = str(out_dir)
        self.inputs = [Path(p) for p in inputs]
        self.own = tuple(own)  # folders of the site whose whole content is the build's: never carried over
        self.target = _real(out_dir)
        self.root: Path | None = None  # the staging folder, while open
        self._written: set[str] = set()
        self._lock = None
        self._before: set[str] = set()  # the files the previous build into the target wrote

    # -- life cycle

    def __enter__(self) -> "SiteWriter":
        return self.open()

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def open(self) -> "SiteWriter":
        self._check_target()
        parent = self.target.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            _restore_interrupted_swap(parent, self.target)
            _remove_leftovers(parent, self.target.name)
            self.root = Path(tempfile.mkdtemp(prefix=f".{self.target.name}{_STAGING}", dir=parent))
            os.chmod(self.root, FOLDER_MODE)
            # The marker goes in first, so a staging folder left by a killed
            # build is recognisably ours; its lock tells a live build from a dead one.
            self._lock = open(self.root / MARKER, "w", encoding="utf-8")
            self._lock.write(_marker_text(()))
            self._lock.flush()
            if fcntl is not None:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.path.isdir(self.target) and is_our_site(self.target):
                self._before = _listed_files(self.target)
        except OSError as error:
            self._cleanup()
            raise InputProblem(f"{self.shown}: cannot prepare the output folder: {error.strerror or error}") from None
        return self

    def _check_target(self) -> None:
        check_output_location(self.shown, self.inputs)
        cwd = _real(os.getcwd())
        if _inside(str(cwd), str(self.target)):
            raise UsageProblem(f"{self.shown}: refusing to replace the current working folder or one that holds it")
        if not os.path.lexists(self.target):
            return
        if not self.target.is_dir():
            raise UsageProblem(f"{self.shown}: is a file, not a folder; choose an output folder (e.g. -o _site)")
        if is_our_site(self.target):
            return
        try:
            empty = not any(os.scandir(self.target))
        except OSError as error:
            raise InputProblem(f"{self.shown}: cannot read the output folder: {error.strerror or error}") from None
        if not empty:
            raise UsageProblem(
                f"{self.shown}: refusing to replace this folder: it is not empty and was not made by tei-edition "
                f"(it has no {MARKER} file); choose another output folder, or empty this one"
            )

    # -- writing into the staging folder

    def path(self, relative: str) -> Path:
        """The staging path for ``relative`` (a POSIX path inside the site), parents made.

        For tools that write files themselves; the commit records whatever is
        in the staging folder then.
        """
        if self.root is None:
            raise RuntimeError("the SiteWriter is not open")
        name = PurePosixPath(relative)
        if (
            not relative
            or name.is_absolute()
            or "\\" in relative
            or any(part in ("..", ".", "") for part in relative.split("/"))
            or name.parts[0] == MARKER
        ):
            raise ValueError(f"not a plain relative path inside the site: {relative!r}")
        if str(name) in self._written:
            raise ValueError(f"{relative} is written twice in one build (two sources map to one page?)")
        self._written.add(str(name))
        destination = self.root.joinpath(*name.parts)
        _make_folders(self.root, destination.parent)
        return destination

    def write(self, relative: str, data: bytes | str) -> Path:
        """Write one file of the site (text as UTF-8)."""
        destination = self.path(relative)
        payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        if self._kept(relative, destination, len(payload), lambda old: _equal_to(old, payload)):
            return destination
        try:
            with open(destination, "wb") as stream:
                stream.write(payload)
            os.chmod(destination, FILE_MODE)
        except OSError as error:
            raise InputProblem(f"{self.shown}: cannot write {relative}: {error.strerror or error}") from None
        return destination

    def copy(self, source: str | os.PathLike, relative: str) -> Path:
        """Copy a file's bytes into the site (not its times or permissions, so output is reproducible)."""
        destination = self.path(relative)
        try:
            size = os.stat(source).st_size
        except OSError as error:
            raise InputProblem(f"{source}: cannot copy into the site: {error.strerror or error}") from None
        if self._kept(relative, destination, size, lambda old: _same_contents(old, source)):
            return destination
        try:
            shutil.copyfile(source, destination)
            os.chmod(destination, FILE_MODE)
        except OSError as error:
            raise InputProblem(f"{source}: cannot copy into the site: {error.strerror or error}") from None
        return destination

    def _kept(self, relative: str, destination: Path, size: int, same) -> bool:
        """Give the new site the previous build's file ``relative`` if it is what is about to be written.

        A hard link (the old site stays whole until the swap): no new file is made,
        and the file keeps its time, so a copy of the site to a server (``rsync``)
        sends only what changed.  Only a plain file the previous build wrote, with
        the build's permissions, of ``size`` bytes and ``same(old path)``; where
        links cannot be made, the file is written as usual.
        """
        if relative not in self._before:
            return False
        old = os.path.join(self.target, *relative.split("/"))
        try:
            info = os.lstat(old)
            if (not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != FILE_MODE or info.st_size != size
                    or os.path.realpath(old) != old or not same(old)):
                return False
            os.link(old, destination, follow_symlinks=False)
        except (OSError, NotImplementedError):  # NotImplementedError: no linkat() without following
            return False
        return True

    def files(self) -> list[str]:
        """Every file in the staging folder so far (POSIX paths inside the site), sorted; not the marker."""
        if self.root is None:
            raise RuntimeError("the SiteWriter is not open")
        return _site_files(self.root)

    # -- finishing

    def commit(self) -> None:
        """Swap the finished staging folder in, keeping a person's own files."""
        if self.root is None:
            raise RuntimeError("the SiteWriter is not open")
        try:
            files = _site_files(self.root)
            self._lock.seek(0)
            self._lock.truncate()
            self._lock.write(_marker_text(files))
            self._lock.flush()
            os.chmod(self.root / MARKER, FILE_MODE)
            if os.path.isdir(self.target) and is_our_site(self.target):
                _carry_over(self.target, self.root, _listed_files(self.target), self.shown, self.own)
            with _no_interrupts():  # Ctrl-C during the swap would leave the bookkeeping behind the folders
                self._swap()
        except OSError as error:
            self.discard()
            raise InputProblem(f"{self.shown}: cannot put the new site in place: {error.strerror or error}") from None
        except BaseException:
            self.discard()
            raise
        self._release()

    def _swap(self) -> None:
        staging = self.root
        if os.path.isdir(self.target) and _exchange(staging, self.target):
            self.root = None  # staging now holds the previous site
            shutil.rmtree(staging, ignore_errors=True)
            return
        if os.path.lexists(self.target):
            aside = Path(tempfile.mkdtemp(prefix=f".{self.target.name}{_ASIDE}", dir=self.target.parent))
            os.rename(self.target, aside / "site")
            try:
                os.rename(staging, self.target)
            except OSError:
                os.rename(aside / "site", self.target)
                raise
            self.root = None
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.rename(staging, self.target)
            self.root = None

    def discard(self) -> None:
        """Throw the staging folder away; the previous site stays as it was."""
        self._cleanup()

    def _cleanup(self) -> None:
        self._release()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing drops the flock
            self._lock = None


@contextlib.contextmanager
def _no_interrupts():
    """Hold SIGINT and SIGTERM back (main thread only) until the block ends; they arrive after it."""
    import signal
    import threading

    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _make_folders(root: Path, folder: Path) -> None:
    missing = []
    while folder != root and not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        new.mkdir(exist_ok=True)
        os.chmod(new, FOLDER_MODE)


def _site_files(root: Path) -> list[str]:
    found = []
    for current, folders, files in os.walk(root):
        folders.sort()
        for name in files:
            relative = (Path(current) / name).relative_to(root).as_posix()
            if relative != MARKER:
                found.append(relative)
    return sorted(found)


def _carry_over(old: Path, new: Path, listed: set[str], shown: str, own=()) -> None:
    """Give the new site every file of the old one that the old build did not write.

    Hard links (same file system) make this cheap and leave the old site whole
    until the swap; a clash with a file the new build wrote is refused rather
    than resolved by deleting one of them.  Nothing is carried over from the
    folders named in ``own`` (or a file in their place): they are the build's.
    """
    for current, folders, files in os.walk(old):
        here = Path(current)
        folders[:] = sorted(f for f in folders if (here / f).relative_to(old).as_posix() not in own)
        for name in sorted(files) + [f for f in folders if (here / f).is_symlink()]:
            source = here / name
            relative = source.relative_to(old).as_posix()
            if relative == MARKER or relative in listed or relative in own:
                continue
            destination = new / relative
            if os.path.lexists(destination):
                raise _clash(shown, relative)
            try:  # a folder of that name is a file in the new site
                _make_folders(new, destination.parent)
                if source.is_symlink():
                    os.symlink(os.readlink(source), destination)
                else:
                    try:
                        os.link(source, destination)
                    except OSError:
                        shutil.copy2(source, destination)
            except (FileExistsError, NotADirectoryError):
                raise _clash(shown, relative) from None
        for name in folders:
            folder = here / name
            if not folder.is_symlink() and not any(os.scandir(folder)):
                try:
                    _make_folders(new, new / folder.relative_to(old))
                except (FileExistsError, NotADirectoryError):
                    raise _clash(shown, folder.relative_to(old).as_posix()) from None


def _clash(shown: str, relative: str) -> UsageProblem:
    return UsageProblem(f"{shown}: {relative} is not a file the last build wrote (someone put it there), and this "
                        f"build writes a file of that name; move it away and build again")


def _remove_leftovers(parent: Path, name: str) -> None:
    """Remove staging and set-aside folders that an interrupted build left behind.

    A staging folder goes only if it carries our marker and its lock is free
    (its build is dead; a live build's is left alone).  A set-aside folder
    holds a previous site (or nothing) once the new one is in place.
    """
    for entry in sorted(parent.glob(f"{glob.escape(f'.{name}{_STAGING}')}*")):
        if not entry.is_dir() or entry.is_symlink():
            continue
        if not any(os.scandir(entry)):  # killed before it wrote its marker
            entry.rmdir()
        elif is_our_site(entry) and not _locked(entry / MARKER):
            shutil.rmtree(entry, ignore_errors=True)
    for entry in sorted(parent.glob(f"{glob.escape(f'.{name}{_ASIDE}')}*")):
        if entry.is_dir() and not entry.is_symlink():
            contents = sorted(os.listdir(entry))
            if not contents or (contents == ["site"] and is_our_site(entry / "site")):
                shutil.rmtree(entry, ignore_errors=True)


def _restore_interrupted_swap(parent: Path, target: Path) -> None:
    """If a build died between its two renames, put the previous site back first."""
    if os.path.lexists(target):
        return
    for entry in sorted(parent.glob(f"{glob.escape(f'.{target.name}{_ASIDE}')}*")):
        previous = entry / "site"
        if previous.is_dir() and is_our_site(previous):
            os.rename(previous, target)
            shutil.rmtree(entry, ignore_errors=True)
            return


def _locked(marker: Path) -> bool:
    if fcntl is None:
        return False
    try:
        with open(marker, "rb") as stream:
            try:
                fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(stream, fcntl.LOCK_UN)
    except OSError:
        return False
    return False
