"""Golden files: the page each fixture in tests/fixtures/render renders to.

Each ``tests/fixtures/render/NAME.xml`` is rendered with the register links of
``registers.json`` (and the parameters of ``NAME.params.json`` when there is
one) and compared with ``tests/golden/render/NAME.html``.

Both sides are normalised before comparing (:func:`normalise`): parsed as HTML
with lxml.html, attributes sorted, white space collapsed to one space and
dropped where HTML ignores it (at the edges of block elements), one block
element per line.  Attribute order and the serialiser's line breaks do not
matter; a changed word, element, class, id or link does, and so does a space
that appears or disappears between two words.

To accept new output after a deliberate change (docs/testing.md)::

    pytest tests/test_render_golden.py --accept-golden
    # or: TEI_EDITION_ACCEPT_GOLDEN=1 pytest tests/test_render_golden.py
    git diff tests/golden/render     # review, then commit
"""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from tei_edition.parsing import parse_file
from tei_edition.rendering import render_document
from tei_edition.resources import stylesheet

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "render"
GOLDEN = HERE / "golden" / "render"
NAMES = sorted(path.stem for path in FIXTURES.glob("*.xml"))

BLOCKS = frozenset(
    "html head body title meta link main header nav section article aside footer div p h1 h2 h3 h4 h5 h6 "
    "ul ol li dl dt dd table caption thead tbody tfoot tr td th figure figcaption blockquote details "
    "summary br hr img".split()
)


def register_links() -> dict:
    data = json.loads((FIXTURES / "registers.json").read_text(encoding="utf-8"))
    return {key: tuple(value) if isinstance(value, list) else value for key, value in data.items() if not key.startswith("_")}


def fixture_params(name: str) -> dict:
    path = FIXTURES / f"{name}.params.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def render_fixture(name: str) -> str:
    return render_document(
        parse_file(FIXTURES / f"{name}.xml"), register_links=register_links(), params=fixture_params(name)
    )


def _squeeze(text: str | None) -> str | None:
    return None if text is None else re.sub(r"\s+", " ", text)


def normalise(html: str) -> str:
    """A canonical form of an HTML page for comparison (see the module docstring)."""
    root = lxml.html.document_fromstring(html)
    elements = [element for element in root.iter() if isinstance(element.tag, str)]
    for element in elements:
        attributes = sorted(element.attrib.items())
        element.attrib.clear()
        for name, value in attributes:
            element.set(name, value)
        element.text = _squeeze(element.text)
        element.tail = _squeeze(element.tail)
    for element in elements:
        if element.tag not in BLOCKS:
            continue
        if element.text:
            element.text = element.text.lstrip()
        if len(element):
            if element[-1].tail:
                element[-1].tail = element[-1].tail.rstrip()
        elif element.text:
            element.text = element.text.rstrip()
        if element.tail:
            element.tail = element.tail.lstrip()
        previous = element.getprevious()
        if previous is not None and previous.tail:
            previous.tail = previous.tail.rstrip()
        elif previous is None and element.getparent() is not None and element.getparent().text:
            element.getparent().text = element.getparent().text.rstrip()
    text = etree.tostring(root, method="html", encoding="unicode")
    blocks = "|".join(sorted(BLOCKS))
    return re.sub(rf"(<(?:{blocks})\b)", r"\n\1", text).strip() + "\n"


def _accepting(request) -> bool:
    return bool(request.config.getoption("--accept-golden", default=False)) or os.environ.get(
        "TEI_EDITION_ACCEPT_GOLDEN"
    ) == "1"


@pytest.mark.parametrize("name", NAMES)
def test_fixture_matches_golden_file(name, request):
    html = render_fixture(name)
    assert html.startswith("<!DOCTYPE html>\n<html lang=")
    golden = GOLDEN / f"{name}.html"
    if _accepting(request):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(html, encoding="utf-8")
        return
    assert golden.exists(), f"no golden file {golden.relative_to(HERE.parent)}: run pytest {__file__} --accept-golden"
    expected, actual = normalise(golden.read_text(encoding="utf-8")), normalise(html)
    if expected != actual:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True), "golden", "rendered", n=2
            )
        )
        pytest.fail(f"{name}: the rendering differs from {golden.name} (accept with --accept-golden):\n{diff}")


def test_every_golden_file_has_a_fixture():
    orphans = sorted(path.name for path in GOLDEN.glob("*.html") if path.stem not in NAMES)
    assert not orphans, f"golden files without a fixture: {orphans}"


def test_normalisation_ignores_layout_but_not_words():
    page = '<!DOCTYPE html>\n<html lang="en"><body><p class="a" id="x">One <b>two</b></p>\n\n<ul>\n<li>three</li></ul></body></html>'
    relaid = '<!DOCTYPE html>\n<html lang="en">\n<body>\n  <p id="x" class="a">One   <b>two</b></p><ul><li>\nthree\n</li>\n</ul>\n</body>\n</html>\n'
    assert normalise(page) == normalise(relaid)
    assert normalise(page) != normalise(page.replace("One <b>", "One<b>"))
    assert normalise(page) != normalise(page.replace('class="a"', 'class="b"'))


def test_rendering_is_deterministic():
    assert render_fixture("notes") == render_fixture("notes")


def test_golden_pages_are_valid_html5():
    """The Nu HTML Checker, through the same helper the site tests use."""
    import sitecheck

    reason = sitecheck.validator_missing()
    if reason:
        pytest.skip(reason)
    assert sitecheck.html_errors(GOLDEN) == []


def test_golden_pages_have_no_serious_accessibility_violations(tmp_path):
    """axe-core in headless Chromium, as in tests/browser (same variable),
    with xslt/edition.css next to the pages (colour contrast counts)."""
    axe = os.environ.get("TEI_EDITION_AXE_JS")
    if not axe or not Path(axe).is_file():
        pytest.skip("axe-core is missing: set TEI_EDITION_AXE_JS to axe.min.js (npm install axe-core@4; .ci/run does)")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is missing (/usr/bin/chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    import shutil

    script = Path(axe).read_text(encoding="utf-8")
    for golden in GOLDEN.glob("*.html"):
        shutil.copy(golden, tmp_path / golden.name)
    shutil.copy(stylesheet("edition.css"), tmp_path / "edition.css")
    found = {}
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page(bypass_csp=True)
            for golden in sorted(tmp_path.glob("*.html")):
                page.goto(golden.as_uri())
                page.add_script_tag(content=script)
                result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
                serious = [(v["id"], v["nodes"][0]["html"][:120]) for v in result["violations"] if v["impact"] in ("serious", "critical")]
                if serious:
                    found[golden.name] = serious
        finally:
            browser.close()
    assert not found, found
