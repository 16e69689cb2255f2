"""The project profile: schemas/tei_edition.rng (grammar) and tei_edition.sch (editorial rules).

* Fixtures (tests/fixtures/profile/): every ``valid-*.xml`` and
  ``schematron-*.xml`` is valid against the grammar, every ``invalid-*.xml``
  is not; each ``schematron-<rule>.xml`` makes exactly that rule fire, and
  the valid fixtures make none fire.
* Subset: what the profile accepts, TEI P5's tei_all accepts too.  Checked
  with Jing on the fixtures and on one generated document per element the
  profile defines (a small sampler walks the grammar towards that element).
* Coverage: every Mächtekongresse edition valid against tei_all is valid
  against the profile; the edition's own texts/ are valid and pass the rules.
* Cost: lxml compiles the grammar in well under a second (about 0.07 s).
"""

from __future__ import annotations

import random
import re
import time
from functools import cache
from pathlib import Path

import pytest
from lxml import etree, isoschematron

from conftest import MAECHTE, ROOT, TEI_ALL, TEXTS, needs_jing, needs_maechte, needs_tei_all, run_jing
from tei_edition import resources
from tei_edition.parsing import parse_file

RNG = "{http://relaxng.org/ns/structure/1.0}"
SCH = "{http://purl.oclc.org/dsdl/schematron}"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
TEI_NS = "http://www.tei-c.org/ns/1.0"

GRAMMAR = resources.schema("tei_edition.rng")
RULES = resources.schema("tei_edition.sch")
FIXTURES = ROOT / "tests" / "fixtures" / "profile"
VALID = sorted(FIXTURES.glob("valid-*.xml"))
INVALID = sorted(FIXTURES.glob("invalid-*.xml"))
FIRING = sorted(FIXTURES.glob("schematron-*.xml"))  # valid grammar, one rule fires
TEXT_FILES = sorted(TEXTS.rglob("*.xml")) if TEXTS.is_dir() else []


@cache
def grammar() -> etree.RelaxNG:
    return etree.RelaxNG(parse_file(GRAMMAR))


@cache
def rules() -> isoschematron.Schematron:
    return isoschematron.Schematron(parse_file(RULES), store_report=True)


def grammar_errors(tree) -> list[str]:
    validator = grammar()
    if validator.validate(tree):
        return []
    return [f"{error.line}: {error.message}" for error in validator.error_log]


def fired(tree) -> list[tuple[str, str, str]]:
    """(rule id, role, message) of every Schematron finding."""
    validator = rules()
    validator.validate(tree)
    return [
        (node.get("id"), node.get("role") or "error", " ".join("".join(node.itertext()).split()))
        for node in validator.validation_report.getroot()
        if node.tag in (f"{SVRL}failed-assert", f"{SVRL}successful-report")
    ]


def rule_ids() -> list[str]:
    return [node.get("id") for node in parse_file(RULES).iter(f"{SCH}assert", f"{SCH}report")]


def jing_errors(schema: Path, files: list[Path]) -> dict[Path, list[str]]:
    """Jing's error lines per file, in one Java process for all of them."""
    status, output = run_jing(schema, *files)
    errors: dict[Path, list[str]] = {path: [] for path in files}
    by_name = {str(path): path for path in files}
    for line in output.splitlines():
        name = re.match(r"(.+?):\d+:\d+: ", line)
        path = by_name.get(name.group(1)) if name else None
        assert path is not None, f"Jing said something about no file in the list: {line}"
        errors[path].append(line[len(str(path)) + 1:])
    assert status == (1 if any(errors.values()) else 0), output
    return errors


# --------------------------------------------------------------------------
# The grammar


def test_the_grammar_compiles_quickly():
    """libxml2 compiles the profile in ~0.07 s of CPU (tei_all: ~13 s).

    The bound is loose so that a busy machine does not fail it, but tight
    enough to catch the compiled-automata cost coming back (~0.3 s: see the
    "interpreted" pattern in the grammar).
    """
    tree = parse_file(GRAMMAR)
    best = min(_compile_time(tree) for _ in range(3))
    assert best < 0.2, f"compiling the profile took {best:.3f} s of CPU"


def _compile_time(tree) -> float:
    start = time.process_time()
    etree.RelaxNG(tree)
    return time.process_time() - start


