"""Issue 6, one test per vector, through the command line: XXE, XInclude escapes, entity bombs.

Each test runs the real command (in-process, as ``tei-edition`` would) in a
project folder ``tmp/proj`` with the secret in ``tmp/secret.txt``, beside it,
and asserts the exit code, the exact message line, and that the secret is in
no message and in no file anywhere under ``tmp`` (outputs, sites, copies).
"""

from __future__ import annotations

import json
import time

import pytest
from hostile_kit import SECRET, XI_NS, assert_no_secret, check_site_is_safe, needs_build, project, tei

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def position_after(text: str, needle: str) -> tuple[int, int]:
    """Line and column just after ``needle`` (where libxml2 reports an entity reference)."""
    offset = text.index(needle) + len(needle)
    line = text.count("\n", 0, offset) + 1
    return line, offset - text.rfind("\n", 0, offset)


def position_of(text: str, needle: str) -> tuple[int, int]:
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    return line, offset - text.rfind("\n", 0, offset)


def everything_under(tmp_path, *outputs: str) -> None:
    """No secret in the outputs, nor in any file under tmp except the secret itself."""
    assert_no_secret(*outputs)
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.name not in ("secret.txt", "secret.xml"):
            assert SECRET.encode() not in path.read_bytes(), path


def build_takes_the_reading_policy() -> bool:
    from tei_edition.cli import COMMANDS

    if "build" not in COMMANDS:
        return False
    from tei_edition.commands.build import command

    return any(parameter.name == "huge" for parameter in command.params)


needs_build_policy = pytest.mark.skipif(
    not build_takes_the_reading_policy(),
    reason="tei_edition/commands/build.py does not take @reading_options yet (no --huge, no XInclude)")


# -- XXE: an external entity naming a local file ----------------------------------------


@pytest.fixture
def xxe(tmp_path):
    secret = tmp_path / "secret.txt"
    text = tei("<p>Before &secret; after</p>",
               doctype=f'<!DOCTYPE TEI [<!ENTITY secret SYSTEM "{secret.as_uri()}">]>\n')
    root = project(tmp_path, {"texts/xxe.xml": text})
    line, column = position_after(text, "&secret;")
    message = (f"texts/xxe.xml:{line}:{column}: error: external entity &secret; is never loaded: "
               "tei-edition reads no external entities")
    return root, message


def test_xxe_validate(cli_run, xxe, tmp_path):
    root, message = xxe
    code, stdout, stderr = cli_run("validate", cwd=root)
    assert code == 1
    assert stdout.splitlines() == [message + " [external-entity]", "1 file, 1 error, 0 warnings"]
    everything_under(tmp_path, stdout, stderr)


def test_xxe_index(cli_run, xxe, tmp_path):
    root, message = xxe
    code, stdout, stderr = cli_run("index", cwd=root)
    assert code == 1
    assert stderr.splitlines()[0] == message
    assert json.loads(stdout)["skipped"][0]["message"] == message.split(": error: ")[1]
    code, stdout, stderr = cli_run("index", "-o", tmp_path / "registers.json", cwd=root)
    assert code == 1 and stdout == ""
    everything_under(tmp_path, stdout, stderr)


@needs_build
def test_xxe_build(cli_run, xxe, tmp_path):
    root, message = xxe
    code, stdout, stderr = cli_run("build", cwd=root)
    assert code == 1
    assert message + " [external-entity]" in stdout.splitlines()
    assert stderr.splitlines()[-1] == ("tei-edition: nothing was built: the texts have 1 error; fix them, "
                                       "or build anyway with --force")
    assert not (root / "_site").exists()
    code, stdout, stderr = cli_run("build", "--force", cwd=root)  # built without the text that is not XML
    assert code == 0
    assert message + " [external-entity]" in stderr.splitlines()
    check_site_is_safe(root / "_site")
    everything_under(tmp_path, stdout, stderr)


def test_xxe_in_an_attribute_and_through_an_internal_entity(cli_run, tmp_path):
    secret = (tmp_path / "secret.txt").as_uri()
    text = tei('<p n="&wrap;">x</p>',
               doctype=f'<!DOCTYPE TEI [<!ENTITY s SYSTEM "{secret}"><!ENTITY wrap "[&s;]">]>\n')
    root = project(tmp_path, {"texts/a.xml": text})
    code, stdout, stderr = cli_run("validate", cwd=root)
    assert code == 1
    assert stdout.splitlines()[0].endswith(
        ": error: external entity &s; is never loaded: tei-edition reads no external entities [external-entity]")
    everything_under(tmp_path, stdout, stderr)


