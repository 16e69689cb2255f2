"""Hostile values in TEI never become script in the page (issue 6).

One test per vector, each asserting the exact inert rendering; the
properties test (test_render_properties.py) checks the same rules on
every page and on random input.
"""

from __future__ import annotations

import pytest
from lxml import etree

from tei_edition.diagnostics import FileReport
from tei_edition.parsing import parse_bytes
from tei_edition.rendering import render_document, render_tree, safe_id, safe_url

TEI_NS = "http://www.tei-c.org/ns/1.0"


def page(body: str, *, title: str = "t", links=None, report=None, lang: str = "en") -> etree._Element:
    data = (
        f'<TEI xmlns="{TEI_NS}" xml:lang="{lang}"><teiHeader><fileDesc><titleStmt><title>{title}</title></titleStmt>'
        f"</fileDesc></teiHeader><text><body>\n<p>{body}</p></body></text></TEI>"
    ).encode()
    return render_tree(parse_bytes(data, "hostile.xml"), register_links=links, report=report)


def html(element) -> str:
    return etree.tostring(element, method="html", encoding="unicode", with_tail=False)


def only(root, xpath: str) -> str:
    found = root.xpath(xpath)
    assert len(found) == 1, f"{xpath}: {len(found)} matches"
    return html(found[0])


def no_script(root) -> None:
    text = etree.tostring(root, method="html", encoding="unicode")
    assert "<script" not in text.lower()
    assert not root.xpath("//@*[starts-with(translate(name(), 'ON', 'on'), 'on') or name() = 'style']")
    for value in root.xpath("//@href | //@src"):
        assert safe_url(value) is not None, value


def test_javascript_in_ref_target():
    report = FileReport("hostile.xml")
    root = page('<ref target="javascript:alert(1)">click</ref>', report=report)
    assert only(root, "//*[contains(@class, 'tei-ref')]") == '<span class="tei-ref te-unsafe-link">click</span>'
    no_script(root)
    [warning] = report.diagnostics
    assert (warning.line, warning.rule) == (2, "unsafe-url")
    assert "'javascript:'" in warning.message and "shown as text" in warning.message


def test_javascript_in_ptr_target_is_shown_as_text():
    root = page('<ptr target="javascript:alert(1)"/>')
    assert only(root, "//*[contains(@class, 'tei-ptr')]") == '<span class="tei-ptr te-unsafe-link">javascript:alert(1)</span>'
    no_script(root)


def test_javascript_in_graphic_url():
    root = page('<graphic url="javascript:alert(1)"/>')
    assert only(root, "//*[contains(@class, 'tei-graphic')]") == (
        '<span class="tei-graphic te-unsafe-link">javascript:alert(1)</span>'
    )
    assert not root.xpath("//img")
    no_script(root)


def test_javascript_in_persname_ref_is_never_a_link():
    root = page('<persName ref="javascript:alert(1)">Stalin</persName>')
    assert only(root, "//*[contains(@class, 'tei-persName')]") == '<span class="tei-persName">Stalin</span>'
    no_script(root)


def test_unsafe_href_from_the_register_mapping_is_refused():
    report = FileReport("hostile.xml")
    root = page('<persName ref="#s">Stalin</persName>', links={"#s": "javascript:alert(1)"}, report=report)
    assert only(root, "//*[contains(@class, 'tei-persName')]") == '<span class="tei-persName">Stalin</span>'
    assert [d.rule for d in report.diagnostics] == ["unsafe-url"]
    no_script(root)


def test_mixed_case_scheme():
    root = page('<ref target="JaVaScRiPt:alert(1)">x</ref> <graphic url="JAVASCRIPT:alert(1)"/>')
    assert only(root, "//*[contains(@class, 'tei-ref')]") == '<span class="tei-ref te-unsafe-link">x</span>'
    assert only(root, "//*[contains(@class, 'tei-graphic')]") == (
        '<span class="tei-graphic te-unsafe-link">JAVASCRIPT:alert(1)</span>'
    )
    no_script(root)


@pytest.mark.parametrize(
    "url",
    ["&#9;&#10; javascript:alert(1)", "java&#9;script:alert(1)", "java&#10;script:alert(1)", "  javascript:alert(1)  ",
     "&#13;javascript:alert(1)", "&#160;javascript:alert(1)", "&#x2028;javascript:alert(1)"],
)
def test_white_space_and_control_characters_around_the_scheme(url):
    # Browsers drop tabs and newlines anywhere and strip C0 controls and
    # spaces at the ends before they read the scheme.
    root = page(f'<graphic url="{url}"/>')
    assert not root.xpath("//img | //a[contains(@class, 'tei-graphic')]")
    assert root.xpath("//span[@class = 'tei-graphic te-unsafe-link']")
    no_script(root)


