"""The on-disk cache: simplified grammars, pruned grammars, vocabularies.

Entries are keyed by a digest (:mod:`tei_edition.fingerprints`) of what
they were made from: the schema file, a vocabulary, documents' bytes, or,
where reading them would cost more than the entry saves, files' identities
(device, inode, size and times, which any write changes; see
:mod:`tei_edition.relaxng`).  Included schema files are checked by size and
modification time as well.  The cache lives in ``$TEI_EDITION_CACHE`` or
``$XDG_CACHE_HOME/tei-edition`` (``~/.cache/tei-edition``).  Setting
``TEI_EDITION_CACHE=off`` turns it off.  When the folder cannot be written the
cache is silently skipped: it only ever saves time.  Entries are written to a
temporary file and renamed, so concurrent runs never read half an entry.

The cache is bounded: the folders of other formats and code versions are
removed when this version first writes, and about one write in
:data:`TRIM_EVERY` measures the folder; past :data:`MAX_BYTES` the entries
least recently used (a read touches the entry) are removed down to
:data:`TRIM_TO_BYTES`.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path

MAX_BYTES = 256 * 1024 * 1024
TRIM_TO_BYTES = 192 * 1024 * 1024
TRIM_EVERY = 64


def _code_fingerprint() -> str:
    """A hash of the code that makes the cached entries.

    Bumping a version number by hand is easy to forget (a pruning fix once
    kept serving broken grammars from the cache); hashing the sources of this
    package makes any change to simplification, pruning or emission start a
    fresh cache.
    """
    from tei_edition import fingerprints

    parts = []
    for source in sorted(Path(__file__).parent.glob("*.py")):
        parts += [source.name.encode(), source.read_bytes()]
    return fingerprints.hexdigest(*parts)[:12]


# Bump the number when the format of an entry changes; the fingerprint covers the rest.
FORMAT = f"relaxng-7-{_code_fingerprint()}"


def default_folder() -> Path | None:
    configured = os.environ.get("TEI_EDITION_CACHE")
    if configured is not None:
        if configured.strip().lower() in ("", "off", "0", "no", "false"):
            return None
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tei-edition"


class Store:
    def __init__(self, folder: Path | None):
        self.folder = None if folder is None else Path(folder) / FORMAT

    def _path(self, kind: str, key: str) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / kind / key[:2] / key[2:]

    def get(self, kind: str, key: str):
        path = self._path(kind, key)
        if path is None:
            return None
        try:
            with open(path, "rb") as handle:
                value = marshal.loads(handle.read())  # marshal.load(handle) reads in small pieces: several times slower
        except (OSError, EOFError, ValueError, TypeError):
            return None
        _touch(path)
        return value

    def get_bytes(self, kind: str, key: str) -> bytes | None:
        path = self._path(kind, key)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        _touch(path)
        return data

    def put(self, kind: str, key: str, value) -> None:
        self.put_bytes(kind, key, marshal.dumps(value))

    def put_bytes(self, kind: str, key: str, data: bytes) -> None:
        path = self._path(kind, key)
        if path is None:
            return
        try:
            if not self.folder.is_dir():
                self.folder.mkdir(parents=True, exist_ok=True)
                _remove_other_versions(self.folder)
            path.parent.mkdir(parents=True, exist_ok=True)
            # (not tempfile: importing it costs more than a whole cached run saves)
            temporary = path.parent / f".tmp-{os.getpid()}-{os.urandom(6).hex()}"
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            return  # a cache that cannot be written is no cache, not an error
        if os.urandom(1)[0] % TRIM_EVERY == 0:  # (random's import costs more)
            trim(self.folder)


def _touch(path: Path) -> None:
    """Mark an entry as used (its modification time orders the trimming)."""
    try:
        os.utime(path)
    except OSError:
        pass


def _remove_other_versions(folder: Path) -> None:
    """Remove the folders earlier (or later) versions of tei-edition left beside ``folder``."""
    import shutil

    for other in folder.parent.glob("relaxng-*"):
        if other != folder and other.is_dir() and not other.is_symlink():
            shutil.rmtree(other, ignore_errors=True)


def trim(folder: Path, *, limit: int = MAX_BYTES, target: int = TRIM_TO_BYTES) -> int:
    """Remove the least recently used entries of ``folder`` if it holds more than ``limit`` bytes.

    Returns the number of bytes removed.
    """
    entries = []
    total = 0
    for directory, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(directory, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
            total += stat.st_size
    if total <= limit:
        return 0
    removed = 0
    for _, size, path in sorted(entries):
        if total - removed <= target:
            break
        try:
            os.unlink(path)
        except OSError:
            continue
        removed += size
    return removed
