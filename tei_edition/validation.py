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
integrity checks), so verdicts can be compared with Jing's; with a
``schema`` given as well, the RELAX NG engine reads, parses and validates
the files itself, on every core (:meth:`tei_edition.relaxng.RelaxNG.validate_files`).
Schematron checks that XPath 1.0 cannot run are in ``report.skipped`` and,
one line per schema, in ``report.notes``.
"""

from __future__ import annotations

import os
from pathlib import Path

from typing import TYPE_CHECKING

from lxml import etree

from tei_edition import inputs, relaxng, resources, shares, xmlmodel
from tei_edition.diagnostics import Diagnostic, FileReport, Report
from tei_edition.errors import ExitCode, InputProblem, TeiEditionError, UsageProblem, XMLProblem
from tei_edition.parsing import parse_bytes, parse_file, read_bytes
from tei_edition.xmlmodel import SchemaRef

# integrity and schematron are imported when a run needs them: a
# --schema-only run never does, and it is the one timed against Jing.
if TYPE_CHECKING:
    from tei_edition import schematron
    from tei_edition.integrity import Document

PROFILE_GRAMMAR = "tei_edition.rng"
PROFILE_SCHEMATRON = "tei_edition.sch"
_KINDS = {".rng": "rng", ".xsd": "xsd", ".sch": "sch"}
_ROOT_KINDS = {xmlmodel.RNG_NS: "rng", xmlmodel.XSD_NS: "xsd", xmlmodel.SCH_NS: "sch"}


class ValidationReport(Report):
    """The report, plus what the command needs to decide its exit status."""

    def __init__(self, files: list[FileReport] | None = None, strict: bool = False,
                 notes: list[str] | None = None, skipped: list | None = None, unreadable: int = 0):
        super().__init__(files)
        self.strict = strict
        self.notes: list[str] = [] if notes is None else notes  # e.g. Schematron rules skipped, once per schema
        self.skipped: list = [] if skipped is None else skipped  # schematron.Skipped: the checks XPath 1.0 could not run
        self.unreadable = unreadable  # files that could not be read at all (I/O, not XML problems)

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
    jobs: int | None = None,
    executor=None,
    progress=None,
) -> ValidationReport:
    """Check ``paths`` (files or folders; ``default`` when empty) and report.

    ``schema`` is a path or a list of paths (.rng, .xsd, .sch) used for every
    document instead of its ``<?xml-model?>`` instructions and the project
    profile.  ``catalogs`` are OASIS catalogs consulted before
    ``XML_CATALOG_FILES`` and the bundled one.  Raises UsageProblem or
    InputProblem (exit 2) for missing paths and unusable ``--schema`` files.

    ``jobs`` workers (None: all cores; 1: this process) or an ``executor``
    (any :class:`concurrent.futures.Executor`, e.g. Dask's) do the
    per-document work: grammar, Schematron and the integrity checks of one
    document.  Pointers across documents are resolved here, on all of them.
    The report is the same whatever runs it (:mod:`tei_edition.workers`).
    ``progress(n)`` is called as each batch of ``n`` files is done.
    """
    files = inputs.collect(paths, default=default)
    forced = [ref for ref in _forced_schemas(schema, schema_only) if ref.is_grammar or not schema_only]
    run = _Run(schema_only=schema_only, catalogs=catalogs)
    for ref in forced:  # fail early (exit 2) on a schema that cannot be used
        run.schema_for(ref)
    report = ValidationReport(strict=strict)
    if schema_only and forced:
        _grammar_only(files, forced, run, report, jobs)
        return report
    from tei_edition import integrity, workers

    own = executor is None
    if own:
        executor = workers.make_executor(jobs, len(files))
    try:
        if not isinstance(executor, workers.InProcess):
            try:
                handoff = _Handoff.make() if own and workers.forks(executor) else None
            except OSError:  # no temporary file: the tables go with each task
                handoff = None
            if handoff is not None:
                _in_own_workers(files, forced, run, report, executor, progress, handoff)
            else:
                _in_workers(files, forced, run, report, executor, progress)
            return report
    finally:
        if own:
            executor.shutdown()
    read, documents = run.read_all(files)
    report.files.extend(document.report for document in read)
    run.check_all(documents, forced)
    if not schema_only:
        integrity.check(documents)
        for document in documents:
            _drop_repeats(document.report)
    if progress is not None:
        progress(len(files))
    _finish(report, run.notes(), run.skipped())
    return report


def compile_profile(catalogs=()) -> None:
    """Compile the project profile (grammar and Schematron) into this process's caches.

    For a caller that forks workers before :func:`validate` runs on them: they
    inherit the compiled profile instead of compiling it each.
    """
    run = _Run(schema_only=False, catalogs=catalogs)
    try:
        for ref in run._profile():
            run.schema_for(ref)
            if ref.kind == "rng":  # its embedded Schematron, as _Run.schemas asks for it
                run.schema_for(SchemaRef("sch", ref.path, ref.href, ref.phase, embedded=True))
    except TeiEditionError:
        pass  # reported per document when validate runs


def _finish(report: ValidationReport, notes, skipped) -> None:
    for document in report.files:
        document.diagnostics = [_with_position(d) for d in document.diagnostics]
    report.unreadable = sum(any(d.rule == "io" for d in f.diagnostics) for f in report.files)
    report.notes = notes
    report.skipped = skipped


def _in_workers(files, forced, run: "_Run", report: ValidationReport, executor, progress) -> None:
    """Everything per document on any ``executor``, in chunks; the unused-entry warnings here.

    Two rounds: first the tables of every document (its ids, register ids and
    entries: a parse and one walk), then, with the tables of all (sent with
    each task; a worker prepares them once), every check of a chunk,
    pointers included.  The first round is cheap, and each document is
    checked where it was parsed.
    """
    import uuid

    from tei_edition import integrity, workers

    _compile(forced, run)
    names = [str(p) for p in files]
    chunks = workers.chunks(names, workers.workers_of(executor))
    tables = links = None
    if not run.schema_only:
        tables = [t for part in workers.map_ordered(executor, _table_chunk, chunks) for t in part]
        links = (uuid.uuid4().hex, integrity.LinkTables(tables))
    tasks = [(chunk, forced, run.schema_only, tuple(run._catalogs), links) for chunk in chunks]
    outcomes = workers.map_ordered(executor, _check_chunk, tasks, progress, [len(c) for c in chunks])
    _gather(files, report, tables, outcomes)


def _compile(forced, run: "_Run") -> None:
    """The schemas, compiled here before the workers fork, so they inherit them."""
    if forced:
        for ref in forced:
            run.schema_for(ref)
    else:
        compile_profile(run._catalogs)


def _gather(files, report: ValidationReport, tables, outcomes) -> None:
    """The chunks' (reports, notes, skipped, used), in input order, into ``report``; the unused entries."""
    from tei_edition import integrity

    notes: list[str] = []
    skipped: list = []
    used: set = set()
    for reports, chunk_notes, chunk_skipped, chunk_used in outcomes:
        notes.extend(n for n in chunk_notes if n not in notes)
        skipped.extend(s for s in chunk_skipped if s not in skipped)
        report.files.extend(reports)
        used |= chunk_used
    if tables is not None:
        documents = [integrity.Document(path, file_report) for path, file_report in zip(files, report.files)]
        integrity.unused_entries(documents, tables, used)
        for document in documents:
            _drop_repeats(document.report)
    _finish(report, notes, skipped)


# Chunks for the workers of _in_own_workers, which take them one by one.
_SHARED_CHUNKS_PER_WORKER = 12
# ... and more for a large input: the last chunks (a third of the average size) should take
# tens of milliseconds, or one worker still checks its last chunk while the other waits.
_FILES_PER_LAST_CHUNKS = 50


def _in_own_workers(files, forced, run: "_Run", report: ValidationReport, executor, progress,
                    handoff: "_Handoff") -> None:
    """Everything per document on a local pool whose workers fork from here now; each file parsed once.

    The workers share a counter of chunks and a flag per chunk.  First each
    takes chunk after chunk from the counter, reads and parses it, runs the
    one-document integrity checks (whose walk makes the chunk's id tables)
    and sends the tables here, keeping the trees.  Then each worker checks
    its own chunks (grammar and Schematron; once the tables of all are here
    and handed over, :class:`_Handoff`, the pointers), then any chunk still
    unclaimed (parsing it again): the work is shared chunk by chunk to the
    end.  Results come back chunk by chunk through a queue.
    """
    global _SHARED
    import multiprocessing

    from tei_edition import workers

    with handoff:  # its file is removed whatever happens
        _compile(forced, run)
        count = workers.workers_of(executor)
        chunks = shares.tapering([str(p) for p in files],
                                 max(count * _SHARED_CHUNKS_PER_WORKER, len(files) // _FILES_PER_LAST_CHUNKS))
        context = multiprocessing.get_context("fork")
        key = handoff.key
        messages = context.Queue()
        counter, claimed = context.Value("i", 0), context.Array("b", len(chunks))
        _SHARED = (key, chunks, counter, claimed, messages, forced, run.schema_only, tuple(run._catalogs))
        try:
            futures = [executor.submit(_take_chunks, key) for _ in range(count)]
        finally:
            _SHARED = None  # the workers have it now
        try:
            tables, outcomes = _collect(chunks, futures, messages, handoff, progress)
        except BaseException:  # a worker failed, Ctrl-C: the others take no more chunks
            with counter.get_lock():
                counter.value = len(chunks)
            with claimed.get_lock():
                claimed[:] = [1] * len(chunks)
            raise
    _gather(files, report, None if run.schema_only else tables, [outcomes[n] for n in range(len(chunks))])


def _collect(chunks, futures, messages, handoff: "_Handoff", progress) -> tuple[list, dict]:
    """Here, for :func:`_in_own_workers`: the tables (handed over once all are in) and each chunk's outcome."""
    import queue as queues

    tables = None
    found: dict[int, list] = {}
    outcomes: dict[int, tuple] = {}
    while len(outcomes) < len(chunks):
        try:
            kind, number, payload = messages.get(timeout=0.05)
        except queues.Empty:
            failed = [f for f in futures if f.done() and f.exception() is not None]
            if failed:
                raise failed[0].exception()
            continue
        if kind == "table":
            found[number] = payload
            if len(found) == len(chunks):
                tables = [table for n in range(len(chunks)) for table in found[n]]
                handoff.give(tables)
        else:
            outcomes[number] = payload
            if progress is not None:
                progress(len(chunks[number]))
    for future in futures:
        future.result()
    return tables, outcomes


# What the workers of _in_own_workers share, set just before they fork: (key, chunks, the
# next chunk to parse, a flag per chunk once claimed for checking, the queue to the parent,
# forced, schema_only, catalogs).
_SHARED: tuple | None = None


def _take_chunks(key: str) -> None:
    """In a worker of :func:`_in_own_workers` (see there)."""
    from tei_edition import integrity

    shared = _SHARED
    if shared is None or shared[0] != key:
        raise RuntimeError("the validation's shared state did not reach this worker")
    _key, chunks, counter, claimed, messages, forced, schema_only, catalogs = shared

    def claim(number: int) -> bool:
        with claimed.get_lock():
            if claimed[number]:
                return False
            claimed[number] = 1
            return True

    mine = {}
    while True:
        with counter.get_lock():
            number = counter.value
            if number >= len(chunks):
                break
            counter.value = number + 1
        run = _Run(schema_only=schema_only, catalogs=catalogs)  # one per chunk: its notes, in chunk order
        documents, parsed = run.read_all(chunks[number])
        later = None
        if schema_only:
            table = [None] * len(documents)
        else:
            # The one-document integrity checks run now, once: the walk that makes the tables
            # is theirs.  Their findings wait, to follow the grammar's as in one process.
            marks = [len(d.report.diagnostics) for d in documents]
            table = integrity.summarise(documents, integrity.check(parsed, links=False))
            later = []
            for document, mark in zip(documents, marks):
                later.append(document.report.diagnostics[mark:])
                del document.report.diagnostics[mark:]
        messages.put(("table", number, table))
        mine[number] = (run, documents, parsed, later)
    tables = None  # every chunk is parsed: the tables come, and are waited for after the first grammar checks
    for number in [*mine, *range(len(chunks))]:
        if not claim(number):
            continue
        if number in mine:
            run, documents, parsed, later = mine.pop(number)
        else:  # another worker parsed it and has not got to it
            run = _Run(schema_only=schema_only, catalogs=catalogs)
            documents, parsed = run.read_all(chunks[number])
            later = None
        run.check_all(parsed, forced)
        used: set = set()
        if not schema_only:
            if later is None:
                integrity.check(parsed, links=False)
            else:
                for document, findings in zip(documents, later):
                    document.report.diagnostics.extend(findings)
            if tables is None:
                tables = _link_tables((key, None))
            used = integrity.check_links(parsed, tables)
        messages.put(("done", number, ([d.report for d in documents], run.notes(), run.skipped(), used)))


class _Handoff:
    """The link tables passed to forked workers through a file, once they are all read.

    Entered before the workers fork (they inherit the event and the file's
    name, as :data:`_LINK_TABLES` ``= (key, None, (event, path))``); a
    checking task waits for :meth:`give` before its pointer checks.  Leaving
    always releases the workers (with no tables, when the first round failed:
    they raise) and removes the file.
    """

    def __init__(self, key: str):
        self.key = key
        self.event = self.path = None

    @classmethod
    def make(cls) -> "_Handoff":
        """A handoff with its file made (OSError when there is no temporary folder to write)."""
        import multiprocessing
        import tempfile
        import uuid

        made = cls(uuid.uuid4().hex)
        handle, made.path = tempfile.mkstemp(prefix="tei-edition-links-", suffix=".pickle")
        os.close(handle)
        made.event = multiprocessing.get_context("fork").Event()
        return made

    def __enter__(self):
        global _LINK_TABLES
        _LINK_TABLES = (self.key, None, (self.event, self.path))
        return self

    def give(self, tables) -> None:
        import pickle

        with open(self.path, "wb") as stream:
            pickle.dump(tables, stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.event.set()

    def __exit__(self, *_exc) -> None:
        global _LINK_TABLES
        if not self.event.is_set():
            with open(self.path, "wb"):
                pass  # empty: no tables
            self.event.set()
        _LINK_TABLES = None
        try:
            os.unlink(self.path)
        except OSError:
            pass


def _table_chunk(paths: list[str]) -> list:
    """In a worker: the :func:`integrity.summarise` table of each path (None where it does not parse).
    What reading finds goes unreported here: the worker that checks the chunk reports it."""
    from tei_edition import integrity

    documents, _parsed = _Run(schema_only=False).read_all(paths)
    return [integrity.table(document) for document in documents]


# The link tables a worker has last been sent: (key, integrity.LinkTables), so that it
# prepares them once for all its chunks rather than once per chunk; in a forked
# worker, before they are read, (key, None, (event, path)) of their _Handoff.
_LINK_TABLES: tuple | None = None


def _link_tables(links):
    """In a worker: the LinkTables of ``links`` = (key, LinkTables or None: handed off)."""
    global _LINK_TABLES
    from tei_edition import integrity

    known = _LINK_TABLES  # read once: executors with threads share the global
    if known is not None and known[0] == links[0] and known[1] is not None:
        return known[1]
    if links[1] is not None:
        _LINK_TABLES = links
        return links[1]
    if known is None or known[0] != links[0]:
        raise RuntimeError("the link tables were handed to other workers")
    import pickle

    event, path = known[2]
    event.wait()
    with open(path, "rb") as stream:
        data = stream.read()
    if not data:
        raise RuntimeError("the link tables were not made")
    _LINK_TABLES = (links[0], integrity.LinkTables(pickle.loads(data)))
    return _LINK_TABLES[1]


def _check_chunk(task) -> tuple[list[FileReport], list[str], list, set]:
    """In a worker: read, parse, grammar, Schematron and integrity checks of a chunk of paths;
    the pointers against ``links`` (key, :class:`integrity.LinkTables` of every document), when given."""
    from tei_edition import integrity

    paths, forced, schema_only, catalogs, links = task
    run = _Run(schema_only=schema_only, catalogs=catalogs)
    read, documents = run.read_all(paths)
    run.check_all(documents, forced)
    used: set = set()
    if not schema_only:
        integrity.check(documents, links=False)
        if links is not None:
            used = integrity.check_links(documents, _link_tables(links))
    return [document.report for document in read], run.notes(), run.skipped(), used


def _grammar_only(files, forced, run, report, jobs=None) -> None:
    """``--schema-only --schema FILE``: the grammar engine reads, parses and validates on every core."""
    results: dict[str, list[Diagnostic]] = {}
    for ref in forced:
        for path, found in run.schema_for(ref).validate_files(files, jobs=jobs).items():
            known = results.setdefault(path, [])
            known.extend(d for d in found if d not in known)  # a parse error comes once per grammar
    for path in files:
        found = results.get(str(path), [])
        report.files.append(FileReport(str(path), [_with_position(d) for d in found]))
    report.unreadable = sum(any(d.rule == "io" for d in f.diagnostics) for f in report.files)


# Integrity findings that sit on an attribute whose value the grammar may also
# reject: at the same place, the integrity message says more ("month 13 does
# not exist", "first used on line 12"), so the grammar's is dropped.
_SAID_BETTER = frozenset({"date-format", "duplicate-id"})
_GRAMMAR_RULES = frozenset({"relaxng", "xsd"})


def _drop_repeats(report: FileReport) -> None:
    places = {(d.line, d.column) for d in report.diagnostics if d.rule in _SAID_BETTER}
    if places:
        report.diagnostics = [
            d for d in report.diagnostics if not (d.rule in _GRAMMAR_RULES and (d.line, d.column) in places)
        ]


def _with_position(diagnostic: Diagnostic) -> Diagnostic:
    if diagnostic.line >= 1 and diagnostic.column >= 1:
        return diagnostic
    return diagnostic._replace(line=max(diagnostic.line, 1), column=max(diagnostic.column, 1))


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

    def __init__(self, *, schema_only: bool, catalogs=()):
        self.schema_only = schema_only
        self._catalogs = catalogs
        self._catalog = xmlmodel.Catalog.default(catalogs) if catalogs else None  # a bad --catalog: exit 2 now
        self._loaded: dict[tuple, object] = {}
        self._used_schematron: dict[int, schematron.Schematron] = {}

    @property
    def catalog(self) -> xmlmodel.Catalog:
        if self._catalog is None:
            self._catalog = xmlmodel.Catalog.default(self._catalogs)
        return self._catalog

    # -- reading
    def read(self, document: Document) -> bool:
        report = document.report
        try:
            document.source = read_bytes(document.path)
        except OSError as error:
            report.add(1, 1, "error", f"cannot read: {error.strerror or error}", "io")
            return False
        try:
            document.tree = parse_bytes(document.source, document.path)
        except XMLProblem as problem:
            report.add(problem.line, problem.column, "error", problem.message, problem.rule)
            return False
        return True

    def read_all(self, paths) -> tuple[list[Document], list[Document]]:
        """A Document, with its report, for each of ``paths``, and those of them read and parsed."""
        from tei_edition import integrity

        documents = [integrity.Document(Path(path), FileReport(str(path))) for path in paths]
        return documents, [document for document in documents if self.read(document)]

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
                    from tei_edition import schematron  # not for a grammar alone (--schema-only)
                if ref.kind == "sch" and ref.path.suffix.lower() == ".rng":
                    embedded = relaxng.RelaxNG.load(ref.path).embedded_schematron
                    loaded = (
                        schematron.Schematron(ref.path.name)  # none: nothing to run
                        if embedded is None
                        else schematron.load(ref.path, phase=ref.phase, tree=embedded)
                    )
                elif ref.kind == "sch":
                    loaded = schematron.load(ref.path, phase=ref.phase)
                elif ref.kind == "xsd":
                    loaded = relaxng.XSD.load(ref.path)
                else:
                    loaded = relaxng.RelaxNG.load(ref.path)
            except TeiEditionError as error:
                loaded = error
            except (etree.LxmlError, OSError, ValueError) as error:
                loaded = InputProblem(f"{ref.path}: not a usable schema: {error}")
            self._loaded[key] = loaded
        loaded = self._loaded[key]
        if isinstance(loaded, TeiEditionError):
            raise loaded
        return loaded

    # -- checking
    def check_all(self, documents: list[Document], forced: list[SchemaRef]) -> None:
        plans = [(document, self._plan(document, forced)) for document in documents]
        # One grammar compiled for all the documents that use it, not one per new vocabulary.
        users: dict[int, tuple[object, list]] = {}
        for document, plan in plans:
            for ref, loaded in plan:
                if ref.is_grammar:
                    users.setdefault(id(loaded), (loaded, []))[1].append(document.tree)
        for grammar, trees in users.values():
            grammar.prepare(trees)
        for document, plan in plans:
            for ref, loaded in plan:
                if ref.kind == "sch":
                    self._used_schematron[id(loaded)] = loaded
                    found = loaded.validate(document.tree, document.where)
                else:
                    found = loaded.validate(document.tree, source=document.source)
                document.report.diagnostics.extend(found)

    def _plan(self, document: Document, forced: list[SchemaRef]) -> list[tuple[SchemaRef, object]]:
        """The loaded schemas to run on ``document`` (unusable ones are reported on it)."""
        if not self.schema_only and etree.QName(document.root).namespace is None:
            return []  # integrity says "add xmlns=..."; grammar errors would only repeat it
        plan = []
        unusable = set()
        for ref in self.schemas(document, forced):
            if self.schema_only and not ref.is_grammar:
                continue
            try:
                plan.append((ref, self.schema_for(ref)))
            except TeiEditionError as error:
                if os.path.abspath(ref.path) not in unusable:  # once, not again for its Schematron
                    unusable.add(os.path.abspath(ref.path))
                    self._unusable(document, ref, error)
        return plan

    def _unusable(self, document: Document, ref: SchemaRef, error) -> None:
        pis = [pi for pi in xmlmodel.instructions(document.tree)
               if xmlmodel.pseudo_attributes(pi.text).get("href", "").strip() == ref.href] if ref.href else []
        node = pis[0] if pis else document.root
        document.add(node, "error", f"schema {ref.href or ref.path} cannot be used: {error}", "xml-model")

    def notes(self) -> list[str]:
        from tei_edition import schematron

        return [line for line in (schematron.summary(s) for s in self._used_schematron.values()) if line]

    def skipped(self) -> list:
        return [item for s in self._used_schematron.values() for item in s.skipped]
