"""Search: Pagefind indexes a built site offline; the search page's parts; Pagefind missing."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from lxml import etree

from tei_edition import search
from tei_edition.errors import InputProblem

needs_pagefind = pytest.mark.skipif(search.pagefind_executable() is None, reason="Pagefind is not installed (pip install 'pagefind[extended]')")


def page(title: str, text: str, *, body: bool = True, lang: str = "en") -> str:
    attribute = " data-pagefind-body" if body else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><nav><a href="index.html">Home of the Quibblewick edition</a></nav>'
        f"<main{attribute}><h1>{title}</h1><p>{text}</p>"
        f'<ul data-pagefind-ignore><li>Contents: Zorblatt</li></ul></main></body></html>'
    )


def tiny_site(folder: Path) -> Path:
    folder.mkdir()
    (folder / "texts").mkdir()
    (folder / "texts" / "review.html").write_text(page("The review", "Talks at Panmunjom went on for two years."), encoding="utf-8")
    (folder / "persons.html").write_text(
        page("Persons", "Stalin, Iosif Vissarionovich. Stalinu und Straße.", lang="de"), encoding="utf-8"
    )
    (folder / "index.html").write_text(page("Home", "Panmunjom appears on the home page too.", body=False), encoding="utf-8")
    return folder


def fragments(bundle: Path) -> list[dict]:
    """The indexed pages as Pagefind stores them (gzip, a signature, then JSON)."""
    found = []
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        found.append(json.loads(data[len(b"pagefind_dcd") :]))
    return sorted(found, key=lambda fragment: fragment["url"])


@needs_pagefind
def test_index_a_tiny_site_and_find_a_word_on_one_page(tmp_path):
    site = tiny_site(tmp_path / "site")
    index = search.index_site(site)
    assert index.bundle == site / "pagefind"
    assert index.pages == {"en": 2}, "one index for the whole site, whatever each page's lang"
    assert (site / "pagefind" / "pagefind-ui.js").is_file() and (site / "pagefind" / "pagefind-ui.css").is_file()
    pages = fragments(index.bundle)
    assert [p["url"] for p in pages] == ["/persons.html", "/texts/review.html"], "the home page has no data-pagefind-body"
    with_word = [p["url"] for p in pages if "Panmunjom" in p["content"]]
    assert with_word == ["/texts/review.html"]
    assert pages[1]["meta"]["title"] == "The review"
    for indexed in pages:
        assert "Quibblewick" not in indexed["content"], "navigation outside <main> is not indexed"
        assert "Zorblatt" not in indexed["content"], "data-pagefind-ignore is honoured"


@needs_pagefind
def test_the_same_site_gives_the_same_index_bytes(tmp_path):
    one = tiny_site(tmp_path / "one")
    two = tiny_site(tmp_path / "two")
    search.index_site(one)
    search.index_site(two)
    files_one = {p.relative_to(one): p.read_bytes() for p in sorted(one.rglob("*")) if p.is_file()}
    files_two = {p.relative_to(two): p.read_bytes() for p in sorted(two.rglob("*")) if p.is_file()}
    assert files_one == files_two


@needs_pagefind
def test_a_site_without_pages_is_a_clear_error(tmp_path):
    with pytest.raises(InputProblem) as caught:
        search.index_site(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path}: Pagefind failed (exit 1): Pagefind was not able to build an index.")
    assert message.count("not able to build") == 1


def test_without_pagefind_build_is_told_why_search_is_left_out(monkeypatch, tmp_path):
    monkeypatch.setattr(search, "pagefind_executable", lambda: None)
    assert search.unavailable_reason() == (
        "search was left out: Pagefind is not installed (pip install 'pagefind[extended]'); the rest of the site is complete"
    )
    with pytest.raises(InputProblem, match=r"Pagefind is not installed"):
        search.index_site(tmp_path)


def test_the_search_page_parts_have_no_inline_script():
    html = "".join(etree.tostring(e, method="html", encoding="unicode") for e in [*search.search_head("../"), *search.search_body("../")])
    assert html == (
        '<link rel="stylesheet" href="../pagefind/pagefind-ui.css">'
        '<div id="search" role="search" aria-label="Search the edition"></div>'
        "<noscript><p>Search needs JavaScript. Every text, person, place, organisation and work is also listed "
        "from the home page.</p></noscript>"
        '<script src="../pagefind/pagefind-ui.js"></script>'
        '<script src="../search.js"></script>'
    )
    script = search.search_script()
    assert "PagefindUI" in script and "<" not in script


def test_the_content_security_policies_are_strict_apart_from_what_pagefind_needs():
    def directives(policy):
        return dict(part.strip().split(" ", 1) for part in policy.split(";"))

    every_page = directives(search.CONTENT_SECURITY_POLICY)
    search_page = directives(search.SEARCH_PAGE_POLICY)
    assert every_page["default-src"] == "'self'" and "script-src" not in every_page
    assert search_page.pop("script-src") == "'self' 'wasm-unsafe-eval'"
    assert search_page == every_page, "the search page differs only by what WebAssembly needs"
    for policy in (search.CONTENT_SECURITY_POLICY, search.SEARCH_PAGE_POLICY):
        assert "unsafe-inline" not in policy and "'unsafe-eval'" not in policy
    assert search.csp_meta().get("content") == search.CONTENT_SECURITY_POLICY
    assert search.csp_meta(search_page=True).get("content") == search.SEARCH_PAGE_POLICY


@needs_pagefind
@pytest.mark.parametrize(("threads", "expected"), [(1, "1"), (3, "3"), (None, None)])
def test_pagefind_gets_as_many_threads_as_build_has_jobs(tmp_path, monkeypatch, threads, expected):
    """``build --jobs 1`` must not let Pagefind take every core; without --jobs it may."""
    seen = []
    real = search.subprocess.Popen

    def popen(command, **options):
        seen.append(options["env"].get("RAYON_NUM_THREADS"))
        return real(command, **options)

    monkeypatch.setattr(search.subprocess, "Popen", popen)
    monkeypatch.delenv("RAYON_NUM_THREADS", raising=False)
    assert search.index_site(tiny_site(tmp_path / "site"), threads=threads).pages == {"en": 2}
    assert seen == [expected]
