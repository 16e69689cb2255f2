"""The one way tei-edition reads XML.

Every module that needs a tree asks this one, so the security policy is in a
single place and nothing can bypass it:

1. No network, ever (``no_network`` and a resolver that refuses every URL).
2. No DTD is loaded and no external entity is resolved.  Internal entities,
   declared in the document's own internal subset, are expanded (TEI files use
   them); libxml2's amplification limit stops billion-laughs expansion, in
   huge-tree mode too (libxml2 2.14 keeps it there).  An external entity
   reference left in the tree is reported as an error at its position rather
   than silently dropped.
3. Huge-tree mode (nesting deeper than 256 levels, texts over 10 MB) is off
   unless the caller asks for it.
4. XInclude is processed only when a root is given (the commands give the
   input root, see :func:`tei_edition.inputs.input_root`), and only for files
   inside it: a target outside it, or on the network, is an error naming the
   target.  Included files are read with this same policy; loops and runaway
   expansion are errors (see :class:`_Includer`).

The commands choose huge-tree mode and the XInclude root once for a whole run
with :func:`policy`; ``parse_file``/``parse_bytes``/``iterparse`` follow it
unless a call says otherwise.  The measured limits are in docs/security.md.

Parse failures become :class:`~tei_edition.errors.XMLProblem` with the
1-based line and column an editor can jump to; I/O failures become
:class:`~tei_edition.errors.InputProblem`.
"""

from __future__ import annotations

import codecs
import copy
import os
import re
import urllib.parse
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from tei_edition.errors import InputProblem, XMLProblem

# -- the policy of a run ------------------------------------------------------


class Policy(NamedTuple):
    """How a run reads XML: huge-tree mode, and the folders XInclude may read."""

    huge: bool = False
    xinclude_roots: tuple[Path, ...] = ()  # empty: XInclude elements are left as they are


# Workers that are not forked (the spawn start method, other machines) import
# this module afresh: the policy reaches them through the environment.
_ENVIRONMENT = "TEI_EDITION_READING_POLICY"


def _from_environment() -> Policy:
    """The policy :func:`_to_environment` wrote: a line "huge" or "normal", then one folder per
    line; or, for folder names with line breaks, JSON."""
    text = os.environ.get(_ENVIRONMENT)
    if not text:
        return Policy()
    if text.startswith("{"):
        import json

        try:
            found = json.loads(text)
            return Policy(bool(found["huge"]), tuple(Path(root) for root in found["xinclude_roots"]))
        except (ValueError, TypeError, KeyError):
            return Policy()
    mode, *roots = text.split("\n")
    if mode not in ("huge", "normal"):
        return Policy()
    return Policy(mode == "huge", tuple(Path(root) for root in roots))


def _to_environment(policy: Policy) -> str | None:
    """The policy as an environment value (None: the default, which needs none)."""
    roots = [str(root) for root in policy.xinclude_roots]
    if policy == Policy():
        return None
    if any("\n" in root or "\r" in root for root in roots):  # rare: JSON, whose import costs a little
        import json

        return json.dumps({"huge": policy.huge, "xinclude_roots": roots})
    return "\n".join(["huge" if policy.huge else "normal", *roots])


_policy = _from_environment()


def current_policy() -> Policy:
    return _policy


@contextmanager
def policy(*, huge: bool = False, xinclude_root=None):
    """Read XML under this policy until the block ends (the commands wrap a whole run).

    ``xinclude_root`` is a folder or several (None: no XInclude processing).
    A plain module setting rather than a context variable, so that worker
    threads and forked workers of the same run see it too; spawned workers
    find it in the environment.
    """
    global _policy
    previous, previous_environment = _policy, os.environ.get(_ENVIRONMENT)
    _policy = Policy(bool(huge), _roots(xinclude_root))
    value = _to_environment(_policy)
    if value is None:  # a worker without the variable reads with the default policy
        os.environ.pop(_ENVIRONMENT, None)
    else:
        os.environ[_ENVIRONMENT] = value
    try:
        yield _policy
    finally:
        _policy = previous
        if previous_environment is None:
            os.environ.pop(_ENVIRONMENT, None)
        else:
            os.environ[_ENVIRONMENT] = previous_environment


def _roots(value) -> tuple[Path, ...]:
    if value is None or value is False:
        return ()
    items = [value] if isinstance(value, (str, os.PathLike)) else list(value)
    return tuple(dict.fromkeys(Path(os.path.realpath(os.path.abspath(item))) for item in items))


def _resolve_options(huge, xinclude_root) -> tuple[bool, tuple[Path, ...]]:
    current = _policy
    return (current.huge if huge is None else bool(huge),
            current.xinclude_roots if xinclude_root is None else _roots(xinclude_root))


# -- the parser -----------------------------------------------------------------


class _RefuseEverything(etree.Resolver):
    """Answer every request for an external resource with nothing.

    With ``load_dtd=False`` libxml2 should not ask at all; this is the second
    lock on the door, so that a DOCTYPE's system identifier or an external
    entity can never read a file or reach the network.
    """

    def resolve(self, url, pubid, context):  # noqa: D401 - lxml API
        return self.resolve_string("", context)


