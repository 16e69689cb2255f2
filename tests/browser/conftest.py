"""Fixtures for tests in a real browser: a local server, Chromium via Playwright, axe-core.

* ``serve(folder)`` serves a folder on 127.0.0.1 (a free port, a thread) and
  returns its base URL; the server stops after the test.
* ``browser`` is Debian's Chromium (``/usr/bin/chromium``, or
  ``TEI_EDITION_CHROMIUM``) started by Playwright, headless, with the flags this
  machine needs (see the tool library's ``env`` notes: without the
  background-networking flags Chromium keeps trying to reach the internet).
  Playwright gives each launch a fresh, empty profile folder.
* ``page`` is a new page in a new context.  Every request that does not go to
  127.0.0.1, localhost or a local file is aborted and recorded in ``external_requests``, so a
  site that needs the network fails its tests instead of quietly working here.
  ``page_errors`` collects script errors, console errors and CSP violations.
* ``axe(page)`` runs axe-core on the page and returns the violations of impact
  serious or critical.  axe.min.js comes from ``TEI_EDITION_AXE_JS`` (``.ci/run``
  installs ``axe-core@4`` with npm and sets it); nothing is fetched at test time.

Each fixture skips its test with a one-line reason where its tool is missing.
"""

from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("TEI_EDITION_CHROMIUM", "/usr/bin/chromium"))
# launch(headless=True) adds --headless; these are the rest of the env notes' flags.
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
AXE_VARIABLE = "TEI_EDITION_AXE_JS"
SERIOUS = ("serious", "critical")
LOCAL = ("http://127.0.0.1:", "http://localhost:", "file:", "data:", "about:", "blob:")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


@pytest.fixture
def serve():
    """serve(folder) -> "http://127.0.0.1:PORT/"; every server stops when the test ends."""
    running = []

    def start(folder) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name=f"serve {folder}", daemon=True)
        thread.start()
        running.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def external_requests() -> list[str]:
    return []


@pytest.fixture
def page(browser, external_requests):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB", service_workers="block")

    def refuse(route):
        external_requests.append(route.request.url)
        route.abort("blockedbyclient")

    context.route(lambda url: not url.startswith(LOCAL), refuse)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture
def page_errors(page) -> list[str]:
    """Uncaught script errors and console errors (CSP violations among them) of ``page``."""
    found: list[str] = []
    page.on("pageerror", lambda error: found.append(f"script error: {error}"))
    page.on("console", lambda message: found.append(f"console {message.type}: {message.text}") if message.type == "error" else None)
    return found


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = os.environ.get(AXE_VARIABLE, "")
    if not path or not Path(path).is_file():
        pytest.skip(f"axe-core is missing: set {AXE_VARIABLE} to axe.min.js (npm install axe-core@4; .ci/run does)")
    return Path(path).read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source):
    """axe(page, impacts=("serious", "critical")) -> the violations of those impacts, as axe reports them."""

    def run(page, impacts=SERIOUS, options=None) -> list[dict]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated through the DevTools protocol, so the page's own
            # Content-Security-Policy (no inline script) does not block it.
            page.evaluate(axe_source)
        result = page.evaluate(
            "options => axe.run(document, options)",
            {"resultTypes": ["violations"], **(options or {})},
        )
        return [violation for violation in result["violations"] if violation["impact"] in impacts]

    return run


def describe_violations(violations: list[dict]) -> str:
    """One line per violation and element, for an assertion message."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -- {' '.join(map(str, node['target']))}")
    return "\n".join(lines)
