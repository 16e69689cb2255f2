#!/usr/bin/env python3
"""Check, on every character of Unicode, that libxml2's NMTOKEN takes nothing TEI's word pattern refuses.

    python tools/check_word_choice.py          # about 10 s; exit 1 on any character that breaks it

``tei_edition.rng.emit`` writes TEI's ``teidata.word`` (``token`` with the
pattern ``[^\\p{Z}]+``, as Jing reads it) as ``choice { NMTOKEN, token {
pattern } }``, so that libxml2 checks most values without compiling a
regular expression.  That is the same language only if every value NMTOKEN
takes, the pattern takes too.  Both are "one or more characters, each of a
set" once whitespace is collapsed, so it is enough that every character
NMTOKEN takes (alone, after a letter, before a letter) the pattern takes.
This asks libxml2 itself, the validator that runs them, for every character
XML allows.  Run it after upgrading lxml (a new libxml2 may bring new
Unicode tables).  ``tests/test_relaxng.py`` checks a sample on every run.
"""

from __future__ import annotations

import sys
import time

from lxml import etree

_GRAMMAR = ('<element name="v" xmlns="http://relaxng.org/ns/structure/1.0" '
            'datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes"><attribute name="a">{}</attribute></element>')
PATTERN = '<data type="token"><param name="pattern">[^\\p{Z}]+</param></data>'
NMTOKEN = '<data type="NMTOKEN"/>'


def grammar(inner: str) -> etree.RelaxNG:
    return etree.RelaxNG(etree.fromstring(_GRAMMAR.format(inner)))


def takes(schema: etree.RelaxNG, value: str) -> bool:
    element = etree.Element("v")
    element.set("a", value)
    return schema.validate(element)


def xml_characters():
    """Every code point XML 1.0 allows in a document."""
    yield from (0x9, 0xA, 0xD)
    yield from range(0x20, 0xD800)
    yield from range(0xE000, 0xFFFE)
    yield from range(0x10000, 0x110000)


def taken_by_nmtoken_only(characters) -> list[str]:
    """The values (a character alone, after and before a letter) NMTOKEN takes and the pattern does not."""
    pattern, nmtoken = grammar(PATTERN), grammar(NMTOKEN)
    found = []
    for code in characters:
        character = chr(code)
        for value in (character, "a" + character, character + "a"):
            if takes(nmtoken, value) and not takes(pattern, value):
                found.append(value)
    return found


def main() -> int:
    started = time.perf_counter()
    found = taken_by_nmtoken_only(xml_characters())
    seconds = time.perf_counter() - started
    if found:
        shown = ", ".join(" ".join(f"U+{ord(c):04X}" for c in value) for value in found[:20])
        print(f"NMTOKEN takes {len(found)} values the pattern refuses: {shown}", file=sys.stderr)
        return 1
    print(f"every character XML allows: NMTOKEN takes nothing the pattern refuses ({seconds:.1f} s, "
          f"libxml2 {'.'.join(map(str, etree.LIBXML_VERSION))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