def _parser_options(huge: bool) -> dict:
    return dict(
        resolve_entities="internal",
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=huge,
        remove_comments=False,
        remove_pis=False,
        strip_cdata=True,
        collect_ids=False,  # duplicate xml:id is reported by validation, not by the parser
    )


def make_parser(*, huge: bool | None = None, encoding: str | None = None, blanks: bool = True) -> etree.XMLParser:
    """A fresh parser with the project's policy (parsers are not thread-safe).  ``blanks=False``
    drops whitespace-only text between tags, where libxml2 takes it for indentation."""
    parser = etree.XMLParser(encoding=encoding, remove_blank_text=not blanks,
                             **_parser_options(_resolve_options(huge, None)[0]))
    parser.resolvers.add(_RefuseEverything())
    return parser


# libxml2's limits (2.14, measured; docs/security.md): (default, huge-tree mode)
DEPTH_LIMIT = (256, 2048)
TEXT_LIMIT = (10_000_000, 1_000_000_000)  # bytes in one text node, attribute value, comment ...
NAME_LIMIT = (50_000, 10_000_000)
# Not libxml2's: lxml lists an element's attributes in quadratic time (100,000
# attributes on one element: 14 s per items() call), and every checker lists
# them.  No TEI element needs a hundredth of this; not lifted by --huge.
ATTRIBUTE_LIMIT = 10_000
_ATTRIBUTE_BYTES = 5 * ATTRIBUTE_LIMIT
_CROWDED = etree.XPath(f"(//*[count(@*) > {ATTRIBUTE_LIMIT}])[1]")
_CROWDED_HERE = etree.XPath(f"(descendant-or-self::*[count(@*) > {ATTRIBUTE_LIMIT}])[1]")


def _problem_from_syntax_error(path, error: etree.XMLSyntaxError, external_entities=frozenset(),
                               huge: bool = False, data: bytes | None = None) -> XMLProblem:
    line, column = getattr(error, "position", (0, 0)) or (0, 0)
    entry = _first_error(error)
    message = (entry.message if entry is not None else str(error)) or "not well-formed XML"
    if entry is not None and entry.line:
        line, column = entry.line, entry.column
    if data is not None and message.startswith(_INSIDE_ENTITIES):
        line, column = _reference_position(data, line, column)
    cut = _cut_off(data, line, column) if data is not None and not message.startswith("Premature end") else None
    message = cut or _friendlier(message.strip(), external_entities, huge)
    rule = "external-entity" if message.startswith(("external entity", "parameter entity")) else "well-formed"
    return XMLProblem(path, max(line or 1, 1), max(column or 1, 1), message, rule)


# The regular expressions of this module serve error messages and rare inputs, so they
# are kept as strings, compiled (and cached) by ``re`` when first used: compiling them
# all on import was a millisecond of every run.

# Errors met while expanding an entity: libxml2 gives a position in the
# entity's replacement text, which the editor cannot find in the file.
_INSIDE_ENTITIES = ("Maximum entity amplification factor exceeded", "Detected an entity reference loop")
_DECLARED_ENTITY = r"<!ENTITY\s+([^\s%]+)"
_XML_DECLARED_ENCODING = rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._\-]+)"""


def _decoded(data: bytes) -> str:
    """The text of ``data`` as the parser counts lines and columns (for messages only)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", "replace")
    else:
        declared = re.match(_XML_DECLARED_ENCODING, data.lstrip(codecs.BOM_UTF8))
        try:
            text = data.decode(declared[1].decode() if declared else "utf-8", "replace")
        except LookupError:
            text = data.decode("utf-8", "replace")
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _offset(text: str, line: int, column: int) -> int:
    start = 0
    for _ in range(max(line - 1, 0)):
        found = text.find("\n", start)
        if found == -1:
            return len(text)
        start = found + 1
    return start + max(column - 1, 0)


def _cut_off(data: bytes, line: int, column: int) -> str | None:
    """A message for a file that ends in the middle of its markup (libxml2 words it as a syntax error)."""
    text = _decoded(data)
    tail = text.rstrip()
    if _offset(text, line, column) < len(tail) - 1:
        return None
    opened, closed = tail.rfind("<"), tail.rfind(">")
    if opened > closed:
        name = re.match(r"<(/?[^\s/>]*)", tail[opened:])[1]
        where = f"line {tail.count(chr(10), 0, opened) + 1}"
        if not name.strip("/"):
            return f"the file ends with '{tail[opened:]}' ({where}): is it cut off?"
        return f"the file ends inside the tag <{name} ({where}): is it cut off?"
    return None


def _reference_position(data: bytes, line: int, column: int) -> tuple[int, int]:
    """Where the document refers to its first entity, if libxml2's position is inside the DOCTYPE."""
    text = _decoded(data)
    subset_end = text.find("]>")
    if subset_end == -1:
        return line, column
    offset = _offset(text, line, column)
    if offset > subset_end:
        return line, column  # already in the document
    names = set(re.findall(_DECLARED_ENTITY, text[:subset_end]))
    for match in re.finditer(r"&([^\s&;#]+);", text[subset_end:]):
        if match[1] in names:
            end = subset_end + match.end()
            return text.count("\n", 0, end) + 1, end - text.rfind("\n", 0, end)
    return line, column


