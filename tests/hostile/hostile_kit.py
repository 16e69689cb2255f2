"""Shared pieces of the hostile-input tests (issue 6): documents, projects, and the checks.

Not a test module: the test files in this folder import it (pytest puts the
folder on ``sys.path``; there is no ``__init__.py``, so ``from conftest import
ROOT`` works here as in ``tests/``).
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, TEXTS

TEI_NS = "http://www.tei-c.org/ns/1.0"
XI_NS = "http://www.w3.org/2001/XInclude"
SCHEMAS = ROOT / "schemas"
FIXTURES = ROOT / "tests" / "fixtures"
SECRET = "TOP-SECRET-6f1d2c"  # the content of the file no command may ever read

HEADER = (
    "<teiHeader><fileDesc><titleStmt><title>{title}</title></titleStmt>"
    "<publicationStmt><publisher>tei-edition tests</publisher><availability>"
    '<licence target="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</licence>'
    "</availability></publicationStmt><sourceDesc><p>Written for the tests</p></sourceDesc>"
    "</fileDesc></teiHeader>"
)


def tei(body: str = "<p>text</p>", *, title: str = "A text", doctype: str = "", root_attributes: str = "",
        header: str | None = None, back: str = "") -> str:
    """A TEI document that passes validation with the project profile (unless its parts do not)."""
    head = HEADER.format(title=title) if header is None else header
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
            f'<TEI xmlns="{TEI_NS}"{root_attributes}>\n{head}\n'
            f"<text><body>\n{body}\n</body></text>{back}\n</TEI>\n")


def project(tmp_path: Path, files: dict[str, str | bytes], *, secret: bool = True) -> Path:
    """A project folder ``tmp_path/proj`` with ``files`` (paths relative to it), and a secret beside it."""
    root = tmp_path / "proj"
    root.mkdir()
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    if secret:
        (tmp_path / "secret.txt").write_text(SECRET + "\n")
    return root


def copy_texts(destination: Path) -> Path:
    """The edition's texts/ and schemas/ (which the texts' <?xml-model?> name) under ``destination``."""
    shutil.copytree(TEXTS, destination / "texts")
    shutil.copytree(SCHEMAS, destination / "schemas")
    return destination


# -- commands -------------------------------------------------------------------

def build_available() -> bool:
    from tei_edition.cli import COMMANDS

    return "build" in COMMANDS


needs_build = pytest.mark.skipif(not build_available(), reason="`tei-edition build` is not registered in tei_edition/cli.py yet")


# -- what may never be seen -------------------------------------------------------

def file_texts(folder: Path):
    """(path, bytes) of every file under ``folder``, gzip members unpacked (Pagefind's are)."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        yield path, data
        if data[:2] == b"\x1f\x8b":
            try:
                yield path, gzip.decompress(data)
            except (OSError, EOFError):
                pass


def assert_no_secret(*outputs: str, folders=()) -> None:
    """The secret is in no message and in no file written (nor in the sources' copies)."""
    for text in outputs:
        assert SECRET not in text
    for folder in folders:
        if Path(folder).exists():
            for path, data in file_texts(Path(folder)):
                assert SECRET.encode() not in data, path
                assert SECRET.encode("utf-16-le") not in data, path


# -- safe HTML ----------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "background", "cite", "longdesc",
                  "usemap", "srcset", "manifest", "ping", "xlink:href", "{http://www.w3.org/1999/xlink}href"}
FORBIDDEN_ELEMENTS = {"iframe", "object", "embed", "base", "form", "frame", "frameset", "applet"}
_UNSAFE_SCHEME = re.compile(r"^(?:javascript|vbscript|data|file):", re.I)
_CONTROLS = re.compile(r"[\x00-\x20\x7f]+")


def unsafe_url(value: str) -> bool:
    """A URL a browser would treat as script, data or a local file (browsers drop white space and controls)."""
    return bool(_UNSAFE_SCHEME.match(_CONTROLS.sub("", value)))


def check_site_is_safe(site: Path) -> list[Path]:
    """Every HTML page of ``site``, parsed with lxml.html, has no script from the TEI.

    Allowed: ``<script src>`` naming a file the site ships, with no code in the
    element.  Forbidden anywhere: ``on*`` and ``style`` attributes, unsafe URLs
    in URL attributes, frames, objects, forms, ``<base>``, meta refresh.  Every
    page carries the Content-Security-Policy.  Returns the pages checked.
    """
    import lxml.html

    pages = sorted(site.rglob("*.html"))
    assert pages, f"no pages in {site}"
    for page in pages:
        raw = page.read_text(encoding="utf-8")
        root = lxml.html.document_fromstring(raw)
        where = page.relative_to(site)
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            tag = element.tag.lower()
            assert tag not in FORBIDDEN_ELEMENTS, f"{where}: <{tag}>"
            if tag == "script":
                source = element.get("src")
                assert source and not unsafe_url(source) and "://" not in source, f"{where}: inline or foreign script"
                assert not (element.text or "").strip(), f"{where}: code inside <script src>"
                assert (page.parent / source).is_file(), f"{where}: script {source} is not in the site"
            if tag == "meta":
                assert (element.get("http-equiv") or "").lower() != "refresh", f"{where}: meta refresh"
            for name, value in element.attrib.items():
                lowered = name.lower()
                assert not lowered.startswith("on"), f"{where}: <{tag} {name}={value!r}>"
                assert lowered != "style", f"{where}: <{tag} style={value!r}>"
                if lowered in URL_ATTRIBUTES:
                    assert not unsafe_url(value), f"{where}: <{tag} {name}={value!r}>"
        policies = root.xpath("//meta[translate(@http-equiv, 'CONTENTSPOLIY', 'contentspoliy')"
                              " = 'content-security-policy']/@content")
        assert policies and "default-src 'self'" in policies[0], f"{where}: no Content-Security-Policy"
        # and the raw text, tag by tag, in case the HTML parser repaired something a browser would not
        for tag in _TAG.finditer(raw):
            names = {m[1].lower(): m[2] for m in _ATTRIBUTE.finditer(tag[2])}
            assert not [n for n in names if n.startswith("on") or n == "style"], f"{where}: {tag[0]}"
            assert not [n for n, v in names.items() if n in URL_ATTRIBUTES and v and unsafe_url(v.strip("\"'"))], tag[0]
            if tag[1].lower() == "script":
                assert "src" in names, f"{where}: {tag[0]}"
        assert len(re.findall(r"<script\b", raw, re.I)) == len(root.xpath("//script")), where
    return pages


_VALUE = r"""(?:"[^"]*"|'[^']*'|[^\s>"']+)"""
_TAG = re.compile(rf"<([a-zA-Z][^\s/>]*)((?:\s+[^\s=/>]+(?:\s*=\s*{_VALUE})?)*)\s*/?>")
_ATTRIBUTE = re.compile(rf"\s+([^\s=/>]+)(?:\s*=\s*({_VALUE}))?")


def site_digest(folder: Path) -> dict[str, str]:
    """relative path -> sha256 of every file (and folder, as 'dir') under ``folder``."""
    import hashlib

    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[relative] = "link:" + os.readlink(path)
        elif path.is_dir():
            found[relative] = "dir"
        else:
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found
