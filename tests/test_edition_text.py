"""The edition's first text, the review by David Rees, and its registers.

* Fidelity: the encoded body says exactly what the source says.
* References: every ``@ref`` in texts/ resolves to exactly one register entry,
  every other pointer resolves, and every register entry is used.
* Dates: every dating attribute is a valid ISO 8601 / W3C value, ranges run
  forwards, and the review's date expressions carry the values an editor expects.
* Validity: everything in texts/ is valid against TEI P5 tei_all (Jing).

Each check is a function that returns its findings, so the same code is also
run against deliberately broken copies (in ``tmp_path``) to show that it can
fail.  Nothing here writes into the source tree.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from conftest import SHARED, TEI_ALL, TEXTS, needs_jing, needs_shared, needs_tei_all, run_jing
from tei_edition import dates, pointers
from tei_edition.parsing import parse_file

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

REVIEW = TEXTS / "rees-review.xml"
REGISTERS = TEXTS / "registers.xml"
SOURCE_COPY = TEXTS / "sources" / "rees-review.txt"
SEED = SHARED / "seeds" / "000_83f24317834575db.txt"

# The review starts with these words; everything before them is the database's
# heading and author field.  It breaks off after TRUNCATED_AT, where the
# database prints "..." (its truncation mark, not the author's ellipsis: the
# encoding has <gap reason="truncated"/> there), and the paywall text follows.
BODY_START = "During June 1994"
TRUNCATED_AT = "might..."

# Quotation marks that a <quote> or <q> renders; the fidelity check ignores
# them.  The apostrophe is not among them: "Kim Il Sung's" keeps it.
QUOTATION_MARKS = re.compile("[\"\u201c\u201d\u201e\u201f\u00ab\u00bb]")

# Elements after which words never run on, even without white space in the XML.
BREAKING = {f"{TEI}{name}" for name in ("p", "head", "div", "ab", "l", "lg", "lb", "cit", "item", "list")}

REGISTER_LISTS = {f"{TEI}{name}" for name in ("listPerson", "listPlace", "listOrg", "listBibl", "listEvent")}
NAME_ELEMENTS = {f"{TEI}{name}" for name in ("persName", "placeName", "orgName", "eventName", "title", "rs")}
# Pointer attributes checked for resolution (pointers.POINTER_ATTRIBUTES plus
# the ones these texts also use).
POINTING = tuple(dict.fromkeys((*pointers.POINTER_ATTRIBUTES, "sameAs", "resp", "edRef")))
# Pointers that make a register entry "used".
USING = ("ref", "sameAs", "source", "target", "corresp")


def text_files(folder: Path = TEXTS) -> list[Path]:
    return sorted(folder.glob("*.xml"))


# --------------------------------------------------------------------------
# Fidelity


def source_body(source_text: str) -> str:
    """The review as the source has it: from BODY_START up to the truncation.

    The database's trailing "..." is left out; the encoding marks the cut
    with <gap>.
    """
    start = source_text.index(BODY_START)
    end = source_text.index(TRUNCATED_AT, start) + len(TRUNCATED_AT) - len("...")
    return source_text[start:end]


def _is_editorial(element) -> bool:
    if element.tag == f"{TEI}note":
        return element.get("type") == "editorial" or element.get("resp") is not None
    return element.tag == f"{TEI}gap"


def _reading(element, parts: list[str]) -> None:
    """Append the source's reading of ``element`` (not its tail)."""
    if element.tag == f"{TEI}choice":
        # The source's reading: sic/orig/abbr, never the editor's corr/reg/expan.
        for kind in ("sic", "orig", "abbr"):
            chosen = element.find(f"{TEI}{kind}")
            if chosen is not None:
                _reading(chosen, parts)
                return
        raise AssertionError(f"line {element.sourceline}: <choice> without sic, orig or abbr")
    if not isinstance(element.tag, str) or _is_editorial(element):
        return  # comments and processing instructions, editorial notes, gaps
    if element.tag in BREAKING:
        parts.append(" ")
    parts.append(element.text or "")
    for child in element:
        _reading(child, parts)
        parts.append(child.tail or "")
    if element.tag in BREAKING:
        parts.append(" ")


def body_text(tree) -> str:
    body = tree.getroot().find(f"{TEI}text/{TEI}body")
    assert body is not None, "the document has no text/body"
    parts: list[str] = []
    _reading(body, parts)
    return "".join(parts)


def words(text: str) -> list[str]:
    return QUOTATION_MARKS.sub("", text).split()