def test_there_are_fixtures_for_every_area():
    names = {path.stem for path in VALID}
    assert {"valid-header", "valid-structure", "valid-names-dates", "valid-quotations", "valid-notes",
            "valid-choice", "valid-transcription", "valid-lists-tables-figures", "valid-standoff"} <= names
    assert len(INVALID) >= 20


@pytest.mark.parametrize("path", VALID + FIRING, ids=lambda path: path.name)
def test_valid_fixture_is_valid(path):
    assert grammar_errors(parse_file(path)) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda path: path.name)
def test_invalid_fixture_is_invalid(path):
    assert grammar_errors(parse_file(path)), f"{path.name} should be invalid against the profile"


# --------------------------------------------------------------------------
# The editorial rules


def test_every_rule_has_an_id_and_a_fixture():
    ids = rule_ids()
    assert None not in ids and len(ids) == len(set(ids)), ids
    assert sorted(ids) == sorted(path.stem.removeprefix("schematron-") for path in FIRING)


def test_rules_are_errors_or_warnings():
    for node in parse_file(RULES).iter(f"{SCH}assert", f"{SCH}report"):
        assert node.get("role") in (None, "warning"), node.get("id")


@pytest.mark.parametrize("path", FIRING, ids=lambda path: path.name)
def test_rule_fires_on_its_fixture(path):
    rule = path.stem.removeprefix("schematron-")
    findings = fired(parse_file(path))
    assert [finding[0] for finding in findings] == [rule], findings
    assert findings[0][2], "the finding has a message"


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.name)
def test_rules_are_silent_on_valid_fixtures(path):
    assert fired(parse_file(path)) == []


def test_rule_messages_quote_what_to_fix():
    findings = {finding[0]: finding for path in FIRING for finding in fired(parse_file(path))}
    assert findings["ref-not-a-pointer"][2].startswith('@ref="richelieu" on persName is not a pointer')
    assert findings["name-without-ref"][1:] == (
        "warning", 'persName "Duc de Richelieu" has no @ref or @key: point it to its register entry '
                   '(ref="#id" or ref="registers.xml#id")')
    assert findings["choice-without-pair"][2].endswith("here it has abbr, corr")
    assert findings["date-open-range"][2].startswith("date has @from but no @to")
    assert findings["choice-without-pair"][1] == "error"


# --------------------------------------------------------------------------
# The edition's texts


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda path: path.name)
def test_text_is_valid_against_the_profile(path):
    assert grammar_errors(parse_file(path)) == []


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda path: path.name)
def test_text_passes_the_editorial_rules(path):
    assert fired(parse_file(path)) == []


def test_there_are_texts():
    assert {path.name for path in TEXT_FILES} >= {"rees-review.xml", "registers.xml"}


# --------------------------------------------------------------------------
# A subset of tei_all


@needs_jing
@needs_tei_all
def test_the_profile_accepts_nothing_tei_all_rejects(tmp_path):
    """Fixtures and generated documents valid against the profile are valid against tei_all."""
    sampler = Sampler(parse_file(GRAMMAR), seed=20260101)
    names = sorted(sampler.inside)
    generated = []
    for name in names:
        document = sampler.document(name)
        assert grammar_errors(document) == [], f"the sampler made an invalid document for {name}"
        path = tmp_path / f"{name}.xml"
        document.write(str(path), encoding="utf-8", xml_declaration=True)
        generated.append(path)
    assert sampler.elements_seen == set(names)

    fixtures = VALID + FIRING
    errors = jing_errors(TEI_ALL, fixtures + generated)
    rejected = {path.name: lines[:3] for path, lines in errors.items() if lines}
    assert rejected == {}, "valid against the profile, invalid against tei_all"


@needs_jing
def test_jing_and_lxml_agree_on_the_profile():
    """The grammar means the same to Jing as to libxml2 (no reliance on either's quirks)."""
    fixtures = VALID + FIRING + INVALID
    errors = jing_errors(GRAMMAR, fixtures)
    disagree = [path.name for path in fixtures if bool(errors[path]) != bool(grammar_errors(parse_file(path)))]
    assert disagree == []


