"""Reading registers, mentions and dates out of TEI files, one streaming pass each.

Each file is read once with :func:`tei_edition.parsing.iterparse`.  Elements
are cleared as soon as they end, unless they sit inside something whose whole
content is still needed -- a register entry, a mention, a date -- so memory
stays bounded by the largest such element, however large the file.

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
  register work, a ``particDesc`` person standing for a register person).  ``name``/``rs`` with a ``@type`` are checked like the others;
  without a ``@type`` they count only where they resolve to an entry (an
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
import re
from dataclasses import dataclass, field

from lxml import etree

from tei_edition import dates as w3c
from tei_edition.mentions import BACK, HEADER, REGISTER, STANDOFF, TEXT, DateTable, Interner, MentionTable, RunInterner
from tei_edition.parsing import iterparse
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
STRICT, LENIENT = 0, 1  # an own name is ("own", document number, entry id)

_F_ENTRY, _F_MENTION, _F_DATE_TEXT = 1, 2, 4


def type_kind(value: str | None) -> str | None:
    """The register kind an ``rs``/``name`` ``@type`` stands for, if any."""
    if not value:
        return None
    value = value.strip().lower()
    for prefix in ("multi-", "multi_", "multi"):
        if value.startswith(prefix) and value[len(prefix):] in _TYPE_KINDS:
            value = value[len(prefix):]
            break
    return _TYPE_KINDS.get(value)


def local_name(element) -> str | None:
    """The TEI local name (TEI or no namespace), or None for anything else."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    if tag.startswith(_TEI):
        return tag[_TEI_LEN:]
    if tag[:1] != "{":
        return tag
    return None


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
    parts: list[str] = []
    _collect_text(element, parts)
    return normalise_space("".join(parts))


def _collect_text(element, parts: list[str]) -> None:
    if element.text and isinstance(element.tag, str):
        parts.append(element.text)
    for child in element:
        name = local_name(child)
        if name is None:
            pass  # comments, processing instructions, other vocabularies
        elif name in _SKIP:
            pass
        elif name == "choice":
            readings = [c for c in child if local_name(c) is not None]
            chosen = next((c for want in _CHOICE_PREFERENCE for c in readings if local_name(c) == want), None)
            if chosen is None and readings:
                chosen = readings[0]
            if chosen is not None:
                _collect_text(chosen, parts)
        elif name in ("lb", "pb", "cb"):
            parts.append(_JOIN if child.get("break") == "no" else " ")
        else:
            _collect_text(child, parts)
        if child.tail:
            parts.append(child.tail)


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
    targets: Interner = field(default_factory=Interner)
    prefixes: dict[int, dict] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)

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

    def dating(self, raw: tuple) -> tuple[int, list[str]]:
        """The interned normalised reading of (when, from, to, notBefore, notAfter)."""
        found = self._dating_cache.get(raw)
        if found is None:
            attributes = {name: value for name, value in zip(w3c.DATE_ATTRIBUTES, raw) if value is not None}
            problems = [message for _, message in w3c.problems(attributes)]
            normal = w3c.normalise(attributes)
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


def scan(path, doc: int, collector: Collector) -> None:
    """Read one file into ``collector`` (document number ``doc``).

    Raises XMLProblem when the file is not well-formed (the caller rolls back
    what was collected from it) and InputProblem when it cannot be read.
    """
    document = collector.documents[doc]
    mentions = collector.mentions
    want_mentions, want_dates = collector.want_mentions, collector.want_dates
    targets = collector.targets
    stack: list[tuple] = []  # (local name, flags, saved region, saved anchor, saved entry)
    region, anchor, entry = TEXT, None, None  # entry: (local name, xml:id) of the enclosing entry
    keep = 0  # how many open elements need their content at their end

    for event, element in iterparse(path, events=("start", "end")):
        if event == "start":
            tag = element.tag
            if tag.startswith(_TEI):
                name = tag[_TEI_LEN:]
            elif tag[:1] != "{":
                name = tag
            else:
                name = None
            flags = 0
            frame = (name, 0, region, anchor, entry)
            if name is not None:
                ident = element.get(XML_ID)
                if ident is not None and stack:  # the root's id names the document, not a place in it
                    anchor = ident
                if name == "teiHeader":
                    region = HEADER
                elif name == "back":
                    region = BACK
                elif name == "standOff":
                    region = STANDOFF
                parent = stack[-1][0] if stack else None
                if ident is not None and name in _ENTRY_PARENTS and parent in _ENTRY_PARENTS[name]:
                    flags |= _F_ENTRY
                    entry = (name, ident)
                elif want_mentions and (
                    (name in _MENTION_HINT and (element.get("ref") or element.get("key")))
                    or (name in KIND_OF_ENTRY and element.get("sameAs"))
                ):
                    flags |= _F_MENTION
                if want_dates and name not in _NOT_DATABLE:
                    keys = element.keys()
                    if name == "date" or (keys and not _DATABLE.isdisjoint(keys)):
                        if name in _DATE_TEXT:
                            flags |= _F_DATE_TEXT
                        else:
                            _add_date(collector, element, name, doc, document, "",
                                      REGISTER if entry is not None else region, anchor)
                if flags:
                    keep += 1
                    frame = (name, flags, frame[2], frame[3], frame[4])
            stack.append(frame)
            continue

        name, flags, saved_region, saved_anchor, saved_entry = stack.pop()
        if flags:
            if flags & _F_MENTION:
                _add_mentions(mentions, targets, element, name, doc, stack, entry, region, anchor)
            if flags & _F_DATE_TEXT:
                _add_date(collector, element, name, doc, document, surface(element),
                          REGISTER if entry is not None else region, anchor)
            if flags & _F_ENTRY:
                collector.entries.append(_entry_fields(element, name, doc, document, collector))
            keep -= 1
        elif name == "prefixDef":
            found = prefix_defs(element)
            if found:
                collector.prefixes.setdefault(doc, {}).update(found)
        region, anchor, entry = saved_region, saved_anchor, saved_entry
        if keep == 0:
            element.clear()
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]


