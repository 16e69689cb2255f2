"""Integrity checks that run whatever the schema says.

A grammar says which elements may go where; it cannot say that ``#p_12``
names a person who exists, that 1953 comes before 1950, or that a GND number
looks like one.  These checks do, across the whole input set at once, because
editions keep their registers (``listPerson`` ...) in files of their own:

1. the root element is in the TEI namespace            [tei-namespace]
2. ``xml:id`` is unique in each document               [duplicate-id]
3. dating attributes are W3C dates, in order           [date-format] [date-order] [date-combination]
4. ``geo`` is "latitude longitude" within range        [geo]
5. ``idno`` of a known authority has its form          [idno]
6. pointers resolve (``@ref @target @corresp @who @source``): ``#id`` in the
   document, then in the registers of the input set; ``file.xml#id``
   relative to the document; ``prefixDef`` prefixes; absolute URIs are
   external links                                       [dangling-pointer] [undeclared-prefix]
7. ``@key`` names a register entry (a warning: keys may be external codes)
                                                        [unmatched-key]
8. every register entry is pointed to from somewhere   [unused-entry] (warning)

Every diagnostic carries a line and a column.  libxml2 gives only the line
where a start tag ends, so :class:`SourceMap` finds the tag (and the
attribute) in the raw text; any checker that needs a real column uses it.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from tei_edition import dates, pointers
from tei_edition.authorities import AUTHORITIES
from tei_edition.diagnostics import FileReport
from tei_edition.errors import TeiEditionError
from tei_edition.pointers import TEI_NS, XML_ID, Kind

XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_BASE = f"{{{XML_NS}}}base"
_TEI = f"{{{TEI_NS}}}"

# ---------------------------------------------------------------- positions

# Everything in the raw text that is not a start tag but could look like one
# is matched first (comments, CDATA, PIs, the DOCTYPE) so its '<' never counts.
_MARKUP = re.compile(
    r"<!--.*?-->"
    r"|<!\[CDATA\[.*?\]\]>"
    r"|<\?.*?\?>"
    r"""|<!DOCTYPE(?:"[^"]*"|'[^']*'|<!--.*?-->|\[(?:"[^"]*"|'[^']*'|<!--.*?-->|[^\]"'])*\]|[^>"'\[])*>"""
    r"|</[^>]*>"
    r"|<(?P<name>[^\s/>!?][^\s/>]*)"
    r"(?P<attrs>(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*/?>",
    re.S,
)
_NEWLINE = re.compile(r"\r\n?|\n")


def qname(node) -> str:
    """The element's name as written in the file (``tei:p`` or ``p``)."""
    local = etree.QName(node).localname
    return f"{node.prefix}:{local}" if node.prefix else local


