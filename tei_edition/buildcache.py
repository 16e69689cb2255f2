"""Incremental builds: what the last build of a site was made from.

The cache is one file inside the site, :data:`MANIFEST`
(``.tei-edition-cache/manifest.json``).  It is written through the
:class:`~tei_edition.sitewriter.SiteWriter` like every page, so it is listed
in the site's marker, staged and swapped in with the site, and never left
behind by a failed build.  It records:

* ``settings``: a hash of everything besides the inputs that shapes the site:
  the toolkit's version, the bundled ``xslt/`` and ``schemas/`` files, the
  user's ``--xslt`` with all it imports and the stylesheets beside it, and the build's options
  (title, language, ``--force``, whether Pagefind is there, the paths named);
* ``inputs``: the SHA-256 of every input file, of every schema the inputs
  name in ``<?xml-model?>`` and of what it includes; ``linked``: of every
  local file the texts link to (copied into the site); ``absent``: every
  link to a local file, with where it led and whether that was a file
  (:func:`link_probe`), so that a file that appears or a link that moves is
  seen;
* ``files``: every file of the site with its size, to notice a damaged site;
* ``pages``, per text page: a key (the hash of the settings, the stylesheet
  parameters, the page's name and of the rendered copy of the text, with its
  mention ids), the pointers the page asked the site's plan about and a
  digest of the answers, the page's SHA-256, its rendering warnings, the
  files it links and those it would link if they were there; per site page
  (registers, chronology, map, home) the same, its key being the digest of
  the page document it was rendered from (``site_pages.render_key``).

Two uses (:func:`tei_edition.site.build`):

1. **Nothing changed** (same settings, same input hashes, the site as it was
   written): the build stops after hashing the inputs.  Nothing is
   validated, indexed, rendered or searched; the result is the one recorded.
2. **Something changed**: validation, registers, the plan, the site pages'
   documents and Pagefind run again, over every file.  A text page is
   re-rendered only when its key changed or the plan answers one of its
   pointers differently now (an edited register entry re-renders the pages
   that point to it); a site page only when its document changed.  Otherwise
   the page's bytes are taken from the old site after their hash is checked.

A manifest of another format or toolkit version, one that does not parse, or
one whose fields have the wrong types is ignored: the build is then a full
one.  ``--clean`` ignores it too; ``--timestamp`` builds always render.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path

from tei_edition import __version__, resources
from tei_edition.parsing import XINCLUDE_MARK_LENGTH, mentions_xinclude

CACHE_DIR = ".tei-edition-cache"
MANIFEST = f"{CACHE_DIR}/manifest.json"
FORMAT = 4  # 2: links that gave no file ("absent"); 3: every link, with where it led; 4: the pointers a page asked about


def file_hash(path) -> str | None:
    """The SHA-256 of a plain file; None for anything else (a named pipe would block)."""
    return _from_plain_file(path, lambda stream: hashlib.file_digest(stream, "sha256").hexdigest())


def _read_all(stream) -> bytes:
    return stream.read()


def _from_plain_file(path, read):
    """``read(stream)`` of ``path`` if it is a plain file, else None.  Opened without blocking and
    checked before reading: a named pipe or a device in its place would block or never end."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):  # ValueError: a NUL in the name
        return None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        with open(handle, "rb", closefd=False) as stream:
            return read(stream)
    except OSError:
        return None
    finally:
        os.close(handle)


