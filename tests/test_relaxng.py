"""The RELAX NG engine: simplification, verdict-preserving pruning, positions, wording, caches.

Small inline schemas keep these fast; the tei_all tests compare with Jing
where Java and ../shared exist (one Jing process per test, for all files).
"""

from __future__ import annotations

import os
import random
import re
import sys
from pathlib import Path

import pytest
from lxml import etree

from conftest import MAECHTE, TEI_ALL, needs_jing, needs_maechte, needs_tei_all, run_jing
from tei_edition import relaxng
from tei_edition.diagnostics import Severity
from tei_edition.errors import InputProblem
from tei_edition.parsing import parse_bytes
from tei_edition.relaxng import XSD, RelaxNG
from tei_edition.rng import emit, simplify
from tei_edition.rng import grammar as grammar_module
from tei_edition.rng.vocabulary import Vocabulary

RNG = "http://relaxng.org/ns/structure/1.0"
XSD_TYPES = "http://www.w3.org/2001/XMLSchema-datatypes"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TEI_EDITION_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def grammar(body: str, **attributes) -> str:
    extra = "".join(f' {k}="{v}"' for k, v in attributes.items())
    return f'<grammar xmlns="{RNG}" datatypeLibrary="{XSD_TYPES}"{extra}>{body}</grammar>'


def load(tmp_path, text: str, name: str = "schema.rng") -> RelaxNG:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return RelaxNG.load(path)


def check(schema, text: str, name: str = "doc.xml") -> list:
    data = text.encode("utf-8")
    return schema.validate(parse_bytes(data, name), source=data)


def lines(found) -> list[str]:
    return [f"{d.line}:{d.column}: {d.message}" for d in found]


# -- loading ---------------------------------------------------------------------
def test_missing_schema_is_an_input_problem(tmp_path):
    with pytest.raises(InputProblem, match="schema not found"):
        RelaxNG.load(tmp_path / "nope.rng")


@pytest.mark.parametrize(
    "text, words",
    [
        ("this is not xml", "not XML"),
        ("<schema/>", "not a RELAX NG schema"),
        (grammar("<start><ref name='missing'/></start>"), "undefined pattern 'missing'"),
        (grammar("<define name='a'><empty/></define>"), "no <start>"),
        (grammar("<start><element name='a'><bogus/></element></start>"), "<bogus> is not a pattern"),
        (grammar("<start><element name='a'><empty/></element></start><start><empty/></start>"),
         "start is defined more than once"),
    ],
)
def test_unusable_schemas_are_input_problems(tmp_path, text, words):
    with pytest.raises(InputProblem) as caught:
        load(tmp_path, text)
    assert words in str(caught.value) or (words == "not XML" and "no start tag" in str(caught.value))


def test_compact_syntax_gets_a_hint(tmp_path):
    with pytest.raises(InputProblem, match="compact syntax"):
        load(tmp_path, "element a { empty }", "schema.rnc")


def test_repeated_loads_share_one_object(tmp_path):
    text = grammar("<start><element name='a'><text/></element></start>")
    assert load(tmp_path, text) is RelaxNG.load(tmp_path / "schema.rng")


def test_the_simplified_grammar_is_kept_on_disk(tmp_path, private_cache):
    first = load(tmp_path, grammar("<start><element name='a'><optional><attribute name='n'/></optional><text/></element></start>"))
    assert check(first, "<a n='1'>x</a>") == []
    assert list(private_cache.rglob("*")), "nothing cached"
    relaxng._LOADED.clear()
    second = RelaxNG.load(tmp_path / "schema.rng")
    assert second is not first and second._grammar is None  # not even unmarshalled yet
    assert check(second, "<a n='1'>x</a>") == []
    assert lines(check(second, "<a m='1'>x</a>")) == ["1:4: attribute @m is not allowed on <a>"]


def test_an_unwritable_cache_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("TEI_EDITION_CACHE", str(blocker / "cache"))
    schema = load(tmp_path, grammar("<start><element name='a'><text/></element></start>"))
    assert check(schema, "<a>x</a>") == []


def test_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("TEI_EDITION_CACHE", "off")
    schema = load(tmp_path, grammar("<start><element name='a'><text/></element></start>"))
    assert check(schema, "<a>x</a>") == [] and not (tmp_path / "cache").exists()


def test_include_overrides_and_combine(tmp_path):
    (tmp_path / "base.rng").write_text(grammar(
        "<start><element name='doc'><ref name='body'/><zeroOrMore><ref name='extra'/></zeroOrMore></element></start>"
        "<define name='body'><element name='old'><empty/></element></define>"
        "<define name='extra'><element name='x'><empty/></element></define>"
    ))
    schema = load(tmp_path, grammar(
        "<include href='base.rng'><define name='body'><element name='new'><empty/></element></define></include>"
        "<define name='extra' combine='choice'><element name='y'><empty/></element></define>"
    ))
    assert check(schema, "<doc><new/><x/><y/></doc>") == []
    assert check(schema, "<doc><old/></doc>") != []


def test_external_ref_nested_grammar_parent_ref_and_namespaces(tmp_path):
    (tmp_path / "part.rng").write_text(f'<element xmlns="{RNG}" name="part"><text/></element>')
    schema = load(tmp_path, grammar(
        "<start><element name='doc'><externalRef href='part.rng'/><ref name='inner'/></element></start>"
        "<define name='item'><element name='item'><empty/></element></define>"
        "<define name='inner'><grammar><start><element name='wrap' ns='urn:other'><parentRef name='item'/>"
        "<ref name='item'/></element></start><define name='item'><element name='local'><empty/></element></define>"
        "</grammar></define>",
        ns="urn:t",
    ))
    # ns is inherited from the enclosing element in the file, so <local> (defined
    # outside <wrap>) is in urn:t like <doc>, while <wrap> is in urn:other
    ok = "<doc xmlns='urn:t'><part>p</part><o:wrap xmlns:o='urn:other'><item/><local/></o:wrap></doc>"
    assert check(schema, ok) == []
    assert check(schema, ok.replace("<local/>", "<o:local/>")) != []


def test_include_loop_is_reported(tmp_path):
    (tmp_path / "a.rng").write_text(grammar("<include href='schema.rng'/>"))
    with pytest.raises(InputProblem, match="includes itself"):
        load(tmp_path, grammar("<include href='a.rng'/><start><empty/></start>"))


def test_schemas_are_never_fetched(tmp_path):
    with pytest.raises(InputProblem, match="never fetches"):
        load(tmp_path, grammar("<start><externalRef href='https://example.org/x.rng'/></start>"))


# -- pruning keeps the verdicts ----------------------------------------------------
TRICKY = grammar(
    """
  <start><choice><ref name="doc"/><ref name="bundle"/></choice></start>
  <define name="doc"><element name="doc">
    <optional><attribute name="id"><data type="ID"/></attribute></optional>
    <ref name="head"/><zeroOrMore><ref name="block"/></zeroOrMore><optional><ref name="back"/></optional>
  </element></define>
  <define name="bundle"><element name="bundle"><oneOrMore><ref name="doc"/></oneOrMore></element></define>
  <define name="head"><element name="head"><interleave>
    <element name="title"><text/></element>
    <optional><element name="date"><attribute name="when"><choice><data type="date"/><data type="gYear"/></choice>
      </attribute><empty/></element></optional>
    <zeroOrMore><element name="note"><ref name="inline"/></element></zeroOrMore>
  </interleave></element></define>
  <define name="block"><choice><ref name="p"/><ref name="list"/><ref name="div"/><ref name="foreign"/><notAllowed/>
    </choice></define>
  <define name="p"><element name="p"><ref name="att.rend"/><ref name="inline"/></element></define>
  <define name="inline"><mixed><zeroOrMore><choice>
    <ref name="hi"/><element name="lb"><empty/></element><ref name="num"/>
    <element name="note"><oneOrMore><ref name="block"/></oneOrMore></element>
  </choice></zeroOrMore></mixed></define>
  <define name="hi"><element name="hi"><attribute name="rend"><choice><value>b</value><value>i</value></choice>
    </attribute><ref name="inline"/></element></define>
  <define name="num"><element name="num"><optional><attribute name="type"><list><oneOrMore>
    <choice><value>a</value><value>b</value></choice></oneOrMore></list></attribute></optional>
    <data type="integer"><param name="minInclusive">0</param></data></element></define>
  <define name="att.rend">
    <optional><attribute name="rend"><data type="token"><param name="pattern">[a-z]+</param></data></attribute>
    </optional>
    <zeroOrMore><attribute><anyName><except><nsName ns=""/><nsName ns="urn:t"/></except></anyName></attribute>
    </zeroOrMore>
  </define>
  <define name="list"><element name="list"><choice>
    <group><attribute name="type"><value>ordered</value></attribute><oneOrMore><ref name="item"/></oneOrMore></group>
    <oneOrMore><ref name="item"/></oneOrMore>
  </choice></element></define>
  <define name="item"><element name="item"><ref name="inline"/></element></define>
  <define name="div"><element name="div"><optional><element name="head"><text/></element></optional>
    <oneOrMore><ref name="block"/></oneOrMore></element></define>
  <define name="foreign"><element><anyName><except><nsName/><nsName ns=""/></except></anyName>
    <zeroOrMore><attribute><anyName/></attribute></zeroOrMore>
    <zeroOrMore><choice><text/><ref name="foreignChild"/></choice></zeroOrMore></element></define>
  <define name="foreignChild"><element><nsName ns="urn:x"/>
    <zeroOrMore><choice><text/><ref name="foreignChild"/></choice></zeroOrMore></element></define>
  <define name="back"><element name="back"><choice><ref name="p"/>
    <element><name ns="urn:x">ext</name><empty/></element></choice></element></define>
""",
    ns="urn:t",
)