class SourceMap:
    """Line and column (1-based, in characters) of elements and attributes.

    Built lazily from the raw bytes of a file.  Start tags in the text are
    matched to the elements of the tree in document order; where that is
    impossible (elements that came from an internal entity), the start tag is
    searched backwards from the line libxml2 reports, which is the line where
    the start tag *ends*.
    """

    def __init__(self, source: bytes | str | None, encoding: str | None = None):
        if isinstance(source, bytes):
            try:
                text = source.decode(encoding or "utf-8")
            except (LookupError, UnicodeDecodeError):
                text = source.decode("utf-8", "replace")
        else:
            text = source or ""
        self.text = text.lstrip("\ufeff")
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self.text)]
        self._tags: dict | None = None
        self._pis: list[int] | None = None

    # -- offsets and lines
    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def line_end(self, line: int) -> int:
        if line < len(self._line_starts):
            return self._line_starts[line]
        return len(self.text)

    # -- elements
    def _bind(self, root) -> None:
        tags = [m for m in _MARKUP.finditer(self.text) if m.group("name")]
        self._tags = {}
        self._elements = list(root.iter(etree.Element))  # keeps the proxies (and their ids) alive
        i = 0
        for element in self._elements:
            if i >= len(tags):
                break
            tag = tags[i]
            if tag.group("name") != qname(element):
                continue  # from an entity: not in the text
            if self.position(tag.end() - 1)[0] == element.sourceline:
                self._tags[id(element)] = tag
            i += 1

    def _tag(self, element):
        if self._tags is None:
            self._bind(element.getroottree().getroot())
        found = self._tags.get(id(element))
        if found is not None:
            return found
        line = element.sourceline or 1
        return self.tag_before(line, qname(element))

    def tag_before(self, line: int, name: str):
        """The last start tag ``<name`` that begins at or before the end of ``line``."""
        pattern = re.compile(rf"<{re.escape(name)}(?=[\s/>])")
        end = self.line_end(line)
        start = self._line_starts[min(max(line, 1), len(self._line_starts)) - 1]
        # Start tags can span lines: look back a little further each time.
        while True:
            found = None
            for match in pattern.finditer(self.text, start, end):
                found = match
            if found is not None:
                return _MARKUP.match(self.text, found.start()) or found
            if start == 0:
                return None
            start = max(0, start - 2000)

    def element(self, element) -> tuple[int, int]:
        tag = self._tag(element)
        if tag is None:
            return element.sourceline or 1, 1
        return self.position(tag.start())

    def attribute(self, element, name: str) -> tuple[int, int]:
        """Where ``name`` (Clark notation for namespaced ones) is written on the start tag."""
        tag = self._tag(element)
        if tag is None:
            return element.sourceline or 1, 1
        if name.startswith("{"):
            namespace, local = name[1:].split("}", 1)
            prefix = "xml:" if namespace == XML_NS else r"[^\s=:]+:"
        else:
            prefix, local = "", name
        pattern = re.compile(rf"(?<=\s){prefix}{re.escape(local)}\s*=")
        attrs = tag.re is _MARKUP and tag.group("attrs")
        if attrs:
            found = pattern.search(self.text, tag.start("attrs"), tag.end("attrs"))
            if found:
                return self.position(found.start())
        return self.position(tag.start())

    def processing_instruction(self, pi) -> tuple[int, int]:
        """Where a processing instruction in the prolog starts."""
        if self._pis is None:
            self._pis = []
            for match in _MARKUP.finditer(self.text):
                if match.group("name"):
                    break  # the root element: the prolog is over
                if self.text.startswith("<?", match.start()) and not re.match(r"<\?xml[\s?]", match.group()):
                    self._pis.append(match.start())
        index = 0
        for sibling in pi.itersiblings(preceding=True):
            if isinstance(sibling, etree._ProcessingInstruction):
                index += 1
        # Prolog PIs come before every other PI in the text.
        if pi.getparent() is None and index < len(self._pis):
            return self.position(self._pis[index])
        return pi.sourceline or 1, 1


def locate(source: bytes | str, element, attribute: str | None = None) -> tuple[int, int]:
    """Line and column of ``element`` (or of one of its attributes) in ``source``.

    For one-off use; checkers that report many problems in one file keep a
    :class:`SourceMap` instead.
    """
    sourcemap = SourceMap(source, element.getroottree().docinfo.encoding)
    return sourcemap.attribute(element, attribute) if attribute else sourcemap.element(element)


# ---------------------------------------------------------------- documents


@dataclass(eq=False)
class Document:
    """One input file as the checkers see it: its report, bytes and tree."""

    path: Path
    report: FileReport
    source: bytes | None = None
    tree: etree._ElementTree | None = None
    _map: SourceMap | None = field(default=None, repr=False)

    @property
    def root(self):
        return self.tree.getroot() if self.tree is not None else None

    @cached_property
    def absolute(self) -> str:
        """The file's absolute path, where its relative pointers start from."""
        return os.path.abspath(self.path)

    @property
    def sourcemap(self) -> SourceMap:
        if self._map is None:
            encoding = self.tree.docinfo.encoding if self.tree is not None else None
            self._map = SourceMap(self.source, encoding)
        return self._map

    def where(self, node, attribute: str | None = None) -> tuple[int, int]:
        if isinstance(node, etree._ProcessingInstruction):
            return self.sourcemap.processing_instruction(node)
        if attribute is not None:
            return self.sourcemap.attribute(node, attribute)
        return self.sourcemap.element(node)

    def add(self, node, severity: str, message: str, rule: str, attribute: str | None = None) -> None:
        line, column = self.where(node, attribute)
        self.report.add(max(line, 1), max(column, 1), severity, message, rule)


