"""Where everything goes on a built site: page names, anchors and links.

:class:`Plan` is worked out once, before any page is rendered, from the
input files and their :class:`~tei_edition.registers.Index`:

* **Sources.**  Every input is a :class:`Source`.  A *text* is a document
  whose ``text`` holds more than register lists (``listPerson``,
  ``listPlace`` ... with their heads): it gets a page.  Register-only files
  (``registers.xml``, ACDH's ``listperson.xml``, a TEI with only a
  ``standOff``) get none: their entries make the register pages.  Every
  source is offered as a TEI download, ``data/tei/`` plus its path relative
  to the inputs' common folder.
* **Page names** come from the path below the named folder it was found in
  (``texts/rees-review.xml`` -> ``rees-review.html``, ``editions/a/b.xml`` ->
  ``a-b.html``), reduced to ASCII letters, digits, ``_``, ``.`` and ``-``,
  made unique in input order (``-2``), never one of the site's own pages.
* **Register anchors**: an entry's ``xml:id`` as :func:`rendering.safe_id`
  makes it, unique on its page; ``persons.html#stalin``.
* **Mention anchors.**  Each text's tree is copied and every element that
  the index counts as a mention (or a date) gets an ``xml:id``
  ``m-N``/``d-N`` when it has none, so that register back-links and the
  chronology land on the very word.  The page ids follow from
  :func:`rendering.html_ids` on that copy; mentions in the header, which has
  no ids on the page, lead to the top of the page.
* **Links** (:meth:`Plan.lookup`): the ``register_links`` function of
  :func:`rendering.render_document` for one document: register entries,
  other texts (``other.xml#p3`` -> ``other.html#p3``), register-only files
  (their TEI download), and local files linked from a text (a facsimile, a
  transcript) that lie inside a named input folder: those are copied next
  to the TEI sources.  Hidden files and folders are never copied.
"""

from __future__ import annotations

import copy
import os
import re
import unicodedata
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from tei_edition import pointers
from tei_edition.buildcache import link_probe
from tei_edition.errors import XMLProblem
from tei_edition.parsing import parse_bytes
from tei_edition.registers import ENTRY_KINDS, Entry, Index, sort_key
from tei_edition.rendering import RESERVED_IDS, html_ids, safe_id, text_area

TEI = f"{{{pointers.TEI_NS}}}"
XML_ID = pointers.XML_ID
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
REGISTER_PAGES = {kind: f"{kind}.html" for kind in ENTRY_KINDS}
SITE_PAGES = ("index", "chronology", "map", "search", *ENTRY_KINDS)
DATA = "data"
TEI_DATA = f"{DATA}/tei"
LETTERS_FROM = 30  # registers this long get letter headings and jump links

_LISTS = frozenset({"listPerson", "listPlace", "listOrg", "listBibl", "listEvent", "listNym", "listRelation",
                    "listWit", "listObject", "listApp"})
_WRAPPERS = frozenset({"text", "front", "body", "back", "group", "div", *(f"div{n}" for n in range(1, 8))})
_MARKS = frozenset({"head", "pb", "cb", "lb", "milestone", "anchor"})  # not a text by themselves
_MENTIONS = frozenset({"persName", "placeName", "orgName", "eventName", "title", "name", "rs"})
_SAME_AS = frozenset({"person", "personGrp", "place", "org", "bibl", "biblStruct", "event"})
_DATING = frozenset({"when", "from", "to", "notBefore", "notAfter"})
_PAGE_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(eq=False)
class Source:
    """One input file.  ``key`` is its name in the index; ``rel`` its path
    below the common folder (and below ``data/tei/``)."""

    path: Path
    key: str
    rel: str
    name: str = ""  # its path below the named folder it was found in: what its page is named after
    tree: etree._ElementTree | None = None
    is_text: bool = False
    page: str | None = None  # texts only
    title: str = ""
    ids: dict[str, str] = field(default_factory=dict)  # xml:id -> HTML id on the page
    site_tree: etree._ElementTree | None = None  # the copy that is rendered (mention ids added)

    @property
    def tei_href(self) -> str:
        return f"{TEI_DATA}/{quote(self.rel)}"


