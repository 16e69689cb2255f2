"""``tei-edition index`` and ``tei_edition.index``: registers with every mention.

The fixtures in tests/fixtures/index/ hold each place an entry can be
(register-only file, nested lists, nested places, a person in an org, the
header's settingDesc, standOff, back, a file without the TEI namespace) and
each mention form (persName/placeName/orgName/eventName/title, name and rs
with and without @type, several pointers in one @ref, file.xml#id, ../,
prefixDef, @key, @sameAs, an authority URI matched by idno, a foreign one).
Counts are checked against what the fixtures say by hand; on the real
Mächtekongresse corpus and on texts/ against plain XPath counts.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MAECHTE, ROOT, TEI_ALL, TEXTS, needs_jing, needs_maechte, needs_tei_all, run_jing
from tei_edition import index
from tei_edition.errors import UsageProblem
from tei_edition.parsing import parse_bytes, parse_file
from tei_edition.registers import Entry, sort_key

FIXTURES = Path(__file__).parent / "fixtures" / "index"
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def doc(name: str) -> str:
    return (FIXTURES / name).as_posix()


@pytest.fixture(scope="module")
def registers():
    return index([FIXTURES])


def by_id(registers, ident) -> Entry:
    entry = registers.get(ident)
    assert entry is not None, ident
    return entry


# -- a hand-written JSON-Schema-style checker -------------------------------------------

STRING, INT, NUMBER, BOOL, NULL = str, int, (int, float), bool, type(None)


def conforms(value, schema, path="$"):
    """Assert ``value`` matches ``schema``: a Python type (or tuple of types), a
    list ``[item schema]``, or a dict ``{"required": {...}, "optional": {...},
    "only": bool}`` for objects."""
    if isinstance(schema, list):
        assert isinstance(value, list), f"{path}: expected an array, got {value!r}"
        for number, item in enumerate(value):
            conforms(item, schema[0], f"{path}[{number}]")
    elif isinstance(schema, dict):
        assert isinstance(value, dict), f"{path}: expected an object, got {value!r}"
        required, optional = schema.get("required", {}), schema.get("optional", {})
        for key, sub in required.items():
            assert key in value, f"{path}: missing {key!r}"
            conforms(value[key], sub, f"{path}.{key}")
        for key, sub in optional.items():
            if key in value:
                conforms(value[key], sub, f"{path}.{key}")
        if schema.get("only"):
            extra = set(value) - set(required) - set(optional)
            assert not extra, f"{path}: unexpected keys {sorted(extra)}"
    else:
        if schema is INT or schema == (int, float):
            assert not isinstance(value, bool), f"{path}: expected a number, got {value!r}"
        assert isinstance(value, schema), f"{path}: expected {schema}, got {value!r}"


MENTION = {"required": {"document": STRING, "line": INT, "text": STRING, "anchor": (STRING, NULL),
                        "region": STRING}, "only": True}
LIFE = {"optional": {"when": STRING, "from": STRING, "to": STRING, "notBefore": STRING, "notAfter": STRING,
                     "precision": (STRING, NULL), "text": STRING}, "only": True}
ENTRY = {
    "required": {"id": STRING, "label": STRING, "names": [STRING], "type": (STRING, NULL),
                 "idnos": [{"required": {"type": (STRING, NULL), "value": STRING}, "only": True}],
                 "note": (STRING, NULL), "count": INT, "documents": INT, "document": STRING, "line": INT,
                 "mentions": [MENTION]},
    "optional": {"birth": LIFE, "death": LIFE, "lat": NUMBER, "lon": NUMBER},
    "only": True,
}
DATE = {
    "required": {"precision": (STRING, NULL), "is_range": BOOL, "text": STRING, "document": STRING, "line": INT,
                 "anchor": (STRING, NULL), "region": STRING, "element": STRING},
    "optional": {"when": STRING, "from": STRING, "to": STRING, "notBefore": STRING, "notAfter": STRING},
    "only": True,
}
DANGLING = {"required": {"pointer": STRING, "reason": STRING, "kind": (STRING, NULL), "attribute": STRING,
                         "document": STRING, "line": INT, "text": STRING, "anchor": (STRING, NULL),
                         "region": STRING}, "only": True}
ORPHAN = {"required": {"id": STRING, "kind": STRING, "label": STRING, "document": STRING, "line": INT},
          "only": True}
EXTERNAL = {"required": {"url": STRING, "count": INT, "mentions": [MENTION]}, "only": True}
SKIPPED = {"required": {"document": STRING, "line": INT, "column": INT, "message": STRING}, "only": True}
ALL = {"required": {"persons": [ENTRY], "places": [ENTRY], "orgs": [ENTRY], "works": [ENTRY], "events": [ENTRY],
                    "dates": [DATE], "dangling": [DANGLING], "orphans": [ORPHAN], "external": [EXTERNAL],
                    "skipped": [SKIPPED]}, "only": True}


def test_the_checker_itself_rejects_what_it_should():
    with pytest.raises(AssertionError):
        conforms({"id": "x"}, ENTRY)
    with pytest.raises(AssertionError):
        conforms([{"document": "a", "line": "1", "text": "", "anchor": None, "region": "text"}], [MENTION])
    with pytest.raises(AssertionError):
        conforms({"pointer": "#x", "extra": 1}, DANGLING)


# -- where entries come from ----------------------------------------------------------------


def test_entries_come_from_every_kind_of_list_wherever_it_is(registers):
    where = {e.id: (e.kind, e.document, e.element) for e in registers.all_entries()}
    assert where == {
        "p_ada": ("persons", doc("registers.xml"), "person"),
        "p_zola": ("persons", doc("registers.xml"), "person"),
        "p_poe": ("persons", doc("registers.xml"), "person"),  # a listPerson in a listPerson
        "p_orphan": ("persons", doc("registers.xml"), "person"),
        "p_member": ("persons", doc("registers.xml"), "person"),  # a person in an org
        "g_ministers": ("persons", doc("registers.xml"), "personGrp"),
        "pl_france": ("places", doc("registers.xml"), "place"),
        "pl_paris": ("places", doc("registers.xml"), "place"),  # a place in a place
        "pl_atlantis": ("places", doc("registers.xml"), "place"),
        "pl_village": ("places", doc("edition.xml"), "place"),  # teiHeader/profileDesc/settingDesc
        "o_academy": ("orgs", doc("registers.xml"), "org"),
        "o_club": ("orgs", doc("edition.xml"), "org"),  # standOff
        "w_book": ("works", doc("registers.xml"), "bibl"),
        "w_struct": ("works", doc("registers.xml"), "biblStruct"),
        "w_nested": ("works", doc("registers.xml"), "bibl"),
        "w_back": ("works", doc("edition.xml"), "bibl"),  # back
        "e_congress": ("events", doc("registers.xml"), "event"),
        "e_legacy": ("events", doc("legacy.xml"), "event"),  # a file without the TEI namespace
    }
    # not entries: a bibl in running text or a cit, an editor's persName, the
    # particDesc person that only points to the register
    assert registers.get("b_inline") is None and registers.get("ed1") is None


def test_a_copy_of_an_entry_in_a_text_is_the_same_entry(registers):
    ada = by_id(registers, "p_ada")
    assert ada.document == doc("registers.xml")  # the register, not the copy in edition.xml's back
    assert ada.copies == (doc("edition.xml"),)
    assert ada.label == "Ada Lovelace"
    assert [e.id for e in registers["persons"]].count("p_ada") == 1


def test_entry_details(registers):
    ada = by_id(registers, "p_ada")
    assert ada.names == ("Ada Lovelace", "Augusta Ada Byron")
    assert [tuple(i) for i in ada.idnos] == [("GND", "https://d-nb.info/gnd/118729101")]
    assert (ada.birth.when, ada.birth.text, ada.birth.precision) == ("1815-12-10", "10 December 1815", "day")
    assert (ada.death.when, ada.death.element) == ("1852-11-27", "death")
    assert ada.note == "Mathematician."
    poe = by_id(registers, "p_poe")
    assert (poe.birth.not_before, poe.birth.not_after, poe.birth.is_range) == ("1809-01", "1809-01-31", True)
    paris = by_id(registers, "pl_paris")
    assert (paris.lat, paris.lon, paris.names) == (48.8566, 2.3522, ("Paris", "Lutetia"))
    assert by_id(registers, "pl_atlantis").lat is None
    assert by_id(registers, "w_struct").label == "Nana"
    assert by_id(registers, "w_nested").label == "Untitled pamphlet, 1850"  # no title: the bibl's text
    assert by_id(registers, "e_congress").label == "Congress of Aachen"
    # the TEI copy of an entry leaves out the entries nested in it
    assert "pl_paris" not in by_id(registers, "pl_france").as_tei()
    assert by_id(registers, "e_legacy").as_tei().startswith('<event xmlns="http://www.tei-c.org/ns/1.0"')


# -- what counts as a mention ----------------------------------------------------------------

EXPECTED_COUNTS = {
    # particDesc (header), persName, rs with two pointers, a GND URL matched by idno, ../ from a subfolder
    "p_ada": 5,
    # prefixDef, rs, a file name matched from a subfolder, a note in another register entry
    "p_poe": 4,
    # @key, back; the GND ref on its own name is not a mention
    "p_zola": 2,
    "g_ministers": 1,  # an untyped rs counts where it resolves
    "pl_paris": 1, "pl_france": 1, "pl_village": 2,  # the same pointer twice in one @ref counts once
    "o_club": 1,
    "w_book": 3,  # a header bibl/@sameAs, a title, a title in a list in Poe's note
    "w_struct": 1,  # rs type="work"
    "e_congress": 1, "e_legacy": 1,  # eventName, into a file without namespace
    "p_orphan": 0, "p_member": 0, "pl_atlantis": 0, "o_academy": 0, "w_nested": 0, "w_back": 0,
}


def test_mention_counts_for_every_form(registers):
    assert {e.id: e.count for e in registers.all_entries()} == EXPECTED_COUNTS
    assert by_id(registers, "p_ada").documents == 2
    assert by_id(registers, "p_ada").mentioned_in() == [doc("edition.xml"), doc("other/deep.xml")]


def test_mentions_carry_surface_text_line_anchor_and_region(registers):
    ada = [(m.document, m.line, m.text, m.anchor, m.region) for m in by_id(registers, "p_ada").mentions]
    assert ada == [
        (doc("edition.xml"), 21, "ADA", None, "header"),
        (doc("edition.xml"), 39, "Ada", "par1", "text"),
        (doc("edition.xml"), 43, "the two", "par2", "text"),
        (doc("edition.xml"), 53, "Lady Lovelace", "par3", "text"),
        (doc("other/deep.xml"), 13, "Ada", None, "text"),
    ]
    # choice -> the expansion, the note left out; a break="no" joins the word
    assert by_id(registers, "p_poe").mentions[0].text == "E. Allan Poe"
    assert by_id(registers, "pl_paris").mentions[0].text == "Paris"
    assert [m.region for m in by_id(registers, "p_zola").mentions] == ["text", "back"]
    assert by_id(registers, "p_poe").mentions[-1].region == "register"  # named in Zola's note


def test_dangling_pointers_are_reported_with_their_place(registers):
    found = [(d.document, d.line, d.pointer, d.kind) for d in registers.dangling]
    assert found == [
        (doc("edition.xml"), 55, "#nobody", "persons"),
        (doc("edition.xml"), 56, "registers.xml#p_missing", "persons"),
        (doc("edition.xml"), 57, "gnd:123", "persons"),
        (doc("other/deep.xml"), 14, "nowhere.xml#x", "persons"),
    ]
    assert "prefix" in registers.dangling[2].reason
    # pointers at elements that exist but are no register entry (the editor) are
    # neither mentions nor dangling; nor is an untyped name pointing there


def test_foreign_authority_uris_are_external_links(registers):
    assert [(link.url, link.count) for link in registers.external] == [("https://d-nb.info/gnd/999999", 1)]


def test_orphans(registers):
    assert [(e.kind, e.id) for e in registers.orphans] == [
        ("persons", "p_member"), ("persons", "p_orphan"), ("places", "pl_atlantis"),
        ("orgs", "o_academy"), ("works", "w_back"), ("works", "w_nested"),
    ]


def test_dates_are_normalised_and_sorted_chronologically_bce_first(registers):
    dates = [(d.attributes(), d.precision, d.is_range, d.text, d.element) for d in registers.dates]
    assert dates == [
        ({"when": "-0044-03-15"}, "day", False, "the Ides of March", "date"),
        ({"when": "1700"}, "year", False, "", "event"),
        ({"notBefore": "1809-01", "notAfter": "1809-01-31"}, "month", True, "", "birth"),
        ({"when": "1815-12-10"}, "day", False, "10 December 1815", "birth"),
        ({"from": "1818", "to": "1819"}, "year", True, "1818–19", "date"),
        ({"from": "1818-09-29", "to": "1818-11-21"}, "day", True, "", "event"),
        ({"when": "1840-03-01"}, "day", False, "1 March 1840", "date"),
        ({"when": "1845"}, "year", False, "1845", "date"),
        ({"notBefore": "1850-01", "notAfter": "1850-06"}, "month", True, "early 1850", "date"),
        ({"when": "1852-11-27"}, "day", False, "", "death"),
        ({"when": "1880"}, "year", False, "1880", "date"),
        ({"when": "2024-05-01"}, "day", False, "1 May 2024", "date"),
        ({"when": "2024-05-02"}, "day", False, "", "change"),
        ({}, None, False, "some day", "date"),  # undated ones last
        ({}, None, False, "a bad date", "date"),
    ]
    # biblScope's from/to are pages, not dates; the invalid value is a warning
    assert [n.message for n in registers.warnings] == ["<date> @when: '1815-13-01': month 13 does not exist"]


def test_kinds_limit_what_is_returned():
    places = index([FIXTURES], kinds="places")
    assert list(places.entries) == ["places"] and len(places.dates) == 0
    assert [e.id for e in places.orphans] == ["pl_atlantis"]
    only_dates = index([FIXTURES], kinds=["dates"])
    assert only_dates.entries == {} and len(only_dates.dates) == 15
    with pytest.raises(UsageProblem):
        index([FIXTURES], kinds="people")


def test_entries_for_resolves_a_pointer_as_a_link_would(registers):
    found = registers.entries_for(doc("edition.xml"), "registers.xml#p_ada psn:p_poe #nobody")
    assert [e.id for e in found] == ["p_ada", "p_poe"]
    assert [e.id for e in registers.entries_for(doc("edition.xml"), "p_zola", attribute="key")] == ["p_zola"]


def test_labels_sort_unicode_aware_and_case_insensitively(registers):
    assert [e.label for e in registers["persons"]] == [
        "A Member", "Ada Lovelace", "Edgar Allan Poe", "Émile Zola", "Øystein Orphan", "the ministers"]
    words = ["zebra", "Émile", "Eve", "Øystein", "ostrich", "Ångström", "anders", "éclair", "Ecole", "Straße",
             "strasse", "Zoë", "ZOE", "zoe"]
    assert sorted(words, key=sort_key) == [
        "anders", "Ångström", "éclair", "Ecole", "Émile", "Eve", "ostrich", "Øystein", "strasse", "Straße",
        "zebra", "zoe", "ZOE", "Zoë"]
    # total and stable: different labels never tie
    assert len({sort_key(w) for w in words}) == len(words)


# -- the command line ---------------------------------------------------------------------------


def run_json(cli_run, *args):
    code, out, err = cli_run("index", FIXTURES, *args)
    assert code == 0, err
    return json.loads(out), err


def test_json_one_kind_is_an_array_of_entries(cli_run):
    persons, err = run_json(cli_run, "--kind", "persons")
    conforms(persons, [ENTRY])
    assert [p["id"] for p in persons] == ["p_member", "p_ada", "p_poe", "p_zola", "p_orphan", "g_ministers"]
    ada = persons[1]
    assert ada["count"] == 5 and ada["documents"] == 2
    assert ada["mentions"][0] == {"document": doc("edition.xml"), "line": 21, "text": "ADA", "anchor": None,
                                  "region": "header"}
    assert ada["birth"] == {"when": "1815-12-10", "precision": "day", "text": "10 December 1815"}
    assert "dangling pointer '#nobody'" in err  # warnings go to stderr, the data to stdout
    places, _ = run_json(cli_run, "--kind", "places")
    conforms(places, [ENTRY])
    paris = next(p for p in places if p["id"] == "pl_paris")
    assert (paris["lat"], paris["lon"]) == (48.8566, 2.3522)
    assert "lat" not in next(p for p in places if p["id"] == "pl_atlantis")


def test_json_dates(cli_run):
    dates, _ = run_json(cli_run, "--kind", "dates")
    conforms(dates, [DATE])
    for date in dates:
        keys = set(date) & {"when", "from", "to", "notBefore", "notAfter"}
        assert keys in ({"when"}, {"from", "to"}, {"notBefore", "notAfter"}, set()), keys
    assert dates[0] == {"when": "-0044-03-15", "precision": "day", "is_range": False, "text": "the Ides of March",
                        "document": doc("edition.xml"), "line": 50, "anchor": "par2", "region": "text",
                        "element": "date"}


def test_json_all_has_every_kind_dangling_orphans_and_external(cli_run):
    data, _ = run_json(cli_run, "--kind", "all")
    conforms(data, ALL)
    assert [d["pointer"] for d in data["dangling"]] == ["#nobody", "registers.xml#p_missing", "gnd:123",
                                                        "nowhere.xml#x"]
    assert [o["id"] for o in data["orphans"]] == ["p_member", "p_orphan", "pl_atlantis", "o_academy", "w_back",
                                                  "w_nested"]
    assert data["external"][0]["url"] == "https://d-nb.info/gnd/999999"
    assert data["skipped"] == []


def test_csv_entries_and_mentions(cli_run):
    code, out, _ = cli_run("index", FIXTURES, "--kind", "persons", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:4] == ["id", "label", "count", "documents"]
    assert len({len(row) for row in rows}) == 1
    table = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert [row["id"] for row in table] == ["p_member", "p_ada", "p_poe", "p_zola", "p_orphan", "g_ministers"]
    assert table[1]["count"] == "5" and table[1]["documents"] == "2" and table[1]["birth"] == "1815-12-10"
    assert table[2]["birth"] == "1809-01/1809-01-31"

    code, out, _ = cli_run("index", FIXTURES, "--kind", "all", "--format", "csv", "--mentions")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["kind", "id", "label", "document", "line", "text", "anchor", "region"]
    assert len(rows) - 1 == sum(EXPECTED_COUNTS.values())
    assert ["persons", "p_poe", "Edgar Allan Poe", doc("edition.xml"), "40", "E. Allan Poe", "par1", "text"] in rows

    code, out, _ = cli_run("index", FIXTURES, "--kind", "dates", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:5] == ["when", "from", "to", "notBefore", "notAfter"] and len(rows) == 16


def test_geojson_is_a_feature_collection_of_lon_lat_points(cli_run):
    code, out, _ = cli_run("index", FIXTURES, "--kind", "places", "--format", "geojson")
    assert code == 0
    data = json.loads(out)
    conforms(data, {"required": {"type": STRING, "features": [{
        "required": {"type": STRING, "id": STRING,
                     "geometry": {"required": {"type": STRING, "coordinates": [NUMBER]}, "only": True},
                     "properties": {"required": {"id": STRING, "label": STRING, "count": INT, "documents": INT},
                                    "only": True}},
        "only": True}]}, "only": True})
    assert data["type"] == "FeatureCollection"
    assert {f["geometry"]["type"] for f in data["features"]} == {"Point"}
    points = {f["id"]: f["geometry"]["coordinates"] for f in data["features"]}
    assert points == {"pl_france": [2.5, 46.5], "pl_paris": [2.3522, 48.8566]}  # [lon, lat]; Atlantis has none
    code, _, err = cli_run("index", FIXTURES, "--kind", "persons", "--format", "geojson")
    assert code == 2 and "geojson" in err


def test_tei_output_is_a_tei_document_with_the_register_lists(cli_run):
    code, out, _ = cli_run("index", FIXTURES, "--kind", "all", "--format", "tei")
    assert code == 0
    root = parse_bytes(out.encode("utf-8")).getroot()
    assert root.tag == f"{TEI}TEI"
    body = root.find(f"{TEI}text/{TEI}body")
    lists = [child.tag.replace(TEI, "") for child in body]
    assert lists == ["listPerson", "listPlace", "listOrg", "listBibl", "listEvent", "list", "list"]
    entries = {e.get(XML_ID): e for e in body.iter() if e.get(XML_ID)}
    assert set(entries) == set(EXPECTED_COUNTS)
    for ident, count in EXPECTED_COUNTS.items():
        refs = entries[ident].findall(f"{TEI}note[@type='mentions']/{TEI}ref")
        assert len(refs) == count, ident
    targets = [r.get("target") for r in entries["p_ada"].findall(f"{TEI}note/{TEI}ref")]
    assert targets[1] == doc("edition.xml") + "#par1"
    assert entries["e_legacy"].tag == f"{TEI}event"  # moved into the TEI namespace
    assert entries["pl_france"].find(f"{TEI}place") is None  # pl_paris is listed on its own


def test_output_file_is_written_atomically_and_relative_links_follow_it(cli_run, tmp_path):
    target = tmp_path / "out" / "registers.xml"
    target.parent.mkdir()
    target.write_text("old")
    code, out, _ = cli_run("index", FIXTURES, "--format", "tei", "-o", target)
    assert code == 0 and out == ""
    assert sorted(p.name for p in target.parent.iterdir()) == ["registers.xml"]  # no temporary left
    text = target.read_text(encoding="utf-8")
    root = parse_bytes(text.encode()).getroot()
    ref = root.find(f".//{TEI}person[@{XML_ID}='p_ada']/{TEI}note/{TEI}ref")
    assert (target.parent / ref.get("target").split("#")[0]).resolve() == (FIXTURES / "edition.xml").resolve()
    code, _, err = cli_run("index", FIXTURES, "-o", tmp_path / "missing" / "x.json")
    assert code == 2 and "does not exist" in err


def test_default_path_is_texts_and_bad_paths_are_usage_errors(cli_run, tmp_path):
    (tmp_path / "texts").mkdir()
    for name in ("registers.xml", "edition.xml"):
        (tmp_path / "texts" / name).write_bytes((FIXTURES / name).read_bytes())
    code, out, _ = cli_run("index", "--kind", "orgs", cwd=tmp_path)
    assert code == 0 and [o["id"] for o in json.loads(out)] == ["o_academy", "o_club"]
    code, _, err = cli_run("index", tmp_path / "nope")
    assert code == 2 and "no such file or folder" in err


def test_an_unparseable_file_is_reported_skipped_and_the_rest_written(cli_run, tmp_path):
    for name in ("registers.xml", "edition.xml"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    (tmp_path / "broken.xml").write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<text>\n<p>oops</text></TEI>\n')
    output = tmp_path / "all.json"
    code, _, err = cli_run("index", tmp_path, "-o", output)
    assert code == 1
    broken = (tmp_path / "broken.xml").as_posix()
    assert any(line.startswith(f"{broken}:3:") and ": error: " in line for line in err.splitlines()), err
    assert "1 file(s) skipped" in err
    data = json.loads(output.read_text())
    assert [s["document"] for s in data["skipped"]] == [str(tmp_path / "broken.xml")]
    assert by_count(data["persons"])["p_ada"] == 4  # still written from the other files


def by_count(entries):
    return {e["id"]: e["count"] for e in entries}


def test_a_file_broken_half_way_contributes_nothing(tmp_path):
    (tmp_path / "registers.xml").write_bytes((FIXTURES / "registers.xml").read_bytes())
    text = (FIXTURES / "edition.xml").read_text()
    (tmp_path / "edition.xml").write_text(text.replace("</back>", "</bak>"))
    registers = index([tmp_path])
    assert registers.documents == ((tmp_path / "registers.xml").as_posix(),)
    assert [p.path for p in registers.skipped] == [str(tmp_path / "edition.xml")]
    assert registers.get("o_club") is None and registers.get("p_ada").count == 0


def test_output_is_deterministic_and_inputs_untouched(cli_run):
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in FIXTURES.rglob("*.xml")}
    outputs = set()
    for _ in range(2):
        for fmt in ("json", "csv", "tei"):
            code, out, _ = cli_run("index", FIXTURES, "--format", fmt)
            outputs.add((fmt, out))
    assert len(outputs) == 3
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in FIXTURES.rglob("*.xml")}


def test_help_has_an_example(cli_run):
    code, out, _ = cli_run("index", "--help")
    assert code == 0 and "Example:" in out and "--kind" in out and "--mentions" in out
    code, out, _ = cli_run("--help")
    assert "index" in out


@needs_jing
@needs_tei_all
def test_tei_output_is_valid_tei_all(cli_run, tmp_path):
    outputs = [tmp_path / "fixtures.xml", tmp_path / "dates.xml", tmp_path / "nothing.xml"]
    assert cli_run("index", FIXTURES, "--format", "tei", "-o", outputs[0])[0] == 0
    assert cli_run("index", FIXTURES, "--kind", "dates", "--format", "tei", "-o", outputs[1])[0] == 0
    plain = tmp_path / "plain.xml"  # no register at all: no empty lists either
    plain.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>Nothing.</p></body></text></TEI>')
    assert cli_run("index", plain, "--kind", "all", "--format", "tei", "-o", outputs[2])[0] == 0
    status, report = run_jing(TEI_ALL, *outputs)
    assert status == 0, report


# -- streaming: memory stays far below the size of the file ------------------------------------


def _generator():
    path = ROOT / "bench" / "make_big_tei.py"
    if not path.is_file():
        pytest.skip("bench/make_big_tei.py is absent")
    spec = importlib.util.spec_from_file_location("make_big_tei", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_streamed_and_whole_tree_reading_agree(monkeypatch):
    """Large files are streamed chunk by chunk; the result must be the same."""
    from tei_edition import register_scan
    from tei_edition.register_formats import WRITERS

    def everything():
        registers = index([FIXTURES])
        return "".join(WRITERS["json"](registers, "all")), [str(n) for n in registers.warnings]

    whole = everything()
    monkeypatch.setattr(register_scan, "TREE_LIMIT", 0)
    assert everything() == whole


ONE_PROCESS = """
import sys
from tei_edition import index
from tei_edition.register_formats import WRITERS
progress = []
registers = index([sys.argv[1]], jobs=None if sys.argv[2] == "-" else int(sys.argv[2]), progress=progress.append)
sys.stdout.write("".join(WRITERS["json"](registers, "all")))
print(progress, sorted(m for m in ("multiprocessing", "concurrent.futures") if m in sys.modules))
"""


@pytest.mark.parametrize("jobs", ["-", "1"])
def test_a_small_input_is_indexed_here_without_loading_the_worker_machinery(jobs):
    """Without --jobs (small input) or with --jobs 1 the scan runs in this
    process without importing multiprocessing (start-up time); the registers
    are the same as through an executor."""
    from tei_edition import workers
    from tei_edition.register_formats import WRITERS

    done = subprocess.run([sys.executable, "-c", ONE_PROCESS, str(FIXTURES), jobs],
                          capture_output=True, text=True, check=True).stdout
    files = len(list(FIXTURES.rglob("*.xml")))
    expected = "".join(WRITERS["json"](index([FIXTURES], executor=workers.InProcess()), "all"))
    assert done == expected + f"[{files}] []\n"


# VmHWM, not getrusage's ru_maxrss: on Linux the latter survives fork and exec,
# so a child would report the (larger) test process's peak.
PEAK_RSS = """
import sys
from tei_edition import index
from tei_edition.register_formats import WRITERS
if sys.argv[1] != "-":
    registers = index([sys.argv[1]], kinds="all")
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        for piece in WRITERS["json"](registers, "all"):
            out.write(piece)
    print(sum(e.count for e in registers.all_entries()), len(registers.dates))
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="peak memory is read from /proc (Linux)")
def test_memory_stays_bounded_on_a_large_file(tmp_path):
    size = 40 << 20
    big = tmp_path / "big.xml"
    with open(big, "wb") as handle:
        _generator().write(handle, size, seed=3)
    baseline = subprocess.run([sys.executable, "-c", PEAK_RSS, "-"], capture_output=True, text=True, check=True)
    run = subprocess.run([sys.executable, "-c", PEAK_RSS, str(big), str(tmp_path / "out.json")],
                         capture_output=True, text=True, check=True)
    mentions, dates = map(int, run.stdout.split()[:2])
    assert mentions > 60_000 and dates > 8_000  # it did read the whole file
    growth_kb = int(run.stdout.split()[2]) - int(baseline.stdout.split()[0])
    # a tree of the file would take several times its size; streaming takes a
    # fraction (15 MB here, of which most is fixed: 175 MB on a 1 GiB file)
    assert growth_kb * 1024 < size / 2, f"peak RSS grew by {growth_kb // 1024} MB on a {size >> 20} MB file"


