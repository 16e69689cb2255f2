"""Authority files an ``idno`` may name: one table for the checks and for the pages.

Each entry says how an identifier of that authority looks on its own (the
bare form an editor types into ``<idno type="gnd">``), under which addresses
the authority publishes it, and how a bare identifier becomes a link.
:mod:`tei_edition.integrity` uses :meth:`Authority.accepts` for its ``idno``
rule; :mod:`tei_edition.site_pages` uses :meth:`Authority.link` to turn a
bare identifier into a link on a register page, and :data:`HOSTS` to name
the authority behind an address.  A bare value without ``@type`` is taken
for a Wikidata item only when it looks like one (``Q42``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Authority:
    name: str
    bare: re.Pattern  # the identifier on its own
    address: re.Pattern  # the address part before it (optional in an idno)
    after: re.Pattern  # what may follow it in an address (a trailing slash, a page name)
    link: str  # a bare identifier's address: "{}" is the identifier
    example: str

    def accepts(self, value: str) -> bool:
        """Whether ``value`` is an identifier of this authority, bare or as its address."""
        whole = f"(?:{self.address.pattern})?(?:{self.bare.pattern}){self.after.pattern}"
        return re.fullmatch(whole, value) is not None  # (re keeps the compiled pattern)

    def url(self, value: str) -> str | None:
        """The address of a bare identifier, or None when ``value`` is not one."""
        return self.link.format(value) if self.bare.fullmatch(value) else None


_SLASH = re.compile(r"/?")  # what may follow an identifier in its address

# @type (lower case) -> the authority
AUTHORITIES = {
    "gnd": Authority(
        "GND",
        # persons and others: 9 or 10 digits and a check character; older subject and corporate
        # numbers: up to 8 digits, a hyphen, a check character
        re.compile(r"[0-9]{7,10}[0-9X]|[0-9]{1,8}-[0-9X]"),
        re.compile(r"https?://d-nb\.info/gnd/"),
        _SLASH,
        "https://d-nb.info/gnd/{}",
        "https://d-nb.info/gnd/118540238 or 118540238",
    ),
    "viaf": Authority(
        "VIAF",
        re.compile(r"[1-9][0-9]{0,21}"),
        re.compile(r"https?://(?:www\.)?viaf\.org/viaf/"),
        _SLASH,
        "https://viaf.org/viaf/{}",
        "https://viaf.org/viaf/24602065 or 24602065",
    ),
    "wikidata": Authority(
        "Wikidata",
        re.compile(r"Q[1-9][0-9]*"),
        re.compile(r"https?://(?:www\.)?wikidata\.org/(?:wiki|entity)/"),
        re.compile(r""),
        "https://www.wikidata.org/wiki/{}",
        "https://www.wikidata.org/entity/Q1726 or Q1726",
    ),
    "geonames": Authority(
        "GeoNames",
        re.compile(r"[1-9][0-9]{0,9}"),
        re.compile(r"https?://(?:www\.|sws\.)?geonames\.org/"),
        re.compile(r"(?:/[^\s/]*)?"),  # geonames.org/2761369/vienna.html
        "https://www.geonames.org/{}",
        "https://www.geonames.org/2761369 or 2761369",
    ),
}

# The host of an address (or a domain it is under) -> the name shown for it
HOSTS = {
    "wikidata.org": "Wikidata", "d-nb.info": "GND", "viaf.org": "VIAF", "geonames.org": "GeoNames",
    "id.loc.gov": "LoC", "orcid.org": "ORCID", "isni.org": "ISNI", "pleiades.stoa.org": "Pleiades",
    "getty.edu": "Getty", "hdl.handle.net": "Handle", "doi.org": "DOI",
}