def text_hash(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def _folder_hash(digest, folder: Path, patterns=("*",), recursive: bool = True) -> None:
    if not folder.is_dir():
        return
    walk = folder.rglob if recursive else folder.glob
    found = sorted({p for pattern in patterns for p in walk(pattern) if p.is_file()})
    for path in found:
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update((file_hash(path) or "-").encode())


def settings_key(stylesheet, options: dict) -> str:
    """The hash of everything besides the inputs that shapes the site."""
    digest = hashlib.sha256(f"tei-edition {__version__} cache {FORMAT}\n".encode())
    _folder_hash(digest, resources.xslt_dir())
    _folder_hash(digest, resources.schemas_dir())
    if stylesheet is not None:
        from tei_edition.rendering import stylesheet_files

        user = Path(stylesheet).expanduser().absolute()
        digest.update(str(user).encode())
        for path in stylesheet_files(user):  # it and all it imports and includes
            digest.update(f"{path}\n{file_hash(path) or '-'}\n".encode())
        _folder_hash(digest, user.parent, ("*.xsl", "*.xslt"), recursive=False)  # what it may read with document()
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    return digest.hexdigest()


# An input that includes other files: its own hash says nothing about them.
INCLUDES = "+xinclude"


def _input_hash(path) -> tuple[str, bytes]:
    """The file's SHA-256, marked with INCLUDES when it uses XInclude (read in chunks), and its
    prolog (see :func:`_prolog`)."""
    digest = hashlib.sha256()
    includes = False
    head = tail = b""
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
                includes = includes or mentions_xinclude(tail + chunk)
                head = head or _prolog(chunk)
                tail = chunk[-XINCLUDE_MARK_LENGTH:]
    except OSError:
        return "-", b""
    return digest.hexdigest() + (INCLUDES if includes else ""), head


def input_hashes(files) -> dict[str, str]:
    """Each input's hash, and (as ``schema HREF in FOLDER``) the hash of each schema the inputs name
    in ``<?xml-model?>``, with the schemas beside it (its includes), or "-" where it is missing."""
    hashes: dict[str, str] = {}
    named: dict[tuple[str, str], Path] = {}
    for path in files:
        hashes[Path(path).as_posix()], head = _input_hash(path)
        for href in _model_hrefs(head):
            named.setdefault((href, os.path.dirname(os.path.abspath(path))), Path(path))
    if named:
        hashes.update(_schema_hashes(named))
    return hashes


_UTF16_HEAD = 1 << 16  # how much of a UTF-16 input is searched for <?xml-model?>
_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")  # its first two bytes
# One item of a prolog: a processing instruction, a comment, the DOCTYPE with its internal
# subset (whose declarations may hold "]" and ">" in quotes, comments and instructions).
_PROLOG_ITEM = re.compile(  # atomic and possessive throughout: linear on hostile input
    rb"""\s*+(?><\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>"']++|"[^"]*+"|'[^']*+'"""
    rb"""|\[(?:(?><!--.*?-->)|(?><\?.*?\?>)|"[^"]*+"|'[^']*+'|[^\]"'<]++|<(?![!?])|<!(?!--))*+\])*+>)""", re.S)


def _prolog(chunk: bytes) -> bytes:
    """What comes before the root element (where <?xml-model?> instructions are); UTF-16 whole."""
    if chunk[:2] in _UTF16_STARTS:
        return chunk[:_UTF16_HEAD]
    at = 3 if chunk.startswith(b"\xef\xbb\xbf") else 0
    while (item := _PROLOG_ITEM.match(chunk, at)) and item.end() > at:
        at = item.end()
    return chunk[:at]


def _model_hrefs(head: bytes) -> list[str]:
    from tei_edition.xmlmodel import pseudo_attributes

    if head[:2] in _UTF16_STARTS:
        text = head.decode("utf-16-be" if head[:1] == b"\x00" else "utf-16", errors="replace")
    elif b"<?xml-model" in head:
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError:  # a declared single-byte encoding: the hrefs are ASCII in practice
            text = head.decode("latin-1")
    else:
        return []
    hrefs = []
    at = text.find("<?xml-model")
    while at >= 0:  # find(), not a regular expression: linear however many unclosed instructions
        end = text.find("?>", at)
        if end < 0:
            break
        if text[at + 11:at + 12].isspace() and (href := pseudo_attributes(text[at + 12:end]).get("href", "")):
            hrefs.append(href)
        at = text.find("<?xml-model", end)
    return hrefs


def _schema_hashes(named: dict[tuple[str, str], Path]) -> dict[str, str]:
    """Validation reads these schemas and what they include: a change to one must not leave the
    site as it was."""
    from tei_edition.xmlmodel import Catalog

    catalog = Catalog.default()
    bundled = resources.schemas_dir().resolve()  # in the settings already
    hashes: dict[str, str] = {}
    for (href, folder), document in sorted(named.items()):
        found, _problem = catalog.locate(href, document)
        hashes[f"schema {href} in {folder}"] = str(found) if found is not None else "-"
        if found is not None and bundled not in found.resolve().parents:
            for path, digest in _schema_files(found, hashes).items():
                hashes[f"schema file {path}"] = digest
    return hashes


# What a schema reads besides itself: RELAX NG include/externalRef, Schematron include/extends,
# XSLT import/include (Schematron may carry XSLT), XInclude.
_SCHEMA_REFERENCES = (
    "{http://relaxng.org/ns/structure/1.0}include", "{http://relaxng.org/ns/structure/1.0}externalRef",
    "{http://purl.oclc.org/dsdl/schematron}include", "{http://purl.oclc.org/dsdl/schematron}extends",
    "{http://www.w3.org/1999/XSL/Transform}import", "{http://www.w3.org/1999/XSL/Transform}include",
    "{http://www.w3.org/2001/XInclude}include",
)


def _schema_files(schema: Path, known: dict) -> dict[str, str]:
    """The hash of ``schema`` and of every local file it includes, however deep ("-" for one that
    is missing, a folder or a pipe), those not in ``known`` yet; each read once."""
    from urllib.parse import unquote, urlsplit

    from tei_edition.parsing import parse_bytes

    found: dict[str, str] = {}
    waiting = [Path(os.path.abspath(schema))]
    while waiting:
        path = waiting.pop()
        if f"schema file {path}" in known or str(path) in found:
            continue
        data = _from_plain_file(path, _read_all)
        found[str(path)] = text_hash(data) if data is not None else "-"
        if data is None:
            continue
        try:
            tree = parse_bytes(data, path)
        except Exception:  # noqa: BLE001 - whatever it is, validation will say so; its bytes are hashed
            continue
        for element in tree.iter(_SCHEMA_REFERENCES):
            href = (element.get("href") or "").strip()
            parts = urlsplit(href)
            if href and not parts.scheme and not parts.netloc:  # a URL is never read
                waiting.append(Path(os.path.normpath(path.parent / unquote(parts.path))))
    return found


def load(out) -> dict | None:
    """The manifest of the site in ``out``, or None when there is none we can trust."""
    text = _from_plain_file(Path(out) / MANIFEST, _read_all)
    try:
        data = json.loads(text.decode("utf-8")) if text is not None else None
    except (ValueError, UnicodeDecodeError, RecursionError):  # ([[[[... nested past Python's limit)
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("toolkit") != __version__:
        return None
    return data if _well_formed(data) else None


# The manifest's shape, field by field, so that a build reads nothing it has not checked: a
# type; a dict for a record with these fields; a one-item list for a list of that; or one of
# the tagged tuples below.
def _mapping(key, value) -> tuple:
    return ("mapping", key, value)


def _row(*parts) -> tuple:
    return ("row", parts)


def _one_of(*values) -> tuple:
    return ("one of", values)


_FINDING = _row(int, int, _one_of("error", "warning"), str, str)  # line, column, severity, message, rule
_REPORTS = [_row(str, [_FINDING])]  # [path, findings] per file
_SHAPE = {
    "settings": str,
    "inputs": _mapping(str, str),
    "linked": _mapping(str, str),
    "absent": [str],
    "files": _mapping(str, int),
    "pages": _mapping(str, {"key": str, "sha256": str, "warnings": [_FINDING], "links": _mapping(str, str),
                            "absent": [str], "asked": [str], "answers": str}),
    "result": {"pages": [str], "files": [str], "texts": int, "notes": [str], "report": _REPORTS,
               "render": _REPORTS},
}


def _fits(value, shape) -> bool:
    """Whether ``value`` (read from JSON) has ``shape`` (see :data:`_SHAPE`)."""
    if isinstance(shape, type):
        return isinstance(value, shape) and not (shape is int and isinstance(value, bool))
    if isinstance(shape, dict):
        return isinstance(value, dict) and all(name in value and _fits(value[name], part)
                                               for name, part in shape.items())
    if isinstance(shape, list):
        return isinstance(value, list) and all(_fits(item, shape[0]) for item in value)
    tag = shape[0]
    if tag == "mapping":
        return isinstance(value, dict) and all(_fits(key, shape[1]) and _fits(item, shape[2])
                                               for key, item in value.items())
    if tag == "row":
        return (isinstance(value, list) and len(value) == len(shape[1])
                and all(_fits(item, part) for item, part in zip(value, shape[1])))
    return value in shape[1]  # one of


def _well_formed(data: dict) -> bool:
    return _fits(data, _SHAPE)


def site_intact(out, manifest: dict) -> bool:
    """Every file the last build wrote is there, with its size (a cheap stat each)."""
    from tei_edition.sitewriter import MARKER, is_our_site

    root = Path(out)
    if not is_our_site(root):
        return False
    for name, size in manifest["files"].items():
        try:
            if os.stat(root / name).st_size != size:
                return False
        except OSError:
            return False
    return (root / MARKER).is_file()


def unchanged(manifest: dict | None, settings: str, inputs: dict[str, str]) -> bool:
    if manifest is None or manifest["settings"] != settings or manifest["inputs"] != inputs:
        return False
    if any(digest.endswith(INCLUDES) for digest in inputs.values()):
        return False  # an included file may have changed: go on, pages are still reused by their content keys
    # a linked file is still itself (not now a link elsewhere) with the same bytes; a file that
    # would have been linked is still as it was (missing, or a link out of the input folders)
    return (all(os.path.realpath(path) == path and file_hash(path) == digest
                for path, digest in manifest["linked"].items())
            and all(link_probe(probe) == probe for probe in manifest["absent"]))


def old_page(out, manifest: dict | None, page: str, key: str) -> dict | None:
    """The recorded page ``page`` when its key is ``key`` and the old site still holds its bytes."""
    if manifest is None:
        return None
    entry = manifest["pages"].get(page)
    if not isinstance(entry, dict) or entry.get("key") != key or any(link_probe(p) != p for p in entry["absent"]):
        return None  # (a file it would link is there now)
    data = _from_plain_file(Path(out) / page, _read_all)
    if data is None:
        return None
    if text_hash(data) != entry.get("sha256"):
        return None
    try:
        return {"html": data.decode("utf-8"), "warnings": list(entry["warnings"]), "links": dict(entry["links"]),
                "absent": list(entry["absent"]), "asked": list(entry["asked"]), "answers": entry["answers"]}
    except (KeyError, TypeError, ValueError, UnicodeDecodeError):
        return None


def link_probe(path: str) -> str:
    """What a linked local file ``path`` is now: itself, where it leads, and whether that is a file.

    Recorded for a link that did not lead to a file to copy (see ``Plan.absent``); given the
    recorded value, gives its path again and says what it is now, so a change is seen."""
    shown = path.split("\x00", 1)[0]
    real = os.path.realpath(shown)
    return f"{shown}\x00{real}\x00{'file' if os.path.isfile(real) else '-'}"


def manifest(settings: str, inputs: dict, linked: dict, absent: list, files: dict, pages: dict, result: dict) -> str:
    return json.dumps({"format": FORMAT, "toolkit": __version__, "settings": settings, "inputs": inputs,
                       "linked": linked, "absent": absent, "files": files, "pages": pages, "result": result},
                      sort_keys=True, indent=0) + "\n"