# -- the Mächtekongresse corpus: counts against plain XPath ---------------------------------------

MENTIONING = ("persName", "placeName", "orgName", "eventName", "title", "name", "rs")


def mentions_xpath(token):
    """XPath counting the elements that name ``token`` among the pointers of their @ref."""
    return (
        "count(//*[" + " or ".join(f"local-name()='{n}'" for n in MENTIONING) + "]"
        f"[contains(concat(' ', normalize-space(@ref), ' '), ' {token} ')]"
        # an entry's own name is not a mention of it
        "[not(parent::*[@xml:id][local-name()='person' or local-name()='place' or local-name()='org'"
        " or local-name()='event' or local-name()='bibl' or local-name()='personGrp'])])"
    )


def xpath_count(files, token):
    return sum(int(parse_file(f).xpath(mentions_xpath(token))) for f in files)


@pytest.fixture(scope="module")
def maechte():
    return index([MAECHTE / "editions", MAECHTE / "indices"])


@needs_maechte
def test_maechte_every_pointer_into_the_registers_resolves(maechte):
    found = {(Path(d.document).name, d.line, d.pointer) for d in maechte.dangling}
    # the genuinely broken pointers of the corpus, and nothing else
    assert found == {
        ("Aachen_Prot_36.xml", 167, "p.#8"),
        ("Aachen_Prot_5.xml", 518, "#"),
        ("Aachen_Prot_5.xml", 628, "#"),
        ("Troppau_Prot_4.xml", 422, "#p11"),
    }
    assert maechte.skipped == []
    sizes = {kind: len(entries) for kind, entries in maechte.entries.items()}
    assert sizes == {"persons": 196, "places": 89, "orgs": 2, "works": 51, "events": 113}
    # the register files are the canonical definitions; the editions' back copies merge into them
    assert {e.document.rsplit("/", 1)[-1] for e in maechte["persons"]} == {"listperson.xml"}


