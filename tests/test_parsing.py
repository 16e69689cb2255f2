"""The single parser policy: what is read, what is refused, and how it is said."""

from pathlib import Path

import pytest

from tei_edition.errors import XMLProblem
from tei_edition.parsing import parse_bytes

TEI = b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>x</p></body></text></TEI>'


def problem(data: bytes) -> str:
    with pytest.raises(XMLProblem) as caught:
        parse_bytes(data, "doc.xml")
    return str(caught.value)


def test_well_formed_tei_parses():
    assert parse_bytes(TEI, "doc.xml").getroot().tag == "{http://www.tei-c.org/ns/1.0}TEI"


def test_empty_file():
    assert problem(b"  \n") == "doc.xml:1:1: error: the file is empty or has no XML content"


def test_prose_is_not_xml():
    assert problem(b"Dear editor,\nhere is my text.") == "doc.xml:1:1: error: this is not XML: no start tag found"


def test_binary_file():
    assert problem(bytes(range(256))) == "doc.xml:1:1: error: this is a binary file, not XML"


def test_truncated_file_names_the_open_element():
    assert problem(b"<TEI>\n<text>abc") == "doc.xml:2:10: error: the file ends before <text> (opened on line 2) is closed"


def test_internal_entities_are_expanded():
    tree = parse_bytes(b"<!DOCTYPE TEI [<!ENTITY ed 'Rees'>]><TEI>&ed;</TEI>", "doc.xml")
    assert tree.getroot().text == "Rees"


def test_elements_of_internal_entities_get_the_namespace_where_they_are_used():
    """XML Namespaces apply after entities are expanded; libxml2 alone left such elements in none."""
    data = (b"<!DOCTYPE TEI [<!ENTITY sig '<p>From <hi>an</hi> entity</p>'><!ENTITY own \"<q xmlns=''>none</q>\">]>"
            b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>&sig;<p>&own;</p></body></text></TEI>')
    body = parse_bytes(data, "doc.xml").getroot()[0][0]
    assert [e.tag for e in body.iter()] == [
        "{http://www.tei-c.org/ns/1.0}body", "{http://www.tei-c.org/ns/1.0}p", "{http://www.tei-c.org/ns/1.0}hi",
        "{http://www.tei-c.org/ns/1.0}p", "q",
    ], "an element that says xmlns='' stays in no namespace"


def test_external_entity_is_never_loaded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    message = problem(f"<!DOCTYPE TEI [<!ENTITY x SYSTEM '{secret.as_uri()}'>]>\n<TEI>&x;</TEI>".encode())
    assert "TOP-SECRET" not in message
    assert message == "doc.xml:2:9: error: external entity &x; is never loaded: tei-edition reads no external entities"


def test_undeclared_entity_without_doctype_is_not_well_formed():
    # parsing skips its search for unexpanded entity references in a tree without a DOCTYPE:
    # this is why none can be there
    assert problem(b"<TEI>\n&foo;</TEI>") == ("doc.xml:2:6: error: entity &foo; is not declared (only the five XML "
                                              "entities and those declared in the document's own DOCTYPE are known)")


def test_doctype_with_system_id_is_not_fetched():
    tree = parse_bytes(b"<!DOCTYPE TEI SYSTEM 'http://example.invalid/tei.dtd'><TEI>a</TEI>", "doc.xml")
    assert tree.getroot().text == "a"


def test_billion_laughs_fails_fast():
    levels = "".join(f"<!ENTITY e{i} '{('&e%d;' % (i - 1)) * 10}'>" for i in range(1, 10))
    data = f"<!DOCTYPE l [<!ENTITY e0 'lol'>{levels}]><l>&e9;</l>".encode()
    assert "entity expansion exceeds the safety limit" in problem(data)


def test_utf16_with_bom():
    data = "<?xml version='1.0' encoding='UTF-16'?><TEI>Mächte</TEI>".encode("utf-16")
    assert parse_bytes(data, "doc.xml").getroot().text == "Mächte"


def test_declared_latin1():
    data = "<?xml version='1.0' encoding='ISO-8859-1'?><TEI>Mächte</TEI>".encode("latin-1")
    assert parse_bytes(data, "doc.xml").getroot().text == "Mächte"


def test_xinclude_is_seen_in_every_encoding_and_namespace_the_parser_reads():
    from tei_edition.parsing import mentions_xinclude

    for namespace in ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude"):
        text = f'<TEI xmlns:xi="{namespace}"><xi:include href="a.xml"/></TEI>'
        for codec in ("utf-8", "utf-16-le", "utf-16-be"):
            assert mentions_xinclude(text.encode(codec)), (namespace, codec)
    assert not mentions_xinclude("<TEI><p>no inclusion</p></TEI>".encode("utf-16-le"))


def test_without_blanks_only_indentation_goes():
    data = (b"<TEI>\n  <p> </p>\n  <p>a <hi>b</hi> <hi>c</hi></p>\n"
            b"  <ab xml:space='preserve'>\n    <hi>d</hi>\n  </ab>\n</TEI>")
    root = parse_bytes(data, "doc.xml", blanks=False).getroot()
    first, second, kept = root
    assert root.text is None and first.tail is None  # indentation between tags
    assert first.text == " "  # the whole content of an element
    assert second[0].tail == " "  # beside other text
    assert kept.text == "\n    " and kept[0].tail == "\n  "  # xml:space="preserve"
    assert parse_bytes(data, "doc.xml").getroot().text == "\n  "  # the default keeps everything


@pytest.mark.parametrize("path", ["a.xml", "texts/a.xml", "/x/y.xml", "./a.xml", "a//b.xml", "a/./b.xml", "../x.xml",
                                  ".", "a/", "//x/a.xml", "/", "x/.", "..", "", "./", "a b/ü.xml", Path("t/x.xml")])
def test_the_base_url_of_a_path_is_what_pathlib_makes_absolute(path):
    from tei_edition.parsing import _base_url

    assert _base_url(path) == str(Path(path).absolute())