def fidelity_problems(encoded: Path, source: Path) -> list[str]:
    """How the encoded body departs from the source's words (empty if it does not)."""
    expected = words(source_body(source.read_text(encoding="utf-8")))
    tree = parse_file(encoded)
    found = words(body_text(tree))
    problems = []
    if found != expected:
        for index, (want, got) in enumerate(zip(expected, found)):
            if want != got:
                break
        else:
            index = min(len(expected), len(found))
        context = " ".join(expected[max(0, index - 6) : index])
        problems.append(
            f"word {index + 1}: source has {expected[index:index + 5]!r}, encoding has {found[index:index + 5]!r} "
            f"(after ...{context!r}; {len(expected)} words in the source, {len(found)} encoded)"
        )
    body = tree.getroot().find(f"{TEI}text/{TEI}body")
    gaps = [gap for gap in body.iter(f"{TEI}gap") if gap.get("reason") == "truncated"]
    if len(gaps) != 1:
        problems.append(f"expected one <gap reason='truncated'/>, found {len(gaps)}")
    else:
        gap = gaps[0]
        before = gap.getprevious()
        preceding = (before.tail if before is not None else gap.getparent().text) or ""
        if not preceding.rstrip().endswith("might"):
            problems.append(f"the truncation gap should follow the last word 'might', it follows {preceding[-30:]!r}")
        if not _only_notes_after(gap):
            problems.append("text follows the truncation gap")
    reading = " ".join(words(body_text(tree)))
    for paywall in ("To continue reading", "Request your trial", "cookie", "ACCEPT", "AuthorRees"):
        if paywall in reading:
            problems.append(f"database text {paywall!r} is in the body")
    return problems


def _only_notes_after(gap) -> bool:
    """Nothing but editorial notes (and white space) follows the gap in the body."""
    node = gap
    while node is not None and node.tag != f"{TEI}body":
        if (node.tail or "").strip():
            return False
        for sibling in node.itersiblings():
            if not _is_editorial(sibling) or (sibling.tail or "").strip():
                return False
        node = node.getparent()
    return True


def test_encoded_review_reproduces_the_source_word_for_word():
    assert fidelity_problems(REVIEW, SOURCE_COPY) == []


@needs_shared
def test_source_copy_is_the_seed_verbatim():
    assert SOURCE_COPY.read_bytes() == SEED.read_bytes()


def test_source_body_runs_from_the_first_words_to_the_truncation():
    body = source_body(SOURCE_COPY.read_text(encoding="utf-8"))
    assert body.startswith("During June 1994, television newsreels")
    assert body.endswith("Stalin was reluctant to embark on a course that might")


@pytest.mark.parametrize(
    "old, new",
    [
        ("cemented to the ground", "cemented to ground"),  # a word dropped
        ("<sic>H.</sic><corr resp=\"#encoder\">W.</corr>", "<sic>W.</sic><corr resp=\"#encoder\">H.</corr>"),  # silent fix
        ("course that might<gap", "course that might have<gap"),  # a word added at the cut
        ("Such was the <quote>extreme", "Such was the <quote>very extreme"),  # a word added inside markup
    ],
)
def test_fidelity_check_catches_a_changed_word(tmp_path, old, new):
    broken = _broken_copy(tmp_path, REVIEW, old, new)
    assert fidelity_problems(broken, SOURCE_COPY)


def test_fidelity_check_catches_a_missing_gap(tmp_path):
    broken = _broken_copy(tmp_path, REVIEW, re.compile(r"<gap .*?</gap>", re.S), "")
    assert any("gap" in problem for problem in fidelity_problems(broken, SOURCE_COPY))


def test_fidelity_check_catches_paywall_text(tmp_path):
    broken = _broken_copy(tmp_path, REVIEW, "</div>\n    </body>", "<p>To continue reading</p></div>\n    </body>")
    assert fidelity_problems(broken, SOURCE_COPY)


def test_editorial_notes_and_corrections_are_not_read_as_source_text():
    tree = parse_file(REVIEW)
    text = body_text(tree)
    assert "John H. Lewis" in " ".join(words(text))
    assert "John W. Lewis" not in text
    assert "paywall" not in text


def test_the_reviews_errors_are_kept_and_corrected_openly():
    body = parse_file(REVIEW).getroot().find(f"{TEI}text/{TEI}body")
    (choice,) = body.iter(f"{TEI}choice")
    assert (choice.findtext(f"{TEI}sic"), choice.findtext(f"{TEI}corr")) == ("H.", "W.")
    assert choice.find(f"{TEI}corr").get("resp")
    # The closing quotation mark that no opening mark precedes stays in the
    # text, followed by the editor's note (the fidelity check ignores marks).
    (note,) = [n for n in body.iter(f"{TEI}note") if "quotation mark" in n.xpath("string()")]
    assert note.get("type") == "editorial" and note.get("resp")
    before = note.getprevious()
    assert (before.tail if before is not None else note.getparent().text).endswith('the assault."')


