"""Write one large TEI file with registers and a realistic density of mentions.

    python bench/make_big_tei.py 1G /tmp/big.xml          # 1 GiB
    python bench/make_big_tei.py 300M /tmp/big.xml --seed 7

The file has a ``standOff`` with registers (persons with life dates and
authority idnos, places with coordinates, organisations, works, events), then
a body of chapters and paragraphs, each with an ``xml:id``.  The paragraphs
mention register entries at about the density of a real, richly tagged
edition (the Mächtekongresse corpus: ~1,850 pointers and ~240 dates per MB):
``persName``/``placeName``/``orgName``/``title``/``eventName`` with ``@ref``,
``rs`` with several pointers, ``@key``, a GND URL, a prefixDef'd pointer, a
few dangling pointers; ``date`` with ``@when``, ``@from``/``@to`` and
``@notBefore``/``@notAfter``; notes, ``choice``, ``lb``/``pb``.  The output is
the same for the same size and seed.

Measuring peak memory of the index on it (target: at most 300 MB for 1 GiB):

    /usr/bin/time -v tei-edition index /tmp/big.xml --kind all -o /tmp/big.json
    # "Maximum resident set size (kbytes)"; or, without GNU time:
    python -c "import resource, subprocess, sys; subprocess.run(sys.argv[1:]); \\
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, 'MB')" \\
        tei-edition index /tmp/big.xml --kind all -o /tmp/big.json
"""

from __future__ import annotations

import argparse
import random
import sys
from xml.sax.saxutils import escape

FORENAMES = ["Klemens", "Émile", "Friedrich", "Ioannis", "Karl", "Åsa", "Zoë", "Ludwig", "Marie", "Ōta",
             "Þórunn", "Ágnes", "Łukasz", "Sergei", "Anne-Louise", "Arthur", "Robert", "Christian",
             "Nikolaus", "Giuseppe"]
SURNAMES = ["Metternich", "Gentz", "Nesselrode", "Kapodistrias", "Ødegaard", "de Richelieu", "Wellesley",
            "Hardenberg", "Bernstorff", "Castlereagh", "Lebzeltern", "Stewart", "Ñúñez", "Šedivý",
            "von Vincent", "Čapek", "d'Artois", "Østergaard", "Ziegler", "Álvarez"]
PLACES = ["Aachen", "Paris", "Wien", "Troppau", "Laibach", "Verona", "Neapel", "Ljubljana", "Opava",
          "Sankt Petersburg", "Zürich", "Kraków", "Genève", "Málaga", "Łódź", "Île-de-France", "Århus",
          "Modena", "Parma", "Lucca"]
WORDS = ("les Cabinets de la Puissance étant convenus se réunir pour examiner dans le sens article du Traité "
         "occupation militaire territoire après trois premières années Ministres accrédités ayant par ordre "
         "leurs Cours invité prendre part aux délibérations qui doivent conduire à la décision question "
         "die Bevollmächtigten der Höfe haben beschlossen über Frage Räumung Gebiets zu beraten und "
         "Protokoll Sitzung Konferenz Note Denkschrift Gesandter Verhandlung Kongress").split()


