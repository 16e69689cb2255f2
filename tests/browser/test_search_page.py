"""The search page in Chromium: Pagefind finds a word under the edition's Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from browser.conftest import describe_violations
from tei_edition import search

pytestmark = pytest.mark.skipif(search.pagefind_executable() is None, reason="Pagefind is not installed (pip install 'pagefind[extended]')")


def html(elements) -> str:
    return "".join(etree.tostring(e, method="html", encoding="unicode") for e in elements)


def page(title: str, main: str, *, policy: str, head: str = "", indexed: bool = True, base: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        f'<link rel="icon" href="data:,"><title>{title}</title>{head}</head>'
        f'<body><header><nav aria-label="Site"><a href="{base}index.html">Home</a> <a href="{base}search.html">Search</a></nav></header>'
        f'<main{" data-pagefind-body" if indexed else ""}><h1>{title}</h1>{main}</main></body></html>'
    )


def build_site(folder: Path, search_policy: str = search.SEARCH_PAGE_POLICY) -> Path:
    policy = search.CONTENT_SECURITY_POLICY
    (folder / "texts").mkdir(parents=True)
    (folder / "texts" / "review.html").write_text(
        page("The review", "<p>The armistice talks at Panmunjom dragged on.</p>", policy=policy, base="../"), encoding="utf-8"
    )
    (folder / "persons.html").write_text(page("Persons", "<p>Stalin, Iosif.</p>", policy=policy), encoding="utf-8")
    (folder / "index.html").write_text(page("Home", "<p>Welcome.</p>", policy=policy, indexed=False), encoding="utf-8")
    (folder / "search.html").write_text(
        page("Search", html(search.search_body()), policy=search_policy, head=html(search.search_head()), indexed=False),
        encoding="utf-8",
    )
    (folder / search.SCRIPT_NAME).write_text(search.search_script(), encoding="utf-8")
    search.index_site(folder)
    return folder


def test_search_finds_the_review_and_leads_to_it(tmp_path, serve, page, page_errors, axe, external_requests):
    base = serve(build_site(tmp_path / "site"))
    page.goto(base + "search.html")
    page.get_by_role("searchbox").or_(page.get_by_role("textbox")).first.fill("Panmunjom")
    result = page.locator(".pagefind-ui__result-link").first
    result.wait_for()
    assert page.locator(".pagefind-ui__result-link").count() == 1
    assert result.get_attribute("href") == "/texts/review.html"
    page.screenshot(path=str(tmp_path / "search-results.png"), full_page=True)
    violations = axe(page)
    assert violations == [], describe_violations(violations)

    result.click()
    page.wait_for_url(base + "texts/review.html")
    assert page.get_by_role("heading", level=1).inner_text() == "The review"
    assert page_errors == []
    assert external_requests == []


def test_a_query_in_the_address_is_run(tmp_path, serve, page, page_errors):
    base = serve(build_site(tmp_path / "site"))
    page.goto(base + "search.html?q=Stalin")
    page.locator(".pagefind-ui__result-link").first.wait_for()
    assert page.locator(".pagefind-ui__result-link").first.inner_text() == "Persons"
    assert page_errors == []


def test_without_wasm_unsafe_eval_search_breaks_where_pagefind_runs_on_the_page(tmp_path, serve, page, page_errors):
    """Why the search page's policy names 'wasm-unsafe-eval': with the worker refused, Pagefind compiles on the page."""
    without = search.CONTENT_SECURITY_POLICY + "; worker-src 'none'"
    base = serve(build_site(tmp_path / "site", without))
    page.goto(base + "search.html?q=Panmunjom")
    page.wait_for_timeout(1500)
    assert page.locator(".pagefind-ui__result-link").count() == 0
    assert any("WebAssembly" in error and "Content Security" in error for error in page_errors)


def test_opened_from_a_file_the_page_says_search_needs_a_server(tmp_path, page, page_errors):
    site = build_site(tmp_path / "site")
    page.goto((site / "search.html").as_uri())
    assert "python -m http.server" in page.locator("#search").inner_text()
