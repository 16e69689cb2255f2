"""Schematron: findings at the right node, and what XPath 1.0 cannot run listed once."""

from __future__ import annotations

import pytest

from conftest import ROOT, TEI_ALL, needs_tei_all
from tei_edition import schematron
from tei_edition.diagnostics import Severity
from tei_edition.parsing import parse_bytes, parse_file

FIXTURES = ROOT / "tests" / "fixtures" / "validate"
RULES = FIXTURES / "schematron" / "rules.sch"
NOTE = (
    "tei-edition: note: rules.sch: 2 of 5 Schematron checks skipped (lxml evaluates XPath 1.0 only):\n"
    "  note-n-digits: calls matches(), which XPath 1.0 does not have\n"
    "  highlights: rule context '(tei:p | tei:ab)/tei:hi' is not an XSLT 1.0 pattern\n"
)


def test_findings_and_the_skip_note(cli_run):
    code, out, err = cli_run(
        "validate", "schematron/document.xml", "--schema", "anything.rng", "--schema", "schematron/rules.sch",
        cwd=FIXTURES,
    )
    assert out.splitlines() == [
        "schematron/document.xml:12:13: error: a title must not be empty [title-not-empty]",
        "schematron/document.xml:13:37: warning: a note should say who wrote it (@resp) [note-resp]",
        'schematron/document.xml:14:10: error: paragraph number "two" is not a number [numbers]',
        "1 file, 2 errors, 1 warning",
    ]
    assert err == NOTE
    assert code == 1


def test_skipped_rules_are_listed_once_for_many_files(cli_run):
    code, out, err = cli_run(
        "validate", "schematron/document.xml", "valid.xml", "duplicate-id.xml", "--schema", "schematron/rules.sch",
        cwd=FIXTURES,
    )
    assert err == NOTE
    assert out.splitlines()[-1] == "3 files, 3 errors, 1 warning"


def test_skip_reasons():
    compiled = schematron.load(RULES)
    assert compiled.checks == 3
    assert [(s.ident, s.reason) for s in compiled.skipped] == [
        ("note-n-digits", "calls matches(), which XPath 1.0 does not have"),
        ("highlights", "rule context '(tei:p | tei:ab)/tei:hi' is not an XSLT 1.0 pattern"),
    ]


@pytest.mark.parametrize(
    "expression, runs",
    [
        ("count(tei:p) = 1", True),
        ("a and (b or c)", True),
        ("not(@x) or string-length(@x) > 2 div 1", True),
        ("concat('matches(', .)", True),  # a function name inside a string is text
        ("str:tokenize(., ' ')", True),  # EXSLT, declared below
        ("matches(., 'x')", False),
        ("@rend = ('bold', 'italic')", False),
        ("if (@x) then 1 else 2", False),
        ("every $x in tei:p satisfies $x/@n", False),
        ("current-date()", False),
        ("foo:bar(.)", False),
        ("unknown:name", False),
        ("child::unknown:name", False),
        ("child::tei:p and @xml:id", True),
    ],
)
def test_what_xpath_1_can_run(expression, runs):
    namespaces = {"tei": "http://www.tei-c.org/ns/1.0", "str": "http://exslt.org/strings", "foo": "urn:foo"}
    assert (schematron.problem(expression, namespaces) is None) is runs


def test_let_with_xpath_2_takes_its_users_along():
    tree = parse_bytes(
        b"""<schema xmlns="http://purl.oclc.org/dsdl/schematron">
          <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
          <let name="words" value="tokenize(., ' ')"/>
          <pattern id="p"><rule context="tei:p">
            <assert test="count($words) &gt; 0" id="uses-words">words</assert>
            <assert test="true()" id="plain">plain</assert>
          </rule></pattern></schema>"""
    )
    compiled = schematron.from_tree(tree, "lets.sch")
    assert [(s.ident, s.reason) for s in compiled.skipped] == [
        ("uses-words", "uses $words, whose value is not XPath 1.0"),
    ]
    assert compiled.checks == 1


DOCUMENT = b"""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/>
<text rend="a"><body>
  <p rend="x" n="1">one <hi rend="b">two</hi></p>
  <p n="z"><note>three</note></p>
</body></text></TEI>"""

SHADOWING = b"""<schema xmlns="http://purl.oclc.org/dsdl/schematron">
  <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
  <pattern id="first-rule-wins">
    <rule context="tei:p" id="p-rule"><report test="@rend">p with rend</report></rule>
    <rule context="tei:*" id="any-rule"><report test="@rend">other element with rend</report></rule>
  </pattern>
  <pattern id="attributes">
    <rule context="tei:p/@n"><assert test="number(.) = number(.)">n is a number</assert></rule>
  </pattern>
  <pattern id="root"><rule context="/"><assert test="tei:TEI/tei:standOff" role="warning">no standOff</assert></rule></pattern>
  <pattern id="unions"><rule context="tei:note | tei:hi"><report test="true()">note or hi</report></rule></pattern>
</schema>"""


def test_direct_selection_reports_what_the_skeleton_reports():
    schema = parse_bytes(SHADOWING)
    document = parse_bytes(DOCUMENT)
    direct = schematron.from_tree(schema, "s.sch").validate(document)
    walked = schematron.from_tree(schema, "s.sch", select_directly=False).validate(document)
    assert direct == walked
    assert sorted((d.line, d.message, d.rule, d.severity) for d in direct) == [
        (1, "no standOff", "root", Severity.WARNING),
        (2, "other element with rend", "any-rule", Severity.ERROR),
        (3, "note or hi", "unions", Severity.ERROR),
        (3, "other element with rend", "any-rule", Severity.ERROR),
        (3, "p with rend", "p-rule", Severity.ERROR),
        (4, "n is a number", "attributes", Severity.ERROR),
        (4, "note or hi", "unions", Severity.ERROR),
    ]


def test_attribute_findings_point_at_the_attribute(cli_run, tmp_path):
    document = parse_bytes(DOCUMENT)
    found = schematron.from_tree(parse_bytes(SHADOWING), "s.sch").validate(
        document, where=lambda node, attribute: (node.sourceline, 99 if attribute == "n" else 1)
    )
    assert [(d.line, d.column) for d in found if d.rule == "attributes"] == [(4, 99)]


@needs_tei_all
def test_tei_all_embedded_schematron_runs_what_it_can():
    compiled = schematron.load(TEI_ALL)
    assert compiled.checks > 40
    assert len(compiled.skipped) > 20
    assert any("matches()" in s.reason or "tokenize()" in s.reason for s in compiled.skipped)
    summary = schematron.summary(compiled)
    assert summary.startswith(f"tei_all.rng: {len(compiled.skipped)} of {len(compiled.skipped) + compiled.checks} ")
    assert compiled.validate(parse_file(FIXTURES / "valid.xml")) == []