_NAMES = ["doc", "bundle", "head", "title", "date", "note", "p", "hi", "lb", "num", "list", "item", "div", "back",
          "{urn:x}ext", "{urn:x}w", "{urn:y}z", "stray"]
_ATTRIBUTES = ["id", "rend", "when", "type", "{urn:x}a", "{urn:t}b", "other"]
_VALUES = {"ID": None, "integer": "7", "date": "2024-02-29", "gYear": "1815", "token": "bold", "string": "s"}


class _Generator:
    """Random documents drawn from a grammar (valid in most cases), and mutants of them."""

    def __init__(self, parsed: simplify.Grammar, seed: int):
        self.grammar = parsed
        self.random = random.Random(seed)
        self.ids = 0

    def document(self) -> etree._Element:
        for _ in range(50):
            try:
                holder: list = []
                self._fill(self.grammar.start, 0, {}, holder)
                roots = [item for item in holder if not isinstance(item, str)]
                if roots:
                    return roots[0]
            except RecursionError:
                continue
        raise AssertionError("no document generated")

    def _name(self, nc) -> str:
        if nc[0] == "name":
            return f"{{{nc[1]}}}{nc[2]}" if nc[1] else nc[2]
        if nc[0] == "choice":
            return self._name(self.random.choice(nc[1]))
        if nc[0] == "nsName":
            return f"{{{nc[1]}}}w" if nc[1] else "w"
        return self.random.choice(["{urn:x}w", "{urn:y}z"])

    def _value(self, p) -> str:
        kind = p[0]
        if kind == "value":
            return p[4]
        if kind == "data":
            if p[2] == "ID":
                self.ids += 1
                return f"i{self.ids}"
            return _VALUES.get(p[2], "v")
        if kind == "choice":
            return self._value(self.random.choice(p[1]))
        if kind == "list":
            return " ".join(self._value(p[1]) for _ in range(self.random.randint(1, 2)))
        if kind in ("oneOrMore", "zeroOrMore", "optional"):
            return self._value(p[1])
        if kind == "ref":
            return self._value(self.grammar.defines[p[1]])
        return "t"

    def _fill(self, p, depth, attributes, content) -> None:
        kind, rnd = p[0], self.random
        if depth > 7:
            raise RecursionError
        if kind == "ref":
            self._fill(self.grammar.defines[p[1]], depth, attributes, content)
        elif kind == "element":
            element = etree.Element(self._name(p[1]))
            inner_attributes: dict = {}
            inner: list = []
            self._fill(p[2], depth + 1, inner_attributes, inner)
            for key, value in inner_attributes.items():
                element.set(key, value)
            last = None
            for item in inner:
                if isinstance(item, str):
                    if last is None:
                        element.text = (element.text or "") + item
                    else:
                        last.tail = (last.tail or "") + item
                else:
                    element.append(item)
                    last = item
            content.append(element)
        elif kind == "attribute":
            attributes[self._name(p[1])] = self._value(p[2])
        elif kind == "text":
            if rnd.random() < 0.5:
                content.append(rnd.choice(["word", "two words"]))
        elif kind in ("data", "value", "list"):
            content.append(self._value(p))
        elif kind in ("group", "interleave"):
            for child in p[1]:
                self._fill(child, depth, attributes, content)
        elif kind == "choice":
            self._fill(rnd.choice(p[1]), depth, attributes, content)
        elif kind == "optional":
            if rnd.random() < 0.6:
                self._fill(p[1], depth, attributes, content)
        elif kind in ("zeroOrMore", "oneOrMore"):
            for _ in range(rnd.randint(0 if kind == "zeroOrMore" else 1, 2)):
                self._fill(p[1], depth, attributes, content)
        elif kind == "mixed":
            content.append("mixed ")
            self._fill(p[1], depth, attributes, content)
        elif kind == "notAllowed":
            raise RecursionError

    def mutants(self, root, count: int):
        for _ in range(count):
            copy = etree.fromstring(etree.tostring(root))
            elements = list(copy.iter())
            target = self.random.choice(elements)
            move = self.random.randrange(7)
            if move == 0:
                target.tag = self.random.choice(_NAMES)
            elif move == 1 and target.getparent() is not None:
                target.getparent().remove(target)
            elif move == 2 and target.getparent() is not None:
                target.addnext(etree.fromstring(etree.tostring(target)))
            elif move == 3:
                target.set(self.random.choice(_ATTRIBUTES), self.random.choice(["b", "x y", "3", "2024-13-01"]))
            elif move == 4 and target.attrib:
                del target.attrib[self.random.choice(list(target.attrib))]
            elif move == 5:
                target.text = (target.text or "") + "stray text"
            else:
                other = self.random.choice(elements)
                if target.getparent() is not None and other is not target and target not in other.iterancestors():
                    other.append(target)
            yield copy


def _documents(parsed, seed, count=40, mutants=5):
    generator = _Generator(parsed, seed)
    for _ in range(count):
        root = generator.document()
        yield root
        yield from generator.mutants(root, mutants)


def _full(parsed) -> etree.RelaxNG:
    """libxml2 with the whole grammar, unpruned: the reference for pruning."""
    return etree.RelaxNG(etree.fromstring(emit.write(parsed.start, parsed.defines)))


_NO_SPACE = f"<data type='anyURI' datatypeLibrary='{XSD_TYPES}'><param name='pattern'>\\S+</param></data>"
_POINTERS = grammar(
    "<start><element name='doc'>"
    f"<optional><attribute name='refs'><list><oneOrMore>{_NO_SPACE}</oneOrMore></list></attribute></optional>"
    f"<optional><attribute name='one'>{_NO_SPACE}</attribute></optional>"
    f"<optional><attribute name='raw'>{_NO_SPACE.replace('anyURI', 'string')}</attribute></optional>"
    "<empty/></element></start>"
)
# Attribute values (as written in the document) and their tokens, split at XML whitespace only.
_POINTER_VALUES = ["a", " a  b ", "", " ", "a b", "a&#9;b", "a&#10;b", "a&#13;b", "a\u00a0b", "\u2003",
                   "a\u0085b", "#x #y", " #h1 ", "&#9;#h1&#10;", "http://example.org/a%20b"]


def _tokens(value: str) -> list[str]:
    for reference, character in (("&#9;", "\t"), ("&#10;", "\n"), ("&#13;", "\r")):
        value = value.replace(reference, character)
    return [token for token in re.split("[ \t\n\r]+", value) if token]


def test_a_no_whitespace_pattern_means_one_token_or_nothing_inside_a_list(tmp_path):
    """emit's rewrites of ``pattern \\S+``: left out in a list, one-token list elsewhere (as the specs read)."""
    schema = load(tmp_path, _POINTERS)
    assert emit.write(schema.grammar.start, schema.grammar.defines).count(b"<param ") == 1, "kept on a string"
    for value in _POINTER_VALUES:
        tokens = _tokens(value)
        assert (check(schema, f"<doc refs='{value}'/>") == []) == (len(tokens) >= 1), value
        assert (check(schema, f"<doc one='{value}'/>") == []) == (len(tokens) == 1), value
        # a string keeps its whitespace: the pattern sees the value as written
        assert (check(schema, f"<doc raw='{value}'/>") == []) == (len(tokens) == 1 and tokens[0] == value), value
    found = check(schema, "<doc one='a b'/>")
    assert [d.message for d in found] == ['invalid value "a b" for @one on <doc>; expected a URI matching \\S+']


_WORD = grammar(
    f"<start><element name='doc'><attribute name='type'><data type='token' datatypeLibrary='{XSD_TYPES}'>"
    "<param name='pattern'>[^\\p{C}\\p{Z}]+</param></data></attribute><empty/></element></start>"
)
# name -> (character, Jing's verdict on type="x<character>y")
_WORD_CHARACTERS = {
    "nbsp": ("\u00a0", False), "ideographic-space": ("\u3000", False), "line-separator": ("\u2028", False),
    "soft-hyphen": ("\u00ad", True), "zero-width-space": ("\u200b", True), "next-line": ("\u0085", True),
    "delete": ("\x7f", True), "private-use": ("\ue000", True), "right-to-left-mark": ("\u200f", True),
    "a-umlaut": ("\u00e4", True),
}