def _local(element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def has_text(root) -> bool:
    """Whether a document has a text to read: content in its ``text`` other
    than register lists, headings, page breaks and the divisions around them."""
    stack = list(root.iter(f"{TEI}text"))
    while stack:
        element = stack.pop()
        name = _local(element)
        if name in _LISTS or name in _MARKS or not isinstance(element.tag, str):
            continue
        if name not in _WRAPPERS:
            return True
        if (element.text or "").strip():
            return True
        for child in element:
            if (child.tail or "").strip():
                return True
            stack.append(child)
    return False


def plain_text(element) -> str:
    """An element's words on one line: notes left out, the edited reading of a ``choice``."""
    if element is None:
        return ""
    parts = []
    stack = [(element, False)]  # (node, only its tail)
    while stack:
        node, tail_only = stack.pop()
        if tail_only:
            parts.append(node.tail or "")
            continue
        if node is not element:
            stack.append((node, True))
            if not isinstance(node.tag, str) or _local(node) == "note":
                continue
        parts.append(node.text or "")
        children = list(node)
        shown = children
        if _local(node) == "choice":
            shown = [c for c in children if _local(c) in ("corr", "reg", "expan")][:1] or children[:1]
        for child in reversed(children):
            stack.append((child, child not in shown))
    return " ".join("".join(parts).split())


def main_title(root) -> str:
    """The header's main title as header.xsl chooses it: type main, else the first that is not a subtitle."""
    titles = root.findall(f"{TEI}teiHeader/{TEI}fileDesc/{TEI}titleStmt/{TEI}title")
    chosen = next((t for t in titles if t.get("type") == "main"), None)
    chosen = chosen if chosen is not None else next((t for t in titles if t.get("type") != "sub"), None)
    chosen = chosen if chosen is not None else (titles[0] if titles else None)
    return plain_text(chosen)


def page_name(relative: str) -> str:
    """``a/Brief an Müller.xml`` -> ``a-Brief_an_Muller``: ASCII, no folders, no suffix."""
    stem = relative.rsplit(".", 1)[0] if relative.lower().endswith((".xml", ".tei")) else relative
    ascii_ = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    parts = [_PAGE_NAME_UNSAFE.sub("_", part).strip("._") for part in ascii_.split("/")]
    return "-".join(part for part in parts if part) or "text"


def _initial(label: str) -> str:
    key = sort_key(label)[0]
    first = key[:1].upper()
    return first if first.isalpha() else "#"


def _heading(entry: Entry, tei) -> str:
    names = [] if tei is None else [c for c in tei if _local(c) in ("persName", "name")]
    if names:
        first = names[0]
        surnames = " ".join(plain_text(n) for n in first.iter(f"{TEI}surname") if plain_text(n))
        forenames = " ".join(plain_text(n) for n in first.iter(f"{TEI}forename") if plain_text(n))
        if surnames and forenames:
            return f"{surnames}, {forenames}"
    return entry.label or entry.id


def letter_id(letter: str) -> str:
    if letter == "#":
        return "te-letter-other"
    return f"te-letter-{letter}" if letter.isascii() else f"te-letter-u{ord(letter):04x}"


class Plan:
    """Names, anchors and links of one site (see the module docstring)."""

    def __init__(self, sources: list[Source], index: Index, *, roots: list[Path], common: Path):
        self.sources = sources
        self.index = index
        self.roots = [Path(os.path.realpath(root)) for root in roots]  # folders whose files may be copied
        self.common = Path(os.path.abspath(common))  # the folder data/tei/ mirrors
        self.by_key = {source.key: source for source in sources}
        self.texts = [source for source in sources if source.is_text and source.tree is not None]
        self.kinds = [kind for kind in ENTRY_KINDS if index.entries.get(kind)]
        self.files: dict[str, Path] = {}  # site path -> local file to copy (linked from a text)
        self.absent: set[str] = set()  # every link to a local file, and where it led (link_probe)
        self.letters: dict[str, list[tuple[str, str, list[Entry]]]] = {}
        self.order: dict[str, list[Entry]] = {}  # each register's entries in the order of its page
        self._tei: dict[tuple[str, str], object] = {}
        self._headings: dict[tuple[str, str], str] = {}
        self.anchors: dict[tuple[str, str], str] = {}
        self.mention_links: dict[tuple[str, str, int], str] = {}
        self.date_links: dict[int, str] = {}
        self._name_pages()
        self._entry_anchors()
        self._lookups: dict[str, dict] = {}

    # -- names and anchors ---------------------------------------------------------

    def _name_pages(self) -> None:
        taken = {name.casefold() for name in SITE_PAGES}
        for source in self.texts:
            base = page_name(source.name or source.rel)
            name, number = base, 2
            while name.casefold() in taken:
                name, number = f"{base}-{number}", number + 1
            taken.add(name.casefold())
            source.page = f"{name}.html"

    def entry_tei(self, entry: Entry):
        """The entry's TEI element (parsed from the index's copy of it), or None."""
        key = (entry.kind, entry.id)
        if key not in self._tei:
            text = entry.as_tei()
            try:
                self._tei[key] = parse_bytes(text.encode("utf-8"), entry.document).getroot() if text else None
            except XMLProblem:
                self._tei[key] = None
        return self._tei[key]

    def heading(self, entry: Entry) -> str:
        """The entry's name in its register: persons surname first (Stalin, Joseph), others by their label."""
        key = (entry.kind, entry.id)
        found = self._headings.get(key)
        if found is None:
            found = self._headings[key] = _heading(entry, self.entry_tei(entry) if entry.kind == "persons" else None)
        return found

    def _entry_anchors(self) -> None:
        for kind in self.kinds:
            entries = self.index.entries[kind]
            if kind == "persons":
                entries = sorted(entries, key=lambda e: (sort_key(self.heading(e)), e.id))
            self.order[kind] = entries
            taken = set(RESERVED_IDS)
            groups: dict[str, list[Entry]] = {}
            if len(entries) >= LETTERS_FROM:
                for entry in entries:
                    groups.setdefault(_initial(self.heading(entry)), []).append(entry)
                taken.update(letter_id(letter) for letter in groups)
            self.letters[kind] = [(letter, letter_id(letter), members) for letter, members in groups.items()]
            for entry in entries:
                wanted = safe_id(entry.id) or "entry"
                anchor, number = wanted, 2
                while anchor in taken or anchor.startswith("te-"):
                    anchor, number = f"{wanted}-{number}", number + 1
                taken.add(anchor)
                self.anchors[(kind, entry.id)] = anchor

    def entry_href(self, entry: Entry) -> str:
        return f"{REGISTER_PAGES[entry.kind]}#{self.anchors[(entry.kind, entry.id)]}"

    def entry_of(self, document: str, anchor: str | None) -> Entry | None:
        """The register entry a mention or date inside a register belongs to."""
        if not anchor:
            return None
        entry = self.index.get(anchor, document)
        if entry is None or (entry.kind, entry.id) not in self.anchors:
            return None
        return entry

    # -- the texts' own copies, with an id on every mention --------------------------

    def prepare_texts(self) -> None:
        """Copy each text's tree, give mentions and dates ids, and record where they land."""
        pending = defaultdict(lambda: defaultdict(deque))  # document -> (line, kind, id) -> mention numbers
        for entry in self.index.all_entries():
            for number, mention in enumerate(entry.mentions):
                if mention.document in self.by_key:
                    pending[mention.document][(mention.line, entry.kind, entry.id)].append(number)
        dated = defaultdict(lambda: defaultdict(deque))  # document -> (line, element) -> date numbers
        for number, date in enumerate(self.index.dates):
            dated[date.document][(date.line, date.element)].append(number)
        for source in self.texts:
            self._prepare(source, pending.get(source.key, {}), dated.get(source.key, {}))

    def _prepare(self, source: Source, pending, dated) -> None:
        root = copy.deepcopy(source.tree.getroot())
        language = root.get(XML_LANG)
        for text in root.iter(f"{TEI}text"):  # the text keeps its language on a page in the site's language
            if language and text.get(XML_LANG) is None:
                text.set(XML_LANG, language)
        used = {element.get(XML_ID) for element in root.iter() if element.get(XML_ID)}
        area = set(text_area(root))
        counters = {"m": 0, "d": 0}
        marked: dict = {}  # element -> xml:id (to be turned into its HTML id)

        def anchor_for(element, prefix: str) -> str | None:
            if element not in area:
                return None
            if element not in marked:
                raw = element.get(XML_ID)
                if raw is None:
                    while True:
                        counters[prefix] += 1
                        raw = f"{prefix}-{counters[prefix]}"
                        if raw not in used:
                            break
                    used.add(raw)
                    element.set(XML_ID, raw)
                marked[element] = raw
            return marked[element]

        found_mentions, found_dates = [], []
        for element in root.iter(etree.Element):
            name = _local(element)
            if pending and (name in _MENTIONS or name in _SAME_AS):
                attribute, value = self._pointer(element, name)
                if value:
                    for entry in self.index.entries_for(source.key, value, attribute):
                        queue = pending.get((element.sourceline, entry.kind, entry.id))
                        if queue:
                            found_mentions.append((entry, queue.popleft(), anchor_for(element, "m")))
            if dated and not _DATING.isdisjoint(element.attrib.keys()):
                queue = dated.get((element.sourceline, name))
                if queue:
                    found_dates.append((queue.popleft(), anchor_for(element, "d")))
        source.site_tree = etree.ElementTree(root)
        source.site_tree.docinfo.URL = source.tree.docinfo.URL
        source.ids = html_ids(root)
        for entry, number, raw in found_mentions:
            self.mention_links[(entry.kind, entry.id, number)] = self._page_link(source, raw)
        for number, raw in found_dates:
            self.date_links[number] = self._page_link(source, raw)

    @staticmethod
    def _pointer(element, name: str) -> tuple[str, str | None]:
        if name in _SAME_AS and name not in _MENTIONS:
            return "ref", element.get("sameAs")
        if element.get("ref"):
            return "ref", element.get("ref")
        return "key", element.get("key")

    def _page_link(self, source: Source, raw: str | None) -> str:
        html_id = source.ids.get(raw) if raw else None
        return f"{source.page}#{html_id}" if html_id else source.page

    def mention_href(self, entry: Entry, number: int, mention) -> str | None:
        """Where a back-link from ``entry``'s register entry to its ``number``-th mention leads."""
        found = self.mention_links.get((entry.kind, entry.id, number))
        if found:
            return found
        source = self.by_key.get(mention.document)
        if source is not None and source.page:
            return self._page_link(source, mention.anchor)
        holder = self.entry_of(mention.document, mention.anchor)
        return self.entry_href(holder) if holder is not None else None

    # -- links for the renderer -------------------------------------------------------

    def lookup(self, source: Source):
        """The register_links function for ``source``'s page (see rendering)."""
        cache = self._lookups.setdefault(source.key, {})
        prefixes = pointers.prefix_defs(source.tree.getroot()) if source.tree is not None else {}

        def answer(token: str):
            if token not in cache:
                cache[token] = self._resolve(source, token, prefixes)
            return cache[token]

        return answer

    def _resolve(self, source: Source, token: str, prefixes):
        found = self.index.entries_for(source.key, token)
        if found and (found[0].kind, found[0].id) in self.anchors:
            return (self.entry_href(found[0]), found[0].label)
        pointer = pointers.classify(token, prefixes)
        if pointer.kind is not pointers.Kind.DOCUMENT or not pointer.document:
            return None
        target = self.by_key.get(pointers.document_key(source.key, pointer.document))
        if target is not None:
            if not target.page:
                return target.tei_href
            html_id = target.ids.get(pointer.fragment or "")
            return f"{target.page}#{html_id}" if html_id else target.page
        return self._local_file(source, pointer.document)

    def may_copy(self, name: str, path: str) -> bool:
        """Whether ``name`` -> ``path``, a linked file recorded by an earlier build, is what a link
        to that file gives now (:meth:`_linkable`).  A tampered cache must not copy other files
        into the site."""
        if (not name.startswith(f"{TEI_DATA}/") or "\\" in name or "\x00" in name or "\x00" in path
                or any(part in ("", ".", "..") for part in name.split("/"))):
            return False
        found = self._linkable(self.common.joinpath(*name[len(TEI_DATA) + 1:].split("/")), note_absent=False)
        return found is not None and found[0] == name and str(found[1]) == path

    def _local_file(self, source: Source, relative: str) -> str | None:
        """A file linked from a text, copied into the site if it lies inside a named input folder."""
        if "\\" in relative or relative.startswith("/") or any(part.startswith(".") and part not in (".", "..")
                                                              for part in relative.split("/")):
            return None
        found = self._linkable(Path(os.path.normpath(os.path.abspath(source.path.parent / relative))))
        if found is None:
            return None
        name, real = found
        self.files.setdefault(name, real)
        return quote(name)

    def _linkable(self, shown: Path, note_absent: bool = True) -> tuple[str, Path] | None:
        """(site name, real path) of the local file at ``shown`` if it may be copied into the site.

        Every link is noted in :attr:`absent` with where it leads and whether that is a file
        (:func:`~tei_edition.buildcache.link_probe`): a later build looks whether that is still so
        (a file that appeared, a link pointed elsewhere)."""
        if note_absent:  # whatever it gives now, a later build looks whether it would give the same
            self.absent.add(link_probe(str(shown)))
        real = Path(os.path.realpath(shown))
        root = next((r for r in self.roots if r in real.parents), None)
        if root is None or not real.is_file():
            return None
        if real.suffix.lower() in (".xml", ".tei") or any(part.startswith(".") for part in real.relative_to(root).parts):
            return None
        try:
            rel = shown.relative_to(self.common).as_posix()
        except ValueError:
            return None
        return f"{TEI_DATA}/{rel}", real
