"""``<?xml-model?>``: relative hrefs, catalogs, and schemas that are not on this machine."""

from __future__ import annotations

import os

import pytest

from conftest import ROOT
from tei_edition import resources
from tei_edition.xmlmodel import Catalog, kind_of, pseudo_attributes

FIXTURES = ROOT / "tests" / "fixtures" / "validate"
TEI_ALL_URL = "https://www.tei-c.org/release/xml/tei/custom/schema/relaxng/tei_all.rng"


@pytest.fixture(autouse=True)
def _no_user_catalogs(monkeypatch):
    monkeypatch.delenv("XML_CATALOG_FILES", raising=False)


def run(cli_run, *args):
    return cli_run("validate", *args, cwd=FIXTURES)


def test_relative_href_next_to_the_document(cli_run):
    code, out, _ = run(cli_run, "xml-model/relative.xml")
    assert out.splitlines() == [
        "xml-model/relative.xml:13:3: error: element <standOff> is not allowed in <TEI> after <text>; "
        "<TEI> takes nothing more here [relaxng]",
        "xml-model/relative.xml:13:3: error: this edition keeps no standOff [no-standoff]",
        "1 file, 2 errors, 0 warnings",
    ]
    assert code == 1


def test_schema_option_overrides_the_instructions(cli_run):
    assert run(cli_run, "xml-model/relative.xml", "--schema", "anything.rng") == (
        0,
        "1 file, 0 errors, 0 warnings\n",
        "",
    )


def test_remote_schema_is_never_fetched(cli_run):
    code, out, _ = run(cli_run, "xml-model/remote.xml")
    local = os.path.relpath(resources.schema("tei/tei_all.rng"), FIXTURES)
    message = (
        f"error: schema {TEI_ALL_URL} is not available offline (no copy at {local}): "
        "download it and pass --schema FILE, or map it to a local copy in a catalog (--catalog FILE) [xml-model]"
    )
    assert out.splitlines() == [
        f"xml-model/remote.xml:2:1: {message}",
        f"xml-model/remote.xml:3:1: {message}",
        "1 file, 2 errors, 0 warnings",
    ]
    assert code == 1


def test_catalog_option_maps_the_address_to_a_local_file(cli_run):
    code, out, _ = run(cli_run, "xml-model/remote.xml", "--catalog", "xml-model/catalog.xml")
    assert out.splitlines() == [
        "xml-model/remote.xml:13:3: error: element <standOff> is not allowed in <TEI> after <text>; "
        "<TEI> takes nothing more here [relaxng]",
        "1 file, 1 error, 0 warnings",
    ]
    assert code == 1


def test_xml_catalog_files_is_read(cli_run, monkeypatch):
    monkeypatch.setenv("XML_CATALOG_FILES", (FIXTURES / "xml-model" / "catalog.xml").as_uri())
    code, out, _ = run(cli_run, "xml-model/remote.xml")
    assert out.splitlines()[-1] == "1 file, 1 error, 0 warnings"
    assert "[relaxng]" in out and "offline" not in out


def test_missing_catalog_option_is_a_usage_problem(cli_run):
    code, out, err = run(cli_run, "valid.xml", "--catalog", "no-such-catalog.xml")
    assert (code, out, err) == (2, "", "tei-edition: error: no-such-catalog.xml: catalog not found\n")


def test_missing_relative_schema(cli_run):
    code, out, _ = run(cli_run, "xml-model/missing.xml")
    assert out.splitlines() == [
        "xml-model/missing.xml:2:1: error: schema schemas/gone.rng named by <?xml-model?> not found "
        "(looked for xml-model/schemas/gone.rng) [xml-model]",
        "1 file, 1 error, 0 warnings",
    ]
    assert code == 1


def test_compact_syntax_is_a_warning(cli_run):
    code, out, _ = run(cli_run, "xml-model/compact.xml")
    assert out.splitlines() == [
        "xml-model/compact.xml:2:1: warning: schema schemas/closed.rnc: RELAX NG compact syntax (.rnc) cannot be run: "
        "use the XML syntax (.rng), e.g. convert it with trang [xml-model]",
        "1 file, 0 errors, 1 warning",
    ]
    assert code == 0


def test_schematron_embedded_in_the_grammar_runs(cli_run):
    code, out, _ = run(cli_run, "xml-model/embedded.xml")
    assert out.splitlines() == [
        "xml-model/embedded.xml:11:9: error: the body holds exactly one paragraph [one-paragraph]",
        "1 file, 1 error, 0 warnings",
    ]
    assert code == 1


def test_embedded_schematron_is_left_out_with_schema_only(cli_run):
    assert run(cli_run, "xml-model/embedded.xml", "--schema-only") == (0, "1 file, 0 errors, 0 warnings\n", "")


# ---------------------------------------------------------------- the pieces


def test_pseudo_attributes():
    text = 'href="a&amp;b.rng" type=\'application/xml\' schematypens="http://relaxng.org/ns/structure/1.0"'
    assert pseudo_attributes(text) == {
        "href": "a&b.rng",
        "type": "application/xml",
        "schematypens": "http://relaxng.org/ns/structure/1.0",
    }


