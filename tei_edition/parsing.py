"""The one way tei-edition reads XML.

Every module that needs a tree asks this one, so the security policy is in a
single place and nothing can bypass it:

1. No network, ever (``no_network`` and a resolver that refuses every URL).
2. No DTD is loaded and no external entity is resolved.  Internal entities,
   declared in the document's own internal subset, are expanded (TEI files use
   them); libxml2's amplification limit stops billion-laughs expansion unless
   huge-tree mode is asked for.  An external entity reference left in the tree
   is reported as an error at its position rather than silently dropped.
3. Huge-tree mode (very deep or very large text nodes) is off unless the
   caller asks for it.

Parse failures become :class:`~tei_edition.errors.XMLProblem` with the
1-based line and column an editor can jump to; I/O failures become
:class:`~tei_edition.errors.InputProblem`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from lxml import etree

from tei_edition.errors import InputProblem, XMLProblem


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


def make_parser(*, huge: bool = False) -> etree.XMLParser:
    """A fresh parser with the project's policy (parsers are not thread-safe)."""
    parser = etree.XMLParser(**_parser_options(huge))
    parser.resolvers.add(_RefuseEverything())
    return parser


def _problem_from_syntax_error(path, error: etree.XMLSyntaxError, external_entities=frozenset()) -> XMLProblem:
    line, column = getattr(error, "position", (0, 0)) or (0, 0)
    entry = error.error_log.last_error if error.error_log else None
    message = (entry.message if entry is not None else str(error)) or "not well-formed XML"
    if entry is not None and entry.line:
        line, column = entry.line, entry.column
    message = _friendlier(message.strip(), external_entities)
    rule = "external-entity" if message.startswith("external entity") else "well-formed"
    return XMLProblem(path, max(line or 1, 1), max(column or 1, 1), message, rule)


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


_PREMATURE_END = re.compile(r"Premature end of data in tag (\S+) line (\d+)")
_UNDEFINED_ENTITY = re.compile(r"Entity '([^']+)' not defined")
# <!ENTITY name SYSTEM "..."> or PUBLIC "..." "...": declared, but external.
_EXTERNAL_ENTITY_DECL = re.compile(rb"<!ENTITY\s+([^\s%]+)\s+(?:SYSTEM|PUBLIC)\b")


def _friendlier(message: str, external_entities=frozenset()) -> str:
    for libxml_text, ours in _REWORDINGS:
        if message.startswith(libxml_text):
            return ours
    match = _PREMATURE_END.match(message)
    if match:
        return f"the file ends before <{match[1]}> (opened on line {match[2]}) is closed"
    match = _UNDEFINED_ENTITY.match(message)
    if match:
        if match[1] in external_entities:
            return f"external entity &{match[1]}; is never loaded: tei-edition reads no external entities"
        return f"entity &{match[1]}; is not declared (only the five XML entities and those declared in the document's own DOCTYPE are known)"
    return message


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


def parse_bytes(data: bytes, path: str | os.PathLike = "<bytes>", *, huge: bool = False) -> etree._ElementTree:
    """Parse ``data`` (the bytes of a file, encoding detected as XML says)."""
    if not data.strip():
        raise XMLProblem(path, 1, 1, "the file is empty or has no XML content")
    if _looks_binary(data):
        raise XMLProblem(path, 1, 1, "this is a binary file, not XML")
    try:
        root = etree.fromstring(data, make_parser(huge=huge), base_url=_base_url(path))
    except etree.XMLSyntaxError as error:
        external = {m.decode("utf-8", "replace") for m in _EXTERNAL_ENTITY_DECL.findall(data[:65536])}
        raise _problem_from_syntax_error(path, error, external) from None
    tree = root.getroottree()
    _check_external_entities(path, tree)
    return tree


def parse_file(path: str | os.PathLike, *, huge: bool = False) -> etree._ElementTree:
    """Read and parse one file; the tree remembers its path as ``docinfo.URL``."""
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise InputProblem(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise InputProblem(f"{path}: cannot read: {error.strerror or error}") from None
    return parse_bytes(data, path, huge=huge)


def iterparse(path: str | os.PathLike, *, events=("end",), tag=None, huge: bool = False):
    """Stream a large file with the same policy as :func:`parse_file`.

    Callers clear elements as they go; syntax errors surface as XMLProblem.
    """
    options = _parser_options(huge)
    options.pop("strip_cdata")
    try:
        context = etree.iterparse(str(path), events=events, tag=tag, **options)
        context.resolvers.add(_RefuseEverything())
        for event, element in context:
            if isinstance(element, etree._Entity):
                raise XMLProblem(path, element.sourceline or 1, 1, f"entity {element.text} is never loaded", "external-entity")
            yield event, element
    except etree.XMLSyntaxError as error:
        raise _problem_from_syntax_error(path, error) from None
    except OSError as error:
        raise InputProblem(f"{path}: cannot read: {error.strerror or error}") from None


def _base_url(path) -> str | None:
    if str(path).startswith("<"):
        return None
    return str(Path(path).absolute())
