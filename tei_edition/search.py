"""Full-text search for a built site, with Pagefind, offline.

Pagefind (PyPI ``pagefind[extended]``, which ships the ``pagefind_extended``
binary) reads the finished HTML and writes a static index and its search UI
into ``pagefind/`` inside the site.  Searching happens in the reader's browser
(JavaScript and WebAssembly fetched from the site itself); no server code and
no network.

What pages must carry (the contract with the page templates):

* ``data-pagefind-body`` on the ``<main>`` element of every page that should be
  found (text pages and register pages).  Once one page has it, pages without
  it (home, search, chronology, map) are not indexed at all, and navigation,
  headers and footers outside ``<main>`` are never indexed.
* ``data-pagefind-ignore`` on parts of ``<main>`` that should not be searched
  (a table of contents, a back-link list).
* The result title is the page's first ``<h1>`` inside the body.
* One ``<html lang>`` for the whole site: the index is built for one language
  (``language``), so texts in several languages are found from one search box.

The search page: :func:`search_head` (the stylesheet) and :func:`search_body`
(the search box, a ``<noscript>`` note and two scripts), plus the small start
script :data:`SCRIPT_NAME` with the text of :func:`search_script`, written next
to the page.  No inline script anywhere: every page carries
:data:`CONTENT_SECURITY_POLICY` (:func:`csp_meta`), and the search page
:data:`SEARCH_PAGE_POLICY`, which adds ``'wasm-unsafe-eval'`` to ``script-src``
(and nothing looser) because Pagefind compiles WebAssembly.  Search needs the site to be
served over HTTP (``python -m http.server -d _site``); opened from a file the
start script says so instead of failing quietly.

If Pagefind is not installed, :func:`unavailable_reason` says so in a sentence
that ``build`` prints, and the rest of the site is built without search.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from tei_edition.errors import InputProblem

BUNDLE = "pagefind"  # the folder Pagefind writes inside the site
SCRIPT_NAME = "search.js"
# The policy for every page: only the site's own files, no inline script or
# style, no plugins, no <base>, forms only to the site.  img-src data: lets a
# page say "no favicon" (<link rel="icon" href="data:,">) and lets
# pagefind-ui.css draw its magnifier icon.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'"
)
# The search page adds 'wasm-unsafe-eval': Pagefind compiles WebAssembly, in a
# worker or, where the worker cannot start, on the page, and without it the
# search fails with a CompileError (tests/browser/test_search_page.py shows
# both).  Only the search page loads Pagefind, so only it gets this.
SEARCH_PAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'"
)
INSTALL_HINT = "pip install 'pagefind[extended]'"
TIMEOUT = 600  # seconds; Pagefind indexes thousands of pages in a few seconds


@dataclass(frozen=True)
class SearchIndex:
    """What Pagefind indexed: pages per language, and where the bundle is."""

    bundle: Path
    pages: dict[str, int]

    @property
    def page_count(self) -> int:
        return sum(self.pages.values())


def pagefind_executable() -> Path | None:
    """The Pagefind binary from the ``pagefind_bin_extended`` (or plain) wheel, or None."""
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            found = __import__(module).get_executable()
        except (ImportError, FileNotFoundError, AttributeError):
            continue
        if found and Path(found).is_file() and os.access(found, os.X_OK):
            return Path(found)
    return None


def pagefind_identity() -> str | None:
    """Which Pagefind would run (its path, size and time), for a build's cache key; None if none."""
    executable = pagefind_executable()
    if executable is None:
        return None
    try:
        status = executable.stat()
    except OSError:
        return None
    return f"{executable} {status.st_size} {status.st_mtime_ns}"


def unavailable_reason() -> str | None:
    """None when search can be built; otherwise the sentence ``build`` should print."""
    if pagefind_executable() is None:
        return f"search was left out: Pagefind is not installed ({INSTALL_HINT}); the rest of the site is complete"
    return None


def index_site(site_dir: str | os.PathLike, *, language: str = "en", threads: int | None = None) -> SearchIndex:
    """Index the HTML pages of ``site_dir`` and write the search bundle into it.

    ``language`` is an ISO 639-1 code for stemming; the whole site becomes one
    index in that language.  Raises InputProblem (exit 2) when Pagefind is
    missing or fails.
    """
    return start_indexing(site_dir, language=language, threads=threads).finish()


