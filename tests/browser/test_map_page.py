"""The map in Chromium: offline, accessible, and each point leads to its register entry."""

from __future__ import annotations

from browser.conftest import describe_violations
from tei_edition.mapping import Place, map_section, to_html
from tei_edition.search import CONTENT_SECURITY_POLICY

PLACES = [
    Place("pl_paris", "Paris", 48.8566, 2.3522, "places.html#pl_paris", 3),
    Place("pl_moscow", "Moscow", 55.7558, 37.6173, "places.html#pl_moscow", 1),
    Place("pl_geneva", "Genève <Genf>", 46.2044, 6.1432, "places.html#pl_geneva", 2),
]


def document(title: str, main: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        f'<link rel="icon" href="data:,"><title>{title}</title></head>'
        f"<body><main><h1>{title}</h1>{main}</main></body></html>"
    )


def test_the_map_is_accessible_and_its_points_link_to_the_register(tmp_path, serve, page, page_errors, axe, external_requests):
    (tmp_path / "map.html").write_text(document("Map", to_html(map_section(PLACES))), encoding="utf-8")
    entries = "".join(f'<section id="{p.id}"><h2>{p.label.replace("<", "&lt;")}</h2>{"<p>.</p>" * 80}</section>' for p in PLACES)
    (tmp_path / "places.html").write_text(document("Places", entries), encoding="utf-8")
    base = serve(tmp_path)

    page.goto(base + "map.html")
    page.screenshot(path=str(tmp_path / "map.png"), full_page=True)
    violations = axe(page)
    assert violations == [], describe_violations(violations)

    moscow = page.get_by_role("link", name="Moscow, 1 mention")
    moscow.focus()
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "places.html#pl_moscow"
    moscow.click()
    page.wait_for_url(base + "places.html#pl_moscow")

    page.go_back()
    page.get_by_role("table").get_by_role("link", name="Genève <Genf>").click()
    page.wait_for_url(base + "places.html#pl_geneva")
    assert page_errors == []
    assert external_requests == []