@needs_jing
@needs_tei_all
@needs_maechte
def test_the_profile_covers_the_maechtekongresse_editions():
    """Each of the 113 editions gets the same verdict from the profile as from tei_all.

    They use rich transcription markup (add/del/subst, metamark, addSpan,
    undo, app/lem/rdg, handNote, msDesc, ...); 15 of them are invalid TEI.
    """
    editions = sorted((MAECHTE / "editions").glob("*.xml"))
    assert len(editions) == 113
    tei_all = jing_errors(TEI_ALL, editions)
    profile = {path: grammar_errors(parse_file(path)) for path in editions}
    wider = [path.name for path in editions if profile[path] and not tei_all[path]]
    narrower = [path.name for path in editions if tei_all[path] and not profile[path]]
    assert (wider, narrower) == ([], [])
    assert sum(not errors for errors in profile.values()) == 98


# --------------------------------------------------------------------------
# Generating documents from the grammar

# One valid lexical value per (datatype, pattern facet) the profile uses; a
# datatype added to the grammar makes the sampler fail loudly, not guess.
SAMPLE_VALUES = {
    ("string", None): "abc",
    ("token", None): "tok",
    ("token", r"[^\p{C}\p{Z}]+"): "word",
    ("token", r"[\d]+(\.[\d]+){0,2}"): "4.11.0",
    ("token", r"[\d]+[a-z]*[\d]*(\.[\d]+[a-z]*[\d]*){0,3}"): "2.15.0",
    ("token", r"[a-z][a-z0-9\+\.\-]*"): "psn",
    ("token", r"(\-?[\d]+/\-?[\d]+)"): "1/2",
    ("token", r"(-?[0-9]+(\.[0-9]+)?,-?[0-9]+(\.[0-9]+)?)"): "10,20.5",
    ("token", r"[\-+]?\d+(\.\d+)?(%|cm|mm|in|pt|pc|px|em|ex|ch|rem|vw|vh|vmin|vmax)"): "12.5px",
    ("anyURI", r"\S+"): "#x",
    ("Name", None): "persName",
    ("NCName", None): "Name",
    ("language", None): "de",
    ("nonNegativeInteger", None): "3",
    ("double", None): "0.5",
    ("decimal", None): "1.25",
    ("boolean", None): "true",
    ("date", None): "1815-11-20",
    ("gYear", None): "-0044",
    ("gMonth", None): "--11",
    ("gDay", None): "---20",
    ("gYearMonth", None): "1815-11",
    ("gMonthDay", None): "--11-20",
    ("time", None): "10:30:00",
    ("dateTime", None): "1815-11-20T10:30:00",
}


