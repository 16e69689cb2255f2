"""The parser policy, at the library level: XInclude inside the input root, libxml2's limits, entities.

The same vectors through the command line are in test_hostile_vectors.py.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from hostile_kit import SECRET, TEI_NS, XI_NS
from lxml import etree

from tei_edition import parsing
from tei_edition.errors import XMLProblem
from tei_edition.inputs import input_root
from tei_edition.parsing import iterparse, parse_bytes, parse_file

T = f"{{{TEI_NS}}}"


def doc(body: str, *, xi: str = XI_NS) -> str:
    return f'<TEI xmlns="{TEI_NS}" xmlns:xi="{xi}">\n<text><body>\n{body}\n</body></text>\n</TEI>\n'


@pytest.fixture
def proj(tmp_path, monkeypatch):
    """tmp/proj (the working folder) with texts/ and shared/; tmp/secret.txt outside it."""
    root = tmp_path / "proj"
    (root / "texts").mkdir(parents=True)
    (root / "shared").mkdir()
    (root / "shared" / "header.xml").write_text(
        f'<teiHeader xmlns="{TEI_NS}"><fileDesc><titleStmt><title>Shared</title></titleStmt></fileDesc></teiHeader>\n')
    (root / "shared" / "note.txt").write_text("a shared note")
    (tmp_path / "secret.txt").write_text(SECRET)
    monkeypatch.chdir(root)
    return root


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def parse_in(root: Path, path: Path):
    return parse_file(path, xinclude_root=root)


def problem(root: Path, path: Path) -> str:
    with pytest.raises(XMLProblem) as caught:
        parse_in(root, path)
    assert caught.value.exit_code == 1
    assert SECRET not in str(caught.value)
    return str(caught.value)


# -- XInclude: what is included --------------------------------------------------


def test_a_shared_header_inside_the_root_is_included(proj):
    text = write(proj / "texts" / "a.xml", doc('<p>x</p>').replace("<text>", '<xi:include href="../shared/header.xml"/>\n<text>'))
    root = parse_in(proj, text).getroot()
    header = root.find(f"{T}teiHeader")
    assert header.findtext(f"{T}fileDesc/{T}titleStmt/{T}title") == "Shared"
    assert header.sourceline == 2  # problems inside included content are reported at the xi:include
    assert not root.xpath("//*[namespace-uri() = $ns]", ns=XI_NS)


def test_text_is_included_with_the_tails_kept(proj):
    text = write(proj / "texts" / "a.xml", doc('<p>before <xi:include href="../shared/note.txt" parse="text"/> after</p>'))
    p = parse_in(proj, text).getroot().find(f".//{T}p")
    assert p.text == "before a shared note after" and len(p) == 0


def test_text_in_a_declared_encoding(proj):
    (proj / "shared" / "latin.txt").write_bytes("Mächte".encode("latin-1"))
    text = write(proj / "texts" / "a.xml", doc('<p><hi>x</hi><xi:include href="../shared/latin.txt" parse="text" encoding="ISO-8859-1"/>!</p>'))
    assert parse_in(proj, text).getroot().find(f".//{T}hi").tail == "Mächte!"


def test_fallback_for_a_missing_file(proj):
    text = write(proj / "texts" / "a.xml", doc(
        '<p>a <xi:include href="missing.xml"><xi:fallback>fell <hi>back</hi> here</xi:fallback></xi:include> tail</p>'))
    p = parse_in(proj, text).getroot().find(f".//{T}p")
    assert etree.tostring(p, encoding="unicode", with_tail=False) == f'<p xmlns="{TEI_NS}" xmlns:xi="{XI_NS}">a fell <hi>back</hi> here tail</p>'


def test_xpointer_forms(proj):
    write(proj / "shared" / "parts.xml", f'<div xmlns="{TEI_NS}"><p xml:id="one">One</p><p xml:id="two">Two <hi>2</hi></p></div>')
    text = write(proj / "texts" / "a.xml", doc(
        '<xi:include href="../shared/parts.xml" xpointer="one"/>'
        '<xi:include href="../shared/parts.xml" xpointer="element(two/1)"/>'
        "<xi:include href=\"../shared/parts.xml\" xpointer=\"xpointer(id('two'))\"/>"
        '<xi:include href="../shared/parts.xml" xpointer="element(/1/1)"/>'))
    body = parse_in(proj, text).getroot().find(f".//{T}body")
    assert [etree.QName(e).localname + ":" + "".join(e.itertext()) for e in body] == ["p:One", "hi:2", "p:Two 2", "p:One"]


def test_the_old_2003_namespace_is_processed_too(proj):
    text = write(proj / "texts" / "a.xml", doc('<p><xi:include href="../shared/note.txt" parse="text"/></p>',
                                                xi="http://www.w3.org/2003/XInclude"))
    assert parse_in(proj, text).getroot().findtext(f".//{T}p") == "a shared note"


def test_without_a_root_xinclude_is_left_alone(proj):
    text = write(proj / "texts" / "a.xml", doc('<p><xi:include href="../../secret.txt" parse="text"/></p>'))
    root = parse_file(text).getroot()
    assert root.find(f".//{{{XI_NS}}}include") is not None
    assert SECRET not in etree.tostring(root, encoding="unicode")


def test_the_run_policy_turns_xinclude_on(proj):
    text = write(proj / "texts" / "a.xml", doc('<p><xi:include href="../shared/note.txt" parse="text"/></p>'))
    with parsing.policy(xinclude_root=proj):
        assert parse_file(text).getroot().findtext(f".//{T}p") == "a shared note"
        assert parse_bytes(text.read_bytes(), text).getroot().findtext(f".//{T}p") == "a shared note"
    assert parsing.current_policy() == parsing.Policy()
    assert parse_file(text).getroot().find(f".//{{{XI_NS}}}include") is not None


def test_iterparse_expands_includes_when_the_root_is_set(proj):
    text = write(proj / "texts" / "a.xml", doc('<xi:include href="../shared/header.xml"/><p>x</p>'))
    tags = [etree.QName(e).localname for _, e in iterparse(text, xinclude_root=proj)]
    assert "title" in tags and "include" not in tags
    tags = [etree.QName(e).localname for _, e in iterparse(text)]
    assert "include" in tags and "title" not in tags


# -- XInclude: what is refused -------------------------------------------------------


def test_relative_escape_with_parse_text(proj):
    text = write(proj / "texts" / "a.xml", doc('<p>x <xi:include href="../../secret.txt" parse="text"/></p>'))
    secret = proj.parent / "secret.txt"
    assert problem(proj, text) == (
        f'{text}:3:6: error: xi:include href="../../secret.txt" parse="text" is refused: {secret} is outside the '
        f"input root {proj}; only files inside it are included")


def test_absolute_escape(proj):
    text = write(proj / "texts" / "a.xml", doc('<p><xi:include href="/etc/passwd" parse="text"/></p>'))
    assert problem(proj, text) == (
        f'{text}:3:4: error: xi:include href="/etc/passwd" parse="text" is refused: /etc/passwd is outside the '
        f"input root {proj}; only files inside it are included")


def test_file_url_outside_and_inside(proj):
    secret = (proj.parent / "secret.txt").as_uri()
    text = write(proj / "texts" / "a.xml", doc(f'<p><xi:include href="{secret}" parse="text"/></p>'))
    assert "is refused: " + str(proj.parent / "secret.txt") + " is outside the input root" in problem(proj, text)
    inside = (proj / "shared" / "note.txt").as_uri()
    write(text, doc(f'<p><xi:include href="{inside}" parse="text"/></p>'))
    assert parse_in(proj, text).getroot().findtext(f".//{T}p") == "a shared note"


@pytest.mark.parametrize("href", ["http://127.0.0.1:9/x.xml", "https://example.org/header.xml", "HTTP://EXAMPLE.ORG/a",
                                  "ftp://example.org/a.xml"])
def test_network_targets(proj, href):
    text = write(proj / "texts" / "a.xml", doc(f'<p><xi:include href="{href}"/></p>'))
    started = time.monotonic()
    assert problem(proj, text) == f'{text}:3:4: error: xi:include href="{href}" is refused: tei-edition never reads from the network'
    assert time.monotonic() - started < 1  # refused, not tried


@pytest.mark.parametrize("href,message", [
    ("file://example.org/etc/passwd", "it names a file on another machine (example.org); tei-edition never reads from the network"),
    ("//example.org/share/a.xml", "it names another machine; tei-edition never reads from the network"),
    ("jar:file:///x.jar!/a.xml", "tei-edition includes only files (not jar: addresses)"),
])
def test_other_machines_and_schemes(proj, href, message):
    text = write(proj / "texts" / "a.xml", doc(f'<p><xi:include href="{href}"/></p>'))
    assert problem(proj, text) == f'{text}:3:4: error: xi:include href="{href}" is refused: {message}'


def test_a_symbolic_link_out_of_the_root(proj):
    (proj / "shared" / "innocent.txt").symlink_to(proj.parent / "secret.txt")
    text = write(proj / "texts" / "a.xml", doc('<p><xi:include href="../shared/innocent.txt" parse="text"/></p>'))
    assert f"is refused: {proj.parent / 'secret.txt'} is outside the input root {proj}" in problem(proj, text)


def test_a_refused_target_is_an_error_even_with_a_fallback(proj):
    text = write(proj / "texts" / "a.xml", doc(
        '<p><xi:include href="../../secret.txt" parse="text"><xi:fallback>none</xi:fallback></xi:include></p>'))
    assert "is refused" in problem(proj, text)


def test_the_column_is_that_of_the_refused_include_on_a_minified_line(proj):
    line = ('<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:xi="http://www.w3.org/2001/XInclude"><text><body><p>Mächte '
            '<xi:include href="../shared/note.txt" parse="text"/> <xi:include href="../../secret.txt" parse="text"/></p>'
            '</body></text></TEI>')
    text = write(proj / "texts" / "a.xml", line)
    column = line.index('<xi:include href="../../') + 1
    assert problem(proj, text).startswith(f"{text}:1:{column}: error: ")
    text.write_bytes(line.encode("utf-16"))  # columns count characters, whatever the encoding
    assert problem(proj, text).startswith(f"{text}:1:{column}: error: ")


def test_an_include_loop(proj):
    a = write(proj / "texts" / "a.xml", doc('<xi:include href="b.xml"/>'))
    write(proj / "texts" / "b.xml", f'<div xmlns="{TEI_NS}" xmlns:xi="{XI_NS}">\n<xi:include href="a.xml"/></div>')
    assert problem(proj, a) == (
        f'{a}:3:1: error: in texts/b.xml, included here, at 2:1: xi:include href="a.xml": '
        "an include loop: texts/a.xml includes texts/b.xml includes texts/a.xml")


def test_a_file_including_itself(proj):
    a = write(proj / "texts" / "a.xml", doc('<xi:include href="a.xml"/>'))
    assert problem(proj, a) == f'{a}:3:1: error: xi:include href="a.xml": an include loop: texts/a.xml includes texts/a.xml'


def test_an_included_file_is_read_with_the_same_policy(proj):
    secret = (proj.parent / "secret.txt").as_uri()
    write(proj / "shared" / "xxe.xml", f'<!DOCTYPE p [<!ENTITY s SYSTEM "{secret}">]>\n<p xmlns="{TEI_NS}">&s;</p>')
    text = write(proj / "texts" / "a.xml", doc('<xi:include href="../shared/xxe.xml"/>'))
    assert problem(proj, text) == (
        f'{text}:3:1: error: xi:include href="../shared/xxe.xml": the included file is not usable XML: '
        "shared/xxe.xml:2:43: external entity &s; is never loaded: tei-edition reads no external entities")


def test_billion_laughs_in_an_included_file_fails_fast(proj):
    levels = "".join(f"<!ENTITY e{i} '{('&e%d;' % (i - 1)) * 10}'>" for i in range(1, 10))
    write(proj / "shared" / "lol.xml", f"<!DOCTYPE p [<!ENTITY e0 'lol'>{levels}]><p>&e9;</p>")
    text = write(proj / "texts" / "a.xml", doc('<xi:include href="../shared/lol.xml"/>'))
    started = time.monotonic()
    assert "entity expansion exceeds the safety limit" in problem(proj, text)
    assert time.monotonic() - started < 2


def test_an_include_bomb_is_refused_fast(proj):
    """Ten files, each including the next ten times: 10**9 copies if nothing stopped it."""
    for level in range(9):
        write(proj / "shared" / f"b{level}.xml",
              f'<div xmlns="{TEI_NS}" xmlns:xi="{XI_NS}">' + f'<xi:include href="b{level + 1}.xml"/>' * 10 + "</div>")
    write(proj / "shared" / "b9.xml", f'<p xmlns="{TEI_NS}">{"lol " * 100}</p>')
    text = write(proj / "texts" / "a.xml", doc('<xi:include href="../shared/b0.xml"/>'))
    started = time.monotonic()
    message = problem(proj, text)
    assert message.startswith(f"{text}:3:1: error: in shared/b0.xml, included here, at 1:85: in shared/b1.xml, included here, at 1:85: ")
    assert message.endswith(f"more than {parsing.INCLUDE_COUNT_LIMIT:,} inclusions in one document (an include bomb?); "
                            "the document is refused")
    assert time.monotonic() - started < 5


def test_included_bytes_are_bounded(proj, monkeypatch):
    monkeypatch.setattr(parsing, "INCLUDE_BYTES_LIMIT", (1000, 10_000))
    write(proj / "shared" / "big.txt", "x" * 600)
    text = write(proj / "texts" / "a.xml", doc('<p><xi:include href="../shared/big.txt" parse="text"/>'
                                                '<xi:include href="../shared/big.txt" parse="text"/></p>'))
    assert problem(proj, text).endswith(
        'error: the included files add up to more than 1,000 bytes (an include bomb?); the document is refused (--huge allows more)')
    assert parse_file(text, xinclude_root=proj, huge=True).getroot().findtext(f".//{T}p") == "x" * 1200


@pytest.mark.parametrize("include,message", [
    ('<xi:include href="missing.xml"/>', 'xi:include href="missing.xml": no such file ({proj}/texts/missing.xml)'),
    ('<xi:include href="../shared/note.txt" parse="html"/>', 'xi:include href="../shared/note.txt" parse="html": parse must be "xml" or "text"'),
    ("<xi:include/>", "xi:include: needs an href"),
    ('<xi:include xpointer="one"/>', 'xi:include xpointer="one": an include from the same document (no href) is not supported'),
    ('<xi:include href="../shared/header.xml#x"/>', 'xi:include href="../shared/header.xml#x": a fragment (#) is not allowed in href; use xpointer="..."'),
    ('<xi:include href="../shared/header.xml" xpointer="nope"/>', 'xi:include href="../shared/header.xml" xpointer="nope": no element with xml:id "nope" in shared/header.xml'),
    ('<xi:include href="../shared/header.xml" xpointer="xpointer(//*)"/>', """xi:include href="../shared/header.xml" xpointer="xpointer(//*)": this xpointer is not supported; use an xml:id, element(id/1/2) or xpointer(id('...'))"""),
    ('<xi:include href="../shared/note.txt" parse="text" encoding="no-such"/>', """xi:include href="../shared/note.txt" parse="text": unknown encoding 'no-such'"""),
    ('<xi:include href="../shared" parse="text"/>', 'xi:include href="../shared" parse="text": {proj}/shared is not a file'),
])
def test_include_mistakes(proj, include, message):
    text = write(proj / "texts" / "a.xml", doc(include))
    assert problem(proj, text) == f"{text}:3:1: error: " + message.format(proj=proj)


def test_a_binary_file_included_as_text(proj):
    (proj / "shared" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    text = write(proj / "texts" / "a.xml", doc('<p><xi:include href="../shared/image.png" parse="text"/></p>'))
    assert problem(proj, text).endswith("error: xi:include href=\"../shared/image.png\" parse=\"text\": the file is not utf-8 text")
    text = write(proj / "texts" / "a.xml", doc('<p><xi:include href="../shared/image.png" parse="text" encoding="latin-1"/></p>'))
    assert problem(proj, text).endswith("the file has characters XML does not allow (a binary file?)")


def test_an_included_file_that_is_not_xml(proj):
    text = write(proj / "texts" / "a.xml", doc('<xi:include href="../shared/note.txt"/>'))
    assert problem(proj, text) == (f'{text}:3:1: error: xi:include href="../shared/note.txt": the included file is not '
                                   "usable XML: shared/note.txt:1:1: this is not XML: no start tag found")


def test_the_root_element_may_not_be_an_include(proj):
    text = write(proj / "texts" / "a.xml", f'<xi:include xmlns:xi="{XI_NS}" href="../shared/header.xml"/>')
    assert problem(proj, text) == (f"{text}:1:1: error: the root element is an xi:include; tei-edition includes only "
                                   "inside a root element")


# -- the input root ------------------------------------------------------------------


def test_input_root_is_the_working_folder_when_the_inputs_are_in_it(proj):
    assert input_root(["texts"]) == (proj,)
    assert input_root([]) == (proj,)  # texts/ by default


def test_input_root_elsewhere_is_the_folder_holding_the_inputs(tmp_path, proj):
    other = tmp_path / "other" / "corpus"
    (other / "a").mkdir(parents=True)
    (other / "b").mkdir()
    (other / "a" / "x.xml").write_text("<x/>")
    assert input_root([other / "a", other / "b"]) == (other,)
    assert input_root([other / "a" / "x.xml"]) == (other / "a",)


def test_input_root_is_never_the_home_or_file_system_root(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "texts").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home)
    assert input_root([]) == (home / "texts",)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if Path(os.path.commonpath([home / "texts", "/usr"])) == Path("/"):
        assert input_root([home / "texts", "/usr"]) == (home / "texts", Path("/usr"))


def test_input_root_follows_a_linked_texts_folder(tmp_path, proj):
    disk = tmp_path / "disk" / "texts"
    disk.mkdir(parents=True)
    (proj / "linked").symlink_to(disk)
    assert input_root(["linked"]) == (proj, disk)


# -- libxml2's limits, as measured (docs/security.md) ------------------------------


def nested(depth: int) -> bytes:
    return b"<a>" * depth + b"</a>" * depth


def test_nesting_limit_is_256_levels():
    parse_bytes(nested(256), "deep.xml")
    with pytest.raises(XMLProblem) as caught:
        parse_bytes(nested(257), "deep.xml")
    assert str(caught.value) == ("deep.xml:1:771: error: elements are nested more than 256 levels deep; if the file is "
                                 "genuine, run again with --huge (see docs/security.md)")


def test_nesting_limit_with_huge_is_2048_levels():
    parse_bytes(nested(2048), "deep.xml", huge=True)
    with pytest.raises(XMLProblem) as caught:
        parse_bytes(nested(10_000), "deep.xml", huge=True)
    assert str(caught.value) == ("deep.xml:1:6147: error: elements are nested more than 2,048 levels deep, more than "
                                 "tei-edition reads even with --huge")


def test_text_limit_is_ten_million_bytes():
    parse_bytes(b"<a>" + b"x" * 10_000_000 + b"</a>", "long.xml")
    with pytest.raises(XMLProblem) as caught:
        parse_bytes(b"<a>" + b"x" * 10_000_001 + b"</a>", "long.xml")
    assert caught.value.message == ("a text is longer than 10,000,000 bytes; if the file is genuine, run again with "
                                    "--huge (see docs/security.md)")
    assert len(parse_bytes(b"<a>" + b"x" * 20_000_000 + b"</a>", "long.xml", huge=True).getroot().text) == 20_000_000


def test_attribute_and_name_limits():
    with pytest.raises(XMLProblem, match="an attribute value or entity value is longer than 10,000,000 bytes"):
        parse_bytes(b"<a b='" + b"x" * 10_000_001 + b"'/>", "a.xml")
    parse_bytes(b"<a b='" + b"x" * 10_000_001 + b"'/>", "a.xml", huge=True)
    parse_bytes(b"<" + b"a" * 50_000 + b"/>", "a.xml")
    with pytest.raises(XMLProblem, match="a name is longer than 50,000 characters"):
        parse_bytes(b"<" + b"a" * 50_001 + b"/>", "a.xml")


@pytest.mark.parametrize("huge", [False, True])
def test_huge_mode_keeps_the_amplification_limit(huge):
    """libxml2 2.14 checks entity amplification in huge-tree mode too (older versions did not)."""
    entity = "x" * 1000
    data = f"<!DOCTYPE a [<!ENTITY e '{entity}'>]><a>{'&e;' * 1000}</a>".encode()  # 1 MB from 4 kB
    with pytest.raises(XMLProblem, match="entity expansion exceeds the safety limit"):
        parse_bytes(data, "quadratic.xml", huge=huge)
    fine = f"<!DOCTYPE a [<!ENTITY e '{entity}'>]><a>{'&e;' * 400}</a>".encode()  # under libxml2's 1 MB allowance
    assert len(parse_bytes(fine, "fine.xml", huge=huge).getroot().text) == 400_000


def test_parameter_entities_are_never_read(tmp_path):
    (tmp_path / "s.txt").write_text(SECRET)
    uri = (tmp_path / "s.txt").as_uri()
    data = (f'<!DOCTYPE TEI [<!ENTITY % file SYSTEM "{uri}"><!ENTITY % eval "<!ENTITY &#x25; error SYSTEM '
            f"'file:///nonexistent/%file;'>\">%eval;%error;]>\n<TEI>x</TEI>").encode()
    with pytest.raises(XMLProblem) as caught:
        parse_bytes(data, "doc.xml")
    assert re.fullmatch(r"doc\.xml:1:\d+: error: parameter entity %file; is never read: tei-edition loads no DTD, "
                        r"and parameter entities only serve DTDs", str(caught.value))
    assert caught.value.rule == "external-entity"


def test_spawned_workers_get_the_policy_through_the_environment(proj):
    import multiprocessing

    text = write(proj / "texts" / "a.xml", doc('<p><xi:include href="../shared/note.txt" parse="text"/></p>'))
    with parsing.policy(huge=True, xinclude_root=proj):
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            assert pool.apply(_read_in_a_worker, (str(text),)) == (True, "a shared note")
    assert "TEI_EDITION_READING_POLICY" not in os.environ


def _read_in_a_worker(path: str):
    return parsing.current_policy().huge, parse_file(path).getroot().findtext(f".//{T}p")


def test_an_element_with_too_many_attributes_is_refused():
    """lxml lists attributes in quadratic time: 100,000 on one element took 14 s per listing."""
    crowded = b"<a>\n<p " + b" ".join(b"a%d='1'" % i for i in range(parsing.ATTRIBUTE_LIMIT + 1)) + b"/></a>"
    started = time.monotonic()
    with pytest.raises(XMLProblem) as caught:
        parse_bytes(crowded, "crowded.xml")
    assert str(caught.value) == "crowded.xml:2:1: error: <p> has 10,001 attributes; tei-edition reads at most 10,000 on one element"
    assert time.monotonic() - started < 1
    fine = b"<a>\n<p " + b" ".join(b"a%d='1'" % i for i in range(parsing.ATTRIBUTE_LIMIT)) + b"/></a>"
    parse_bytes(fine, "fine.xml")


def test_streaming_refuses_too_many_attributes_too(tmp_path):
    path = tmp_path / "crowded.xml"
    path.write_bytes(b"<a><b><p " + b" ".join(b"a%d='1'" % i for i in range(parsing.ATTRIBUTE_LIMIT + 1)) + b"/></b></a>")
    with pytest.raises(XMLProblem, match="has 10,001 attributes"):
        list(iterparse(path, tag="b"))
    with pytest.raises(XMLProblem, match="has 10,001 attributes"):
        list(iterparse(path))


def test_a_big_included_file_is_refused_before_it_is_read(proj, monkeypatch):
    monkeypatch.setattr(parsing, "INCLUDE_BYTES_LIMIT", (1000, 10_000))
    write(proj / "shared" / "big.txt", "x" * 5000)
    text = write(proj / "texts" / "a.xml", doc('<p><xi:include href="../shared/big.txt" parse="text"/></p>'))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read") if self.name == "big.txt"
                        else Path.open(self, "rb").read())
    assert problem(proj, text).endswith("error: the included files add up to more than 1,000 bytes (an include bomb?); "
                                        "the document is refused (--huge allows more)")


def test_the_policy_written_for_workers_reads_back(monkeypatch):
    from pathlib import Path

    from tei_edition.parsing import Policy, _from_environment, _to_environment

    wanted = Policy(True, (Path("/edition/texts"), Path("/edition/shared")))
    monkeypatch.setenv("TEI_EDITION_READING_POLICY", _to_environment(wanted))
    assert _from_environment() == wanted
    assert _to_environment(Policy()) is None  # the default needs no variable
    odd = Policy(True, (Path("/odd\nname"), Path("/plain")))  # no line can hold that name: JSON
    monkeypatch.setenv("TEI_EDITION_READING_POLICY", _to_environment(odd))
    assert _from_environment() == odd
    monkeypatch.setenv("TEI_EDITION_READING_POLICY", '{"huge": true}')  # not ours: the default, never huge mode
    assert _from_environment() == Policy()