@needs_maechte
def test_maechte_gnd_urls_in_ref_are_links_not_dangling(maechte):
    kurz = maechte.get("p_208")  # the technical editor, whose register entry has his GND URI as idno
    files = sorted((MAECHTE / "editions").glob("*.xml"))
    gnd = "http://d-nb.info/gnd/13281899X"
    assert kurz.count == xpath_count(files, gnd) > 100
    assert {m.region for m in kurz.mentions} == {"header"}
    assert not any(d.pointer.startswith("http") for d in maechte.dangling)


@needs_maechte
def test_maechte_counts_match_xpath(maechte):
    files = sorted((MAECHTE / "editions").glob("*.xml")) + sorted((MAECHTE / "indices").glob("*.xml"))
    for ident in ("p_1", "p_8", "p_5", "loc_1", "loc_2", "t_1", "o_1"):
        entry = maechte.get(ident)
        assert entry.count == xpath_count(files, f"#{ident}"), ident
    assert maechte.get("p_8").label == "Metternich, Clemens Wenzel Lothar"  # written surname first
    assert maechte.get("p_1").label == "Armand Emmanuel du Plessis"  # written forename first


# -- the edition's own texts ------------------------------------------------------------------------


@pytest.mark.skipif(not (TEXTS / "registers.xml").is_file(), reason="texts/registers.xml is not there yet")
def test_the_editions_own_registers_match_its_text():
    files = sorted(TEXTS.glob("*.xml"))
    registers = index([TEXTS])
    assert registers.skipped == [] and registers.dangling == []
    trees = {f.name: parse_file(f) for f in files}
    for entry in registers.all_entries():
        here = Path(entry.document).name
        expected = 0
        for name, tree in trees.items():
            token = f"#{entry.id}" if name == here else f"{here}#{entry.id}"
            expected += int(tree.xpath(
                mentions_xpath(token)
                + " + count(//*[local-name()='bibl' or local-name()='biblStruct' or local-name()='person']"
                f"[not(@xml:id)][contains(concat(' ', normalize-space(@sameAs), ' '), ' {token} ')])"))
        assert entry.count == expected, (entry.id, entry.count, expected)
    datable = ("//*[local-name()='date' or @when or @from or @to or @notBefore or @notAfter]"
               "[not(local-name()='biblScope' or local-name()='citedRange' or local-name()='locus'"
               " or local-name()='span' or local-name()='app')]")
    assert len(registers.dates) == sum(len(tree.xpath(datable)) for tree in trees.values())
    # the review names its main persons, places and works
    review = "rees-review.xml"
    assert all(any(Path(m.document).name == review for m in registers.get(i).mentions)
               for i in ("kim_il_sung", "stalin", "mao", "moscow", "uncertain_partners", "korean_war"))


