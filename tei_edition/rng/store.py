"""The on-disk cache: simplified grammars, pruned grammars, vocabularies.

Everything is keyed by content (SHA-256 of the schema file, of a document's
bytes, of a vocabulary), so an entry can never describe other bytes than
those it was made from; included schema files are checked by size and
modification time as well.  The cache lives in ``$TEI_EDITION_CACHE`` or
``$XDG_CACHE_HOME/tei-edition`` (``~/.cache/tei-edition``).  Setting
``TEI_EDITION_CACHE=off`` turns it off.  When the folder cannot be written the
cache is silently skipped: it only ever saves time.  Entries are written to a
temporary file and renamed, so concurrent runs never read half an entry.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path


def _code_fingerprint() -> str:
    """A hash of the code that makes the cached entries.

    Bumping a version number by hand is easy to forget (a pruning fix once
    kept serving broken grammars from the cache); hashing the sources of this
    package makes any change to simplification, pruning or emission start a
    fresh cache.
    """
    import hashlib

    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


# Bump the number when the format of an entry changes; the fingerprint covers the rest.
FORMAT = f"relaxng-6-{_code_fingerprint()}"


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
                return marshal.load(handle)
        except (OSError, EOFError, ValueError, TypeError):
            return None

    def get_bytes(self, kind: str, key: str) -> bytes | None:
        path = self._path(kind, key)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def put(self, kind: str, key: str, value) -> None:
        self.put_bytes(kind, key, marshal.dumps(value))

    def put_bytes(self, kind: str, key: str, data: bytes) -> None:
        path = self._path(kind, key)
        if path is None:
            return
        try:
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
            pass  # a cache that cannot be written is no cache, not an error
