"""Issue 6: awkward but legitimate files work; bad files and folders get a clear error, never a traceback.

Everything goes through the command line (in-process): validate, index and
build, with the exit status and the exact line each prints.
"""

from __future__ import annotations

import json
import os

import lxml.html
import pytest
from hostile_kit import build_available, check_site_is_safe, project, tei

COMMANDS = ["validate", "index", "build"]
MENTION = '<p>Die <persName ref="#kim">Mächte</persName> tagten.</p>'
REGISTER = ('<standOff><listPerson><person xml:id="kim"><persName>Kim Il-sung</persName></person></listPerson>'
            "</standOff>")
GOOD = tei(MENTION, back=REGISTER)


def run_all(cli_run, root, *extra):
    """(code, stdout, stderr) of each command, run in ``root``; never a traceback."""
    results = {}
    for command in COMMANDS:
        if command == "build" and not build_available():
            continue
        code, stdout, stderr = cli_run(command, *extra, cwd=root)
        assert "Traceback" not in stdout + stderr
        results[command] = (code, stdout, stderr)
    return results


def assert_works(results, root, page_text="Mächte"):
    code, stdout, stderr = results["validate"]
    assert (code, stdout) == (0, "1 file, 0 errors, 0 warnings\n"), stdout + stderr
    code, stdout, stderr = results["index"]
    assert code == 0, stderr
    [person] = json.loads(stdout)["persons"]
    assert person["label"] == "Kim Il-sung" and [m["text"] for m in person["mentions"]] == ["Mächte"]
    if "build" in results:
        code, stdout, stderr = results["build"]
        assert code == 0, stdout + stderr
        site = root / "_site"
        texts = [page for page in check_site_is_safe(site) if page_text in page.read_text(encoding="utf-8")
                 and page.name not in ("index.html", "persons.html")]
        assert len(texts) == 1, texts
        assert lxml.html.parse(str(texts[0])).getroot().xpath("//a[@href = 'persons.html#kim']")


# -- awkward but legitimate -----------------------------------------------------------------


ENCODINGS = {
    "utf-16-with-bom": lambda text: text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
    "utf-16-bom-no-declaration": lambda text: text.split("?>\n", 1)[1].encode("utf-16"),
    "utf-16-be-with-bom": lambda text: text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-be").join(
        [b"\xfe\xff", b""]),
    "iso-8859-1-declared": lambda text: text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1"),
    "utf-8-with-bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "crlf": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "minified-on-one-line": lambda text: text.replace("\n", "").encode("utf-8"),
}


@pytest.mark.parametrize("kind", sorted(ENCODINGS))
def test_legitimate_encodings_and_line_ends_work(cli_run, tmp_path, kind):
    root = project(tmp_path, {f"texts/{kind}.xml": ENCODINGS[kind](GOOD)}, secret=False)
    assert_works(run_all(cli_run, root), root)


@pytest.mark.parametrize("kind", sorted(ENCODINGS))
def test_positions_are_right_in_every_encoding(cli_run, tmp_path, kind):
    """A grammar error, a dangling pointer and a well-formedness error, after non-ASCII text on the same line:
    the column counts characters, as an editor does, whatever the encoding or line ends."""
    body = '<p>Überschrift Mächte <persName ref="#nowhere">Niemand</persName> und <bogus/> Ende.</p>'
    text = tei(body)
    root = project(tmp_path, {f"texts/{kind}.xml": ENCODINGS[kind](text)}, secret=False)
    shown = text.replace("\n", "") if kind == "minified-on-one-line" else text
    if kind == "utf-16-bom-no-declaration":
        shown = shown.split("?>\n", 1)[1]

    def at(needle: str, after: str = "") -> str:
        offset = shown.index(needle) + len(after)
        return f"{shown.count(chr(10), 0, offset) + 1}:{offset - shown.rfind(chr(10), 0, offset)}"

    code, stdout, _ = cli_run("validate", cwd=root)
    assert code == 1
    assert stdout.splitlines() == [
        f'texts/{kind}.xml:{at("<persName ref=", "<persName ")}: error: ref="#nowhere" points to nothing: no xml:id '
        '"nowhere" in this file or in the registers [dangling-pointer]',
        f"texts/{kind}.xml:{at('<bogus/>')}: error: element <bogus> is not allowed anywhere: the schema does not define it [relaxng]",
        "1 file, 2 errors, 0 warnings",
    ]
    broken = ENCODINGS[kind](text.replace("<bogus/>", "<bogus>"))
    (root / "texts" / f"{kind}.xml").write_bytes(broken)
    code, stdout, _ = cli_run("validate", cwd=root)
    shown = shown.replace("<bogus/>", "<bogus>")
    assert code == 1
    assert stdout.splitlines()[0] == (f"texts/{kind}.xml:{at('Ende.</p>', 'Ende.</p>')}: error: Opening and ending tag "
                                      "mismatch: bogus line " + at("<bogus>").split(":")[0] + " and p [well-formed]")


