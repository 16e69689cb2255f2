"""``tei-edition validate``: the exact lines an editor sees, the formats and the exit codes.

The integrity fixtures are checked with ``--schema anything.rng`` (a grammar
that accepts any document), so each test shows one rule and nothing else.
"""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT, TEXTS

FIXTURES = ROOT / "tests" / "fixtures" / "validate"
ANY = ("--schema", "anything.rng")


def run(cli_run, *args):
    return cli_run("validate", *args, cwd=FIXTURES)


@pytest.mark.parametrize(
    "fixture, lines, summary",
    [
        (
            "tei-namespace.xml",
            ['tei-namespace.xml:2:1: error: root element <TEI> is not in the TEI namespace: '
             'add xmlns="http://www.tei-c.org/ns/1.0" [tei-namespace]'],
            "1 file, 1 error, 0 warnings",
        ),
        (
            "duplicate-id.xml",
            ['duplicate-id.xml:13:10: error: duplicate xml:id "intro": first used on line 12, column 10 [duplicate-id]'],
            "1 file, 1 error, 0 warnings",
        ),
        (
            "dangling-pointer.xml",
            ['dangling-pointer.xml:12:68: error: ref="#stalin" points to nothing: '
             'no xml:id "stalin" in this file or in the registers [dangling-pointer]'],
            "1 file, 1 error, 0 warnings",
        ),
        (
            "undeclared-prefix.xml",
            ['undeclared-prefix.xml:12:20: error: ref="psn:kim": no prefixDef declares the prefix "psn" '
             "(add <prefixDef ident=\"psn\" ...> to the teiHeader's encodingDesc/listPrefixDef) [undeclared-prefix]"],
            "1 file, 1 error, 0 warnings",
        ),
        (
            "prefixdef.xml",
            ['prefixdef.xml:17:71: error: ref="psn:nobody" (#nobody) points to nothing: '
             'no xml:id "nobody" in this file or in the registers [dangling-pointer]'],
            "1 file, 1 error, 0 warnings",
        ),
        (
            "date-format.xml",
            ["date-format.xml:12:27: error: <date> @when: '1950-13-01': month 13 does not exist [date-format]"],
            "1 file, 1 error, 0 warnings",
        ),
        (
            "date-order.xml",
            ["date-order.xml:12:31: error: <date> @from (1953) is after @to (1950) [date-order]"],
            "1 file, 1 error, 0 warnings",
        ),
        (
            "date-combination.xml",
            ["date-combination.xml:12:31: error: <date> @when cannot be combined with @to [date-combination]"],
            "1 file, 1 error, 0 warnings",
        ),
        (
            "geo.xml",
            [
                'geo.xml:17:67: error: geo "37.5665, 126.9780": separate latitude and longitude with a space, '
                'not a comma: "37.5665 126.9780" [geo]',
                'geo.xml:18:67: error: geo "129.0756 35.1796": latitude 129.0756 is outside -90..90 '
                '(TEI writes latitude first: "lat long") [geo]',
                'geo.xml:19:71: error: geo "37°N 127°E": expected "latitude longitude" in decimal degrees, '
                'separated by a space (e.g. "48.2082 16.3738") [geo]',
            ],
            "1 file, 3 errors, 0 warnings",
        ),
        (
            "idno.xml",
            [
                'idno.xml:19:9: error: idno type="gnd" "https://d-nb.info/gnd/1187235-88X" is not a GND identifier: '
                "expected https://d-nb.info/gnd/118540238 or 118540238 [idno]",
                'idno.xml:20:9: error: idno type="Wikidata" "https://www.wikidata.org/wiki/39464" is not a Wikidata '
                "identifier: expected https://www.wikidata.org/entity/Q1726 or Q1726 [idno]",
                'idno.xml:21:9: error: idno type="VIAF" "viaf 12345" is not a VIAF identifier: '
                "expected https://viaf.org/viaf/24602065 or 24602065 [idno]",
                'idno.xml:22:9: error: idno type="GeoNames" "geonames:1871859" is not a GeoNames identifier: '
                "expected https://www.geonames.org/2761369 or 2761369 [idno]",
            ],
            "1 file, 4 errors, 0 warnings",
        ),
        (
            "unused-entry.xml",
            ['unused-entry.xml:18:15: warning: unused register entry: <person xml:id="rhee"> is never pointed to '
             "[unused-entry]"],
            "1 file, 0 errors, 1 warning",
        ),
        (
            "unmatched-key.xml",
            ['unmatched-key.xml:12:67: warning: key="Q11118" matches no register entry (fine if it is an external '
             'code; to point to a register entry write ref="#Q11118") [unmatched-key]'],
            "1 file, 0 errors, 1 warning",
        ),
        (
            "not-xml.xml",
            ["not-xml.xml:1:1: error: this is not XML: no start tag found [well-formed]"],
            "1 file, 1 error, 0 warnings",
        ),
        (
            "empty.xml",
            ["empty.xml:1:1: error: the file is empty or has no XML content [well-formed]"],
            "1 file, 1 error, 0 warnings",
        ),
        (
            "truncated.xml",
            ["truncated.xml:6:1: error: the file ends before <fileDesc> (opened on line 4) is closed [well-formed]"],
            "1 file, 1 error, 0 warnings",
        ),
    ],
)
def test_each_rule_prints_the_line_an_editor_sees(cli_run, fixture, lines, summary):
    code, out, err = run(cli_run, fixture, *ANY)
    assert out.splitlines() == [*lines, summary]
    assert err == ""
    assert code == (1 if " 0 errors" not in summary else 0)