# --------------------------------------------------------------------------
# References


def _in_header(element) -> bool:
    return any(ancestor.tag == f"{TEI}teiHeader" for ancestor in element.iterancestors())


def load(folder: Path) -> dict[Path, object]:
    return {path: parse_file(path) for path in text_files(folder)}


def register_entries(trees) -> dict[tuple[Path, str], list]:
    """(file, xml:id) -> entries: the identified children of the register lists.

    Lists in a teiHeader (a text's own sourceDesc) are descriptions, not registers.
    """
    entries = defaultdict(list)
    for path, tree in trees.items():
        for lst in tree.getroot().iter(*REGISTER_LISTS):
            if _in_header(lst):
                continue
            for entry in lst:
                if isinstance(entry.tag, str) and entry.get(XML_ID):
                    entries[(path.resolve(), entry.get(XML_ID))].append(entry)
    return entries


def _targets(path: Path, element, attribute: str, prefixes):
    """(token, target file, fragment) for each same-edition pointer in the attribute."""
    for pointer in pointers.parse(element.get(attribute), prefixes):
        if pointer.kind is pointers.Kind.EXTERNAL:
            continue
        if pointer.kind is pointers.Kind.LOCAL:
            yield pointer.raw, path.resolve(), pointer.fragment
        elif pointer.kind is pointers.Kind.DOCUMENT:
            yield pointer.raw, (path.parent / pointer.document).resolve(), pointer.fragment
        else:
            yield pointer.raw, None, None


def reference_problems(folder: Path) -> list[str]:
    trees = load(folder)
    entries = register_entries(trees)
    ids = defaultdict(Counter)
    for path, tree in trees.items():
        for element in tree.getroot().iter():
            if isinstance(element.tag, str) and element.get(XML_ID):
                ids[path.resolve()][element.get(XML_ID)] += 1
    problems = []
    for path, counted in ids.items():
        problems += [f"{path.name}: xml:id {name!r} occurs {n} times" for name, n in counted.items() if n > 1]

    register_files = {file for file, _ in entries}
    used = set()
    for path, tree in trees.items():
        prefixes = pointers.prefix_defs(tree.getroot())
        for element in tree.getroot().iter():
            if not isinstance(element.tag, str):
                continue
            where = f"{path.name}:{element.sourceline}"
            for attribute in POINTING:
                for token, file, fragment in _targets(path, element, attribute, prefixes):
                    if file is None:
                        problems.append(f"{where}: @{attribute}={token!r} is not a pointer into the edition")
                    elif attribute == "ref":
                        found = entries.get((file, fragment), [])
                        if len(found) != 1:
                            problems.append(f"{where}: @ref={token!r} resolves to {len(found)} register entries, not 1")
                    elif fragment is None:
                        if not file.exists():
                            problems.append(f"{where}: @{attribute}={token!r}: no such file")
                    elif ids.get(file, Counter())[fragment] != 1:
                        problems.append(f"{where}: @{attribute}={token!r} does not resolve")
                    if attribute in USING and file in register_files and path.resolve() not in register_files:
                        used.add((file, fragment))
            if element.tag in NAME_ELEMENTS - {f"{TEI}title"} and not _in_header(element):
                if element.get("ref") is None and not _inside_register(element):
                    problems.append(f"{where}: <{element.tag[len(TEI):]}> has no @ref")
    for file, name in sorted(set(entries) - used):
        problems.append(f"{file.name}: register entry {name!r} is neither mentioned in a text nor pointed to from a header")
    return problems


def _inside_register(element) -> bool:
    return any(ancestor.tag in REGISTER_LISTS or ancestor.tag == f"{TEI}standOff" for ancestor in element.iterancestors())


def test_every_reference_resolves_and_every_register_entry_is_used():
    assert reference_problems(TEXTS) == []


def test_the_registers_hold_persons_places_organisations_events_and_works():
    kinds = Counter(entry.tag[len(TEI):] for entries in register_entries(load(TEXTS)).values() for entry in entries)
    assert {"person", "place", "org", "event", "bibl"} <= set(kinds)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ('ref="registers.xml#beijing">Peking', 'ref="registers.xml#peking">Peking', "resolves to 0"),
        ('ref="registers.xml#carter">Mr. Carter', 'ref="#carter">Mr. Carter', "resolves to 0"),
        ("<placeName ref=\"registers.xml#northeast_asia\">Northeast Asia</placeName>", "Northeast Asia",
         "'northeast_asia' is neither mentioned"),
        ('<persName ref="registers.xml#mao">Mao</persName> talks', "<persName>Mao</persName> talks", "has no @ref"),
        ('<bibl><ptr target="registers.xml#uncertain_partners"/>', '<bibl><ptr target="registers.xml#partners"/>',
         "does not resolve"),
    ],
)
def test_reference_check_catches_broken_pointers(tmp_path, old, new, expected):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / REGISTERS.name).write_bytes(REGISTERS.read_bytes())
    _broken_copy(folder, REVIEW, old, new)
    assert any(expected in problem for problem in reference_problems(folder)), reference_problems(folder)