def test_leading_white_space_in_ref_target():
    root = page('<ref target="&#9;&#10; javascript:alert(1)">x</ref>')
    assert only(root, "//*[contains(@class, 'tei-ref')]") == '<span class="tei-ref te-unsafe-link">x</span>'
    no_script(root)


def test_data_url():
    root = page('<ref target="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">d</ref>'
                '<graphic url="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"/>')
    assert only(root, "//*[contains(@class, 'tei-ref')]") == '<span class="tei-ref te-unsafe-link">d</span>'
    assert only(root, "//*[contains(@class, 'tei-graphic')]") == (
        '<span class="tei-graphic te-unsafe-link">data:image/svg+xml,&lt;svg onload=alert(1)&gt;</span>'
    )
    no_script(root)


def test_vbscript_url():
    root = page('<ref target="vbscript:msgbox(1)">v</ref>')
    assert only(root, "//*[contains(@class, 'tei-ref')]") == '<span class="tei-ref te-unsafe-link">v</span>'
    no_script(root)


def test_markup_in_xml_id_becomes_a_harmless_id():
    root = page('<seg xml:id="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">s</seg><ref target="#&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">r</ref>')
    assert only(root, "//*[contains(@class, 'tei-seg')]") == '<span id="___script_alert_1___script_" class="tei-seg">s</span>'
    # The pointer to it still lands there.
    assert only(root, "//*[contains(@class, 'tei-ref')]") == '<a class="tei-ref" href="#___script_alert_1___script_">r</a>'
    no_script(root)


def test_attribute_injection_in_rend_becomes_class_tokens():
    root = page('<hi rend="x&quot; onmouseover=&quot;alert(1)">h</hi>')
    assert only(root, "//*[contains(@class, 'tei-hi')]") == (
        '<span class="tei-hi tei-hi--x tei-hi--onmouseover-alert-1">h</span>'
    )
    no_script(root)


def test_style_never_becomes_a_style_attribute():
    root = page('<hi style="background:url(javascript:alert(1)); color:red" rend="italic">h</hi>')
    assert only(root, "//*[contains(@class, 'tei-hi')]") == '<i class="tei-hi tei-hi--italic">h</i>'
    no_script(root)


def test_rendition_css_is_read_not_copied():
    data = (
        f'<TEI xmlns="{TEI_NS}"><teiHeader><encodingDesc><tagsDecl><rendition xml:id="r" scheme="css">'
        "font-weight:bold; background:url(javascript:alert(1))</rendition></tagsDecl></encodingDesc></teiHeader>"
        '<text><body><p><hi rendition="#r">b</hi></p></body></text></TEI>'
    ).encode()
    root = render_tree(parse_bytes(data, "r.xml"))
    assert only(root, "//*[contains(@class, 'tei-hi')]") == '<b class="tei-hi">b</b>'
    no_script(root)


def test_script_as_text_stays_text():
    root = page("a &lt;script&gt;alert(1)&lt;/script&gt; and &lt;img src=x onerror=alert(1)&gt;")
    assert not root.xpath("//script | //img")
    text = render_document(parse_bytes(
        f'<TEI xmlns="{TEI_NS}"><text><body><p>&lt;script&gt;alert(1)&lt;/script&gt;</p></body></text></TEI>'.encode(),
        "t.xml"))
    assert '<p class="tei-p">&lt;script&gt;alert(1)&lt;/script&gt;</p>' in text
    no_script(root)


def test_script_in_header_title():
    text = render_document(parse_bytes(
        f'<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;'
        "</title></titleStmt></fileDesc></teiHeader><text><body><p>x</p></body></text></TEI>".encode(), "t.xml"))
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in text
    assert '<h1 class="tei-title te-title">&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>' in text
    assert "<script" not in text


def test_hostile_register_label_is_escaped():
    label = '"><script>alert(1)</script>'
    root = page('<persName ref="#s">S</persName>', links={"#s": ("persons.html#s", label)})
    assert only(root, "//*[contains(@class, 'tei-persName')]") == (
        '<a class="tei-persName" href="persons.html#s" title=\'"&gt;&lt;script&gt;alert(1)&lt;/script&gt;\'>S</a>'
    )
    no_script(root)


