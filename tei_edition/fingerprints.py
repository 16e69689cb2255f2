"""Keys for the validation caches: BLAKE2b digests, made without loading OpenSSL.

Importing :mod:`hashlib` loads OpenSSL's libcrypto (about 3 ms, measured, of
a validation run that takes 0.12 s).  BLAKE2 is built into CPython itself,
in the ``_blake2`` module that hashlib also takes it from, so the keys of
the grammar caches (:mod:`tei_edition.relaxng`, :mod:`tei_edition.rng`)
are made with it, and with hashlib's only where an interpreter lacks that
module.  A digest is 32 bytes, like SHA-256's.
"""

from __future__ import annotations

import os

try:
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - CPython always has it
    from hashlib import blake2b as _blake2b

DIGEST_SIZE = 32


def digest(*parts: bytes) -> bytes:
    """The digest of ``parts`` one after another."""
    state = _blake2b(digest_size=DIGEST_SIZE)
    for part in parts:
        state.update(part)
    return state.digest()


def hexdigest(*parts: bytes) -> str:
    """:func:`digest` as 64 hexadecimal characters (a file name in the cache)."""
    return digest(*parts).hex()


def of_text(text: str) -> str:
    """:func:`hexdigest` of ``text`` in UTF-8 (unpaired surrogates from odd file names kept)."""
    return hexdigest(text.encode("utf-8", "surrogateescape"))


def signature(path) -> tuple[int, int]:
    """A file's (size, modification time in ns), or (-1, -1) if it cannot be read: what says a
    file a cache was made from is still as it was."""
    try:
        status = os.stat(path)
    except OSError:
        return (-1, -1)
    return (status.st_size, status.st_mtime_ns)
