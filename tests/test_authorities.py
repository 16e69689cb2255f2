"""The one table of authority files: what the idno check accepts is what the pages link."""

from __future__ import annotations

import pytest

from tei_edition.authorities import AUTHORITIES
from tei_edition.site_pages import authorities


class _Idno:
    def __init__(self, type_: str | None, value: str):
        self.type, self.value = type_, value


class _Entry:
    def __init__(self, *idnos):
        self.idnos = [_Idno(*idno) for idno in idnos]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("gnd", "118540238"),
        ("gnd", "13281899X"),
        ("gnd", "4005728-8"),
        ("gnd", "http://d-nb.info/gnd/4005728-8/"),
        ("gnd", "https://d-nb.info/gnd/13281899X"),
        ("viaf", "24602065"),
        ("viaf", "https://viaf.org/viaf/24602065/"),
        ("wikidata", "Q1726"),
        ("wikidata", "https://www.wikidata.org/entity/Q1726"),
        ("wikidata", "http://www.wikidata.org/wiki/Q1726"),
        ("geonames", "2761369"),
        ("geonames", "https://www.geonames.org/2761369/vienna.html"),
        ("geonames", "http://sws.geonames.org/2761369/"),
    ],
)
def test_identifiers_and_addresses_accepted(kind, value):
    assert AUTHORITIES[kind].accepts(value)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("gnd", "https://d-nb.info/gnd/1187235-88X"),  # two check characters
        ("gnd", "12"),  # too short for a GND number
        ("gnd", "https://viaf.org/viaf/24602065"),  # another authority's address
        ("viaf", "0246"),
        ("wikidata", "Q0"),
        ("wikidata", "q42"),
        ("geonames", "https://www.geonames.org/abc"),
    ],
)
def test_identifiers_refused(kind, value):
    assert not AUTHORITIES[kind].accepts(value)


def test_the_pages_link_exactly_the_bare_identifiers_the_check_accepts():
    found = authorities(_Entry(("gnd", "118540238"), ("GND", "12"), (None, "Q42"), ("viaf", "24602065"),
                               ("geonames", "2761369"), ("lccn", "n79021164")))
    assert found == [
        ("GND", "118540238", "https://d-nb.info/gnd/118540238"),
        ("GND", "12", None),
        ("Wikidata", "Q42", "https://www.wikidata.org/wiki/Q42"),
        ("VIAF", "24602065", "https://viaf.org/viaf/24602065"),
        ("GeoNames", "2761369", "https://www.geonames.org/2761369"),
        ("lccn", "n79021164", None),
    ]
    assert not AUTHORITIES["gnd"].accepts("12")


def test_an_address_is_named_for_its_host():
    found = authorities(_Entry((None, "https://d-nb.info/gnd/118540238"), ("wikidata", "https://www.wikidata.org/wiki/Q42"),
                               ("lccn", "https://id.loc.gov/authorities/names/n79021164")))
    assert [(name, shown) for name, shown, _href in found] == [("GND", "118540238"), ("Wikidata", "Q42"),
                                                               ("LoC", "n79021164")]