def test_file_and_folder_names_with_spaces_and_non_ascii(cli_run, tmp_path):
    name = "texts/Bände 1/Brief an Émile – 1917 (Entwurf).xml"
    root = project(tmp_path, {name: GOOD}, secret=False)
    results = run_all(cli_run, root)
    assert_works(results, root)
    code, stdout, stderr = cli_run("validate", name, cwd=root)
    assert (code, stdout) == (0, "1 file, 0 errors, 0 warnings\n")
    (root / name).write_text(GOOD.replace("</p>", ""), encoding="utf-8")
    code, stdout, _ = cli_run("validate", cwd=root)
    assert code == 1 and stdout.startswith(f"{name}:")


# -- bad files: one clear line each ------------------------------------------------------------


def deep() -> str:
    return tei("<p>" + "<hi>" * 10_000 + "x" + "</hi>" * 10_000 + "</p>")


BAD = {
    "empty": (b"", "1:1: error: the file is empty or has no XML content"),
    "white-space-only": (b"  \n\t\n", "1:1: error: the file is empty or has no XML content"),
    "binary": (bytes(range(256)) * 4, "1:1: error: this is a binary file, not XML"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "1:1: error: this is a binary file, not XML"),
    "prose": (b"Dear editor,\nhere is my text.\n", "1:1: error: this is not XML: no start tag found"),
    "word-document-as-text": ("Überschrift\n\nDie Mächte tagten.\n".encode("utf-8"),
                              "1:1: error: this is not XML: no start tag found"),
    "truncated-in-a-tag": (GOOD.encode()[:GOOD.index("<publicationStmt>") + 6],
                           "3:72: error: the file ends inside the tag <publi (line 3): is it cut off?"),
    "truncated-in-text": (GOOD.encode()[:GOOD.index("tagten") + 3],
                          "5:49: error: the file ends before <p> (opened on line 5) is closed"),
    "utf-16-without-bom": (GOOD.split("?>\n", 1)[1].encode("utf-16-le"),
                           "1:1: error: the file looks like UTF-16 without a byte order mark: save it as UTF-8, "
                           "or as UTF-16 with a byte order mark"),
    "deep-nesting": (deep().encode(), "5:1015: error: elements are nested more than 256 levels deep; if the file is "
                                      "genuine, run again with --huge (see docs/security.md)"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_file_gets_one_clear_line(cli_run, tmp_path, kind):
    data, message = BAD[kind]
    root = project(tmp_path, {f"texts/{kind}.xml": data, "texts/good.xml": GOOD}, secret=False)
    expected = f"texts/{kind}.xml:{message}"
    results = run_all(cli_run, root)
    code, stdout, stderr = results["validate"]
    assert code == 1
    assert stdout.splitlines() == [expected + " [well-formed]", "2 files, 1 error, 0 warnings"]
    code, stdout, stderr = results["index"]
    assert code == 1
    assert stderr.splitlines() == [expected, "tei-edition: 1 file(s) skipped (not well-formed); the output covers the other 1"]
    assert json.loads(stdout)["persons"][0]["label"] == "Kim Il-sung"  # the good file is still read
    if "build" in results:
        code, stdout, stderr = results["build"]
        assert code == 1
        assert expected + " [well-formed]" in stdout.splitlines()
        assert not (root / "_site").exists()


NAMESPACES = {  # what validate says; what index says on standard error
    "missing-namespace": (GOOD.replace(' xmlns="http://www.tei-c.org/ns/1.0"', ""),
                          ['2:1: error: root element <TEI> is not in the TEI namespace: add '
                           'xmlns="http://www.tei-c.org/ns/1.0" [tei-namespace]'], []),
    "wrong-namespace": (GOOD.replace("http://www.tei-c.org/ns/1.0", "http://www.tei-c.org/ns/2.0"),
                        ['2:1: error: element <TEI> is in namespace "http://www.tei-c.org/ns/2.0"; expected '
                         'xmlns="http://www.tei-c.org/ns/1.0" [relaxng]',
                         '2:1: error: root element <TEI> is in the namespace "http://www.tei-c.org/ns/2.0", not in the '
                         'TEI namespace "http://www.tei-c.org/ns/1.0" [tei-namespace]'],
                        ['2:1: warning: root element <TEI> is in the namespace "http://www.tei-c.org/ns/2.0", not in the '
                         'TEI namespace "http://www.tei-c.org/ns/1.0": nothing in this file is indexed']),
}


@pytest.mark.parametrize("kind", sorted(NAMESPACES))
def test_wrong_or_missing_tei_namespace(cli_run, tmp_path, kind):
    text, lines, index_lines = NAMESPACES[kind]
    root = project(tmp_path, {f"texts/{kind}.xml": text}, secret=False)
    results = run_all(cli_run, root)
    code, stdout, _ = results["validate"]
    assert code == 1
    assert stdout.splitlines()[:-1] == [f"texts/{kind}.xml:{line}" for line in lines]
    code, stdout, stderr = results["index"]
    assert code == 0
    assert stderr.splitlines() == [f"texts/{kind}.xml:{line}" for line in index_lines]
    # index reads TEI without a namespace (legacy files) as TEI; a foreign namespace has nothing to index
    assert [p["label"] for p in json.loads(stdout)["persons"]] == ([] if index_lines else ["Kim Il-sung"])
    if "build" in results:
        assert results["build"][0] == 1


def test_deep_nesting_with_huge(cli_run, tmp_path):
    """--huge reads 2048 levels; the pages render up to 400 (libxslt's recursion), deeper is an error, not a crash."""
    text = tei("<p>" + "<hi>" * 1500 + "x" + "</hi>" * 1500 + "</p>")
    root = project(tmp_path, {"texts/deep.xml": text}, secret=False)
    code, stdout, stderr = cli_run("validate", cwd=root)
    assert code == 1 and "nested more than 256 levels deep" in stdout
    results = run_all(cli_run, root, "--huge")
    assert results["index"][0] == 0
    assert results["validate"][0] in (0, 1)
    assert "Traceback" not in results["validate"][1] + results["validate"][2]
    if "build" in results:
        code, stdout, stderr = cli_run("build", "--huge", "--force", cwd=root)
        assert code in (0, 1)
        assert "pages are rendered for up to 400 levels" in stdout + stderr


# -- bad folders --------------------------------------------------------------------------------


def test_a_symbolic_link_loop_in_the_input_folder_is_walked_once(cli_run, tmp_path):
    root = project(tmp_path, {"texts/a.xml": GOOD, "texts/sub/b.xml": GOOD.replace("Mächte", "Staaten")}, secret=False)
    (root / "texts" / "sub" / "loop").symlink_to("..")
    (root / "texts" / "sub" / "self").symlink_to(".")
    (root / "texts" / "twice").symlink_to("sub")
    code, stdout, _ = cli_run("validate", cwd=root)
    assert (code, stdout) == (0, "2 files, 0 errors, 0 warnings\n")
    code, stdout, _ = cli_run("index", cwd=root)
    assert code == 0
    assert sorted(m["document"] for m in json.loads(stdout)["persons"][0]["mentions"]) == ["texts/a.xml", "texts/sub/b.xml"]


def test_a_folder_linked_several_times_is_listed_under_its_first_name(tmp_path):
    """Whatever order the file system lists a folder in, the first path in name order wins."""
    from tei_edition.inputs import collect

    (tmp_path / "texts" / "b").mkdir(parents=True)
    (tmp_path / "texts" / "b" / "x.xml").write_text(GOOD, encoding="utf-8")
    for name in ("a", "c", "d", "e", "f", "g", "h", "link", "alias"):
        (tmp_path / "texts" / name).symlink_to("b")
    assert collect([tmp_path / "texts"]) == [tmp_path / "texts" / "a" / "x.xml"]


def test_a_symbolic_link_out_of_the_project_is_refused(cli_run, tmp_path):
    root = project(tmp_path, {"texts/a.xml": GOOD}, secret=False)
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "unpublished.xml").write_text(GOOD.replace("Mächte", "Unveröffentlicht"))
    (root / "texts" / "more").symlink_to(outside)
    for command in COMMANDS:
        if command == "build" and not build_available():
            continue
        code, stdout, stderr = cli_run(command, cwd=root)
        assert code == 2
        assert stderr == (f"tei-edition: error: texts/more: a symbolic link to {outside}, outside the input root {root}; "
                          f"tei-edition does not follow links out of the folders it reads (name {outside} on the command "
                          "line to read it)\n")
    assert not (root / "_site").exists()
    (root / "texts" / "more").unlink()
    (root / "texts" / "more.xml").symlink_to(outside / "unpublished.xml")
    code, _, stderr = cli_run("validate", cwd=root)
    assert code == 2 and "texts/more.xml: a symbolic link to " in stderr
    code, stdout, _ = cli_run("validate", "texts/a.xml", outside, cwd=root)  # named: read
    assert (code, stdout) == (0, "2 files, 0 errors, 0 warnings\n")


def test_links_inside_the_project_are_followed(cli_run, tmp_path):
    root = project(tmp_path, {"texts/a.xml": GOOD, "shared/b.xml": GOOD.replace("Mächte", "Staaten")}, secret=False)
    (root / "texts" / "shared").symlink_to("../shared")
    code, stdout, _ = cli_run("validate", cwd=root)
    assert (code, stdout) == (0, "2 files, 0 errors, 0 warnings\n")


def test_dangling_links_folders_named_xml_and_pipes_are_skipped(cli_run, tmp_path):
    root = project(tmp_path, {"texts/a.xml": GOOD}, secret=False)
    (root / "texts" / "gone.xml").symlink_to(tmp_path / "nowhere.xml")
    (root / "texts" / "folder.xml").mkdir()
    os.mkfifo(root / "texts" / "pipe.xml")  # reading it would wait for ever
    code, stdout, _ = cli_run("validate", cwd=root)
    assert (code, stdout) == (0, "1 file, 0 errors, 0 warnings\n")
    code, _, stderr = cli_run("validate", "texts/pipe.xml", cwd=root)
    assert (code, stderr) == (2, "tei-edition: error: texts/pipe.xml: not a regular file or folder\n")
    code, _, stderr = cli_run("index", "/dev/zero", cwd=root)
    assert (code, stderr) == (2, "tei-edition: error: /dev/zero: not a regular file or folder\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root from reading")
def test_an_unreadable_file(cli_run, tmp_path):
    root = project(tmp_path, {"texts/a.xml": GOOD, "texts/locked.xml": GOOD}, secret=False)
    (root / "texts" / "locked.xml").chmod(0)
    try:
        assert_unreadable_is_reported(cli_run, root)
    finally:
        (root / "texts" / "locked.xml").chmod(0o644)


def assert_unreadable_is_reported(cli_run, root):
    code, stdout, stderr = cli_run("validate", cwd=root)
    assert code == 2  # the other file's verdict is given, then exit 2: an input could not be read
    assert stdout.splitlines() == ["texts/locked.xml:1:1: error: cannot read: Permission denied [io]",
                                   "2 files, 1 error, 0 warnings"]
    code, stdout, stderr = cli_run("index", cwd=root)
    assert (code, stderr) == (2, "tei-edition: error: texts/locked.xml: cannot read: Permission denied\n")


def test_an_unreadable_file_simulated(cli_run, tmp_path, monkeypatch):
    """The same as root can see it: reading the file fails as chmod 000 would make it fail."""
    import builtins
    import pathlib

    root = project(tmp_path, {"texts/a.xml": GOOD, "texts/locked.xml": GOOD}, secret=False)
    real_read, real_open = pathlib.Path.read_bytes, builtins.open

    def denied(path) -> bool:
        return isinstance(path, (str, os.PathLike)) and os.fspath(path).endswith("locked.xml")

    def read_bytes(self):
        if denied(self):
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    def open_(file, *args, **kwargs):
        if denied(file):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    real_os_open = os.open

    def os_open(file, *args, **kwargs):
        if denied(file):
            raise PermissionError(13, "Permission denied", str(file))
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    monkeypatch.setattr(builtins, "open", open_)
    monkeypatch.setattr(os, "open", os_open)
    assert_unreadable_is_reported(cli_run, root)


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root from reading")
def test_an_unreadable_folder(cli_run, tmp_path):
    root = project(tmp_path, {"texts/a.xml": GOOD, "texts/locked/b.xml": GOOD}, secret=False)
    (root / "texts" / "locked").chmod(0)
    try:
        code, _, stderr = cli_run("validate", cwd=root)
        assert code == 2
        assert stderr == "tei-edition: error: texts/locked: cannot read folder: Permission denied\n"
    finally:
        (root / "texts" / "locked").chmod(0o755)


def test_missing_and_empty_inputs(cli_run, tmp_path):
    root = project(tmp_path, {"texts/notes.txt": "not XML"}, secret=False)
    for command in COMMANDS:
        if command == "build" and not build_available():
            continue
        assert cli_run(command, cwd=root)[2] == "tei-edition: error: texts: no .xml files in this folder\n"
        assert cli_run(command, "nowhere", cwd=root)[2] == "tei-edition: error: nowhere: no such file or folder\n"
        assert cli_run(command, cwd=tmp_path)[2] == ("tei-edition: error: texts: no such folder (run in an edition "
                                                     "project, or name the TEI files or folders)\n")


def test_a_foreign_namespace_is_reported_when_index_streams_a_big_file(cli_run, tmp_path, monkeypatch):
    from tei_edition import register_scan

    monkeypatch.setattr(register_scan, "TREE_LIMIT", 0)  # stream every file, as files over 8 MiB are
    text, _, index_lines = NAMESPACES["wrong-namespace"]
    root = project(tmp_path, {"texts/big.xml": text}, secret=False)
    code, _, stderr = cli_run("index", cwd=root)
    assert code == 0
    assert stderr.splitlines() == [f"texts/big.xml:{line}" for line in index_lines]
