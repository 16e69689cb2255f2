"""The site's own pages: home, registers, chronology, map and search.

Each page is described as a small XML document in the namespace
``urn:tei-edition:site`` (its vocabulary is listed in ``xslt/site-pages.xsl``)
and rendered with the same stylesheet and page shell as the texts, through
:func:`tei_edition.rendering.render_tree`.  Python decides what is on a page
and where every link goes (:class:`~tei_edition.site_plan.Plan`); the
stylesheet decides how it looks and which words it uses.  Values go into
the document as element text and attributes, so the serialiser escapes them.

Register notes and work citations are TEI: they are copied into the page
document and rendered by the TEI templates (titles in italics, names linked
to their entries).  Their pointers are resolved first, as seen from the
register file they come from, and replaced by tokens that the page's link
table answers; their ``xml:id`` s are dropped (the page has its own ids).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from lxml import etree

from tei_edition import dates as w3c
from tei_edition import mapping, search
from tei_edition.authorities import AUTHORITIES, HOSTS
from tei_edition.registers import Entry
from tei_edition.diagnostics import FileReport
from tei_edition.rendering import render_tree, safe_url, serialise, site_page_limit, url_scheme
from tei_edition.site_plan import REGISTER_PAGES, TEI, XML_ID, XML_LANG, Plan, plain_text

SITE_NS = "urn:tei-edition:site"
_S = f"{{{SITE_NS}}}"
YEARS_FROM = 40  # chronologies this long get jump links to each year
MENTION_TEXT = 60  # characters of a mention's wording shown in a back-link
SOURCE_TEXT = 220  # characters of a source description on the home page
_LINK_TOKEN = "urn:tei-edition:link:"

_NAME_CHILDREN = frozenset({"persName", "placeName", "orgName", "name", "eventName", "title", "label"})
_NOTE_CHILDREN = frozenset({"note", "desc", "p", "ab"})


def _el(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    clean = {key.replace("_", "-"): mapping.clean_text(value) for key, value in attributes.items() if value is not None}
    element = etree.SubElement(parent, _S + tag, clean) if parent is not None else etree.Element(_S + tag, clean, nsmap={"site": SITE_NS})
    if text is not None:
        element.text = mapping.clean_text(text)
    return element


def _set(element, **attributes) -> None:
    for key, value in attributes.items():
        element.set(key, mapping.clean_text(value))


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class SitePages:
    """Renders the site pages of one plan; ``params`` are the stylesheet parameters every page shares.

    ``known(name, key)``, when given, is the page ``name`` an earlier build rendered from the
    inputs whose digest is ``key``, or None: the page is then not rendered again (see
    :meth:`render`).  ``settings`` is the digest of everything else a page's HTML depends on
    (the stylesheet's files, the toolkit's version: ``buildcache.settings_key``).  The key of
    each page rendered or reused is left in :attr:`keys`, for the next build's manifest."""

    def __init__(self, plan: Plan, params: dict, *, stylesheet=None, known=None, settings: str = ""):
        self.plan = plan
        self.params = params
        self.stylesheet = stylesheet
        self.known = known
        self.settings = settings
        self.keys: dict[str, str] = {}

    def render(self, page: etree._Element, name: str, links: dict | None = None, **params) -> str:
        values = {**self.params, "current-page": name, **params}
        # This page is made here from the registers and its size follows the corpus:
        # it is held to the larger limit of the site's own pages, and named if refused.
        limit = site_page_limit(len(self.plan.texts))
        if self.known is not None:
            # The page document holds all this page shows; the XSLT and serialising, about two
            # thirds of a register page's time, are skipped when it and the rest are as last time.
            key = render_key(self.settings, name, page, values, links, limit)
            self.keys[name] = key
            old = self.known(name, key)
            if old is not None:
                return old
        tree = etree.ElementTree(page)
        tree.docinfo.URL = name
        root = render_tree(tree, register_links=(links or {}).get, params=values, stylesheet=self.stylesheet,
                           site_page_limit=limit)
        return serialise(root)

    # -- register pages --------------------------------------------------------------

    def register(self, kind: str) -> str:
        page = _el(None, "page", kind="register", name=kind, indexed="yes")
        entries = self.plan.order[kind]
        register = _el(page, "register", count=len(entries))
        links: dict[str, object] = {}
        groups = self.plan.letters.get(kind) or []
        if groups:
            letters = _el(register, "letters")
            for letter, ident, _ in groups:
                _el(letters, "letter", letter, href=f"#{ident}")
            for letter, ident, members in groups:
                group = _el(register, "group", id=ident, letter=letter)
                for entry in members:
                    self._entry(group, entry, links)
        else:
            for entry in entries:
                self._entry(register, entry, links)
        return self.render(page, REGISTER_PAGES[kind], links)

    def _entry(self, parent, entry: Entry, links: dict) -> None:
        element = _el(parent, "entry", id=self.plan.anchors[(entry.kind, entry.id)], kind=entry.kind,
                      count=entry.count)
        _el(element, "label", self.plan.heading(entry))
        source_root = self.plan.entry_tei(entry)
        if entry.type:
            _el(element, "type", entry.type)
        for role, life in (("birth", entry.birth), ("death", entry.death)):
            if life is not None:
                _el(element, "dating", life.text, role=role, **life.attributes())
        if entry.kind == "events" and source_root is not None:
            attributes = {k: v for k, v in source_root.attrib.items() if k in w3c.DATE_ATTRIBUTES}
            if w3c.normalise(attributes) is not None:
                _el(element, "dating", role="event", **attributes)
        self._names(element, entry, source_root)
        if entry.lat is not None and entry.lon is not None:
            _el(element, "coordinates", lat=f"{entry.lat:.4f}", lon=f"{entry.lon:.4f}",
                map="map.html" if "places" in self.plan.kinds else None)
        if source_root is not None:
            source = self.plan.by_key.get(entry.document)
            lookup = self.plan.lookup(source) if source is not None else (lambda token: None)
            if entry.kind == "works":
                citation = _el(element, "citation")
                self._adopt(citation, source_root, lookup, links, skip=_NOTE_CHILDREN)
            for child in source_root:
                if isinstance(child.tag, str) and child.tag[len(TEI):] in _NOTE_CHILDREN and child.tag.startswith(TEI):
                    if child.get("type") != "mentions":
                        self._adopt(_el(element, "note"), child, lookup, links)
        elif entry.note:
            _el(element, "note", entry.note)
        for name, value, href in authorities(entry):
            if href or entry.kind != "works":  # a work's ISBN ... is in its citation
                _el(element, "authority", value, name=name, href=href)
        self._mentions(element, entry)

    def _names(self, element, entry: Entry, source_root) -> None:
        """The entry's other names, as written (in document order), with their language and type."""
        if source_root is None:
            for name in entry.names[1:]:
                _el(element, "name", name)
            return
        heading = self.plan.heading(entry)
        shown = {heading, entry.label}
        children = [c for c in source_root if isinstance(c.tag, str) and c.tag.startswith(TEI)
                    and c.tag[len(TEI):] in _NAME_CHILDREN]
        if entry.kind == "works":
            children = []  # the citation shows the titles
        for number, child in enumerate(children):
            words = plain_text(child)
            if not words or words in shown or (number == 0 and child.get("type") is None):
                continue
            shown.add(words)
            _el(element, "name", words, lang=child.get(XML_LANG), type=child.get("type"))

    def _adopt(self, target, tei, lookup: Callable, links: dict, skip=frozenset()) -> None:
        """Copy the content of a TEI element into ``target``, its pointers resolved."""
        copied = copy.deepcopy(tei)
        for child in list(copied):
            if isinstance(child.tag, str) and child.tag.startswith(TEI) and child.tag[len(TEI):] in skip:
                _drop(child)
        for node in copied.iter(etree.Element):
            node.attrib.pop(XML_ID, None)
            for attribute in ("ref", "key", "target", "url"):
                value = node.get(attribute)
                if not value:
                    continue
                tokens = []
                for token in value.split():
                    answer = lookup(token)
                    if answer:
                        link = f"{_LINK_TOKEN}{len(links)}"
                        links[link] = answer
                        tokens.append(link)
                    else:
                        tokens.append(token)
                node.set(attribute, " ".join(tokens))
        target.text = copied.text
        for child in copied:
            target.append(child)

    def _mentions(self, element, entry: Entry) -> None:
        mentions = _el(element, "mentions", count=entry.count)
        group, last = None, None
        for number, mention in enumerate(entry.mentions):
            source = self.plan.by_key.get(mention.document)
            href = self.plan.mention_href(entry, number, mention)
            if source is not None and source.page:
                where = "header" if mention.region == "header" else "text"
                key = (mention.document, where)
                if key != last:
                    group = _el(mentions, "in", href=source.page, title=source.title or source.page, where=where)
                    last = key
                _el(group, "mention", _shorten(mention.text, MENTION_TEXT) or "…", href=href)
                continue
            holder = self.plan.entry_of(mention.document, mention.anchor)
            key = (mention.document, "register", id(holder))
            if key != last:
                if holder is not None:
                    _el(mentions, "in", href=self.plan.entry_href(holder), title=self.plan.heading(holder), where="register")
                else:
                    _el(mentions, "in", href=source.tei_href if source else None,
                        title=(source.title or source.rel) if source else mention.document, where="register")
                last = key

    # -- chronology --------------------------------------------------------------------

    def chronology(self) -> str:
        page = _el(None, "page", kind="chronology", name="chronology")
        dates = [(number, date) for number, date in enumerate(self.plan.index.dates) if date.element != "change"]
        _el(page, "intro", kind="chronology")
        holder = _el(page, "dates", count=len(dates))
        years = _el(holder, "years") if len(dates) >= YEARS_FROM else None
        seen_years = set()
        for number, date in dates:
            attributes = date.attributes()
            row = _el(holder, "date", date.text, **attributes)
            normalised = w3c.normalise(attributes)
            point = normalised.start or normalised.end if normalised else None
            if years is not None and point is not None and point.year is not None and point.year not in seen_years:
                seen_years.add(point.year)
                ident = f"te-year-{point.year}" if point.year >= 0 else f"te-year-m{-point.year}"
                row.set("year-id", ident)
                _el(years, "year", str(point.year), href=f"#{ident}")
            self._where(row, number, date)
        return self.render(page, "chronology.html")

    def _where(self, row, number: int, date) -> None:
        source = self.plan.by_key.get(date.document)
        holder = self.plan.entry_of(date.document, date.anchor) if date.region == "register" else None
        if holder is not None:
            _set(row, href=self.plan.entry_href(holder), title=self.plan.heading(holder), where="register", kind=holder.kind)
            if date.element in ("birth", "death"):
                row.set("role", date.element)
        elif source is not None and source.page:
            _set(row, href=self.plan.date_links.get(number) or source.page, title=_shorten(source.title or source.page, 70),
                 where="header" if date.region == "header" else "text")
        elif source is not None:
            _set(row, href=source.tei_href, title=source.title or source.rel, where="header")
        else:
            _set(row, title=date.document, where="text")

    # -- map, search, home -------------------------------------------------------------

    def map(self) -> str:
        page = _el(None, "page", kind="map", name="map")
        _el(page, "intro", kind="map")
        places, without = [], []
        for entry in self.plan.index.entries.get("places", ()):
            href = self.plan.entry_href(entry)
            if entry.lat is not None and entry.lon is not None:
                places.append(mapping.Place(entry.id, self.plan.heading(entry), entry.lat, entry.lon, href, entry.count))
            else:
                without.append((self.plan.heading(entry), href))
        _el(page, "html").append(mapping.map_section(places))
        if without:
            unmapped = _el(page, "places")
            for text, href in without:
                _el(unmapped, "place", text, href=href)
        return self.render(page, "map.html")

    def search(self) -> str:
        page = _el(None, "page", kind="search", name="search")
        head = _el(page, "head")
        for element in search.search_head():
            head.append(element)
        body = _el(page, "html")
        for element in search.search_body():
            body.append(element)
        return self.render(page, "search.html", csp=search.SEARCH_PAGE_POLICY)

    def home(self, title: str, *, publisher: str | None, sections: list[tuple[str, str, int]],
             downloads: list[tuple[str, list[tuple[str, str]]]]) -> str:
        page = _el(None, "page", kind="home", title=title)
        if publisher:
            _el(page, "publisher", publisher)
        texts = _el(page, "texts", count=len(self.plan.texts))
        for source in sorted(self.plan.texts, key=lambda s: natural_key(s.page)):
            item = _el(texts, "text", href=source.page, tei=source.tei_href)
            _el(item, "title", source.title or source.page)
            for author in text_authors(source.tree.getroot()):
                _el(item, "author", author)
            when = text_date(source.tree.getroot())
            if when:
                _el(item, "date", when)
            _el(item, "source", _shorten(text_source(source.tree.getroot()), SOURCE_TEXT))
        if sections:
            listed = _el(page, "sections")
            for kind, href, count in sections:
                _el(listed, "section", kind=kind, href=href, count=count)
        if downloads:
            holder = _el(page, "downloads")
            for kind, files in downloads:
                if kind == "sources":
                    sources = _el(holder, "sources")
                    for href, text in files:
                        _el(sources, "file", text, href=href)
                    continue
                row = _el(holder, "download", kind=kind)
                for href, format_name in files:
                    _el(row, "file", href=href, format=format_name)
        return self.render(page, "index.html")