# ---------------------------------------------------------------- the checks

# Lists whose children are register entries, pointed to from the texts.
REGISTER_LISTS = frozenset(
    {"listPerson", "listPlace", "listOrg", "listBibl", "listEvent", "listNym", "listObject", "listWit"}
)
# Elements whose @from/@to are not dates (page ranges, pointers).
NOT_DATED = frozenset({"biblScope", "citedRange", "locus", "span", "arc", "app"})
# geoDecl datums whose geo is "latitude longitude" in decimal degrees.
DEGREE_DATUMS = frozenset({"WGS84", "OSGB36", "ED50"})


_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _local(element) -> str | None:
    tag = element.tag
    return tag[len(_TEI):] if isinstance(tag, str) and tag.startswith(_TEI) else None


def _tokens_in(value: str) -> str:
    return " ".join(value.split())


class Registers:
    """What the input set defines: ids per document and the register entries."""

    def __init__(self, documents: list[Document]):
        self.ids: dict[Document, dict[str, object]] = {}
        self.register_ids: dict[str, list[tuple[Document, object]]] = {}
        self.entries: list[tuple[Document, object, str]] = []
        self.used: set[tuple[int, str]] = set()  # (id(document), xml:id)
        self.by_path = {_normpath(d.path): d for d in documents}
        self.seen: set = set()  # register elements already collected (nested lists)
        self._outside: dict[str, set[str] | str] = {}
        self._targets: dict[tuple[str, str], str] = {}  # (base, relative) -> the file it names


def check(documents: list[Document], *, local: bool = True, links: bool = True) -> Registers | None:
    """Run every integrity check on ``documents`` (parsed ones; others are skipped).

    ``local`` checks need one document at a time (namespace, duplicate ids,
    dates, geo, idno); ``links`` checks need the whole input set (pointers,
    keys, unused entries).  Parallel validation runs the first in workers and
    the second in the parent; the diagnostics come out in the same order as
    with both at once.
    """
    parsed = [d for d in documents if d.tree is not None]
    registers = Registers(parsed)
    for document in parsed:
        if _check_namespace(document, report=local):
            _check_document(document, registers, local=local)
    if not links:
        return registers
    for document in parsed:
        if document in registers.ids:
            _check_pointers(document, registers)
    for document, element, ident in registers.entries:
        if (id(document), ident) not in registers.used:
            document.add(
                element,
                "warning",
                f'unused register entry: <{etree.QName(element).localname} xml:id="{ident}"> is never pointed to',
                "unused-entry",
                attribute=XML_ID,
            )


# ---------------------------------------------------------------- in several processes
#
# Parallel validation (tei_edition.validation) runs the checks above in three
# steps, with the same diagnostics in the same order as check():
#   1. workers: check(chunk, links=False), then summarise() each document:
#      its ids, its register ids, its register entries (by element number);
#   2. workers: check_links(chunk, tables) -- the pointers of the chunk's
#      documents, resolved against the tables of every document;
#   3. here: unused_entries() from the union of what the workers found used.


@dataclass(eq=False)
class _Elsewhere:
    """A document of the input set that another process has parsed."""

    path: Path


def summarise(documents: list[Document], registers: Registers) -> list[tuple | None]:
    """Per document (None when not parsed): (path, ids or None when not TEI, register ids, entries)."""
    owned: dict[int, list[str]] = {}
    for ident, owners in registers.register_ids.items():
        for owner, element in owners:
            owned.setdefault(id(owner), []).append((ident, element))
    entries_of: dict[int, list] = {}
    for document, element, ident in registers.entries:
        entries_of.setdefault(id(document), []).append((ident, element))
    out = []
    for document in documents:
        if document.tree is None:
            out.append(None)
            continue
        ids = registers.ids.get(document)
        entries = entries_of.get(id(document), [])
        number = {}
        if entries or id(document) in owned:
            number = {element: n for n, element in enumerate(document.root.iter(etree.Element))}
        own = sorted(owned.get(id(document), []), key=lambda pair: number[pair[1]])
        out.append((str(document.path), None if ids is None else set(ids), [ident for ident, _ in own],
                    [(ident, number[element]) for ident, element in entries]))
    return out


