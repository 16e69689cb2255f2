"""Write a synthetic edition: N TEI texts pointing into register files.

    python bench/make_corpus.py 1000 /tmp/corpus            # texts/ and registers/ under /tmp/corpus
    python bench/make_corpus.py 10000 /tmp/corpus10k --seed 7

Each text is a letter- or report-like document of a few paragraphs (2-6 KB,
like the Mächtekongresse editions' smaller pieces and the Schnitzler letters)
with a full header (title, author, publication statement, source
description, language), and a body of one to three ``div`` with ``head``,
paragraphs and ``pb``/``lb``.  Entity density follows a richly tagged edition
(about 1,800 pointers and 240 dates per MB): ``persName``, ``placeName``,
``orgName`` and ``title`` with ``@ref="../registers/persons.xml#p12"``,
``rs type="person"`` with several pointers, ``date`` with ``@when``,
``@from``/``@to`` or ``@notBefore``/``@notAfter``, editorial ``note``,
``choice`` with ``sic``/``corr`` and ``abbr``/``expan``.  Registers
(persons with life dates and GND numbers, places with coordinates,
organisations, works) are separate files in ``registers/``; every entry is
mentioned at least once when N is large enough.  The texts are valid against
the project profile (schemas/tei_edition.rng and .sch), so a build runs
without --force.  The output is the same for the same N and seed.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from xml.sax.saxutils import escape

TEI = "http://www.tei-c.org/ns/1.0"
FORENAMES = ["Klemens", "Émile", "Friedrich", "Ioannis", "Karl", "Åsa", "Zoë", "Ludwig", "Marie", "Ōta",
             "Þórunn", "Ágnes", "Łukasz", "Sergei", "Anne-Louise", "Arthur", "Robert", "Christian"]
SURNAMES = ["Metternich", "Gentz", "Nesselrode", "Kapodistrias", "Ødegaard", "Richelieu", "Wellesley",
            "Hardenberg", "Bernstorff", "Castlereagh", "Lebzeltern", "Stewart", "Ñúñez", "Šedivý", "Čapek"]
PLACES = ["Aachen", "Paris", "Wien", "Troppau", "Laibach", "Verona", "Neapel", "Ljubljana", "Opava",
          "Sankt Petersburg", "Zürich", "Kraków", "Genève", "Málaga", "Łódź", "Århus", "Frankfurt"]
ORGS = ["Kongress", "Hofkanzlei", "Staatsrat", "Bundesversammlung", "Akademie", "Gesandtschaft", "Kabinett"]
WORDS = ("der die das und in den von zu mit sich des auf für ist im dem nicht ein eine als auch es an werden "
         "aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur oder "
         "aber vor zur bis mehr durch man sein wurde sei Brief Gesandte Verhandlung Note Antwort Kaiser König "
         "Minister Frieden Vertrag Sitzung Bericht Depesche Nachricht Hof Regierung Frage Lage").split()

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="{tei}" xml:id="{ident}" xml:lang="de">
  <teiHeader>
    <fileDesc>
      <titleStmt>
        <title>{title}</title>
        <author><persName ref="../registers/persons.xml#{author}">{author_name}</persName></author>
      </titleStmt>
      <publicationStmt>
        <publisher><orgName>Synthetic Edition Project</orgName></publisher>
        <date when="2026-01-01">2026</date>
        <availability><licence target="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</licence></availability>
      </publicationStmt>
      <seriesStmt>
        <title>A synthetic edition</title>
      </seriesStmt>
      <sourceDesc>
        <bibl>Synthetic source {number}, <date when="{date}">{date}</date>.</bibl>
      </sourceDesc>
    </fileDesc>
    <profileDesc>
      <langUsage><language ident="de">German</language></langUsage>
    </profileDesc>
  </teiHeader>
  <text>
    <body>
"""


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