@pytest.mark.parametrize(
    "attributes, kind, embedded",
    [
        ({"href": "x.rng", "schematypens": "http://relaxng.org/ns/structure/1.0"}, "rng", False),
        ({"href": "x.rng", "schematypens": "http://purl.oclc.org/dsdl/schematron"}, "sch", True),
        ({"href": "x.sch"}, "sch", False),
        ({"href": "x.xsd"}, "xsd", False),
        ({"href": "x.xsd", "schematypens": "http://purl.oclc.org/dsdl/schematron"}, "sch", True),
        ({"href": "x.rnc", "type": "application/relax-ng-compact-syntax"}, None, False),
        ({"href": "x.dtd", "type": "application/xml-dtd"}, None, False),
        ({"href": "x", "schematypens": "http://www.ascc.net/xml/schematron"}, None, False),
        ({"href": "x.odd"}, None, False),
    ],
)
def test_kind_of(attributes, kind, embedded):
    found, is_embedded, why_not = kind_of(attributes)
    assert (found, is_embedded) == (kind, embedded)
    assert (why_not is None) == (kind is not None)


def test_bundled_catalog_maps_tei_addresses():
    catalog = Catalog.default()
    folder = resources.schemas_dir() / "tei"
    for url, local in [
        (TEI_ALL_URL, folder / "tei_all.rng"),
        ("http://www.tei-c.org/release/xml/tei/custom/schema/relaxng/tei_lite.rng", folder / "tei_lite.rng"),
        ("https://www.tei-c.org/release/xml/tei/custom/schema/xsd/tei_all.xsd", folder / "tei_all.xsd"),
        ("https://www.tei-c.org/Vault/P5/current/xml/tei/custom/schema/relaxng/tei_all.rng", folder / "tei_all.rng"),
        (
            "https://www.tei-c.org/Vault/P5/4.11.0/xml/tei/custom/schema/relaxng/tei_all.rng",
            folder / "vault/4.11.0/xml/tei/custom/schema/relaxng/tei_all.rng",
        ),
        (
            "https://jenkins.tei-c.org/job/TEIP5/lastSuccessfulBuild/artifact/P5/release/xml/tei/custom/schema/"
            "relaxng/tei_all.rng",
            folder / "dev/tei_all.rng",
        ),
    ]:
        assert catalog.resolve(url) == local.as_uri(), url
    assert catalog.resolve("https://example.org/schema.rng") is None


def test_catalog_entries_and_precedence(tmp_path):
    (tmp_path / "local.rng").write_text("<x/>")
    (tmp_path / "next.xml").write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        '<uri name="https://example.org/from-next.rng" uri="local.rng"/></catalog>'
    )
    (tmp_path / "first.xml").write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        '<rewriteURI uriStartString="https://example.org/" rewritePrefix="short/"/>'
        '<rewriteURI uriStartString="https://example.org/long/" rewritePrefix="long/"/>'
        '<group xml:base="sub/"><uriSuffix uriSuffix="/suffix.rng" uri="s.rng"/></group>'
        '<system systemId="https://example.org/system.rng" uri="system.rng"/>'
        '<nextCatalog catalog="next.xml"/></catalog>'
    )
    catalog = Catalog(required=[tmp_path / "first.xml"])
    base = tmp_path.as_uri()
    assert catalog.resolve("https://example.org/long/a.rng") == f"{base}/long/a.rng"  # longest prefix wins
    assert catalog.resolve("https://example.org/a.rng") == f"{base}/short/a.rng"
    assert catalog.resolve("https://example.net/x/suffix.rng") == f"{base}/sub/s.rng"
    assert catalog.resolve("https://example.org/system.rng") == f"{base}/system.rng"  # exact beats rewrite
    assert catalog.resolve("https://example.org/from-next.rng") == f"{base}/short/from-next.rng"
    assert catalog.resolve("https://other.org/from-next.rng") is None
    path, missing = catalog.locate("https://example.org/from-next.rng", tmp_path / "doc.xml")
    assert path is None and "no copy at" in missing


def test_next_catalog_is_consulted_after(tmp_path):
    (tmp_path / "local.rng").write_text("<x/>")
    (tmp_path / "next.xml").write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        '<uri name="https://example.org/a.rng" uri="local.rng"/></catalog>'
    )
    (tmp_path / "first.xml").write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog"><nextCatalog catalog="next.xml"/></catalog>'
    )
    catalog = Catalog(required=[tmp_path / "first.xml"])
    assert catalog.locate("https://example.org/a.rng", tmp_path / "doc.xml") == (tmp_path / "local.rng", None)


def test_a_broken_schema_named_by_the_document_is_an_error_in_that_document(cli_run, tmp_path):
    (tmp_path / "bad.rng").write_text(
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><ref name="nope"/></start></grammar>'
    )
    (tmp_path / "a.xml").write_text(
        '<?xml-model href="bad.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/></TEI>\n'
    )
    code, out, _ = cli_run("validate", "a.xml", cwd=tmp_path)
    first, summary = out.splitlines()
    assert first.startswith("a.xml:1:1: error: schema bad.rng cannot be used: ")
    assert first.endswith("[xml-model]")
    assert summary == "1 file, 1 error, 0 warnings"
    assert code == 1
    # Named on the command line instead, the same schema is a usage problem.
    code, out, err = cli_run("validate", "a.xml", "--schema", "bad.rng", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert "reference to undefined pattern 'nope'" in err
