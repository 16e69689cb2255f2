"""A project's own stylesheet that imports the base (``--xslt FILE``), and what
happens when it is broken or reaches for files and the network."""

from __future__ import annotations

import os
import time

import pytest

from tei_edition.diagnostics import FileReport
from tei_edition.errors import ExitCode, UsageProblem
from tei_edition.parsing import parse_bytes
from tei_edition.rendering import BASE_URI, load_stylesheet, render_document
from tei_edition.resources import stylesheet

TEI = (
    b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>'
    b'</fileDesc></teiHeader><text><body><p>Hello <persName ref="#s">Stalin</persName>'
    b"<note>n</note>.</p></body></text></TEI>"
)
LINKS = {"#s": "persons.html#stalin"}

HEAD = (
    '<?xml version="1.0"?>\n'
    '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"\n'
    '    xmlns:tei="http://www.tei-c.org/ns/1.0" xmlns:te="urn:tei-edition:render" exclude-result-prefixes="tei te">\n'
)


def custom(tmp_path, body: str, name: str = "custom.xsl", base: str = BASE_URI) -> str:
    path = tmp_path / name
    path.write_text(f'{HEAD}  <xsl:import href="{base}"/>\n{body}\n</xsl:stylesheet>\n', encoding="utf-8")
    return str(path)


def render(path, **options) -> str:
    return render_document(parse_bytes(TEI, "doc.xml"), register_links=LINKS, stylesheet=path, **options)


def problem(path, **options) -> str:
    with pytest.raises(UsageProblem) as caught:
        render(path, **options)
    assert caught.value.exit_code == ExitCode.USAGE
    return str(caught.value)


OVERRIDE = """
  <xsl:template match="tei:persName">
    <mark class="my-person"><xsl:call-template name="te:attrs"/><xsl:apply-templates/></mark>
  </xsl:template>"""


def test_a_customisation_overrides_one_template(tmp_path):
    page = render(custom(tmp_path, OVERRIDE))
    assert '<mark class="tei-persName">Stalin</mark>' in page
    assert 'href="#fn-1"' in page  # the rest is the base's


def test_the_base_can_be_imported_by_its_path(tmp_path):
    page = render(custom(tmp_path, OVERRIDE, base=str(stylesheet("tei-html.xsl"))))
    assert '<mark class="tei-persName">Stalin</mark>' in page


def test_apply_imports_wraps_the_base_rendering(tmp_path):
    body = """
  <xsl:template match="tei:persName"><strong class="wrap"><xsl:apply-imports/></strong></xsl:template>"""
    page = render(custom(tmp_path, body))
    assert '<strong class="wrap"><a class="tei-persName" href="persons.html#stalin">Stalin</a></strong>' in page


def test_a_customisation_sets_parameters_and_declares_its_own(tmp_path):
    body = """
  <xsl:param name="label-notes" select="'Anmerkungen'"/>
  <xsl:param name="motto" select="'none'"/>
  <xsl:template match="tei:body"><div class="motto"><xsl:value-of select="$motto"/></div><xsl:apply-imports/></xsl:template>"""
    page = render(custom(tmp_path, body), params={"motto": "Ad fontes"})
    assert '<h2 id="te-notes-title">Anmerkungen</h2>' in page
    assert '<div class="motto">Ad fontes</div>' in page


def test_unknown_parameters_are_refused_with_a_hint():
    message = problem(None, params={"show-line-break": "no"})
    assert message.startswith("unknown stylesheet parameter 'show-line-break' (did you mean show-line-breaks")


def test_a_stylesheet_in_a_folder_with_spaces_and_accents_includes_its_neighbour(tmp_path):
    folder = tmp_path / "my edition é"
    folder.mkdir()
    (folder / "names.xsl").write_text(f"{HEAD}{OVERRIDE}\n</xsl:stylesheet>\n", encoding="utf-8")
    path = custom(folder, '  <xsl:include href="names.xsl"/>')
    assert '<mark class="tei-persName">Stalin</mark>' in render(path)


def test_not_well_formed(tmp_path):
    path = tmp_path / "broken.xsl"
    path.write_text(f'{HEAD}  <xsl:import href="{BASE_URI}"/>\n  <xsl:template match="/">\n</xsl:stylesheet>\n')
    message = problem(str(path))
    assert message.startswith(f"{path}:6:18: error: Opening and ending tag mismatch")
    assert message.endswith("(in an XSLT stylesheet)")


def test_not_a_stylesheet(tmp_path):
    path = tmp_path / "tei.xsl"
    path.write_bytes(TEI)
    assert problem(str(path)) == f"{path}:1:1: error: not an XSLT stylesheet (the root element is <TEI>, not xsl:stylesheet)"


def test_a_stylesheet_that_does_not_compile_names_file_and_line(tmp_path):
    path = custom(tmp_path, '  <xsl:template match="tei:p[">x</xsl:template>')
    message = problem(path)
    assert "does not compile" in message
    assert f"{path}:5:" in message