def _first_error(error: etree.XMLSyntaxError):
    """The log entry of the error that stopped the parse (the first; later ones are its echoes,
    e.g. "Name too long" then "StartTag: invalid element name")."""
    entries = list(error.error_log)[-20:] if error.error_log else []
    said = str(getattr(error, "msg", "") or "")
    for entry in reversed(entries):
        if entry.message and said.startswith(entry.message.strip()):
            return entry
    return entries[-1] if entries else None


# libxml2's wording -> wording an editor can act on.  Kept as a table so new
# cases are one line.
_REWORDINGS = (
    ("Document is empty", "the file is empty or has no XML content"),
    ("Start tag expected, '<' not found", "this is not XML: no start tag found"),
    ("Extra content at the end of the document", "extra content after the root element's end tag"),
    ("Maximum entity amplification factor exceeded",
     "entity expansion exceeds the safety limit (a 'billion laughs' pattern?); the document is refused"),
    ("Detected an entity reference loop", "entity reference loop: an entity refers to itself"),
)
# libxml2's resource limits, worded with the option that lifts them
_LIMITS = (
    ("Excessive depth in document", "elements are nested more than {depth:,} levels deep"),
    ("Resource limit exceeded: Text node too long", "a text is longer than {text:,} bytes"),
    ("Resource limit exceeded: Buffer size limit exceeded",
     "an attribute value or entity value is longer than {text:,} bytes"),
    ("Name too long", "a name is longer than {name:,} characters"),
    ("Comment too big found", "a comment is longer than {text:,} bytes"),
    ("CData section too big found", "a CDATA section is longer than {text:,} bytes"),
    ("PI ", "a processing instruction is longer than {text:,} bytes"),
)


_PREMATURE_END = r"Premature end of data in tag (\S+) line (\d+)"
_UNFINISHED_START_TAG = r"Couldn't find end of Start Tag (\S+) line (\d+)"
_UNDEFINED_ENTITY = r"Entity '([^']+)' not defined"
# <!ENTITY name SYSTEM "..."> or PUBLIC "..." "...": declared, but external.
_EXTERNAL_ENTITY_DECL = rb"<!ENTITY\s+([^\s%]+)\s+(?:SYSTEM|PUBLIC)\b"
# %name; in a DOCTYPE, or <!ENTITY % name ...>: parameter entities, which serve DTDs only
_PARAMETER_ENTITY = rb"(?:<!ENTITY\s+%\s+|%)([^\s%;<>'\"]+)"


def _friendlier(message: str, external_entities=frozenset(), huge: bool = False) -> str:
    for libxml_text, ours in _REWORDINGS:
        if message.startswith(libxml_text):
            return ours
    for libxml_text, ours in _LIMITS:
        if message.startswith(libxml_text) and (libxml_text != "PI " or "too big" in message):
            limits = {"depth": DEPTH_LIMIT[huge], "text": TEXT_LIMIT[huge], "name": NAME_LIMIT[huge]}
            if huge:
                return ours.format(**limits) + ", more than tei-edition reads even with --huge"
            return ours.format(**limits) + "; if the file is genuine, run again with --huge (see docs/security.md)"
    match = re.match(_PREMATURE_END, message)
    if match:
        return f"the file ends before <{match[1]}> (opened on line {match[2]}) is closed"
    match = re.match(_UNFINISHED_START_TAG, message)
    if match:
        return f"the start tag <{match[1]} (line {match[2]}) is not finished: no '>' after it"
    match = re.match(_UNDEFINED_ENTITY, message)
    if match:
        if f"%{match[1]}" in external_entities:
            return (f"parameter entity %{match[1]}; is never read: tei-edition loads no DTD, and parameter "
                    "entities only serve DTDs")
        if match[1] in external_entities:
            return f"external entity &{match[1]}; is never loaded: tei-edition reads no external entities"
        return f"entity &{match[1]}; is not declared (only the five XML entities and those declared in the document's own DOCTYPE are known)"
    return message


def _entity_names(data: bytes) -> set[str]:
    """Names declared as external entities in the DOCTYPE, and parameter entities as "%name"."""
    head = data[:65536]
    names = {m.decode("utf-8", "replace") for m in re.findall(_EXTERNAL_ENTITY_DECL, head)}
    subset_end = head.find(b"]>")
    general = {m.decode("utf-8", "replace") for m in re.findall(rb"<!ENTITY\s+([^\s%]+)", head)}
    for match in re.findall(_PARAMETER_ENTITY, head[:subset_end] if subset_end != -1 else head):
        name = match.decode("utf-8", "replace")
        if name not in general:
            names.add(f"%{name}")
    return names


def _looks_binary(data: bytes) -> bool:
    head = data[:1024]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00<\x00", b"<\x00")):
        return False  # UTF-16, with or without a BOM
    return b"\x00" in head


def _check_external_entities(path, tree: etree._ElementTree) -> None:
    """Refuse trees that still hold references to external (unloaded) entities."""
    for node in tree.getroot().iter(etree.Entity):
        raise XMLProblem(
            path,
            node.sourceline or 1,
            1,
            f"entity {node.text} is external or undeclared and is never loaded",
            rule="external-entity",
        )


