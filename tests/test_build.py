"""``tei-edition build``: the whole site of texts/, checked page by page and against its TEI.

The site is built once per module (``site``) from the edition's own texts;
expectations are read from the TEI with XPath, not from the build's own
index, so the test does not trust what it checks.  The texts are built with
``force=True``: whether they validate is validate's business (and the
profile's); here validation stopping a build is tested on a copy with a
known error.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from conftest import MAECHTE, ROOT, TEXTS, needs_maechte
from sitecheck import broken_links, html_errors, unsafe_urls, validator_missing
from tei_edition import search
from tei_edition.errors import UsageProblem
from tei_edition.parsing import parse_file
from tei_edition.site import build
from tei_edition.site_plan import page_name
from tei_edition.validation import validate

NS = {"tei": "http://www.tei-c.org/ns/1.0"}
REVIEW = TEXTS / "rees-review.xml"
REGISTERS = TEXTS / "registers.xml"
DATING = "@when or @from or @to or @notBefore or @notAfter"

pytestmark = pytest.mark.skipif(not (REVIEW.is_file() and REGISTERS.is_file()), reason="texts/ has no review and registers yet")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def html(path: Path):
    return lxml.html.fromstring(path.read_bytes())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "_site"
    result = build([TEXTS], out, force=True)
    assert result.built
    return out


@pytest.fixture
def texts_copy(tmp_path) -> Path:
    """A copy of the project: texts/ and the schemas/ their <?xml-model?> instructions name."""
    copied = tmp_path / "project" / "texts"
    shutil.copytree(TEXTS, copied)
    shutil.copytree(ROOT / "schemas", copied.parent / "schemas")
    return copied


# -- the whole site -------------------------------------------------------------------


def test_every_internal_link_and_fragment_resolves(site):
    assert broken_links(site) == []


def test_no_unsafe_url_anywhere(site):
    assert unsafe_urls(site) == []


@pytest.mark.skipif(validator_missing() is not None, reason=str(validator_missing()))
def test_every_page_is_valid_html(site):
    assert html_errors(site) == []


def test_pages_texts_and_register_files(site):
    pages = sorted(p.name for p in site.glob("*.html"))
    assert "rees-review.html" in pages and "registers.html" not in pages, "a register file gets no page"
    for name in ("index", "persons", "places", "orgs", "works", "events", "chronology", "map"):
        assert f"{name}.html" in pages
    review = html(site / "rees-review.html")
    assert review.xpath("//a[text()='Download the TEI XML']/@href") == ["data/tei/rees-review.xml"]
    navigation = review.xpath("//nav[@class='te-site-navigation']//a/@href")
    assert navigation[:2] == ["index.html", "persons.html"] and "chronology.html" in navigation and "map.html" in navigation


def test_one_language_and_one_policy_on_every_page(site):
    for page in site.glob("*.html"):
        root = html(page)
        assert root.get("lang") == "en", page.name
        head = root.find("head")
        assert head[0].get("charset") == "utf-8" and head.xpath("meta[@http-equiv]")[0] is head[2], page.name
        assert not root.xpath("//script[not(@src)] | //*[@style]"), f"{page.name}: inline script or style"
        indexed = root.xpath("//main/@data-pagefind-body")
        assert bool(indexed) == (page.stem in ("rees-review", "persons", "places", "orgs", "works", "events")), page.name


def test_a_second_build_gives_the_same_bytes(site, tmp_path):
    again = tmp_path / "again"
    build([TEXTS], again, force=True)
    assert files_of(again) == files_of(site)


def test_release_false_leaves_the_working_data_for_the_process_end(monkeypatch, tmp_path):
    from tei_edition import site as site_module
    from tei_edition.site_plan import Plan

    monkeypatch.setattr(site_module, "_RETAINED", [])
    build([TEXTS], tmp_path / "freed", force=True, with_search=False)
    assert site_module._RETAINED == []  # the default frees them on return
    result = build([TEXTS], tmp_path / "kept", force=True, with_search=False, release=False)
    plans = [kept for kept in site_module._RETAINED if isinstance(kept, Plan)]
    assert result.built and len(plans) == 1
    assert sorted(s.page for s in plans[0].texts) == ["rees-review.html"]


def test_the_command_line_keeps_the_working_data_only_when_it_ends_with_os_exit(cli_run, texts_copy, monkeypatch):
    from tei_edition import cli
    from tei_edition import site as site_module

    seen = []
    real = site_module.build
    monkeypatch.setattr(site_module, "build", lambda *a, **k: seen.append(k["release"]) or real(*a, **k))
    out = texts_copy.parent / "_site"
    assert cli_run("build", texts_copy, "-o", out, "--no-search", "-q")[0] == 0
    monkeypatch.setattr(cli, "_ENDS_WITHOUT_TEARDOWN", True)
    assert cli_run("build", texts_copy, "-o", out, "--no-search", "-q", "--clean")[0] == 0
    assert seen == [True, False]


# -- registers -------------------------------------------------------------------------


def stalin_mentions() -> list[etree._Element]:
    """Every element of the texts that names Stalin, found with XPath."""
    found = []
    for path, token in ((REVIEW, "registers.xml#stalin"), (REGISTERS, "#stalin")):
        tree = parse_file(path)
        found += tree.xpath(f"//tei:*[contains(concat(' ', normalize-space(@ref), ' '), ' {token} ')]", namespaces=NS)
    return found


def test_stalin_has_a_register_entry_with_a_back_link_to_every_mention(site):
    persons = html(site / "persons.html")
    heading = persons.get_element_by_id("stalin")
    assert heading.text_content() == "Stalin, Joseph"
    entry = heading.getparent()
    expected = stalin_mentions()
    links = entry.xpath(".//a[@class='te-mention']")
    assert len(links) == len(expected) == 7
    assert entry.xpath("string(.//p[@class='te-mention-count'])") == f"{len(expected)} mentions"
    review = html(site / "rees-review.html")
    for link, element in zip(links, expected):
        page, _, fragment = link.get("href").partition("#")
        assert page == "rees-review.html" and fragment, "each back-link lands on its mention"
        target = review.get_element_by_id(fragment)
        assert target.text_content() == "".join(element.itertext()) == link.text_content()
        assert target.get("href") == "persons.html#stalin"
    assert entry.xpath(".//a[@class='te-authority']/@href") == ["https://www.wikidata.org/wiki/Q855"]
    assert "Иосиф Виссарионович Сталин" in entry.text_content()


def test_every_name_in_the_review_links_to_an_entry_that_exists(site):
    review = html(site / "rees-review.html")
    hrefs = review.xpath("//a[contains(@class, 'tei-persName') or contains(@class, 'tei-placeName')]/@href")
    assert "persons.html#stalin" in hrefs and "places.html#panmunjom" in hrefs
    for href in hrefs:
        page, _, fragment = href.partition("#")
        assert html(site / page).get_element_by_id(fragment) is not None


def test_register_only_entries_are_on_their_pages(site):
    registers = parse_file(REGISTERS)
    for kind, page in (("person", "persons"), ("place", "places"), ("org", "orgs"), ("event", "events"), ("bibl", "works")):
        ids = registers.xpath(f"//tei:list{kind.capitalize() if kind != 'bibl' else 'Bibl'}/tei:{kind}/@xml:id", namespaces=NS)
        shown = html(site / f"{page}.html").xpath("//*[contains(@class, 'te-entry-label')]/@id")
        assert sorted(shown) == sorted(ids), page


# -- chronology, map, downloads -------------------------------------------------------


def test_the_chronology_has_every_date(site):
    expected = []
    for path in (REVIEW, REGISTERS):
        for element in parse_file(path).xpath(f"//tei:*[{DATING}][not(self::tei:change)]", namespaces=NS):
            wording = etree.QName(element).localname in ("date", "time", "birth", "death", "floruit", "origDate", "docDate")
            expected.append(" ".join("".join(element.itertext()).split()) if wording else "")
    rows = html(site / "chronology.html").xpath("//table[@class='te-chronology']/tbody/tr")
    assert len(rows) == len(expected)
    written = sorted(row[1].text_content() for row in rows)
    assert written == sorted(expected)
    values = [row[0].text_content() for row in rows]
    assert values.index("1878-12-18") < values.index("1950-06-25") < values.index("2024-12-29"), "earliest first"
    june25 = rows[values.index("1950-06-25")]
    page, _, fragment = june25.xpath("string(td[3]/a/@href)").partition("#")
    assert html(site / page).get_element_by_id(fragment).text_content() == "Sunday morning of June 25, 1950"


def test_the_map_lists_the_places_with_coordinates(site):
    places = parse_file(REGISTERS).xpath("//tei:place[tei:location/tei:geo]", namespaces=NS)
    ids = sorted(place.get("{http://www.w3.org/XML/1998/namespace}id") for place in places)
    page = html(site / "map.html")
    rows = page.xpath("//table[@class='map-places-list']/tbody/tr")
    assert sorted(row.xpath("string(th/a/@href)").removeprefix("places.html#") for row in rows) == ids
    assert sorted(page.xpath("//*[local-name()='a' and @class='map-place']/@href")) == sorted(f"places.html#{i}" for i in ids)


def test_the_data_downloads_parse(site):
    data = site / "data"
    persons = json.loads((data / "persons.json").read_text(encoding="utf-8"))
    assert {"stalin", "carter"} <= {person["id"] for person in persons}
    geojson = json.loads((data / "places.geojson").read_text(encoding="utf-8"))
    assert geojson["type"] == "FeatureCollection" and len(geojson["features"]) == 10
    for name in ("persons.csv", "places.csv", "dates.csv"):
        rows = list(csv.reader(io.StringIO((data / name).read_text(encoding="utf-8"))))
        assert len(rows) > 2 and len({len(row) for row in rows}) == 1, name
    assert json.loads((data / "registers.json").read_text(encoding="utf-8"))["persons"]
    assert parse_file(data / "registers.xml").getroot().tag == "{http://www.tei-c.org/ns/1.0}TEI"
    listed = html(site / "index.html").xpath("//section[@id='te-downloads']//a/@href")
    assert {"data/persons.json", "data/places.geojson", "data/tei/rees-review.xml"} <= set(listed)


def test_the_tei_sources_are_copied_byte_for_byte(site):
    for source in (REVIEW, REGISTERS, TEXTS / "sources" / "rees-review.txt"):
        assert (site / "data" / "tei" / source.relative_to(TEXTS)).read_bytes() == source.read_bytes()
    review = html(site / "rees-review.html")
    assert "data/tei/sources/rees-review.txt" in review.xpath("//a/@href"), "a file the text links to is copied too"


def test_the_home_page_lists_the_texts_and_the_registers(site):
    home = html(site / "index.html")
    assert home.xpath("//ol[@class='te-text-list']/li/p[@class='te-text-title']/a/@href") == ["rees-review.html"]
    assert "David Rees" in home.xpath("string(//p[@class='te-text-meta'])")
    assert "persons.html" in home.xpath("//ul[@class='te-section-list']//a/@href")


# -- the command ---------------------------------------------------------------------


def test_the_readmes_command_builds_texts_into_site(cli_run, texts_copy):
    """``tei-edition build`` in the project: texts/ validated, then built into _site/."""
    code, stdout, stderr = cli_run("build", cwd=texts_copy.parent)
    assert code == 0, stdout + stderr
    pages = len(list((texts_copy.parent / "_site").glob("*.html")))
    assert stdout == f"built {pages} pages into _site/ — open _site/index.html or serve it: python -m http.server -d _site\n"


def test_the_closing_line_names_the_output_folder(cli_run, texts_copy, tmp_path):
    out = tmp_path / "site"
    code, stdout, _ = cli_run("build", texts_copy, "-o", out, "--force", "--title", "The Rees review")
    assert code == 0
    pages = len(list(out.glob("*.html")))
    assert stdout.splitlines()[-1] == (
        f"built {pages} pages into {out}/ — open {out}/index.html or serve it: python -m http.server -d {out}"
    )
    assert html(out / "index.html").findtext(".//h1") == "The Rees review"


def test_validation_errors_stop_the_build_and_force_goes_on(cli_run, texts_copy, tmp_path):
    review = texts_copy / "rees-review.xml"
    review.write_text(review.read_text(encoding="utf-8").replace('xml:id="p2"', 'xml:id="p1"'), encoding="utf-8")
    report = validate([texts_copy])
    assert report.errors
    out = tmp_path / "site"
    code, stdout, stderr = cli_run("build", texts_copy, "-o", out)
    assert code == 1 and not out.exists()
    assert "xml:id" in stdout and stdout.splitlines()[-1] == report.summary()
    errors = f"{report.errors} error{'s' if report.errors != 1 else ''}"
    assert stderr.splitlines()[-1] == (
        f"tei-edition: nothing was built: the texts have {errors}; fix them, or build anyway with --force"
    )
    code, stdout, stderr = cli_run("build", texts_copy, "-o", out, "--force")
    assert code == 0 and (out / "rees-review.html").is_file()
    assert f"tei-edition: built despite {errors} in the texts (--force)" in stderr.splitlines()


def test_building_into_the_texts_is_refused(cli_run, texts_copy):
    before = files_of(texts_copy)
    code, _, stderr = cli_run("build", texts_copy, "-o", texts_copy / "_site", "--force")
    assert code == 2
    assert "refusing to write inside the source folder" in stderr
    assert files_of(texts_copy) == before


def test_without_pagefind_the_site_is_built_without_search(monkeypatch, tmp_path):
    monkeypatch.setattr(search, "unavailable_reason", lambda: "search was left out: Pagefind is not installed")
    result = build([TEXTS], tmp_path / "site", force=True)
    assert result.built and "search was left out: Pagefind is not installed" in result.notes
    assert not (tmp_path / "site" / "search.html").exists() and not (tmp_path / "site" / "pagefind").exists()
    assert broken_links(tmp_path / "site") == []


def test_no_search_leaves_out_the_search_page_and_its_index(cli_run, texts_copy, tmp_path):
    out = tmp_path / "site"
    code, stdout, stderr = cli_run("build", texts_copy, "-o", out, "--no-search")
    assert code == 0 and stderr == ""  # no note: the user asked for it
    pages = sorted(p.name for p in out.glob("*.html"))
    assert "search.html" not in pages and "rees-review.html" in pages
    assert stdout == f"built {len(pages)} pages into {out}/ — open {out}/index.html or serve it: python -m http.server -d {out}\n"
    assert not (out / "pagefind").exists() and not (out / search.SCRIPT_NAME).exists()
    assert not [a for page in out.glob("*.html") for a in html(page).xpath("//a/@href") if "search" in a]
    assert broken_links(out) == []


@pytest.mark.skipif(search.pagefind_executable() is None, reason="Pagefind is not installed")
def test_turning_search_on_and_off_gives_the_site_of_a_clean_build(texts_copy, tmp_path):
    build([texts_copy], tmp_path / "site")
    assert (tmp_path / "site" / "search.html").is_file()
    assert build([texts_copy], tmp_path / "site", with_search=False).rendered == 1, "the text links search no more"
    build([texts_copy], tmp_path / "clean", with_search=False)
    site, clean = files_of(tmp_path / "site"), files_of(tmp_path / "clean")
    assert {k: v for k, v in site.items() if ".tei-edition" not in k} == {k: v for k, v in clean.items() if ".tei-edition" not in k}
    again = build([texts_copy], tmp_path / "site")
    assert again.rendered == 1 and again.search is not None and again.search.page_count > 0


def test_only_files_inside_the_named_folder_are_published(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (tmp_path / "secret.txt").write_text("outside")
    (texts / ".hidden.txt").write_text("hidden")
    (texts / "scan.txt").write_text("a transcript")
    (texts / "a.xml").write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>A</title></titleStmt>'
        "<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>"
        '<text><body><p><ref target="../secret.txt">out</ref> <ref target=".hidden.txt">hidden</ref> '
        '<ref target="scan.txt">scan</ref> <graphic url="../secret.txt"/></p></body></text></TEI>',
        encoding="utf-8",
    )
    build([texts], tmp_path / "site", force=True)
    published = files_of(tmp_path / "site")
    assert published["data/tei/scan.txt"] == b"a transcript"
    assert not any(content in (b"outside", b"hidden") for content in published.values())


def test_page_names_are_plain_unique_and_never_a_site_page(tmp_path):
    assert page_name("editions/Aachen_Prot_1.xml") == "editions-Aachen_Prot_1"
    assert page_name("a/Brief an Müller.xml") == "a-Brief_an_Muller"
    texts = tmp_path / "texts"
    (texts / "sub").mkdir(parents=True)
    body = '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>{}</p></body></text></TEI>'
    for name in ("index.xml", "persons.xml", "sub/index.xml", "Index.xml"):
        (texts / name).write_text(body.format(name), encoding="utf-8")
    build([texts], tmp_path / "site", force=True)
    pages = sorted(p.name for p in (tmp_path / "site").glob("*.html"))
    assert pages == ["Index-2.html", "index-3.html", "index.html", "persons-2.html", "search.html", "sub-index.html"]
    assert "index.xml" in html(tmp_path / "site" / "index-3.html").text_content()


def test_a_missing_stylesheet_is_a_usage_problem(tmp_path):
    with pytest.raises(UsageProblem):
        build([TEXTS], tmp_path / "site", force=True, stylesheet=tmp_path / "missing.xsl")


# -- someone else's corpus -------------------------------------------------------------


@needs_maechte
def test_the_maechtekongresse_corpus_builds_with_its_registers(cli_run, tmp_path):
    out = tmp_path / "site"
    code, stdout, stderr = cli_run("build", MAECHTE / "editions", MAECHTE / "indices", "-o", out, "--force")
    assert code == 0, stderr[-2000:]
    editions = sorted(p.stem for p in (MAECHTE / "editions").glob("*.xml"))
    assert len(editions) == 113
    assert sorted(p.stem for p in out.glob("*.html") if p.stem not in {
        "index", "persons", "places", "orgs", "works", "events", "chronology", "map", "search"}) == editions
    persons = html(out / "persons.html")
    assert len(persons.xpath("//*[contains(@class, 'te-entry-label')]")) == len(
        parse_file(MAECHTE / "indices" / "listperson.xml").xpath("//tei:person[@xml:id]", namespaces=NS))
    assert persons.xpath("//nav[@class='te-jump']//a"), "a long register has letter links"
    assert (out / "data" / "tei" / "indices" / "listperson.xml").read_bytes() == (MAECHTE / "indices" / "listperson.xml").read_bytes()
    assert stdout.splitlines()[-1].startswith("built 12")


def test_a_customisation_renders_the_site_pages_too(tmp_path):
    custom = tmp_path / "custom.xsl"
    custom.write_text(
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:import href="tei-edition:tei-html.xsl"/>'
        "<xsl:param name=\"label-persons\" select=\"'Personen'\"/></xsl:stylesheet>",
        encoding="utf-8",
    )
    build([TEXTS], tmp_path / "site", force=True, stylesheet=custom, title="Die Rezension")
    persons = html(tmp_path / "site" / "persons.html")
    assert persons.findtext(".//h1") == "Personen" and persons.findtext(".//title") == "Personen – Die Rezension"
    assert "Personen" in html(tmp_path / "site" / "rees-review.html").xpath("//nav//a/text()")


def test_a_timestamp_only_when_asked_for(monkeypatch, site, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    build([TEXTS], tmp_path / "site", force=True, timestamp=True)
    footer = html(tmp_path / "site" / "index.html").xpath("//footer//time/@datetime")
    assert footer == ["1970-01-01T00:00:00Z"]
    assert not html(site / "index.html").xpath("//footer//time")


@pytest.mark.skipif(search.pagefind_executable() is None, reason="Pagefind is not installed")
@pytest.mark.parametrize(("jobs", "threads"), [(1, 1), (2, 2), (None, None)])
def test_build_gives_pagefind_its_jobs_as_threads(tmp_path, monkeypatch, jobs, threads):
    asked = []
    real = search.start_indexing

    def start_indexing(site_dir, **options):
        asked.append(options.get("threads"))
        return real(site_dir, **options)

    monkeypatch.setattr(search, "start_indexing", start_indexing)
    assert build([TEXTS], tmp_path / "_site", jobs=jobs).built
    assert asked == [threads]
