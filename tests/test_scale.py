"""Corpus scale: the same output whatever --jobs, and incremental builds equal to clean ones.

The corpora are small (bench/make_corpus.py with a handful of texts) and
:data:`tei_edition.workers.PARALLEL_THRESHOLD` is lowered, so two workers
really run; nothing here measures time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tei_edition import buildcache, rendering, search, validation, workers
from tei_edition.diagnostics import WRITERS
from tei_edition.site import build
from tei_edition.validation import validate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _make_corpus(count: int, folder: Path) -> Path:
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "bench" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main([str(count), str(folder), "--seed", "3"])
    return folder


@pytest.fixture(autouse=True)
def parallel_even_when_small(monkeypatch):
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 1)


@pytest.fixture
def no_search(monkeypatch):
    monkeypatch.setattr(search, "unavailable_reason", lambda: "search was left out: Pagefind is not installed")


@pytest.fixture
def corpus(tmp_path):
    return _make_corpus(6, tmp_path / "corpus")


@pytest.fixture
def broken_corpus(corpus):
    """Every kind of finding: grammar, Schematron, dates, duplicate ids, dangling pointers, unused entries, XML."""
    first = corpus / "texts" / "t00000.xml"
    text = first.read_text(encoding="utf-8")
    text = text.replace('<date when="', '<date when="1999-13-40" notBefore="', 1)
    text = text.replace("<head>", '<head xml:id="dup">', 1).replace("</head>", '</head><p xml:id="dup">x</p>', 1)
    text = text.replace('persons.xml#p', 'persons.xml#nobody', 1).replace("<body>", "<body><p ref=\"#nowhere\">y</p><unknown/>", 1)
    first.write_text(text, encoding="utf-8")
    (corpus / "texts" / "t00003.xml").write_text("<TEI xmlns='http://www.tei-c.org/ns/1.0'><teiHeader>", encoding="utf-8")
    places = corpus / "registers" / "places.xml"
    places.write_text(places.read_text(encoding="utf-8").replace(
        "</listPlace>", '<place xml:id="never"><placeName>Nowhere</placeName></place></listPlace>'), encoding="utf-8")
    return corpus


def _tree(folder: Path, *, cache: bool = False) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and (cache or (buildcache.CACHE_DIR not in p.relative_to(folder).parts and p.name != ".tei-edition-site"))
    }


# -- --jobs -------------------------------------------------------------------------------------------------


def test_validate_gives_the_same_report_on_one_and_two_jobs(broken_corpus, cli_run):
    one = cli_run("validate", broken_corpus, "--jobs", "1")
    two = cli_run("validate", broken_corpus, "--jobs", "2")
    assert one == two
    code, out, _ = one
    assert code == 1
    for rule in ("[date-format]", "[duplicate-id]", "[dangling-pointer]", "[unused-entry]", "[well-formed]", "[relaxng]"):
        assert rule in out
    assert cli_run("validate", broken_corpus, "-j", "2", "--format", "json") == cli_run(
        "validate", broken_corpus, "-j", "1", "--format", "json")


def test_a_chunk_taken_over_is_checked_as_its_first_worker_would(broken_corpus, monkeypatch, tmp_path):
    """A worker that is done takes over the chunks another one parsed but has not checked yet,
    and parses them again: the report is the same (here with a one-document finding, a date
    that does not exist, in every text)."""
    import os
    import time

    for text in sorted((broken_corpus / "texts").glob("*.xml")):
        source = text.read_text(encoding="utf-8")
        text.write_text(source.replace("<body>", '<body><p><date when="2001-02-30">then</date></p>', 1), encoding="utf-8")
    expected = WRITERS["json"](validate([broken_corpus], jobs=1))
    chunks: list = []  # one file each, made before the workers fork
    record, checking = tmp_path / "read.txt", tmp_path / "checking"
    check_all, read_all = validation._Run.check_all, validation._Run.read_all

    def wait_for(condition):
        deadline = time.monotonic() + 20
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.01)

    def read_twice() -> bool:
        paths = [line.split(" ", 1)[1] for line in record.read_text(encoding="utf-8").splitlines()]
        return len(paths) != len(set(paths))

    def held_up_on_the_first_chunk(self, documents, forced):
        # The worker that has the first chunk has parsed every chunk but one (see below); it is
        # held up on its first check until the other worker has taken over one of its chunks.
        if any(str(document.path) == chunks[0][0] for document in documents):
            checking.write_text(str(os.getpid()), encoding="utf-8")
            wait_for(read_twice)
        return check_all(self, documents, forced)

    def recorded(self, paths):
        # The worker that reads the first chunk reads on; the other waits, before its first chunk,
        # until the first is being checked: by then every chunk has been parsed.
        if chunks[0][0] not in paths and not (record.exists() and record.read_text(encoding="utf-8").startswith(f"{os.getpid()} ")):
            wait_for(checking.exists)
        with open(record, "a", encoding="utf-8") as out:
            out.writelines(f"{os.getpid()} {path}\n" for path in paths)
        return read_all(self, paths)

    monkeypatch.setattr(validation.shares, "tapering", lambda items, count, weights=None: chunks.extend([item] for item in items) or chunks)
    monkeypatch.setattr(validation._Run, "check_all", held_up_on_the_first_chunk)
    monkeypatch.setattr(validation._Run, "read_all", recorded)
    assert WRITERS["json"](validate([broken_corpus], jobs=2)) == expected
    reads = [line.split(" ", 1) for line in record.read_text(encoding="utf-8").splitlines()]
    paths = [path for _, path in reads]
    taken_over = {path for path in paths if paths.count(path) == 2}
    assert taken_over and all(len({pid for pid, p in reads if p == path}) == 2 for path in taken_over)
    assert '"rule": "date-format"' in expected


def test_validate_with_given_schemas_the_same_in_workers(broken_corpus, cli_run):
    schemas = ROOT / "schemas"
    options = ["--schema", schemas / "tei_edition.rng", "--schema", schemas / "tei_edition.sch"]
    assert cli_run("validate", broken_corpus, "-j", "1", *options) == cli_run("validate", broken_corpus, "-j", "2", *options)
    grammar = ["--schema-only", "--schema", schemas / "tei_edition.rng"]
    assert cli_run("validate", broken_corpus, "-j", "1", *grammar) == cli_run("validate", broken_corpus, "-j", "2", *grammar)


def test_validate_fixtures_the_same_in_workers():
    """Every validation fixture (namespaces, xml-model, xml:base, prefixDef ...) in one parallel run."""
    folder = FIXTURES / "validate"
    serial = validate([folder], jobs=1)
    parallel = validate([folder], jobs=2)
    assert WRITERS["json"](parallel) == WRITERS["json"](serial)
    assert parallel.notes == serial.notes and parallel.skipped == serial.skipped


def test_any_executor_can_run_validation(broken_corpus):
    expected = WRITERS["text"](validate([broken_corpus], jobs=1))
    with ThreadPoolExecutor(3) as executor:  # the seam Dask's Client.get_executor() plugs into
        assert WRITERS["text"](validate([broken_corpus], executor=executor)) == expected


@pytest.mark.parametrize("streamed", [False, True])
def test_index_gives_the_same_registers_on_one_and_two_jobs(broken_corpus, cli_run, monkeypatch, streamed):
    if streamed:  # every file read in chunks, as files over 8 MiB are
        from tei_edition import register_scan

        monkeypatch.setattr(register_scan, "TREE_LIMIT", 0)
    for options in (["--kind", "all"], ["--kind", "dates", "--format", "csv"], ["--format", "tei"],
                    ["--kind", "persons", "--format", "csv", "--mentions"]):
        one = cli_run("index", broken_corpus, "--jobs", "1", *options)
        two = cli_run("index", broken_corpus, "--jobs", "2", *options)
        assert one == two
        assert one[0] == 1 and "t00003.xml" in one[2]  # the broken file is reported, the rest indexed


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_worker_whose_parent_died_before_it_started_ends_at_once():
    """A worker forked just before its parent was killed: it has another parent already, and must not
    go on (holding the pipes of whoever ran the killed command)."""
    code = "import os, sys; from tei_edition import workers; workers._die_with_parent(int(sys.argv[1])); print('alive')"
    orphan = subprocess.run([sys.executable, "-c", code, "1"], capture_output=True, text=True, timeout=60)
    assert (orphan.returncode, orphan.stdout) == (1, "")
    child = subprocess.run([sys.executable, "-c", code, str(os.getpid())], capture_output=True, text=True, timeout=60)
    assert (child.returncode, child.stdout) == (0, "alive\n")


def test_chunks_keep_input_order(monkeypatch):
    items = list(range(23))
    pieces = workers.chunks(items, 2)
    assert [i for piece in pieces for i in piece] == items and len(pieces) == 8
    assert workers.chunks(items, 1) == [items]
    with workers.make_executor(2, 100) as executor:
        assert workers.map_ordered(executor, sorted, [[3, 1], [2, 0]]) == [[1, 3], [0, 2]]
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 16)
    assert isinstance(workers.make_executor(8, 15), workers.InProcess)  # a handful of files: no workers
    assert isinstance(workers.make_executor(1, 1000), workers.InProcess)


def test_build_is_byte_identical_on_one_and_two_jobs(corpus, tmp_path, no_search):
    source = corpus / "texts" / "t00001.xml"  # a linked local file, copied by a worker's page
    source.write_text(source.read_text(encoding="utf-8").replace(
        "<body>", '<body><p><ref target="scan.txt">scan</ref></p>', 1), encoding="utf-8")
    (corpus / "texts" / "scan.txt").write_text("a transcript")
    one = build([corpus], tmp_path / "one", jobs=1)
    two = build([corpus], tmp_path / "two", jobs=2)
    assert one.built and two.built and one.rendered == two.rendered == 6
    assert _tree(tmp_path / "one", cache=True) == _tree(tmp_path / "two", cache=True)
    assert "data/tei/texts/scan.txt" in one.files


# -- incremental builds --------------------------------------------------------------------------------------


def _edit_words(text: Path, undo: bool = False) -> None:
    """Change one text's wording (its first head), or change it back."""
    old, new = ("<head>", "<head>Changed ") if not undo else ("<head>Changed ", "<head>")
    text.write_text(text.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def _equals_clean(corpus: Path, site: Path, tmp_path: Path) -> None:
    """The site in ``site`` is what a clean build of ``corpus`` gives."""
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build([corpus], clean, clean=True)
    assert _tree(site) == _tree(clean)


def _same_as_clean(corpus: Path, site: Path, tmp_path: Path, **options):
    result = build([corpus], site, **options)
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build([corpus], clean, clean=True, **options)
    assert _tree(site) == _tree(clean)
    return result


def test_each_change_gives_the_site_of_a_clean_build(corpus, tmp_path, no_search):
    site = tmp_path / "site"
    assert _same_as_clean(corpus, site, tmp_path).rendered == 6
    text = corpus / "texts" / "t00002.xml"
    _edit_words(text)
    edited = _same_as_clean(corpus, site, tmp_path)
    assert (edited.rendered, edited.reused) == (1, 5)
    (corpus / "texts" / "t00004.xml").rename(corpus / "texts" / "t00004-renamed.xml")
    renamed = _same_as_clean(corpus, site, tmp_path)
    assert (renamed.rendered, renamed.reused) == (1, 5)  # no other text links to it
    (corpus / "texts" / "t00005.xml").unlink()
    deleted = _same_as_clean(corpus, site, tmp_path)
    assert (deleted.rendered, deleted.reused) == (0, 5)
    persons = corpus / "registers" / "persons.xml"
    register = persons.read_text(encoding="utf-8")
    first = re.search(r'<person xml:id="([^"]+)">\s*<persName><forename>', register).group(1)
    persons.write_text(register.replace("<forename>", "<forename>Dr. ", 1), encoding="utf-8")
    changed = _same_as_clean(corpus, site, tmp_path)
    # the texts that point to that person, and only they (each page's answers are kept)
    points = re.compile(rf'persons\.xml#{first}[" ]')
    pointing = [t for t in (corpus / "texts").glob("*.xml") if points.search(t.read_text(encoding="utf-8"))]
    assert 0 < len(pointing) < 5
    assert (changed.rendered, changed.reused) == (len(pointing), 5 - len(pointing))
    assert _same_as_clean(corpus, site, tmp_path).cached


def test_renaming_a_text_re_renders_the_pages_that_link_to_it_and_no_others(corpus, tmp_path, no_search):
    site = tmp_path / "site"
    linking = corpus / "texts" / "t00001.xml"
    linking.write_text(linking.read_text(encoding="utf-8").replace(
        "<body>", '<body><p><ref target="t00003.xml">the third report</ref></p>', 1), encoding="utf-8")
    _same_as_clean(corpus, site, tmp_path, force=True)
    assert 'href="texts-t00003.html"' in (site / "texts-t00001.html").read_text(encoding="utf-8")
    (corpus / "texts" / "t00003.xml").rename(corpus / "texts" / "t00003-moved.xml")
    renamed = _same_as_clean(corpus, site, tmp_path, force=True)  # (the link now points to no file: an error)
    assert (renamed.rendered, renamed.reused) == (2, 4)  # the renamed text and the one linking to it
    assert 'href="texts-t00003.html"' not in (site / "texts-t00001.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_linked_file_that_appears_or_goes_is_noticed(corpus, tmp_path, no_search, jobs):
    text = corpus / "texts" / "t00003.xml"
    text.write_text(text.read_text(encoding="utf-8").replace(
        "<body>", '<body><p><ref target="scan.txt">scan</ref></p>', 1), encoding="utf-8")
    scan, site = corpus / "texts" / "scan.txt", tmp_path / "site"
    assert _same_as_clean(corpus, site, tmp_path, jobs=jobs).built  # not there: no link
    scan.write_text("a transcript")  # nothing else changed
    appeared = _same_as_clean(corpus, site, tmp_path, jobs=jobs)
    assert not appeared.cached and "data/tei/texts/scan.txt" in appeared.files
    other = corpus / "texts" / "t00001.xml"  # with another text edited, the page is not taken from the cache
    scan.unlink()
    _edit_words(other)
    gone = _same_as_clean(corpus, site, tmp_path, jobs=jobs)
    assert "data/tei/texts/scan.txt" not in gone.files
    scan.write_text("back again")
    _edit_words(other, undo=True)
    assert "data/tei/texts/scan.txt" in _same_as_clean(corpus, site, tmp_path, jobs=jobs).files


RULES = """<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt">
  <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
  <pattern><rule context="tei:TEI"><assert test="{test}">the rule says no</assert></rule></pattern>
</schema>
"""


def test_a_change_to_a_schema_a_text_names_is_noticed(corpus, tmp_path, no_search, cli_run):
    rules = corpus / "schemas" / "rules.sch"
    rules.parent.mkdir()
    rules.write_text(RULES.format(test="true()"), encoding="utf-8")
    text = corpus / "texts" / "t00002.xml"
    text.write_text(text.read_text(encoding="utf-8").replace("<TEI", '<?xml-model href="../schemas/rules.sch" '
                    'schematypens="http://purl.oclc.org/dsdl/schematron"?>\n<TEI', 1), encoding="utf-8")
    site = tmp_path / "site"
    assert cli_run("build", corpus, "-o", site, "-q")[0] == 0
    rules.write_text(RULES.format(test="false()"), encoding="utf-8")  # the texts are as they were
    code, stdout, _ = cli_run("build", corpus, "-o", site, "-q")
    assert code == 1 and "the rule says no" in stdout
    rules.unlink()
    code, stdout, _ = cli_run("build", corpus, "-o", site, "-q")
    assert code == 1 and "rules.sch named by <?xml-model?> not found" in stdout
    rules.write_text(RULES.format(test="true()"), encoding="utf-8")
    assert cli_run("build", corpus, "-o", site, "-q")[0] == 0


PART = """<pattern xmlns="http://purl.oclc.org/dsdl/schematron">
  <rule context="tei:TEI"><assert test="{test}">the included rule says no</assert></rule>
</pattern>
"""


@pytest.mark.parametrize("prolog", ["plain", "a DOCTYPE with ] and > in quotes", "a 70 KB comment first"])
def test_a_change_to_a_schema_a_named_schema_includes_is_noticed(corpus, tmp_path, no_search, cli_run, prolog):
    (corpus / "schemas" / "parts").mkdir(parents=True)
    (corpus / "schemas" / "main.sch").write_text(
        '<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt">'
        '<ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/><include href="parts/p.sch"/></schema>', encoding="utf-8")
    part = corpus / "schemas" / "parts" / "p.sch"
    part.write_text(PART.format(test="true()"), encoding="utf-8")
    before = {"plain": "", "a DOCTYPE with ] and > in quotes": '<!DOCTYPE TEI [ <!ENTITY x "a]>b"> <!-- ] --> ]>\n',
              "a 70 KB comment first": "<!--" + "x" * 70000 + "-->\n"}[prolog]
    text = corpus / "texts" / "t00002.xml"
    text.write_text(text.read_text(encoding="utf-8").replace("<TEI", before + '<?xml-model href="../schemas/main.sch" '
                    'schematypens="http://purl.oclc.org/dsdl/schematron"?>\n<TEI', 1), encoding="utf-8")
    site = tmp_path / "site"
    assert cli_run("build", corpus, "-o", site, "-q")[0] == 0
    part.write_text(PART.format(test="false()"), encoding="utf-8")
    code, stdout, _ = cli_run("build", corpus, "-o", site, "-q")
    assert code == 1 and "the included rule says no" in stdout


def test_huge_is_part_of_what_a_build_was_made_with(corpus, tmp_path, no_search, cli_run):
    text = corpus / "texts" / "t00002.xml"  # nested deeper than a normal run reads
    text.write_text(text.read_text(encoding="utf-8").replace(
        "<body>", "<body><div>" + "<seg>" * 300 + "deep" + "</seg>" * 300 + "</div>", 1), encoding="utf-8")
    site = tmp_path / "site"
    assert cli_run("build", corpus, "-o", site, "-q", "--force", "--huge")[0] == 0
    code, _, stderr = cli_run("build", corpus, "-o", site, "-q", "--force")
    assert code == 0 and "t00002.xml" in stderr and "--huge" in stderr  # read again without it: refused
    assert not (site / "texts-t00002.html").exists()


def test_a_change_deep_in_a_custom_stylesheet_is_noticed(corpus, tmp_path, no_search, cli_run):
    (tmp_path / "x" / "lib").mkdir(parents=True)
    custom = tmp_path / "x" / "custom.xsl"
    custom.write_text('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
                      '<xsl:import href="tei-edition:tei-html.xsl"/><xsl:include href="lib/extra.xsl"/>'
                      '</xsl:stylesheet>', encoding="utf-8")
    extra = tmp_path / "x" / "lib" / "extra.xsl"
    template = ('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
                'xmlns:tei="http://www.tei-c.org/ns/1.0"><xsl:template match="tei:head">{}</xsl:template>'
                '</xsl:stylesheet>')
    extra.write_text(template.format("HEAD-ONE"), encoding="utf-8")
    site = tmp_path / "site"
    assert cli_run("build", corpus, "-o", site, "-q", "--xslt", custom)[0] == 0
    extra.write_text(template.format("HEAD-TWO"), encoding="utf-8")
    assert cli_run("build", corpus, "-o", site, "-q", "--xslt", custom)[0] == 0
    pages = [p.read_text(encoding="utf-8") for p in site.glob("texts-*.html")]
    assert len(pages) == 6 and all("HEAD-TWO" in page and "HEAD-ONE" not in page for page in pages)


def test_a_linked_file_that_led_out_of_the_input_and_then_is_a_file_is_noticed(corpus, tmp_path, no_search):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "o.txt").write_text("outside")
    text = corpus / "texts" / "t00003.xml"
    text.write_text(text.read_text(encoding="utf-8").replace(
        "<body>", '<body><p><ref target="scan.txt">scan</ref></p>', 1), encoding="utf-8")
    scan, site = corpus / "texts" / "scan.txt", tmp_path / "site"
    scan.symlink_to(tmp_path / "out" / "o.txt")  # not copied: it leads out of the input folder
    assert "data/tei/texts/scan.txt" not in _same_as_clean(corpus, site, tmp_path).files
    scan.unlink()
    scan.write_text("inside")
    assert "data/tei/texts/scan.txt" in _same_as_clean(corpus, site, tmp_path).files
    scan.unlink()  # and back: a copied file that is now a link out of the input
    scan.symlink_to(tmp_path / "out" / "o.txt")
    assert "data/tei/texts/scan.txt" not in _same_as_clean(corpus, site, tmp_path).files


def test_a_tampered_link_cannot_take_the_name_of_another_file(corpus, tmp_path, no_search, cli_run):
    text = corpus / "texts" / "t00003.xml"
    text.write_text(text.read_text(encoding="utf-8").replace(
        "<body>", '<body><p><ref target="scan.txt">scan</ref></p>', 1), encoding="utf-8")
    (corpus / "texts" / "scan.txt").write_text("a transcript")
    site = tmp_path / "site"
    assert cli_run("build", corpus, "-o", site, "-q")[0] == 0
    manifest = site / buildcache.MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["pages"]["texts-t00003.html"]["links"] = {"data/tei/registers/persons.xml": str(corpus / "texts" / "scan.txt")}
    manifest.write_text(json.dumps(data), encoding="utf-8")
    other = corpus / "texts" / "t00001.xml"
    _edit_words(other)
    assert cli_run("build", corpus, "-o", site, "-q") == (0, "", "")
    _equals_clean(corpus, site, tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_linked_file_that_becomes_a_named_pipe_does_not_hang_the_build(corpus, tmp_path, no_search, hang_guard):
    text = corpus / "texts" / "t00003.xml"
    text.write_text(text.read_text(encoding="utf-8").replace(
        "<body>", '<body><p><ref target="scan.txt">scan</ref></p>', 1), encoding="utf-8")
    scan, site = corpus / "texts" / "scan.txt", tmp_path / "site"
    scan.write_text("a transcript")
    _same_as_clean(corpus, site, tmp_path)
    scan.unlink()
    os.mkfifo(scan)
    assert "data/tei/texts/scan.txt" not in _same_as_clean(corpus, site, tmp_path).files


def test_a_linked_link_pointed_elsewhere_is_noticed(corpus, tmp_path, no_search):
    text = corpus / "texts" / "t00003.xml"
    text.write_text(text.read_text(encoding="utf-8").replace(
        "<body>", '<body><p><ref target="a.png">a</ref><ref target="b.png">b</ref></p>', 1), encoding="utf-8")
    folder, site = corpus / "texts", tmp_path / "site"
    (folder / "one.png").write_text("one")
    (folder / "two.png").write_text("two")
    (folder / "a.png").symlink_to("one.png")
    (folder / "b.png").symlink_to("t00001.xml")  # a text: not copied
    _same_as_clean(corpus, site, tmp_path)
    (folder / "a.png").unlink()
    (folder / "a.png").symlink_to("two.png")
    (folder / "b.png").unlink()
    (folder / "b.png").write_text("now a picture")
    _same_as_clean(corpus, site, tmp_path)
    assert (site / "data" / "tei" / "texts" / "a.png").read_text() == "two"
    assert (site / "data" / "tei" / "texts" / "b.png").read_text() == "now a picture"


def test_prologs_that_hide_or_mimic_xml_model_instructions():
    prolog = "<?xml version='1.0'?><?xml-model href='../schemas/schéma.sch'?><TEI/>".encode()
    assert buildcache._model_hrefs(buildcache._prolog(prolog)) == ["../schemas/schéma.sch"]
    latin = "<?xml version='1.0' encoding='ISO-8859-1'?><?xml-model href='é.rng'?><TEI/>".encode("latin-1")
    assert buildcache._model_hrefs(buildcache._prolog(latin)) == ["é.rng"]
    unclosed = b"<?xml version='1.0'?><!--" + b"<?xml-model " * 16000 + b"--><TEI/>"
    import time

    started = time.perf_counter()
    assert buildcache._model_hrefs(buildcache._prolog(unclosed)) == []
    assert time.perf_counter() - started < 1  # linear: about 1 ms (a regular expression took 10 s)


def test_a_rebuild_without_changes_does_no_work(corpus, tmp_path, no_search, monkeypatch):
    site = tmp_path / "site"
    first = build([corpus], site)
    before = _tree(site, cache=True)

    def refuse(*args, **kwargs):
        raise AssertionError("nothing changed: this must not run")

    monkeypatch.setattr(validation, "validate", refuse)
    monkeypatch.setattr(rendering, "render_document", refuse)
    again = build([corpus], site)
    assert again.cached and again.rendered == 0
    assert (again.pages, again.files, again.texts) == (first.pages, first.files, first.texts)
    assert _tree(site, cache=True) == before


def test_clean_and_timestamp_render_everything(corpus, tmp_path, no_search):
    site = tmp_path / "site"
    build([corpus], site)
    assert build([corpus], site, clean=True).rendered == 6
    assert build([corpus], site, timestamp=True).rendered == 6


@pytest.mark.parametrize("damage", ["garbage", "foreign version", "wrong types", "page edited", "page deleted"])
def test_a_damaged_or_foreign_cache_is_not_trusted(corpus, tmp_path, no_search, damage):
    site = tmp_path / "site"
    build([corpus], site)
    expected = _tree(site)
    manifest = site / buildcache.MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    if damage == "garbage":
        manifest.write_bytes(b"\x00{not json")
    elif damage == "foreign version":
        data["toolkit"] = "0.0.0-other"
        manifest.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "wrong types":
        data["pages"] = ["a list"]
        manifest.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "page edited":
        page = next(p for p in sorted(site.glob("*.html")) if p.name.startswith("texts-"))
        page.write_text(page.read_text(encoding="utf-8").replace("<main", "<main data-x='tampered'"), encoding="utf-8")
    else:
        next(p for p in sorted(site.glob("*.html")) if p.name.startswith("texts-")).unlink()
    again = build([corpus], site)
    assert not again.cached
    assert again.rendered >= (1 if damage.startswith("page") else 6)
    assert _tree(site) == expected


def _first_page(data: dict) -> dict:
    return data["pages"][sorted(data["pages"])[0]]


# Manifests that parse as JSON, of this version, with one field deep inside of the wrong shape.
INNER_DAMAGE = {
    "a finding too short": lambda d: _first_page(d)["warnings"].append([1, 2, "warning"]),
    "an unknown severity": lambda d: _first_page(d)["warnings"].append([1, 2, "fatal", "m", "r"]),
    "links a list": lambda d: _first_page(d).__setitem__("links", ["a"]),
    "a link to a number": lambda d: _first_page(d).__setitem__("links", {"data/tei/x.txt": 5}),
    "a page without its hash": lambda d: _first_page(d).pop("sha256"),
    "a size as text": lambda d: d["files"].__setitem__(sorted(d["files"])[0], "12"),
    "a size true": lambda d: d["files"].__setitem__(sorted(d["files"])[0], True),
    "the result without report": lambda d: d["result"].pop("report"),
    "a report row of three": lambda d: d["result"]["report"].append(["a.xml", [], "x"]),
    "texts as text": lambda d: d["result"].__setitem__("texts", "6"),
    "an input hash as a number": lambda d: d["inputs"].__setitem__(sorted(d["inputs"])[0], 1),
}


@pytest.mark.parametrize("damage", sorted(INNER_DAMAGE))
@pytest.mark.parametrize("then", ["nothing", "a text edited"])
def test_a_cache_damaged_inside_is_not_trusted(corpus, tmp_path, no_search, cli_run, damage, then):
    site = tmp_path / "site"
    assert cli_run("build", corpus, "-o", site, "-q")[0] == 0
    manifest = site / buildcache.MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    INNER_DAMAGE[damage](data)
    manifest.write_text(json.dumps(data), encoding="utf-8")
    assert buildcache.load(site) is None
    if then == "a text edited":
        text = corpus / "texts" / "t00002.xml"
        _edit_words(text)
    assert cli_run("build", corpus, "-o", site, "-q") == (0, "", "")
    _equals_clean(corpus, site, tmp_path)


@pytest.mark.parametrize("raw", ["[" * 5000, "{" * 100000, '{"format": 3, "toolkit": ' + "[" * 3000])
def test_a_manifest_nested_too_deep_is_not_trusted(corpus, tmp_path, no_search, cli_run, raw):
    site = tmp_path / "site"
    assert cli_run("build", corpus, "-o", site, "-q")[0] == 0
    (site / buildcache.MANIFEST).write_text(raw, encoding="utf-8")
    assert buildcache.load(site) is None
    assert cli_run("build", corpus, "-o", site, "-q") == (0, "", "")


@pytest.fixture
def hang_guard():
    """Fail a test that blocks for 30 s (reading a named pipe would block for ever) instead of hanging the run."""
    import signal
    import threading

    def stop(*_args):
        pytest.fail("blocked for 30 s")  # not an OSError, which the code under test may catch

    previous = signal.signal(signal.SIGALRM, stop)
    # sent to the main thread itself: a process-wide alarm may go to a pool's thread, leaving the
    # main thread's open() blocked
    timer = threading.Timer(30, signal.pthread_kill, (threading.main_thread().ident, signal.SIGALRM))
    timer.daemon = True
    timer.start()
    yield
    timer.cancel()
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_for_a_manifest_or_a_page_does_not_hang_the_build(corpus, tmp_path, no_search, cli_run,
                                                                       hang_guard):
    site = tmp_path / "site"
    assert cli_run("build", corpus, "-o", site, "-q")[0] == 0
    (site / buildcache.MANIFEST).unlink()
    os.mkfifo(site / buildcache.MANIFEST)
    assert buildcache.load(site) is None  # returns at once
    assert cli_run("build", corpus, "-o", site, "-q") == (0, "", "")
    page = next(p for p in sorted(site.glob("texts-*.html")) if p.name != "texts-t00002.html")
    page.unlink()
    os.mkfifo(page)
    text = corpus / "texts" / "t00002.xml"  # so that the others would be taken from the old site
    _edit_words(text)
    assert cli_run("build", corpus, "-o", site, "-q") == (0, "", "")
    assert page.is_file()


@pytest.mark.parametrize("damage", ["the cache folder is a file", "the manifest is a folder",
                                    "the manifest is a folder with a file in it", "a file of someone's in the cache"])
def test_whatever_is_in_the_cache_folder_is_the_builds_to_replace(corpus, tmp_path, no_search, cli_run, damage):
    site = tmp_path / "site"
    assert cli_run("build", corpus, "-o", site, "-q")[0] == 0
    cache = site / buildcache.CACHE_DIR
    if damage != "a file of someone's in the cache":
        shutil.rmtree(cache)
    if damage == "the cache folder is a file":
        cache.write_text("junk")
    elif damage.startswith("the manifest is a folder"):
        (site / buildcache.MANIFEST).mkdir(parents=True)
        if damage.endswith("in it"):
            (site / buildcache.MANIFEST / "x").write_text("junk")
    else:  # and a text edited, or the rebuild would rightly leave the site alone
        (cache / "notes.txt").write_text("mine")
        text = corpus / "texts" / "t00002.xml"
        _edit_words(text)
    assert cli_run("build", corpus, "-o", site, "-q") == (0, "", "")
    clean = tmp_path / "clean"
    build([corpus], clean, clean=True)
    assert _tree(site, cache=True).keys() == _tree(clean, cache=True).keys()
    assert _tree(site) == _tree(clean)


def test_a_tampered_cache_cannot_copy_other_files_into_the_site(corpus, tmp_path, no_search, cli_run):
    secret = tmp_path / "secret.txt"  # outside the input folder
    secret.write_text("not for the web")
    site = tmp_path / "site"
    assert cli_run("build", corpus, "-o", site, "-q")[0] == 0
    manifest = site / buildcache.MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for page in data["pages"].values():
        page["links"] = {"data/tei/secret.txt": str(secret)}
    manifest.write_text(json.dumps(data), encoding="utf-8")
    text = corpus / "texts" / "t00002.xml"  # so that the other pages are taken from the cache
    _edit_words(text)
    assert cli_run("build", corpus, "-o", site, "-q") == (0, "", "")
    assert not (site / "data" / "tei" / "secret.txt").exists()
    _equals_clean(corpus, site, tmp_path)


def test_editing_only_an_included_file_rebuilds_the_page(corpus, tmp_path, no_search, cli_run):
    # The inputs' own hashes say nothing about the files they XInclude: a
    # text that includes is never taken as unchanged.
    text = corpus / "texts" / "t00001.xml"
    text.write_text(text.read_text(encoding="utf-8").replace(
        "<body>", '<body><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="shared.inc"/>', 1), encoding="utf-8")
    shared = corpus / "texts" / "shared.inc"
    shared.write_text('<p xmlns="http://www.tei-c.org/ns/1.0">First wording</p>', encoding="utf-8")
    site = tmp_path / "site"
    assert cli_run("build", corpus, "-o", site, "--force", "-q", cwd=tmp_path)[0] == 0
    assert "First wording" in (site / "texts-t00001.html").read_text(encoding="utf-8")
    shared.write_text('<p xmlns="http://www.tei-c.org/ns/1.0">Second wording</p>', encoding="utf-8")
    assert cli_run("build", corpus, "-o", site, "--force", "-q", cwd=tmp_path)[0] == 0
    page = (site / "texts-t00001.html").read_text(encoding="utf-8")
    assert "Second wording" in page and "First wording" not in page


def test_a_site_page_is_rendered_again_only_when_what_it_shows_changed(corpus, tmp_path, no_search, monkeypatch):
    """A rebuild makes each register, chronology, map and home page's document again, but runs the
    stylesheet on it only when the document, its links or the settings differ from last time."""
    import re

    from tei_edition import site_pages

    record = tmp_path / "rendered.txt"  # the pages are rendered on the workers
    render_tree = site_pages.render_tree

    def counted(tree, **options):
        with open(record, "a", encoding="utf-8") as out:
            out.write(f"{tree.docinfo.URL}\n")
        return render_tree(tree, **options)

    def rendered() -> list[str]:
        names = sorted(record.read_text(encoding="utf-8").split()) if record.exists() else []
        record.unlink(missing_ok=True)
        return names

    monkeypatch.setattr(site_pages, "render_tree", counted)
    site = tmp_path / "site"
    build([corpus], site)
    everything = rendered()
    assert {"persons.html", "places.html", "chronology.html", "index.html", "map.html"} <= set(everything)

    _edit_words(corpus / "texts" / "t00002.xml")  # a heading: no register, date or listed title
    assert build([corpus], site).rendered == 1
    assert rendered() == []
    _equals_clean(corpus, site, tmp_path)
    rendered()

    text = corpus / "texts" / "t00001.xml"
    source = text.read_text(encoding="utf-8")
    body = source.index("<body>")  # (a name in the header may be the author the home page lists)
    mention = re.compile(r'<persName ref="[^"]*">([^<]*)</persName>').search(source, body)
    text.write_text(source[:mention.start(1)] + "Someone Else" + source[mention.end(1):], encoding="utf-8")
    build([corpus], site)
    assert rendered() == ["persons.html"]  # its back-links quote the mention
    _equals_clean(corpus, site, tmp_path)
    rendered()

    build([corpus], site, title="Another Title")
    assert rendered() == everything
    assert "Another Title" in (site / "persons.html").read_text(encoding="utf-8")


def test_a_build_where_workers_are_not_forked_gives_the_same_site(corpus, tmp_path, no_search, monkeypatch):
    """On macOS and Windows pools start their workers afresh (spawn): the validation and the
    registers still use them, and the pages, which need the plan this process made, are
    rendered here."""
    import multiprocessing

    one = tmp_path / "one"
    build([corpus], one, jobs=1)
    monkeypatch.setattr(workers, "_pool_context", lambda: multiprocessing.get_context("spawn"))
    assert isinstance(workers.make_executor(2, 100, inherits=True), workers.InProcess)
    spawned = tmp_path / "spawned"
    result = build([corpus], spawned, jobs=2)
    assert result.built and result.rendered == 6
    assert _tree(spawned) == _tree(one)


def _slow_abs(number: int) -> int:
    import time

    time.sleep(0.1)  # busy: the next task makes the pool start its second worker
    return abs(number)


def test_a_pool_that_is_not_forked_outlives_the_thread_that_started_its_workers(monkeypatch):
    """Linux ends a worker when the thread that started it ends, if the worker asked to die with
    its parent; a spawning pool starts workers as tasks come, here the second from a thread that
    then ends (as a build's validation thread does): the pool must still work."""
    import multiprocessing
    import threading
    import time

    monkeypatch.setattr(workers, "_pool_context", lambda: multiprocessing.get_context("spawn"))
    with workers.make_executor(2, 100) as pool:
        workers.start(pool)  # the first worker, from this thread
        found = []
        side = threading.Thread(target=lambda: found.extend(pool.map(_slow_abs, [-1, -2, -3, -4])))
        side.start()
        side.join()
        assert found == [1, 2, 3, 4]
        time.sleep(0.5)  # a worker killed with the thread is seen as dead by now
        assert list(pool.map(_slow_abs, [-5, -6, -7, -8], timeout=60)) == [5, 6, 7, 8]


def test_the_dask_example_runs_on_a_local_cluster_or_says_what_it_needs(tmp_path):
    """examples/dask_cluster.py: with Dask, the report and the site of --jobs 1; without, exit 2."""
    corpus = _make_corpus(20, tmp_path / "corpus")
    example = subprocess.run([sys.executable, str(ROOT / "examples" / "dask_cluster.py"), str(corpus)],
                             cwd=tmp_path, capture_output=True, text=True, timeout=600)
    if importlib.util.find_spec("dask") is None or importlib.util.find_spec("distributed") is None:
        assert (example.returncode, example.stdout) == (2, "")
        assert example.stderr == 'this example needs Dask: pip install "dask[distributed]"\n'
        return
    assert example.returncode == 0, example.stderr
    one = tmp_path / "one"
    build([corpus], one, jobs=1, force=True)
    assert WRITERS["text"](validate([corpus], jobs=1)) in example.stdout
    assert _tree(tmp_path / "_site-dask") == _tree(one)