def _namespaces_of_entities(tree: etree._ElementTree) -> None:
    """Put the unprefixed elements written inside internal entities into the default namespace
    in scope where the entity is used, as XML Namespaces say and Jing does.

    libxml2 reads an entity's text without the namespaces in scope, so ``<!ENTITY sig
    "<p>...</p>">`` used inside ``<body>`` of a TEI text gave a ``p`` in no namespace (which
    then failed validation, and no page showed it).  Such an element is recognisable: its name
    has no namespace while a default namespace is in scope (outside entities that takes an
    ``xmlns=""``, which leaves none in scope).
    """
    dtd = tree.docinfo.internalDTD
    if dtd is None or not any("<" in (entity.content or "") for entity in dtd.iterentities()):
        return
    for element in tree.getroot().iter(etree.Element):
        tag = element.tag
        if tag[0] != "{" and ":" not in tag:
            namespace = element.nsmap.get(None)
            if namespace:
                element.tag = f"{{{namespace}}}{tag}"


def _parse(data: bytes, path, huge: bool, blanks: bool = True) -> etree._ElementTree:
    """Parse with the policy, without XInclude."""
    if not data or data[:1].isspace() and not data.strip():  # (strip copies: only for a file that starts blank)
        raise XMLProblem(path, 1, 1, "the file is empty or has no XML content")
    if _looks_binary(data):
        raise XMLProblem(path, 1, 1, "this is a binary file, not XML")
    # A UTF-16 byte order mark decides the encoding.  Said to the parser, it
    # also reaches docinfo.encoding (else "UTF-8" when nothing is declared),
    # which the position finders use to decode the bytes.
    encoding = ("UTF-16LE" if data.startswith(codecs.BOM_UTF16_LE) else
                "UTF-16BE" if data.startswith(codecs.BOM_UTF16_BE) else None)
    try:
        root = etree.fromstring(data, make_parser(huge=huge, encoding=encoding, blanks=blanks), base_url=_base_url(path))
    except etree.XMLSyntaxError as error:
        if data.startswith((b"<\x00", b"\x00<")) and encoding is None:
            raise XMLProblem(path, 1, 1, "the file looks like UTF-16 without a byte order mark: save it as UTF-8, "
                                         "or as UTF-16 with a byte order mark") from None
        raise _problem_from_syntax_error(path, error, _entity_names(data), huge, data) from None
    tree = root.getroottree()
    # Without a DOCTYPE no entity is declared, and a reference to an undeclared one is not
    # well-formed: there is nothing to do.  (Each walk costs a fifth of parsing a typical text.)
    if tree.docinfo.doctype:
        _check_external_entities(path, tree)
        _namespaces_of_entities(tree)
    # Else no element can have that many (the check costs a walk).  An attribute takes at least
    # five bytes ( a=""), so a smaller file needs not even the count (2 ms for 5 MB).
    if len(data) > _ATTRIBUTE_BYTES and data.count(b"=") > ATTRIBUTE_LIMIT:
        _check_attribute_counts(path, root, data)
    return tree


def _check_attribute_counts(path, root, data: bytes) -> None:
    for element in _CROWDED(root):
        line = element.sourceline or 1
        lines = _decoded(data).split("\n")
        qname = f"{element.prefix}:{etree.QName(element).localname}" if element.prefix else etree.QName(element).localname
        from tei_edition.rng.positions import find_start_tag

        column = find_start_tag(lines[line - 1], qname) if 0 < line <= len(lines) else None
        raise _too_many_attributes(path, line, column or 1, qname, element)


def _too_many_attributes(path, line: int, column: int, name: str, element) -> XMLProblem:
    return XMLProblem(path, line, column, f"<{name}> has {len(element.attrib):,} attributes; tei-edition reads at "
                                          f"most {ATTRIBUTE_LIMIT:,} on one element", "too-many-attributes")


def parse_bytes(data: bytes, path: str | os.PathLike = "<bytes>", *, huge: bool | None = None,
                xinclude_root=None, blanks: bool = True) -> etree._ElementTree:
    """Parse ``data`` (the bytes of a file, encoding detected as XML says).

    ``huge`` and ``xinclude_root`` default to the run's :func:`policy`
    (``xinclude_root=False``: no XInclude, whatever the policy).  XInclude
    needs a real ``path``: relative targets are found from it.  ``blanks=False``
    leaves out whitespace-only text between tags (libxml2's guess at
    indentation: never the only content of an element, never beside other
    text, never under ``xml:space="preserve"``), for a tree that is only checked
    against a grammar: grammars ignore such text, and the tree is smaller.
    """
    huge_tree, roots = _resolve_options(huge, xinclude_root)
    tree = _parse(data, path, huge_tree, blanks)
    if roots and has_xinclude(tree):  # (no walk when XInclude is off: the caller may walk for its own ends)
        expand_xinclude(tree, data, path, huge=huge, xinclude_root=xinclude_root)
    return tree


def expand_xinclude(tree, data: bytes, path, *, huge: bool | None = None, xinclude_root=None) -> None:
    """Expand the ``xi:include`` elements of ``tree``, parsed from ``data`` at ``path``
    without them, as :func:`parse_bytes` does (nothing when the policy allows no XInclude)."""
    huge, roots = _resolve_options(huge, xinclude_root)
    if roots and not str(path).startswith("<"):
        _Includer(roots, huge).expand_document(tree, data, path)


