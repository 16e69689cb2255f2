"""Writing an :class:`~tei_edition.registers.Index` as JSON, CSV, GeoJSON or TEI.

``WRITERS`` maps a format name to a writer.  A writer takes the index, the
kind to write (a kind of :data:`~tei_edition.registers.KINDS`, or "all") and
options, and yields the output in pieces, so a register with millions of
mentions is never one string in memory.  Output is deterministic: the same
texts give the same bytes.

JSON
    One kind: an array of entries, each ``{"id", "label", "names", "type",
    "idnos": [{"type", "value"}], "note", "count", "documents", "document",
    "line", "mentions": [{"document", "line", "text", "anchor", "region"}]}``;
    persons add ``birth``/``death`` and places ``lat``/``lon`` when known.
    ``dates``: an array of ``{"when"`` or ``"from"``/``"to"`` or
    ``"notBefore"``/``"notAfter"``, ``"precision", "is_range", "text",
    "document", "line", "anchor", "region", "element"}``, chronological.
    ``all``: an object with one array per kind, plus ``dangling``,
    ``orphans`` (``{"id", "kind", "label", "document", "line"}``),
    ``external`` (``{"url", "count", "mentions"}``) and ``skipped`` (files
    that could not be read: ``{"document", "line", "column", "message"}``).
CSV
    A header row, then one row per entry (``id,label,count,documents,kind,...``);
    with ``mentions=True`` one row per mention.  ``all`` gives the entries of
    every kind in one table; ``dates`` one row per date.
GeoJSON
    An RFC 7946 FeatureCollection: one Point per place with coordinates,
    ``[lon, lat]``; properties ``id``, ``label``, ``count``, ``documents``.
TEI
    A standalone TEI document: the register lists, each entry as in its
    source plus ``<note type="mentions">`` with one ``<ref>`` per mention
    (target ``document#anchor``); dates as a ``list``; dangling pointers as
    a ``list`` when all kinds are written.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import PurePath

from tei_edition.dates import DATE_ATTRIBUTES
from tei_edition.errors import UsageProblem
from tei_edition.mentions import REGIONS, DateList, DateMention, Mention, MentionList
from tei_edition.registers import ENTRY_KINDS, KINDS, Dangling, Entry, Index


_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                                    "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def escape(text: str) -> str:
    """XML character data (xml.sax.saxutils would pull in urllib and email at start-up)."""
    return text.translate(_TEXT_ESCAPES)


def quoteattr(text: str) -> str:
    return '"' + text.translate(_ATTRIBUTE_ESCAPES) + '"'


# json.dumps(value, ensure_ascii=False) makes a new encoder on every call; one
# encoder, and the string encoder itself for strings, give the same text
_ENCODER = json.JSONEncoder(ensure_ascii=False)
_encode_string = json.encoder.encode_basestring


def _dumps(value) -> str:
    if isinstance(value, str):
        return _encode_string(value)
    return _ENCODER.encode(value)


class _Links:
    """Mention targets, relative to where the output goes (or as the documents were named)."""

    def __init__(self, base: str | os.PathLike | None):
        self.base = os.path.abspath(base) if base is not None else None
        self._cache: dict[str, str] = {}

    def document(self, document: str) -> str:
        found = self._cache.get(document)
        if found is None:
            if self.base is None:
                found = document
            else:
                found = PurePath(os.path.relpath(os.path.abspath(document), self.base)).as_posix()
            self._cache[document] = found
        return found

    def target(self, document: str, anchor: str | None) -> str:
        path = self.document(document)
        return f"{path}#{anchor}" if anchor else path


# -- JSON ------------------------------------------------------------------------------


def mention_dict(mention: Mention) -> dict:
    return {"document": mention.document, "line": mention.line, "text": mention.text,
            "anchor": mention.anchor, "region": mention.region}


def date_dict(date: DateMention) -> dict:
    data = date.attributes()
    data.update(precision=date.precision, is_range=date.is_range, text=date.text, document=date.document,
                line=date.line, anchor=date.anchor, region=date.region, element=date.element)
    return data


def _life_dict(date: DateMention) -> dict:
    data = date.attributes()
    data.update(precision=date.precision, text=date.text)
    return data


def entry_head(entry: Entry) -> dict:
    """An entry as a JSON object, without its mentions."""
    data = {"id": entry.id, "label": entry.label, "names": list(entry.names), "type": entry.type,
            "idnos": [{"type": idno.type, "value": idno.value} for idno in entry.idnos],
            "note": entry.note, "count": entry.count, "documents": entry.documents,
            "document": entry.document, "line": entry.line}
    if entry.kind == "persons":
        if entry.birth is not None:
            data["birth"] = _life_dict(entry.birth)
        if entry.death is not None:
            data["death"] = _life_dict(entry.death)
    if entry.kind == "places" and entry.lat is not None:
        data["lat"], data["lon"] = entry.lat, entry.lon
    return data


def _json_array(items: Iterator[str], indent: str) -> Iterator[str]:
    """``[`` items joined by commas ``]``, one item per line."""
    first = True
    for item in items:
        yield ("\n" if first else ",\n") + indent + "  " + item
        first = False
    yield ("]" if first else "\n" + indent + "]")


class _Strings:
    """JSON string literals, remembered: documents, anchors and surface forms repeat."""

    def __init__(self):
        self._known: dict[str, str] = {}

    def __call__(self, value: str | None) -> str:
        if value is None:
            return "null"
        found = self._known.get(value)
        if found is None:
            if len(self._known) > 100_000:
                self._known.clear()
            found = self._known[value] = _dumps(value)
        return found


_STRINGS = _Strings()


def _mention_json(m: Mention, literal=_STRINGS) -> str:
    """``_dumps(mention_dict(m))``, without building the dict."""
    return (f'{{"document": {literal(m.document)}, "line": {m.line}, "text": {literal(m.text)}, '
            f'"anchor": {literal(m.anchor)}, "region": "{m.region}"}}')


class _MentionsJSON:
    """Mentions as JSON objects, straight from the column table: each
    document, surface form and anchor is encoded once per run."""

    def __init__(self):
        self._tables: dict[int, tuple] = {}

    def __call__(self, mentions) -> Iterator[str]:
        if not isinstance(mentions, MentionList):
            yield from map(_mention_json, mentions)
            return
        table = mentions.table
        names, text_values, anchor_values = table.documents, table.texts.values, table.anchors.values
        cached = self._tables.get(id(table))
        if cached is None:
            # pieces: '{"document": D, "line": ' by document number, ', "text": T, "anchor": ' by text
            # number, 'A' by anchor number, then ', "region": "R"}'
            cached = self._tables[id(table)] = (table, [None] * len(names), {}, {})
        _, documents, texts, anchors = cached
        regions = _REGION_ENDS
        doc, line, text, anchor, region = table.doc, table.line, table.text, table.anchor, table.region
        for row in mentions.rows:
            d, t, a = doc[row], text[row], anchor[row]
            d_json = documents[d]
            if d_json is None:
                d_json = documents[d] = '{"document": ' + _dumps(names[d]) + ', "line": '
            t_json = texts.get(t)
            if t_json is None:
                if len(texts) > 100_000:
                    texts.clear()
                t_json = texts[t] = ', "text": ' + _dumps(text_values[t] or "") + ', "anchor": '
            a_json = anchors.get(a)
            if a_json is None:
                if len(anchors) > 100_000:
                    anchors.clear()
                a_json = anchors[a] = _dumps(anchor_values[a])
            yield f"{d_json}{line[row]}{t_json}{a_json}{regions[region[row]]}"


_REGION_ENDS = tuple(f', "region": "{region}"}}' for region in REGIONS)


def _batched(pieces: Iterator[str], size: int = 1 << 16) -> Iterator[str]:
    """Join small pieces into pieces of about ``size`` characters: fewer writes."""
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch)
            batch.clear()
            length = 0
    if batch:
        yield "".join(batch)


def _joined_array(items: Iterator[str], indent: str, size: int = 2000) -> Iterator[str]:
    """Like :func:`_json_array`, in pieces of ``size`` items (few yields, bounded strings)."""
    separator = ",\n" + indent + "  "
    batch: list[str] = []
    started = False
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield (separator if started else "\n" + indent + "  ") + separator.join(batch)
            started = True
            batch.clear()
    if batch:
        yield (separator if started else "\n" + indent + "  ") + separator.join(batch)
        started = True
    yield ("\n" + indent + "]") if started else "]"


def _json_entry(entry: Entry, indent: str, mentions_json: _MentionsJSON) -> Iterator[str]:
    head = _dumps(entry_head(entry))
    yield head[:-1] + ', "mentions": ['
    yield from _joined_array(mentions_json(entry.mentions), indent + "  ")
    yield "}"


def _json_entries(entries: list[Entry], indent: str, mentions_json: _MentionsJSON | None = None) -> Iterator[str]:
    mentions_json = mentions_json or _MentionsJSON()
    yield "["
    first = True
    for entry in entries:
        yield ("\n" if first else ",\n") + indent + "  "
        yield from _json_entry(entry, indent + "  ", mentions_json)  # in pieces: an entry may be mentioned millions of times
        first = False
    yield "]" if first else "\n" + indent + "]"


def _dates_json(dates) -> Iterator[str]:
    """``_dumps(date_dict(d))`` for each date, with the repeated strings encoded once."""
    literal = _Strings()
    if isinstance(dates, DateList):
        yield from _date_rows_json(dates, literal)
        return
    for d in dates:
        head = "".join(f'"{name}": {literal(value)}, ' for name, value in d.attributes().items())
        yield (f'{{{head}"precision": {literal(d.precision)}, "is_range": {"true" if d.is_range else "false"}, '
               f'"text": {literal(d.text)}, "document": {literal(d.document)}, "line": {d.line}, '
               f'"anchor": {literal(d.anchor)}, "region": "{d.region}", "element": {literal(d.element)}}}')


def _date_rows_json(dates: DateList, literal: _Strings) -> Iterator[str]:
    """:func:`_dates_json` straight from the column table (no DateMention per row)."""
    table = dates.table
    datings, texts, anchors, elements = (table.datings.values, table.texts.values, table.anchors.values,
                                         table.elements.values)
    names = table.documents
    dating, doc, line, text, anchor, region, element = (table.dating, table.doc, table.line, table.text,
                                                        table.anchor, table.region, table.element)
    heads: dict[int, str] = {}
    for row in dates.rows:
        number = dating[row]
        head = heads.get(number)
        if head is None:
            values = datings[number]
            head = "{" + "".join(
                f'"{name}": {literal(value)}, ' for name, value in zip(DATE_ATTRIBUTES, values) if value is not None
            ) + f'"precision": {literal(values[5])}, "is_range": {"true" if values[6] else "false"}, '
            if len(heads) < 4096:  # the datings that recur; a huge corpus has too many distinct ones to keep
                heads[number] = head
        yield (f'{head}"text": {literal(texts[text[row]] or "")}, "document": {literal(names[doc[row]])}, '
               f'"line": {line[row]}, "anchor": {literal(anchors[anchor[row]])}, "region": "{REGIONS[region[row]]}", '
               f'"element": {literal(elements[element[row]])}}}')


def _json_kind(index: Index, kind: str, indent: str = "", mentions_json=None) -> Iterator[str]:
    if kind == "dates":
        yield "["
        yield from _joined_array(_dates_json(index.dates), indent)
    else:
        yield from _json_entries(index[kind], indent, mentions_json)


def dangling_dict(item: Dangling) -> dict:
    return {"pointer": item.pointer, "reason": item.reason, "kind": item.kind, "attribute": item.attribute,
            "document": item.document, "line": item.line, "text": item.text, "anchor": item.anchor,
            "region": item.region}


def write_json(index: Index, kind: str, *, mentions: bool = False, base=None) -> Iterator[str]:
    return _batched(_write_json(index, kind))


def _write_json(index: Index, kind: str) -> Iterator[str]:
    mentions_json = _MentionsJSON()
    if kind != "all":
        yield from _json_kind(index, kind, "", mentions_json)
        yield "\n"
        return
    yield "{"
    for number, name in enumerate(KINDS):
        yield ("\n" if number == 0 else ",\n") + f'  "{name}": '
        yield from _json_kind(index, name, "  ", mentions_json)
    yield ',\n  "dangling": ['
    yield from _json_array((_dumps(dangling_dict(d)) for d in index.dangling), "  ")
    yield ',\n  "orphans": ['
    yield from _json_array((_dumps({"id": e.id, "kind": e.kind, "label": e.label, "document": e.document,
                                    "line": e.line}) for e in index.orphans), "  ")
    yield ',\n  "external": ['
    yield from _json_array(
        (f'{{"url": {_dumps(link.url)}, "count": {link.count}, "mentions": [{", ".join(mentions_json(link.mentions))}]}}'
         for link in index.external), "  ")
    yield ',\n  "skipped": ['
    yield from _json_array((_dumps({"document": p.path, "line": p.line, "column": p.column, "message": p.message})
                            for p in index.skipped), "  ")
    yield "\n}\n"


# -- CSV -------------------------------------------------------------------------------

ENTRY_COLUMNS = ("id", "label", "count", "documents", "kind", "type", "names", "idnos",
                 "birth", "death", "lat", "lon", "note", "document", "line")
MENTION_COLUMNS = ("kind", "id", "label", "document", "line", "text", "anchor", "region")
DATE_COLUMNS = ("when", "from", "to", "notBefore", "notAfter", "precision", "is_range", "text",
                "document", "line", "anchor", "region", "element")


def _span(date: DateMention | None) -> str:
    """A life date on one cell: the @when, or start/end (ISO 8601 interval style)."""
    if date is None:
        return ""
    if date.when:
        return date.when
    start = date.from_ or date.not_before or ""
    end = date.to or date.not_after or ""
    return f"{start}/{end}" if start or end else ""


def _number(value) -> str:
    return "" if value is None else repr(value)


def _csv_rows(rows) -> Iterator[str]:
    import csv  # only here: keep the start-up of the other formats short

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_csv(index: Index, kind: str, *, mentions: bool = False, base=None) -> Iterator[str]:
    if kind == "dates":
        yield from _csv_rows(_date_rows(index))
        return
    entries = index.all_entries() if kind == "all" else index[kind]
    if mentions:
        yield from _csv_rows(_mention_rows(entries))
    else:
        yield from _csv_rows(_entry_rows(entries))


def _entry_rows(entries):
    yield ENTRY_COLUMNS
    for e in entries:
        idnos = " | ".join(f"{i.type}:{i.value}" if i.type else i.value for i in e.idnos)
        yield (e.id, e.label, e.count, e.documents, e.kind, e.type or "", " | ".join(e.names), idnos,
               _span(e.birth), _span(e.death), _number(e.lat), _number(e.lon), e.note or "", e.document, e.line)


def _mention_rows(entries):
    yield MENTION_COLUMNS
    for e in entries:
        for m in e.mentions:
            yield (e.kind, e.id, e.label, m.document, m.line, m.text, m.anchor or "", m.region)


def _date_rows(index: Index):
    yield DATE_COLUMNS
    for d in index.dates:
        yield (d.when or "", d.from_ or "", d.to or "", d.not_before or "", d.not_after or "", d.precision or "",
               "true" if d.is_range else "false", d.text, d.document, d.line, d.anchor or "", d.region, d.element)


# -- GeoJSON ---------------------------------------------------------------------------


def write_geojson(index: Index, kind: str, *, mentions: bool = False, base=None) -> Iterator[str]:
    if kind not in ("places", "all"):
        raise UsageProblem(f"--format geojson maps places; it cannot write --kind {kind}")
    yield '{"type": "FeatureCollection", "features": ['
    features = (
        _dumps({"type": "Feature", "id": place.id,
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {"id": place.id, "label": place.label, "count": place.count,
                               "documents": place.documents}})
        for place in index["places"] if place.lat is not None and place.lon is not None
    )
    yield from _json_array(features, "")
    yield "}\n"


# -- TEI -------------------------------------------------------------------------------

_LIST_OF = {"persons": "listPerson", "places": "listPlace", "orgs": "listOrg", "works": "listBibl",
            "events": "listEvent"}
_HEADS = {"persons": "Persons", "places": "Places", "orgs": "Organisations", "works": "Works",
          "events": "Events", "dates": "Dates", "dangling": "Dangling pointers"}


def _tei_mentions(entry: Entry, links: _Links) -> Iterator[str]:
    yield f'<note type="mentions" n="{entry.count}">'
    for m in entry.mentions:
        yield (f"<ref type=\"mention\" target={quoteattr(links.target(m.document, m.anchor))} "
               f"n=\"{m.line}\" subtype=\"{m.region}\">{escape(m.text)}</ref>")
    yield "</note>"


def _tei_entry(entry: Entry, links: _Links) -> Iterator[str]:
    xml = entry.as_tei()
    if not xml:
        yield f'<{_element_for(entry)} xml:id={quoteattr(entry.id)}><{_name_for(entry)}>{escape(entry.label)}</{_name_for(entry)}>'
        closing = f"</{_element_for(entry)}>"
    elif xml.endswith("/>"):
        start = xml[:-2]
        yield start + ">"
        closing = f"</{start.split()[0][1:]}>"
    else:
        cut = xml.rindex("</")
        yield xml[:cut]
        closing = xml[cut:]
    if entry.count:
        yield from _tei_mentions(entry, links)
    yield closing + "\n"


def _element_for(entry: Entry) -> str:
    return {"persons": "person", "places": "place", "orgs": "org", "works": "bibl", "events": "event"}[entry.kind]


def _name_for(entry: Entry) -> str:
    return {"persons": "persName", "places": "placeName", "orgs": "orgName", "works": "title",
            "events": "label"}[entry.kind]


def _tei_dates(index: Index, links: _Links) -> Iterator[str]:
    yield f'<list type="dates"><head>{_HEADS["dates"]}</head>\n'
    for d in index.dates:
        attributes = "".join(f" {name}={quoteattr(value)}" for name, value in d.attributes().items())
        yield (f"<item><date{attributes}>{escape(d.text)}</date> <ref target={quoteattr(links.target(d.document, d.anchor))} "
               f"n=\"{d.line}\" subtype=\"{d.region}\"/></item>\n")
    yield "</list>\n"


def write_tei(index: Index, kind: str, *, mentions: bool = False, base=None) -> Iterator[str]:
    return _batched(_write_tei(index, kind, base))


def _write_tei(index: Index, kind: str, base) -> Iterator[str]:
    links = _Links(base)
    kinds = KINDS if kind == "all" else (kind,)
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">\n'
    yield "<teiHeader><fileDesc><titleStmt><title>Registers</title></titleStmt>"
    yield "<publicationStmt><p>Extracted by tei-edition index; the sources are not modified.</p></publicationStmt>"
    if index.documents:
        yield "<sourceDesc><list type=\"documents\">"
        for document in index.documents:
            yield f"<item><ref target={quoteattr(links.document(document))}>{escape(document)}</ref></item>"
        yield "</list></sourceDesc></fileDesc>"
    else:
        yield "<sourceDesc><p>No document could be read.</p></sourceDesc></fileDesc>"
    if index.skipped:
        yield "<profileDesc><abstract><p>Not read (not well-formed XML):</p><list type=\"skipped\">"
        for problem in index.skipped:
            yield f"<item>{escape(str(problem))}</item>"
        yield "</list></abstract></profileDesc>"
    yield "</teiHeader>\n<text><body>\n"
    # TEI lists must not be empty: an empty register is left out
    written = False
    for name in kinds:
        if name in ENTRY_KINDS and index[name]:
            yield f'<{_LIST_OF[name]} type="{name}"><head>{_HEADS[name]}</head>\n'
            for entry in index[name]:
                yield from _tei_entry(entry, links)
            yield f"</{_LIST_OF[name]}>\n"
            written = True
        elif name == "dates" and index.dates:
            yield from _tei_dates(index, links)
            written = True
    if kind == "all" and index.dangling:
        written = True
        yield f'<list type="dangling"><head>{_HEADS["dangling"]}</head>\n'
        for item in index.dangling:
            yield (f"<item><ref target={quoteattr(links.target(item.document, item.anchor))} n=\"{item.line}\">"
                   f"{escape(item.text)}</ref> <val>{escape(item.pointer)}</val> {escape(item.reason)}</item>\n")
        yield "</list>\n"
    if not written:
        yield "<p>No register entries.</p>\n"
    yield "</body></text>\n</TEI>\n"


WRITERS = {
    "json": write_json,
    "csv": write_csv,
    "geojson": write_geojson,
    "tei": write_tei,
}