_ALL_IDS = etree.XPath("//@xml:id", smart_strings=False)
_HAS_LISTS = etree.XPath("boolean(//*[namespace-uri() = $ns and starts-with(local-name(), 'list')])")


def table(document: Document) -> tuple | None:
    """The :func:`summarise` table of one document, without running any check (None when not parsed).

    A document without ``list*`` elements (most texts) needs only its ids;
    the others are walked as :func:`check` walks them.
    """
    if document.tree is None:
        return None
    if etree.QName(document.root).namespace != TEI_NS:
        return (str(document.path), None, [], [])
    if not _HAS_LISTS(document.root, ns=TEI_NS):
        return (str(document.path), set(_ALL_IDS(document.root)), [], [])
    return summarise([document], check([document], local=False, links=False))[0]


class LinkTables:
    """The :func:`summarise` tables of every document, ready for :func:`check_links`.

    What does not depend on the documents being checked (paths, ids, register
    ids of every document) is worked out once per process and reused for
    every chunk; pickled, only the tables travel.
    """

    def __init__(self, tables: list[tuple | None]):
        self.tables = [table for table in tables if table is not None]  # the parsed documents'
        self._base = None

    def __getstate__(self):
        return {"tables": self.tables, "_base": None}

    def base(self):
        if self._base is None:
            ids, owner_of, by_path, register_ids, paths = {}, {}, {}, {}, {}
            for path, table_ids, table_register_ids, _entries in self.tables:
                owner = _Elsewhere(Path(path))
                owner_of[path] = (owner, table_ids)
                if table_ids is not None:
                    ids[owner] = table_ids  # a set: the checks only ask whether an id is in it
                by_path[_normpath(path)] = owner
                paths[id(owner)] = path
                for ident in table_register_ids:
                    register_ids.setdefault(ident, []).append((owner, None))
            holders = {owner for owners_of in register_ids.values() for owner, _ in owners_of}
            self._base = (ids, owner_of, by_path, register_ids, paths, holders)
        return self._base

    def registers(self, documents: list[Document]) -> tuple[Registers, dict[int, str]]:
        """Registers of every document, ``documents`` (parsed, in the tables) standing for their own entries.

        Made for every chunk a worker checks, so it costs the chunk's size, not
        the corpus's: the tables of everything else are copied whole (in C).
        """
        ids, owner_of, by_path, register_ids, paths, holders = self.base()
        registers = Registers([])
        registers.ids = dict(ids)
        registers.by_path = dict(by_path)
        paths = dict(paths)
        swapped = {}
        for document in documents:
            path = str(document.path)
            found = owner_of.get(path)
            if found is None:
                continue
            owner, table_ids = found
            swapped[owner] = document
            paths[id(document)] = path
            registers.ids.pop(owner, None)
            if table_ids is not None:
                registers.ids[document] = table_ids
            if by_path.get(_normpath(path)) is owner:
                registers.by_path[_normpath(path)] = document
        registers.register_ids = register_ids
        if not holders.isdisjoint(swapped):
            registers.register_ids = {ident: [(swapped.get(owner, owner), element) for owner, element in owners_of]
                                      for ident, owners_of in register_ids.items()}
        return registers, paths


def check_links(documents: list[Document], tables) -> set[tuple[str, str]]:
    """Check the pointers of ``documents`` (parsed, in ``tables``) against ``tables``
    (:func:`summarise` of every parsed document, in input order, or their
    :class:`LinkTables`).  Returns the (path, id) pairs found pointed to."""
    if not isinstance(tables, LinkTables):
        tables = LinkTables(tables)
    registers, paths = tables.registers(documents)
    for document in documents:
        if document in registers.ids:
            _check_pointers(document, registers)
    return {(paths[owner], ident) for owner, ident in registers.used if owner in paths}