class Corpus:
    def __init__(self, size: int, seed: int):
        self.rng = random.Random(seed)
        self.persons = max(20, size // 4)
        self.places = max(10, size // 10)
        self.orgs = max(5, size // 40)
        self.works = max(5, size // 40)

    def year(self) -> int:
        return self.rng.randint(1790, 1860)

    def iso(self) -> str:
        return f"{self.year()}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def person_name(self, n: int) -> tuple[str, str]:
        return FORENAMES[n % len(FORENAMES)], f"{SURNAMES[(n // len(FORENAMES)) % len(SURNAMES)]}-{n}"

    def mention(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.45:
            n = rng.randrange(self.persons)
            fore, sur = self.person_name(n)
            return f'<persName ref="../registers/persons.xml#p{n}">{escape(fore)} {escape(sur)}</persName>'
        if roll < 0.7:
            n = rng.randrange(self.places)
            return f'<placeName ref="../registers/places.xml#pl{n}">{escape(PLACES[n % len(PLACES)])}</placeName>'
        if roll < 0.8:
            n = rng.randrange(self.orgs)
            return f'<orgName ref="../registers/orgs.xml#o{n}">{ORGS[n % len(ORGS)]}</orgName>'
        if roll < 0.88:
            n = rng.randrange(self.works)
            return f'<title ref="../registers/works.xml#w{n}">Denkschrift {n}</title>'
        a, b = rng.randrange(self.persons), rng.randrange(self.persons)
        return (f'<rs type="person" ref="../registers/persons.xml#p{a} ../registers/persons.xml#p{b}">'
                f'die beiden Herren</rs>')

    def date(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.6:
            value = self.iso()
            return f'<date when="{value}">{value}</date>'
        if roll < 0.8:
            start = self.year()
            return f'<date from="{start}" to="{start + rng.randint(0, 3)}">{start} bis später</date>'
        start = self.year()
        return f'<date notBefore="{start}" notAfter="{start + 1}">um {start}</date>'

    def paragraph(self, ident: str, page: list[int]) -> str:
        rng = self.rng
        parts = []
        for _ in range(rng.randint(4, 9)):
            parts.append(words(rng, rng.randint(3, 10)))
            roll = rng.random()
            if roll < 0.55:
                parts.append(self.mention())
            elif roll < 0.68:
                parts.append(self.date())
            elif roll < 0.74:
                parts.append(f'<choice><sic>{rng.choice(WORDS)}x</sic><corr>{rng.choice(WORDS)}</corr></choice>')
            elif roll < 0.78:
                parts.append('<choice><abbr>Ew.</abbr><expan>Euer</expan></choice>')
            elif roll < 0.83:
                parts.append(f'<note type="editorial">{words(rng, rng.randint(5, 15))} {self.mention()}.</note>')
            elif roll < 0.9:
                parts.append("<lb/>")
            elif roll < 0.93:
                page[0] += 1
                parts.append(f'<pb n="{page[0]}"/>')
        return f'        <p xml:id="{ident}">' + " ".join(parts) + ".</p>\n"

    def text(self, number: int) -> str:
        rng = self.rng
        author = rng.randrange(self.persons)
        fore, sur = self.person_name(author)
        date = self.iso()
        out = [HEADER.format(tei=TEI, ident=f"t{number:05d}", title=f"Bericht {number} vom {date}",
                             author=f"p{author}", author_name=escape(f"{fore} {sur}"), number=number, date=date)]
        page = [1]
        out.append('      <pb n="1"/>\n')
        for d in range(rng.randint(1, 3)):
            out.append(f'      <div xml:id="t{number:05d}-d{d}">\n        <head>{words(rng, 3).capitalize()}</head>\n')
            for p in range(rng.randint(2, 5)):
                out.append(self.paragraph(f"t{number:05d}-d{d}-p{p}", page))
            out.append("      </div>\n")
        out.append("    </body>\n  </text>\n</TEI>\n")
        return "".join(out)

    def register(self, kind: str) -> str:
        rng = self.rng
        entries = []
        if kind == "persons":
            for n in range(self.persons):
                fore, sur = self.person_name(n)
                born = rng.randint(1740, 1800)
                entries.append(
                    f'      <person xml:id="p{n}">\n'
                    f"        <persName><forename>{escape(fore)}</forename> <surname>{escape(sur)}</surname></persName>\n"
                    f'        <birth when="{born}"/>\n        <death when="{born + rng.randint(30, 70)}"/>\n'
                    f"        <note>{words(rng, 8)}</note>\n"
                    f'        <idno type="GND">https://d-nb.info/gnd/{118000000 + n}</idno>\n      </person>\n')
            wrapper = "listPerson"
        elif kind == "places":
            for n in range(self.places):
                entries.append(
                    f'      <place xml:id="pl{n}">\n        <placeName>{escape(PLACES[n % len(PLACES)])}</placeName>\n'
                    f"        <location><geo>{rng.uniform(36, 60):.4f} {rng.uniform(-5, 30):.4f}</geo></location>\n"
                    f"      </place>\n")
            wrapper = "listPlace"
        elif kind == "orgs":
            for n in range(self.orgs):
                entries.append(f'      <org xml:id="o{n}">\n        <orgName>{ORGS[n % len(ORGS)]} {n}</orgName>\n      </org>\n')
            wrapper = "listOrg"
        else:
            for n in range(self.works):
                entries.append(f'      <bibl xml:id="w{n}">\n        <title>Denkschrift {n}</title>\n'
                               f'        <date when="{self.year()}"/>\n      </bibl>\n')
            wrapper = "listBibl"
        header = HEADER.split("  <text>")[0].format(
            tei=TEI, ident=f"register-{kind}", title=f"Register: {kind}", author="p0",
            author_name="Klemens Metternich-0", number=0, date="1800-01-01")
        return (header + f"  <standOff>\n    <{wrapper}>\n" + "".join(entries) + f"    </{wrapper}>\n  </standOff>\n</TEI>\n")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="how many texts")
    parser.add_argument("folder", type=Path, help="writes FOLDER/texts/*.xml and FOLDER/registers/*.xml")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    corpus = Corpus(args.count, args.seed)
    texts = args.folder / "texts"
    registers = args.folder / "registers"
    texts.mkdir(parents=True, exist_ok=True)
    registers.mkdir(parents=True, exist_ok=True)
    total = 0
    for number in range(args.count):
        data = corpus.text(number).encode("utf-8")
        (texts / f"t{number:05d}.xml").write_bytes(data)
        total += len(data)
    for kind in ("persons", "places", "orgs", "works"):
        (registers / f"{kind}.xml").write_text(corpus.register(kind), encoding="utf-8")
    print(f"{args.count} texts ({total / 1e6:.1f} MB) in {texts}, registers in {registers}")


if __name__ == "__main__":
    main()
