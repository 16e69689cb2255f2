"""Issue 6: hostile values in TEI never become script in the built site, end to end.

One test per vector: a project whose only text carries the vector goes
through ``tei-edition build`` (in-process, as the command line runs it).
Each test asserts the exit status (values the profile rejects stop the
build; ``--force`` builds anyway), the exact inert HTML the value became,
the exact warning for a refused URL, and then checks every page of the site
with lxml.html (``check_site_is_safe``: no script of the TEI's, no ``on*`` or
``style`` attribute, no unsafe URL, the Content-Security-Policy everywhere).

The rendering-level versions (``render_tree``) are in tests/test_render_xss.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
import pytest
from hostile_kit import check_site_is_safe, needs_build, project, tei

pytestmark = needs_build

UNSAFE_LINK = ("warning: @target of <ref> uses the URL scheme '{scheme}:' and is shown as text, not as a link "
               "(only http, https, mailto and relative links are made): '{url}' [unsafe-url]")
UNSAFE_IMAGE = "warning: @url of <graphic> uses the URL scheme '{scheme}:' and is shown as text, not as an image: '{url}' [unsafe-url]"


@dataclass
class Vector:
    tei: dict
    page: str  # the page to look at, or "" for the text's own page
    xpath: str  # the element that carries the value, on that page
    html: str  # exactly what it became
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (line, message after the column)
    invalid: str | None = None  # the validation error that stops the build without --force (after "name.xml:")


VECTORS = {
    "script-in-text": Vector(
        dict(body='<p>Text &lt;script&gt;alert("text")&lt;/script&gt; and &lt;img src=x onerror=alert(1)&gt;</p>'),
        "", "//div[contains(@class, 'tei-body')]/p",
        '<p class="tei-p">Text &lt;script&gt;alert("text")&lt;/script&gt; and &lt;img src=x onerror=alert(1)&gt;</p>'),
    "javascript-in-ref": Vector(
        dict(body='<p><persName ref="javascript:alert(1)">Stalin</persName></p>'),
        "", "//div[contains(@class, 'tei-body')]//*[contains(@class, 'tei-persName')]", '<span class="tei-persName">Stalin</span>'),
    "javascript-in-target-mixed-case-and-white-space": Vector(
        dict(body='<p><ref target="JaVaScRiPt:alert(1)">mixed</ref> <ref target="&#9;&#10; javascript:alert(2)">spaces</ref></p>'),
        "", "//div[contains(@class, 'tei-body')]/p",
        '<p class="tei-p"><span class="tei-ref te-unsafe-link">mixed</span> <span class="tei-ref te-unsafe-link">spaces</span></p>',
        [(5, UNSAFE_LINK.format(scheme="javascript", url="JaVaScRiPt:alert(1)")),
         (5, UNSAFE_LINK.format(scheme="javascript", url="javascript:alert(2)"))]),
    "data-and-vbscript-in-target": Vector(
        dict(body='<p><ref target="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">data</ref> '
                  '<ref target="vbscript:msgbox(1)">vb</ref></p>'),
        "", "//div[contains(@class, 'tei-body')]/p",
        '<p class="tei-p"><span class="tei-ref te-unsafe-link">data</span> <span class="tei-ref te-unsafe-link">vb</span></p>',
        [(5, UNSAFE_LINK.format(scheme="data", url="data:text/html,<script>alert(1)</script>")),
         (5, UNSAFE_LINK.format(scheme="vbscript", url="vbscript:msgbox(1)"))]),
    "javascript-and-svg-data-in-url": Vector(
        dict(body='<figure><graphic url="javascript:alert(3)"/></figure>'
                  '<figure><graphic url="data:image/svg+xml,&lt;svg onload=alert(5)&gt;"/></figure>'),
        "", "//div[contains(@class, 'tei-body')]",
        '<div class="tei-body">\n<figure class="tei-figure"><span class="tei-graphic te-unsafe-link">javascript:alert(3)</span></figure>'
        '<figure class="tei-figure"><span class="tei-graphic te-unsafe-link">data:image/svg+xml,&lt;svg onload=alert(5)&gt;</span>'
        "</figure>\n</div>",
        [(5, UNSAFE_IMAGE.format(scheme="javascript", url="javascript:alert(3)")),
         (5, UNSAFE_IMAGE.format(scheme="data", url="data:image/svg+xml,<svg onload=alert(5)>"))],
        invalid='5:71: error: invalid value "data:image/svg+xml,<svg onl..." for @url on <graphic>; expected a URI '
                "matching \\S+ [relaxng]"),
    "attribute-injection-in-rend": Vector(
        dict(body='<p><hi rend="x&quot; onmouseover=&quot;alert(7)">rend</hi></p>'),
        "", "//*[contains(@class, 'tei-hi')]", '<span class="tei-hi tei-hi--x tei-hi--onmouseover-alert-7">rend</span>'),
    "javascript-in-style": Vector(
        dict(body='<p><hi style="background:url(javascript:alert(8))">style</hi></p>'),
        "", "//*[contains(@class, 'tei-hi')]", '<span class="tei-hi">style</span>'),
    "markup-in-xml-id": Vector(
        dict(body='<p xml:id="x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">id</p>'),
        "", "//div[contains(@class, 'tei-body')]/p", '<p id="x___script_alert_1___script_" class="tei-p">id</p>',
        invalid='5:4: error: invalid value "x"><script>alert(1)</script>" for @xml:id on <p>; expected an identifier '
                "(an XML name without colons) [relaxng]"),
    "script-in-header-title": Vector(
        dict(title='&lt;/title&gt;&lt;script&gt;alert("title")&lt;/script&gt;'),
        "", "//head/title", '<title>&lt;/title&gt;&lt;script&gt;alert("title")&lt;/script&gt; – TEI edition</title>'),
    "markup-in-register-name-and-note": Vector(
        dict(body='<p><persName ref="#evil">Evil</persName></p>',
             back='<standOff><listPerson><person xml:id="evil"><persName>&lt;img src=x onerror=alert(1)&gt;</persName>'
                  "<note>&lt;script&gt;alert(11)&lt;/script&gt;</note></person></listPerson></standOff>"),
        "persons.html", "//section[contains(@class, 'te-entry')]/*[not(contains(@class, 'mentions'))]",
        '<h2 id="evil" class="te-entry-label">&lt;img src=x onerror=alert(1)&gt;</h2>\n'
        '<div class="te-entry-note">&lt;script&gt;alert(11)&lt;/script&gt;</div>\n'),
    "javascript-in-idno-uri": Vector(
        dict(body='<p><persName ref="#p1">P</persName></p>',
             back='<standOff><listPerson><person xml:id="p1"><persName>P</persName><idno type="URI">javascript:alert(10)</idno>'
                  "</person></listPerson></standOff>"),
        "persons.html", "//p[contains(@class, 'te-entry-authorities')]",
        '<p class="te-entry-authorities"><span class="te-label">Authority files: </span>URI javascript:alert(10)</p>',
        [(6, "warning: <idno> of <person xml:id=\"p1\"> uses the URL scheme 'javascript:' and is shown as text, not as a "
             "link (only http, https, mailto and relative links are made): 'javascript:alert(10)' [unsafe-url]")]),
    "attribute-injection-in-xml-lang": Vector(
        dict(root_attributes=' xml:lang="en&quot; onload=&quot;alert(1)"'),
        "", "/html/@lang", "en",
        invalid='2:42: error: invalid value "en" onload="alert(1)" for @xml:lang on <TEI>; expected "" or a language tag '
                "(e.g. en, de-AT) [relaxng]"),
    "javascript-in-licence-target": Vector(
        dict(header=tei().split("\n")[2].replace('target="https://creativecommons.org/licenses/by/4.0/"',
                                                 'target="javascript:alert(9)"')),
        "", "//*[contains(@class, 'licence')][not(self::p)]",
        "", [(3, "warning: @target of <licence> uses the URL scheme 'javascript:' and is shown as text, not as a link "
                 "(only http, https, mailto and relative links are made): 'javascript:alert(9)' [unsafe-url]")]),
    "javascript-in-facs": Vector(
        dict(body='<p>a<pb n="2" facs="javascript:alert(1)"/>b</p>'),
        "", "//*[contains(@class, 'tei-pb')]",
        '<span id="page-2" class="tei-pb" role="doc-pagebreak" aria-label="Page 2"><span class="te-page-number">[2]</span></span>'),
}


def fragment(page, xpath: str) -> str:
    found = page.xpath(xpath)
    assert found, f"{xpath}: nothing on the page"
    return "".join(item if isinstance(item, str) else lxml.html.tostring(item, encoding="unicode", with_tail=False)
                   + ("\n" if len(found) > 1 else "") for item in found)


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_xss_vector_is_inert_in_the_built_site(cli_run, tmp_path, name):
    vector = VECTORS[name]
    root = project(tmp_path, {f"texts/{name}.xml": tei(**vector.tei)}, secret=False)
    code, stdout, stderr = cli_run("build", cwd=root)
    if vector.invalid:
        assert code == 1
        assert f"texts/{name}.xml:{vector.invalid}" in stdout.splitlines()
        assert not (root / "_site").exists()
        code, stdout, stderr = cli_run("build", "--force", cwd=root)
    assert code == 0, stdout + stderr
    site = root / "_site"
    page = lxml.html.parse(str(site / (vector.page or f"{name}.html"))).getroot()
    if vector.html:
        assert fragment(page, vector.xpath) == vector.html
    said = sorted(re.sub(r"^(texts/[^:]+:\d+):\d+:", r"\1:", line) for line in stderr.splitlines() if "[unsafe-url]" in line)
    assert said == sorted(f"texts/{name}.xml:{number}: {message}" for number, message in vector.warnings)  # any column
    check_site_is_safe(site)


def test_the_licence_vector_is_text_on_the_page(cli_run, tmp_path):
    vector = VECTORS["javascript-in-licence-target"]
    root = project(tmp_path, {"texts/l.xml": tei(**vector.tei)}, secret=False)
    assert cli_run("build", cwd=root)[0] == 0
    page = lxml.html.parse(str(root / "_site" / "l.html")).getroot()
    assert not page.xpath("//a[contains(@href, 'alert')]")
    assert "CC BY 4.0" in page.text_content()


def test_a_refused_idno_uri_is_reported(cli_run, tmp_path):
    """(pb/@facs and the @ref of a name never become links, whatever the scheme: nothing is refused there.)"""
    name = "javascript-in-idno-uri"
    root = project(tmp_path, {f"texts/{name}.xml": tei(**VECTORS[name].tei)}, secret=False)
    code, _, stderr = cli_run("build", cwd=root)
    assert code == 0
    assert f"texts/{name}.xml:6:0: warning: <idno> of <person xml:id=\"p1\"> uses the URL scheme 'javascript:' and is shown as text, not as a link (only http, https, mailto and relative links are made): 'javascript:alert(10)' [unsafe-url]" in stderr.splitlines(), stderr


def test_the_site_check_finds_what_it_looks_for(tmp_path):
    from hostile_kit import check_site_is_safe as check

    meta = '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'">'
    bad = {
        "inline script": "<script>alert(1)</script>",
        "event handler": '<p onclick="alert(1)">x</p>',
        "style": '<p style="color:red">x</p>',
        "javascript link": '<a href=" JavaScript:alert(1)">x</a>',
        "data image": '<img src="data:image/svg+xml,x">',
        "foreign script": '<script src="https://evil.example/x.js"></script>',
        "iframe": '<iframe src="x.html"></iframe>',
    }
    for what, body in bad.items():
        site = tmp_path / what.replace(" ", "-")
        site.mkdir()
        (site / "index.html").write_text(f"<!DOCTYPE html><html><head>{meta}</head><body>{body}</body></html>")
        with pytest.raises(AssertionError):
            check(site)
    site = tmp_path / "no-policy"
    site.mkdir()
    (site / "index.html").write_text("<!DOCTYPE html><html><head></head><body><p>x</p></body></html>")
    with pytest.raises(AssertionError, match="no Content-Security-Policy"):
        check(site)
    site = tmp_path / "fine"
    site.mkdir()
    (site / "x.js").write_text("")
    (site / "index.html").write_text(f'<!DOCTYPE html><html><head>{meta}<script src="x.js"></script></head>'
                                     '<body><p title="&lt;img src=x onerror=alert(1)&gt;">x</p></body></html>')
    assert check(site) == [site / "index.html"]


def test_all_vectors_in_one_site(cli_run, tmp_path):
    """Every vector at once, and the registers, chronology, map and search pages they feed."""
    files = {f"texts/{name}.xml": tei(**vector.tei) for name, vector in VECTORS.items()}
    root = project(tmp_path, files, secret=False)
    code, stdout, stderr = cli_run("build", "--force", cwd=root)
    assert code == 0, stdout + stderr
    pages = check_site_is_safe(root / "_site")
    assert len(pages) >= len(VECTORS) + 3