def unused_entries(documents: list[Document], tables: list[tuple], used: set[tuple[str, str]]) -> None:
    """The unused-entry warnings, on ``documents`` (parsed as needed), as :func:`check` gives them."""
    for document, table in zip(documents, tables):
        if table is None:
            continue
        path, _ids, _register_ids, entries = table
        unused = [(ident, n) for ident, n in entries if (path, ident) not in used]
        if not unused:
            continue
        if document.tree is None:  # parsed in a worker; positions need it here
            from tei_edition.parsing import parse_bytes, read_bytes

            document.source = read_bytes(document.path)
            document.tree = parse_bytes(document.source, document.path)
        elements = list(document.root.iter(etree.Element))
        for ident, n in unused:
            element = elements[n]
            document.add(
                element,
                "warning",
                f'unused register entry: <{etree.QName(element).localname} xml:id="{ident}"> is never pointed to',
                "unused-entry",
                attribute=XML_ID,
            )


def _check_namespace(document: Document, report: bool = True) -> bool:
    root = document.root
    name = etree.QName(root)
    if name.namespace == TEI_NS:
        return True
    if not report:
        return False
    if name.namespace is None:
        message = f'root element <{name.localname}> is not in the TEI namespace: add xmlns="{TEI_NS}"'
    else:
        message = (
            f'root element <{qname(root)}> is in the namespace "{name.namespace}", '
            f'not in the TEI namespace "{TEI_NS}"'
        )
    document.add(root, "error", message, "tei-namespace")
    return False


def _check_document(document: Document, registers: Registers, local: bool = True) -> None:
    root = document.root
    ids: dict[str, object] = {}
    registers.ids[document] = ids
    datums = {g.get("datum", "WGS84") for g in root.iter(f"{_TEI}geoDecl")}
    check_geo = datums <= DEGREE_DATUMS
    for element in root.iter(etree.Element):
        ident = element.get(XML_ID)
        if ident is not None:
            first = ids.get(ident)
            if first is None:
                ids[ident] = element
            elif local:
                line, column = document.where(first, XML_ID)
                document.add(
                    element,
                    "error",
                    f'duplicate xml:id "{ident}": first used on line {line}, column {column}',
                    "duplicate-id",
                    attribute=XML_ID,
                )
        name = _local(element)
        if name is None:
            continue
        if local:
            if name not in NOT_DATED and any(a in element.attrib for a in dates.DATE_ATTRIBUTES):
                _check_dates(document, element)
            if name == "geo" and check_geo:
                _check_geo(document, element)
            elif name == "idno":
                _check_idno(document, element)
        if name.startswith("list") and name != "list":
            _collect_register(document, element, registers)


def _check_dates(document: Document, element) -> None:
    unreadable = set()
    for name in dates.DATE_ATTRIBUTES:
        value = element.get(name)
        if value is not None:
            try:
                dates.parse(value)
            except dates.DateError:
                unreadable.add(name)
    for name, message in dates.problems(element.attrib):
        if name in unreadable and message.startswith(f"@{name}: "):
            rule = "date-format"
        elif "cannot be combined" in message:
            rule = "date-combination"
        else:
            rule = "date-order"
        document.add(element, "error", f"<{etree.QName(element).localname}> {message}", rule, attribute=name)


def _check_geo(document: Document, element) -> None:
    raw = "".join(element.itertext())
    value = _tokens_in(raw)
    expected = 'expected "latitude longitude" in decimal degrees, separated by a space (e.g. "48.2082 16.3738")'
    if "," in value:
        parts = [p.strip() for p in value.split(",")]
        if len(parts) == 2 and all(_DECIMAL.fullmatch(p) for p in parts):
            problem = f'separate latitude and longitude with a space, not a comma: "{parts[0]} {parts[1]}"'
        else:
            problem = expected
    else:
        parts = value.split()
        if len(parts) != 2 or not all(_DECIMAL.fullmatch(p) for p in parts):
            problem = expected
        else:
            latitude, longitude = (float(p) for p in parts)
            problem = None
            if not -90 <= latitude <= 90:
                problem = f"latitude {parts[0]} is outside -90..90"
                if -90 <= longitude <= 90 and -180 <= latitude <= 180:
                    problem += ' (TEI writes latitude first: "lat long")'
            elif not -180 <= longitude <= 180:
                problem = f"longitude {parts[1]} is outside -180..180"
    if problem:
        document.add(element, "error", f'geo "{value}": {problem}', "geo")