def test_reference_check_catches_a_duplicate_register_entry(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / REVIEW.name).write_bytes(REVIEW.read_bytes())
    _broken_copy(folder, REGISTERS, '<person xml:id="xue">', '<person xml:id="stalin">')
    problems = reference_problems(folder)
    assert any("'stalin' occurs 2 times" in problem for problem in problems)
    assert any("resolves to 2 register entries" in problem for problem in problems)


# --------------------------------------------------------------------------
# Dates


def date_problems(folder: Path) -> list[str]:
    problems = []
    for path, tree in load(folder).items():
        for element in tree.getroot().iter():
            if not isinstance(element.tag, str):
                continue
            where = f"{path.name}:{element.sourceline}"
            present = {name: element.get(name) for name in dates.DATE_ATTRIBUTES if element.get(name) is not None}
            if element.tag == f"{TEI}date" and not present:
                problems.append(f"{where}: <date>{element.xpath('string()')!r} has no ISO value")
            problems += [f"{where}: {message}" for _, message in dates.problems(present)]
    return problems


def test_every_date_has_a_valid_iso_value():
    assert date_problems(TEXTS) == []


# The review's date expressions and the values an editor gives them.
EXPECTED_DATES = {
    "June 1994": {"when": "1994-06"},
    "July 1953": {"when": "1953-07"},
    "1950-3": {"from": "1950", "to": "1953"},
    "April 1950": {"when": "1950-04"},
    "Sunday morning of June 25, 1950": {"when": "1950-06-25"},
    "December 1949": {"when": "1949-12"},
    "February 14, 1950": {"when": "1950-02-14"},
    "1939-40": {"notBefore": "1939", "notAfter": "1940"},
    "October 1945": {"when": "1945-10"},
    "1948": {"when": "1948"},
}


def test_the_reviews_dates_are_normalised_as_expected():
    body = parse_file(REVIEW).getroot().find(f"{TEI}text/{TEI}body")
    found = {
        " ".join(element.xpath("string()").split()): {name: element.get(name) for name in dates.DATE_ATTRIBUTES if element.get(name)}
        for element in body.iter(f"{TEI}date")
    }
    assert found == EXPECTED_DATES


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ('<date when="1950-04">', '<date when="April 1950">', "not an ISO 8601"),
        ('<date from="1950" to="1953">', '<date from="1953" to="1950">', "is after @to"),
        ('<date when="1950-02-14">', '<date when="1950-02-30">', "does not exist"),
        ('<date when="1948">', "<date>", "has no ISO value"),
    ],
)
def test_date_check_catches_bad_values(tmp_path, old, new, expected):
    folder = tmp_path / "texts"
    folder.mkdir()
    _broken_copy(folder, REVIEW, old, new)
    assert any(expected in problem for problem in date_problems(folder)), date_problems(folder)


# --------------------------------------------------------------------------
# Validity


@needs_jing
@needs_tei_all
def test_texts_are_valid_tei_all():
    files = text_files()
    assert {REVIEW, REGISTERS} <= set(files)
    code, output = run_jing(TEI_ALL, *files)
    assert code == 0, output


@needs_jing
@needs_tei_all
def test_jing_check_catches_invalid_tei(tmp_path):
    broken = _broken_copy(tmp_path, REVIEW, "<head>", "<head><p>not allowed</p>")
    code, output = run_jing(TEI_ALL, broken)
    assert code != 0 and "not allowed" in output


# --------------------------------------------------------------------------


def _broken_copy(folder: Path, original: Path, old, new) -> Path:
    """A copy of ``original`` in ``folder`` with one deliberate change."""
    text = original.read_text(encoding="utf-8")
    if isinstance(old, re.Pattern):
        changed, count = old.subn(new, text, count=1)
    else:
        count = text.count(old)
        changed = text.replace(old, new, 1)
    assert count, f"{old!r} is not in {original.name}: the deliberate break needs updating"
    copy = folder / original.name
    copy.write_text(changed, encoding="utf-8")
    return copy
