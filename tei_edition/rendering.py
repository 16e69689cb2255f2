"""One TEI document to one HTML5 page, with the XSLT 1.0 stylesheets in ``xslt/``.

:func:`render_document` does this, in five steps:

1. **Compile** the stylesheet, once per process (:func:`load_stylesheet`,
   cached on the file's path, size and modification time).  It is the base
   ``xslt/tei-html.xsl`` or a project's customisation, which imports the base
   with ``<xsl:import href="tei-edition:tei-html.xsl"/>`` (or with the base's
   absolute path).  Every stylesheet file, imported ones included, is read
   with :mod:`tei_edition.parsing` first, and its ``xsl:import``/``xsl:include``
   targets are checked: local files only, never the network.  Errors, in a
   customisation or its imports, become a :class:`~tei_edition.errors.UsageProblem`
   with the file and line.
2. **Prepare** a copy of the document: Python works out what XSLT 1.0 is bad
   at and writes it on the copy as attributes in the ``urn:tei-edition:render``
   namespace (listed in ``xslt/tei-html.xsl``): HTML ids (xml:id sanitised and
   de-duplicated, generated ids for notes, pages and headed divisions), classes
   from ``@type``/``@rend``/``@place``, rendering tokens from ``@rend``, ``@style``
   and ``@rendition``, valid language tags, note numbers, ``<time datetime>``
   values, and links: every pointer (``@ref``, ``@key``, ``@target``, ``@url``) is
   resolved here, through ``register_links`` for register entries, to an id
   of this text, or to a URL that passed :func:`safe_url`.  Refused URLs are
   reported as warnings with their line.
3. **Transform** with lxml, under an access control that denies every file
   and network access at run time (``document()`` cannot read anything).
4. **Check** the result, whatever stylesheet made it: no ``style`` or ``on*``
   attribute and no unsafe URL in ``href``/``src``/... survives.
5. **Serialise** as HTML5: ``<!DOCTYPE html>``, HTML syntax, returned as text
   (the caller writes it as UTF-8, which ``<meta charset>`` declares).

Register links.  ``register_links`` maps a pointer token, exactly as written in
the TEI (``registers.xml#stalin``, ``#p_12``, a ``prefix:value``; the expanded
form of a ``prefixDef`` pointer is tried second), to the href of its register
entry, relative to the page being rendered (``persons.html#stalin``), or to a
pair ``(href, label)``; the label becomes the link's tooltip and names the
targets of a ``ptr``.  It is a mapping or a function returning None for an
unknown token.  The same lookup is asked first for every ``@target`` of
``ref``/``ptr``, so a site can map ``other.xml#p3`` to ``other.html#p3`` too,
and for every ``@url`` of ``graphic``/``media`` (a relative answer becomes
the image's ``src``: where the site copied the file).
Unresolved names stay plain ``<span>``s with their text; unresolved pointers to
other TEI files (``*.xml``) are text, other relative links are kept.  Register
hrefs pass :func:`safe_url` like everything else.

Anchors.  A mention is linked back to with the HTML id of its nearest
``xml:id``: :func:`html_ids` gives the id each ``xml:id`` of the text gets on
the page (the same string for every valid ``xml:id``; the first of duplicates
wins; ids in the teiHeader are not on the page).  Generated ids are
``fn-N``/``fnref-N`` (notes and their markers), ``page-N`` or ``pb-N`` (page
breaks), ``div-N`` (headed divisions) and the page's own ``te-main``,
``te-notes``, ``te-notes-title``, ``te-toc-title``.

Customising.  A project stylesheet imports the base and overrides what it
needs; every template calls ``te:attrs`` for the class/id/lang of its TEI
element, and ``te:inline`` is the common phrase rendering::

    <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
        xmlns:tei="http://www.tei-c.org/ns/1.0" xmlns:te="urn:tei-edition:render"
        exclude-result-prefixes="tei te">
      <xsl:import href="tei-edition:tei-html.xsl"/>
      <xsl:param name="label-notes" select="'Anmerkungen'"/>
      <xsl:template match="tei:persName">
        <mark class="my-person"><xsl:apply-imports/></mark>
      </xsl:template>
    </xsl:stylesheet>

``tei-edition:NAME`` works in the file given to tei-edition; files it includes
import the base by its path (``tei_edition.resources.stylesheet("tei-html.xsl")``).
Its own ``xsl:param``s are accepted in ``params``.  ``xsl:output`` is ignored:
the page is always HTML5.  For a link or class made from a TEI value that
Python did not prepare, it calls ``te:safe-url(@facs)`` (the URL, or "" when it
is not safe) and ``te:safe-class(@n)``; in any case the finished page is checked
(step 4).
"""

from __future__ import annotations

