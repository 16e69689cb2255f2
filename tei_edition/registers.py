"""Registers of persons, places, organisations, works and events, with every mention.

The public entry point is :func:`index` (also ``tei_edition.index``)::

    from tei_edition import index
    registers = index(["editions", "indices"])
    for person in registers["persons"]:
        print(person.label, person.count, person.documents)
        for mention in person.mentions:
            print("   ", mention.document, mention.line, mention.text, mention.anchor)

The model:

* :class:`Entry` -- one register entry (``person``, ``place``, ``org``, ``bibl``,
  ``event`` ... with an ``xml:id``) and its :class:`~tei_edition.mentions.Mention` s;
* :class:`~tei_edition.mentions.DateMention` -- one dated element, normalised;
* :class:`Dangling` -- a pointer that leads nowhere, with its location;
* :class:`ExternalLink` -- an absolute URI that matches no entry's ``idno``
  (e.g. a GND URL in ``@ref``): a link to elsewhere, not an error;
* :class:`Index` -- all of it, entries sorted by label (:func:`sort_key`),
  dates chronologically.

How pointers resolve (each token of ``@ref``; ``@key`` when there is no ``@ref``):

* ``#id`` -- an entry with that id in the same document, else the entry with
  that id in any document read (registers usually live in their own files);
* ``file.xml#id`` -- relative to the mentioning document; when no file read
  has that path, the one file read with that name;
* ``prefix:value`` -- expanded by the document's ``prefixDef`` first;
* ``https://...`` -- the entry whose ``idno`` is that URI (http/https, ``www.``
  and a trailing slash do not matter), else an external link;
* ``p_12`` (a bare name, and every ``@key``) -- looked up as an id, then as an
  ``idno`` value.

A pointer that names an element which exists but is not a register entry (an
editor's ``persName``, a ``msDesc``) is neither a mention nor dangling.  A file
that is not well-formed XML is skipped whole (:attr:`Index.skipped`).
``xml:base`` is not applied.

Entries with the same kind and ``xml:id`` in several documents are one entry:
editions often carry copies of the register entries they mention (in
``back``, as ACDH's denormalize-indices writes them).  The definition in the
document with the most entries of that kind is canonical; the others are
listed in :attr:`Entry.copies`, and mentions and dates inside them are not
counted again.

Each mention and date says where it is (``region``): "header" (teiHeader),
"back", "standOff", "register" (inside a register entry: a person's note
naming another person, a birth date) or "text" (everything else).  What
the reader reads and how: :mod:`tei_edition.register_scan`.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from tei_edition import pointers
from tei_edition.errors import UsageProblem, XMLProblem
from tei_edition.inputs import DEFAULT_TEXTS, collect
from tei_edition.mentions import REGIONS, DateList, DateMention, Mention, MentionList
from tei_edition.register_scan import (
    LENIENT, OWN, Collector, Notice, describe_entries, find_ids, scan, standalone_xml,
)

ENTRY_KINDS = ("persons", "places", "orgs", "works", "events")
KINDS = ENTRY_KINDS + ("dates",)

__all__ = [
    "KINDS", "ENTRY_KINDS", "Entry", "Idno", "Mention", "DateMention", "Dangling", "ExternalLink",
    "Index", "Notice", "REGIONS", "index", "sort_key",
]


class Idno(NamedTuple):
    type: str | None
    value: str


@dataclass(slots=True, eq=False)
class Entry:
    """One register entry.

    ``label`` is the preferred name: the first name child (for a structured
    ``persName``, forename(s) + surname(s)); ``names`` all names and variants,
    label first.  ``birth``/``death`` are set for persons, ``lat``/``lon`` for
    places with a ``location/geo`` ("lat long").  ``document`` and ``line``
    say where the entry is defined, ``element`` which element it is;
    ``copies`` the other documents holding a copy of it (same kind, same id);
    ``raw`` the entry's XML as read (:meth:`as_tei` for a standalone element).
    ``mentions`` are in document order; ``count`` is their number and
    ``documents`` the number of distinct documents they are in.
    """

    id: str
    kind: str
    label: str
    names: tuple[str, ...] = ()
    type: str | None = None
    idnos: tuple[Idno, ...] = ()
    birth: DateMention | None = None
    death: DateMention | None = None
    lat: float | None = None
    lon: float | None = None
    note: str | None = None
    document: str = ""
    line: int = 0
    element: str = ""
    mentions: Sequence[Mention] = ()
    copies: tuple[str, ...] = ()
    raw: bytes = field(default=b"", repr=False)
    count: int = field(init=False)
    documents: int = field(init=False)

    def __post_init__(self):
        self.count = len(self.mentions)
        if isinstance(self.mentions, MentionList):
            self.documents = len(self.mentions.documents())
        else:
            self.documents = len({m.document for m in self.mentions})

    def as_tei(self) -> str:
        """The entry as a standalone TEI element: as in its source, without the
        entries nested in it (they are entries of their own), in the TEI
        namespace even where the source forgot it.  "" when not known."""
        return standalone_xml(self.raw) if self.raw else ""

    def mentioned_in(self) -> list[str]:
        """The distinct documents that mention the entry, sorted."""
        if isinstance(self.mentions, MentionList):
            return self.mentions.documents()
        return sorted({m.document for m in self.mentions})


@dataclass(frozen=True, slots=True)
class Dangling:
    """A pointer that resolves to nothing: ``pointer`` as written in
    ``@attribute`` of a mention at ``document``:``line``; ``kind`` is the
    register kind the element suggests (None if it does not say)."""

    pointer: str
    reason: str
    kind: str | None
    attribute: str
    document: str
    line: int
    text: str
    anchor: str | None
    region: str

    def __str__(self) -> str:
        return f"{self.document}:{self.line}:1: warning: dangling pointer {self.pointer!r}: {self.reason}"


@dataclass(frozen=True, slots=True, eq=False)
class ExternalLink:
    """An absolute URI used as a pointer that is no entry's ``idno``, with its mentions."""

    url: str
    mentions: Sequence[Mention]

    @property
    def count(self) -> int:
        return len(self.mentions)


