"""The edition's own text, rendered with links into its registers.

Expectations are read from the TEI itself, so that editing the text does not
break the test: every name that points to one register entry links to it,
every note is a footnote, every gap is visible with its reason, a block
quotation is a figure.
"""

from __future__ import annotations

from collections import Counter

import pytest
from lxml import etree

from conftest import TEXTS
from tei_edition.parsing import parse_file
from tei_edition.rendering import html_ids, render_tree

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
REVIEW = TEXTS / "rees-review.xml"
REGISTERS = TEXTS / "registers.xml"
PAGES = {"person": "persons.html", "place": "places.html", "org": "orgs.html", "bibl": "works.html", "event": "events.html"}
NAMES = ("persName", "placeName", "orgName", "eventName", "rs", "title")

pytestmark = pytest.mark.skipif(not (REVIEW.is_file() and REGISTERS.is_file()), reason="texts/ has no review and registers yet")


def register_links() -> dict:
    links = {}
    for element in parse_file(REGISTERS).getroot().iter():
        if isinstance(element.tag, str) and element.tag.startswith(TEI):
            kind = element.tag[len(TEI):]
            if kind in PAGES and element.get(XML_ID):
                entry = element.get(XML_ID)
                links[f"registers.xml#{entry}"] = f"{PAGES[kind]}#{entry}"
    return links


@pytest.fixture(scope="module")
def review():
    tree = parse_file(REVIEW)
    return tree, render_tree(tree, register_links=register_links())


def text_elements(tree, name):
    return tree.getroot().findall(f".//{TEI}text//{TEI}{name}")


def test_names_link_to_their_register_entries(review):
    tree, page = review
    links = register_links()
    expected = Counter()
    for name in NAMES:
        for element in text_elements(tree, name):
            targets = (element.get("ref") or "").split()
            nested = element.find(f".//{TEI}note") is not None or any(
                descendant.get("ref") for descendant in element.iterdescendants() if isinstance(descendant.tag, str)
            )
            if len(targets) == 1 and targets[0] in links and not nested:
                expected[(name, links[targets[0]])] += 1
    assert expected, "the review has names pointing into the registers"
    found = Counter()
    for anchor in page.iter("a"):
        for name in NAMES:
            classes = (anchor.get("class") or "").split()
            parent_classes = (anchor.getparent().get("class") or "").split()
            if f"tei-{name}" in classes or (f"tei-{name}" in parent_classes and "te-link" in classes):
                found[(name, anchor.get("href"))] += 1
    for key, count in expected.items():
        assert found[key] >= count, f"{key}: {found[key]} links, expected {count}"


def test_every_note_is_a_footnote_with_links_both_ways(review):
    tree, page = review
    notes = text_elements(tree, "note")
    entries = page.xpath("//ol[@class = 'te-note-list']/li")
    assert len(entries) == len(notes)
    ids = html_ids(tree)
    for note, entry in zip(notes, entries):
        if note.get(XML_ID):
            assert entry.get("id") == ids[note.get(XML_ID)]
        marker = page.xpath(f"//a[@class = 'te-noteref'][@href = '#{entry.get('id')}']")
        assert len(marker) == 1
        assert entry.xpath("a[@class = 'te-backlink']/@href") == [f"#{marker[0].get('id')}"]


def test_gaps_are_visible_with_their_reason(review):
    tree, page = review
    gaps = text_elements(tree, "gap")
    rendered = page.xpath("//*[contains(concat(' ', @class, ' '), ' tei-gap ')]")
    assert len(rendered) == len(gaps)
    for gap, element in zip(gaps, rendered):
        text = "".join(element.itertext())
        assert text.startswith("[…") and text.endswith("]")
        if gap.get("reason"):
            assert gap.get("reason") in text


def test_block_quotations_are_figures_with_their_source(review):
    tree, page = review
    blocks = [cit for cit in text_elements(tree, "cit") if "block" in (cit.get("rend") or "").split()]
    figures = page.xpath("//figure[contains(concat(' ', @class, ' '), ' tei-cit ')]")
    assert len(figures) == len(blocks)
    for figure in figures:
        assert figure.xpath("blockquote") and figure.xpath("figcaption")


def test_corrections_show_the_corrected_reading(review):
    tree, page = review
    for choice, element in zip(text_elements(tree, "choice"), page.xpath("//*[contains(concat(' ', @class, ' '), ' tei-choice ')]")):
        corr = choice.find(f"{TEI}corr")
        sic = choice.find(f"{TEI}sic")
        if corr is None or sic is None:
            continue
        shown = element.xpath("*[not(contains(@class, 'te-visually-hidden'))]")
        assert "".join(shown[0].itertext()) == "".join(corr.itertext())
        assert "".join(sic.itertext()) in element.get("title")


def test_the_page_is_in_the_text_language(review):
    tree, page = review
    language = tree.getroot().get("{http://www.w3.org/XML/1998/namespace}lang")
    assert page.get("lang") == (language or "en")
    assert etree.tostring(page, method="html", encoding="unicode").count("<h1") == 1