import copy
import difflib
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from tei_edition import dates, parsing, pointers
from tei_edition.fingerprints import signature
from tei_edition.errors import InputProblem, UsageProblem, XMLProblem
from tei_edition.resources import stylesheet as bundled_stylesheet

RENDER_NS = "urn:tei-edition:render"
TEI_NS = pointers.TEI_NS
XSL_NS = "http://www.w3.org/1999/XSL/Transform"
XML_ID = pointers.XML_ID
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

BASE_STYLESHEET = "tei-html.xsl"
# What a customisation writes in xsl:import to get the bundled base.
BASE_URI_PREFIX = "tei-edition:"
BASE_URI = BASE_URI_PREFIX + BASE_STYLESHEET

RegisterLink = str | tuple
RegisterLinks = Mapping[str, RegisterLink] | Callable[[str], RegisterLink | None] | None

_T = "{%s}" % TEI_NS
_R = "{%s}" % RENDER_NS

# Ids the page skeleton uses itself (tei-html.xsl); TEI ids give way to them.
RESERVED_IDS = frozenset({"te-main", "te-notes", "te-notes-title", "te-toc-title"})

_DIVISIONS = frozenset({"div", "div1", "div2", "div3", "div4", "div5", "div6", "div7"})
_LINK_ELEMENTS = frozenset({"ref", "ptr", "licence"})  # their @target is a link
_GRAPHIC_ELEMENTS = frozenset({"graphic", "media"})
_CLASS_ATTRIBUTES = ("type", "rend", "place", "level")
_MAX_CLASS_TOKENS = 6
_TEI_DOCUMENT_SUFFIXES = (".xml", ".tei")


# ---------------------------------------------------------------------------
# Sanitising: the one place that decides what may reach href/src, id, class.
# ---------------------------------------------------------------------------

_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_url(value: str | None) -> str | None:
    """The URL to put into ``href``/``src``, or None when it must stay text.

    Browsers strip leading and trailing control characters and spaces and drop
    tabs and newlines anywhere before they read the scheme; so does this, and
    then only ``http``, ``https``, ``mailto`` and scheme-less (relative) URLs
    pass.  ``javascript:``, ``data:``, ``vbscript:``, ``file:``... in any case
    are refused, also behind other Unicode white space.
    """
    if value is None:
        return None
    url = _TAB_NEWLINE.sub("", value).strip(_C0_AND_SPACE)
    if not url or _CONTROL.search(url):
        return None
    for candidate in (url, url.strip()):
        scheme = _URL_SCHEME.match(candidate)
        if scheme and scheme[1].lower() not in _SAFE_SCHEMES:
            return None
    return url


def url_scheme(value: str) -> str | None:
    """The scheme a browser would read in ``value`` (lower case), if any."""
    url = _TAB_NEWLINE.sub("", value).strip(_C0_AND_SPACE).strip()
    scheme = _URL_SCHEME.match(url)
    return scheme[1].lower() if scheme else None


def _is_local_path(url: str) -> bool:
    """A relative path on this site: no scheme, no host, not absolute."""
    return url_scheme(url) is None and not url.startswith(("/", "\\"))


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_\-]+")  # an element name that is a class name as it is
_ID_UNSAFE = re.compile(r"[^\w.\-]")
_CLASS_UNSAFE = re.compile(r"[^\w\-]+")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")


def safe_id(value: str | None) -> str | None:
    """An HTML id from a TEI value: letters, digits, ``_ . -`` kept, anything
    else (space, quote, angle bracket, colon...) becomes ``_``.  A valid
    ``xml:id`` comes out unchanged."""
    if not value:
        return None
    cleaned = _ID_UNSAFE.sub("_", unicodedata.normalize("NFC", value.strip()))[:128]
    return cleaned or None


def safe_class(value: str | None) -> str | None:
    """One class-name token from a TEI value (runs of other characters become ``-``)."""
    if not value:
        return None
    cleaned = _CLASS_UNSAFE.sub("-", unicodedata.normalize("NFC", value)).strip("-")[:40]
    return cleaned or None


def safe_lang(value: str | None) -> str | None:
    """``xml:lang`` when it is a well-formed language tag, else None."""
    if value and _LANGUAGE_TAG.fullmatch(value.strip()):
        return value.strip()
    return None


def html_datetime(attributes) -> tuple[str | None, bool]:
    """The HTML ``datetime`` for an element's dating attributes, and whether it is a range.

    ``@when``, else the start (or the end) of ``@from``/``@to`` or
    ``@notBefore``/``@notAfter``; only values HTML accepts too (years 1 and
    later, no time zone on a date, no hour 24, yearless dates as ``MM-DD``).
    """
    normalised = dates.normalise(attributes)
    if normalised is None:
        return None, False
    value = normalised.start or normalised.end
    text = value.text
    zoned = text.endswith("Z") or re.search(r"[+-]\d\d:\d\d$", text) is not None
    if value.precision in ("year", "month", "day"):
        ok = not zoned and value.year is not None and value.year >= 1
    elif value.precision == "time":
        ok = value.year is not None and value.year >= 1 and "T24:" not in text
    elif value.precision == "month-day":
        ok = not zoned
    elif value.precision == "clock":
        ok = not zoned and not text.startswith("24:")
    else:
        ok = False
    if ok and value.precision == "month-day":
        text = text[2:]  # "06-25": the form every HTML checker accepts ("--06-25" is valid too, but not to all)
    return (text if ok else None), normalised.is_range