_FOLD = str.maketrans({"æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h"})
_LEADING_PUNCTUATION = " \t\"'„“”‚‘’«»‹›()[]{}¿¡*†-–—.…"


def sort_key(label: str) -> tuple:
    """A Unicode-aware, case-insensitive sort key for labels.

    Accents and case are ignored first (É sorts with E, Ø with O, ß as ss,
    leading quotes and brackets are skipped); then accents break ties
    (unaccented first), then case (lower case first), then the label itself,
    so the order is total and the same on every machine without a locale or
    ICU.
    """
    if label.isascii():  # nothing to decompose or fold beyond case
        lowered = label.lower()
        return (lowered.lstrip(_LEADING_PUNCTUATION), lowered, label.swapcase(), label)
    decomposed = unicodedata.normalize("NFKD", label)
    base = "".join(c for c in decomposed.casefold() if not unicodedata.combining(c)).translate(_FOLD)
    # ties: unaccented before accented (ss before ß), then lower case before upper, as ICU does
    return (base.lstrip(_LEADING_PUNCTUATION), decomposed.lower(), label.swapcase(), label)


def _entry_order(entry: Entry) -> tuple:
    return (sort_key(entry.label), entry.id, entry.document)


# -- resolution ---------------------------------------------------------------------

_HTTP = re.compile(r"^https?://([^/?#]+)(.*)$", re.IGNORECASE)


def url_key(url: str) -> str:
    """An authority URI reduced so http/https, ``www.`` and a trailing slash do not matter."""
    url = url.strip()
    found = _HTTP.match(url)
    if found is None:
        return url.rstrip("/")
    host = found[1].lower()
    if host.startswith("www."):
        host = host[4:]
    return f"//{host}{found[2].rstrip('/')}"


