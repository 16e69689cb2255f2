"""Reading registers, mentions and dates out of TEI files.

A file up to :data:`TREE_LIMIT` (8 MiB) is parsed whole with
:func:`tei_edition.parsing.parse_file` and searched at C speed.  A larger one
is streamed with :func:`tei_edition.parsing.iterparse`: each child of a
container (``body``, ``div``, ``listPerson`` ... -- a paragraph, a register
entry, a page break) is read when it ends, with its ancestors still in place
for context, and then removed, so memory stays bounded by the largest such
chunk however large the file.  Both ways give the same result (tested).

Mentions and dates go to column tables (:mod:`tei_edition.mentions`), never
trees.  Of register entries only the XML is kept, and only for the copies
that may turn out canonical; :func:`describe_entries` reads the rest later.

What is collected (into a :class:`Collector`):

* **entries**: ``person``/``personGrp``, ``place``, ``org``, ``bibl``/``biblStruct``
  and ``event`` with an ``xml:id``, whose parent is a matching list
  (``listPerson`` ...) or, for nested registers, an entry that may hold them
  (a ``place`` in a ``place``, a ``person`` or ``org`` in an ``org``).  A
  ``bibl`` in running text or in a ``cit`` is not an entry; neither is a
  ``person`` without ``xml:id`` (e.g. the "present" list of a ``particDesc``
  that only points to the main register: its names are mentions).
* **mentions**: ``persName``, ``placeName``, ``orgName``, ``eventName``,
  ``title``, and ``name``/``rs`` with a ``@ref`` (every pointer in it) or,
  failing that, a ``@key``; and a ``person``, ``place``, ``bibl`` ... that is
  not an entry but has ``@sameAs`` (a ``bibl`` in a header describing a
  register work, a ``particDesc`` person standing for a register person).
  ``name``/``rs`` with a ``@type`` are checked like the others; without a
  ``@type`` they count only where they resolve to an entry (an
  untyped ``name ref="#KS"`` pointing at an editor is not a register mention).
  An entry's own names (its direct name children, a ``biblStruct``'s titles)
  are not mentions of anything, but a pointer on them to another entry is.
* **dates**: every ``date``, and every element carrying ``@when``, ``@from``,
  ``@to``, ``@notBefore`` or ``@notAfter`` except the few whose @from/@to are
  not dates (``locus``, ``biblScope``, ``citedRange``, ``span``, ``app``).

Elements in the TEI namespace and in no namespace are read alike: some real
register files forget the namespace declaration.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field

from lxml import etree

from tei_edition import dates as w3c
from tei_edition.mentions import BACK, HEADER, REGISTER, STANDOFF, TEXT, DateTable, Interner, MentionTable, RunInterner
from tei_edition.errors import InputProblem
from tei_edition.parsing import iterparse, parse_bytes, parse_file
from tei_edition.pointers import TEI_NS, XML_ID, prefix_defs

_TEI = f"{{{TEI_NS}}}"
_TEI_LEN = len(_TEI)

KIND_OF_ENTRY = {
    "person": "persons",
    "personGrp": "persons",
    "place": "places",
    "org": "orgs",
    "bibl": "works",
    "biblStruct": "works",
    "event": "events",
}
# entry element -> the parents that make it a register entry
_ENTRY_PARENTS = {
    "person": frozenset({"listPerson", "org"}),
    "personGrp": frozenset({"listPerson", "org"}),
    "place": frozenset({"listPlace", "place"}),
    "org": frozenset({"listOrg", "org"}),
    "bibl": frozenset({"listBibl"}),
    "biblStruct": frozenset({"listBibl"}),
    "event": frozenset({"listEvent"}),
}
_LISTS = frozenset({"listPerson", "listPlace", "listOrg", "listBibl", "listEvent"})

# mention element -> kind it suggests (name and rs: by @type)
_MENTION_HINT = {"persName": "persons", "placeName": "places", "orgName": "orgs", "title": "works",
                 "eventName": "events", "name": None, "rs": None}
_TYPED = frozenset({"name", "rs"})

# @type of rs/name -> kind.  "multi-person" and the like drop the prefix.
_TYPE_KINDS = {
    "person": "persons", "persons": "persons", "people": "persons", "persname": "persons", "persongrp": "persons",
    "place": "places", "places": "places", "placename": "places", "settlement": "places", "country": "places",
    "org": "orgs", "orgs": "orgs", "orgname": "orgs", "organisation": "orgs", "organization": "orgs",
    "institution": "orgs",
    "work": "works", "works": "works", "title": "works", "bibl": "works", "book": "works",
    "treaty": "works", "treaties": "works",
    "event": "events", "events": "events",
}

_DATABLE = frozenset(w3c.DATE_ATTRIBUTES)
# elements whose @from/@to are page, folio or pointer ranges, not dates
_NOT_DATABLE = frozenset({"locus", "locusGrp", "biblScope", "citedRange", "span", "app"})
# dated elements whose content is the date's wording
_DATE_TEXT = frozenset({"date", "time", "birth", "death", "floruit", "origDate", "docDate"})

# surface text: what to leave out, and which reading of a choice to take
_SKIP = frozenset({"note", "del", "fw", "figDesc"})
_CHOICE_PREFERENCE = ("expan", "reg", "corr")
_JOIN = "\x00"
_JOIN_SPACES = re.compile(r"\s*\x00\s*")

# pointer modes, part of a target's key
# How a mention's pointer counts: STRICT (reported when it leads nowhere),
# LENIENT (an untyped name/rs: counts only when it leads to an entry), OWN (a
# name of the entry that holds it: never a mention of that entry itself).
STRICT, LENIENT, OWN = 0, 1, 2



_TYPE_KIND_CACHE: dict[str, str | None] = {}


def type_kind(value: str | None) -> str | None:
    """The register kind an ``rs``/``name`` ``@type`` stands for, if any."""
    if not value:
        return None
    try:
        return _TYPE_KIND_CACHE[value]
    except KeyError:
        pass
    found = _type_kind(value)
    if len(_TYPE_KIND_CACHE) < 1000:
        _TYPE_KIND_CACHE[value] = found
    return found


def _type_kind(value: str) -> str | None:
    value = value.strip().lower()
    for prefix in ("multi-", "multi_", "multi"):
        if value.startswith(prefix) and value[len(prefix):] in _TYPE_KINDS:
            value = value[len(prefix):]
            break
    return _TYPE_KINDS.get(value)


# tag -> local name, filled as tags are met; a comment's, processing
# instruction's or entity reference's tag is a function (hashable, not a name)
_LOCAL_NAMES: dict = {etree.Comment: None, etree.ProcessingInstruction: None, etree.Entity: None}
_UNKNOWN = object()


def local_name(element) -> str | None:
    """The TEI local name (TEI or no namespace), or None for anything else."""
    tag = element.tag
    try:
        return _LOCAL_NAMES[tag]
    except KeyError:
        pass
    if tag.__class__ is not str:
        return None
    if tag.startswith(_TEI):
        name = tag[_TEI_LEN:]
    elif tag[:1] != "{":
        name = tag
    else:
        name = None
    if len(_LOCAL_NAMES) < 10_000:  # distinct tags are few; a hostile file cannot grow this forever
        _LOCAL_NAMES[tag] = name
    return name


def normalise_space(text: str) -> str:
    if _JOIN in text:
        text = _JOIN_SPACES.sub("", text)
    return " ".join(text.split())


def surface(element) -> str:
    """The text of an element as a reader sees it, on one line.

    Notes, deletions and forme work are left out; of a ``choice`` the
    editorial reading (expan, reg, corr) is taken; a line, page or column
    break with ``break="no"`` joins the word it splits.
    """
    if not len(element):
        return " ".join((element.text or "").split())
    parts: list[str] = []
    _collect_text(element, parts)
    return normalise_space("".join(parts))


def _collect_text(element, parts: list[str]) -> None:
    text = element.text
    if text and element.tag.__class__ is str:
        parts.append(text)
    known = _LOCAL_NAMES
    for child in element:
        name = known.get(child.tag, _UNKNOWN)
        if name is _UNKNOWN:
            name = local_name(child)
        if name is None or name in _SKIP:
            pass  # comments, processing instructions, other vocabularies; notes, deletions ...
        elif name == "choice":
            readings = [c for c in child if local_name(c) is not None]
            chosen = next((c for want in _CHOICE_PREFERENCE for c in readings if local_name(c) == want), None)
            if chosen is None and readings:
                chosen = readings[0]
            if chosen is not None:
                _collect_text(chosen, parts)
        elif name in _BREAKS:
            parts.append(_JOIN if child.get("break") == "no" else " ")
        elif len(child):
            _collect_text(child, parts)
        else:
            text = child.text
            if text:
                parts.append(text)
        tail = child.tail
        if tail:
            parts.append(tail)


_BREAKS = frozenset({"lb", "pb", "cb"})


@dataclass
class Notice:
    """A warning about the texts that does not stop the run (an invalid date ...)."""

    document: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.document}:{self.line}:1: warning: {self.message}"


@dataclass
class Collector:
    """Everything read so far, across files.  Registers are small and kept as
    dicts; mentions and dates go to column tables."""

    want_mentions: bool = True
    want_dates: bool = True
    documents: list[str] = field(default_factory=list)
    entries: list[dict] = field(default_factory=list)
    targets: Interner = field(default_factory=Interner)  # (doc, attribute, token, mode, kind hint, inside)
    owners: Interner = field(default_factory=Interner)  # (doc, entry id) holding a dated element
    best_copy: dict = field(default_factory=dict)  # (kind, id) -> most entries of that kind in one document
    prefixes: dict[int, dict] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    unordered: bool = False  # some mentions were read out of document order

    def __post_init__(self):
        anchors = RunInterner()  # shared: a mention and a date in one paragraph share its id
        self.mentions = MentionTable(self.documents, anchors)
        self.dates = DateTable(self.documents, anchors)
        self._dating_cache: dict[tuple, tuple[int, list[str]]] = {}

    # -- a file that fails half-way contributes nothing ---------------------
    def mark(self) -> tuple:
        return (len(self.entries), len(self.mentions), len(self.dates), len(self.notices))

    def rollback(self, mark: tuple, doc: int) -> None:
        entries, mentions, dates_, notices = mark
        del self.entries[entries:]
        self.mentions.truncate(mentions)
        self.dates.truncate(dates_)
        del self.notices[notices:]
        self.prefixes.pop(doc, None)

    # -- several processes: each scans a chunk into a collector of its own ------
    def merge(self, other: "Collector") -> None:
        """Append what ``other`` read (later documents, same document numbers) as if read here.

        Interned numbers are renumbered into this collector's tables, so the
        result equals one collector reading all the documents in order.
        """
        targets = [0] + [self.targets.number(value) for value in other.targets.values[1:]]
        owners = [0] + [self.owners.number(value) for value in other.owners.values[1:]]
        anchors = self.mentions.anchors  # shared by mentions and dates, in both collectors
        offset = len(anchors.values) - 1
        anchors.values.extend(other.mentions.anchors.values[1:])
        anchors._last = None
        anchor = [0] + list(range(offset + 1, offset + len(other.mentions.anchors.values)))

        mine, theirs = self.mentions, other.mentions
        texts = [0] + [mine.texts.number(value) for value in theirs.texts.values[1:]]
        mine.target.extend(targets[n] for n in theirs.target)
        mine.doc.extend(theirs.doc)
        mine.line.extend(theirs.line)
        mine.text.extend(texts[n] for n in theirs.text)
        mine.anchor.extend(anchor[n] for n in theirs.anchor)
        mine.region.extend(theirs.region)

        mine, theirs = self.dates, other.dates
        datings = [0] + [mine.datings.number(value) for value in theirs.datings.values[1:]]
        texts = [0] + [mine.texts.number(value) for value in theirs.texts.values[1:]]
        elements = [0] + [mine.elements.number(value) for value in theirs.elements.values[1:]]
        mine.dating.extend(datings[n] for n in theirs.dating)
        mine.doc.extend(theirs.doc)
        mine.line.extend(theirs.line)
        mine.text.extend(texts[n] for n in theirs.text)
        mine.anchor.extend(anchor[n] for n in theirs.anchor)
        mine.region.extend(theirs.region)
        mine.element.extend(elements[n] for n in theirs.element)
        mine.owner.extend(owners[n] for n in theirs.owner)

        self.entries.extend(other.entries)
        for key, count in other.best_copy.items():
            if count > self.best_copy.get(key, 0):
                self.best_copy[key] = count
        self.prefixes.update(other.prefixes)
        self.notices.extend(other.notices)
        self.unordered = self.unordered or other.unordered

    def dating(self, raw: tuple) -> tuple[int, list[str]]:
        """The interned normalised reading of (when, from, to, notBefore, notAfter)."""
        found = self._dating_cache.get(raw)
        if found is None:
            attributes = {name: value for name, value in zip(w3c.DATE_ATTRIBUTES, raw) if value is not None}
            normal = w3c.normalise(attributes)
            if normal is not None and len(attributes) == 1 and len(normal.attributes) == 1:
                problems = []  # one valid value: nothing to combine, nothing wrong
            else:
                problems = [message for _, message in w3c.problems(attributes)]
            if normal is None:
                values = (None, None, None, None, None, None, False, (1,))
            else:
                kept = normal.attributes
                end = normal.end.end if normal.end is not None else ()
                key = (0, normal.start.start if normal.start is not None else normal.end.start, end)
                values = (kept.get("when"), kept.get("from"), kept.get("to"), kept.get("notBefore"),
                          kept.get("notAfter"), normal.precision, normal.is_range, key)
            found = self._dating_cache[raw] = (self.dates.datings.number(values), problems)
        return found


# A file up to this size is parsed whole and searched at C speed; a larger one
# is streamed in chunks, so memory stays bounded whatever its size.
TREE_LIMIT = 8 << 20

# Streaming: elements whose children are read and dropped one by one ...
_CONTAINERS = frozenset({
    "TEI", "teiCorpus", "teiHeader", "text", "front", "body", "back", "group", "standOff", "sourceDoc",
    "facsimile", "div", "div1", "div2", "div3", "div4", "div5", "div6", "div7", "lg", "list", "table", "sp",
    "listPerson", "listPlace", "listOrg", "listBibl", "listEvent", "listRelation", "particDesc", "settingDesc",
})
# ... and the elements, children of those, that usually make up a text: a
# chunk is read when it ends and then removed.  Anything else stays until its
# container ends and is read with it.
_CHUNKS = _CONTAINERS | frozenset({
    "p", "ab", "l", "head", "note", "item", "row", "speaker", "stage", "figure", "quote", "cit", "q", "fw",
    "pb", "lb", "cb", "milestone", "anchor", "gap", "space", "opener", "closer", "dateline", "salute", "signed",
    "trailer", "byline", "docTitle", "titlePage", "docImprint", "docAuthor", "docDate", "epigraph", "argument",
    "postscript", "label", "bibl", "biblStruct", "msDesc", "person", "personGrp", "place", "org", "event",
    "relation", "fileDesc", "encodingDesc", "profileDesc", "revisionDesc", "xenoData", "change", "seg",
    "floatingText", "u", "incident", "kinesic", "vocal", "pause", "entry", "entryFree", "surface", "zone",
    "graphic", "castList", "spGrp", "listWit", "witness", "listApp", "app", "annotation", "listAnnotation",
})
_STREAM_TAGS = sorted({_TEI + name for name in _CHUNKS} | _CHUNKS)
# containers that may also sit inside an entry or a mention (a list in a note)
_NESTABLE = frozenset({"lg", "list", "table", "sp", "div", "div1", "div2", "div3", "div4", "div5", "div6", "div7",
                       "listPerson", "listPlace", "listOrg", "listBibl", "listEvent", "listRelation"})

_HIT_NAMES = frozenset(_MENTION_HINT) | frozenset(KIND_OF_ENTRY) | _DATE_TEXT | {"prefixDef"}
_HIT_TAGS = sorted({_TEI + name for name in _HIT_NAMES} | _HIT_NAMES)
_HIT_LOCAL_NAMES = {tag: tag.removeprefix(_TEI) for tag in _HIT_TAGS}
# the dating attributes of a subtree (attribute steps are several times faster
# in libxml2 than a predicate on every element)
_DATED = etree.XPath(" | ".join(f"descendant-or-self::*/@{name}" for name in w3c.DATE_ATTRIBUTES))
_REGION_OF = {"teiHeader": HEADER, "back": BACK, "standOff": STANDOFF}


def scan(path, doc: int, collector: Collector) -> None:
    """Read one file into ``collector`` (document number ``doc``).

    Raises XMLProblem when the file is not well-formed (the caller rolls back
    what was collected from it) and InputProblem when it cannot be read.
    """
    try:
        size = os.path.getsize(path)
    except OSError as error:
        raise InputProblem(f"{path}: cannot read: {error.strerror or error}") from None
    reader = _Reader(collector, doc)
    if size <= TREE_LIMIT:
        root = parse_file(path).getroot()
        _check_namespace(root, reader)
        reader.read(root, whole=True)
        return
    first = next(iterparse(path, events=("start",), xinclude_root=False), None)  # the root element's start
    if first is not None:
        _check_namespace(first[1], reader)
    for _, element in iterparse(path, events=("end",), tag=_STREAM_TAGS):
        parent = element.getparent()
        if parent is None:
            reader.read(element)
            continue
        container = local_name(parent)
        if container in _CONTAINERS and not (container in _NESTABLE and _held(parent)):
            reader.read(element)
            parent.remove(element)


def _check_namespace(root, reader: "_Reader") -> None:
    """A root in a foreign namespace has nothing to index (TEI without a namespace is read as TEI): say so."""
    namespace = etree.QName(root).namespace
    if namespace not in (None, TEI_NS):
        reader.collector.notices.append(Notice(
            reader.document, root.sourceline or 1,
            f'root element <{etree.QName(root).localname}> is in the namespace "{namespace}", not in the TEI '
            f'namespace "{TEI_NS}": nothing in this file is indexed'))


def _held(node) -> bool:
    """Whether ``node`` is inside (or is) an element read as a whole: a
    register entry, a mention, a dated text.  A list in a person's note is
    read with the person, not item by item."""
    while node is not None:
        name = _LOCAL_NAMES.get(node.tag) or local_name(node)
        if name in _MENTION_HINT or name in _DATE_TEXT or (name in _ENTRY_PARENTS and is_entry(node, name)):
            return True
        node = node.getparent()
    return False


def _has_dating(element) -> bool:
    keys = element.keys()
    return bool(keys) and not _DATABLE.isdisjoint(keys)


def is_entry(element, name: str | None = None) -> bool:
    """A register entry: an entry element with an xml:id in a list (or entry) that holds such."""
    name = name or local_name(element)
    parents = _ENTRY_PARENTS.get(name)
    if parents is None or element.get(XML_ID) is None:
        return False
    parent = element.getparent()
    return parent is not None and local_name(parent) in parents


class _Reader:
    """Reads the entries, mentions and dates in a subtree (a whole document,
    or one chunk of a streamed one whose ancestors are still in place)."""

    def __init__(self, collector: Collector, doc: int):
        self.collector = collector
        self.doc = doc
        self.document = collector.documents[doc]
        self._contexts: dict = {}  # element -> (region, anchor, entry) for the elements inside it
        self._last_line = 0
        table = collector.mentions
        # the hot path appends to the columns and looks up interned values directly
        self._add_row = (table.target.append, table.doc.append, table.line.append, table.text.append,
                         table.anchor.append, table.region.append)
        self._text_numbers = table.texts._numbers
        self._target_numbers = collector.targets._numbers

    def read(self, top, whole: bool = False) -> None:
        """Read ``top`` and everything in it; ``whole`` when it is the entire
        document (then the entries' XML is kept only where it may be needed)."""
        collector = self.collector
        want_mentions, want_dates = collector.want_mentions, collector.want_dates
        names = _HIT_LOCAL_NAMES
        entry_kinds, hints, date_texts = KIND_OF_ENTRY, _MENTION_HINT, _DATE_TEXT
        mention, date = self._mention, self._date
        entries = []
        known, entry_parents = _LOCAL_NAMES, _ENTRY_PARENTS
        for element in top.iter(_HIT_TAGS):
            name = names[element.tag]
            if name in entry_kinds:
                if element.get(XML_ID) is not None and (parent := element.getparent()) is not None and (
                        known.get(parent.tag) or local_name(parent)) in entry_parents[name]:
                    entries.append((element, name))  # a register entry (is_entry)
                elif want_mentions:
                    value = element.get("sameAs")
                    if value:
                        mention(element, name, value, "sameAs")
            elif name in hints:
                if want_mentions:
                    value = element.get("ref")
                    if value or element.get("key"):
                        mention(element, name, value, "ref")
            elif name == "prefixDef":
                found = prefix_defs(element)
                if found:
                    collector.prefixes.setdefault(self.doc, {}).update(found)
            if name in date_texts and want_dates and (name == "date" or _has_dating(element)):
                date(element, name, surface(element))
        if want_dates:
            previous = None
            local = _LOCAL_NAMES
            for attribute in _DATED(top):
                element = attribute.getparent()
                if element is previous:
                    continue  # another dating attribute of the same element
                previous = element
                name = local.get(element.tag, _UNKNOWN)
                if name is _UNKNOWN:
                    name = local_name(element)
                if name is not None and name not in _DATE_TEXT and name not in _NOT_DATABLE:
                    date(element, name, "")
        self._entries(entries, whole)
        self._contexts.clear()

    def _entries(self, entries, whole: bool) -> None:
        """Record entries; keep the XML of those that may turn out canonical
        (see registers._merge_copies: the copy in the document with the most
        entries of its kind, the earliest on a tie).  Only a whole document
        knows its counts; a streamed one keeps every entry's XML."""
        collector = self.collector
        counts: dict[str, int] = {}
        for _, name in entries:
            kind = KIND_OF_ENTRY[name]
            counts[kind] = counts.get(kind, 0) + 1
        best = collector.best_copy
        for element, name in entries:
            kind, ident = KIND_OF_ENTRY[name], element.get(XML_ID)
            raw = None
            if not whole or best.get((kind, ident), 0) < counts[kind]:
                raw = etree.tostring(element, with_tail=False)
                if whole:
                    best[(kind, ident)] = counts[kind]
            collector.entries.append(dict(
                id=ident, kind=kind, element=name, document=self.document, doc=self.doc,
                line=element.sourceline or 0, raw=raw,
            ))

    def _where(self, element):
        """(region, anchor, enclosing entry) of an element: the nearest
        teiHeader/back/standOff, the nearest xml:id on it or an ancestor (not
        the root's: that names the document), the nearest entry around it."""
        parent = element.getparent()
        if parent is None:
            return TEXT, None, None
        region, anchor, entry = self._inside(parent)
        return region, element.get(XML_ID) or anchor, entry

    def _inside(self, node):
        """The context that ``node`` gives the elements in it (memoised: siblings share it)."""
        found = self._contexts.get(node)
        if found is not None:
            return found
        up = node.getparent()
        if up is None:  # the root: its id names the document, not a place in it
            found = (TEXT, None, None)
        else:
            found = self._contexts.get(up)
            region, anchor, entry = found if found is not None else self._inside(up)
            name = _LOCAL_NAMES.get(node.tag, _UNKNOWN)
            if name is _UNKNOWN:
                name = local_name(node)
            if name in _REGION_OF:
                region = _REGION_OF[name]
            anchor = node.get(XML_ID) or anchor
            if name in _ENTRY_PARENTS and is_entry(node, name):
                entry = node
            found = (region, anchor, entry)
        self._contexts[node] = found
        return found

    def _mention(self, element, name, value, attribute) -> None:
        """One mention: ``value`` is the element's @sameAs (``attribute``
        "sameAs") or @ref (``attribute`` "ref"; None or blank: its @key)."""
        hint = KIND_OF_ENTRY[name] if attribute == "sameAs" else _MENTION_HINT[name]
        tokens = value.split() if value is not None else None
        if tokens:
            if len(tokens) > 1:
                tokens = list(dict.fromkeys(tokens))
        else:
            key = (element.get("key") or "").strip()
            if not key:
                return
            attribute, tokens = "key", [key]
        mode = STRICT
        if name in _TYPED:
            kind = element.get("type")
            if kind is None:
                hint, mode = None, LENIENT
            else:
                hint = _TYPE_KIND_CACHE.get(kind, _UNKNOWN)
                if hint is _UNKNOWN:
                    hint = type_kind(kind)
        parent = element.getparent()
        if parent is None:
            region, anchor, entry = TEXT, None, None
        else:
            found = self._contexts.get(parent)
            region, anchor, entry = found if found is not None else self._inside(parent)
        anchor = element.get(XML_ID) or anchor
        inside = None
        if entry is not None:
            region = REGISTER
            inside = entry.get(XML_ID)  # a mention in a copy of an entry is dropped with the copy
            if parent is entry or local_name(parent) in _BIBL_PARTS:
                mode = OWN
        collector, doc = self.collector, self.doc
        table = collector.mentions
        text = " ".join((element.text or "").split()) if not len(element) else surface(element)
        text_number = self._text_numbers.get(text)
        if text_number is None:
            text_number = table.texts.number(text)
        anchor_number = table.anchors.number(anchor)
        line = element.sourceline or 0
        if line < self._last_line:
            collector.unordered = True  # a streamed container read after its chunks
        self._last_line = line
        add_target, add_doc, add_line, add_text, add_anchor, add_region = self._add_row
        numbers = self._target_numbers
        for token in tokens:
            key = (doc, attribute, token, mode, hint, inside)
            target = numbers.get(key)
            if target is None:
                target = collector.targets.number(key)
            add_target(target)
            add_doc(doc)
            add_line(line)
            add_text(text_number)
            add_anchor(anchor_number)
            add_region(region)

    def _date(self, element, name, text) -> None:
        collector = self.collector
        get = element.get
        dating, problems = collector.dating((get("when"), get("from"), get("to"), get("notBefore"), get("notAfter")))
        line = element.sourceline or 0
        for message in problems:
            collector.notices.append(Notice(self.document, line, f"<{name}> {message}"))
        parent = element.getparent()
        if parent is None:
            region, anchor, entry = TEXT, None, None
        else:
            found = self._contexts.get(parent)
            region, anchor, entry = found if found is not None else self._inside(parent)
        ident = get(XML_ID)
        anchor = ident or anchor
        if entry is None and ident is not None and is_entry(element, name):
            entry = element
        owner = 0
        if entry is not None:
            region = REGISTER
            owner = collector.owners.number((self.doc, entry.get(XML_ID)))
        table = collector.dates
        table.add(dating, self.doc, line, table.texts.number(text), table.anchors.number(anchor), region,
                  table.elements.number(name), owner)


# -- register entries ----------------------------------------------------------

_NAMES = {
    "persons": ("persName", "name"),
    "places": ("placeName", "geogName", "settlement", "region", "country", "district", "bloc", "name"),
    "orgs": ("orgName", "name"),
    "works": ("title",),
    "events": ("eventName", "head", "label"),
}
_BIBL_PARTS = ("analytic", "monogr", "series")


def _children(element, *names):
    for child in element:
        if local_name(child) in names:
            yield child


def _named_children(element) -> list[tuple]:
    """(local name, child) for each child, names looked up once."""
    known = _LOCAL_NAMES
    found = []
    for child in element:
        name = known.get(child.tag, _UNKNOWN)
        found.append((local_name(child) if name is _UNKNOWN else name, child))
    return found


def _name_elements(element, name, kind, kids=None):
    wanted = _NAMES[kind]
    found = []
    for child_name, child in (kids if kids is not None else _named_children(element)):
        if child_name in wanted:
            found.append((wanted.index(child_name), child_name, child))
        elif name == "biblStruct" and child_name in _BIBL_PARTS:
            found.extend((0, "title", title) for title in _children(child, "title"))
    found.sort(key=lambda triple: triple[0])  # stable: by preference, then document order
    return [(child_name, child) for _, child_name, child in found]


_PERSON_PARTS = frozenset({"forename", "nameLink", "surname"})


def person_label(name_element) -> str:
    """The preferred form of a structured personal name.

    Forename(s) and surname(s) (with name links), without role, additional
    or generational names.  Written forename first, they read so ("Jimmy
    Carter"); written surname first -- a register's inverted form, or a name
    whose surname comes first -- they keep that order with a comma
    ("Metternich, Clemens Wenzel Lothar"; "Kim, Il Sung").  An unstructured
    name is its text.
    """
    parts = [(name, surface(c)) for name, c in _named_children(name_element) if name in _PERSON_PARTS]
    parts = [(name, text) for name, text in parts if text]
    if not parts:
        return surface(name_element)
    forenames = [text for name, text in parts if name == "forename"]
    surnames = [text for name, text in parts if name != "forename"]
    if parts[0][0] == "forename" or not forenames:
        return " ".join(forenames + surnames)
    return f"{' '.join(surnames)}, {' '.join(forenames)}"


def describe_entries(entries: list[dict], collector: Collector) -> list[dict]:
    """The full descriptions of entries read by :func:`scan`, which keeps only
    their XML: copies of entries are many, and only the canonical ones need
    describing.  They are parsed back together, in one document."""
    if not entries:
        return []
    wrapper = parse_bytes(b"<entries>" + b"".join(fields["raw"] for fields in entries) + b"</entries>",
                          "<entries>").getroot()
    described = []
    for fields, element in zip(entries, wrapper):
        offset = fields["line"] - (element.sourceline or 1)  # line numbers as in the source
        details = _entry_fields(element, fields["element"], fields["document"], offset, collector)
        described.append(dict(fields, **details))
    return described


def standalone_xml(raw: bytes) -> str:
    """An entry's XML as read (``Entry.raw``) made a standalone TEI element."""
    return _standalone_xml(parse_bytes(raw, "<entry>").getroot())


def _entry_fields(element, name, document, offset, collector: Collector) -> dict:
    kind = KIND_OF_ENTRY[name]
    ident = element.get(XML_ID)
    kids = _named_children(element)
    names: list[str] = []
    for child_name, child in _name_elements(element, name, kind, kids):
        if child_name == "persName":
            names.append(person_label(child))
        names.append(surface(child))
    names = [n for n in dict.fromkeys(names) if n]
    if names:
        label = names[0]
    elif kind == "works":
        label = surface(element) or ident
    else:
        label = ident

    idnos = []
    holders = [kids] + [_named_children(child) for child_name, child in kids if child_name in _BIBL_PARTS]
    for holder in holders:
        for child_name, idno in holder:
            if child_name == "idno":
                value = normalise_space("".join(idno.itertext()))
                if value:
                    idnos.append((idno.get("type"), value))

    first: dict[str, object] = {}
    for child_name, child in kids:
        if child_name not in first:
            first[child_name] = child
    birth = death = None
    if kind == "persons":
        birth = _life_date(first.get("birth"), "birth", collector, offset)
        death = _life_date(first.get("death"), "death", collector, offset)
    lat = lon = None
    if kind == "places":
        lat, lon = _coordinates(element, collector, document, offset)
    note = first.get("note")
    note = surface(note) if note is not None else None
    return dict(
        label=label, names=tuple(names), type=element.get("type"), idnos=tuple(idnos), birth=birth,
        death=death, lat=lat, lon=lon, note=note or None,
    )


def _life_date(child, which, collector: Collector, offset):
    """The first ``birth`` or ``death`` child (``child``; None: there is none)."""
    if child is None:
        return None
    number, _ = collector.dating(tuple(map(child.get, w3c.DATE_ATTRIBUTES)))
    values = collector.dates.datings.values[number]
    return dict(values=values, text=surface(child), line=offset + (child.sourceline or 0), element=which)


_GEO_SPLIT = re.compile(r"[\s,;]+")


def _coordinates(element, collector: Collector, document, offset):
    for location in _children(element, "location"):
        for geo in _children(location, "geo"):
            text = "".join(geo.itertext()).strip()
            parts = [p for p in _GEO_SPLIT.split(text) if p]
            try:
                lat, lon = (float(p) for p in parts)
            except ValueError:
                lat = lon = None
            if lat is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                collector.notices.append(Notice(
                    document, offset + (geo.sourceline or 0),
                    f"<geo> {text!r} is not 'latitude longitude' in degrees; the place has no coordinates"))
                return None, None
            return lat, lon
    return None, None


def _standalone_xml(element) -> str:
    """The entry as TEI, without the entries nested in it (they are listed on
    their own) and in the TEI namespace even where the source forgot it."""
    clone = copy.deepcopy(element)
    clone.tail = None
    for child in list(clone.iter()):
        if child is clone:
            continue
        name = local_name(child)
        parent = child.getparent()
        if parent is None:
            continue
        if name in _LISTS or (name in _ENTRY_PARENTS and child.get(XML_ID) is not None
                              and local_name(parent) in _ENTRY_PARENTS[name]):
            _remove_keeping_tail(child)
    if not clone.tag.startswith(_TEI):
        # re-root under an element that declares TEI as the default namespace,
        # so the renamed elements are written without a made-up prefix
        root = etree.Element(_TEI + clone.tag, attrib=dict(clone.attrib), nsmap={None: TEI_NS})
        root.text = clone.text
        root.extend(list(clone))
        clone = root
    for child in clone.iter():
        if isinstance(child.tag, str) and child.tag[:1] != "{":
            child.tag = _TEI + child.tag
    etree.cleanup_namespaces(clone, top_nsmap={None: TEI_NS})
    return etree.tostring(clone, encoding="unicode", with_tail=False)


def _remove_keeping_tail(element) -> None:
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


_IDS = etree.XPath("descendant-or-self::*/@xml:id", smart_strings=False)


def find_ids(path, wanted: set[str]) -> set[str]:
    """Which of ``wanted`` are ``xml:id`` values in the file (any element)."""
    try:
        small = os.path.getsize(path) <= TREE_LIMIT
    except OSError:
        small = False
    if small:  # one parse and one search at C speed; larger files are streamed
        return wanted.intersection(_IDS(parse_file(path).getroot()))
    found = set()
    for _, element in iterparse(path, events=("end",)):
        ident = element.get(XML_ID)
        if ident is not None and ident in wanted:
            found.add(ident)
        element.clear()
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
    return found