def parse_file(path: str | os.PathLike, *, huge: bool | None = None, xinclude_root=None) -> etree._ElementTree:
    """Read and parse one file; the tree remembers its path as ``docinfo.URL``.

    ``huge`` and ``xinclude_root`` default to the run's :func:`policy`.
    """
    return parse_bytes(_read(path), path, huge=huge, xinclude_root=xinclude_root)


def read_bytes(path) -> bytes:
    """The bytes of the file at ``path`` (raises OSError).  Like ``Path.read_bytes``, at a
    third of its cost per file, which counts over thousands of small texts."""
    return read_with_identity(path)[0]


def identity(info: os.stat_result) -> tuple[int, int, int, int, int]:
    """What tells one state of a file from another without reading it: (device, inode, size,
    modification and change times in ns).  Any write changes the change time, which no tool
    can set back."""
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def read_with_identity(path) -> tuple[bytes, tuple[int, int, int, int, int]]:
    """The bytes of the file at ``path`` and the identity of what was read: (device, inode,
    size, modification and change times in ns), taken from the open file once it is read, so
    that a write before the read finished shows in the change time (raises OSError)."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        size = os.fstat(handle).st_size
        first = os.read(handle, size + 1)
        if len(first) == size:  # a regular file, whole in one read
            data = first
        else:  # a short read (a network file system, over 2 GiB), a file that grew, a pipe
            pieces = [first]
            while pieces[-1]:
                pieces.append(os.read(handle, 1 << 20))
            data = b"".join(pieces)
        info = os.fstat(handle)
    finally:
        os.close(handle)
    return data, identity(info)


def _read(path) -> bytes:
    try:
        return read_bytes(path)
    except IsADirectoryError:
        raise InputProblem(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise InputProblem(f"{path}: cannot read: {error.strerror or error}") from None


def iterparse(path: str | os.PathLike, *, events=("end",), tag=None, huge: bool | None = None,
              xinclude_root=None):
    """Stream a large file with the same policy as :func:`parse_file`.

    Callers clear elements as they go; syntax errors surface as XMLProblem.
    XInclude cannot be streamed: a file that uses it (when XInclude is on) is
    parsed whole, included files and all, and walked with the same events.
    """
    huge, roots = _resolve_options(huge, xinclude_root)
    if roots and _mentions_xinclude(path):
        tree = parse_file(path, huge=huge, xinclude_root=roots)
        yield from etree.iterwalk(tree, events=events, tag=tag)
        return
    options = _parser_options(huge)
    options.pop("strip_cdata")
    try:
        context = etree.iterparse(str(path), events=events, tag=tag, **options)
        context.resolvers.add(_RefuseEverything())
        for event, element in context:
            if isinstance(element, etree._Entity):
                raise XMLProblem(path, element.sourceline or 1, 1, f"entity {element.text} is never loaded", "external-entity")
            if event == "end":
                # every element comes by (no tag): one count each; else the chunk and all inside it
                crowded = ((element,) if len(element.attrib) > ATTRIBUTE_LIMIT else ()) if tag is None \
                    else _CROWDED_HERE(element)
                for found in crowded:
                    raise _too_many_attributes(path, found.sourceline or 1, 1, etree.QName(found).localname, found)
            yield event, element
    except etree.XMLSyntaxError as error:
        raise _problem_from_syntax_error(path, error, huge=huge) from None
    except OSError as error:
        raise InputProblem(f"{path}: cannot read: {error.strerror or error}") from None


def _base_url(path) -> str | None:
    """``Path(path).absolute()`` as text (None for a made-up name like "<bytes>")."""
    text = os.fspath(path)
    if text.startswith("<"):
        return None
    if text not in ("", ".") and "//" not in text and "/./" not in text and not text.startswith("./") \
            and not text.endswith(("/", "/.")):
        # already in the form pathlib gives (a tenth of the time: this is done for every file)
        return text if text.startswith("/") else os.path.join(os.getcwd(), text)
    return str(Path(text).absolute())


# -- XInclude ---------------------------------------------------------------------

XINCLUDE_NAMESPACES = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")  # 2003: libxml2's old alias
_INCLUDE_TAGS = tuple(f"{{{ns}}}include" for ns in XINCLUDE_NAMESPACES)
_FALLBACK_TAGS = tuple(f"{{{ns}}}fallback" for ns in XINCLUDE_NAMESPACES)
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
# Runaway expansion (an include "bomb": a file that includes another ten
# times, which includes a third ten times ...): bounded per document.
INCLUDE_COUNT_LIMIT = 10_000
INCLUDE_BYTES_LIMIT = (64 << 20, 1 << 30)  # bytes of included files, counted at every inclusion; (default, huge)
_NAMESPACE_MARKS = ("www.w3.org/2001/XInclude", "www.w3.org/2003/XInclude")
_ASCII_PATTERNS = [mark.encode("ascii") for mark in _NAMESPACE_MARKS]
_NAMESPACE_PATTERNS = _ASCII_PATTERNS + [mark.encode(codec) for mark in _NAMESPACE_MARKS
                                         for codec in ("utf-16-le", "utf-16-be")]


def has_xinclude(tree) -> bool:
    """Whether ``tree`` holds an ``xi:include`` element (a walk in C: a tenth of the time the
    bytes take to search for the namespace)."""
    for _ in tree.getroot().iter(_INCLUDE_TAGS):
        return True
    return False


# The longest of them: a piece of a file read in pieces must keep this many bytes of the one before.
XINCLUDE_MARK_LENGTH = max(len(p) for p in _NAMESPACE_PATTERNS)


def mentions_xinclude(data: bytes) -> bool:
    """Whether ``data`` (a file, or a piece of one) names an XInclude namespace, in any encoding
    the parser reads: a file that does may include others, which its own bytes do not show."""
    # The UTF-16 forms have a NUL beside each ASCII character: in bytes without a NUL (found at
    # memchr's speed) only the two ASCII forms can be, and a third of the searching is done.
    patterns = _NAMESPACE_PATTERNS if b"\0" in data else _ASCII_PATTERNS
    return any(pattern in data for pattern in patterns)


def _mentions_xinclude(path) -> bool:
    """Does the file contain the XInclude namespace?  (Read in pieces: the file may be big.)"""
    overlap = XINCLUDE_MARK_LENGTH
    try:
        with open(path, "rb") as stream:
            tail = b""
            while True:
                piece = stream.read(1 << 20)
                if not piece:
                    return False
                window = tail + piece
                if mentions_xinclude(window):
                    return True
                tail = window[-overlap:]
    except OSError:
        return False  # iterparse says why


class _IncludeError(Exception):
    """An XInclude problem at ``element`` (of the document being expanded)."""

    def __init__(self, element, message: str, rule: str = "xinclude"):
        super().__init__(message)
        self.element = element
        self.message = message
        self.rule = rule


class _Resource:
    """One included file, parsed once and expanded once per document.

    ``count`` and ``size`` are what one inclusion of it weighs: itself and
    everything its own includes brought in (a copy of an expanded file copies
    all that again, which is how an include bomb grows).
    """

    def __init__(self, path: Path, data: bytes, tree):
        self.path = path
        self.data = data
        self.tree = tree
        self.count = 1
        self.size = len(data)


class _Includer:
    """XInclude 1.0 for one document, under the parsing policy.

    * ``href`` is a relative path (percent-escapes decoded) or a ``file:`` URL;
      its real path (symbolic links followed) must lie inside one of the roots.
      Anything else -- outside the roots, ``http:``, any other scheme or host --
      is refused, with or without ``xi:fallback``.
    * ``parse="xml"`` (the default) reads the file with :func:`_parse`: no DTD,
      no network, bounded entities; its own includes are expanded first (a
      file that includes itself, directly or not, is a loop: an error).
      ``xpointer`` may be an xml:id, ``element(id/1/2)``, ``element(/1/2)``
      or ``xpointer(id('x'))``.  The included element replaces the
      ``xi:include``; only the element is included (not comments or PIs
      around a root element).
    * ``parse="text"`` includes the file's text (``encoding``, default UTF-8).
    * A missing file or id uses ``xi:fallback`` when there is one.
    * Included elements get the line of the ``xi:include`` that brought them
      (``sourceline``): a problem inside them is reported where the including
      document says so, since the path reported is the including file's.
    * No ``xml:base``/``xml:lang`` fix-up.  At most INCLUDE_COUNT_LIMIT
      inclusions and INCLUDE_BYTES_LIMIT bytes of included files per document.
    """

    def __init__(self, roots: tuple[Path, ...], huge: bool):
        self.roots = roots
        self.huge = huge
        self.resources: dict[Path, _Resource] = {}
        self.active: list[Path] = []  # files being expanded, outermost first (loop detection)
        self.count = 0
        self.bytes = 0

    # -- entry point

    def expand_document(self, tree, data: bytes, path) -> None:
        real = Path(os.path.realpath(os.path.abspath(path)))
        locate = _Locator(tree, data)
        if tree.getroot().tag in _INCLUDE_TAGS:
            raise XMLProblem(path, *locate(tree.getroot()),
                             "the root element is an xi:include; tei-edition includes only inside a root element",
                             "xinclude")
        self.active.append(real)
        try:
            self._expand(tree.getroot(), Path(path))
        except _IncludeError as problem:
            raise XMLProblem(path, *locate(problem.element), problem.message, problem.rule) from None
        finally:
            self.active.pop()

    # -- the work

    def _expand(self, element, base: Path) -> None:
        includes = [e for e in element.iter(_INCLUDE_TAGS)
                    if not any(a.tag in _INCLUDE_TAGS for a in e.iterancestors())
                    or e is element]
        for include in includes:
            self._include(include, base)

    def _include(self, include, base: Path) -> None:
        href = include.get("href")
        parse = include.get("parse", "xml")
        xpointer = include.get("xpointer")
        shown = _describe(include)
        if parse not in ("xml", "text"):
            raise _IncludeError(include, f'{shown}: parse must be "xml" or "text"')
        if not href:
            if xpointer is None:
                raise _IncludeError(include, f"{shown}: needs an href")
            raise _IncludeError(include, f"{shown}: an include from the same document (no href) is not supported")
        if "#" in href:
            raise _IncludeError(include, f"{shown}: a fragment (#) is not allowed in href; use xpointer=\"...\"")
        if parse == "text" and xpointer is not None:
            raise _IncludeError(include, f'{shown}: xpointer cannot be used with parse="text"')
        target = self._target(include, href, base, shown)
        if not target.is_file():
            self._fall_back(include, base, f"{shown}: no such file ({target})"
                            if not target.exists() else f"{shown}: {target} is not a file")
            return
        if parse == "text":
            self._include_text(include, target, shown)
            return
        if target in self.active:
            chain = " includes ".join(_short(p) for p in [*self.active[self.active.index(target):], target])
            raise _IncludeError(include, f"{shown}: an include loop: {chain}")
        resource = self._resource(include, target, shown)
        self._account(include, resource.count, resource.size)  # before anything is copied
        found = _select(resource.tree.getroot(), xpointer, include, shown)
        if found is None:
            self._fall_back(include, base, f'{shown}: no element with xml:id "{xpointer}" in {_short(target)}'
                            if _is_name(xpointer) else f"{shown}: the xpointer selects nothing in {_short(target)}")
            return
        copied = copy.deepcopy(found)
        line = include.sourceline or 1
        for node in copied.iter():
            node.sourceline = line
        copied.tail = include.tail
        include.getparent().replace(include, copied)

    def _target(self, include, href: str, base: Path, shown: str) -> Path:
        parts = urllib.parse.urlsplit(href)
        scheme = parts.scheme.lower()
        if len(scheme) == 1:  # a Windows drive letter, not a scheme
            scheme, candidate = "", href
        elif scheme == "file":
            if parts.netloc not in ("", "localhost"):
                raise _IncludeError(include, f"{shown} is refused: it names a file on another machine "
                                             f"({parts.netloc}); tei-edition never reads from the network")
            # urllib.request.url2pathname, without importing urllib.request (http, email, ssl: 20 ms at start-up)
            if os.name == "nt":  # pragma: no cover - Windows
                from nturl2path import url2pathname

                candidate = url2pathname(parts.path)
            else:
                candidate = urllib.parse.unquote(parts.path)
        elif scheme:
            raise _IncludeError(include, f"{shown} is refused: tei-edition never reads from the network"
                                if scheme in ("http", "https", "ftp", "ftps") else
                                f"{shown} is refused: tei-edition includes only files (not {scheme}: addresses)")
        elif href.startswith("//"):
            raise _IncludeError(include, f"{shown} is refused: it names another machine; "
                                         "tei-edition never reads from the network")
        else:
            candidate = urllib.parse.unquote(href)
        folder = Path(os.path.abspath(base)).parent
        target = Path(os.path.realpath(folder / candidate))
        if not any(target == root or root in target.parents for root in self.roots):
            raise _IncludeError(include, f"{shown} is refused: {target} is outside the input root "
                                         f"{_list_roots(self.roots)}; only files inside it are included")
        return target

    def _fall_back(self, include, base: Path, message: str) -> None:
        fallback = next((child for child in include if child.tag in _FALLBACK_TAGS), None)
        if fallback is None:
            raise _IncludeError(include, message)
        parent = include.getparent()
        position = parent.index(include)
        previous = include.getprevious()
        tail = include.tail
        children = list(fallback)
        parent.remove(include)  # with its tail, which goes after the fallback's content
        _append_text(parent, previous, fallback.text)
        for offset, child in enumerate(children):
            parent.insert(position + offset, child)
        _append_text(parent, children[-1] if children else previous, tail)
        for child in children:
            if isinstance(child.tag, str):
                self._expand(child, base)

    def _include_text(self, include, target: Path, shown: str) -> None:
        encoding = include.get("encoding") or "utf-8"
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise _IncludeError(include, f"{shown}: unknown encoding {encoding!r}") from None
        data = self._read(include, target, shown)
        self._account(include, 1, len(data))
        if len(data) > TEXT_LIMIT[self.huge]:
            raise _IncludeError(include, f"{shown}: the file is longer than {TEXT_LIMIT[self.huge]:,} bytes, "
                                         "the limit for one text" + ("" if self.huge else " without --huge"))
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise _IncludeError(include, f"{shown}: the file is not {encoding} text") from None
        text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        parent = include.getparent()
        previous = include.getprevious()
        tail = include.tail
        try:
            _append_text(parent, previous, text)
        except ValueError:
            raise _IncludeError(include, f"{shown}: the file has characters XML does not allow (a binary file?)") from None
        parent.remove(include)
        _append_text(parent, previous, tail)

    def _resource(self, include, target: Path, shown: str) -> _Resource:
        found = self.resources.get(target)
        if found is not None:
            return found
        data = self._read(include, target, shown)
        try:
            tree = _parse(data, target, self.huge)
        except XMLProblem as problem:
            raise _IncludeError(include, f"{shown}: the included file is not usable XML: "
                                         f"{_short(target)}:{problem.line}:{problem.column}: {problem.message}",
                                problem.rule) from None
        resource = _Resource(target, data, tree)
        if tree.getroot().tag in _INCLUDE_TAGS:
            raise _IncludeError(include, f"{shown}: the root element of {_short(target)} is an xi:include")
        locate = _Locator(tree, data)
        self.active.append(target)
        count, size = self.count, self.bytes
        try:
            self._expand(tree.getroot(), target)
            resource.count += self.count - count
            resource.size += self.bytes - size
        except _IncludeError as problem:
            line, column = locate(problem.element)
            raise _IncludeError(include, f"in {_short(target)}, included here, at {line}:{column}: {problem.message}",
                                problem.rule) from None
        finally:
            self.active.pop()
        self.resources[target] = resource
        return resource

    def _read(self, include, target: Path, shown: str) -> bytes:
        """The file's bytes, unless it alone is more than the included bytes may still grow by."""
        limit = INCLUDE_BYTES_LIMIT[self.huge]
        try:
            size = target.stat().st_size
        except OSError:
            size = 0  # reading says why
        if self.bytes + size > limit:
            raise self._too_much(include)
        return _read_included(include, target, shown)

    def _too_much(self, include) -> _IncludeError:
        return _IncludeError(include, f"the included files add up to more than {INCLUDE_BYTES_LIMIT[self.huge]:,} bytes "
                                      "(an include bomb?); the document is refused"
                                      + ("" if self.huge else " (--huge allows more)"))

    def _account(self, include, count: int, size: int) -> None:
        self.count += count
        if self.count > INCLUDE_COUNT_LIMIT:
            raise _IncludeError(include, f"more than {INCLUDE_COUNT_LIMIT:,} inclusions in one document "
                                         "(an include bomb?); the document is refused")
        self.bytes += size
        if self.bytes > INCLUDE_BYTES_LIMIT[self.huge]:
            raise self._too_much(include)