class _Resolver:
    """Maps one pointer token, seen from one document, to what it names.

    Outcomes: ("entry", number), ("external", url), ("element", document,
    fragment) -- an id that may name a non-register element, to be checked --,
    ("dangling", reason) or ("document",) for a link to a whole file read.
    """

    def __init__(self, entries: list[dict], number_of: dict[tuple[str, str], int], documents: Iterable[str],
                 prefixes: dict[str, dict]):
        self.documents = set(documents)
        self.prefixes = prefixes
        self._plain: dict[str, pointers.Pointer] = {}
        self.by_key: dict[tuple[str, str], int] = {}
        self.by_id: dict[str, int] = {}
        self.by_idno_url: dict[str, int] = {}
        self.by_idno_value: dict[str, int] = {}
        by_name = defaultdict(list)
        for document in sorted(self.documents):
            by_name[PurePosixPath(document).name].append(document)
        self.by_name = {name: docs[0] for name, docs in by_name.items() if len(docs) == 1}
        self.by_key = dict(number_of)
        for number, fields in enumerate(entries):
            self.by_id.setdefault(fields["id"], number)
            for _, value in fields["idnos"]:
                if "://" in value:
                    self.by_idno_url.setdefault(url_key(value), number)
                else:
                    self.by_idno_value.setdefault(value, number)

    def _by_id(self, document: str, ident: str):
        number = self.by_key.get((document, ident))
        if number is None:
            number = self.by_id.get(ident)
        return number

    def resolve(self, document: str, token: str, attribute: str = "ref") -> tuple:
        if attribute == "key":
            number = self._by_id(document, token)
            if number is None:
                number = self.by_idno_value.get(token)
            if number is None and "://" in token:
                number = self.by_idno_url.get(url_key(token))
            return ("entry", number) if number is not None else ("dangling", f"no entry has the key {token!r}")
        prefixes = self.prefixes.get(document)
        if prefixes:
            pointer = pointers.classify(token, prefixes)
        else:  # the same token from many documents: read it once (a Pointer is immutable)
            pointer = self._plain.get(token)
            if pointer is None:
                pointer = pointers.classify(token)
                if len(self._plain) < 8192:  # the few register ids that recur, not every token of a huge corpus
                    self._plain[token] = pointer
        kind = pointer.kind
        if kind is pointers.Kind.EXTERNAL:
            number = self.by_idno_url.get(url_key(pointer.url))
            return ("entry", number) if number is not None else ("external", pointer.url)
        if kind is pointers.Kind.UNKNOWN_PREFIX:
            prefix = token.split(":", 1)[0]
            return ("dangling", f"the prefix {prefix!r} is not declared (no prefixDef with ident={prefix!r})")
        if kind is pointers.Kind.LOCAL or kind is pointers.Kind.BARE:
            if not pointer.fragment:
                return ("dangling", "an empty pointer names nothing")
            number = self._by_id(document, pointer.fragment)
            if number is None and kind is pointers.Kind.BARE:
                number = self.by_idno_value.get(pointer.fragment)
            if number is not None:
                return ("entry", number)
            return ("element", document, pointer.fragment)
        # another document, possibly with a fragment
        target = pointers.document_key(document, pointer.document)
        if target not in self.documents:
            target = self.by_name.get(PurePosixPath(target).name, target)
        if target not in self.documents:
            if pointer.fragment is None:
                return ("external", token)  # a link to a file that is not a TEI input (a page, an image)
            return ("dangling", f"{target} is not among the files read")
        if pointer.fragment is None:
            return ("document",)
        number = self.by_key.get((target, pointer.fragment))
        if number is not None:
            return ("entry", number)
        return ("element", target, pointer.fragment)


# -- the index ----------------------------------------------------------------------


