"""Properties of every rendered page, checked on the render fixtures, the
edition's own texts, a sample of someone else's corpus (skipped without
../shared) and random TEI made by hypothesis:

* no text of the TEI text (everything inside ``text``) is lost;
* no ``style`` or ``on*`` attribute, and every ``href``/``src`` is safe
  (``src`` a relative path on the site);
* ids are unique, and every ``#fragment`` link lands on one of them;
* ``time/@datetime`` holds only values HTML accepts;
* no block element inside a phrase (``<p>``, ``<span>``, ``<a>``...), so the
  browser builds the tree the stylesheet made.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import MAECHTE, TEXTS, needs_maechte
from tei_edition.parsing import parse_bytes, parse_file
from tei_edition.rendering import render_tree, safe_url, serialise, text_area

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "render"
TEI = "http://www.tei-c.org/ns/1.0"

PHRASING = frozenset("p span a i b em strong cite q time sup sub abbr code u s ins del small mark h1 h2 h3 h4 h5 h6 label".split())
BLOCK = frozenset(
    "div p ul ol dl li dt dd table tbody tr td th caption figure figcaption blockquote section article "
    "nav header footer main aside details summary h1 h2 h3 h4 h5 h6 hr".split()
)

# HTML's datetime forms (the HTML standard, "dates and times"), written out
# independently of tei_edition.rendering.html_datetime.
_Y = r"(?!0+(?:-|$|T))\d{4,}"
_M = r"(?:0[1-9]|1[0-2])"
_D = r"(?:0[1-9]|[12]\d|3[01])"
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,3})?)?"
_ZONE = r"(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)"
HTML_DATETIME = re.compile(
    rf"{_Y}|{_Y}-{_M}|{_Y}-{_M}-{_D}|(?:--)?{_M}-{_D}|{_TIME}|{_Y}-{_M}-{_D}[T ]{_TIME}{_ZONE}?"
)


def _links() -> dict:
    data = json.loads((FIXTURES / "registers.json").read_text(encoding="utf-8"))
    return {key: tuple(value) if isinstance(value, list) else value for key, value in data.items() if not key.startswith("_")}


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check_page(tree, **options) -> etree._Element:
    """Render ``tree`` and assert every property; returns the parsed page."""
    page = render_tree(tree, **options)
    # Content model, on the tree the stylesheet made.
    for element in page.iter(etree.Element):
        if element.tag in PHRASING:
            inner = [d.tag for d in element.iterdescendants(etree.Element) if d.tag in BLOCK]
            assert not inner, f"<{element.tag} class={element.get('class')!r}> holds block elements {inner}"
    html = serialise(page)
    parsed = lxml.html.document_fromstring(html)
    elements = [e for e in parsed.iter() if isinstance(e.tag, str)]
    # No script vectors.
    for element in elements:
        for name, value in element.attrib.items():
            assert name.lower() != "style" and not name.lower().startswith("on"), (element.tag, name, value)
            if name.lower() in ("href", "src", "action", "cite", "poster"):
                assert safe_url(value) is not None, (element.tag, name, value)
        if element.tag == "img":
            src = element.get("src")
            assert src and "://" not in src and not src.startswith(("/", "\\")), src
    assert not parsed.xpath("//script | //iframe | //object | //embed | //style | //base")
    # Ids unique; fragment links land.
    ids = [e.get("id") for e in elements if e.get("id") is not None]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate ids {duplicates}"
    for link in parsed.xpath("//a[starts-with(@href, '#')]"):
        assert unquote(link.get("href")[1:]) in ids, f"dangling link {link.get('href')}"
    # Dates.
    for time in parsed.xpath("//time[@datetime]"):
        assert HTML_DATETIME.fullmatch(time.get("datetime")), time.get("datetime")
    # No text lost.
    main_text = squeeze(parsed.xpath("//main")[0].text_content())
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    area = set(text_area(root))
    for element in area:
        for piece in (element.text, *(child.tail for child in element if child in area or not isinstance(child.tag, str))):
            if piece and piece.strip():
                assert squeeze(piece) in main_text, f"text lost: {squeeze(piece)[:80]!r}"
    return parsed


FIXTURE_FILES = sorted(FIXTURES.glob("*.xml"))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.stem for p in FIXTURE_FILES])
def test_fixture_pages_have_the_properties(path):
    check_page(parse_file(path), register_links=_links())


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.stem for p in FIXTURE_FILES])
def test_properties_hold_with_other_settings(path):
    params = {"show-line-breaks": "no", "show-page-breaks": "no", "choice-show": "diplomatic", "note-labels": "n", "toc": "yes"}
    check_page(parse_file(path), register_links=_links(), params=params)


def test_the_edition_texts_have_the_properties():
    texts = sorted(p for p in TEXTS.glob("*.xml") if p.name != "registers.xml") if TEXTS.is_dir() else []
    if not texts:
        pytest.skip("texts/ has no TEI text yet")
    for path in texts:
        check_page(parse_file(path))


@needs_maechte
def test_someone_elses_corpus_has_the_properties():
    documents = sorted((MAECHTE / "editions").glob("*.xml"))[::9]
    assert documents
    for path in documents:
        check_page(parse_file(path), register_links=lambda token: f"persons.html#{token[1:]}" if token.startswith("#p_") else None)


# ---- Random TEI -----------------------------------------------------------

ELEMENTS = [
    "p", "ab", "hi", "emph", "foreign", "title", "q", "quote", "cit", "bibl", "list", "item", "label", "table",
    "row", "cell", "figure", "graphic", "head", "figDesc", "lb", "pb", "milestone", "ref", "ptr", "note", "seg",
    "anchor", "persName", "placeName", "rs", "date", "choice", "sic", "corr", "abbr", "expan", "add", "del", "subst",
    "unclear", "supplied", "gap", "space", "handShift", "app", "lem", "rdg", "div", "lg", "l", "madeUp", "opener",
]
NASTY = ["javascript:alert(1)", " JaVaScRiPt:x", "data:text/html,<b>", "\"><script>x</script>", "#n1", "#x",
         "registers.xml#stalin", "https://example.org/", "a b", "", "1950-06-25", "1950", "soon", "-0044", "italic bold",
         "block", "label", "2", "x\u00a0y", "<", "&amp;"]
ATTRIBUTES = ["rend", "type", "ref", "target", "url", "{http://www.w3.org/XML/1998/namespace}id",
              "{http://www.w3.org/XML/1998/namespace}lang", "when", "from", "to", "n", "place", "reason", "cols", "role", "style"]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("<&>\"' \n"), max_size=12)


@st.composite
def tei_element(draw, depth=0):
    name = draw(st.sampled_from(ELEMENTS))
    element = etree.Element(f"{{{TEI}}}{name}")
    for attribute in draw(st.lists(st.sampled_from(ATTRIBUTES), max_size=3, unique=True)):
        element.set(attribute, draw(st.sampled_from(NASTY)))
    element.text = draw(TEXT)
    if depth < 4:
        for child in draw(st.lists(tei_element(depth + 1), max_size=3)):
            child.tail = draw(TEXT)
            element.append(child)
    return element


# TEI_EDITION_RENDER_EXAMPLES=5000 for a longer local run.
@settings(
    max_examples=int(os.environ.get("TEI_EDITION_RENDER_EXAMPLES", "60")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(tei_element(), min_size=1, max_size=4))
def test_random_tei_pages_have_the_properties(children):
    root = etree.Element(f"{{{TEI}}}TEI", nsmap={None: TEI})
    header = etree.SubElement(root, f"{{{TEI}}}teiHeader")
    etree.SubElement(etree.SubElement(etree.SubElement(header, f"{{{TEI}}}fileDesc"), f"{{{TEI}}}titleStmt"), f"{{{TEI}}}title").text = "t"
    body = etree.SubElement(etree.SubElement(root, f"{{{TEI}}}text"), f"{{{TEI}}}body")
    body.extend(children)
    # Through the parser, as a file would come: what it refuses is not TEI.
    tree = parse_bytes(etree.tostring(root), "random.xml")
    check_page(tree, register_links=_links())