class Indexing:
    """Pagefind running on a site (:func:`start_indexing`); :meth:`finish` waits for it.

    Pagefind reads only the HTML pages (its default glob, ``**/*.html``), so a
    build may write its other files while it runs.
    """

    def __init__(self, site: Path, process: subprocess.Popen):
        self.site = site
        self.process = process

    def finish(self) -> SearchIndex:
        """Wait for Pagefind; the index it wrote, or InputProblem (exit 2) when it failed."""
        site = self.site
        try:
            stdout, stderr = self.process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired as error:
            self.stop()
            raise InputProblem(f"{site}: Pagefind did not run: {error}") from None
        if self.process.returncode != 0:
            said = [line.strip() for line in (stderr + stdout).splitlines() if line.strip()]
            said = list(dict.fromkeys(line.removeprefix("Error: ") for line in said))  # it repeats itself
            raise InputProblem(f"{site}: Pagefind failed (exit {self.process.returncode}): {' '.join(said[-4:])}")
        entry = site / BUNDLE / "pagefind-entry.json"
        try:
            languages = json.loads(entry.read_text(encoding="utf-8"))["languages"]
        except (OSError, ValueError, KeyError) as error:
            raise InputProblem(f"{entry}: Pagefind wrote no usable index: {error}") from None
        return SearchIndex(site / BUNDLE, {name: info.get("page_count", 0) for name, info in sorted(languages.items())})

    def stop(self) -> None:
        """End Pagefind (the build failed while it ran) and reap it."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()


def start_indexing(site_dir: str | os.PathLike, *, language: str = "en", threads: int | None = None) -> Indexing:
    """Start Pagefind on the HTML pages of ``site_dir``, which must all be written already.

    ``threads`` bounds the threads Pagefind works on (None: as many as it likes,
    one per core): ``build --jobs N`` gives it N, so that a build told to use one
    core does not take every core while Pagefind runs.
    """
    executable = pagefind_executable()
    if executable is None:
        raise InputProblem(f"cannot build the search index: Pagefind is not installed ({INSTALL_HINT})")
    site = Path(site_dir)
    command = [str(executable), "--site", str(site), "--output-subdir", BUNDLE, "--force-language", language, "--quiet"]
    try:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "NO_COLOR": "1", **({"RAYON_NUM_THREADS": str(threads)} if threads else {})},
        )
    except OSError as error:
        raise InputProblem(f"{site}: Pagefind did not run: {error}") from None
    return Indexing(site, process)


def search_script() -> str:
    """The start script, a file of its own so that the page needs no inline script.

    It also runs a search named in the address (``search.html?q=Stalin``), so a
    plain GET form on any page can lead here.
    """
    return (
        "// Starts Pagefind's search box in #search; runs ?q= from the address.\n"
        '"use strict";\n'
        'window.addEventListener("DOMContentLoaded", function () {\n'
        '  var box = document.getElementById("search");\n'
        '  if (window.location.protocol === "file:") {\n'
        "    // Browsers do not let a page read its neighbours from disk, which Pagefind must do.\n"
        '    box.textContent = "Search works when the edition is served, for example with: python -m http.server -d _site";\n'
        "    return;\n"
        "  }\n"
        '  var ui = new PagefindUI({ element: "#search", showImages: false, showSubResults: true });\n'
        "  // Pagefind's box has only a placeholder; a visible label serves every reader.\n"
        '  var input = box.querySelector("input");\n'
        "  if (input) {\n"
        '    input.id = "search-input";\n'
        '    var label = document.createElement("label");\n'
        '    label.htmlFor = "search-input";\n'
        '    label.className = "search-label";\n'
        '    label.textContent = "Search the edition";\n'
        "    box.insertBefore(label, box.firstChild);\n"
        "  }\n"
        '  var query = new URLSearchParams(window.location.search).get("q");\n'
        "  if (query) { ui.triggerSearch(query); }\n"
        "});\n"
    )


def search_head(base: str = "") -> list[etree._Element]:
    """Elements for the search page's ``<head>``; ``base`` leads to the site root ("" or "../")."""
    return [etree.Element("link", rel="stylesheet", href=f"{base}{BUNDLE}/pagefind-ui.css")]


def search_body(base: str = "") -> list[etree._Element]:
    """Elements for the search page's ``<main>``: the box, a note without JavaScript, the scripts."""
    box = etree.Element("div", id="search", role="search")
    box.set("aria-label", "Search the edition")
    note = etree.Element("noscript")
    paragraph = etree.SubElement(note, "p")
    paragraph.text = "Search needs JavaScript. Every text, person, place, organisation and work is also listed from the home page."
    scripts = [
        etree.Element("script", src=f"{base}{BUNDLE}/pagefind-ui.js"),
        etree.Element("script", src=f"{base}{SCRIPT_NAME}"),
    ]
    for script in scripts:
        script.text = ""  # <script></script>, never a self-closed tag
    return [box, note, *scripts]


def csp_meta(*, search_page: bool = False) -> etree._Element:
    """``<meta http-equiv="Content-Security-Policy">`` for any page, or for the search page."""
    policy = SEARCH_PAGE_POLICY if search_page else CONTENT_SECURITY_POLICY
    return etree.Element("meta", {"http-equiv": "Content-Security-Policy", "content": policy})
