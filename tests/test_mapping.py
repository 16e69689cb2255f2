"""The offline map: projection, view fitting, escaping, the fallback table, the base map."""

from __future__ import annotations

import math

import lxml.html
import pytest

from tei_edition import mapping
from tei_edition.mapping import MIN_SPAN, SVG_NS, WIDTH, Place, View, fit, map_section, map_svg, places_table, project, to_html

PARIS = Place("pl_paris", "Paris", 48.8566, 2.3522, "places.html#pl_paris", 3)
MOSCOW = Place("pl_moscow", "Moscow", 55.7558, 37.6173, "places.html#pl_moscow", 1)
SEOUL = Place("pl_seoul", "Seoul", 37.5665, 126.9780, "places.html#pl_seoul", 2)
PANMUNJOM = Place("pl_pmj", "Panmunjom", 37.9558, 126.6772, "places.html#pl_pmj", 5)

S = f"{{{SVG_NS}}}"


def circles(svg) -> dict[str, tuple[float, float]]:
    """Label -> circle centre, read back from the SVG."""
    found = {}
    for link in svg.iter(f"{S}a", f"{S}g"):
        circle, text = link.find(f"{S}circle"), link.find(f"{S}text")
        if circle is not None and text is not None:
            found[text.text] = (float(circle.get("cx")), float(circle.get("cy")))
    return found


def viewbox(svg) -> tuple[float, float, float, float]:
    return tuple(float(v) for v in svg.get("viewBox").split())


# -- projection --------------------------------------------------------------------


def test_projection_maps_known_points():
    assert project(0, 0) == (0, 0)
    assert project(10, 50) == (10, -50)  # east is +x, north is up (SVG y grows downwards)
    x, y = project(60, -30, parallel=60)
    assert (x, y) == (pytest.approx(30.0), 30)


def test_view_corners_map_to_the_viewbox_corners():
    view = View(west=-10, south=40, east=10, north=60)
    assert view.parallel == 50
    assert view.to_svg(-10, 60) == pytest.approx((0, 0))
    expected_height = 20 * WIDTH / (20 * math.cos(math.radians(50)))
    assert view.to_svg(10, 40) == pytest.approx((WIDTH, expected_height))
    assert view.to_svg(0, 50) == pytest.approx((WIDTH / 2, expected_height / 2))
    assert view.viewbox == f"0 0 {WIDTH} {round(expected_height, 1)}"


def test_latitude_and_longitude_are_not_swapped():
    where = circles(map_svg([PARIS, MOSCOW], basemap=()))
    (paris_x, paris_y), (moscow_x, moscow_y) = where["Paris"], where["Moscow"]
    assert moscow_x > paris_x, "Moscow is east of Paris"
    assert moscow_y < paris_y, "Moscow is north of Paris (smaller y in SVG)"
    where = circles(map_svg([SEOUL, Place("x", "Sydney", -33.87, 151.21, None, 1)], basemap=()))
    assert where["Sydney"][1] > where["Seoul"][1], "the southern hemisphere is lower down"


# -- the view --------------------------------------------------------------------------


def test_one_place_gets_a_view_of_at_least_the_minimum_span_centred_on_it():
    view = fit([PARIS])
    assert view.north - view.south == pytest.approx(MIN_SPAN)
    assert (view.north + view.south) / 2 == pytest.approx(PARIS.lat)
    assert (view.east + view.west) / 2 == pytest.approx(PARIS.lon)
    x, y = view.to_svg(PARIS.lon, PARIS.lat)
    assert x == pytest.approx(WIDTH / 2) and y == pytest.approx(view.height / 2)
    width_in_projected_degrees = (view.east - view.west) * math.cos(math.radians(view.parallel))
    assert width_in_projected_degrees >= MIN_SPAN - 1e-9, "never narrower than tall"


def test_many_places_all_fit_inside_the_viewbox_with_a_margin():
    places = [PARIS, MOSCOW, SEOUL, PANMUNJOM, Place("l", "Lisbon", 38.72, -9.14, "places.html#l", 1)]
    svg = map_svg(places, basemap=())
    _, _, width, height = viewbox(svg)
    assert width == WIDTH
    for label, (x, y) in circles(svg).items():
        assert 0.05 * width < x < 0.95 * width, label
        assert 0.05 * height < y < 0.95 * height, label
    assert 0.5 <= height / width <= 1.0


def test_two_places_close_together_still_show_context():
    view = fit([SEOUL, PANMUNJOM])
    assert view.north - view.south >= MIN_SPAN


def test_views_stay_inside_the_world():
    pole = fit([Place("n", "Station Nord", 81.6, -16.7, None, 1), Place("e", "Date line", 10, 179.9, None, 1)])
    assert -90 <= pole.south < pole.north <= 90
    assert -180 <= pole.west < pole.east <= 180
    empty = fit([])
    assert (empty.west, empty.east) == (-180, 180)


def test_places_without_usable_coordinates_are_left_out():
    bad = [
        Place("a", "Nowhere", 95.0, 0.0),
        Place("b", "Far east", 0.0, 181.0),
        Place("c", "Not a number", float("nan"), 0.0),
        Place("d", "Text", "north", "east"),
    ]
    usable, rejected = mapping.split([PARIS, *bad])
    assert usable == [PARIS] and rejected == bad
    assert list(circles(map_svg([PARIS, *bad], basemap=()))) == ["Paris"]