# ---------------------------------------------------------------------------
# Step 1: the stylesheet
# ---------------------------------------------------------------------------

_ACCESS = etree.XSLTAccessControl(
    read_file=False, write_file=False, create_dir=False, read_network=False, write_network=False
)


def _xpath_string(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, etree._Element):
        return "".join(value.itertext())
    return "" if value is None else str(value)


# For customisations that make links or classes from TEI values the render
# module did not prepare (e.g. @facs): te:safe-url(@facs) gives the URL or "",
# te:safe-class(@n) one class token or "".
_EXTENSIONS = {
    (RENDER_NS, "safe-url"): lambda context, value: safe_url(_xpath_string(value)) or "",
    (RENDER_NS, "safe-class"): lambda context, value: safe_class(_xpath_string(value)) or "",
}


@dataclass(frozen=True)
class Stylesheet:
    """A compiled stylesheet and the names of the parameters it declares."""

    path: Path
    transform: etree.XSLT
    params: frozenset
    files: tuple = ()  # (path, (size, mtime)) of every file it imports or includes, when compiled


_cache: dict = {}
_cache_lock = threading.Lock()


def load_stylesheet(path: str | os.PathLike | None = None) -> Stylesheet:
    """The compiled base stylesheet, or a customisation (cached per process).

    Raises :class:`UsageProblem` (exit 2) with the file and line when a
    customisation or anything it imports is missing, is not well-formed, is not
    XSLT, loads from a URL, or does not compile.
    """
    if path is None:
        target = bundled_stylesheet(BASE_STYLESHEET)
    else:
        target = Path(path).expanduser().absolute()
    try:
        status = target.stat()
    except OSError as error:
        raise UsageProblem(f"{path or target}: cannot read the XSLT stylesheet: {error.strerror or error}") from None
    key = (str(target), status.st_size, status.st_mtime_ns)
    with _cache_lock:
        found = _cache.get(key)
        if found is None or any(signature(path) != stamp for path, stamp in found.files):  # an import changed
            found = _cache[key] = _compile(target)
    return found


def _read_stylesheet(path: Path) -> etree._ElementTree:
    try:
        tree = parsing.parse_file(path)
    except XMLProblem as problem:
        raise UsageProblem(f"{problem} (in an XSLT stylesheet)") from None
    except InputProblem as problem:
        raise UsageProblem(str(problem)) from None
    if tree.docinfo.system_url or tree.docinfo.public_id:
        # libxslt loads imported files itself, with DTD loading on: refuse
        # what the policy parser would only have ignored.
        raise UsageProblem(f"{path}:1:1: error: an XSLT stylesheet may not name an external DTD in its DOCTYPE")
    root = tree.getroot()
    if root.tag not in (f"{{{XSL_NS}}}stylesheet", f"{{{XSL_NS}}}transform"):
        raise UsageProblem(
            f"{path}:{root.sourceline or 1}:1: error: not an XSLT stylesheet "
            f"(the root element is <{etree.QName(root).localname}>, not xsl:stylesheet)"
        )
    return tree


def _import_target(path: Path, element, top: bool) -> Path:
    """The local file an xsl:import/xsl:include points to, or a UsageProblem."""
    href = (element.get("href") or "").strip()
    where = f"{path}:{element.sourceline or 1}:1: error:"
    kind = etree.QName(element).localname
    if not href:
        raise UsageProblem(f"{where} xsl:{kind} without href")
    if href.startswith(BASE_URI_PREFIX):
        name = href[len(BASE_URI_PREFIX) :]
        candidate = bundled_stylesheet(name) if re.fullmatch(r"[\w.\-]+\.xsl", name) else None
        if candidate is None or not candidate.is_file():
            raise UsageProblem(f"{where} xsl:{kind} of {href!r}: tei-edition has no stylesheet of that name (use {BASE_URI!r})")
        if not top:
            raise UsageProblem(
                f"{where} {href!r} works only in the stylesheet given to tei-edition itself; "
                f"here, import the base by its path: {candidate}"
            )
        return candidate
    parts = urlsplit(href)
    if len(parts.scheme) > 1 and parts.scheme.lower() != "file":
        raise UsageProblem(f"{where} xsl:{kind} of {href!r}: stylesheets are read from local files only, never from a URL")
    if parts.scheme.lower() == "file":
        if parts.netloc not in ("", "localhost"):
            raise UsageProblem(f"{where} xsl:{kind} of {href!r}: stylesheets are read from local files only")
        candidate = Path(unquote(parts.path))
    else:
        candidate = path.parent / unquote(href)
    candidate = candidate.absolute()
    if not candidate.is_file():
        raise UsageProblem(f"{where} xsl:{kind} of {href!r}: no such file ({candidate})")
    return candidate


