"""Integrity checks through the API: positions, pointer forms, and the cases that must stay quiet."""

from __future__ import annotations

import os
import re

import pytest

from conftest import MAECHTE, ROOT, needs_maechte
from tei_edition.integrity import SourceMap, locate
from tei_edition.parsing import parse_bytes
from tei_edition.validation import validate

FIXTURES = ROOT / "tests" / "fixtures" / "validate"
ANYTHING = FIXTURES / "anything.rng"
TEI = 'xmlns="http://www.tei-c.org/ns/1.0"'


def elements(tree, local):
    return [e for e in tree.iter() if isinstance(e.tag, str) and e.tag.endswith("}" + local)]


# ---------------------------------------------------------------- positions


def test_start_tag_spread_over_lines():
    source = f'<TEI {TEI}>\n  <p\n     rend="x"\n     n="2"\n  >text</p>\n</TEI>'.encode()
    tree = parse_bytes(source)
    (p,) = elements(tree, "p")
    assert p.sourceline == 5  # libxml2 gives the line where the start tag ends
    sourcemap = SourceMap(source, "utf-8")
    assert sourcemap.element(p) == (2, 3)
    assert sourcemap.attribute(p, "rend") == (3, 6)
    assert sourcemap.attribute(p, "n") == (4, 6)


def test_same_name_on_one_line():
    text = f'<TEI {TEI}><p/><p n="2"/><p xml:id="three"/></TEI>'
    tree = parse_bytes(text.encode())
    sourcemap = SourceMap(text.encode())
    expected = [text.index("<p/>") + 1, text.index('<p n="2"/>') + 1, text.index("<p xml:id") + 1]
    assert [sourcemap.element(p) for p in elements(tree, "p")] == [(1, column) for column in expected]
    third = elements(tree, "p")[2]
    assert sourcemap.attribute(third, "{http://www.w3.org/XML/1998/namespace}id") == (1, text.index("xml:id") + 1)


def test_markup_in_comments_and_cdata_is_not_a_tag():
    source = f'<TEI {TEI}><!-- <p> --><![CDATA[<p>]]><?pi <p>?><p/></TEI>'.encode()
    tree = parse_bytes(source)
    (p,) = elements(tree, "p")
    assert SourceMap(source).element(p) == (1, source.index(b"<p/>") + 1)


def test_prefixed_names_crlf_and_bom():
    source = '\ufeff<tei:TEI xmlns:tei="http://www.tei-c.org/ns/1.0">\r\n\r\n  <tei:p>x</tei:p></tei:TEI>'.encode()
    tree = parse_bytes(source)
    (p,) = elements(tree, "p")
    assert locate(source, p) == (3, 3)


def test_columns_count_characters_not_bytes():
    source = f'<TEI {TEI}><p>Ä ö ü 漢字</p><p n="x"/></TEI>'.encode()
    tree = parse_bytes(source)
    second = elements(tree, "p")[1]
    text = source.decode()
    assert locate(source, second) == (1, text.index('<p n="x"/>') + 1)
    assert locate(source, second, "n") == (1, text.index('n="x"') + 1)


def test_elements_from_an_internal_entity_fall_back_to_their_line():
    source = (
        '<!DOCTYPE TEI [<!ENTITY sig "<seg>signed</seg>">]>\n'
        f'<TEI {TEI}>\n<p>&sig;</p>\n<p n="after"/>\n</TEI>'
    ).encode()
    tree = parse_bytes(source)
    after = elements(tree, "p")[1]
    assert SourceMap(source).element(after) == (4, 1)


def test_utf16():
    source = f'<?xml version="1.0" encoding="UTF-16"?>\n<TEI {TEI}>\n  <p/></TEI>'.encode("utf-16")
    tree = parse_bytes(source)
    (p,) = elements(tree, "p")
    assert locate(source, p) == (3, 3)


# ---------------------------------------------------------------- what stays quiet


def write(tmp_path, name, body, header=""):
    text = (
        f'<TEI {TEI}><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt>'
        f"<publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc>{header}"
        f"</teiHeader>{body}</TEI>"
    )
    path = tmp_path / name
    path.write_text(text)
    return path


def lines(report):
    return [f"{d.rule}: {d.message}" for f in report.files for d in sorted(f.diagnostics)]