# -- escaping and links ------------------------------------------------------------------

HOSTILE = [
    Place("x1", "<script>alert(1)</script>", 48.0, 2.0, "places.html#x1", 1),
    Place("x2", '"><img src=x onerror=alert(2)>', 49.0, 3.0, "javascript:alert(3)", 1),
    Place("x3", "Null\x00byte\x1b and ]]> & 'quotes'", 50.0, 4.0, " JaVaScRiPt:alert(4)", 1),
    Place('x4" onload="alert(5)', "Data", 51.0, 5.0, "data:text/html,<script>alert(6)</script>", 1),
    Place("x5", "Vb", 52.0, 6.0, "vbscript:msgbox(7)", 1),
]


def test_hostile_labels_and_links_come_out_as_inert_text():
    html = to_html(map_section(HOSTILE, title="</title><script>alert(8)</script>", id_prefix='m" onclick="x'))
    page = lxml.html.fromstring(f"<div>{html}</div>")
    assert page.xpath("//script | //img | //*[local-name()='script']") == []
    for element in page.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            if name in ("href", "src"):
                assert value == "places.html#x1", f"only the safe link survives, not {value!r}"
    text = page.text_content()
    assert "<script>alert(1)</script>" in text, "the label is shown as text"
    assert '"><img src=x onerror=alert(2)>' in text
    assert "Nullbyte and ]]> & 'quotes'" in text, "control characters dropped, the rest kept"
    assert "\x00" not in html


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("places.html#pl1", "places.html#pl1"),
        ("../places.html#pl%201", "../places.html#pl%201"),
        ("https://www.geonames.org/2988507", "https://www.geonames.org/2988507"),
        ("javascript:alert(1)", None),
        ("  javascript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("data:text/html,x", None),
        ("//evil.example/x", None),
        ("java\nscript:alert(1)", None),
        ("", None),
        (None, None),
    ],
)
def test_only_relative_and_web_links_are_kept(href, kept):
    assert mapping.safe_href(href) == kept


# -- structure and accessibility -------------------------------------------------------------


def test_each_place_is_a_named_link_with_a_hover_title():
    svg = map_svg([PARIS, MOSCOW], id_prefix="places-map", basemap=())
    assert svg.get("role") is None, "the Nu checker allows no 'group' on <svg>; its links keep their own roles"
    assert svg.get("aria-labelledby") == "places-map-title"
    assert svg.find(f"{S}title").get("id") == "places-map-title"
    links = svg.findall(f".//{S}a")
    assert [(a.get("href"), a.findtext(f"{S}title")) for a in links] == [
        ("places.html#pl_paris", "Paris, 3 mentions"),
        ("places.html#pl_moscow", "Moscow, 1 mention"),
    ]
    halo, label = links[0].findall(f"{S}text")
    assert halo.get("aria-hidden") == "true" and label.get("aria-hidden") is None
    assert halo.text == label.text == "Paris"


def test_the_table_lists_the_same_places_sorted_by_name():
    table = places_table([PARIS, MOSCOW, Place("z", "Zürich", 47.37, 8.54, None, 0)])
    rows = [["".join(cell.itertext()) for cell in row] for row in table.iter("tr")]
    assert rows == [
        ["Place", "Latitude", "Longitude", "Mentions"],
        ["Moscow", "55.7558°\u00a0N", "37.6173°\u00a0E", "1"],
        ["Paris", "48.8566°\u00a0N", "2.3522°\u00a0E", "3"],
        ["Zürich", "47.3700°\u00a0N", "8.5400°\u00a0E", "0"],
    ]
    assert [a.get("href") for a in table.iter("a")] == ["places.html#pl_moscow", "places.html#pl_paris"]


def test_output_is_the_same_whatever_the_input_order():
    places = [PARIS, MOSCOW, SEOUL, PANMUNJOM]
    assert to_html(map_section(places)) == to_html(map_section(list(reversed(places))))


def test_the_map_has_no_style_attribute_or_script():
    html = to_html(map_section([PARIS, MOSCOW]))
    assert "style=" not in html and "<script" not in html


# -- the bundled base map ------------------------------------------------------------------------


def test_the_bundled_base_map_has_the_worlds_countries():
    countries = {c["name"]: c for c in mapping.load_basemap()}
    assert len(countries) == 177
    west, south, east, north = countries["France"]["bbox"]
    assert west <= PARIS.lon <= east and south <= PARIS.lat <= north
    ring = countries["France"]["rings"][0]
    assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring)


def test_the_map_of_europe_draws_france_but_not_australia():
    svg = map_svg([PARIS, MOSCOW])
    land = svg.find(f"{S}g[@class='map-land']")
    assert land.get("aria-hidden") == "true"
    assert 10 < len(land) < 100, "only countries in view are drawn"


def test_the_licence_of_the_base_map_is_recorded_beside_it():
    readme = mapping.basemap_path().parent / "README.md"
    words = " ".join(readme.read_text(encoding="utf-8").replace("*", "").split())
    assert "in the public domain" in words and "under the ISC licence" in words