@dataclass(eq=False)
class Index:
    """The registers of a set of documents.

    ``entries`` maps each requested kind (persons, places, orgs, works,
    events) to its entries sorted by label; ``dates`` are sorted
    chronologically (BCE first, undated last); ``dangling`` are in document
    order; ``external`` sorted by URL.  ``documents`` are the files read,
    ``skipped`` the problems of files that could not be (they contribute
    nothing), ``warnings`` the notices about the texts (invalid dates,
    coordinates, duplicate ids).
    """

    kinds: tuple[str, ...]
    documents: tuple[str, ...]
    entries: dict[str, list[Entry]]
    dates: Sequence[DateMention]
    dangling: list[Dangling]
    external: list[ExternalLink]
    skipped: list[XMLProblem]
    warnings: list[Notice]
    _resolver: _Resolver | None = field(default=None, repr=False)
    _all: list[Entry] = field(default_factory=list, repr=False)
    _keys: dict = field(default_factory=dict, repr=False, compare=False)  # document -> its POSIX path

    def __getitem__(self, kind: str) -> list[Entry]:
        return self.entries[kind]

    def all_entries(self) -> list[Entry]:
        """Every entry of the requested kinds, kind by kind, each sorted by label."""
        return [entry for kind in ENTRY_KINDS if kind in self.entries for entry in self.entries[kind]]

    @property
    def orphans(self) -> list[Entry]:
        """Entries of the requested kinds that nothing mentions."""
        return [entry for entry in self.all_entries() if entry.count == 0]

    def get(self, ident: str, document: str | None = None) -> Entry | None:
        """The entry with ``xml:id`` ``ident`` (in ``document``, if given)."""
        for entry in self._all:
            if entry.id == ident and (document is None or entry.document == document):
                return entry
        return None

    def entries_for(self, document: str, value: str, attribute: str = "ref") -> list[Entry]:
        """The entries an attribute value in ``document`` points to (what a link should lead to)."""
        if self._resolver is None:
            return []
        found = []
        values = pointers.tokens(value) if attribute == "ref" else [value.strip()]
        key = self._keys.get(document)
        if key is None:  # asked for every mention of a text: the path is made once, not per pointer
            key = self._keys[document] = Path(document).as_posix()
        for token in values:
            outcome = self._resolver.resolve(key, token, attribute)
            if outcome[0] == "entry":
                found.append(self._all[outcome[1]])
        return found


def _check_kinds(kinds) -> tuple[str, ...]:
    if isinstance(kinds, str):
        kinds = (kinds,)
    kinds = tuple(dict.fromkeys(kinds))
    if "all" in kinds:
        return KINDS
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise UsageProblem(f"unknown kind {', '.join(map(repr, unknown)) or '(none)'}; choose from {', '.join(KINDS)} or all")
    return kinds