def test_xml_base_on_the_web_makes_relative_pointers_external(tmp_path):
    path = write(tmp_path, "a.xml", '<text xml:base="https://example.org/texts/"><body><p>'
                 '<ref target="b.xml#x">b</ref> <ref target="../meta/about.xml">about</ref></p></body></text>')
    assert lines(validate([path], schema=ANYTHING)) == []


def test_relative_xml_base_is_followed(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "b.xml", '<text><body><p xml:id="x">x</p></body></text>')
    path = write(tmp_path, "a.xml", '<text xml:base="sub/"><body><p><ref target="b.xml#x">b</ref>'
                 '<ref target="b.xml#y">y</ref></p></body></text>')
    assert lines(validate([path], schema=ANYTHING)) == [
        'dangling-pointer: target="b.xml#y" points to nothing: no xml:id "y" in b.xml'
    ]


def test_external_links_and_pages_are_not_checked(tmp_path):
    path = write(tmp_path, "a.xml", '<text><body><p><ref target="https://example.org/x#y mailto:a@b.org '
                 'doi:10.1000/1 page.html#top figure.png">links</ref></p></body></text>')
    assert lines(validate([path], schema=ANYTHING)) == []


def test_bare_names_resolve_as_ids_but_dangle_otherwise(tmp_path):
    path = write(tmp_path, "a.xml", '<text><body><p xml:id="p1"><ref target="p1">self</ref>'
                 '<persName ref="p2">nobody</persName></p></body></text>')
    assert lines(validate([path], schema=ANYTHING)) == [
        'dangling-pointer: ref="p2" points to nothing: no xml:id "p2" in this file or in the registers, '
        'and no file of that name (to point to an element write "#p2")'
    ]


def test_pointers_in_other_attributes_count_as_uses(tmp_path):
    path = write(tmp_path, "a.xml", '<text><body><p ana="#topic" resp="#ed">x</p></body></text>'
                 '<standOff><listPerson><person xml:id="ed"/></listPerson>'
                 '<listEvent><event xml:id="topic"><p>t</p></event></listEvent></standOff>')
    assert lines(validate([path], schema=ANYTHING)) == []


def test_keys_are_not_checked_without_registers(tmp_path):
    path = write(tmp_path, "a.xml", '<text><body><p><persName key="gnd:118540238">x</persName></p></body></text>')
    assert lines(validate([path], schema=ANYTHING)) == []


def test_nested_places_are_entries_and_bibl_scope_is_no_date(tmp_path):
    path = write(tmp_path, "a.xml", '<text><body><p><placeName ref="#korea">K</placeName>'
                 '<bibl><biblScope unit="page" from="12" to="3">12-3</biblScope></bibl></p></body></text>'
                 '<standOff><listPlace><place xml:id="korea"><placeName>Korea</placeName>'
                 '<place xml:id="seoul"><placeName>Seoul</placeName></place></place></listPlace></standOff>')
    assert lines(validate([path], schema=ANYTHING)) == [
        'unused-entry: unused register entry: <place xml:id="seoul"> is never pointed to'
    ]


def test_geo_in_a_grid_datum_is_not_degrees(tmp_path):
    header = '<encodingDesc><geoDecl datum="MGRS">grid</geoDecl></encodingDesc>'
    body = ('<text><body><p><placeName ref="#x">x</placeName></p></body></text><standOff><listPlace>'
            '<place xml:id="x"><location><geo>4QFJ12345678</geo></location></place></listPlace></standOff>')
    assert lines(validate([write(tmp_path, "a.xml", body, header)], schema=ANYTHING)) == []
    assert lines(validate([write(tmp_path, "b.xml", body)], schema=ANYTHING)) == [
        'geo: geo "4QFJ12345678": expected "latitude longitude" in decimal degrees, separated by a space '
        '(e.g. "48.2082 16.3738")'
    ]