def test_error_based_exfiltration_with_parameter_entities(cli_run, tmp_path):
    """The classic trick: a parameter entity puts the file into the name of a file that cannot be
    found, for the error message to show.  Parameter entities are never read."""
    secret = (tmp_path / "secret.txt").as_uri()
    doctype = (f'<!DOCTYPE TEI [<!ENTITY % file SYSTEM "{secret}">'
               "<!ENTITY % eval \"<!ENTITY &#x25; error SYSTEM 'file:///nonexistent/%file;'>\">%eval;%error;]>\n")
    root = project(tmp_path, {"texts/a.xml": tei(doctype=doctype)})
    code, stdout, stderr = cli_run("validate", cwd=root)
    assert code == 1
    assert stdout.splitlines()[0].startswith("texts/a.xml:2:")
    assert stdout.splitlines()[0].endswith(": error: parameter entity %file; is never read: tei-edition loads no DTD, "
                                           "and parameter entities only serve DTDs [external-entity]")
    everything_under(tmp_path, stdout, stderr)


def test_a_doctype_naming_a_local_dtd_is_not_read(cli_run, tmp_path):
    secret = tmp_path / "secret.txt"
    root = project(tmp_path, {"texts/a.xml": tei(doctype=f'<!DOCTYPE TEI SYSTEM "{secret}">\n')})
    code, stdout, stderr = cli_run("validate", cwd=root)
    assert code == 0, stdout
    everything_under(tmp_path, stdout, stderr)


# -- XInclude escapes -------------------------------------------------------------------------


@pytest.fixture
def escape(tmp_path):
    body = f'<p xmlns:xi="{XI_NS}">Quoted: <xi:include href="../../secret.txt" parse="text"/></p>'
    text = tei(body)
    root = project(tmp_path, {"texts/escape.xml": text})
    line, column = position_of(text, "<xi:include")
    message = (f'texts/escape.xml:{line}:{column}: error: xi:include href="../../secret.txt" parse="text" is refused: '
               f"{tmp_path / 'secret.txt'} is outside the input root {root}; only files inside it are included")
    return root, message


def test_xinclude_escape_validate(cli_run, escape, tmp_path):
    root, message = escape
    code, stdout, stderr = cli_run("validate", cwd=root)
    assert code == 1
    assert stdout.splitlines() == [message + " [xinclude]", "1 file, 1 error, 0 warnings"]
    everything_under(tmp_path, stdout, stderr)


def test_xinclude_escape_index(cli_run, escape, tmp_path):
    root, message = escape
    code, stdout, stderr = cli_run("index", "-o", tmp_path / "out.json", cwd=root)
    assert code == 1
    assert stderr.splitlines()[0] == message
    everything_under(tmp_path, stdout, stderr)


@needs_build
@needs_build_policy
def test_xinclude_escape_build(cli_run, escape, tmp_path):
    root, message = escape
    code, stdout, stderr = cli_run("build", cwd=root)
    assert code == 1
    assert message + " [xinclude]" in stdout.splitlines()
    assert not (root / "_site").exists()
    everything_under(tmp_path, stdout, stderr)


@needs_build
def test_xinclude_escape_build_never_reads_the_secret(cli_run, escape, tmp_path):
    """Whether or not build processes XInclude yet, the secret never reaches the site."""
    root, _ = escape
    code, stdout, stderr = cli_run("build", "--force", cwd=root)
    assert code in (0, 1)
    everything_under(tmp_path, stdout, stderr)


def test_xinclude_of_etc_passwd(cli_run, tmp_path):
    text = tei(f'<p xmlns:xi="{XI_NS}"><xi:include href="/etc/passwd" parse="text"/></p>')
    root = project(tmp_path, {"texts/a.xml": text})
    code, stdout, stderr = cli_run("validate", cwd=root)
    assert code == 1
    line, column = position_of(text, "<xi:include")
    assert stdout.splitlines()[0] == (
        f'texts/a.xml:{line}:{column}: error: xi:include href="/etc/passwd" parse="text" is refused: /etc/passwd is '
        f"outside the input root {root}; only files inside it are included [xinclude]")
    assert "root:" not in stdout + stderr


def test_xinclude_over_the_network(cli_run, tmp_path):
    text = tei(f'<p xmlns:xi="{XI_NS}"><xi:include href="http://127.0.0.1:9/header.xml"/></p>')
    root = project(tmp_path, {"texts/a.xml": text})
    started = time.monotonic()
    code, stdout, _ = cli_run("validate", cwd=root)
    assert code == 1
    assert stdout.splitlines()[0].endswith(
        'error: xi:include href="http://127.0.0.1:9/header.xml" is refused: tei-edition never reads from the network [xinclude]')
    assert time.monotonic() - started < 5


def test_xinclude_inside_the_project_works(cli_run, tmp_path):
    """The legitimate use: a shared header in the project, outside texts/."""
    header = tei().split("<teiHeader>", 1)[1].split("</teiHeader>", 1)[0]
    shared = f'<teiHeader xmlns="http://www.tei-c.org/ns/1.0">{header}</teiHeader>\n'
    text = tei(header=f'<xi:include xmlns:xi="{XI_NS}" href="../shared/header.xml"/>')
    root = project(tmp_path, {"texts/a.xml": text, "shared/header.xml": shared})
    code, stdout, stderr = cli_run("validate", cwd=root)
    assert (code, stdout) == (0, "1 file, 0 errors, 0 warnings\n"), stdout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code, stdout, stderr = cli_run("validate", root / "texts", cwd=elsewhere)  # the root is then texts/ alone
    assert code == 1
    assert f"is outside the input root {root / 'texts'}; only files inside it are included [xinclude]" in stdout


