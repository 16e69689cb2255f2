"""The browser harness works: serve a page, click, fragment, screenshot, axe, offline guard."""

from __future__ import annotations

from browser.conftest import describe_violations

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'">
<title>Harness check</title>
</head>
<body>
<header><nav aria-label="Contents"><a href="#notes">Go to the notes</a> · <a href="other.html">Another page</a></nav></header>
<main>
<h1>A page</h1>
<p>Some text long enough to scroll.</p>
{filler}
<h2 id="notes">Notes</h2>
<p>The end.</p>
</main>
</body>
</html>
""".replace("{filler}", "<p>Filler.</p>\n" * 200)

BROKEN = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Broken</title></head>
<body><main><h1>Broken</h1><img src="x.png"><a href="#"></a>
<script src="https://cdn.example.org/lib.js"></script></main></body></html>
"""


def test_the_harness_opens_clicks_screenshots_and_runs_axe(tmp_path, serve, page, page_errors, axe, external_requests):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(PAGE, encoding="utf-8")
    (site / "other.html").write_text(PAGE.replace("A page", "Another page"), encoding="utf-8")
    base = serve(site)

    page.goto(base + "index.html")
    page.get_by_role("link", name="Go to the notes").click()
    assert page.url == base + "index.html#notes"
    assert page.evaluate("() => window.scrollY") > 1000, "the browser scrolled to the fragment"
    screenshot = tmp_path / "harness.png"
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 1000

    page.get_by_role("link", name="Another page").click()
    page.wait_for_url(base + "other.html")
    assert page.get_by_role("heading", level=1).inner_text() == "Another page"

    violations = axe(page)
    assert violations == [], describe_violations(violations)
    assert page_errors == []
    assert external_requests == []


def test_the_harness_sees_what_is_wrong(tmp_path, serve, page, page_errors, axe, external_requests):
    """A control: missing alt text, an empty link and a CDN script are all caught."""
    (tmp_path / "index.html").write_text(BROKEN, encoding="utf-8")
    page.goto(serve(tmp_path) + "index.html")
    found = {violation["id"] for violation in axe(page)}
    assert {"image-alt", "link-name"} <= found
    assert external_requests == ["https://cdn.example.org/lib.js"]
    assert any("x.png" in error or "404" in error for error in page_errors)