def index(paths=(), *, kinds: Iterable[str] | str = KINDS, default: Path = DEFAULT_TEXTS, jobs: int | None = None,
          executor=None, progress=None, files: Sequence[Path] | None = None) -> Index:
    """Read the TEI files under ``paths`` (default ``texts/``) and build their registers.

    ``kinds`` limits what is returned (persons, places, orgs, works, events,
    dates, or "all"); every register entry is read in any case, since any
    pointer may lead to any of them.  Files that are not well-formed are
    skipped and listed in :attr:`Index.skipped`; unreadable paths raise
    :class:`~tei_edition.errors.InputProblem`.

    ``jobs`` processes (None: all cores; 1: this one) or an ``executor`` (any
    :class:`concurrent.futures.Executor`) scan the files, a chunk each; what
    they read is merged here in input order, so the result is the same
    whatever runs it.  ``progress(n)`` hears of every ``n`` files scanned.
    ``files``: what :func:`~tei_edition.inputs.collect` gives for ``paths``,
    when the caller has it already (it is not collected again).
    """
    kinds = _check_kinds(kinds)
    files = collect(paths, default=default) if files is None else list(files)
    options = (any(kind in ENTRY_KINDS for kind in kinds), "dates" in kinds)
    names = [path.as_posix() for path in files]
    own = executor is None
    if own and (jobs == 1 or (jobs is None and not _worth_workers(files))):
        # one process, as workers.make_executor would decide; without importing
        # multiprocessing and concurrent.futures (14 ms of a 0.25 s run)
        outcome = _scan_chunk((names, range(len(files)), options))
        if progress is not None and files:
            progress(len(files))
        return _assemble(outcome[0], files, outcome[2], [XMLProblem(*fields) for fields in outcome[1]], kinds)
    from tei_edition import workers

    if own:
        executor = workers.make_executor(jobs if jobs is not None or _worth_workers(files) else 1, len(files))
    try:
        numbers = workers.chunks(list(range(len(files))), workers.workers_of(executor))
        tasks = [(names, chunk, options) for chunk in numbers]
        outcomes = workers.map_ordered(executor, _scan_chunk, tasks, progress, [len(c) for c in numbers])
    finally:
        if own:
            executor.shutdown()
    if len(outcomes) == 1:
        collector, problems, broken = outcomes[0]
    else:
        collector = Collector(want_mentions=options[0], want_dates=options[1])
        collector.documents.extend(names)
        problems, broken = [], set()
        for part, part_problems, part_broken in outcomes:
            collector.merge(part)
            problems += part_problems
            broken |= part_broken
    skipped = [XMLProblem(*fields) for fields in problems]
    return _assemble(collector, files, broken, skipped, kinds)


# By default the scan uses workers only for this much input: the scan is under
# half of an index run (resolving and sorting stay here) and a chunk's tables
# cost about a third of its scan time to send back, so on two cores workers
# lose below this (measured: 5,000 texts, 29 MB, were no faster; docs/performance.md).
# An explicit --jobs N is obeyed.
DEFAULT_PARALLEL_BYTES = 64 << 20


def _worth_workers(files) -> bool:
    import os

    total = 0
    for path in files:
        try:
            total += os.path.getsize(path)
        except OSError:
            continue
        if total >= DEFAULT_PARALLEL_BYTES:
            return len(files) > 1
    return False


def _scan_chunk(task) -> tuple[Collector, list[tuple], set[int]]:
    """Scan the documents numbered ``chunk`` into a collector of their own (here or in a worker)."""
    names, chunk, (want_mentions, want_dates) = task
    collector = Collector(want_mentions=want_mentions, want_dates=want_dates)
    collector.documents.extend(names)
    problems: list[tuple] = []  # XMLProblem's fields: the exception itself does not pickle
    broken: set[int] = set()
    for number in chunk:
        mark = collector.mark()
        try:
            scan(Path(names[number]), number, collector)
        except XMLProblem as problem:
            collector.rollback(mark, number)
            problems.append((problem.path, problem.line, problem.column, problem.message, problem.rule))
            broken.add(number)
    return collector, problems, broken


