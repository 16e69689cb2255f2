"""Mentions and dates found in the texts, and the compact tables that hold them.

A corpus can hold millions of mentions, more than fit in memory as Python
objects.  They are kept in column tables instead (``array`` columns of small
integers, with repeated strings -- documents, surface forms, anchors -- stored
once), about twenty bytes a mention.  :class:`Mention` and
:class:`DateMention` objects are made only when a caller reads them, through
the read-only sequences :class:`MentionList` and :class:`DateList`.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

# Where in a document a mention sits.  "register" is anything inside a register
# entry (a person's note naming another person, a birth date); "standOff" is
# the rest of a standOff; "header" the teiHeader, "back" the back matter, and
# "text" everything else (front, body, group, facsimile ...).
REGIONS = ("text", "header", "back", "standOff", "register")
TEXT, HEADER, BACK, STANDOFF, REGISTER = range(len(REGIONS))


@dataclass(frozen=True, slots=True)
class Mention:
    """One place where an entry is named.

    ``document`` is the path of the file as it was read; ``line`` the line of
    the mentioning element's start tag; ``text`` its surface form (whitespace
    normalised, editorial readings chosen in ``choice``, notes and deletions
    left out); ``anchor`` the nearest ``xml:id`` on the element or an ancestor
    (None for the document as a whole), to link to; ``region`` one of
    :data:`REGIONS`.
    """

    document: str
    line: int
    text: str
    anchor: str | None
    region: str


@dataclass(frozen=True, slots=True)
class DateMention:
    """One dated element: ``<date>`` or anything carrying ``att.datable`` attributes.

    ``when``/``from_``/``to``/``not_before``/``not_after`` hold the valid W3C
    values as written (invalid ones are left out and reported as warnings).
    ``precision`` is that of the first bound (year, month, day, time, ...);
    ``is_range`` is true for from/to and notBefore/notAfter.  ``text`` is the
    surface text of date-like elements (``date``, ``time``, ``birth``,
    ``death``, ``floruit``, ``origDate``, ``docDate``) and "" for others (a
    ``change`` or a ``div`` with ``@when`` is not a date's wording).
    ``element`` is the local name of the dated element.
    """

    when: str | None
    from_: str | None
    to: str | None
    not_before: str | None
    not_after: str | None
    precision: str | None
    is_range: bool
    text: str
    document: str
    line: int
    anchor: str | None
    region: str
    element: str

    def attributes(self) -> dict[str, str]:
        """The dating attributes by their TEI names (only those present)."""
        pairs = (("when", self.when), ("from", self.from_), ("to", self.to),
                 ("notBefore", self.not_before), ("notAfter", self.not_after))
        return {name: value for name, value in pairs if value is not None}


class Interner:
    """Strings stored once, numbered in order of arrival; 0 is None."""

    __slots__ = ("values", "_numbers")

    def __init__(self):
        self.values: list = [None]
        self._numbers: dict = {}

    def number(self, value) -> int:
        found = self._numbers.get(value)
        if found is None:
            if value is None:
                return 0
            found = self._numbers[value] = len(self.values)
            self.values.append(value)
        return found


class RunInterner:
    """Strings numbered by runs: a value equal to the last one gets its number.

    For anchors: consecutive mentions and dates mostly share the nearest
    ``xml:id``, while the distinct ids of a large text are too many to keep
    a lookup table for.  0 is None.
    """

    __slots__ = ("values", "_last")

    def __init__(self):
        self.values: list = [None]
        self._last = None

    def number(self, value) -> int:
        if value is None:
            return 0
        if value != self._last:
            self.values.append(value)
            self._last = value
        return len(self.values) - 1


class MentionTable:
    """Every mention row of a run: who is pointed at, and where.

    ``target`` numbers a pointer as written in one document (resolved once per
    distinct pointer at the end, not once per row).
    """

    def __init__(self, documents: list[str], anchors: RunInterner | None = None):
        self.documents = documents
        self.texts = Interner()
        self.anchors = anchors if anchors is not None else RunInterner()
        self.target = array("I")
        self.doc = array("I")
        self.line = array("I")
        self.text = array("I")
        self.anchor = array("I")
        self.region = array("B")

    def __len__(self) -> int:
        return len(self.target)

    def add(self, target: int, doc: int, line: int, text: int, anchor: int, region: int) -> None:
        self.target.append(target)
        self.doc.append(doc)
        self.line.append(line)
        self.text.append(text)
        self.anchor.append(anchor)
        self.region.append(region)

    def truncate(self, rows: int) -> None:
        """Forget every row from ``rows`` on (a file that turned out broken)."""
        for column in (self.target, self.doc, self.line, self.text, self.anchor, self.region):
            del column[rows:]

    def mention(self, row: int) -> Mention:
        return Mention(
            self.documents[self.doc[row]],
            self.line[row],
            self.texts.values[self.text[row]] or "",
            self.anchors.values[self.anchor[row]],
            REGIONS[self.region[row]],
        )


class _Rows(Sequence):
    """Some rows of a column table, each made into an object on demand.

    ``_make`` names the table's method that makes one row's object; the
    memory stays in the table's columns, not in one object per row.
    """

    __slots__ = ("_table", "_rows")
    _make = ""

    def __init__(self, table, rows: array):
        self._table = table
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, item):
        make = getattr(self._table, self._make)
        if isinstance(item, slice):
            return [make(row) for row in self._rows[item]]
        return make(self._rows[item])

    def __iter__(self):
        make = getattr(self._table, self._make)
        for row in self._rows:
            yield make(row)

    @property
    def table(self):
        """The column table the rows are read from (for writers that read columns)."""
        return self._table

    @property
    def rows(self) -> array:
        """Their row numbers in :attr:`table`."""
        return self._rows


class MentionList(_Rows):
    """The mentions of one entry, in document order, made on demand."""

    __slots__ = ()
    _make = "mention"

    def documents(self) -> list[str]:
        """The distinct documents, sorted."""
        docs = self._table.doc
        names = self._table.documents
        return sorted({names[docs[row]] for row in self._rows})

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"<MentionList of {len(self)}>"


class DateTable:
    """Every dated element of a run, in columns; ``order`` sorts them."""

    def __init__(self, documents: list[str], anchors: RunInterner | None = None):
        self.documents = documents
        self.datings = Interner()  # (when, from, to, notBefore, notAfter, precision, is_range, sort key)
        self.texts = Interner()
        self.anchors = anchors if anchors is not None else RunInterner()
        self.elements = Interner()
        self.dating = array("I")
        self.doc = array("I")
        self.line = array("I")
        self.text = array("I")
        self.anchor = array("I")
        self.region = array("B")
        self.element = array("I")
        self.owner = array("I")  # the register entry holding the date (0: none), numbered by the reader

    def __len__(self) -> int:
        return len(self.dating)

    def add(self, dating: int, doc: int, line: int, text: int, anchor: int, region: int, element: int,
            owner: int = 0) -> None:
        self.dating.append(dating)
        self.doc.append(doc)
        self.line.append(line)
        self.text.append(text)
        self.anchor.append(anchor)
        self.region.append(region)
        self.element.append(element)
        self.owner.append(owner)

    def truncate(self, rows: int) -> None:
        for column in (self.dating, self.doc, self.line, self.text, self.anchor, self.region, self.element,
                       self.owner):
            del column[rows:]

    def date(self, row: int) -> DateMention:
        when, from_, to, not_before, not_after, precision, is_range, _ = self.datings.values[self.dating[row]]
        return DateMention(
            when, from_, to, not_before, not_after, precision, is_range,
            self.texts.values[self.text[row]] or "",
            self.documents[self.doc[row]],
            self.line[row],
            self.anchors.values[self.anchor[row]],
            REGIONS[self.region[row]],
            self.elements.values[self.element[row]],
        )

    def sorted_rows(self, leave_out: frozenset[int] = frozenset()) -> array:
        """Row numbers in chronological order (BCE first, undated last), then
        by document (numbered in the sorted order of the inputs) and line.

        The distinct datings are ranked once, so each row's key is one integer
        and a stable sort keeps the order of reading for the rest.
        """
        datings = self.datings.values
        ranks = [0] * len(datings)
        for rank, number in enumerate(sorted(range(1, len(datings)), key=lambda n: datings[n][7])):
            ranks[number] = rank
        dating, doc, line, owner = self.dating, self.doc, self.line, self.owner
        rows = range(len(dating))
        if leave_out:  # dates in copies of register entries
            rows = [row for row in rows if owner[row] not in leave_out]
        rows = sorted(rows, key=lambda row: (ranks[dating[row]] << 64) | (doc[row] << 32) | line[row])
        return array("I", rows)


class DateList(_Rows):
    """Dates in chronological order, made on demand."""

    __slots__ = ()
    _make = "date"

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"<DateList of {len(self)}>"
