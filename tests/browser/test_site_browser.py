"""The built edition in Chromium: from a name to its register entry and back, footnotes, search, axe.

The site of texts/ is built once for the module; each test serves it and
saves its screenshots in its own tmp_path.
"""

from __future__ import annotations

import pytest

from browser.conftest import describe_violations
from conftest import TEXTS
from tei_edition import search
from tei_edition.site import build

REVIEW = "rees-review.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not (TEXTS / "rees-review.xml").is_file():
        pytest.skip("texts/ has no review yet")
    out = tmp_path_factory.mktemp("site") / "_site"
    build([TEXTS], out, force=True)
    return out


def target_id(page) -> str:
    return page.evaluate("() => (document.querySelector(':target') || {}).id || ''")


def test_from_stalin_to_his_entry_and_back_to_the_mention(site, serve, page, page_errors, external_requests, tmp_path):
    base = serve(site)
    page.goto(base + REVIEW)
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)

    page.locator("main a.tei-persName", has_text="Stalin").first.click()
    page.wait_for_url(base + "persons.html#stalin")
    entry = page.locator("#stalin")
    assert target_id(page) == "stalin"
    assert entry.inner_text() == "Stalin, Joseph"
    assert entry.is_visible() and page.evaluate("() => document.getElementById('stalin').getBoundingClientRect().top") < 100, \
        "the entry is at the top of the window"
    page.screenshot(path=str(tmp_path / "persons-stalin.png"))

    back = page.locator("section.te-entry", has=entry).locator("a.te-mention").first
    href = back.get_attribute("href")
    assert href.startswith(REVIEW + "#m-")
    back.click()
    page.wait_for_url(base + href)
    mention = page.locator(f"#{href.partition('#')[2]}")
    assert mention.inner_text() == "Stalin" and mention.is_visible()
    assert target_id(page) == href.partition("#")[2]
    assert -2 < page.evaluate(f"() => document.getElementById('{href.partition('#')[2]}').getBoundingClientRect().top") < 900
    page.screenshot(path=str(tmp_path / "review-mention.png"))
    assert page_errors == []
    assert external_requests == []


def test_a_footnote_and_back(site, serve, page, page_errors, tmp_path):
    base = serve(site)
    page.goto(base + REVIEW)
    marker = page.locator("a.te-noteref").first
    marker_id = marker.get_attribute("id")
    note = marker.get_attribute("href")
    marker.click()
    page.wait_for_url(base + REVIEW + note)
    assert page.locator(note).is_visible() and target_id(page) == note[1:]
    page.screenshot(path=str(tmp_path / "footnote.png"))
    page.locator(note).locator("a.te-backlink").click()
    page.wait_for_url(base + REVIEW + "#" + marker_id)
    assert target_id(page) == marker_id
    assert -2 < page.evaluate(f"() => document.getElementById('{marker_id}').getBoundingClientRect().top") < 900
    assert page_errors == []


@pytest.mark.skipif(search.pagefind_executable() is None, reason="Pagefind is not installed (pip install 'pagefind[extended]')")
def test_searching_panmunjom_finds_the_review(site, serve, page, page_errors, external_requests, tmp_path):
    base = serve(site)
    page.goto(base + "search.html")
    page.get_by_role("searchbox").or_(page.get_by_role("textbox")).first.fill("Panmunjom")
    # Pagefind fills the result list one result at a time (each loads its own
    # fragment), so wait for the review's own link, not just the first one.
    review = page.locator(f'.pagefind-ui__result-link[href="/{REVIEW}"]')
    review.first.wait_for(timeout=15_000)
    page.screenshot(path=str(tmp_path / "search-results.png"), full_page=True)
    review.first.click()
    page.wait_for_url(base + REVIEW)
    assert page_errors == []
    assert external_requests == []


@pytest.mark.parametrize("name", ["index.html", REVIEW, "persons.html", "places.html", "map.html", "chronology.html"])
def test_no_serious_accessibility_violations(site, serve, page, axe, name, tmp_path):
    page.goto(serve(site) + name)
    page.screenshot(path=str(tmp_path / name.replace(".html", ".png")), full_page=True)
    violations = axe(page)
    assert violations == [], describe_violations(violations)