def _add_mentions(table: MentionTable, targets: Interner, element, name, doc, stack,
                  entry, region, anchor) -> None:
    if name in KIND_OF_ENTRY:  # a description that is the same as a register entry
        attribute, hint, value = "sameAs", KIND_OF_ENTRY[name], element.get("sameAs")
    else:
        attribute, hint, value = "ref", _MENTION_HINT[name], element.get("ref")
    if value is not None and value.strip():
        tokens = list(dict.fromkeys(value.split()))
    else:
        key = (element.get("key") or "").strip()
        if not key:
            return
        attribute, tokens = "key", [key]
    mode = STRICT
    if name in _TYPED:
        hint = type_kind(element.get("type"))
        if element.get("type") is None:
            mode = LENIENT
    if entry is not None and stack:
        parent = stack[-1]
        if parent[1] & _F_ENTRY or parent[0] in ("analytic", "monogr", "series"):
            mode = ("own", doc, entry[1])
    text = table.texts.number(surface(element))
    anchor_number = table.anchors.number(anchor)
    where = REGISTER if entry is not None else region
    line = element.sourceline or 0
    for token in tokens:
        target = targets.number((doc, attribute, token, mode, hint))
        table.add(target, doc, line, text, anchor_number, where)


def _add_date(collector: Collector, element, name, doc, document, text, region, anchor) -> None:
    raw = tuple(element.get(attribute) for attribute in w3c.DATE_ATTRIBUTES)
    dating, problems = collector.dating(raw)
    line = element.sourceline or 0
    for message in problems:
        collector.notices.append(Notice(document, line, f"<{name}> {message}"))
    table = collector.dates
    table.add(dating, doc, line, table.texts.number(text), table.anchors.number(anchor), region,
              table.elements.number(name))


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


def _name_elements(element, name, kind):
    wanted = _NAMES[kind]
    found = []
    for child in element:
        child_name = local_name(child)
        if child_name in wanted:
            found.append((wanted.index(child_name), child))
        elif name == "biblStruct" and child_name in _BIBL_PARTS:
            found.extend((0, title) for title in _children(child, "title"))
    found.sort(key=lambda pair: pair[0])  # stable: by preference, then document order
    return [child for _, child in found]


def person_label(name_element) -> str:
    """The preferred form of a structured personal name.

    Forename(s) and surname(s) (with name links), without role, additional
    or generational names.  Written forename first, they read so ("Jimmy
    Carter"); written surname first -- a register's inverted form, or a name
    whose surname comes first -- they keep that order with a comma
    ("Metternich, Clemens Wenzel Lothar"; "Kim, Il Sung").  An unstructured
    name is its text.
    """
    parts = [(local_name(c), surface(c)) for c in _children(name_element, "forename", "nameLink", "surname")]
    parts = [(name, text) for name, text in parts if text]
    if not parts:
        return surface(name_element)
    forenames = [text for name, text in parts if name == "forename"]
    surnames = [text for name, text in parts if name != "forename"]
    if parts[0][0] == "forename" or not forenames:
        return " ".join(forenames + surnames)
    return f"{' '.join(surnames)}, {' '.join(forenames)}"


def _entry_fields(element, name, doc, document, collector: Collector) -> dict:
    kind = KIND_OF_ENTRY[name]
    ident = element.get(XML_ID)
    names: list[str] = []
    for child in _name_elements(element, name, kind):
        if local_name(child) == "persName":
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
    for holder in [element, *_children(element, *_BIBL_PARTS)]:
        for idno in _children(holder, "idno"):
            value = normalise_space("".join(idno.itertext()))
            if value:
                idnos.append((idno.get("type"), value))

    line = element.sourceline or 0
    birth = death = None
    if kind == "persons":
        birth = _life_date(element, "birth", collector, document, line)
        death = _life_date(element, "death", collector, document, line)
    lat = lon = None
    if kind == "places":
        lat, lon = _coordinates(element, collector, document)
    note = next((surface(child) for child in _children(element, "note")), None)
    return dict(
        id=ident, kind=kind, element=name, label=label, names=tuple(names), type=element.get("type"),
        idnos=tuple(idnos), birth=birth, death=death, lat=lat, lon=lon, note=note or None,
        document=document, doc=doc, line=line, xml=_standalone_xml(element),
    )


def _life_date(element, which, collector: Collector, document, line):
    for child in _children(element, which):
        raw = tuple(child.get(attribute) for attribute in w3c.DATE_ATTRIBUTES)
        number, _ = collector.dating(raw)
        values = collector.dates.datings.values[number]
        return dict(values=values, text=surface(child), line=child.sourceline or line, element=which)
    return None


_GEO_SPLIT = re.compile(r"[\s,;]+")


def _coordinates(element, collector: Collector, document):
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
                    document, geo.sourceline or 0,
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


def find_ids(path, wanted: set[str]) -> set[str]:
    """Which of ``wanted`` are ``xml:id`` values in the file (any element)."""
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