def _check_idno(document: Document, element) -> None:
    kind = (element.get("type") or "").strip().lower()
    authority = AUTHORITIES.get(kind)
    if authority is None:
        return
    value = "".join(element.itertext()).strip()
    if authority.accepts(value):
        return
    document.add(
        element,
        "error",
        f'idno type="{element.get("type")}" "{value}" is not a {authority.name} identifier: '
        f"expected {authority.example}",
        "idno",
    )


def _collect_register(document: Document, element, registers: Registers) -> None:
    """Ids inside a ``list*`` element can be pointed to from any file of the input set.

    The entries proper are the children of a register list (``person`` in
    ``listPerson``) and entries nested in an entry of their kind (``place`` in
    ``place``); only they are expected to be pointed to.
    """
    seen = registers.seen
    for child in element.iter(etree.Element):
        ident = child.get(XML_ID)
        if ident is None or child is element or child in seen:
            continue
        seen.add(child)
        registers.register_ids.setdefault(ident, []).append((document, child))
        parent = child.getparent()
        if _local(parent) in REGISTER_LISTS or (parent.tag == child.tag and parent in seen):
            registers.entries.append((document, child, ident))


# ---------------------------------------------------------------- pointers

# Attributes whose pointers must resolve (the others are only read to learn
# which register entries are used).
CHECKED = frozenset(pointers.POINTER_ATTRIBUTES)
_NOT_POINTERS = frozenset({XML_ID, "{http://www.w3.org/XML/1998/namespace}lang", XML_BASE, "when", "from", "to",
                           "notBefore", "notAfter", "n", "type", "subtype", "rend", "style", "xml:space"})


def _normpath(path) -> str:
    return os.path.normpath(os.path.abspath(str(path)))


def _check_pointers(document: Document, registers: Registers) -> None:
    root = document.root
    prefixes = pointers.prefix_defs(root)
    has_base = bool(root.xpath("boolean(//@xml:base)"))
    any_register = bool(registers.register_ids)
    for element in root.iter(etree.Element):
        attrib = element.attrib
        if not attrib:
            continue
        for name, value in attrib.items():
            if name in _NOT_POINTERS:
                continue
            if name == "key":
                _check_key(document, element, value, registers, any_register)
                continue
            checked = name in CHECKED and _local(element) is not None
            if not checked and "#" not in value and ":" not in value:
                continue
            for token in value.split():
                pointer = pointers.classify(token, prefixes)
                problem = _resolve(document, element, pointer, registers, has_base, checked)
                if problem and checked:
                    if pointer.kind is Kind.UNKNOWN_PREFIX:
                        message, rule = f'{name}="{token}": {problem}', "undeclared-prefix"
                    else:
                        expanded = f" ({pointer.url})" if pointer.url and pointer.url != pointer.raw else ""
                        message, rule = f'{name}="{token}"{expanded} points to nothing: {problem}', "dangling-pointer"
                    document.add(element, "error", message, rule, attribute=name)


def _check_key(document, element, value, registers: Registers, any_register: bool) -> None:
    key = value.strip()
    local_ids = registers.ids[document]
    found = False
    for owner, _element in registers.register_ids.get(key, ()):
        registers.used.add((id(owner), key))
        found = True
    if key in local_ids:
        registers.used.add((id(document), key))
        found = True
    if not found and any_register and _local(element) is not None:
        document.add(
            element,
            "warning",
            f'key="{key}" matches no register entry (fine if it is an external code; '
            f'to point to a register entry write ref="#{key}")',
            "unmatched-key",
            attribute="key",
        )