def _assemble(collector: Collector, files: list[Path], broken: set[int], skipped, kinds) -> Index:
    documents = collector.documents
    read = [doc for number, doc in enumerate(documents) if number not in broken]
    warnings: list[Notice] = []
    fields_list, number_of = _merge_copies(collector.entries, warnings)
    fields_list = describe_entries(fields_list, collector)
    warnings = collector.notices + warnings  # describing entries may add notices (coordinates)
    prefixes = {documents[number]: found for number, found in collector.prefixes.items()}
    resolver = _Resolver(fields_list, number_of, read, prefixes)
    table = collector.mentions
    canonical = _canonical_by_document(fields_list)
    outcomes = _resolve_targets(collector, resolver, files, broken, canonical)

    rows_of_entry = [array("I") for _ in fields_list]
    rows_of_url: dict[str, array] = defaultdict(lambda: array("I"))
    dangling: list[Dangling] = []
    for row, target in enumerate(table.target):
        outcome = outcomes[target]
        if outcome.__class__ is int:
            if outcome >= 0:
                rows_of_entry[outcome].append(row)
        elif outcome[0] == "external":
            rows_of_url[outcome[1]].append(row)
        else:
            _doc, attribute, token, _mode, hint, _inside = collector.targets.values[target]
            mention = table.mention(row)
            dangling.append(Dangling(token, outcome[1], hint, attribute, mention.document, mention.line,
                                     mention.text, mention.anchor, mention.region))

    if collector.unordered:  # streamed containers were read after their chunks: restore document order
        doc, line = table.doc, table.line
        rows_of_entry = [array("I", sorted(rows, key=lambda row: (doc[row] << 32) | line[row]))
                         for rows in rows_of_entry]
        rows_of_url = {url: array("I", sorted(rows, key=lambda row: (doc[row] << 32) | line[row]))
                       for url, rows in rows_of_url.items()}
    order = {document: number for number, document in enumerate(documents)}
    dangling.sort(key=lambda d: (order[d.document], d.line))
    all_entries = [
        _make_entry(fields, MentionList(table, rows), collector) for fields, rows in zip(fields_list, rows_of_entry)
    ]
    by_kind: dict[str, list[Entry]] = {}
    for kind in ENTRY_KINDS:
        if kind in kinds:
            by_kind[kind] = sorted((e for e in all_entries if e.kind == kind), key=_entry_order)
    external = [ExternalLink(url, MentionList(table, rows)) for url, rows in sorted(rows_of_url.items())]
    if "dates" in kinds:
        in_copies = frozenset(
            number for number, key in enumerate(collector.owners.values) if key is not None
            and (documents[key[0]], key[1]) in number_of
            and number_of[(documents[key[0]], key[1])] not in canonical.get(documents[key[0]], ())
        )
        dates = DateList(collector.dates, collector.dates.sorted_rows(in_copies))
    else:
        dates = ()
    warnings.sort(key=lambda n: (n.document, n.line, n.message))
    return Index(
        kinds=kinds,
        documents=tuple(read),
        entries=by_kind,
        dates=dates,
        dangling=dangling,
        external=external,
        skipped=skipped,
        warnings=warnings,
        _resolver=resolver,
        _all=all_entries,
    )


def _merge_copies(entries: list[dict], warnings: list[Notice]) -> tuple[list[dict], dict[tuple[str, str], int]]:
    """One entry per (kind, xml:id), however many documents define it.

    Editions often carry copies of the register entries they mention (in
    ``back`` or ``standOff``; ACDH's denormalize-indices writes them).  The
    same id for the same kind of entry is taken to be the same entity; its
    canonical definition is the one in the document that defines the most
    entries of that kind (the register file), the first such in input order
    on a tie.  Returns the canonical fields and, for every (document, id)
    defined, the number of its entry.
    """
    per_document = defaultdict(int)
    for fields in entries:
        per_document[(fields["document"], fields["kind"])] += 1
    groups: dict[tuple[str, str], dict[str, dict]] = {}  # (kind, id) -> document -> fields
    for fields in entries:
        copies = groups.setdefault((fields["kind"], fields["id"]), {})
        first = copies.get(fields["document"])
        if first is not None:
            warnings.append(Notice(fields["document"], fields["line"],
                                   f"xml:id {fields['id']!r} is used twice; the entry on line {first['line']} is kept"))
            continue
        copies[fields["document"]] = fields
    canonical: list[dict] = []
    number_of: dict[tuple[str, str], int] = {}
    kinds_of_id: dict[str, dict] = {}
    for (kind, ident), by_document in groups.items():
        copies = list(by_document.values())
        best = max(enumerate(copies), key=lambda pair: (per_document[(pair[1]["document"], kind)], -pair[0]))[1]
        best = dict(best, copies=tuple(sorted(f["document"] for f in copies if f is not best)))
        number = len(canonical)
        canonical.append(best)
        for fields in copies:
            number_of[(fields["document"], ident)] = number
        other = kinds_of_id.setdefault(ident, best)
        if other is not best:
            warnings.append(Notice(best["document"], best["line"],
                                   f"xml:id {ident!r} names a {best['element']} here and a {other['element']} "
                                   f"in {other['document']}; '#{ident}' from other documents leads to the latter"))
    return canonical, number_of