def test_teis_word_pattern_is_read_as_jing_reads_it(tmp_path):
    """[^\\p{C}\\p{Z}]+ (teidata.word: @type, @rend ...) as Jing applies it: only separators are refused."""
    schema = load(tmp_path, _WORD)
    for name, (character, valid) in _WORD_CHARACTERS.items():
        assert (check(schema, f"<doc type='x{character}y'/>") == []) is valid, name


@needs_jing
def test_teis_word_pattern_gets_jings_verdicts(tmp_path):
    load(tmp_path, _WORD)
    paths = _documents_in(tmp_path, {f"{name}.xml": f"<doc type='x{character}y'/>"
                                     for name, (character, _valid) in _WORD_CHARACTERS.items()})
    jing_invalid = {Path(name).stem for name in _jing_invalid(tmp_path / "schema.rng", paths)}
    assert jing_invalid == {name for name, (_c, valid) in _WORD_CHARACTERS.items() if not valid}


def test_teis_word_pattern_is_tried_as_an_nmtoken_first(tmp_path):
    schema = load(tmp_path, _WORD)
    written = emit.write(schema.grammar.start, schema.grammar.defines)
    assert b'<choice><data datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes" type="NMTOKEN">' in written
    # the same verdicts with and without the NMTOKEN shortcut (which checks "#x", "a:b" ... by the pattern)
    for value in ["italic", " italic ", "#x", "a:b", "x.y-z", "ä", "1", "", "  ", "a b", "a\u00a0b", "\u3000", "a\tb"]:
        expected = re.fullmatch(r"[^\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+", value.strip(" \t"))
        assert (check(schema, f"<doc type='{value}'/>") == []) is bool(expected), repr(value)


