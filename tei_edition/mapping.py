"""The map page's map: places drawn as an inline SVG over an offline base map.

No tiles, no CDN, no script: the base map is the bundled Natural Earth country
outlines (``xslt/assets/countries-110m.json``, made by
``tools/make_basemap.py``), and every place is an SVG link to its register
entry.  The same places are also given as an HTML table, which is what screen
readers and text browsers use, and what a reader can sort in their head.

Projection: equirectangular with a standard parallel at the centre of the view
(x = longitude x cos(parallel), y = -latitude, in degrees), so a map of Europe
is not stretched sideways.  The view is the places' bounding box plus a
margin, never smaller than :data:`MIN_SPAN` degrees so that one place still
shows its surroundings.  Views that would cross the antimeridian are not
wrapped: a set of places on both sides of it gets a map of the whole width.

Labels go right of their point, else left, so as not to cover another point
or a label drawn before (places with more mentions are drawn first); a label
with no free side gets the class ``map-crowded``, which ``edition.css`` shows
only while its point is hovered or focused.  Rings that cross the
antimeridian are drawn on past +-180 degrees rather than across the map.

Everything is built as lxml elements, so every label, id and link is escaped
by the serialiser; colours are SVG presentation attributes, not ``style``, so
a Content-Security-Policy without 'unsafe-inline' styles allows the map.

    >>> from tei_edition.mapping import Place, map_section, to_html
    >>> html = to_html(map_section([Place("pl1", "Paris", 48.86, 2.35, "places.html#pl1", 3)]))
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 800  # viewBox width; the page's CSS scales the picture
MIN_SPAN = 8.0  # degrees of latitude (and its equivalent in longitude) always shown
MARGIN = 0.15  # of the places' extent, on each side
MAX_PARALLEL = 60.0  # beyond this, cos() shrinks longitude too far for a useful picture
_SAFE_SCHEMES = ("http", "https")
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")
# Characters XML 1.0 cannot carry: lxml refuses them, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

LAND_FILL = "#e6e1d3"
LAND_STROKE = "#9a9382"
SEA_FILL = "#f4f7f9"
PLACE_FILL = "#8b1e1e"
TEXT_FILL = "#1a1a1a"
LABEL_CHARACTER = 7.2  # approximate width of a character of a label, in SVG units (font-size 13)


@dataclass(frozen=True)
class Place:
    """One place to draw.  ``href`` is the link to its register entry."""

    id: str
    label: str
    lat: float
    lon: float
    href: str | None = None
    count: int = 0

    @property
    def usable(self) -> bool:
        try:
            lat, lon = float(self.lat), float(self.lon)
        except (TypeError, ValueError):
            return False
        return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def split(places) -> tuple[list[Place], list[Place]]:
    """(places that can be drawn, places whose coordinates are missing or out of range)."""
    usable, rejected = [], []
    for place in places:
        (usable if place.usable else rejected).append(place)
    return usable, rejected


def project(lon: float, lat: float, parallel: float = 0.0) -> tuple[float, float]:
    """Equirectangular projection in degrees: east is +x, north is -y (SVG's y points down)."""
    return lon * math.cos(math.radians(parallel)), -lat


@dataclass(frozen=True)
class View:
    """The part of the world a map shows, and how it maps to SVG units."""

    west: float
    south: float
    east: float
    north: float

    @property
    def parallel(self) -> float:
        return max(-MAX_PARALLEL, min(MAX_PARALLEL, (self.south + self.north) / 2))

    @property
    def scale(self) -> float:
        """SVG units per projected degree."""
        left, _ = project(self.west, 0, self.parallel)
        right, _ = project(self.east, 0, self.parallel)
        return WIDTH / (right - left)

    @property
    def height(self) -> float:
        return (self.north - self.south) * self.scale

    def to_svg(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = project(lon, lat, self.parallel)
        left, top = project(self.west, self.north, self.parallel)
        return (x - left) * self.scale, (y - top) * self.scale

    @property
    def viewbox(self) -> str:
        return f"0 0 {WIDTH} {_number(self.height)}"

    def overlaps(self, bbox) -> bool:
        west, south, east, north = bbox
        return west <= self.east and east >= self.west and south <= self.north and north >= self.south


def fit(places, *, margin: float = MARGIN, min_span: float = MIN_SPAN) -> View:
    """The view that shows all ``places`` with a margin, at least ``min_span`` degrees tall.

    The width is kept between one and two times the height (in projected
    units) so the picture is neither a strip nor a tower, and the view is
    moved, not cut, to stay inside the world.
    """
    usable, _ = split(places)
    if not usable:
        return View(-180.0, -60.0, 180.0, 85.0)
    lats = [float(p.lat) for p in usable]
    lons = [float(p.lon) for p in usable]
    south, north = min(lats), max(lats)
    west, east = min(lons), max(lons)
    lat_pad = max((north - south) * margin, 1.0)
    lon_pad = max((east - west) * margin, 1.0)
    south, north, west, east = south - lat_pad, north + lat_pad, west - lon_pad, east + lon_pad
    south, north = _widen(south, north, min_span)
    k = math.cos(math.radians(max(-MAX_PARALLEL, min(MAX_PARALLEL, (south + north) / 2))))
    height = north - south
    width = (east - west) * k  # in projected degrees
    if width < height:
        west, east = _widen(west, east, height / k)
    elif width > 2 * height:
        south, north = _widen(south, north, width / 2)
    south, north = _inside(south, north, -90.0, 90.0)
    west, east = _inside(west, east, -180.0, 180.0)
    return View(west, south, east, north)


def _widen(low: float, high: float, span: float) -> tuple[float, float]:
    if high - low >= span:
        return low, high
    middle = (low + high) / 2
    return middle - span / 2, middle + span / 2


def _inside(low: float, high: float, floor: float, ceiling: float) -> tuple[float, float]:
    if high - low >= ceiling - floor:
        return floor, ceiling
    if low < floor:
        return floor, high + (floor - low)
    if high > ceiling:
        return low - (high - ceiling), ceiling
    return low, high


# -- the base map ------------------------------------------------------------------


def basemap_path() -> Path:
    from tei_edition.resources import xslt_dir

    return xslt_dir() / "assets" / "countries-110m.json"


@cache
def load_basemap(path: str | None = None) -> tuple[dict, ...]:
    """The countries of the bundled base map: dicts with name, bbox and rings of [lon, lat]."""
    data = json.loads(Path(path or basemap_path()).read_text(encoding="utf-8"))
    return tuple(data["countries"])


def _country_path(rings, view: View) -> str:
    parts = []
    for ring in rings:
        points = []
        previous = None
        for lon, lat in ring:
            # A ring that crosses the antimeridian continues past +-180 instead
            # of drawing a line across the whole map (the SVG clips the rest).
            if previous is not None:
                lon += 360 * round((previous - lon) / 360)
            previous = lon
            point = tuple(_number(v) for v in view.to_svg(lon, lat))
            if not points or points[-1] != point:
                points.append(point)
        if len(points) >= 3:
            parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
    return "".join(parts)


# -- building the elements ------------------------------------------------------------


def _number(value: float) -> str:
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def clean_text(value) -> str:
    """Text that XML can carry: characters XML forbids are dropped, nothing is escaped here."""
    return _NOT_XML.sub("", str(value if value is not None else ""))


def safe_href(href: str | None) -> str | None:
    """A link target, or None when it is not relative, http or https."""
    if not href:
        return None
    href = clean_text(href).strip()
    scheme = _SCHEME.match(href)
    if scheme and scheme[1].lower() not in _SAFE_SCHEMES:
        return None
    if any(ch in href for ch in "\t\n\r") or href.startswith("//"):
        return None
    return href or None


def _mentions(count: int) -> str:
    return "1 mention" if count == 1 else f"{count} mentions"


def _name(place: Place) -> str:
    label = clean_text(place.label).strip() or clean_text(place.id).strip() or "unnamed place"
    return label


def _radius(count: int) -> float:
    return min(12.0, 4.0 + 2.0 * math.log2(1 + max(0, int(count or 0))))


def _svg(tag: str, parent=None, text: str | None = None, **attributes) -> etree._Element:
    name = f"{{{SVG_NS}}}{tag}"
    attributes = {key.rstrip("_").replace("_", "-"): value for key, value in attributes.items()}
    element = etree.Element(name, attributes, nsmap={None: SVG_NS}) if parent is None else etree.SubElement(parent, name, attributes)
    if text is not None:
        element.text = text
    return element


def map_svg(places, *, title: str = "Map of the places mentioned in the edition", id_prefix: str = "map", basemap=None) -> etree._Element:
    """The inline ``<svg>`` element: country outlines, then one linked circle and label per place."""
    usable, _ = split(places)
    view = fit(usable)
    countries = load_basemap() if basemap is None else basemap
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", clean_text(id_prefix)) or "map"
    svg = _svg(
        "svg",
        viewBox=view.viewbox,  # no width/height: it takes the width of its container
        class_="edition-map",
        aria_labelledby=f"{prefix}-title",
        aria_describedby=f"{prefix}-desc",
    )
    _svg("title", svg, clean_text(title), id=f"{prefix}-title")
    _svg(
        "desc",
        svg,
        f"{len(usable)} places on a map of modern country borders; the table that follows lists the same places.",
        id=f"{prefix}-desc",
    )
    _svg("rect", svg, width=str(WIDTH), height=_number(view.height), fill=SEA_FILL, aria_hidden="true")
    land = _svg("g", svg, class_="map-land", fill=LAND_FILL, stroke=LAND_STROKE, stroke_width="0.6", aria_hidden="true")
    for country in countries:
        if view.overlaps(country["bbox"]):
            d = _country_path(country["rings"], view)
            if d:
                _svg("path", land, d=d)
    layer = _svg("g", svg, class_="map-places", font_family="sans-serif", font_size="13")
    labels: list[tuple[float, float, float, float]] = []  # boxes of the labels drawn so far
    ordered = sorted(usable, key=lambda p: (-int(p.count or 0), _name(p).casefold(), str(p.id)))
    for place in ordered:  # every point is an obstacle for the labels of the others
        px, py = view.to_svg(float(place.lon), float(place.lat))
        r = _radius(place.count)
        labels.append((px - r, py - r, px + r, py + r))
    for place in ordered:
        x, y = view.to_svg(float(place.lon), float(place.lat))
        name = _name(place)
        spoken = f"{name}, {_mentions(int(place.count or 0))}"
        href = safe_href(place.href)
        # Named by its <title> (SVG's own way; "Paris, 3 mentions"), which also
        # shows on hover; an aria-label would hide the visible label from axe's
        # label-in-name check.
        group = _svg("a", layer, href=href) if href else _svg("g", layer)
        group.set("class", "map-place")
        _svg("title", group, spoken)
        radius = _radius(place.count)
        _svg("circle", group, cx=_number(x), cy=_number(y), r=_number(radius), fill=PLACE_FILL, fill_opacity="0.8", stroke="#ffffff", stroke_width="1.5")
        # The label goes right of the point, else left; where both would
        # cover a label already drawn (more mentions come first), it is shown
        # only while the point is hovered or focused (class map-crowded).
        width = LABEL_CHARACTER * len(name)
        sides = (True, False) if x < WIDTH * 0.7 else (False, True)
        boxes = {side: ((x + radius + 3, y - 9, x + radius + 3 + width, y + 5) if side
                        else (x - radius - 3 - width, y - 9, x - radius - 3, y + 5)) for side in sides}
        own = (x - radius, y - radius, x + radius, y + radius)
        free = [side for side in sides if not any(_overlap(boxes[side], box) for box in labels if box != own)]
        on_right = (free or sides)[0]
        if free:
            labels.append(boxes[on_right])
        position = {
            "x": _number(x + (radius + 3 if on_right else -radius - 3)),
            "y": _number(y + 4),
            "text_anchor": "start" if on_right else "end",
        }
        crowded = {} if free else {"class_": "map-crowded"}
        # A white halo under the label keeps it readable over borders; drawn
        # as a second text because the Nu checker does not know paint-order.
        _svg("text", group, name, **position, **crowded, fill="#ffffff", stroke="#ffffff", stroke_width="3", aria_hidden="true")
        _svg("text", group, name, **position, **crowded, fill=TEXT_FILL)
    return svg


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _degrees(value: float, positive: str, negative: str) -> str:
    return f"{abs(value):.4f}\u00b0\u00a0{positive if value >= 0 else negative}"


def places_table(places, *, caption: str = "Places on the map") -> etree._Element:
    """The same places as an HTML table: name (linked), latitude, longitude, mentions."""
    usable, _ = split(places)
    table = etree.Element("table", {"class": "map-places-list"})
    etree.SubElement(table, "caption").text = clean_text(caption)
    head = etree.SubElement(etree.SubElement(table, "thead"), "tr")
    for heading in ("Place", "Latitude", "Longitude", "Mentions"):
        etree.SubElement(head, "th", scope="col").text = heading
    body = etree.SubElement(table, "tbody")
    for place in sorted(usable, key=lambda p: (_name(p).casefold(), str(p.id))):
        row = etree.SubElement(body, "tr")
        cell = etree.SubElement(row, "th", scope="row")
        href = safe_href(place.href)
        if href:
            etree.SubElement(cell, "a", href=href).text = _name(place)
        else:
            cell.text = _name(place)
        etree.SubElement(row, "td").text = _degrees(float(place.lat), "N", "S")
        etree.SubElement(row, "td").text = _degrees(float(place.lon), "E", "W")
        etree.SubElement(row, "td").text = str(int(place.count or 0))
    return table


def map_section(places, *, title: str = "Map of the places mentioned in the edition", id_prefix: str = "map", basemap=None) -> etree._Element:
    """A ``<div class="map-section">``: the figure (SVG and caption) and the table of places."""
    section = etree.Element("div", {"class": "map-section"})
    figure = etree.SubElement(section, "figure", {"class": "map-figure"})
    figure.append(map_svg(places, title=title, id_prefix=id_prefix, basemap=basemap))
    caption = etree.SubElement(figure, "figcaption")
    usable, rejected = split(places)
    caption.text = (
        f"{len(usable)} {'place' if len(usable) == 1 else 'places'} with coordinates. "
        "Base map: today's country borders, Natural Earth (public domain). "
        "Each point links to its register entry; the table below lists the same places."
    )
    section.append(places_table(places))
    return section


def to_html(element: etree._Element) -> str:
    """HTML serialisation (inline SVG keeps its namespace declaration, as HTML allows)."""
    return etree.tostring(element, method="html", encoding="unicode")
