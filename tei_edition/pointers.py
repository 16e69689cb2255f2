"""TEI pointers: what an ``@ref``, ``@target``, ``@corresp``... value points at.

A pointer attribute holds one or more URI references separated by white
space (TEI ``teidata.pointer``).  Each token is one of:

* ``#id``              -- an element in the same document;
* ``file.xml#id``      -- an element in another document, relative to this one;
* ``file.xml``         -- a whole document;
* ``prefix:value``     -- a private URI scheme declared by ``prefixDef``, expanded
                          by its ``matchPattern``/``replacementPattern`` and then
                          read as one of the other forms;
* ``https://...``      -- an external link (``http``, ``https``, ``mailto``, ``urn``,
                          ``doi``, ...), never "dangling";
* ``p_12`` (no ``#``)   -- a bare name.  Not a pointer by the letter of the
                          Guidelines, but real corpora write ``@key`` and even
                          ``@ref`` this way, so callers may look it up as an id.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePosixPath
from urllib.parse import unquote

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

# The attributes that hold pointers and are checked or followed.  @key is not
# a pointer (it is a code in some external system) and is handled apart.
POINTER_ATTRIBUTES = ("ref", "target", "corresp", "who", "source")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_PREFIX_GROUP = re.compile(r"\$(\d)")


class Kind(str, Enum):
    LOCAL = "local"  # #id in the same document
    DOCUMENT = "document"  # other.xml or other.xml#id
    EXTERNAL = "external"  # an absolute URI with a scheme
    BARE = "bare"  # a name without '#', e.g. "p_12"
    UNKNOWN_PREFIX = "unknown-prefix"  # prefix:value with no prefixDef and no known scheme


@dataclass(frozen=True)
class Pointer:
    raw: str  # the token as written
    kind: Kind
    document: str | None = None  # relative path for DOCUMENT
    fragment: str | None = None  # the id, for LOCAL, DOCUMENT and BARE
    url: str | None = None  # the expanded form (prefixDef applied)


@dataclass(frozen=True)
class PrefixDef:
    ident: str
    match: re.Pattern
    replacement: str

    def expand(self, value: str) -> str | None:
        found = self.match.fullmatch(value)
        if found is None:
            return None
        return _PREFIX_GROUP.sub(lambda g: found.group(int(g[1])) or "", self.replacement)


# Schemes that are always links to elsewhere, even when a project forgot to
# declare them; everything else with a colon needs a prefixDef.
EXTERNAL_SCHEMES = frozenset(
    {"http", "https", "ftp", "mailto", "urn", "doi", "hdl", "info", "tel", "geo", "file", "data", "javascript", "vbscript"}
)


def prefix_defs(root) -> dict[str, PrefixDef]:
    """The ``prefixDef`` declarations of a document (usually in its header)."""
    found = {}
    for element in root.iter(f"{{{TEI_NS}}}prefixDef"):
        ident = element.get("ident")
        pattern = element.get("matchPattern")
        replacement = element.get("replacementPattern")
        if not (ident and pattern is not None and replacement is not None):
            continue
        try:
            found[ident] = PrefixDef(ident, re.compile(pattern), replacement)
        except re.error:
            continue  # a broken pattern is reported by validation; it cannot expand anything
    return found


def tokens(value: str | None) -> list[str]:
    return value.split() if value else []


def classify(token: str, prefixes: dict[str, PrefixDef] | None = None) -> Pointer:
    """Read one pointer token, expanding a declared private URI prefix first."""
    scheme_match = _SCHEME.match(token)
    if scheme_match:
        scheme = scheme_match[1]
        definition = (prefixes or {}).get(scheme)
        if definition is not None:
            expanded = definition.expand(token[len(scheme) + 1 :])
            if expanded is not None and expanded != token:
                inner = classify(expanded, None)
                return Pointer(token, inner.kind, inner.document, inner.fragment, expanded)
        if scheme.lower() in EXTERNAL_SCHEMES or token[len(scheme) + 1 :].startswith("//"):
            return Pointer(token, Kind.EXTERNAL, url=token)
        if len(scheme) == 1:  # a Windows drive letter: C:\... is a file path
            return Pointer(token, Kind.DOCUMENT, document=token, url=token)
        return Pointer(token, Kind.UNKNOWN_PREFIX, url=token)
    if token.startswith("#"):
        return Pointer(token, Kind.LOCAL, fragment=unquote(token[1:]), url=token)
    if "#" in token:
        document, fragment = token.split("#", 1)
        return Pointer(token, Kind.DOCUMENT, document=unquote(document), fragment=unquote(fragment) or None, url=token)
    if "/" in token or token.lower().endswith((".xml", ".tei", ".html", ".htm", ".pdf", ".jpg", ".png", ".txt")):
        return Pointer(token, Kind.DOCUMENT, document=unquote(token), url=token)
    return Pointer(token, Kind.BARE, fragment=token, url=token)


def parse(value: str | None, prefixes: dict[str, PrefixDef] | None = None) -> list[Pointer]:
    """All pointers in one attribute value."""
    return [classify(token, prefixes) for token in tokens(value)]


@functools.lru_cache(maxsize=1 << 16)  # a corpus asks for the same few register files ~100 times per text
def document_key(base_document: str, relative: str) -> str:
    """The normalised path of ``relative`` seen from ``base_document``.

    Both are POSIX-style paths; ``..`` is folded so ``texts/a.xml`` pointing to
    ``../texts/b.xml`` and ``b.xml`` give the same key.
    """
    base = PurePosixPath(base_document).parent
    parts: list[str] = []
    for part in (base / relative).parts:
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            else:
                parts.append(part)
        elif part != ".":
            parts.append(part)
    return str(PurePosixPath(*parts)) if parts else "."