# -- entity bombs -------------------------------------------------------------------------------


def billion_laughs() -> str:
    levels = "".join(f"<!ENTITY lol{i} '{('&lol%d;' % (i - 1)) * 10}'>" for i in range(1, 10))
    return tei("<p>&lol9;</p>", doctype=f"<!DOCTYPE TEI [<!ENTITY lol0 'lol'>{levels}]>\n")


@pytest.mark.parametrize("command", [["validate"], ["index"], ["build"]], ids=lambda c: c[0])
def test_billion_laughs_fails_fast(cli_run, tmp_path, command):
    if command == ["build"]:
        from hostile_kit import build_available

        if not build_available():
            pytest.skip("`tei-edition build` is not registered yet")
    text = billion_laughs()
    root = project(tmp_path, {"texts/lol.xml": text})
    started = time.monotonic()
    code, stdout, stderr = cli_run(*command, cwd=root)
    elapsed = time.monotonic() - started
    assert code == 1
    line, column = position_after(text, "&lol9;")
    expected = (f"texts/lol.xml:{line}:{column}: error: entity expansion exceeds the safety limit (a 'billion laughs' "
                "pattern?); the document is refused" + (" [well-formed]" if command != ["index"] else ""))
    assert expected in (stdout + stderr).splitlines()
    assert elapsed < 2, f"{elapsed:.2f} s"
    assert "lollollol" not in stdout + stderr


@pytest.mark.parametrize("huge", [False, True])
def test_quadratic_blowup_is_refused_with_and_without_huge(cli_run, tmp_path, huge):
    """One 100 kB entity referenced 1000 times: 100 MB from 200 kB, no nesting needed."""
    entity = "a" * 100_000
    text = tei("<p>" + "&a;" * 1000 + "</p>", doctype=f"<!DOCTYPE TEI [<!ENTITY a '{entity}'>]>\n")
    root = project(tmp_path, {"texts/q.xml": text})
    started = time.monotonic()
    code, stdout, _ = cli_run("validate", *(["--huge"] if huge else []), cwd=root)
    assert code == 1
    assert "entity expansion exceeds the safety limit" in stdout
    assert time.monotonic() - started < 2


def test_deep_nesting_is_an_error_with_its_position(cli_run, tmp_path):
    depth = 10_000
    text = tei("<p>" + "<hi>" * depth + "x" + "</hi>" * depth + "</p>")
    root = project(tmp_path, {"texts/deep.xml": text})
    code, stdout, stderr = cli_run("validate", cwd=root)
    assert code == 1
    line, column = position_of(text, "<p><hi>")
    assert stdout.splitlines()[0] == (  # libxml2's column: after "<hi" of the 257th element (TEI, text, body, p, 253 hi)
        f"texts/deep.xml:{line}:{column + len('<p>') + 4 * 252 + len('<hi')}: error: elements are nested more than 256 levels deep; if the file "
        "is genuine, run again with --huge (see docs/security.md) [well-formed]")
    code, stdout, stderr = cli_run("validate", "--huge", cwd=root)
    assert code == 1
    assert "elements are nested more than 2,048 levels deep, more than tei-edition reads even with --huge" in stdout


# -- schemas that come with the texts ---------------------------------------------------------------


@pytest.mark.parametrize("target", ["file", "network"])
def test_a_schematron_from_the_texts_reads_no_file_and_no_network(cli_run, tmp_path, target):
    """<?xml-model?> may name a Schematron shipped with the texts; its XPath may call document()."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    (tmp_path / "secret.xml").write_text(f"<config><password>{SECRET}</password></config>")
    url = (tmp_path / "secret.xml").as_uri() if target == "file" else f"http://127.0.0.1:{port}/probe.xml"
    schema = ('<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt">'
              '<ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/><pattern><rule context="tei:TEI">'
              f"<report test=\"true()\">leak: <value-of select=\"document('{url}')//password\"/></report>"
              "</rule></pattern></schema>")
    model = '<?xml-model href="evil.sch" type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"?>\n'
    root = project(tmp_path, {"texts/evil.sch": schema, "texts/a.xml": tei().replace("?>\n", "?>\n" + model, 1)})
    try:
        code, stdout, stderr = cli_run("validate", cwd=root)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody called
    finally:
        listener.close()
    assert code == 0, stdout + stderr
    assert stdout.splitlines() == [
        f"texts/a.xml:1:1: warning: the Schematron of evil.sch could not run on this file: xsltLoadDocument: "
        f"read rights for {url} denied [schematron]", "1 file, 0 errors, 1 warning"]
    everything_under(tmp_path, stdout, stderr)