def _collect(path: Path, tree, seen: set, params: set, top: bool) -> None:
    """Check the imports of one stylesheet, recursively; gather its xsl:params."""
    for element in tree.getroot():
        if not isinstance(element.tag, str):
            continue
        if element.tag in (f"{{{XSL_NS}}}import", f"{{{XSL_NS}}}include"):
            target = _import_target(path, element, top)
            if top and (element.get("href") or "").strip().startswith(BASE_URI_PREFIX):
                element.set("href", str(target))
            if target in seen:
                continue
            seen.add(target)
            _collect(target, _read_stylesheet(target), seen, params, top=False)
        elif element.tag == f"{{{XSL_NS}}}param" and element.get("name"):
            params.add(element.get("name"))


def stylesheet_files(path) -> list[Path]:
    """The stylesheet at ``path`` and every local file it imports or includes, however deep
    (what a build's cache key must hash); UsageProblem for what :func:`load_stylesheet` refuses."""
    path = Path(path).absolute()
    seen = {path}
    _collect(path, _read_stylesheet(path), seen, set(), top=True)
    return sorted(seen)


def _compile(path: Path) -> Stylesheet:
    tree = _read_stylesheet(path)
    params: set = set()
    seen = {path}
    _collect(path, tree, seen, params, top=True)
    # The checked imports are loaded by libxslt itself, relative to this
    # document's URL.  The stylesheet is moved onto a fresh document because
    # the parser of the policy module answers every load with nothing, which
    # is right for TEI and wrong for xsl:import.
    old = tree.getroot()
    root = etree.Element(old.tag, nsmap=old.nsmap)
    for name, value in old.attrib.items():
        root.set(name, value)
    root.text = old.text
    for child in list(old):
        root.append(child)
    document = etree.ElementTree(root)
    document.docinfo.URL = str(path)
    try:
        transform = etree.XSLT(document, access_control=_ACCESS, extensions=_EXTENSIONS)
    except etree.XSLTParseError as error:
        raise UsageProblem(_xslt_errors(path, error.error_log, "does not compile")) from None
    bundled = bundled_stylesheet(BASE_STYLESHEET).parent  # (part of the installed toolkit)
    imported = tuple((file, signature(file)) for file in sorted(seen - {path}) if bundled not in file.parents)
    return Stylesheet(path, transform, frozenset(params), imported)


def _xslt_errors(path: Path, log, what: str) -> str:
    lines = []
    for entry in log:
        if entry.level_name not in ("ERROR", "FATAL"):
            continue
        filename = entry.filename or str(path)
        if filename.startswith("file://"):
            filename = unquote(urlsplit(filename).path)
        if filename.startswith("string://") or filename == "<string>":
            filename = str(path)
        where = f"{filename}:{entry.line}" if entry.line else filename
        line = f"{where}: error: {entry.message.strip()}"
        if line not in lines:
            lines.append(line)
    if not lines:
        return f"{path}: error: the XSLT stylesheet {what}"
    return f"the XSLT stylesheet {path} {what}:\n" + "\n".join(lines[:10])


# ---------------------------------------------------------------------------
# Step 2: the prepared copy
# ---------------------------------------------------------------------------


def _localname(element) -> str:
    return etree.QName(element).localname


def _is_tei(element, *names) -> bool:
    tag = element.tag
    return isinstance(tag, str) and tag.startswith(_T) and (not names or tag[len(_T) :] in names)


def text_area(root) -> list:
    """The elements rendered as running text (they get ids): everything inside
    the outermost ``text`` elements; for a root that is not TEI/teiCorpus and
    has no ``text``, everything but a ``teiHeader``."""
    texts = [
        element
        for element in root.iter(f"{_T}text")
        if not any(_is_tei(ancestor, "text") for ancestor in element.iterancestors())
    ]
    if texts:
        return [element for text in texts for element in text.iter(etree.Element)]
    if _is_tei(root, "TEI", "teiCorpus"):
        return []
    return [
        element
        for element in root.iter(etree.Element)
        if not any(_is_tei(a, "teiHeader") for a in element.iterancestors()) and not _is_tei(element, "teiHeader")
    ]