def test_a_missing_file():
    message = problem("/nonexistent/custom.xsl")
    assert message.startswith("/nonexistent/custom.xsl: cannot read the XSLT stylesheet")


def test_a_missing_import(tmp_path):
    path = custom(tmp_path, '  <xsl:include href="missing.xsl"/>')
    assert problem(path).startswith(f"{path}:5:1: error: xsl:include of 'missing.xsl': no such file")


def test_an_import_from_the_network_is_refused(tmp_path):
    path = custom(tmp_path, '  <xsl:include href="https://example.org/evil.xsl"/>')
    assert "local files only, never from a URL" in problem(path)


def test_an_unknown_base_name_is_refused(tmp_path):
    path = custom(tmp_path, "", base="tei-edition:nothing.xsl")
    assert "tei-edition has no stylesheet of that name" in problem(path)


def test_a_stylesheet_cannot_read_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("<s>TOP-SECRET-VALUE</s>")
    body = f"""
  <xsl:template match="tei:body"><div><xsl:value-of select="document('{secret.as_uri()}')"/></div></xsl:template>"""
    message = problem(custom(tmp_path, body))
    assert "TOP-SECRET-VALUE" not in message
    assert "failed" in message


def test_a_stylesheet_cannot_write_files(tmp_path):
    target = tmp_path / "written.html"
    path = tmp_path / "writer.xsl"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"\n'
        '    xmlns:tei="http://www.tei-c.org/ns/1.0" xmlns:exsl="http://exslt.org/common" extension-element-prefixes="exsl">\n'
        f'  <xsl:import href="{BASE_URI}"/>\n'
        f'  <xsl:template match="tei:body"><exsl:document href="{target.as_uri()}"><x/></exsl:document></xsl:template>\n'
        "</xsl:stylesheet>\n"
    )
    message = problem(str(path))
    assert f"{path}:5: error: runtime error, element 'document'" in message
    assert "write rights for" in message
    assert not target.exists()


def test_a_terminating_message_is_a_usage_problem(tmp_path):
    body = '  <xsl:template match="tei:body"><xsl:message terminate="yes">cannot go on</xsl:message></xsl:template>'
    assert "cannot go on" in problem(custom(tmp_path, body))


def test_messages_become_warnings(tmp_path):
    body = '  <xsl:template match="tei:body"><xsl:message>just saying</xsl:message><xsl:apply-imports/></xsl:template>'
    report = FileReport("doc.xml")
    render(custom(tmp_path, body), report=report)
    assert [(d.rule, d.message) for d in report.diagnostics] == [("xslt-message", "XSLT: just saying")]


def test_unsafe_output_of_a_customisation_is_removed(tmp_path):
    body = """
  <xsl:template match="tei:persName">
    <a href="javascript:alert(1)" onclick="alert(2)" style="color:red" class="bad"><xsl:apply-templates/></a>
    <img src="data:image/png;base64,AAAA" srcset="ok.png 1x, javascript:alert(3) 2x" alt=""/>
  </xsl:template>"""
    report = FileReport("doc.xml")
    page = render(custom(tmp_path, body), report=report)
    assert '<a class="bad">Stalin</a>' in page
    assert '<img alt="">' in page
    assert sorted(d.rule for d in report.diagnostics) == ["unsafe-html"] * 5


def test_compiled_once_and_again_when_the_file_changes(tmp_path):
    path = custom(tmp_path, OVERRIDE)
    first = load_stylesheet(path)
    assert load_stylesheet(path) is first
    assert load_stylesheet() is load_stylesheet()
    changed = OVERRIDE.replace("<mark", "<mark data-v='2'")
    custom(tmp_path, changed)
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_stylesheet(path) is not first
    assert 'data-v="2"' in render(path)


def test_a_stylesheet_naming_an_external_dtd_is_refused(tmp_path):
    path = tmp_path / "dtd.xsl"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE xsl:stylesheet SYSTEM "file:///etc/passwd">\n'
        + HEAD.split("\n", 1)[1]
        + f'  <xsl:import href="{BASE_URI}"/>\n</xsl:stylesheet>\n'
    )
    assert problem(str(path)) == f"{path}:1:1: error: an XSLT stylesheet may not name an external DTD in its DOCTYPE"


def test_safe_url_and_safe_class_are_available_to_customisations(tmp_path):
    body = """
  <xsl:template match="tei:persName">
    <a href="{te:safe-url(@facs)}" class="{te:safe-class(@n)}"><xsl:apply-templates/></a>
    <span data-x="[{te:safe-url(@source)}]"/>
  </xsl:template>"""
    tei = TEI.replace(b'<persName ref="#s">', b'<persName ref="#s" facs="img/p 1.png" n="a b&quot;c" source="javascript:x">')
    page = render_document(parse_bytes(tei, "doc.xml"), stylesheet=custom(tmp_path, body))
    assert '<a href="img/p%201.png" class="a-b-c">Stalin</a>' in page
    assert '<span data-x="[]"></span>' in page
