"""Validate TEI documents: the work behind ``tei-edition validate``.

The pipeline, for a list of paths::

    files     = inputs.collect(paths)              # texts/ by default; folders searched for *.xml
    for each file:
        tree  = parsing.parse_bytes(...)            # not XML, empty: an error with its position
        schemas = --schema  or  <?xml-model?>  or  the project profile
        grammar (RELAX NG / XSD)  ->  Schematron (a .sch, or embedded in the RELAX NG)
    integrity.check(every parsed file at once)      # ids, pointers across files, dates, geo, idno
    -> ValidationReport: one FileReport per file, in input order

One bad file never stops the run: a file that cannot be read or parsed gets
its error and its verdict, and the others are checked as usual.
``schema_only`` keeps the grammar alone, as Jing does (no Schematron, no
integrity checks), so verdicts can be compared with Jing's.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tei_edition import inputs, integrity, resources, schematron, xmlmodel
from tei_edition.diagnostics import Diagnostic, FileReport, Report, Severity
from tei_edition.errors import ExitCode, InputProblem, TeiEditionError, UsageProblem, XMLProblem
from tei_edition.integrity import Document
from tei_edition.parsing import parse_bytes, parse_file
from tei_edition.xmlmodel import SchemaRef

PROFILE_GRAMMAR = "tei_edition.rng"
PROFILE_SCHEMATRON = "tei_edition.sch"
_KINDS = {".rng": "rng", ".xsd": "xsd", ".sch": "sch"}
_ROOT_KINDS = {xmlmodel.RNG_NS: "rng", xmlmodel.XSD_NS: "xsd", xmlmodel.SCH_NS: "sch"}


@dataclass
class ValidationReport(Report):
    """The report, plus what the command needs to decide its exit status."""

    strict: bool = False
    notes: list[str] = field(default_factory=list)  # e.g. Schematron rules skipped, once per schema
    unreadable: int = 0  # files that could not be read at all (I/O, not XML problems)

    def ok(self, strict: bool | None = None) -> bool:
        return super().ok(self.strict if strict is None else strict)

    @property
    def exit_code(self) -> int:
        if self.unreadable:
            return ExitCode.USAGE
        return ExitCode.OK if self.ok() else ExitCode.TEXT_ERRORS


def validate(
    paths=(),
    *,
    schema=None,
    schema_only: bool = False,
    strict: bool = False,
    catalogs=(),
    default: Path = inputs.DEFAULT_TEXTS,
) -> ValidationReport:
    """Check ``paths`` (files or folders; ``default`` when empty) and report.

    ``schema`` is a path or a list of paths (.rng, .xsd, .sch) used for every
    document instead of its ``<?xml-model?>`` instructions and the project
    profile.  ``catalogs`` are OASIS catalogs consulted before
    ``XML_CATALOG_FILES`` and the bundled one.  Raises UsageProblem or
    InputProblem (exit 2) for missing paths and unusable ``--schema`` files.
    """
    files = inputs.collect(paths, default=default)
    forced = _forced_schemas(schema, schema_only)
    run = _Run(schema_only=schema_only, catalog=xmlmodel.Catalog.default(catalogs))
    for ref in forced:  # fail early (exit 2) on a schema that cannot be used
        run.schema_for(ref)
    report = ValidationReport(strict=strict)
    documents = []
    for path in files:
        document = Document(path, FileReport(str(path)))
        report.files.append(document.report)
        if run.read(document):
            run.check(document, forced)
            documents.append(document)
        elif document.report.diagnostics and document.report.diagnostics[-1].rule == "unreadable":
            report.unreadable += 1
    if not schema_only:
        integrity.check(documents)
    for document in report.files:
        document.diagnostics = [_with_position(d) for d in document.diagnostics]
    report.notes = run.notes()
    return report


def _with_position(diagnostic: Diagnostic) -> Diagnostic:
    if diagnostic.line >= 1 and diagnostic.column >= 1:
        return diagnostic
    return dataclasses.replace(diagnostic, line=max(diagnostic.line, 1), column=max(diagnostic.column, 1))


def _forced_schemas(schema, schema_only: bool) -> list[SchemaRef]:
    if schema is None or schema == ():
        return []
    paths = [schema] if isinstance(schema, (str, os.PathLike)) else list(schema)
    refs = []
    for item in paths:
        path = Path(item)
        if not path.is_file():
            raise InputProblem(f"{path}: schema not found" if not path.exists() else f"{path}: not a file")
        kind = _KINDS.get(path.suffix.lower()) or _sniff(path)
        refs.append(SchemaRef(kind, path))
    if schema_only and not any(ref.is_grammar for ref in refs):
        raise UsageProblem("--schema-only checks a grammar: give a RELAX NG (.rng) or XSD (.xsd) schema")
    return refs


def _sniff(path: Path) -> str:
    if path.suffix.lower() == ".rnc":
        raise UsageProblem(f"{path}: RELAX NG compact syntax cannot be run; use the XML syntax (.rng), e.g. convert it with trang")
    try:
        namespace = etree.QName(parse_file(path).getroot()).namespace
    except XMLProblem as problem:
        raise InputProblem(f"{path}: not a usable schema: {problem}") from None
    kind = _ROOT_KINDS.get(namespace)
    if kind is None:
        raise UsageProblem(f"{path}: not a RELAX NG, XSD or ISO Schematron schema")
    return kind


class _Run:
    """The schemas loaded during one validation run, each loaded once."""

    def __init__(self, *, schema_only: bool, catalog: xmlmodel.Catalog):
        self.schema_only = schema_only
        self.catalog = catalog
        self._loaded: dict[tuple, object] = {}
        self._used_schematron: dict[int, schematron.Schematron] = {}

    # -- reading
    def read(self, document: Document) -> bool:
        report = document.report
        try:
            document.source = Path(document.path).read_bytes()
        except OSError as error:
            report.add(1, 1, "error", f"cannot read: {error.strerror or error}", "unreadable")
            return False
        try:
            document.tree = parse_bytes(document.source, document.path)
        except XMLProblem as problem:
            report.add(problem.line, problem.column, "error", problem.message, problem.rule)
            return False
        return True

    # -- schemas
    def schemas(self, document: Document, forced: list[SchemaRef]) -> list[SchemaRef]:
        if forced:
            refs = list(forced)
        else:
            models = xmlmodel.read(document.tree, document.path, self.catalog)
            for problem in models.problems:
                document.add(problem.pi, problem.severity, problem.message, "xml-model")
            refs = models.schemas if models.found else self._profile()
        if not self.schema_only:  # ODD-generated RELAX NG carries Schematron
            refs += [
                SchemaRef("sch", ref.path, ref.href, ref.phase, embedded=True) for ref in refs if ref.kind == "rng"
            ]
        unique = {}
        for ref in refs:
            unique.setdefault((ref.kind, os.path.abspath(ref.path), ref.phase), ref)
        return list(unique.values())

    def _profile(self) -> list[SchemaRef]:
        refs = []
        for name, kind in ((PROFILE_GRAMMAR, "rng"), (PROFILE_SCHEMATRON, "sch")):
            path = resources.schema(name)
            if not path.is_file():
                raise InputProblem(f"the project profile {name} is missing from {path.parent} (or pass --schema FILE)")
            refs.append(SchemaRef(kind, path))
        return refs

    def schema_for(self, ref: SchemaRef):
        """The loaded schema; raises TeiEditionError when it cannot be used."""
        key = (ref.kind, os.path.abspath(ref.path), ref.phase)
        if key not in self._loaded:
            try:
                if ref.kind == "sch":
                    loaded = schematron.load(ref.path, phase=ref.phase)
                else:
                    loaded = _grammar_class(ref.kind).load(ref.path)
            except TeiEditionError as error:
                loaded = error
            except (etree.LxmlError, OSError, ValueError) as error:
                loaded = InputProblem(f"{ref.path}: not a usable schema: {error}")
            self._loaded[key] = loaded
        loaded = self._loaded[key]
        if isinstance(loaded, TeiEditionError):
            raise loaded
        return loaded

    # -- checking one document
    def check(self, document: Document, forced: list[SchemaRef]) -> None:
        root = document.root
        if not self.schema_only and etree.QName(root).namespace is None:
            return  # integrity says "add xmlns=..."; grammar errors would only repeat it
        for ref in self.schemas(document, forced):
            if self.schema_only and not ref.is_grammar:
                continue
            try:
                loaded = self.schema_for(ref)
            except TeiEditionError as error:
                self._unusable(document, ref, error)
                continue
            if ref.kind == "sch":
                self._used_schematron[id(loaded)] = loaded
                found = loaded.validate(document.tree, document.where)
            else:
                found = loaded.validate(document.tree, source=document.source)
            document.report.diagnostics.extend(found)

    def _unusable(self, document: Document, ref: SchemaRef, error) -> None:
        pis = [pi for pi in xmlmodel.instructions(document.tree)
               if xmlmodel.pseudo_attributes(pi.text).get("href", "").strip() == ref.href] if ref.href else []
        node = pis[0] if pis else document.root
        document.add(node, "error", f"schema {ref.href or ref.path} cannot be used: {error}", "xml-model")

    def notes(self) -> list[str]:
        return [line for line in (schematron.summary(s) for s in self._used_schematron.values()) if line]

    def skipped(self) -> list[schematron.Skipped]:
        return [item for s in self._used_schematron.values() for item in s.skipped]


def _grammar_class(kind: str):
    try:
        from tei_edition import relaxng
    except ImportError:
        relaxng = None
    if kind == "rng":
        return relaxng.RelaxNG if relaxng is not None else _LxmlRelaxNG
    return getattr(relaxng, "XSD", None) or _LxmlXSD


# ---------------------------------------------------------------- adapters
# Temporary: plain lxml, until tei_edition.relaxng (the fast RELAX NG engine
# with real columns) is in the tree.  The XSD one stays if that module brings
# no XSD class.


class _LxmlGrammar:
    rule = "grammar"
    _cache: dict = {}

    def __init__(self, schema):
        self._schema = schema

    @classmethod
    def load(cls, path):
        key = (cls, os.path.abspath(path))
        if key not in cls._cache:
            tree = parse_file(path)
            try:
                cls._cache[key] = cls(cls._compile(tree))
            except etree.LxmlError as error:
                raise InputProblem(f"{path}: not a usable schema: {_first(error)}") from None
        return cls._cache[key]

    def validate(self, tree, source=None) -> list[Diagnostic]:
        if self._schema.validate(tree):
            return []
        found = []
        sourcemap = integrity.SourceMap(source, tree.docinfo.encoding) if source is not None else None
        for entry in self._schema.error_log:
            column = entry.column
            name = entry.message.split(":", 1)[0].removeprefix("Element ").strip() if entry.message.startswith("Element ") else ""
            if sourcemap is not None and name and " " not in name:
                tag = sourcemap.tag_before(entry.line, name.split("}")[-1])
                if tag is not None:
                    line, column = sourcemap.position(tag.start())
                    if line != entry.line:
                        column = entry.column
            found.append(Diagnostic(max(entry.line, 1), max(column, 1), Severity.ERROR, entry.message, self.rule))
        return found


def _first(error) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class _LxmlRelaxNG(_LxmlGrammar):
    rule = "relaxng"
    _compile = staticmethod(etree.RelaxNG)


class _LxmlXSD(_LxmlGrammar):
    rule = "xsd"
    _compile = staticmethod(etree.XMLSchema)