def _resolve(document, element, pointer, registers: Registers, has_base: bool, checked: bool) -> str | None:
    """None when ``pointer`` resolves; otherwise why not."""
    kind = pointer.kind
    if kind is Kind.EXTERNAL:
        return None
    if kind is Kind.UNKNOWN_PREFIX:
        prefix = pointer.raw.split(":", 1)[0]
        return (
            f'no prefixDef declares the prefix "{prefix}" '
            f'(add <prefixDef ident="{prefix}" ...> to the teiHeader\'s encodingDesc/listPrefixDef)'
        )
    if kind in (Kind.LOCAL, Kind.BARE):
        ident = pointer.fragment or ""
        if not ident:
            return 'a bare "#" names no element (write "#" followed by an xml:id)'
        if _use_id(document, ident, registers):
            return None
        if kind is Kind.BARE:
            if not checked:
                return None
            base = _base(document, element, has_base)
            if base is None or os.path.exists(os.path.join(os.path.dirname(base), ident)):
                return None
            return (
                f'no xml:id "{ident}" in this file or in the registers, and no file of that name '
                f'(to point to an element write "#{ident}")'
            )
        elsewhere = [d for d, ids in registers.ids.items() if ident in ids and d is not document]
        hint = ""
        if elsewhere:  # the first in input order (the inputs are sorted by path), however the table was made
            first = min(elsewhere, key=lambda d: str(d.path))
            other = os.path.relpath(first.path, os.path.dirname(document.absolute))
            hint = f' ({other} has it outside its registers: write "{Path(other).as_posix()}#{ident}")'
        return f'no xml:id "{ident}" in this file or in the registers{hint}'
    # Kind.DOCUMENT
    base = _base(document, element, has_base)
    if base is None:
        return None  # xml:base makes it a link to the web
    relative = pointer.document or ""
    # Thousands of pointers name the same few register files: each (base, target) pair is worked
    # out once (urljoin and normpath were a third of checking the pointers of a corpus).
    target = registers._targets.get((base, relative))
    if target is None:
        target = registers._targets[(base, relative)] = _normpath(unquote(urljoin(base, relative)))
    if not relative.lower().endswith(".xml"):
        return None  # images, HTML pages, folders: not ours to check
    other = registers.by_path.get(target)
    if other is not None:
        if pointer.fragment is None:
            return None
        if pointer.fragment in registers.ids.get(other, {}):
            registers.used.add((id(other), pointer.fragment))
            return None
        return f'no xml:id "{pointer.fragment}" in {relative}'
    if pointer.fragment is None:
        return None if os.path.isfile(target) else f"{relative} does not exist"
    ids = _outside_ids(target, registers)
    if isinstance(ids, str):
        return f"{relative} {ids}"
    if pointer.fragment not in ids:
        return f'no xml:id "{pointer.fragment}" in {relative}'
    return None


def _use_id(document: Document, ident: str, registers: Registers) -> bool:
    if ident in registers.ids[document]:
        registers.used.add((id(document), ident))
        return True
    owners = registers.register_ids.get(ident)
    if owners:
        for owner, _element in owners:
            registers.used.add((id(owner), ident))
        return True
    return False


def _base(document: Document, element, has_base: bool) -> str | None:
    """The file path relative pointers start from, or None when xml:base is a web address."""
    if not has_base:
        return document.absolute
    base = element.base or ""
    parts = urlsplit(base)
    if parts.scheme == "file":
        return unquote(parts.path)
    if len(parts.scheme) > 1:
        return None
    return os.path.join(os.path.dirname(document.absolute), base) if base else document.absolute


def _outside_ids(path: str, registers: Registers):
    """The ids of a file outside the input set, or a string saying why there are none."""
    cached = registers._outside.get(path)
    if cached is not None:
        return cached
    from tei_edition.parsing import parse_file

    if not os.path.exists(path):
        result: set[str] | str = "does not exist"
    elif os.path.isdir(path):
        result = "is a folder"
    else:
        try:
            tree = parse_file(path)
            result = {e.get(XML_ID) for e in tree.getroot().iter(etree.Element) if e.get(XML_ID) is not None}
        except TeiEditionError:
            result = "cannot be read as XML"
    registers._outside[path] = result
    return result