def _read_included(include, target: Path, shown: str) -> bytes:
    try:
        return target.read_bytes()
    except OSError as error:
        raise _IncludeError(include, f"{shown}: cannot read {target}: {error.strerror or error}") from None


def _append_text(parent, previous, text) -> None:
    """Add ``text`` after ``previous`` (a child of ``parent``), or at the start of ``parent``."""
    if not text:
        return
    if previous is None:
        parent.text = (parent.text or "") + text
    else:
        previous.tail = (previous.tail or "") + text


_NCNAME = r"[^\W\d][\w.\-]*\Z"
_ELEMENT_SCHEME = r"element\(([^()]*)\)\Z"
_ID_FUNCTION = r"""xpointer\(\s*id\(\s*(['"])([^'"]*)\1\s*\)\s*\)\Z"""


def _is_name(value) -> bool:
    return value is not None and bool(re.match(_NCNAME, value)) and ":" not in value


def _select(root, xpointer: str | None, include, shown: str):
    """The element ``xpointer`` names in the tree of ``root`` (None: nothing there)."""
    if xpointer is None:
        return root
    pointer = xpointer.strip()
    if _is_name(pointer):
        return _by_id(root, pointer)
    match = re.match(_ID_FUNCTION, pointer)
    if match:
        return _by_id(root, match[2])
    match = re.match(_ELEMENT_SCHEME, pointer)
    if match:
        steps = match[1].split("/")
        if steps[0]:
            node = _by_id(root, steps[0])
        elif len(steps) > 1 and steps[1] == "1":
            node, steps = root, steps[1:]
        else:
            return None
        for step in steps[1:]:
            if node is None or not step.isdigit() or int(step) < 1:
                return None
            children = [child for child in node if isinstance(child.tag, str)]
            node = children[int(step) - 1] if int(step) <= len(children) else None
        return node
    raise _IncludeError(include, f"{shown}: this xpointer is not supported; use an xml:id, element(id/1/2) "
                                 "or xpointer(id('...'))")