def test_valid_file(cli_run):
    assert run(cli_run, "valid.xml", *ANY) == (0, "1 file, 0 errors, 0 warnings\n", "")


def test_registers_in_another_file(cli_run):
    code, out, _ = run(cli_run, "registers-set", *ANY)
    assert out.splitlines() == [
        'registers-set/letter.xml:13:26: error: ref="persons.xml#nobody" points to nothing: '
        'no xml:id "nobody" in persons.xml [dangling-pointer]',
        'registers-set/letter.xml:14:17: error: target="#note1" points to nothing: no xml:id "note1" in this file '
        'or in the registers (persons.xml has it outside its registers: write "persons.xml#note1") [dangling-pointer]',
        'registers-set/letter.xml:14:63: error: target="other-letter.xml" points to nothing: '
        "other-letter.xml does not exist [dangling-pointer]",
        'registers-set/persons.xml:16:17: warning: unused register entry: <person xml:id="park"> is never pointed to '
        "[unused-entry]",
        "2 files, 3 errors, 1 warning",
    ]
    assert code == 1


def test_a_register_alone_warns_about_entries_the_letter_would_use(cli_run):
    # "#kim" and "persons.xml#rhee" come from letter.xml: without it, they are unused.
    code, out, _ = run(cli_run, "registers-set/persons.xml", *ANY)
    assert [line.split(": warning: ")[1] for line in out.splitlines()[:-1]] == [
        f'unused register entry: <person xml:id="{name}"> is never pointed to [unused-entry]'
        for name in ("kim", "rhee", "park")
    ]
    assert code == 0


def test_one_bad_file_never_stops_the_run(cli_run):
    code, out, _ = run(cli_run, "not-xml.xml", "empty.xml", "valid.xml", "truncated.xml", *ANY, "--format", "json")
    data = json.loads(out)
    assert [(f["path"], f["valid"]) for f in data["files"]] == [
        ("empty.xml", False),
        ("not-xml.xml", False),
        ("truncated.xml", False),
        ("valid.xml", True),
    ]
    assert code == 1


def test_json_shape(cli_run):
    code, out, _ = run(cli_run, "valid.xml", "unused-entry.xml", "empty.xml", *ANY, "--format", "json")
    assert json.loads(out) == {
        "files": [
            {
                "path": "empty.xml",
                "valid": False,
                "diagnostics": [
                    {"line": 1, "column": 1, "severity": "error",
                     "message": "the file is empty or has no XML content", "rule": "well-formed"}
                ],
            },
            {
                "path": "unused-entry.xml",
                "valid": True,
                "diagnostics": [
                    {"line": 18, "column": 15, "severity": "warning",
                     "message": 'unused register entry: <person xml:id="rhee"> is never pointed to',
                     "rule": "unused-entry"}
                ],
            },
            {"path": "valid.xml", "valid": True, "diagnostics": []},
        ],
        "summary": {"files": 3, "errors": 1, "warnings": 1},
    }
    assert code == 1


def test_github_annotations(cli_run):
    code, out, _ = run(cli_run, "date-order.xml", "unused-entry.xml", *ANY, "--format", "github")
    assert out.splitlines() == [
        "::error file=date-order.xml,line=12,col=31,title=date-order::<date> @from (1953) is after @to (1950)",
        "::warning file=unused-entry.xml,line=18,col=15,title=unused-entry::"
        'unused register entry: <person xml:id="rhee"> is never pointed to',
        "2 files, 1 error, 1 warning",
    ]
    assert code == 1


def test_warnings_pass_unless_strict(cli_run):
    assert run(cli_run, "unused-entry.xml", *ANY)[0] == 0
    code, out, _ = run(cli_run, "unused-entry.xml", *ANY, "--strict")
    assert code == 1
    assert out.endswith("1 file, 0 errors, 1 warning\n")


def test_missing_path_is_a_usage_problem(cli_run):
    code, out, err = run(cli_run, "no-such-file.xml", *ANY)
    assert (code, out, err) == (2, "", "tei-edition: error: no-such-file.xml: no such file or folder\n")


def test_default_folder_is_texts(cli_run, tmp_path):
    code, _, err = cli_run("validate", cwd=tmp_path)
    assert code == 2
    assert err == (
        "tei-edition: error: texts: no such folder (run in an edition project, or name the TEI files or folders)\n"
    )
    (tmp_path / "texts").mkdir()
    shutil.copy(FIXTURES / "valid.xml", tmp_path / "texts" / "valid.xml")
    shutil.copy(FIXTURES / "anything.rng", tmp_path / "anything.rng")
    assert cli_run("validate", *ANY, cwd=tmp_path) == (0, "1 file, 0 errors, 0 warnings\n", "")