def render_key(settings: str, name: str, page: etree._Element, values: dict, links: dict | None, limit) -> str:
    """The digest of everything :meth:`SitePages.render` turns into a page's HTML."""
    import hashlib
    import json

    digest = hashlib.sha256()
    for part in (settings, name, json.dumps(values, sort_keys=True, default=str), repr(limit),
                 repr(sorted((links or {}).items()))):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    digest.update(etree.tostring(page, encoding="utf-8"))
    return digest.hexdigest()


def _drop(element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = element.getparent()
    previous = element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def authorities(entry: Entry) -> list[tuple[str, str, str | None]]:
    """(name, identifier, URL or None) for each idno of an entry."""
    found = []
    for idno in entry.idnos:
        value = " ".join(idno.value.split())
        kind = (idno.type or "").strip()
        known = AUTHORITIES.get(kind.casefold()) or (None if kind else AUTHORITIES["wikidata"])
        if "://" in value:
            href = safe_url(value)
            address = urlsplit(value)
            host = (address.hostname or "").removeprefix("www.")
            name = next((label for suffix, label in HOSTS.items() if host == suffix or host.endswith("." + suffix)), None)
            name = name or (known.name if known and kind else kind) or host
            shown = [part for part in address.path.split("/") if part]
            found.append((name, shown[-1] if shown and name != host else value, href))
        elif known and (url := known.url(value)):
            found.append((known.name, value, url))
        elif value:
            found.append((kind, value, None))
    return found


def refused_authority_links(entries) -> list[FileReport]:
    """A warning for every ``idno`` that looks like a URL but may not become a link.

    :func:`authorities` already shows such a value as inert text; the editor
    still has to hear where it is, as for any refused URL in a text.
    """
    reports: dict[str, FileReport] = {}
    for entry in entries:
        for idno in entry.idnos:
            value = " ".join(idno.value.split())
            scheme = url_scheme(value)
            if scheme is None or safe_url(value) is not None:
                continue
            report = reports.setdefault(entry.document, FileReport(entry.document))
            report.add(entry.line, 0, "warning",
                       f"<idno> of <{entry.element or 'entry'} xml:id=\"{entry.id}\"> uses the URL scheme '{scheme}:' "
                       f"and is shown as text, not as a link (only http, https, mailto and relative links are made): "
                       f"{value[:80]!r}", "unsafe-url")
    return [reports[path] for path in sorted(reports)]


def natural_key(text: str | None) -> tuple:
    """Sort key with numbers compared as numbers: Prot_2 before Prot_10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
                 for part in re.split(r"(\d+)", text or "") if part)


# -- a text's metadata for the home page -----------------------------------------------


def text_authors(root) -> list[str]:
    return [name for name in (plain_text(a) for a in root.findall(f"{TEI}teiHeader/{TEI}fileDesc/{TEI}titleStmt/{TEI}author")) if name]


def text_date(root) -> str:
    """When the text was written: its creation date, the source's date, or the date in its opening."""
    header = root.find(f"{TEI}teiHeader")
    candidates = []
    if header is not None:
        candidates += header.findall(f"{TEI}profileDesc/{TEI}creation//{TEI}date")
        candidates += header.findall(f"{TEI}fileDesc/{TEI}sourceDesc//{TEI}date")
    for text in root.iter(f"{TEI}text"):
        candidates += list(text.iter(f"{TEI}docDate")) + [d for d in text.iter(f"{TEI}date") if d.getparent() is not None
                                                          and d.getparent().tag == f"{TEI}dateline"]
        break
    for date in candidates:
        wording = plain_text(date)
        if wording:
            return wording
        dating = {k: v for k, v in date.attrib.items() if k in w3c.DATE_ATTRIBUTES}
        if dating:
            return " / ".join(dating.values())
    return ""


def text_source(root) -> str:
    """A line about the text's source: a manuscript's identifier, else the first description, notes left out."""
    source = root.find(f"{TEI}teiHeader/{TEI}fileDesc/{TEI}sourceDesc")
    if source is None:
        return ""
    for child in source:
        if not isinstance(child.tag, str):
            continue
        if child.tag == f"{TEI}msDesc":
            identifier = child.find(f"{TEI}msIdentifier")
            parts = [plain_text(part) for part in (identifier if identifier is not None else []) if isinstance(part.tag, str)]
            return ", ".join(part for part in parts if part)
        words = plain_text(child)
        if words:
            return words
    return ""


def common_publisher(sources) -> str | None:
    """The publisher every text names, if they all name the same one."""
    found = set()
    for source in sources:
        publisher = source.tree.getroot().find(f"{TEI}teiHeader/{TEI}fileDesc/{TEI}publicationStmt/{TEI}publisher")
        found.add(plain_text(publisher) if publisher is not None else "")
    return found.pop() or None if len(found) == 1 else None