def _by_id(root, ident: str):
    for element in root.iter():
        if element.get(_XML_ID) == ident:
            return element
    return None


def _describe(include) -> str:
    parts = [f'{name}="{include.get(name)}"' for name in ("href", "parse", "xpointer") if include.get(name) is not None]
    return "xi:include " + " ".join(parts) if parts else "xi:include"


def _short(path: Path) -> str:
    """A path as the user will recognise it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def _list_roots(roots) -> str:
    return " or ".join(str(root) for root in roots)


class _Locator:
    """Line and column of an xi:include's start tag in the source, as it was before any inclusion.

    The n-th start tag of the source is the n-th element of the tree as parsed
    (unless entities added elements: then the line, and the tag looked for on it).
    """

    def __init__(self, tree, data: bytes):
        self.tree = tree
        self.data = data
        self.index = {}
        self.count = 0
        for number, element in enumerate(e for e in tree.getroot().iter() if isinstance(e.tag, str)):
            if element.tag in _INCLUDE_TAGS:
                self.index[element] = number
            self.count = number + 1

    def __call__(self, element) -> tuple[int, int]:
        line = element.sourceline or 1
        try:
            from tei_edition.rng import positions

            text = positions.decode(self.data, self.tree.docinfo.encoding)
            number = self.index.get(element)
            if number is not None:
                source = positions.SourceMap(text)
                if len(source.starts) == self.count:
                    return source.position(source.start_offset(number))
            lines = text.split("\n")
            qname = f"{element.prefix}:include" if element.prefix else "include"
            column = positions.find_start_tag(lines[line - 1], qname) if 0 < line <= len(lines) else None
            return line, column or 1
        except Exception:  # noqa: BLE001 - a position is a courtesy; never fail on it
            return line, 1
