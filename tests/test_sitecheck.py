"""The site checks themselves, on tiny good and bad sites."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from sitecheck import broken_links, html_errors, unsafe_urls, validator_missing


def page(title: str, body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n'
        f"<title>{title}</title>{head}\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    )


def write(site: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return site


GOOD = {
    "index.html": page(
        "Home",
        '<p id="intro">Start.</p>\n'
        '<ul>\n'
        '<li><a href="texts/review.html#p1">The review</a></li>\n'
        '<li><a href="persons.html#stalin">Stalin</a></li>\n'
        '<li><a href="texts/">All texts</a></li>\n'
        '<li><a href="texts">All texts, no slash</a></li>\n'
        '<li><a href="Sub%20Folder/page%20one.html">A page with spaces</a></li>\n'
        '<li><a href="texts/%C3%9Cbersicht.html#%C3%BC">Übersicht</a></li>\n'
        '<li><a href="#top">Top</a> <a href="#">Top again</a> <a href="#intro">Intro</a> <a href="?q=x">Query</a></li>\n'
        '<li><a href="https://example.org/missing.html#nothing">External</a> <a href="mailto:editor@example.org">Mail</a></li>\n'
        '<li><a href="data/review.xml#p1">TEI source</a></li>\n'
        "</ul>\n"
        '<img src="img/a%20b.png" srcset="img/a%20b.png 1x, img/big.png 2x" alt="A picture">\n'
        '<svg viewBox="0 0 10 10" aria-labelledby="t"><title id="t">Map</title><a href="persons.html#stalin"><circle r="1"></circle></a></svg>',
    ),
    "persons.html": page("Persons", '<section id="stalin"><h2>Stalin</h2></section>'),
    "texts/index.html": page("Texts", '<p><a href="review.html">Review</a> <a href="../index.html#intro">Home</a></p>'),
    "texts/review.html": page("Review", '<p id="p1">Text. <a href="../persons.html#stalin">Stalin</a></p>'),
    "texts/Übersicht.html": page("Übersicht", '<p id="ü">Umlaut.</p>'),
    "Sub Folder/page one.html": page("Page one", '<p><a href="../index.html#intro">Home</a></p>'),
    "data/review.xml": "<TEI/>",
    "img/a b.png": "not really a png",
    "img/big.png": "not really a png",
}


def test_a_good_site_has_no_broken_links(tmp_path):
    site = write(tmp_path / "site", GOOD)
    assert broken_links(site) == []
    assert unsafe_urls(site) == []


def test_an_old_style_named_anchor_is_a_target(tmp_path):
    site = write(tmp_path / "site", {"a.html": '<p><a name="old"></a><a href="#old">up</a> <a href="#gone">x</a></p>'})
    assert broken_links(site) == ["a.html:1: <a href=\"#gone\">: no element with id 'gone' in a.html"]


def test_each_kind_of_broken_link_is_reported_with_its_place(tmp_path):
    site = write(tmp_path / "site", GOOD)
    (site / "empty").mkdir()
    write(
        site,
        {
            "bad.html": page(
                "Bad",
                '<p id="here">\n'
                '<a href="nothere.html">missing file</a>\n'
                '<a href="persons.html#lenin">missing fragment</a>\n'
                '<a href="#nowhere">missing fragment on this page</a>\n'
                '<a href="/persons.html">root-relative</a>\n'
                '<a href="../../../etc/passwd">outside</a>\n'
                '<a href="empty/">folder without index.html</a>\n'
                '<a href="Sub Folder/page%2520one.html">encoded twice</a>\n'
                '<img src="img/missing.png" srcset="img/a%20b.png 1x, img/gone.png 2x" alt="">\n'
                "</p>",
            ),
        },
    )
    assert broken_links(site) == [
        'bad.html:12: <a href="nothere.html">: no such file: nothere.html',
        'bad.html:13: <a href="persons.html#lenin">: no element with id \'lenin\' in persons.html',
        'bad.html:14: <a href="#nowhere">: no element with id \'nowhere\' in bad.html',
        'bad.html:15: <a href="/persons.html">: a link from the site root; the edition must work from any folder (use a relative link)',
        'bad.html:16: <a href="../../../etc/passwd">: leads outside the site',
        'bad.html:17: <a href="empty/">: no such file: empty/index.html',
        'bad.html:18: <a href="Sub Folder/page%2520one.html">: no such file: Sub Folder/page%20one.html',
        'bad.html:19: <img src="img/missing.png">: no such file: img/missing.png',
        'bad.html:19: <img srcset="img/gone.png">: no such file: img/gone.png',
    ]


def test_unsafe_schemes_are_reported(tmp_path):
    site = write(
        tmp_path / "site",
        {
            "index.html": page(
                "Unsafe",
                '<a href="javascript:alert(1)">a</a>\n'
                '<a href="  JavaScript:alert(2)">b</a>\n'
                '<a href="data:text/html,&lt;script&gt;">c</a>\n'
                '<img src="vbscript:msgbox(3)" alt="">\n'
                '<a href="https://example.org/">fine</a> <a href="mailto:x@example.org">fine</a>',
            )
        },
    )
    assert unsafe_urls(site) == [
        'index.html:11: <a href="javascript:alert(1)">: scheme javascript: is not allowed',
        'index.html:12: <a href="  JavaScript:alert(2)">: scheme javascript: is not allowed',
        'index.html:13: <a href="data:text/html,<script>">: scheme data: is not allowed',
        'index.html:14: <img src="vbscript:msgbox(3)">: scheme vbscript: is not allowed',
    ]
    assert broken_links(site) == [], "links with a scheme are not followed"


# -- the Nu HTML Checker ---------------------------------------------------------------------


@pytest.mark.skipif(validator_missing() is not None, reason=str(validator_missing()))
def test_the_validator_passes_good_pages_and_reports_bad_ones(tmp_path):
    """One run of the checker (a Java start costs seconds) over good pages, bad pages and our fragments."""
    from tei_edition import mapping, search

    def html(elements) -> str:
        return "".join(etree.tostring(e, method="html", encoding="unicode") for e in elements)

    places = [
        mapping.Place("pl1", "Paris <&>", 48.86, 2.35, "persons.html#stalin", 2),
        mapping.Place("pl2", "Moscow", 55.75, 37.62, None, 1),
    ]
    files = dict(GOOD)
    files["map.html"] = page("Map", mapping.to_html(mapping.map_section(places)), head=html([search.csp_meta()]))
    files["search.html"] = page(
        "Search", html(search.search_body()), head=html([search.csp_meta(search_page=True), *search.search_head()])
    )
    files["bad.html"] = (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Bad</title></head>\n<body>\n'
        '<p id="a">One</p><p id="a">Two</p>\n'
        "<div><li>Not in a list</li></div>\n"
        '<img src="img/big.png">\n'
        "</body>\n</html>\n"
    )
    site = write(tmp_path / "site", files)
    errors = html_errors(site)
    good = [e for e in errors if not e.startswith("bad.html:")]
    assert good == [], "\n".join(good)
    bad = [e.split(": ", 1)[1] for e in errors]
    assert any(message.startswith("Duplicate ID “a”") for message in bad)
    assert any("“li” not allowed as child of element “div”" in message for message in bad)
    assert any("“img” element must have an “alt” attribute" in message for message in bad)
    assert all(e.startswith(("bad.html:5:", "bad.html:6:", "bad.html:7:")) for e in errors), errors


def test_a_missing_validator_is_a_reason_not_a_crash(monkeypatch):
    import sitecheck

    monkeypatch.setenv(sitecheck.VNU_VARIABLE, "/nonexistent/vnu.jar")
    reason = validator_missing()
    assert reason is None or reason.startswith(("Java is missing", "the Nu HTML Checker is missing"))
    if reason:
        with pytest.raises(RuntimeError, match="missing"):
            html_errors(".")