def test_comments_and_processing_instructions_inside_names_are_left_out(tmp_path):
    """A comment among a mention's children once crashed the reader (its tag is a function)."""
    (tmp_path / "t.xml").write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt>'
        "<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>\n"
        '<text><body><p><persName ref="#p1">Anna <!-- who? --><surname>Mus<?pi x?>ter</surname></persName></p>\n'
        '<listPerson><person xml:id="p1"><persName>Anna<!-- x --> <surname>Muster</surname></persName></person>'
        "</listPerson></body></text></TEI>\n", encoding="utf-8")
    person = index([tmp_path]).get("p1")
    assert person.names == ("Muster", "Anna Muster")  # the structured label, then the text
    assert [(m.line, m.text) for m in person.mentions] == [(2, "Anna Muster")]


def test_json_dates_written_from_the_columns_equal_those_written_from_objects(registers):
    from tei_edition.register_formats import _dates_json

    assert len(registers.dates) > 10
    assert list(_dates_json(registers.dates)) == list(_dates_json(list(registers.dates)))


def test_files_already_collected_give_the_same_registers():
    from tei_edition.inputs import collect
    from tei_edition.register_formats import WRITERS

    def json_of(registers):
        return "".join(WRITERS["json"](registers, "all"))

    assert json_of(index([FIXTURES], files=collect([FIXTURES]))) == json_of(index([FIXTURES]))


def test_json_mentions_written_from_the_columns_equal_those_written_from_objects(registers):
    from tei_edition.register_formats import _mention_json, _MentionsJSON

    writer = _MentionsJSON()
    entries = [entry for entry in registers.all_entries() if entry.count]
    assert sum(entry.count for entry in entries) > 20
    for entry in entries:
        assert list(writer(entry.mentions)) == [_mention_json(m) for m in entry.mentions]


def test_json_encoding_shortcut_writes_what_json_dumps_writes():
    from tei_edition.register_formats import _dumps

    class Smart(str):  # lxml's attribute values are str subclasses
        pass

    values = ["", "plain", 'quo"te \\ back', "Zürich – „Anführung“", "\x00\x1f\x7f\u2028", "\ud800", Smart("é"),
              None, True, 3, 2.5, float("nan"), [1, "ä", None], {"id": "p_1", "names": ["Å", "b"], "lat": -0.5}]
    for value in values:
        assert _dumps(value) == json.dumps(value, ensure_ascii=False), value