@pytest.mark.parametrize(
    "kind, value",
    [
        ("GND", "118540238"),
        ("GND", "http://d-nb.info/gnd/4005728-8/"),
        ("gnd", "https://d-nb.info/gnd/13281899X"),
        ("VIAF", "http://viaf.org/viaf/24602065/"),
        ("Wikidata", "http://www.wikidata.org/entity/Q1726"),
        ("wikidata", "Q1726"),
        ("GeoNames", "https://sws.geonames.org/2761369/"),
        ("geonames", "http://www.geonames.org/2761369/vienna.html"),
        ("URI", "anything at all"),
    ],
)
def test_idno_forms_that_pass(tmp_path, kind, value):
    path = write(tmp_path, "a.xml", f'<text><body><p><idno type="{kind}">\n  {value}\n</idno></p></body></text>')
    assert lines(validate([path], schema=ANYTHING)) == []


def test_no_namespace_reports_only_the_namespace(tmp_path):
    path = tmp_path / "a.xml"
    path.write_text('<TEI><text><body><p xml:id="a"/><p xml:id="a"/></body></text></TEI>')
    report = validate([path], schema=FIXTURES / "xml-model" / "schemas" / "closed.rng")
    assert lines(report) == [
        'tei-namespace: root element <TEI> is not in the TEI namespace: add xmlns="http://www.tei-c.org/ns/1.0"'
    ]


def test_other_namespace(tmp_path):
    path = tmp_path / "a.xml"
    path.write_text('<html xmlns="http://www.w3.org/1999/xhtml"/>')
    assert lines(validate([path], schema=ANYTHING)) == [
        'tei-namespace: root element <html> is in the namespace "http://www.w3.org/1999/xhtml", '
        'not in the TEI namespace "http://www.tei-c.org/ns/1.0"'
    ]


@needs_maechte
def test_a_real_edition_with_registers_in_separate_files():
    """Mächtekongresse: ~10 000 pointers into indices/; a few are genuinely broken (#KS, #SK...)."""
    report = validate([MAECHTE / "editions", MAECHTE / "indices"], schema=ANYTHING)
    errors = [(f.path, d) for f in report.files for d in f.diagnostics if d.severity.value == "error"]
    dangling = [d for _, d in errors if d.rule == "dangling-pointer"]
    assert dangling, "the corpus has broken pointers"
    assert all(d.line > 0 and d.column > 0 for _, d in errors)
    missing = {m[1] for d in dangling if (m := re.search(r'no xml:id "([^"]*)"', d.message))}
    # Every #p_N, #loc_N, #t_N ... pointer into the register files resolves ...
    assert not [ident for ident in missing if re.fullmatch(r"[a-z]+_\d+", ident)]
    # ... and the editors' initials, never defined anywhere, do not.
    assert {"KS", "SK"} <= missing


def test_a_bare_hash_names_nothing(tmp_path):
    path = write(tmp_path, "a.xml", '<text><body><p><persName ref="#">x</persName></p></body></text>')
    assert lines(validate([path], schema=ANYTHING)) == [
        'dangling-pointer: ref="#" points to nothing: a bare "#" names no element (write "#" followed by an xml:id)'
    ]


def test_an_unreadable_file_gets_its_verdict_and_exit_2(tmp_path, monkeypatch):
    good = write(tmp_path, "a.xml", "<text><body><p>x</p></body></text>")
    bad = write(tmp_path, "b.xml", "<text><body><p>x</p></body></text>")
    real = os.open

    def os_open(path, *args, **kwargs):  # what chmod 000 does, which root does not feel
        if os.fspath(path).endswith("b.xml"):
            raise PermissionError(13, "Permission denied")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    report = validate([good, bad], schema=ANYTHING)
    assert [(f.path.endswith("a.xml"), f.valid) for f in report.files] == [(True, True), (False, False)]
    assert lines(report) == ["io: cannot read: Permission denied"]
    assert report.exit_code == 2


def test_doctype_with_brackets_and_prolog_comments(tmp_path):
    source = (
        '<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY odd "a]b<p>">]>\n<!-- <?xml-model href="no"?> -->\n'
        '<?xml-model href="gone.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
        f'<TEI {TEI}>\n  <p xml:id="a"/><p xml:id="a"/></TEI>'
    )
    path = tmp_path / "a.xml"
    path.write_text(source)
    report = validate([path], schema=None)
    assert [(d.line, d.column, d.rule) for d in sorted(report.files[0].diagnostics)] == [
        (4, 1, "xml-model"),
        (6, 21, "duplicate-id"),  # the xml:id of the second <p>
    ]