class _Ids:
    """HTML ids, unique in the page: TEI ids first (first occurrence wins),
    then generated ones, which step aside (``fn-3-2``) for a TEI id."""

    def __init__(self):
        self.taken = set(RESERVED_IDS)
        self.by_xml_id: dict[str, str] = {}

    def tei(self, raw: str) -> str | None:
        wanted = safe_id(raw)
        if wanted is None or wanted in self.taken:
            return None
        self.taken.add(wanted)
        self.by_xml_id.setdefault(raw, wanted)
        return wanted

    def generated(self, base: str) -> str:
        candidate, number = base, 2
        while candidate in self.taken:
            candidate, number = f"{base}-{number}", number + 1
        self.taken.add(candidate)
        return candidate


def html_ids(tree) -> dict[str, str]:
    """``xml:id`` -> the HTML id it gets on the rendered page, for every element
    of the text that carries one (the register helper links mentions with it).
    Ids in the teiHeader are not on the page."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    ids = _Ids()
    for element in text_area(root):
        raw = element.get(XML_ID)
        if raw is not None:
            ids.tei(raw)
    return dict(ids.by_xml_id)


@dataclass
class _Link:
    href: str
    label: str | None
    token: str


class _Preparer:
    def __init__(self, root, register_links: RegisterLinks, report, path: str):
        self.root = root
        self.report = report
        self.path = path
        self.prefixes = pointers.prefix_defs(root)
        self.lookup_function = _lookup_function(register_links)
        self.ids = _Ids()
        self.base_classes: dict[str, str] = {}
        self.renditions = {
            element.get(XML_ID): " ".join(element.itertext())
            for element in root.iter(f"{_T}rendition")
            if element.get(XML_ID)
        }

    # -- warnings ----------------------------------------------------------

    def warn(self, element, message: str, rule: str = "unsafe-url") -> None:
        if self.report is not None:
            self.report.add(element.sourceline or 0, 0, "warning", message, rule)

    # -- the whole run -----------------------------------------------------

    def run(self) -> None:
        area = text_area(self.root)
        self._ids(area)
        self._line_starts()
        date_attributes = frozenset(dates.DATE_ATTRIBUTES)
        for element in self.root.iter(etree.Element):
            tag = element.tag
            if tag.startswith(_R):
                continue
            local = tag.rpartition("}")[2]
            if not element.attrib:  # most elements: only a class, and only when the name needs cleaning
                if not _PLAIN_NAME.fullmatch(local):
                    element.set(f"{_R}class", self._base_class(local))
                continue
            names = element.attrib.keys()
            self._classes(element, local)
            self._links(element, tag, local)
            if not date_attributes.isdisjoint(names):
                value, is_range = html_datetime(element.attrib)
                if value:
                    element.set(f"{_R}datetime", value)
                    if is_range:
                        element.set(f"{_R}date-range", "yes")

    def _line_starts(self) -> None:
        """Mark each lb that comes before any text or content in its parent."""
        quiet = {f"{_T}{name}" for name in ("pb", "cb", "milestone", "anchor", "lb")}
        done = set()
        for lb in self.root.iter(f"{_T}lb"):
            parent = lb.getparent()
            if parent is None or parent in done:
                continue
            done.add(parent)
            if parent.text and parent.text.strip():
                continue
            for child in parent:
                if isinstance(child.tag, str):
                    if child.tag == f"{_T}lb":
                        child.set(f"{_R}line-start", "yes")
                    elif child.tag not in quiet:
                        break
                if child.tail and child.tail.strip():
                    break

    def _ids(self, area) -> None:
        assigned = {}
        for element in area:
            raw = element.get(XML_ID)
            if raw is not None:
                html_id = self.ids.tei(raw)
                if html_id:
                    assigned[element] = html_id
        notes = pages = divisions = 0
        for element in area:
            if not _is_tei(element):
                continue
            name = element.tag[len(_T) :]
            if name == "note":
                notes += 1
                element.set(f"{_R}n", str(notes))
                element.set(f"{_R}ref-id", self.ids.generated(f"fnref-{notes}"))
                if element not in assigned:
                    assigned[element] = self.ids.generated(f"fn-{notes}")
            elif name == "pb":
                pages += 1
                if element not in assigned:
                    n = safe_id(element.get("n"))
                    assigned[element] = self.ids.generated(f"page-{n}" if n else f"pb-{pages}")
            elif name in _DIVISIONS and element.find(f"{_T}head") is not None:
                divisions += 1
                if element not in assigned:
                    assigned[element] = self.ids.generated(f"div-{divisions}")
        for element, html_id in assigned.items():
            element.set(f"{_R}id", html_id)

    def _base_class(self, local: str) -> str:
        found = self.base_classes.get(local)
        if found is None:
            found = self.base_classes[local] = f"tei-{safe_class(local) or 'element'}"
        return found

    def _classes(self, element, local: str) -> None:
        base = self._base_class(local)
        classes = [base]
        tokens = 0
        for attribute in _CLASS_ATTRIBUTES:
            value = element.get(attribute)
            if not value:
                continue
            for token in value.split():
                cleaned = safe_class(token)
                candidate = f"{base}--{cleaned}" if cleaned else None
                if candidate and candidate not in classes and tokens < _MAX_CLASS_TOKENS:
                    classes.append(candidate)
                    tokens += 1
        if len(classes) > 1 or not _PLAIN_NAME.fullmatch(local):
            element.set(f"{_R}class", " ".join(classes))
        language = element.get(XML_LANG)
        if language is not None:
            tag = safe_lang(language)
            if tag:
                element.set(f"{_R}lang", tag)
        if element.get("rend") or element.get("style") or element.get("rendition"):
            rend = self._rend_tokens(element)
            if rend:
                element.set(f"{_R}rend", f" {rend} ")

    def _rend_tokens(self, element) -> str:
        parts = [element.get("rend") or "", element.get("style") or ""]
        for token in (element.get("rendition") or "").split():
            key = token[1:] if token.startswith("#") else token
            parts.append(self.renditions.get(key, key))
        text = " ".join(parts).lower()
        if not text.strip():
            return ""
        seen = []
        for token in re.split(r"[\s;:,(){}\"'!]+", text):
            token = safe_class(token)
            if token and token not in seen:
                seen.append(token.lower())
        return " ".join(seen[:24])

    # -- links -------------------------------------------------------------

    def _register(self, element, token: str, expanded: str | None) -> _Link | None:
        for candidate in (token, expanded):
            if not candidate:
                continue
            answer = self.lookup_function(candidate)
            if not answer:
                continue
            if isinstance(answer, str):
                href, label = answer, None
            else:
                href, label = answer[0], (answer[1] if len(answer) > 1 else None)
            safe = safe_url(href)
            if safe is None:  # the caller's mapping is checked like the TEI
                self.warn(element, f"the register link for {token!r} is not a safe URL and is not used: {str(href)[:80]!r}")
                return None
            return _Link(safe, str(label) if label else None, token)
        return None

    def _local(self, fragment: str | None, token: str) -> _Link | None:
        html_id = self.ids.by_xml_id.get(fragment or "")
        return _Link("#" + html_id, None, token) if html_id else None

    def _links(self, element, tag: str, name: str) -> None:
        tei = tag.startswith(_T)
        if tei and name in _LINK_ELEMENTS and element.get("target") is not None:
            self._targets(element, "target")
        elif tei and name in _GRAPHIC_ELEMENTS and element.get("url") is not None:
            self._graphic(element)
        elif element.get("ref") is not None or element.get("key") is not None:
            self._refs(element)

    def _refs(self, element) -> None:
        found = []
        for token in pointers.tokens(element.get("ref")):
            pointer = pointers.classify(token, self.prefixes)
            link = self._register(element, token, pointer.url)
            if link is None and pointer.kind is pointers.Kind.LOCAL:
                link = self._local(pointer.fragment, token)
            if link is not None:
                found.append(link)
        if not found:
            for token in pointers.tokens(element.get("key")):
                link = self._register(element, token, None)
                if link is not None:
                    found.append(link)
        self._set_links(element, found)

    def _targets(self, element, attribute: str) -> None:
        found, refused = [], []
        for token in pointers.tokens(element.get(attribute)):
            pointer = pointers.classify(token, self.prefixes)
            link = self._register(element, token, pointer.url)
            if link is None:
                link, unsafe = self._target_link(pointer, token)
                if unsafe:
                    refused.append(token)
            if link is not None:
                found.append(link)
        for token in refused:
            scheme = url_scheme(token) or "?"
            self.warn(
                element,
                f"@{attribute} of <{_localname(element)}> uses the URL scheme '{scheme}:' and is shown as text, "
                f"not as a link (only http, https, mailto and relative links are made): {token[:80]!r}",
            )
        if refused and not found:
            element.set(f"{_R}unsafe", "yes")
        self._set_links(element, found)

    def _target_link(self, pointer, token) -> tuple[_Link | None, bool]:
        """A @target token that is not a register entry: (link, refused?)."""
        kind = pointer.kind
        if kind is pointers.Kind.LOCAL:
            return self._local(pointer.fragment, token), False
        if kind is pointers.Kind.BARE:
            local = self._local(pointer.fragment, token)
            if local is not None:
                return local, False
        if kind is pointers.Kind.DOCUMENT and (pointer.document or "").lower().endswith(_TEI_DOCUMENT_SUFFIXES):
            return None, False  # another TEI file: only the site knows its page (register_links)
        url = pointer.url or token
        safe = safe_url(url)
        if safe is None:
            return None, True
        return _Link(safe, None, token), False

    def _graphic(self, element) -> None:
        url = element.get("url")
        mapped = self._register(element, url.strip(), None)  # the site may have copied the file elsewhere
        if mapped is not None and _is_local_path(mapped.href):
            element.set(f"{_R}src", mapped.href)
            return
        safe = safe_url(url)
        if safe is None:
            element.set(f"{_R}unsafe", "yes")
            self.warn(
                element,
                f"@url of <{_localname(element)}> uses the URL scheme '{url_scheme(url) or '?'}:' and is shown "
                f"as text, not as an image: {url[:80]!r}",
            )
        elif _is_local_path(safe):
            element.set(f"{_R}src", safe)
        elif url_scheme(safe) in ("http", "https") or safe.startswith("//"):
            element.set(f"{_R}href", safe)  # an image on another site: linked, not embedded
        else:
            element.set(f"{_R}unsafe", "yes")  # /absolute, mailto: ...: neither a local image nor a web page
            self.warn(element, f"@url of <{_localname(element)}> is not a relative path on this site: {url[:80]!r}", "non-local-image")

    def _set_links(self, element, links: list[_Link]) -> None:
        if not links:
            return
        element.set(f"{_R}href", links[0].href)
        if links[0].label:
            element.set(f"{_R}title", links[0].label)
        if len(links) > 1:
            for link in links:
                target = etree.SubElement(element, f"{_R}target", href=link.href, token=link.token)
                if link.label:
                    target.set("title", link.label)


def _lookup_function(register_links: RegisterLinks) -> Callable[[str], RegisterLink | None]:
    if register_links is None:
        return lambda token: None
    if callable(register_links) and not isinstance(register_links, Mapping):
        return register_links
    if isinstance(register_links, Mapping):
        return register_links.get
    raise UsageProblem("register_links must be a mapping or a function")


# libxslt stops at 3000 nested template calls; a TEI element costs several,
# and 400 levels render in every tested shape.  Deeper documents (possible
# only in huge-tree mode) get an error instead of a stylesheet failure.
MAX_DEPTH = 400

# Rendering holds the document, its annotated copy, the result tree and the
# page text at once: about 1 KB per element for plain <lb/>s and 7-9 KB for
# dates and notes (measured).  Past this many elements a single page could
# pass the 500 MB a hostile file may cost, so it is refused unless huge-tree
# mode (--huge) was asked for.  The largest Mächtekongresse document has
# about 2,000 elements.
MAX_ELEMENTS = 50_000
# The site's own pages (registers, chronology) are made from the corpus, not
# read from one file, and grow with it: the persons register of 10,000
# synthetic texts has 414,000 elements (the build's peak: 2.6 GB).  They may
# have SITE_PAGE_ELEMENTS_PER_TEXT elements per text, and never fewer than
# SITE_PAGE_MAX_ELEMENTS: so one hostile file cannot make a large page (100,000
# dates make a chronology of 100,000 elements that takes 735 MB), a large
# corpus can.
SITE_PAGE_MAX_ELEMENTS = MAX_ELEMENTS
SITE_PAGE_ELEMENTS_PER_TEXT = 60


def site_page_limit(texts: int) -> int:
    """How many elements a page of the site made from ``texts`` texts may have."""
    return max(SITE_PAGE_MAX_ELEMENTS, SITE_PAGE_ELEMENTS_PER_TEXT * texts)


def _check_size(root, path: str, site_page_limit: int | None = None) -> None:
    depth = deepest = elements = 0
    where = root
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            elements += 1
            if depth > deepest:
                deepest, where = depth, element
        else:
            depth -= 1
    if deepest > MAX_DEPTH:
        raise XMLProblem(
            path,
            where.sourceline or 1,
            1,
            f"elements are nested {deepest} levels deep here; pages are rendered for up to {MAX_DEPTH} levels",
            rule="too-deep",
        )
    if site_page_limit is not None:
        if elements > site_page_limit and not parsing.current_policy().huge:
            raise XMLProblem(
                path, 1, 1,
                f"this page of the site would have {elements:,} elements; for this corpus pages are made "
                f"with up to {site_page_limit:,} (rendering needs up to 9 KB of memory for each): "
                f"build with --huge",
                rule="too-large",
            )
        return
    if elements > MAX_ELEMENTS and not parsing.current_policy().huge:
        raise XMLProblem(
            path,
            root.sourceline or 1,
            1,
            f"the text has {elements:,} elements; a page is rendered for up to {MAX_ELEMENTS:,} "
            f"(rendering needs up to 9 KB of memory for each): split the text, or build with --huge",
            rule="too-large",
        )


def prepare(tree, *, register_links: RegisterLinks = None, report=None,
            site_page_limit: int | None = None) -> etree._ElementTree:
    """The annotated copy of ``tree`` that the stylesheets read (step 2).

    Public so that a customisation's author (and the tests) can look at what
    the stylesheet sees; the input tree is never changed.  A page tei-edition
    makes itself is held to ``site_page_limit`` elements (see
    :func:`site_page_limit`) instead of :data:`MAX_ELEMENTS`.
    """
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    path = (root.getroottree().docinfo.URL or "<document>")
    _check_size(root, path, site_page_limit)
    copied = copy.deepcopy(root)
    _Preparer(copied, register_links, report, path).run()
    return etree.ElementTree(copied)


# ---------------------------------------------------------------------------
# Steps 3 to 5
# ---------------------------------------------------------------------------

_URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "cite", "poster", "data", "background", "longdesc",
     "manifest", "codebase", "usemap", "icon", "xlink:href", "lowsrc", "dynsrc"}
)
_URL_LIST_ATTRIBUTES = frozenset({"srcset", "imagesrcset", "ping"})


def _check_result(root, report) -> None:
    """Step 4: whatever the stylesheet did, no script vector leaves here."""
    for element in root.iter(etree.Element):
        for name in list(element.attrib):
            local = (etree.QName(name).localname if name.startswith("{") else name).lower()
            value = element.attrib[name]
            if local == "style" or local.startswith("on"):
                problem = f"the stylesheet wrote a {local} attribute on <{element.tag}>; it was removed"
            elif local in _URL_ATTRIBUTES or name.lower() == "xlink:href":
                if safe_url(value) is not None:
                    continue
                problem = f"the stylesheet wrote an unsafe URL into {local} of <{element.tag}>; it was removed"
            elif local in _URL_LIST_ATTRIBUTES:
                urls = [part.strip().split()[0] for part in re.split(r",\s+|\s+(?=\S)", value) if part.strip()]
                if all(safe_url(url) is not None for url in urls):
                    continue
                problem = f"the stylesheet wrote an unsafe URL into {local} of <{element.tag}>; it was removed"
            else:
                continue
            del element.attrib[name]
            if report is not None:
                report.add(0, 0, "warning", problem, "unsafe-html")


def _string_params(stylesheet: Stylesheet, params: Mapping | None) -> dict:
    values = {}
    for name, value in (params or {}).items():
        if name not in stylesheet.params:
            close = difflib.get_close_matches(name, sorted(stylesheet.params), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise UsageProblem(f"unknown stylesheet parameter {name!r}{hint}; the parameters are documented in xslt/params.xsl")
        if value is None:
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        values[name] = etree.XSLT.strparam(str(value))
    return values


def render_tree(
    tree,
    *,
    register_links: RegisterLinks = None,
    params: Mapping | None = None,
    stylesheet: str | os.PathLike | None = None,
    report=None,
    site_page_limit: int | None = None,
) -> etree._Element:
    """Steps 1 to 4 of :func:`render_document`: the checked page as an lxml
    tree (its root is ``<html>``), for callers that look into it before
    writing it.  ``site_page_limit``: see :func:`prepare`."""
    compiled = load_stylesheet(stylesheet)
    string_params = _string_params(compiled, params)
    prepared = prepare(tree, register_links=register_links, report=report, site_page_limit=site_page_limit)
    try:
        result = compiled.transform(prepared, **string_params)
    except etree.XSLTApplyError as error:
        raise UsageProblem(_xslt_errors(compiled.path, error.error_log, "failed")) from None
    if report is not None:
        for entry in compiled.transform.error_log:
            message = entry.message.strip()
            if message:
                report.add(0, 0, "warning", f"XSLT: {message}", "xslt-message")
    root = result.getroot()
    if root is None:
        raise UsageProblem(f"the XSLT stylesheet {compiled.path} produced no HTML element")
    _check_result(root, report)
    return root


def serialise(root) -> str:
    """Step 5: an HTML page tree as HTML5 text (doctype, HTML syntax)."""
    return "<!DOCTYPE html>\n" + etree.tostring(root, method="html", encoding="unicode", pretty_print=True)


def render_document(
    tree,
    *,
    register_links: RegisterLinks = None,
    params: Mapping | None = None,
    stylesheet: str | os.PathLike | None = None,
    report=None,
) -> str:
    """Render one parsed TEI document (tree or root element) as an HTML5 page.

    ``register_links``: pointer token -> href (or ``(href, label)``), a mapping
    or a function (see the module docstring).  ``params``: stylesheet
    parameters by name (xslt/params.xsl; unknown names are a UsageProblem;
    True/False become "yes"/"no").  ``stylesheet``: a customisation importing
    ``tei-edition:tei-html.xsl``.  ``report``: a
    :class:`~tei_edition.diagnostics.FileReport` that receives the warnings
    (refused URLs, with their line; xsl:message output).  Returns the page as
    text; write it as UTF-8.
    """
    return serialise(
        render_tree(tree, register_links=register_links, params=params, stylesheet=stylesheet, report=report)
    )