def test_unusable_schema_is_a_usage_problem(cli_run):
    code, out, err = run(cli_run, "valid.xml", "--schema", "no-such.rng")
    assert (code, out, err) == (2, "", "tei-edition: error: no-such.rng: schema not found\n")
    code, out, err = run(cli_run, "valid.xml", "--schema", "valid.xml")
    assert (code, out) == (2, "")
    assert err == "tei-edition: error: valid.xml: not a RELAX NG, XSD or ISO Schematron schema\n"
    code, out, err = run(cli_run, "valid.xml", "--schema", "not-xml.xml")
    assert (code, out) == (2, "")
    assert err.startswith("tei-edition: error: not-xml.xml: not a usable schema: ")


def test_schema_only_needs_a_grammar(cli_run):
    code, _, err = run(cli_run, "valid.xml", "--schema", "schematron/rules.sch", "--schema-only")
    assert code == 2
    assert err == "tei-edition: error: --schema-only checks a grammar: give a RELAX NG (.rng) or XSD (.xsd) schema\n"


def test_schema_only_skips_integrity_and_schematron(cli_run):
    # dangling-pointer.xml is fine for the grammar: only integrity finds its problem.
    assert run(cli_run, "dangling-pointer.xml", *ANY, "--schema-only") == (0, "1 file, 0 errors, 0 warnings\n", "")
    code, out, err = run(cli_run, "schematron/document.xml", *ANY, "--schema", "schematron/rules.sch", "--schema-only")
    assert (code, out, err) == (0, "1 file, 0 errors, 0 warnings\n", "")


def test_schema_only_still_reports_grammar_errors(cli_run):
    code, out, _ = run(cli_run, "xml-model/relative.xml", "--schema", "xml-model/schemas/closed.rng", "--schema-only")
    assert code == 1
    assert out.splitlines() == [
        "xml-model/relative.xml:13:3: error: element <standOff> is not allowed in <TEI> after <text>; "
        "<TEI> takes nothing more here [relaxng]",
        "1 file, 1 error, 0 warnings",
    ]


def test_help_has_an_example(cli_run):
    code, out, _ = cli_run("validate", "--help")
    assert code == 0
    assert "Example:" in out
    assert "tei-edition validate texts/ --format github" in out
    for option in ("--schema FILE", "--schema-only", "--format", "--strict", "--catalog FILE"):
        assert option in out


def test_unknown_format_is_a_usage_error(cli_run):
    code, _, err = run(cli_run, "valid.xml", "--format", "xml")
    assert code == 2
    assert "Invalid value for '--format'" in err


def test_the_edition_texts_pass(cli_run):
    """texts/ against the project profile (and their own xml-model PIs): nothing to fix."""
    code, out, err = cli_run("validate", TEXTS)
    files = len(list(TEXTS.rglob("*.xml")))
    assert out == f"{files} file{'s' * (files != 1)}, 0 errors, 0 warnings\n", out
    assert code == 0


def test_the_profile_is_the_default_schema(cli_run):
    """A document without <?xml-model?> is checked against schemas/tei_edition.rng and .sch."""
    assert run(cli_run, "valid.xml") == (0, "1 file, 0 errors, 0 warnings\n", "")
    # The profile's grammar (the wording is the RELAX NG engine's) ...
    code, out, _ = run(cli_run, "profile-order.xml")
    assert [line.split(": error: ")[0] + " " + line.rsplit(" ", 1)[1] for line in out.splitlines()[:-1]] == [
        "profile-order.xml:5:7 [relaxng]",
        "profile-order.xml:8:5 [relaxng]",
    ]
    assert "<sourceDesc>" in out.splitlines()[0]
    assert code == 1
    # ... and its Schematron (a fixture without a licence).
    code, out, _ = run(cli_run, "unused-entry.xml")
    assert [line.rsplit(" ", 1)[1] for line in out.splitlines()[:-1]] == ["[licence-missing]", "[unused-entry]"]
    assert out.splitlines()[0].startswith("unused-entry.xml:6:7: warning: ")


def test_the_grammar_does_not_repeat_what_integrity_says_better(cli_run):
    # The profile's datatypes reject 1950-13-01 and the second "intro" too, at the same place.
    for fixture, rule in (("date-format.xml", "[date-format]"), ("duplicate-id.xml", "[duplicate-id]")):
        code, out, _ = run(cli_run, fixture)
        errors = [line for line in out.splitlines() if ": error: " in line]
        assert len(errors) == 1 and errors[0].endswith(rule), out
        code, out, _ = run(cli_run, fixture, "--schema-only", "--schema", "../../../schemas/tei_edition.rng")
        assert out.splitlines()[0].endswith("[relaxng]"), out