def _size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper().rstrip("B").rstrip("I")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def _registers(rng: random.Random, persons: int, places: int, orgs: int, works: int, events: int) -> str:
    out = ["<standOff>\n<listPerson>\n"]
    for n in range(1, persons + 1):
        forename, surname = rng.choice(FORENAMES), rng.choice(SURNAMES)
        born = rng.randint(1720, 1800)
        out.append(
            f'<person xml:id="p_{n}"><persName><forename>{escape(forename)}</forename> '
            f"<surname>{escape(surname)}</surname></persName>"
            f'<persName type="variant">{escape(surname)}, {escape(forename)}</persName>'
            f'<birth when="{born}">{born}</birth><death notBefore="{born + 40}" notAfter="{born + 45}"/>'
            f"<note>Diplomat; number {n}.</note>"
            f'<idno type="GND">https://d-nb.info/gnd/{100000 + n}/</idno></person>\n'
        )
    out.append("</listPerson>\n<listPlace>\n")
    for n in range(1, places + 1):
        name = rng.choice(PLACES)
        out.append(
            f'<place xml:id="loc_{n}"><placeName>{escape(name)} {n}</placeName>'
            f"<location><geo>{rng.uniform(35, 60):.5f} {rng.uniform(-5, 30):.5f}</geo></location>"
            f'<idno type="URI">https://www.geonames.org/{200000 + n}</idno></place>\n'
        )
    out.append("</listPlace>\n<listOrg>\n")
    for n in range(1, orgs + 1):
        out.append(f'<org xml:id="o_{n}"><orgName>Bankhaus {n} &amp; Comp.</orgName></org>\n')
    out.append("</listOrg>\n<listBibl>\n")
    for n in range(1, works + 1):
        out.append(f'<bibl xml:id="t_{n}"><title>Traité numéro {n}</title>, Paris {1800 + n % 30}.</bibl>\n')
    out.append("</listBibl>\n<listEvent>\n")
    for n in range(1, events + 1):
        out.append(f'<event xml:id="e_{n}" when="18{18 + n % 5}-0{1 + n % 9}-1{n % 10}">'
                   f"<label>Sitzung {n}</label></event>\n")
    out.append("</listEvent>\n</standOff>\n")
    return "".join(out)


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _paragraph(rng: random.Random, ident: str, counts: dict, serial: int) -> str:
    persons, places, orgs, works, events = (counts[k] for k in ("persons", "places", "orgs", "works", "events"))
    parts = [f'<p xml:id="{ident}">']
    # ~520 bytes of text per mention on average
    for slot in range(8):
        parts.append(_words(rng, rng.randint(30, 70)))
        parts.append(" ")
        roll = rng.random()
        if roll < 0.40:
            n = rng.randint(1, persons)
            parts.append(f'<persName ref="#p_{n}">{escape(rng.choice(SURNAMES))}</persName>')
        elif roll < 0.60:
            n = rng.randint(1, places)
            parts.append(f'<placeName ref="#loc_{n}">{escape(rng.choice(PLACES))}</placeName>')
        elif roll < 0.72:
            a, b = rng.randint(1, persons), rng.randint(1, persons)
            parts.append(f'<rs type="multi-person" ref="#p_{a} #p_{b}">die <choice><abbr>Bev.</abbr>'
                         f"<expan>Bevollmächtigten</expan></choice></rs>")
        elif roll < 0.78:
            parts.append(f'<title ref="#t_{rng.randint(1, works)}">Traité</title>')
        elif roll < 0.81:
            parts.append(f'<orgName ref="#o_{rng.randint(1, orgs)}">Bankhaus</orgName>')
        elif roll < 0.83:
            parts.append(f'<eventName ref="#e_{rng.randint(1, events)}">Sitzung</eventName>')
        elif roll < 0.85:
            parts.append(f'<persName key="p_{rng.randint(1, persons)}">{escape(rng.choice(FORENAMES))}</persName>')
        elif roll < 0.86:
            parts.append(f'<persName ref="psn:{rng.randint(1, persons)}">Gesandter</persName>')
        elif roll < 0.87:
            parts.append(f'<persName ref="https://d-nb.info/gnd/{100000 + rng.randint(1, persons)}">N. N.</persName>')
        elif roll < 0.97:
            year = rng.randint(1815, 1825)
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            form = rng.random()
            if form < 0.7:
                parts.append(f'<date when="{year}-{month:02d}-{day:02d}">{day}. {month}. {year}</date>')
            elif form < 0.85:
                parts.append(f'<date from="{year}" to="{year + 1}">{year}/{year + 1 - 1800}</date>')
            else:
                parts.append(f'<date notBefore="{year}-{month:02d}" notAfter="{year}-12">nach {month}/{year}</date>')
        else:
            parts.append("<lb/>")
        parts.append(" ")
        if slot == 4 and rng.random() < 0.3:
            parts.append(f'<note place="foot">Vgl. <persName ref="#p_{rng.randint(1, persons)}">ebd.</persName></note>')
    if serial % 20000 == 0:
        parts.append(' <persName ref="#p_0">Unbekannt</persName>')  # a dangling pointer now and then
    parts.append("</p>\n")
    return "".join(parts)


HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
<teiHeader><fileDesc><titleStmt><title>A large generated edition</title></titleStmt>
<publicationStmt><p>Generated by bench/make_big_tei.py for benchmarks.</p></publicationStmt>
<sourceDesc><p>None: synthetic.</p></sourceDesc></fileDesc>
<encodingDesc><listPrefixDef><prefixDef ident="psn" matchPattern="(\\d+)" replacementPattern="#p_$1"/></listPrefixDef></encodingDesc>
</teiHeader>
"""


def write(stream, size: int, seed: int = 1) -> None:
    """Write a TEI document of about ``size`` bytes (UTF-8) to a binary stream."""
    rng = random.Random(seed)
    scale = max(1, size >> 20)  # MB
    counts = {
        "persons": min(200 + 8 * scale, 10000),
        "places": min(80 + 3 * scale, 4000),
        "orgs": min(10 + scale // 4, 500),
        "works": min(50 + scale, 2000),
        "events": min(20 + scale // 2, 1000),
    }
    written = 0

    def put(text: str) -> None:
        nonlocal written
        data = text.encode("utf-8")
        stream.write(data)
        written += len(data)

    put(HEADER)
    put(_registers(rng, **counts))
    put("<text><body>\n")
    tail = "</body></text>\n</TEI>\n"
    chapter = paragraph = 0
    while written + len(tail) < size:
        chapter += 1
        put(f'<div type="chapter" xml:id="d{chapter}"><head>Sitzung {chapter}</head>\n<pb n="{chapter}"/>\n')
        for _ in range(rng.randint(4, 12)):
            paragraph += 1
            put(_paragraph(rng, f"d{chapter}p{paragraph}", counts, paragraph))
            if written + len(tail) >= size:
                break
        put("</div>\n")
    put(tail)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", help="approximate size: bytes, or with K, M, G (binary units)")
    parser.add_argument("output", help="file to write ('-' for standard output)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    size = _size(args.size)
    if args.output == "-":
        write(sys.stdout.buffer, size, args.seed)
    else:
        with open(args.output, "wb") as handle:
            write(handle, size, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