class Sampler:
    """Random documents from a RELAX NG grammar in XML syntax (the patterns the profile uses).

    ``document(target)`` returns a document that contains an element named
    ``target``: at every choice on the way it takes a branch from which that
    element is nearest.  Elsewhere it expands optional and repeated patterns
    at random until a small budget is spent, then takes the cheapest way to
    close the document.  Optional attributes are added at random, preferring
    ones not generated yet on that element.
    """

    # libxml2 needs time exponential in the number of optional attributes
    # present on one element (17 take minutes); documents carry a handful.
    MAX_ATTRIBUTES = 5
    BUDGET = 15  # elements expanded at random per document

    def __init__(self, grammar, seed: int):
        self.rand = random.Random(seed)
        root = grammar.getroot()
        self._nodes = list(root.iter())  # keeps each node's proxy, so id() keys stay valid
        self._cache: dict = {}
        self.defines = {d.get("name"): d for d in root.iter(f"{RNG}define")}
        self.start = self.children(root.find(f"{RNG}start"))[0]
        self.elements_seen: set[str] = set()
        self.attributes_seen: set[tuple[str, str]] = set()
        self.costs = self._costs()
        self.generic = self.attribute_names(self.defines["att.global"])
        inside: dict[str, set] = {}
        for element in root.iter(f"{RNG}element"):
            if element.get("name"):
                inside.setdefault(element.get("name"), set()).update(*(self.reach(k) for k in self.children(element)))
        self.inside = inside  # element name -> names of the elements its content allows
        self.parents: dict[str, set] = {}
        for name, kids in inside.items():
            for kid in kids:
                self.parents.setdefault(kid, set()).add(name)

    def children(self, node):
        key = ("children", id(node))
        if key not in self._cache:
            self._cache[key] = [c for c in node if isinstance(c.tag, str) and c.tag.startswith(RNG)
                                and c.tag != f"{RNG}param"]
        return self._cache[key]

    @staticmethod
    def kind(node) -> str:
        return node.tag[len(RNG):]

    # -- what a pattern can produce ------------------------------------------------
    def _cost(self, node, costs) -> float:
        """Fewest elements the pattern can be satisfied with (inf: never)."""
        kind, kids = self.kind(node), self.children(node)
        if kind == "notAllowed":
            return float("inf")
        if kind == "ref":
            return costs.get(node.get("name"), float("inf"))
        if kind == "element":
            return 1 + sum(self._cost(k, costs) for k in kids if self.kind(k) not in ("name", "anyName", "nsName"))
        if kind in ("optional", "zeroOrMore") or kind in ("text", "empty", "data", "value", "list", "attribute"):
            return 0
        if kind == "choice":
            return min(self._cost(k, costs) for k in kids)
        return sum(self._cost(k, costs) for k in kids)

    def _costs(self) -> dict:
        costs: dict = {}
        changed = True
        while changed:
            changed = False
            for name, define in self.defines.items():
                cost = sum(self._cost(k, costs) for k in self.children(define))
                if costs.get(name) != cost:
                    costs[name], changed = cost, True
        return costs

    def cost(self, node) -> float:
        key = ("cost", id(node))
        if key not in self._cache:
            self._cache[key] = self._cost(node, self.costs)
        return self._cache[key]

    def reach(self, node) -> frozenset:
        """Element names the pattern can produce as its own children."""
        key = ("reach", id(node))
        if key not in self._cache:
            self._cache[key] = frozenset()  # a loop adds nothing new
            if self.kind(node) == "element":
                found = {node.get("name")}
            elif self.kind(node) == "ref":
                found = set(self.reach(self.defines[node.get("name")]))
            else:
                found = set().union(*(self.reach(k) for k in self.children(node))) if self.children(node) else set()
            self._cache[key] = frozenset(found)
        return self._cache[key]

    def attribute_names(self, node) -> frozenset:
        """Attribute names the pattern can put on the element it is in."""
        key = ("attributes", id(node))
        if key not in self._cache:
            self._cache[key] = frozenset()
            names: set = set()
            for k in self.children(node):
                if self.kind(k) == "attribute":
                    names.add(k.get("name"))
                elif self.kind(k) == "ref":
                    names |= self.attribute_names(self.defines[k.get("name")])
                elif self.kind(k) != "element":
                    names |= self.attribute_names(k)
            self._cache[key] = frozenset(names)
        return self._cache[key]

    def attributes_only(self, node) -> bool:
        return bool(self.attribute_names(node)) and not self.reach(node)

    def fresh_attributes(self, node, element: str) -> set:
        names = self.attribute_names(node)
        specific = {(element, a) for a in names - self.generic}
        generic = {("*", a) for a in names & self.generic}
        return (specific | generic) - self.attributes_seen

    def distance(self, node):
        """Element nesting levels from node's pattern to the target (None: unreachable)."""
        key = id(node)
        if key not in self.distances:
            self.distances[key] = min((self.dist[n] for n in self.reach(node) if n in self.dist), default=None)
        return self.distances[key]

    # -- generating -----------------------------------------------------------------
    def document(self, target: str):
        self.dist, queue = {target: 0}, [target]
        for name in queue:  # breadth first, from the target up to its ancestors
            for parent in self.parents.get(name, ()):
                if parent not in self.dist:
                    self.dist[parent] = self.dist[name] + 1
                    queue.append(parent)
        self.pending, self.budget, self.ids, self.distances = target, self.BUDGET, 0, {}
        holder = etree.Element("holder")
        self.generate(self.start, holder, 0, steer=True)
        assert self.pending is None, f"no document with {target} was generated"
        return etree.ElementTree(holder[0])

    def generate(self, node, parent, depth: int, steer: bool = False) -> None:
        kind, kids = self.kind(node), self.children(node)
        steer = steer and self.pending is not None
        minimal = not steer and (self.budget <= 0 or depth > 8)
        if kind == "element":
            if node.get("name") is None:  # anyName: an element of another vocabulary
                etree.SubElement(parent, "{http://purl.org/dc/elements/1.1/}title").text = "title"
                return
            element = etree.SubElement(parent, f"{{{TEI_NS}}}{node.get('name')}")
            self.elements_seen.add(node.get("name"))
            self.budget -= 1
            if node.get("name") == self.pending:
                self.pending = None
            self.sequence([k for k in kids if self.kind(k) != "name"], element, depth + 1, steer)
        elif kind == "attribute":
            name = node.get("name")
            element = etree.QName(parent).localname
            self.attributes_seen.update({(element, name), ("*", name)})
            if name.startswith("xml:"):
                name = f"{{http://www.w3.org/XML/1998/namespace}}{name[4:]}"
            parent.set(name, self.value(kids[0]) if kids else "free text")
        elif kind == "text":
            if self.rand.random() < 0.5:
                self.add_text(parent, "text ")
        elif kind in ("data", "value", "list"):
            self.add_text(parent, self.value(node))
        elif kind in ("ref", "group", "define"):
            self.sequence(self.children(self.defines[node.get("name")]) if kind == "ref" else kids, parent, depth, steer)
        elif kind == "optional":
            if self.attributes_only(node):
                chance = 0.95 if self.fresh_attributes(node, etree.QName(parent).localname) else 0.05
                if len(parent.attrib) < self.MAX_ATTRIBUTES and self.rand.random() < chance:
                    self.sequence(kids, parent, depth, False)
            elif steer or (not minimal and self.rand.random() < 0.5):
                self.sequence(kids, parent, depth, steer)
        elif kind in ("zeroOrMore", "oneOrMore"):
            times = (1 if kind == "oneOrMore" else 0) if minimal else self.rand.randint(kind == "oneOrMore", 2)
            for time in range(max(times, 1) if steer else times):
                self.sequence(kids, parent, depth, steer and time == 0)
        elif kind == "choice":
            options = [k for k in kids if self.cost(k) != float("inf")]
            if steer and any(self.distance(k) is not None for k in options):
                best = min(self.distance(k) for k in options if self.distance(k) is not None)
                options = [k for k in options if self.distance(k) == best]
            elif all(self.attributes_only(k) or self.kind(k) == "empty" for k in options):
                fresh = [k for k in options if self.fresh_attributes(k, etree.QName(parent).localname)]
                options = fresh if fresh and self.rand.random() < 0.9 else options
            elif minimal:
                options = [k for k in options if self.cost(k) == min(self.cost(o) for o in options)]
            else:
                fresh = [k for k in options if self.reach(k) - self.elements_seen]
                options = fresh if fresh and self.rand.random() < 0.7 else options
            self.generate(self.rand.choice(options), parent, depth, steer)
        elif kind in ("empty",):
            pass
        else:
            raise AssertionError(f"the sampler cannot generate <{kind}>")

    def sequence(self, nodes, parent, depth: int, steer: bool) -> None:
        """A group: only the member nearest to the target is steered towards it."""
        steered = None
        if steer and self.pending is not None:
            near = [(self.distance(k), i) for i, k in enumerate(nodes) if self.distance(k) is not None]
            steered = min(near)[1] if near else None
        for i, node in enumerate(nodes):
            self.generate(node, parent, depth, i == steered)

    def value(self, node) -> str:
        kind = self.kind(node)
        if kind == "value":
            return node.text or ""
        if kind == "data":
            if node.get("type") == "ID":
                self.ids += 1
                return f"id{self.ids}"
            pattern = next((p.text for p in node.iter(f"{RNG}param") if p.get("name") == "pattern"), None)
            return SAMPLE_VALUES[(node.get("type"), pattern)]
        if kind == "choice":
            return self.value(self.rand.choice(self.children(node)))
        if kind == "ref":
            return self.value(self.children(self.defines[node.get("name")])[0])
        if kind == "list":
            tokens: list[str] = []
            self.tokens(node, tokens)
            return " ".join(tokens)
        if kind == "text":
            return "free text"
        raise AssertionError(f"the sampler cannot make a value for <{kind}>")

    def tokens(self, node, out: list) -> None:
        for k in self.children(node):
            kind = self.kind(k)
            if kind in ("oneOrMore", "zeroOrMore", "optional"):
                low = 1 if kind == "oneOrMore" else 0
                for _ in range(self.rand.randint(low, 1 if kind == "optional" else 2)):
                    self.tokens(k, out)
            elif kind == "group":
                self.tokens(k, out)
            elif value := self.value(k):
                out.append(value)

    @staticmethod
    def add_text(parent, text: str) -> None:
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text