def test_nmtoken_takes_no_character_the_word_pattern_refuses():
    """A sample of tools/check_word_choice.py (which asks libxml2 about every character, in 10 s):
    every separator, the characters around them, and a stride through all of Unicode."""
    import importlib.util
    import unicodedata

    tool = Path(__file__).resolve().parent.parent / "tools" / "check_word_choice.py"
    spec = importlib.util.spec_from_file_location("check_word_choice", tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    separators = [c for c in range(0x110000) if unicodedata.category(chr(c)).startswith("Z")]
    sample = {n for c in separators for n in (c - 1, c, c + 1)} | {0x9, 0xA, 0xD, 0x85, 0xAD, 0x180E, 0x200B}
    sample |= set(range(0x20, 0x110000, 97))
    allowed = [c for c in sorted(sample) if c in (0x9, 0xA, 0xD) or 0x20 <= c < 0xD800 or 0xE000 <= c < 0xFFFE
               or 0x10000 <= c < 0x110000]
    assert module.taken_by_nmtoken_only(allowed) == []


def test_a_no_whitespace_pattern_inside_an_except_stays_as_it_is(tmp_path):
    """No list may stand in a data's except: the pattern is kept there."""
    schema = load(tmp_path, grammar(
        f"<start><element name='doc'><attribute name='a'><data type='token' datatypeLibrary='{XSD_TYPES}'>"
        f"<except>{_NO_SPACE}</except></data></attribute><empty/></element></start>"
    ))
    assert b"<except><data" in emit.write(schema.grammar.start, schema.grammar.defines)
    assert check(schema, "<doc a='x'/>") and check(schema, "<doc a='x y'/>") == []


@needs_jing
def test_a_no_whitespace_pattern_gets_jings_verdicts(tmp_path):
    """libxml2 alone rejected one=" #h1 " (it applies the pattern before collapsing the value); Jing does not."""
    schema = load(tmp_path, _POINTERS)
    paths = _documents_in(tmp_path, {f"{name}{number:02}.xml": f"<doc {name}='{value}'/>"
                                     for number, value in enumerate(_POINTER_VALUES) for name in ("refs", "one", "raw")})
    jing_invalid = _jing_invalid(tmp_path / "schema.rng", paths)
    ours = schema.validate_files(paths, jobs=1)
    assert {Path(p).name for p, found in ours.items() if found} == jing_invalid
    assert "one12.xml" not in jing_invalid, "the value with spaces around one pointer is valid"


def test_pruning_keeps_libxml2s_verdicts(tmp_path):
    schema = load(tmp_path, TRICKY)
    full = _full(schema.grammar)
    roots = list(_documents(schema.grammar, seed=1))
    verdicts = []
    for root in roots:
        data = etree.tostring(root)
        tree = parse_bytes(data, "doc.xml")
        expected = full.validate(tree)
        verdicts.append(expected)
        assert (check(schema, data.decode()) == []) == expected, data.decode()
    assert 10 < sum(verdicts) < len(verdicts) - 10  # both kinds well represented
    # one grammar for all of them at once (the union of their vocabularies)
    schema.prepare(parse_bytes(etree.tostring(root), "d.xml") for root in roots)
    compiled = len(schema._compiled)
    for root, expected in zip(roots, verdicts):
        assert (check(schema, etree.tostring(root).decode()) == []) == expected
    assert len(schema._compiled) == compiled


@needs_jing
def test_pruning_gives_jings_verdicts(tmp_path):
    schema = load(tmp_path, TRICKY)
    paths = _documents_in(tmp_path, {f"d{number:03}.xml": etree.tostring(root).decode()
                                     for number, root in enumerate(_documents(schema.grammar, seed=2, count=25, mutants=4))})
    ours = schema.validate_files(paths, jobs=1)
    our_invalid = {Path(p).name for p, found in ours.items() if found}
    assert our_invalid == _jing_invalid(tmp_path / "schema.rng", paths)


def test_a_used_name_in_the_wrong_place_is_still_an_error(tmp_path):
    schema = load(tmp_path, TRICKY)
    # <lb> occurs (inside p), so its pattern is kept, but it is not allowed in <head>
    found = check(schema, "<doc xmlns='urn:t'><head><title>t</title><lb/></head><p>x<lb/></p></doc>")
    assert lines(found) == ["1:42: element <lb> is not allowed in <head> after <title>; "
                            "expected <date> or <note> or the end of <head>"]


def test_same_name_different_content_by_context(tmp_path):
    schema = load(tmp_path, TRICKY)
    # <head> of <doc> holds a title; <head> of <div> holds text only
    assert check(schema, "<doc xmlns='urn:t'><head><title>t</title></head><div><head>h</head><p/></div></doc>") == []
    found = check(schema, "<doc xmlns='urn:t'><head><title>t</title></head><div><head><title>t</title></head><p/></div></doc>")
    assert [d.message for d in found] == ["element <title> is not allowed in <head>; <head> takes only text here"]


def test_wildcards(tmp_path):
    schema = load(tmp_path, TRICKY)
    ok = ("<doc xmlns='urn:t' xmlns:x='urn:x' xmlns:y='urn:y'><head><title>t</title></head>"
          "<y:z x:a='1' b='2'>t<x:w><x:w/></x:w></y:z><p x:a='1'/></doc>")
    assert check(schema, ok) == []
    # a foreign child must be in urn:x; a TEI-namespace attribute is excluded on <p>
    assert check(schema, ok.replace("<x:w/>", "<y:q/>")) != []
    assert [d.message for d in check(schema, ok.replace("<p x:a='1'/>", "<p xmlns:t='urn:t' t:b='1'/>"))] == [
        "attribute @t:b is not allowed on <p>"]


def test_echoes_of_backtracking_are_not_reported(tmp_path):
    """With a wildcard in <doc>'s content libxml2 backtracks; when <p> fails, it also blames <y:z>."""
    schema = load(tmp_path, TRICKY)
    document = ("<doc xmlns='urn:t' xmlns:y='urn:y'><head><title>t</title></head>"
                "<y:z>t</y:z><p>one</p><p rend='NOT lower'>two</p></doc>")
    entries_blame = lines(check(schema, document))
    assert entries_blame == ['1:90: invalid value "NOT lower" for @rend on <p>; expected a token matching [a-z]+']


def test_required_element_that_no_document_uses(tmp_path):
    schema = load(tmp_path, TRICKY)
    found = check(schema, "<bundle xmlns='urn:t'/>")
    assert lines(found) == ["1:1: <bundle> is incomplete: child elements are missing; expected <doc>"]


# -- positions --------------------------------------------------------------------
POSITIONS = grammar(
    "<start><element name='doc'><zeroOrMore><choice>"
    "<element name='p'><optional><attribute name='n'><data type='integer'/></attribute></optional>"
    "<zeroOrMore><choice><text/><element name='hi'><text/></element></choice></zeroOrMore></element>"
    "<element name='pair'><element name='a'><empty/></element><element name='b'><empty/></element></element>"
    "</choice></zeroOrMore></element></start>"
)


@pytest.mark.parametrize(
    "document, expected",
    [
        # Jing's line is where the start tag ends; the column is the "<"
        ("<doc>\n  <p>x</p> <q/>\n</doc>", "2:12: element <q> is not allowed anywhere: the schema does not define it"),
        ("<doc>\n  <p>x</p><p\n     n='x'>y</p>\n</doc>",
         '3:6: invalid value "x" for @n on <p>; expected an integer'),
        ("<doc>\n  <p n='1'\n     m='2'>y</p>\n</doc>", "3:6: attribute @m is not allowed on <p>"),
        # incomplete content: Jing reports the end tag
        ("<doc>\n  <pair>\n    <a/>\n  </pair>\n</doc>",
         "4:3: <pair> is incomplete: a child element is missing; expected <b>"),
        ("<doc>\n  <pair/>\n</doc>", "2:3: <pair> is incomplete: child elements are missing; expected <a>"),
        # text: Jing reports where the run of text ends (the next tag)
        ("<doc>\n  <pair><a/>oops<b/></pair>\n</doc>", '2:13: text "oops" is not allowed in <pair>'),
        ("<doc>\n  <pair><a/>\n  oops\n  <b/></pair>\n</doc>", '4:3: text "oops" is not allowed in <pair>'),
        ("<doc>\n  <p>x<hi>a<hi>b</hi></hi></p>\n</doc>", "2:12: element <hi> is not allowed in <hi>"
                                                        "; <hi> takes only text here"),
        ("<doc>\n  <pair><b/><a/></pair>\n</doc>", "2:9: expected <a> before <b>"),
        ("<!-- <p> in a comment --><doc><p>x<![CDATA[<p>]]></p><?pi <p>?><p>y</p><z/></doc>",
         "1:72: element <z> is not allowed anywhere: the schema does not define it"),
        ("<doc><p>x</p><![CDATA[<p>]]></doc>", '1:14: text "<p>" is not allowed in <doc>'),
        ("<?xml version='1.0'?>\n<!-- hello -->\n<p>x</p>",
         "3:1: element <p> is not allowed as the document element; expected <doc>"),
    ],
)
def test_positions_and_words(tmp_path, document, expected):
    schema = load(tmp_path, POSITIONS)
    assert lines(check(schema, document))[0] == expected


def test_positions_without_source_bytes_read_the_file(tmp_path):
    schema = load(tmp_path, POSITIONS)
    path = tmp_path / "doc.xml"
    path.write_text("<doc>\n  <p>x</p>   <q/>\n</doc>", encoding="utf-8")
    from tei_edition.parsing import parse_file

    found = schema.validate(parse_file(path))
    assert [(d.line, d.column, d.severity, d.rule) for d in found] == [(2, 14, Severity.ERROR, "relaxng")]


def test_an_element_is_validated_as_its_document(tmp_path):
    schema = load(tmp_path, POSITIONS)
    tree = parse_bytes(b"<doc><p>x</p></doc>", "doc.xml")
    assert schema.validate(tree.getroot()) == [] == schema.validate(tree)


def test_columns_count_characters_not_bytes(tmp_path):
    schema = load(tmp_path, POSITIONS)
    found = check(schema, "<doc><p>äöü ∑</p><q/></doc>")
    assert (found[0].line, found[0].column) == (1, 18)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
@pytest.mark.parametrize(
    "document, expected",
    [
        # UTF-8 is read byte for byte: columns still count characters (an astral one is one)
        ("<doc>\n<p>😀 ä€ <hi>x</hi></p> <größe/>\n</doc>", ["2:24: element <größe> is not allowed anywhere"]),
        ("<doc>\n<p>ä</p><p ñ='1'>x</p><p>ü</p><p straße='2'/>\n</doc>",
         ["2:12: attribute @ñ is not allowed on <p>", "2:34: attribute @straße is not allowed on <p>"]),
        ("<doc>\n  <pair><a/>€uro<b/></pair>\n</doc>", ['2:13: text "€uro" is not allowed in <pair>']),
        ("<doc><p>ø</p><größe/><p>å</p><größe n='1'/></doc>",
         ["1:14: element <größe> is not allowed anywhere", "1:30: element <größe> is not allowed anywhere"]),
    ],
)
def test_columns_of_text_beyond_ascii(tmp_path, document, expected, encoding):
    schema = load(tmp_path, POSITIONS)
    data = document.encode(encoding)
    found = schema.validate(parse_bytes(data, "doc.xml"), source=data)
    assert [line[:len(want)] for line, want in zip(lines(found), expected)] == expected


def test_latin1_and_crlf_sources(tmp_path):
    schema = load(tmp_path, POSITIONS)
    data = "<?xml version='1.0' encoding='ISO-8859-1'?>\r\n<doc>\r\n<p>é</p><q/></doc>".encode("latin-1")
    found = schema.validate(parse_bytes(data, "doc.xml"), source=data)
    assert (found[0].line, found[0].column) == (3, 9)


def test_lone_carriage_returns_end_lines(tmp_path):
    # libxml2 does not count these lines, so the tag is not looked for on libxml2's line
    schema = load(tmp_path, POSITIONS)
    data = b"<doc><q/>\r<p>x</p>\r  <q/></doc>"  # for libxml2, both <q/> are on line 1
    found = schema.validate(parse_bytes(data, "doc.xml"), source=data)
    assert [(d.line, d.column) for d in found] == [(1, 6), (3, 3)]


def test_several_tags_of_a_name_ending_on_one_line(tmp_path):
    schema = load(tmp_path, POSITIONS)
    found = check(schema, "<doc>\n<p>a <hi>b</hi> <hi n='1'>c</hi> <hi>d</hi></p>\n</doc>")
    assert lines(found) == ["2:21: attribute @n is not allowed on <hi>"]


def _start_tags_by_line_and_by_number(text: str) -> tuple[int, int]:
    """(elements whose start tag was found from their line, all elements), checking every tag so
    found against the one counted in document order."""
    from tei_edition.rng import positions

    data = text.encode("utf-8")
    tree = parse_bytes(data, "doc.xml")
    source = positions.SourceMap(positions.decode(data, None), lines_agree=True)
    found = 0
    elements = list(tree.getroot().iter(etree.Element))
    for number, element in enumerate(elements):
        on_its_line = source._on_its_line(element)
        if on_its_line is not None:
            found += 1
            assert on_its_line == source.start_offset(number), (number, element.tag, element.sourceline)
    return found, len(elements)


def test_a_prolog_with_markup_in_comments_hides_no_tag(tmp_path):
    # the prolog is blanked whole when nothing after it needs blanking: a "<p>" in its
    # comment or PI must not count as a start tag
    schema = load(tmp_path, POSITIONS)
    text = "<?xml version='1.0'?>\n<!-- <p> -->\n<?pi <q>?>\n<doc><p>x</p>\n<q/><q/></doc>"  # two <q/>: counted
    assert [line[:5] for line in lines(check(schema, text))] == ["5:1: ", "5:5: "]


def test_start_tags_found_from_their_line_are_those_counted():
    text = ("<TEI xmlns='http://www.tei-c.org/ns/1.0' xmlns:x='urn:x'>\n<p>a <hi>b</hi> <hi>c</hi><!-- <p> --></p>\n"
            "<p\n  n='1'\n>d<x:q/><x:q\n/></p><![CDATA[ <p> ]]><p/><?pi <p>?>\n<pb/><pb/><lb/>\n</TEI>")
    # the two <hi> and the two <pb> of a line are counted instead; everything else is found on its line
    assert _start_tags_by_line_and_by_number(text) == (7, 11)


@needs_maechte
def test_start_tags_found_from_their_line_in_the_corpus():
    for path in sorted((MAECHTE / "editions").glob("*.xml"))[::8]:
        found, elements = _start_tags_by_line_and_by_number(path.read_text(encoding="utf-8"))
        assert found > elements / 2, path


# -- wording ---------------------------------------------------------------------------
WORDS = grammar(
    "<start><element name='TEI' ns='urn:t'><optional><attribute name='xml:id'><data type='ID'/></attribute></optional>"
    "<element name='header' ns='urn:t'><element name='title' ns='urn:t'><text/></element>"
    "<element name='date' ns='urn:t'><attribute name='when'><data type='date'/></attribute>"
    "<attribute name='cert'><choice><value>high</value><value>low</value></choice></attribute><empty/></element>"
    "</element><zeroOrMore><element name='p' ns='urn:t'>"
    "<optional><attribute name='xml:id'><data type='ID'/></attribute></optional><text/></element></zeroOrMore>"
    "<optional><element name='num' ns='urn:t'><data type='integer'/></element></optional>"
    "</element></start>"
)
HEAD = "<TEI xmlns='urn:t'><header><title>t</title><date when='2024-01-01' cert='high'/></header>"


@pytest.mark.parametrize(
    "document, expected",
    [
        (HEAD.replace("<title>t</title>", "") + "</TEI>", "expected <title> before <date>"),
        (HEAD.replace(" cert='high'", "") + "</TEI>", "<date> lacks required attribute @cert"),
        (HEAD.replace("high", "maybe") + "</TEI>", 'invalid value "maybe" for @cert on <date>; expected one of "high", "low"'),
        (HEAD.replace("2024-01-01", "1.1.2024") + "</TEI>",
         'invalid value "1.1.2024" for @when on <date>; expected a date (YYYY-MM-DD)'),
        (HEAD + "<p xml:id='a'/><p xml:id='a'/></TEI>", 'duplicate ID "a" in @xml:id (first on line 1)'),
        (HEAD + "<p>x<b/></p></TEI>", "element <b> is not allowed anywhere: the schema does not define it"),
        (HEAD + "<p/><num>x</num></TEI>", 'invalid content "x" in <num>; expected an integer'),
        (HEAD + "<p/><num> </num></TEI>", "<num> is empty; expected an integer"),
        (HEAD + "<x:p xmlns:x='urn:other'/></TEI>",
         'element <x:p> is in namespace "urn:other", but the schema has <p> only in "urn:t"'),
        (HEAD.replace("xmlns='urn:t'", "") + "</TEI>", 'element <TEI> has no namespace; expected xmlns="urn:t"'),
        (HEAD + "<p>a</p>loose</TEI>", 'text "loose" is not allowed in <TEI>'),
        (HEAD.replace("<header>", "<header n='1'>") + "</TEI>", "attribute @n is not allowed on <header>"),
    ],
)
def test_messages_editors_can_act_on(tmp_path, document, expected):
    schema = load(tmp_path, WORDS)
    found = check(schema, document)
    assert found and found[0].message == expected
    assert all(d.rule == "relaxng" and d.severity is Severity.ERROR and d.column >= 1 for d in found)


def test_every_libxml2_error_kind_has_a_rewording():
    from tei_edition.rng import messages

    for kind, (pattern, template) in messages.REWORDINGS.items():
        assert kind.startswith("RELAXNG_ERR_") and re.compile(pattern) and "{" in template or template


_ELEMENTS_ONLY = grammar("<start><element name='doc'><zeroOrMore><element name='p'><empty/></element></zeroOrMore>"
                         "</element></start>")
# Text put where no text may be, after <doc> on line 1 and before "\n\n  <p/>": the line Jing reports.
# Jing reports text where its parser hands it over: at the end of a reference or CDATA section that
# holds it, else at the end of the next piece (pieces end at line ends, references and markup).
_STRAY_TEXT_LINES = {
    "x": 3, "&#160;": 1, "x&#160;": 1, "&#160;x": 1, "&amp;": 1, "<![CDATA[c]]>": 1, "<![CDATA[ ]]>x": 3,
    "a\nb": 2, "a\n\n\nb\n": 4, "  a b\n  c d\n  ": 2, "<!-- c -->x": 3, "x<!-- c -->": 1, "x\n&#160;\n": 2,
    "\u00a0": 3, "\u2003\n": 4,
}


def test_text_where_none_may_be_is_reported_on_jings_line(tmp_path):
    """Also text of characters Python takes for spaces and XML does not (U+00A0, U+2003)."""
    schema = load(tmp_path, _ELEMENTS_ONLY)
    for text, line in _STRAY_TEXT_LINES.items():
        found = check(schema, f"<doc>{text}\n\n  <p/></doc>")
        assert [d.line for d in found][:1] == [line], text
        assert found[0].message.startswith("text"), found[0].message
    assert check(schema, "<doc>\u00a0\n\n  <p/></doc>")[0].message == 'text "<U+00A0>" is not allowed in <doc>'
    assert check(schema, "<doc>&#32;&#x9;\n\n  <p/></doc>") == [], "references to spaces are blank"
    # beside another problem (then libxml2's report is checked against the grammar, by XML's whitespace)
    assert [(d.line, d.message) for d in check(schema, "<doc>\u00a0\n\n  <p/>\n<q/></doc>")] == [
        (3, 'text "<U+00A0>" is not allowed in <doc>'), (4, "element <q> is not allowed anywhere: the schema does not define it")]


@needs_jing
def test_text_where_none_may_be_gets_jings_lines(tmp_path):
    load(tmp_path, _ELEMENTS_ONLY)
    texts = list(_STRAY_TEXT_LINES)
    paths = _documents_in(tmp_path, {f"t{n:02}.xml": f"<doc>{text}\n\n  <p/></doc>" for n, text in enumerate(texts)})
    _, output = run_jing(tmp_path / "schema.rng", *paths)
    assert _jing_first_errors(output) == {f"t{n:02}.xml": _STRAY_TEXT_LINES[text] for n, text in enumerate(texts)}


_NAMESPACED = grammar("<start><element name='doc' ns='urn:x'><zeroOrMore><element name='p' ns='urn:x'><text/></element>"
                      "</zeroOrMore></element></start>")
# (An xmlns="" inside an entity's text Jing ignores; tei-edition follows XML Namespaces there:
# tests/test_parsing.py.)
_ENTITY_DOCUMENTS = {
    "markup.xml": ("<!DOCTYPE doc [<!ENTITY two '<p>a</p><p>b</p>'>]>\n<doc xmlns='urn:x'>&two;</doc>", True),
    "misplaced.xml": ("<!DOCTYPE doc [<!ENTITY two '<p>a<p>b</p></p>'>]>\n<doc xmlns='urn:x'>&two;</doc>", False),
}


def test_elements_of_an_entity_are_judged_in_the_namespace_where_it_is_used(tmp_path):
    schema = load(tmp_path, _NAMESPACED)
    for name, (text, valid) in _ENTITY_DOCUMENTS.items():
        assert (check(schema, text) == []) is valid, name


@needs_jing
def test_elements_of_an_entity_get_jings_verdicts(tmp_path):
    load(tmp_path, _NAMESPACED)
    paths = _documents_in(tmp_path, {name: text for name, (text, _valid) in _ENTITY_DOCUMENTS.items()})
    for path in paths:  # one at a time: Jing places errors inside an entity in "(unknown file)"
        status, _output = run_jing(tmp_path / "schema.rng", path)
        assert (status == 0) is _ENTITY_DOCUMENTS[path.name][1], path.name


_BACKTRACKING = grammar(
    "<start><element name='doc'><zeroOrMore><choice><element name='a'><optional><attribute name='n'>"
    "<data type='integer'/></attribute></optional><zeroOrMore><element name='b'><empty/></element></zeroOrMore>"
    "</element><element name='c'><empty/></element></choice></zeroOrMore></element></start>"
)
_BAD_VALUE_AND_CONTENT = '<doc>\n<a n="x">\n<b/>\n<z/>\n</a>\n</doc>'


def test_a_bad_value_is_reported_when_the_content_fails_too(tmp_path):
    """libxml2 drops the attribute errors of an element whose content failed where its parent's
    model backtracks; Jing reports both, the attribute first."""
    found = check(load(tmp_path, _BACKTRACKING), _BAD_VALUE_AND_CONTENT)
    assert [(d.line, d.message) for d in found] == [
        (2, 'invalid value "x" for @n on <a>; expected an integer'),
        (4, "element <z> is not allowed anywhere: the schema does not define it"),
    ]


@needs_jing
def test_a_bad_value_with_failing_content_gets_jings_lines(tmp_path):
    load(tmp_path, _BACKTRACKING)
    (path,) = _documents_in(tmp_path, {"d.xml": _BAD_VALUE_AND_CONTENT})
    _, output = run_jing(tmp_path / "schema.rng", path)
    assert [int(line) for line in re.findall(r"^.+?\.xml:(\d+):\d+: error", output, re.M)] == [2, 4]


class _Entry:
    """A libxml2 error log entry, as messages.problems reads one."""

    def __init__(self, type_name: str, path: str, line: int, message: str):
        self.type_name, self.path, self.line, self.message = type_name, path, line, message
        self.column, self.level_name, self.domain_name = 0, "ERROR", "RELAXNGV"


def test_the_words_do_not_depend_on_which_element_libxml2_blames():
    """libxml2 names the child that does not fit, or (as it backtracked, which depends on the grammar
    pruned for all the files validated together) its parent's sibling: the same problems either way,
    the offending element's own content included."""
    from tei_edition.rng import messages

    from tei_edition import resources

    schema = RelaxNG.load(resources.schema("tei_edition.rng"))
    text = (
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>'
        "<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>"
        "<text><body><p><persName><forename>Friedrich</forename>\n<surname>Gentz<list>new</list></surname>"
        "</persName></p></body></text></TEI>"
    )
    tree = parse_bytes(text.encode(), "doc.xml")
    listed = next(tree.getroot().iter("{http://www.tei-c.org/ns/1.0}list"))
    forename = next(tree.getroot().iter("{http://www.tei-c.org/ns/1.0}forename"))
    child_blamed = [_Entry("RELAXNG_ERR_ELEMWRONG", tree.getpath(listed), 2, "Did not expect element list there")]
    sibling_blamed = [_Entry("RELAXNG_ERR_EXTRACONTENT", tree.getpath(forename), 1,
                             "Element persName has extra content: forename")]

    def words(entries):
        return sorted((p.element.sourceline, p.where, str(p.message) if isinstance(p.message, str) else p.message())
                      for p in messages.problems(entries, tree, schema.expectations))

    found = words(child_blamed)
    assert found == [
        (2, "end", "<list> is incomplete: a required child element is missing"),
        (2, "start", "element <list> is not allowed in <surname>"),
        (2, "text", 'text "new" is not allowed in <list>'),
    ]
    assert words(sibling_blamed) == found


# -- embedded Schematron ---------------------------------------------------------------
def test_embedded_schematron_is_extracted(tmp_path):
    sch = "http://purl.oclc.org/dsdl/schematron"
    schema = load(tmp_path, grammar(
        f"<start><element name='a' xmlns:sch='{sch}'><sch:pattern><sch:rule context='a'>"
        "<sch:assert test='@n'>n!</sch:assert></sch:rule></sch:pattern><text/></element></start>"
        f"<sch:ns xmlns:sch='{sch}' prefix='t' uri='urn:t'/>"
    ))
    embedded = schema.embedded_schematron
    assert embedded.tag == f"{{{sch}}}schema"
    assert [etree.QName(child).localname for child in embedded] == ["ns", "pattern"]
    assert embedded.find(f".//{{{sch}}}assert").get("test") == "@n"
    assert load(tmp_path, grammar("<start><empty/></start>"), "plain.rng").embedded_schematron is None


@pytest.mark.parametrize(
    "spelled",
    [
        "http://purl.oclc.org/dsdl/schemat&#114;on",  # a character reference
        "&sch;",  # an entity of the internal subset
        "http://www.ascc.net/xml/schematron",  # the older namespace
    ],
)
def test_embedded_schematron_is_found_however_its_namespace_is_written(tmp_path, spelled):
    """The shortcut that skips grammars without Schematron must not skip these."""
    doctype = '<!DOCTYPE grammar [<!ENTITY sch "http://purl.oclc.org/dsdl/schematron">]>' if spelled == "&sch;" else ""
    text = grammar(
        f"<start><element name='a' xmlns:s='{spelled}'><s:pattern><s:rule context='a'>"
        "<s:assert test='@n'>n!</s:assert></s:rule></s:pattern><text/></element></start>"
    )
    if doctype:
        text = text.replace("<grammar", doctype + "<grammar", 1)
    embedded = load(tmp_path, text).embedded_schematron
    assert embedded is not None and embedded.find(".//{http://purl.oclc.org/dsdl/schematron}assert").get("test") == "@n"


# -- many files --------------------------------------------------------------------------
def test_validate_files_gives_every_file_a_verdict(tmp_path):
    schema = load(tmp_path, POSITIONS)
    good, bad, broken, missing = (tmp_path / n for n in ("good.xml", "bad.xml", "broken.xml", "missing.xml"))
    good.write_text("<doc><p>x</p></doc>")
    bad.write_text("<doc><q/></doc>")
    broken.write_text("<doc><p></doc>")
    results = schema.validate_files([good, bad, broken, missing], jobs=1)
    assert list(results) == [str(good), str(bad), str(broken), str(missing)]
    assert results[str(good)] == []
    assert [d.rule for d in results[str(bad)]] == ["relaxng"]
    assert [d.rule for d in results[str(broken)]] == ["well-formed"]
    assert [d.rule for d in results[str(missing)]] == ["io"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_validate_files_in_two_processes_gives_the_same_results(tmp_path):
    schema = load(tmp_path, POSITIONS)
    paths = []
    for number in range(20):
        path = tmp_path / f"d{number:02}.xml"
        path.write_text("<doc><p>x</p></doc>" if number % 3 else f"<doc><p>x</p><q{number}/></doc>")
        paths.append(path)
    assert schema.validate_files(paths, jobs=2) == schema.validate_files(paths, jobs=1)


CHOICE = grammar(
    "<start><element name='root'>"
    "<optional><element name='a'><attribute name='type'><choice><value>x</value><value>y</value></choice>"
    "</attribute></element></optional>"
    "<optional><element name='b'><empty/></element></optional>"
    "</element></start>"
)


def test_a_file_saved_between_listing_and_reading_is_checked_for_what_was_read(tmp_path, monkeypatch):
    """The vocabulary is looked up under the identities taken when the files are listed; a file
    saved after that is read as it is then, and its names checked before the grammar is trusted."""
    monkeypatch.setenv("TEI_EDITION_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(relaxng, "_RACY_SECONDS", 0)  # the file is new: trust its times at once
    schema = load(tmp_path, CHOICE)
    path = tmp_path / "doc.xml"
    path.write_text("<root><a/></root>")
    assert schema.validate_files([path], jobs=1)[str(path)]  # @type is missing; remembers {root, a}, no @type
    real = relaxng.read_with_identity

    def saved_meanwhile(name):
        # pruned for names without @type on <a>, the grammar would keep the required
        # attribute with any text allowed, and take the bad value
        path.write_text("<root><a type='zzz'/></root>")
        return real(name)

    monkeypatch.setattr(relaxng, "read_with_identity", saved_meanwhile)
    relaxng._LOADED.clear()
    found = RelaxNG.load(tmp_path / "schema.rng").validate_files([path], jobs=1)[str(path)]
    assert [d.message for d in found] == ['invalid value "zzz" for @type on <a>; expected one of "x", "y"']


def test_a_file_that_includes_another_is_checked_for_the_names_it_includes(tmp_path, monkeypatch):
    from tei_edition import parsing

    monkeypatch.setenv("TEI_EDITION_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(relaxng, "_RACY_SECONDS", 0)
    schema = load(tmp_path, CHOICE)
    document, part = tmp_path / "doc.xml", tmp_path / "part.xml"
    document.write_text('<root xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="part.xml"/></root>')
    part.write_text('<a type="x"/>')
    with parsing.policy(xinclude_root=tmp_path):
        assert schema.validate_files([document], jobs=1) == {str(document): []}
        part.write_text("<b/>")  # the including file itself is unchanged
        relaxng._LOADED.clear()
        assert RelaxNG.load(tmp_path / "schema.rng").validate_files([document], jobs=1) == {str(document): []}


def test_names_are_not_remembered_for_files_written_this_very_moment(tmp_path, monkeypatch):
    """On file systems that keep whole seconds, a second write in the same second keeps the times."""
    monkeypatch.setenv("TEI_EDITION_CACHE", str(tmp_path / "cache"))
    schema = load(tmp_path, POSITIONS)
    path = tmp_path / "d.xml"
    path.write_text("<doc><p>x</p></doc>")
    schema.validate_files([path], jobs=1)
    assert not list((tmp_path / "cache").rglob("vocabulary/*/*"))
    monkeypatch.setattr(relaxng, "_RACY_SECONDS", 0)
    schema.validate_files([path], jobs=1)
    assert len(list((tmp_path / "cache").rglob("vocabulary/*/*"))) == 1


def test_a_file_rewritten_in_place_gets_a_new_vocabulary(tmp_path, monkeypatch):
    """The names of a set of files are remembered under the files' identities; a file rewritten
    with its size and modification time kept (as some tools do) still counts as changed."""
    monkeypatch.setenv("TEI_EDITION_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(relaxng, "_RACY_SECONDS", 0)
    schema = load(tmp_path, POSITIONS)
    before, after = "<doc><p>" + "x" * 14 + "</p></doc>", "<doc><pair><a/><b/></pair></doc>"
    assert len(before) == len(after)
    paths = [tmp_path / f"d{n}.xml" for n in range(3)]
    for path in paths:
        path.write_text(before)
    assert all(found == [] for found in schema.validate_files(paths, jobs=1).values())
    kept = paths[1].stat()
    paths[1].write_text(after)
    os.utime(paths[1], ns=(kept.st_atime_ns, kept.st_mtime_ns))
    relaxng._LOADED.clear()  # as a new process would
    results = RelaxNG.load(tmp_path / "schema.rng").validate_files(paths, jobs=1)
    assert all(found == [] for found in results.values()), "pair, a and b were not in the names remembered"


def test_prepare_files_compiles_once(tmp_path):
    schema = load(tmp_path, POSITIONS)
    paths = []
    for number, body in enumerate(["<p>x</p>", "<pair><a/><b/></pair>", "<p>x<hi>y</hi></p>"]):
        path = tmp_path / f"d{number}.xml"
        path.write_text(f"<doc>{body}</doc>")
        paths.append(path)
    schema.prepare_files(paths)
    from tei_edition.parsing import parse_file

    assert all(schema.validate(parse_file(p)) == [] for p in paths)
    assert len(schema._compiled) == 1


def test_one_by_one_validation_remembers_the_names_for_the_next_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    documents = ["<doc><p>x</p></doc>", "<doc><pair><a/><b/></pair></doc>", "<doc><p>x<hi>y</hi></p></doc>"]
    schema = load(tmp_path, POSITIONS)
    assert all(check(schema, text) == [] for text in documents)
    relaxng._LOADED.clear()  # as a new process would
    again = RelaxNG.load(tmp_path / "schema.rng")
    assert all(check(again, text) == [] for text in documents)
    assert len(again._compiled) == 1


def test_names_already_remembered_are_not_written_again(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    schema = load(tmp_path, POSITIONS)
    assert check(schema, "<doc><p>x<hi>y</hi></p></doc>") == []
    relaxng._LOADED.clear()  # as a new process would
    again = RelaxNG.load(tmp_path / "schema.rng")
    written = []
    monkeypatch.setattr(again, "_remember", written.append)
    assert check(again, "<doc><p>x</p></doc>") == []
    assert written == []
    assert check(again, "<doc><pair><a/><b/></pair></doc>") == []  # new names: remembered
    assert len(written) == 1


def test_vocabulary_covers_and_round_trips():
    one = Vocabulary.of(parse_bytes(b"<a x='1'><b/></a>", "d"))
    two = Vocabulary.of(parse_bytes(b"<a><c y='2'/></a>", "d"))
    both = one.union(two)
    assert both.covers(one) and both.covers(two) and not one.covers(two)
    assert Vocabulary.from_data(both.to_data()) == both and both.key() == Vocabulary.from_data(both.to_data()).key()


# -- XML Schema ---------------------------------------------------------------------------
def test_xsd_behind_the_same_interface(tmp_path):
    path = tmp_path / "s.xsd"
    path.write_text(
        "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><xs:element name='doc'><xs:complexType>"
        "<xs:sequence><xs:element name='p' type='xs:string' maxOccurs='unbounded'/></xs:sequence>"
        "</xs:complexType></xs:element></xs:schema>"
    )
    schema = relaxng.load_schema(path)
    assert isinstance(schema, XSD) and schema.embedded_schematron is None
    assert check(schema, "<doc><p>x</p></doc>") == []
    found = check(schema, "<doc>\n  <p>x</p><q/>\n</doc>")
    assert [(d.line, d.column, d.rule) for d in found] == [(2, 11, "xsd")]
    assert "q" in found[0].message
    with pytest.raises(InputProblem):
        XSD.load(tmp_path / "missing.xsd")


# -- tei_all and Jing ------------------------------------------------------------------------
TEI_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader>
    <fileDesc>
      <titleStmt><title>T</title></titleStmt>
      <publicationStmt><p>P</p></publicationStmt>
      <sourceDesc><p>S</p></sourceDesc>
    </fileDesc>
  </teiHeader>
  <text>
    <body>
%s
    </body>
  </text>
</TEI>
"""
TEI_CASES = {
    "valid": "      <p>Hello <hi rend='b'>world</hi>, <date when='1815-06-09'>then</date>.</p>",
    "unknown_element": "      <p>Hello <foo>x</foo>.</p>",
    "unknown_attribute": "      <p foo='x'>Hello.</p>",
    "bad_date": "      <p>On <date when='yesterday'>then</date>.</p>",
    "bad_closed_value": "      <p cert='sure'>Hello.</p>",
    "text_in_body": "      text here\n      <p>x</p>",
    "stray_text": "      <list>\n        <item>a</item>\n        oops\n        <item>b</item>\n      </list>",
    "incomplete_choice": "      <p><choice>\n        <abbr>M.</abbr>\n      </choice></p>",
    "empty_list": "      <p>x</p>\n      <listPerson>\n      </listPerson>",
    "multiline_tag": "      <p>x <hi\n         rend='b'\n         foo='bar'>y</hi></p>",
    "multiline_end": "      <p><choice\n        ><abbr>M.</abbr></choice\n      ></p>",
    "two_errors": "      <p>x</p>\n      <p><bar/></p>\n      <p foo='1'/>",
    "wrong_place": "      <div><p>x</p><head>late</head></div>",
    "wrong_namespace": "      <p xmlns='http://example.org/x'>x</p>",
    "empty_body": "",
    "duplicate_id": "      <p xml:id='a'>x</p><p xml:id='a'>y</p>",
    "lb_with_text": "      <p>a<lb>x</lb></p>",
}


def _tei_documents(folder: Path) -> list[Path]:
    paths = []
    for name, body in TEI_CASES.items():
        path = folder / f"{name}.xml"
        path.write_text(TEI_HEADER % body, encoding="utf-8")
        paths.append(path)
    order = folder / "wrong_order.xml"
    order.write_text((TEI_HEADER % "<p/>").replace(
        "<titleStmt><title>T</title></titleStmt>\n      <publicationStmt><p>P</p></publicationStmt>",
        "<publicationStmt><p>P</p></publicationStmt>\n      <titleStmt><title>T</title></titleStmt>"))
    missing = folder / "missing_child.xml"
    missing.write_text((TEI_HEADER % "<p/>").replace("      <publicationStmt><p>P</p></publicationStmt>\n", ""))
    no_namespace = folder / "no_namespace.xml"
    no_namespace.write_text((TEI_HEADER % "<p/>").replace(' xmlns="http://www.tei-c.org/ns/1.0"', ""))
    return paths + [order, missing, no_namespace]


def _documents_in(tmp_path: Path, texts: dict[str, str]) -> list[Path]:
    """Each text written (UTF-8) under its name into ``tmp_path/docs``; their paths, in order."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in texts]


def _jing_invalid(schema: Path, paths) -> set[str]:
    """The names of the files Jing finds invalid against ``schema``."""
    _, output = run_jing(schema, *paths)
    return set(_jing_first_errors(output))


def _jing_first_errors(output: str) -> dict[str, int]:
    first: dict[str, int] = {}
    for match in re.finditer(r"^(.+?\.xml):(\d+):(\d+): error", output, re.M):
        first.setdefault(Path(match.group(1)).name, int(match.group(2)))
    return first


def _assert_parity(results: dict, jing: dict[str, int]) -> None:
    mismatches = []
    for path, found in results.items():
        name = Path(path).name
        ours = found[0].line if found else None
        if ours != jing.get(name):
            mismatches.append(f"{name}: ours {ours}, jing {jing.get(name)}")
    assert mismatches == []


@needs_tei_all
@needs_jing
def test_tei_all_constructed_cases_match_jing(tmp_path):
    paths = _tei_documents(tmp_path)
    _, output = run_jing(TEI_ALL, *paths)
    results = RelaxNG.load(TEI_ALL).validate_files(paths, jobs=1)
    _assert_parity(results, _jing_first_errors(output))
    assert results[str(tmp_path / "valid.xml")] == []


@needs_tei_all
def test_tei_all_messages(tmp_path):
    paths = _tei_documents(tmp_path)
    results = RelaxNG.load(TEI_ALL).validate_files(paths, jobs=1)
    first = {Path(p).stem: f"{found[0].line}:{found[0].column}: {found[0].message}" for p, found in results.items() if found}
    assert first["missing_child"] == "6:7: expected <publicationStmt> before <sourceDesc>"
    assert first["wrong_order"] == "5:7: expected <titleStmt> before <publicationStmt>"
    assert first["unknown_attribute"] == "12:10: attribute @foo is not allowed on <p>"
    assert first["stray_text"] == '15:9: text "oops" is not allowed in <list>'
    assert first["incomplete_choice"].startswith("14:7: <choice> is incomplete: a child element is missing; "
                                                 "expected <abbr>, <am>, <choice>")
    assert first["no_namespace"] == '2:1: element <TEI> has no namespace; expected xmlns="http://www.tei-c.org/ns/1.0"'
    assert first["bad_date"].startswith('12:19: invalid value "yesterday" for @when on <date>; expected a date')


_TEI = "{http://www.tei-c.org/ns/1.0}"
_TEI_NAMES = ["p", "hi", "div", "head", "note", "persName", "date", "choice", "abbr", "expan", "lb", "pb", "list",
              "item", "opener", "closer", "signed", "seg", "foo", "add", "table", "row", "title", "listPerson",
              "person", "application"]


def _corpus_mutants(folder: Path, seed: int, count: int) -> list[Path]:
    """Corpus documents with one random change each: renamed, removed, moved or doubled elements,
    stray attributes, values and text (libxml2's backtracking echoes come out of these)."""
    from copy import deepcopy

    rnd = random.Random(seed)
    sources = sorted((MAECHTE / "editions").glob("*.xml"))
    paths = []
    for number in range(count):
        root = etree.fromstring(rnd.choice(sources).read_bytes())
        elements = [e for e in root.iter(etree.Element) if e.getparent() is not None]
        target = rnd.choice(elements)
        move = rnd.randrange(7)
        if move == 0:
            target.tag = _TEI + rnd.choice(_TEI_NAMES)
        elif move == 1:
            target.getparent().remove(target)
        elif move == 2:
            target.set(rnd.choice(["rend", "when", "foo", "cert", "{http://www.w3.org/XML/1998/namespace}id"]),
                       rnd.choice(["x", "1815-13-01", "high", "a b"]))
        elif move == 3:
            target.text = (target.text or "") + " stray "
        elif move == 4:
            other = rnd.choice(elements)
            if other is not target and target not in other.iterancestors():
                other.append(target)
        elif move == 5:
            etree.SubElement(target, _TEI + rnd.choice(_TEI_NAMES)).text = "new"
        else:
            twin = deepcopy(target)
            twin.tail = None
            target.addnext(twin)
        path = folder / f"m{number:03}.xml"
        path.write_bytes(etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8"))
        paths.append(path)
    return paths


@needs_tei_all
@needs_maechte
@needs_jing
def test_corpus_mutants_match_jing(tmp_path):
    """First error on Jing's line, and every error we report is on a line where Jing reports one."""
    paths = _corpus_mutants(tmp_path, seed=45, count=60)
    _, output = run_jing(TEI_ALL, *paths)
    results = RelaxNG.load(TEI_ALL).validate_files(paths, jobs=1)
    _assert_parity(results, _jing_first_errors(output))
    jing_lines: dict[str, set] = {}
    for match in re.finditer(r"^(.+?\.xml):(\d+):\d+: error", output, re.M):
        jing_lines.setdefault(Path(match.group(1)).name, set()).add(int(match.group(2)))
    extra = [f"{Path(p).name}:{d.line}: {d.message}" for p, found in results.items() for d in found
             if d.line not in jing_lines.get(Path(p).name, set())]
    assert extra == []


@needs_tei_all
@needs_maechte
@needs_jing
def test_maechtekongresse_editions_match_jing():
    paths = sorted((MAECHTE / "editions").glob("*.xml"))
    _, output = run_jing(TEI_ALL, *paths)
    jing = _jing_first_errors(output)
    results = RelaxNG.load(TEI_ALL).validate_files(paths)
    assert len(results) == len(paths) == 113
    _assert_parity(results, jing)
    assert sum(1 for found in results.values() if found) == len(jing) == 15
    # and every error on a line where Jing reports one (Jing's 31, as it happens, all of them)
    ours = {(Path(p).name, d.line) for p, found in results.items() for d in found}
    theirs = {(Path(m.group(1)).name, int(m.group(2))) for m in re.finditer(r"^(.+?\.xml):(\d+):\d+: error", output, re.M)}
    assert ours <= theirs


def test_refs_inside_attribute_values_survive_pruning(tmp_path):
    # Named datatypes used only in attribute values (TEI's data.pointer, as
    # the project profile writes them) must be inlined by the pruner, or the
    # emitted grammar names a define it never wrote.
    schema = load(
        tmp_path,
        grammar(
            '<start><element name="doc"><optional><attribute name="ref"><ref name="data.pointers"/></attribute>'
            '</optional><ref name="data.word"/></element></start>'
            '<define name="data.pointers"><list><oneOrMore><ref name="data.pointer"/></oneOrMore></list></define>'
            '<define name="data.pointer"><data type="anyURI"><except><value>bad</value></except></data></define>'
            '<define name="data.word"><data type="token"/></define>'
        ),
    )
    assert check(schema, '<doc ref="#a #b">w</doc>') == []
    assert check(schema, '<doc ref="bad">w</doc>') != []


@needs_tei_all
@needs_maechte
def test_the_hollow_grammar_words_errors_as_the_full_grammar_does(tmp_path):
    """Messages come from a grammar cut down to the documents' names (rng.prune.hollow);
    every diagnostic must be the one the full grammar gives, on mutants with unknown names too."""
    from tei_edition.relaxng import _Placer
    from tei_edition.rng import messages

    (tmp_path / "constructed").mkdir()
    paths = [*_tei_documents(tmp_path / "constructed"), *_corpus_mutants(tmp_path, seed=7, count=40)]
    schema = RelaxNG.load(TEI_ALL)
    hollowed = schema.validate_files(paths, jobs=1)
    assert sum(1 for found in hollowed.values() if found) > 20
    for path in paths:
        source = Path(path).read_bytes()
        tree = parse_bytes(source, path)
        compiled = schema._compiled_for(Vocabulary.of(tree))
        if compiled.schema.validate(tree):
            assert hollowed[str(path)] == []
            continue
        problems = messages.problems(list(compiled.schema.error_log), tree, schema.expectations)
        placer = _Placer(tree, source)
        assert hollowed[str(path)] == sorted({placer.place(problem) for problem in problems}), path
    full = len(schema.grammar.defines)
    assert len(schema._compiled[-1].expectations.defines) < full


def test_a_wording_grammar_read_back_from_the_cache_brings_its_index_and_the_same_words(tmp_path):
    load(tmp_path, TRICKY)
    paths = _documents_in(tmp_path, {
        "a.xml": "<doc xmlns='urn:t'><head><title>t</title></head><p rend='NOT lower'>x</p><q/></doc>",
        "b.xml": "<doc xmlns='urn:t'><p>before the head</p><head><title>t</title></head></doc>",
    })
    first = RelaxNG.load(tmp_path / "schema.rng").validate_files(paths, jobs=1)
    assert all(first.values())
    relaxng._LOADED.clear()
    again = RelaxNG.load(tmp_path / "schema.rng")
    assert again.validate_files(paths, jobs=1) == first
    wording = again._compiled[-1].expectations.grammar
    assert wording.index is not None and wording.index == grammar_module.element_index(wording)


def test_workers_take_chunks_from_a_shared_queue_and_keep_their_order(tmp_path):
    import time

    deadline = time.monotonic() + 20

    def work(chunk):
        # Each process holds on to its first chunk until the other has one too (on a loaded
        # machine a fixed pause can end before the child has started taking).
        (tmp_path / str(os.getpid())).touch()
        while len(os.listdir(tmp_path)) < 2 and time.monotonic() < deadline:
            time.sleep(0.005)
        return chunk[0], os.getpid()

    chunks = [[f"f{n}"] for n in range(12)]
    results = relaxng._in_workers(work, chunks, 2)
    assert [name for name, _ in results] == [f"f{n}" for n in range(12)]
    assert len({pid for _, pid in results}) == 2  # both processes took some


def test_chunks_of_a_child_that_dies_are_done_by_the_parent():
    parent = os.getpid()

    def work(chunk):
        if os.getpid() != parent:
            os._exit(3)  # the child dies holding a chunk
        return chunk[0]

    chunks = [[f"f{n}"] for n in range(6)]
    assert relaxng._in_workers(work, chunks, 2) == [f"f{n}" for n in range(6)]


def test_a_result_a_child_cannot_send_is_worked_out_again_by_the_parent():
    parent = os.getpid()

    def work(chunk):
        return chunk[0] if os.getpid() == parent else object()  # marshal cannot carry an object

    chunks = [[f"f{n}"] for n in range(6)]
    assert relaxng._in_workers(work, chunks, 2) == [f"f{n}" for n in range(6)]


def test_files_checked_without_indentation_get_the_same_errors(tmp_path):
    # validate_files parses without whitespace-only text between tags; an element whose
    # whole content is blank keeps it (here an integer that is missing)
    schema = load(tmp_path, WORDS)
    text = HEAD.replace("><", ">\n  <") + "\n  <p>a</p>\n  <num>  </num>\n</TEI>"
    path = tmp_path / "doc.xml"
    path.write_text(text, encoding="utf-8")
    found = schema.validate_files([path], jobs=1)[str(path)]
    assert found == check(schema, text) and len(found) == 1


def test_a_change_in_an_included_schema_file_reaches_the_cached_grammars(tmp_path, monkeypatch):
    import subprocess

    monkeypatch.setenv("TEI_EDITION_CACHE", str(tmp_path / "cache"))
    (tmp_path / "main.rng").write_text('<grammar xmlns="http://relaxng.org/ns/structure/1.0">'
                                       '<include href="inc.rng"/></grammar>', encoding="utf-8")
    include = tmp_path / "inc.rng"
    rule = ('<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><element {}>'
            '<text/></element></start></grammar>')
    include.write_text(rule.format("><anyName/"), encoding="utf-8")
    document = tmp_path / "doc.xml"
    document.write_text('<?xml-model href="main.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>'
                        '<TEI xmlns="http://www.tei-c.org/ns/1.0">x</TEI>', encoding="utf-8")

    def validate() -> str:  # a new process each time, as a user runs it: only the disk cache is shared
        done = subprocess.run([sys.executable, "-m", "tei_edition", "validate", str(document), "-q"],
                              capture_output=True, text=True, cwd=tmp_path)
        return done.stdout

    assert "0 errors" in validate()
    include.write_text(rule.format('name="other"'), encoding="utf-8")
    assert "element <TEI> is not allowed" in validate()