def test_hostile_xml_lang_is_dropped():
    root = page('<foreign xml:lang="en&quot; onload=&quot;alert(1)">f</foreign>', lang="de&quot; onload=&quot;x")
    assert only(root, "//*[contains(@class, 'tei-foreign')]") == '<span class="tei-foreign">f</span>'
    assert root.get("lang") == "en"  # the default: the TEI's value is not a language tag
    no_script(root)


def test_hostile_type_becomes_a_class_token():
    root = page('<seg type="&lt;b onclick=alert(1)&gt;">t</seg>')
    assert only(root, "//*[contains(@class, 'tei-seg')]") == '<span class="tei-seg tei-seg--b tei-seg--onclick-alert-1">t</span>'
    no_script(root)


def test_licence_with_javascript_target():
    data = (
        f'<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt><publicationStmt>'
        '<availability><licence target="javascript:alert(1)">CC</licence></availability></publicationStmt>'
        "</fileDesc></teiHeader><text><body><p>x</p></body></text></TEI>"
    ).encode()
    root = render_tree(parse_bytes(data, "l.xml"))
    assert only(root, "//*[contains(@class, 'tei-licence')]") == '<span class="tei-licence te-unsafe-link">CC</span>'
    no_script(root)


def test_safe_links_still_work():
    root = page('<ref target="https://example.org/?a=1&amp;b=2">w</ref> <ref target="mailto:a@example.org">m</ref> '
                '<ref target="notes/a.html">r</ref> <graphic url="img/a.png"/>')
    assert [a.get("href") for a in root.xpath("//a[contains(@class, 'tei-ref')]")] == [
        "https://example.org/?a=1&b=2", "mailto:a@example.org", "notes/a.html"]
    assert root.xpath("//img/@src") == ["img/a.png"]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("https://example.org/", "https://example.org/"),
        ("HTTP://example.org/", "HTTP://example.org/"),
        ("mailto:x@example.org", "mailto:x@example.org"),
        ("a/b.html#c", "a/b.html#c"),
        ("#id", "#id"),
        (" \t https://example.org/\n", "https://example.org/"),
        ("javascript:alert(1)", None),
        ("jav\tascript:alert(1)", None),
        ("\x01javascript:alert(1)", None),
        ("\u00a0javascript:alert(1)", None),
        ("data:text/html,x", None),
        ("vbscript:x", None),
        ("file:///etc/passwd", None),
        ("ftp://example.org/", None),
        ("", None),
        ("   ", None),
    ],
)
def test_safe_url(value, expected):
    assert safe_url(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [("p1", "p1"), ("Ölmühle.2", "Ölmühle.2"), ("a b", "a_b"), ('"><x>', "___x_"), ("a:b", "a_b"), ("", None)],
)
def test_safe_id(value, expected):
    assert safe_id(value) == expected


def test_a_document_too_deep_to_render_is_an_error_with_its_position():
    from tei_edition.errors import XMLProblem

    depth = 450
    data = (f'<TEI xmlns="{TEI_NS}"><text><body>\n<p>' + "<hi>" * depth + "x" + "</hi>" * depth + "</p></body></text></TEI>").encode()
    tree = parse_bytes(data, "deep.xml", huge=True)
    with pytest.raises(XMLProblem) as caught:
        render_document(tree)
    assert str(caught.value).endswith(
        "deep.xml:2:1: error: elements are nested 454 levels deep here; pages are rendered for up to 400 levels"
    )
    assert caught.value.exit_code == 1


def test_the_deepest_document_the_parser_allows_by_default_renders():
    depth = 250
    data = (f'<TEI xmlns="{TEI_NS}"><text><body><p>' + "<hi rend='italic'>" * depth + "x" + "</hi>" * depth + "</p></body></text></TEI>").encode()
    assert "x</i>" in render_document(parse_bytes(data, "deep.xml"))


@pytest.mark.parametrize(
    "body",
    ["<p>" + "line<lb/>" * 20000 + "</p>", "<list>" + "<item>i</item><pb/>" * 5000 + "</list>",
     "<table>" + "<row><cell>a</cell><pb/><cell>b</cell></row>" * 3000 + "</table>"],
    ids=["20000-line-breaks", "5000-items", "3000-rows"],
)
def test_long_sequences_render_in_linear_time(body):
    import time

    data = f'<TEI xmlns="{TEI_NS}"><text><body>{body}</body></text></TEI>'.encode()
    tree = parse_bytes(data, "long.xml")
    started = time.monotonic()
    render_document(tree)
    assert time.monotonic() - started < 5  # quadratic versions took minutes