def _canonical_by_document(fields_list: list[dict]) -> dict[str, set[int]]:
    """For each document, the numbers of the entries whose canonical definition is there."""
    found: dict[str, set[int]] = defaultdict(set)
    for number, fields in enumerate(fields_list):
        found[fields["document"]].add(number)
    return found


def _resolve_targets(collector: Collector, resolver: _Resolver, files, broken, canonical) -> list:
    """One outcome per distinct pointer: an entry number, -1 (not a register
    mention), ("external", url) or ("dangling", reason)."""
    keys = collector.targets.values
    outcomes: list = [-1] * len(keys)
    documents = collector.documents
    entry_number = resolver.by_key
    to_check: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for target in sorted(set(collector.mentions.target)):
        doc, attribute, token, mode, _hint, inside = keys[target]
        holder = None
        if inside is not None:
            holder = entry_number.get((documents[doc], inside))
            if holder is not None and holder not in canonical.get(documents[doc], ()):
                continue  # in a copy of an entry: its mentions are those of the register entry
        outcome = resolver.resolve(documents[doc], token, attribute)
        what = outcome[0]
        if what == "entry":
            number = outcome[1]
            if mode == OWN and number == holder:
                number = -1  # an entry's own name pointing at the entry itself
            outcomes[target] = number
        elif mode == LENIENT or what == "document":  # untyped name/rs: only entries count
            outcomes[target] = -1
        elif what == "external":
            outcomes[target] = -1 if mode == OWN else outcome  # an authority URI on a register name
        elif what == "dangling":
            outcomes[target] = outcome
        else:
            to_check[outcome[1]][outcome[2]].append(target)
    path_of = {documents[number]: files[number] for number in range(len(documents)) if number not in broken}
    for document, fragments in sorted(to_check.items()):
        try:
            found = find_ids(path_of[document], set(fragments))
        except XMLProblem:
            found = set()
        for fragment, targets in fragments.items():
            if fragment in found:
                continue  # names an element that is not a register entry
            if keys[targets[0]][0] == documents.index(document):
                reason = f"no register entry and no element has xml:id {fragment!r}"
            else:
                reason = f"no element in {document} has xml:id {fragment!r}"
            for target in targets:
                outcomes[target] = ("dangling", reason)
    return outcomes


def _dating_fields(collector: Collector, life: dict | None, document: str, anchor: str) -> DateMention | None:
    if life is None:
        return None
    when, from_, to, not_before, not_after, precision, is_range, _ = life["values"]
    return DateMention(when, from_, to, not_before, not_after, precision, is_range, life["text"],
                       document, life["line"], anchor, "register", life["element"])


def _make_entry(fields: dict, mentions: MentionList, collector: Collector) -> Entry:
    return Entry(
        id=fields["id"],
        kind=fields["kind"],
        label=fields["label"],
        names=fields["names"],
        type=fields["type"],
        idnos=tuple(Idno(*pair) for pair in fields["idnos"]),
        birth=_dating_fields(collector, fields["birth"], fields["document"], fields["id"]),
        death=_dating_fields(collector, fields["death"], fields["document"], fields["id"]),
        lat=fields["lat"],
        lon=fields["lon"],
        note=fields["note"],
        document=fields["document"],
        line=fields["line"],
        element=fields["element"],
        mentions=mentions,
        copies=fields["copies"],
        raw=fields["raw"],
    )

