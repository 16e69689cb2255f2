"""Pointer syntax: every form an @ref can take in real corpora."""

from tei_edition.parsing import parse_bytes
from tei_edition.pointers import Kind, classify, document_key, parse, prefix_defs

HEADER = b"""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><encodingDesc><listPrefixDef>
<prefixDef ident="psn" matchPattern="([a-z_0-9]+)" replacementPattern="registers.xml#$1"/>
<prefixDef ident="loc" matchPattern="([a-z]+)" replacementPattern="#$1"/>
</listPrefixDef></encodingDesc></teiHeader></TEI>"""


def test_local_and_document_forms():
    assert classify("#stalin") == classify("#stalin").__class__("#stalin", Kind.LOCAL, fragment="stalin", url="#stalin")
    pointer = classify("registers.xml#stalin")
    assert (pointer.kind, pointer.document, pointer.fragment) == (Kind.DOCUMENT, "registers.xml", "stalin")
    assert classify("other.xml").kind is Kind.DOCUMENT


def test_several_pointers_in_one_attribute():
    assert [p.fragment for p in parse("#p_1  #p_2\n#p_3")] == ["p_1", "p_2", "p_3"]


def test_external_uris_are_external():
    for token in ("http://d-nb.info/gnd/118642379", "https://www.wikidata.org/entity/Q855", "mailto:x@y.org"):
        assert classify(token).kind is Kind.EXTERNAL


def test_prefixdef_expands():
    prefixes = prefix_defs(parse_bytes(HEADER).getroot())
    pointer = classify("psn:kim_il_sung", prefixes)
    assert (pointer.kind, pointer.document, pointer.fragment, pointer.url) == (
        Kind.DOCUMENT,
        "registers.xml",
        "kim_il_sung",
        "registers.xml#kim_il_sung",
    )
    assert classify("loc:moscow", prefixes).kind is Kind.LOCAL


def test_undeclared_prefix_is_reported_as_such():
    assert classify("psn:carter").kind is Kind.UNKNOWN_PREFIX


def test_bare_names():
    assert classify("p_12") == classify("p_12").__class__("p_12", Kind.BARE, fragment="p_12", url="p_12")


def test_document_key_folds_dot_dot():
    assert document_key("texts/a.xml", "../texts/b.xml") == "texts/b.xml"
    assert document_key("editions/a.xml", "../indices/listperson.xml") == "indices/listperson.xml"
