"""``<?xml-model?>`` processing instructions and the catalogs that make them local.

TEI documents name their schemas the way the TEI community writes them::

    <?xml-model href="https://www.tei-c.org/release/xml/tei/custom/schema/relaxng/tei_all.rng"
                type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"?>
    <?xml-model href="https://www.tei-c.org/release/xml/tei/custom/schema/relaxng/tei_all.rng"
                type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"?>

(the second one means "the Schematron embedded in that RELAX NG schema").

For one document:

1. read the processing instructions before the root element and their
   pseudo-attributes (``href``, ``type``, ``schematypens``, ``phase``);
2. decide what each names: RELAX NG, XSD or Schematron (standalone, or
   embedded in a RELAX NG / XSD schema); anything else (RELAX NG compact
   syntax, DTD, NVDL, Schematron 1.5) is a warning, since lxml cannot run it;
3. find the schema on this machine: through the catalogs first
   (``--catalog`` files, then ``XML_CATALOG_FILES``, then the bundled
   ``schemas/catalog.xml``, which maps the tei-c.org URLs), then, for a
   relative ``href``, next to the document.  Nothing is ever fetched: a
   schema that is not here is reported with what to do about it.

The catalogs are OASIS XML Catalogs: ``uri``, ``rewriteURI``, ``uriSuffix``,
their ``system`` counterparts, ``group``, ``xml:base`` and ``nextCatalog``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from tei_edition.errors import InputProblem, TeiEditionError

RNG_NS = "http://relaxng.org/ns/structure/1.0"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
SCH_NS = "http://purl.oclc.org/dsdl/schematron"
SCH15_NS = "http://www.ascc.net/xml/schematron"
CATALOG_NS = "urn:oasis:names:tc:entity:xmlns:xml:catalog"
_C = f"{{{CATALOG_NS}}}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

_PSEUDO = r"""([A-Za-z_][\w.\-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')"""  # compiled (and cached) by re when first used

GRAMMARS = ("rng", "xsd")


class SchemaRef(NamedTuple):
    """One schema to run on a document."""

    kind: str  # "rng", "xsd" or "sch"
    path: Path  # a local file
    href: str = ""  # as written in the document (empty for --schema and the profile)
    phase: str | None = None
    embedded: bool = False  # Schematron taken from a .rng/.xsd

    @property
    def is_grammar(self) -> bool:
        return self.kind in GRAMMARS


class ModelProblem(NamedTuple):
    """An xml-model instruction that cannot be honoured."""

    pi: object  # the lxml processing instruction
    severity: str
    message: str


class Models:
    """What the xml-model instructions of one document ask for."""

    def __init__(self):
        self.schemas: list[SchemaRef] = []
        self.problems: list[ModelProblem] = []
        self.found = False  # the document has xml-model instructions at all


def instructions(tree) -> list:
    """The ``xml-model`` processing instructions before the root element, in order."""
    root = tree.getroot()
    found = [node for node in root.itersiblings(preceding=True) if _is_model(node)]
    return found[::-1]


def _is_model(node) -> bool:
    return isinstance(node, etree._ProcessingInstruction) and node.target == "xml-model"


def pseudo_attributes(text: str | None) -> dict[str, str]:
    """The ``name="value"`` pairs of a processing instruction, entities expanded."""
    from html import unescape  # (html.entities is a large table: imported only for a PI that needs it)

    return {m[1]: unescape(m[2] if m[2] is not None else m[3]) for m in re.finditer(_PSEUDO, text or "")}


def kind_of(attributes: dict[str, str]) -> tuple[str | None, bool, str | None]:
    """(kind, embedded, why-not) for one instruction's pseudo-attributes."""
    href = attributes.get("href", "")
    namespace = attributes.get("schematypens", "").strip()
    media_type = attributes.get("type", "").strip().lower()
    extension = os.path.splitext(urlsplit(href).path)[1].lower()
    if namespace == RNG_NS or (not namespace and extension in (".rng", ".rnc")):
        if media_type == "application/relax-ng-compact-syntax" or extension == ".rnc":
            return None, False, "RELAX NG compact syntax (.rnc) cannot be run: use the XML syntax (.rng), e.g. convert it with trang"
        return "rng", False, None
    if namespace == XSD_NS or (not namespace and extension == ".xsd"):
        return "xsd", False, None
    if namespace == SCH_NS or (not namespace and extension == ".sch"):
        return "sch", extension in (".rng", ".xsd"), None
    if namespace == SCH15_NS:
        return None, False, "Schematron 1.5 cannot be run: ISO Schematron (http://purl.oclc.org/dsdl/schematron) can"
    if media_type == "application/xml-dtd" or extension == ".dtd":
        return None, False, "DTD validation is not supported: use a RELAX NG or XSD schema"
    if namespace:
        return None, False, f'schemas of type "{namespace}" cannot be run (RELAX NG, XSD and ISO Schematron can)'
    return None, False, "cannot tell what kind of schema this is: add schematypens (RELAX NG, XSD or ISO Schematron)"


def read(tree, document: Path, catalog: Catalog) -> Models:
    """The schemas a document asks for, resolved to local files, and the problems."""
    models = Models()
    for pi in instructions(tree):
        models.found = True
        attributes = pseudo_attributes(pi.text)
        href = attributes.get("href", "").strip()
        if not href:
            models.problems.append(ModelProblem(pi, "warning", "<?xml-model?> without href is ignored"))
            continue
        kind, embedded, unsupported = kind_of(attributes)
        if unsupported:
            models.problems.append(ModelProblem(pi, "warning", f"schema {href}: {unsupported}"))
            continue
        path, missing = catalog.locate(href, document)
        if missing:
            models.problems.append(ModelProblem(pi, "error", missing))
            continue
        models.schemas.append(SchemaRef(kind, path, href, attributes.get("phase") or None, embedded))
    return models


# ---------------------------------------------------------------- catalogs


class _Entry(NamedTuple):
    kind: str  # uri, rewrite, suffix
    key: str
    target: str


class _CatalogFile:
    def __init__(self, path: Path):
        self.path = path
        self.entries: list[_Entry] = []
        self.next_catalogs: list[str] = []


class Catalog:
    """OASIS XML catalogs, consulted in order; the first match wins."""

    def __init__(self, files=(), *, required=()):
        self.files: list[_CatalogFile] = []
        self._loaded: set[str] = set()
        for path in required:
            self._load(Path(path), required=True)
        for path in files:
            self._load(Path(path), required=False)

    @classmethod
    def default(cls, extra=()) -> Catalog:
        """``extra`` (--catalog) files, then XML_CATALOG_FILES, then the bundled catalog."""
        from tei_edition import resources

        environment = []
        for item in os.environ.get("XML_CATALOG_FILES", "").split():
            environment.append(unquote(urlsplit(item).path) if item.startswith("file:") else item)
        try:
            bundled = [resources.schema("catalog.xml")]
        except resources.NotInstalled:
            bundled = []
        return cls([*environment, *bundled], required=extra)

    def _load(self, path: Path, *, required: bool) -> None:
        from tei_edition.parsing import parse_file

        key = os.path.abspath(path)
        if key in self._loaded:
            return
        self._loaded.add(key)
        if not path.is_file():
            if required:
                raise InputProblem(f"{path}: catalog not found")
            return
        try:
            tree = parse_file(path)
        except TeiEditionError as error:
            if required:
                raise InputProblem(f"{path}: not a usable catalog: {error}") from None
            return
        catalog = _CatalogFile(path)
        self.files.append(catalog)
        self._read(tree.getroot(), Path(key).as_uri(), catalog)
        for name in catalog.next_catalogs:
            self._load(Path(name), required=False)

    def _read(self, element, base: str, catalog: _CatalogFile) -> None:
        if element.get(XML_BASE):
            base = urljoin(base, element.get(XML_BASE))
        for child in element:
            if not isinstance(child.tag, str) or not child.tag.startswith(_C):
                continue
            local = child.tag[len(_C):]
            child_base = urljoin(base, child.get(XML_BASE)) if child.get(XML_BASE) else base
            if local == "group":
                self._read(child, base, catalog)
            elif local in ("uri", "system"):
                key = child.get("name") or child.get("systemId")
                if key and child.get("uri"):
                    catalog.entries.append(_Entry("uri", key, urljoin(child_base, child.get("uri"))))
            elif local in ("rewriteURI", "rewriteSystem"):
                key = child.get("uriStartString") or child.get("systemIdStartString")
                if key and child.get("rewritePrefix") is not None:
                    catalog.entries.append(_Entry("rewrite", key, urljoin(child_base, child.get("rewritePrefix"))))
            elif local in ("uriSuffix", "systemSuffix"):
                key = child.get("uriSuffix") or child.get("systemIdSuffix")
                if key and child.get("uri"):
                    catalog.entries.append(_Entry("suffix", key, urljoin(child_base, child.get("uri"))))
            elif local == "nextCatalog" and child.get("catalog"):
                target = urljoin(child_base, child.get("catalog"))
                catalog.next_catalogs.append(unquote(urlsplit(target).path) if target.startswith("file:") else target)

    def resolve(self, uri: str) -> str | None:
        """The URI that ``uri`` maps to, or None when no catalog knows it."""
        for catalog in self.files:
            exact = [e for e in catalog.entries if e.kind == "uri" and e.key == uri]
            if exact:
                return exact[0].target
            rewrites = [e for e in catalog.entries if e.kind == "rewrite" and uri.startswith(e.key)]
            if rewrites:
                best = max(rewrites, key=lambda e: len(e.key))
                return best.target + uri[len(best.key):]
            suffixes = [e for e in catalog.entries if e.kind == "suffix" and uri.endswith(e.key)]
            if suffixes:
                return max(suffixes, key=lambda e: len(e.key)).target
        return None

    def locate(self, href: str, document: Path) -> tuple[Path | None, str | None]:
        """(local path, None) or (None, a message saying what is missing and what to do)."""
        remote = bool(re.match(r"[A-Za-z][A-Za-z0-9+.\-]+:", href)) and not href.startswith("file:")
        mapped = self.resolve(href)
        if mapped is None and not remote:
            absolute = urljoin(Path(os.path.abspath(document)).as_uri(), href)
            mapped = self.resolve(absolute) or absolute
        detail = ""
        if mapped is not None and mapped.startswith("file:"):
            path = Path(unquote(urlsplit(mapped).path))
            if path.is_file():
                return path, None
            if not remote:
                return None, f"schema {href} named by <?xml-model?> not found (looked for {_shown(path)})"
            detail = f" (no copy at {_shown(path)})"
        elif mapped is not None:
            detail = f" (a catalog maps it to {mapped})"
        return None, (
            f"schema {href} is not available offline{detail}: download it and pass --schema FILE, "
            f"or map it to a local copy in a catalog (--catalog FILE)"
        )


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
