"""RELAX NG validation with Jing's verdicts, at the speed of a small grammar.

libxml2 (through lxml) validates fast but compiles the whole of tei_all in
5-14 s.  Most of that grammar can never match a given set of documents, so
this module hands libxml2 only the part that can.  The steps, from
:meth:`RelaxNG.load` to :meth:`RelaxNG.validate`:

1. **Load** (:mod:`~tei_edition.rng.simplify`).  Read the schema, its
   includes and external references through :mod:`tei_edition.parsing`, and
   simplify it into one flat grammar of tuples.  Done once per process per
   file (path, size, mtime), and kept on disk by a digest of the schema
   (:mod:`~tei_edition.rng.store`), so a later run does not even unmarshal it
   unless a grammar must be pruned or an error worded.
2. **Vocabulary** (:mod:`~tei_edition.rng.vocabulary`).  For the documents at
   hand: each element name with the names of its children and attributes.
3. **Prune** (:mod:`~tei_edition.rng.prune`).  Rewrite the grammar for that
   vocabulary; every rewrite is verdict-preserving for documents made of those
   names (the argument is in that module).  Write it as RELAX NG XML
   (:mod:`~tei_edition.rng.emit`); kept on disk by (schema, vocabulary).
4. **Compile**.  libxml2 compiles the small grammar (about 6 ms for tei_all
   and the 113 Mächtekongresse editions).  A compiled grammar serves every
   document whose vocabulary it covers; :meth:`RelaxNG.prepare` and
   :meth:`RelaxNG.prepare_files` compile once for the union of many
   documents (call one of them before validating many documents one by one:
   otherwise each document that brings new names costs a new compile).
5. **Validate**.  libxml2 gives the verdict.  For an invalid document its
   errors become :class:`~tei_edition.diagnostics.Diagnostic` s
   (:mod:`~tei_edition.rng.messages`): the element comes from libxml2's node
   path; each report is checked against the full grammar with the derivative
   algorithm Jing uses (:mod:`~tei_edition.rng.expect`), which drops the
   echoes libxml2's backtracking produces and puts each problem where Jing
   finds it; the line is Jing's and the column that of the tag, attribute or
   text to fix (:mod:`~tei_edition.rng.positions`); the words say what was
   expected there.

:meth:`RelaxNG.validate_files` runs steps 2-5 for many files on all usable
cores (``fork``), each worker with the grammar for its share of the files,
and remembers each share's vocabulary by the files' content hashes.

:class:`XSD` offers the same ``load``/``validate``/``validate_files`` for
W3C XML Schema (lxml's XMLSchema; no pruning needed; a schema that includes
or imports other files cannot be used, as the parser policy refuses to load
external resources).  :func:`load_schema` picks the class by extension.
"""

from __future__ import annotations

import gc
import marshal
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from stat import S_ISREG

from lxml import etree

from tei_edition.diagnostics import Diagnostic, Severity
from tei_edition.errors import InputProblem, TeiEditionError, XMLProblem
from tei_edition import fingerprints, shares
from tei_edition.parsing import (expand_xinclude, has_xinclude, identity, mentions_xinclude, parse_bytes, parse_file,
                                 read_bytes, read_with_identity)
from tei_edition.rng.store import Store, default_folder
from tei_edition.rng.vocabulary import Vocabulary

# simplify, prune, emit, expect, messages and positions are imported where
# they are needed: a run whose pruned grammar is cached and whose documents
# are valid never needs them, and importing costs more than that run's
# validation.

__all__ = ["RelaxNG", "XSD", "load_schema"]

RULE = "relaxng"
SCHEMATRON_NAMESPACES = ("http://purl.oclc.org/dsdl/schematron", "http://www.ascc.net/xml/schematron")
_ISO_SCHEMATRON = SCHEMATRON_NAMESPACES[0]

_LOADED: dict[tuple, "RelaxNG"] = {}
_RECENT_LIMIT = 5000  # (element, child) and (element, attribute) pairs
# Shares of the files per process when they are taken from a queue: enough that an invalid
# file (whose errors are worded, several times the work of a valid one) at the end does not
# leave the other processes waiting; 12 measured 3-5 ms faster than 4 on the 113 editions.
_SHARES_PER_PROCESS = 12
_LOADED_LOCK = threading.Lock()


@contextmanager
def _no_gc():
    """Pause the cycle collector while building many tuples (it would rescan the grammar each time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _stat(path: Path):
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise InputProblem(f"{path}: schema not found") from None
    except OSError as error:
        raise InputProblem(f"{path}: cannot read the schema: {error.strerror or error}") from None
    if not path.is_file():
        raise InputProblem(f"{path}: the schema is not a file")
    return stat


class _Compiled:
    """One libxml2 grammar and the lock that keeps its error log to one caller."""

    def __init__(self, vocabulary: Vocabulary, schema: etree.RelaxNG):
        self.vocabulary = vocabulary
        self.schema = schema
        self.lock = threading.Lock()
        self.expectations = None  # made when a document is invalid (RelaxNG._expectations_for)


class RelaxNG:
    """A RELAX NG schema (XML syntax).  Use :meth:`load`; see the module text."""

    def __init__(self, path: Path, store: Store):
        self.path = path
        self._store = store
        self._grammar: Grammar | None = None
        self._grammar_key = ""
        self._made_key = ""  # the grammar key with the state of every file the schema includes
        self._expectations: Expectations | None = None
        self._compiled: list[_Compiled] = []
        self._prepared: Vocabulary | None = None
        self._ready: dict = {}  # id(tree) -> (tree, _Compiled): trees prepare() has seen
        self._lock = threading.RLock()
        self._schematron: etree._Element | None = None
        self._schematron_read = False

    # -- loading -------------------------------------------------------------
    @classmethod
    def load(cls, path, *, cache: bool = True) -> "RelaxNG":
        """The schema at ``path``, simplified; raise InputProblem if it is missing or not RELAX NG.

        Repeated loads of an unchanged file in one process return the same
        object (with the grammars it has compiled).  ``cache=False`` neither
        reads nor writes the on-disk cache.
        """
        path = Path(path).absolute()
        stat = _stat(path)
        key = (str(path), stat.st_size, stat.st_mtime_ns, bool(cache))
        with _LOADED_LOCK:
            found = _LOADED.get(key)
            if found is None:
                found = cls(path, Store(default_folder() if cache else None))
                found._read(stat)
                _LOADED[key] = found
            return found

    def _read(self, stat) -> None:
        # The key of everything cached for this schema hashes its path and content.  Reading and
        # hashing a megabyte (tei_all) is a few milliseconds of every run, so the key is also
        # remembered under the file's identity and change times: any write changes st_ctime_ns,
        # which no tool can set back (once the file is old enough for that to show: _racy).
        state = identity(stat)
        identity_key = fingerprints.of_text(repr((str(self.path), state)))
        known = self._store.get("grammar-key", identity_key)
        if isinstance(known, str):
            self._grammar_key = known
            data = None
        else:
            data = self._schema_bytes()
            self._grammar_key = fingerprints.hexdigest(str(self.path).encode("utf-8", "surrogateescape"), b"\0", data)
            if not _racy([state]):
                self._store.put("grammar-key", identity_key, self._grammar_key)
        files = self._store.get("grammar-files", self._grammar_key)
        if files is not None and _files_unchanged(files):
            self._made_key = _made_key(self._grammar_key, files)
            return  # simplified before: unmarshalled only if a grammar must be pruned
        self._simplify(self._schema_bytes() if data is None else data)

    def _schema_bytes(self) -> bytes:
        try:
            return self.path.read_bytes()
        except OSError as error:
            raise InputProblem(f"{self.path}: cannot read the schema: {error.strerror or error}") from None

    def _simplify(self, data: bytes) -> None:
        from tei_edition.rng import simplify

        with _no_gc():
            try:
                root = parse_bytes(data, self.path).getroot()
            except XMLProblem as problem:
                hint = " (RELAX NG compact syntax is not supported: convert it to .rng with trang)" \
                    if self.path.suffix == ".rnc" else ""
                raise InputProblem(f"{problem}{hint}") from None
            self._grammar = simplify.read_root(root)
        self._put_grammar("grammar", self._grammar_key, self._grammar)
        files = [(n, *fingerprints.signature(n)) for n in self._grammar.files]
        self._store.put("grammar-files", self._grammar_key, files)
        # what is pruned and compiled from it depends on the files it includes too
        self._made_key = _made_key(self._grammar_key, files)

    @property
    def grammar(self) -> Grammar:
        if self._grammar is None:
            with self._lock, _no_gc():
                if self._grammar is None:
                    self._grammar = self._stored_grammar("grammar", self._grammar_key)
                    if self._grammar is None:  # the cache lost it since load(): read the schema again
                        self._simplify(self._schema_bytes())
        return self._grammar

    def _put_grammar(self, kind: str, key: str, grammar: Grammar, *, index: bool = False) -> None:
        """Keep ``grammar`` on disk; with ``index``, its :func:`~tei_edition.rng.grammar.element_index`
        too (a grammar for wording errors: loaded in every process that words one)."""
        from tei_edition.rng.grammar import element_index

        self._store.put(kind, key, (grammar.start, grammar.defines, tuple(sorted(grammar.element_names)),
                                    grammar.wildcards, element_index(grammar) if index else None))

    def _stored_grammar(self, kind: str, key: str) -> Grammar | None:
        """A grammar :meth:`_put_grammar` kept on disk, or None."""
        from tei_edition.rng.grammar import Grammar

        stored = self._store.get(kind, key)
        if stored is None:
            return None
        start, defines, names, wildcards, index = stored
        return Grammar(start, defines, (str(self.path),), frozenset(names), wildcards, index)

    def _vocabulary_key(self, vocabulary: Vocabulary) -> str:
        """The disk-cache key of what is made from this schema for ``vocabulary``."""
        return fingerprints.of_text(f"{self._made_key}:{vocabulary.key()}")

    @property
    def expectations(self) -> Expectations:
        """What the full grammar expects, for any document."""
        if self._expectations is None:
            from tei_edition.rng.expect import Expectations

            self._expectations = Expectations(self.grammar)
        return self._expectations

    def _expectations_for(self, compiled: _Compiled) -> Expectations:
        """What the grammar expects, for documents ``compiled`` covers: from the grammar
        :func:`~tei_edition.rng.prune.hollow` for its vocabulary, kept on disk (a
        fraction of the full grammar to load, and the same words)."""
        if compiled.expectations is None:
            from tei_edition.rng.expect import Expectations

            key = self._vocabulary_key(compiled.vocabulary)
            with self._lock, _no_gc():
                grammar = self._stored_grammar("hollow", key)
                if grammar is None:
                    from tei_edition.rng import prune

                    grammar = prune.hollow(self.grammar, compiled.vocabulary.elements)
                    self._put_grammar("hollow", key, grammar, index=True)
            compiled.expectations = Expectations(grammar)
        return compiled.expectations

    @property
    def embedded_schematron(self) -> etree._Element | None:
        """The Schematron embedded in the schema, as one ``sch:schema`` element, or None.

        ODD-generated schemas carry ``sch:ns``, ``sch:pattern`` and bare
        ``sch:rule`` elements (ISO or the older ascc.net namespace) among their
        patterns.  They are copied in document order into a fresh
        ``<sch:schema xmlns:sch="http://purl.oclc.org/dsdl/schematron">``:
        first every ``ns``, then every ``let``, then the patterns (a bare rule
        gets a ``pattern`` of its own).  Only the main schema file is read.
        """
        if not self._schematron_read:
            self._schematron = _embedded_schematron(self.path)
            self._schematron_read = True
        return self._schematron

    # -- compiling -------------------------------------------------------------
    def prepare(self, documents) -> None:
        """Compile once for everything in ``documents`` (trees or vocabularies) before validating them.

        The trees among them are remembered with the grammar that covers them, so
        that :meth:`validate` need not work out their names again (a walk of the
        whole tree in Python: a tenth of validating a corpus with the profile).
        """
        vocabularies = [d if isinstance(d, Vocabulary) else Vocabulary.of(d) for d in documents]
        if not vocabularies:
            return
        wanted = vocabularies[0].union(*vocabularies[1:])
        self._prepared = wanted if self._prepared is None else self._prepared.union(wanted)
        compiled = self._compiled_for(self._prepared)
        # Replaced, not added to, on every call: a tree prepared and never validated is not kept.
        # The tree itself is kept with its id, so that the id cannot stand for another tree.
        self._ready = {id(d): (d, compiled) for d in documents if not isinstance(d, Vocabulary)}

    def _compiled_for(self, vocabulary: Vocabulary) -> _Compiled:
        with self._lock:
            for compiled in reversed(self._compiled):
                if compiled.vocabulary.covers(vocabulary):
                    return compiled
            # grow rather than multiply: the next document most likely shares most names
            if self._prepared is not None:
                vocabulary = self._prepared.union(vocabulary)
            else:
                base = self._compiled[-1].vocabulary if self._compiled else self._recent()
                if base is not None and base.covers(vocabulary):
                    vocabulary = base  # nothing new to remember (a write saved on every run)
                else:
                    if base is not None:
                        vocabulary = base.union(vocabulary)
                    self._remember(vocabulary)
            compiled = _Compiled(vocabulary, self._compile(vocabulary))
            self._compiled.append(compiled)
            del self._compiled[:-4]
            return compiled

    # Documents validated one by one without prepare() would each bring a
    # compile when they bring new names.  So the names met from one working
    # folder with this schema are remembered on disk, and the next run starts
    # from them (a larger vocabulary only ever keeps more of the grammar); past
    # _RECENT_LIMIT name pairs they are forgotten rather than grow without end.
    def _recent_key(self) -> str:
        return fingerprints.of_text(f"{self._made_key}:{os.getcwd()}")

    def _recent(self) -> Vocabulary | None:
        stored = self._store.get("recent", self._recent_key())
        return Vocabulary.from_data(stored) if stored is not None else None

    def _remember(self, vocabulary: Vocabulary) -> None:
        if sum(len(kids) + len(attrs) for kids, attrs in vocabulary.elements.values()) <= _RECENT_LIMIT:
            self._store.put("recent", self._recent_key(), vocabulary.to_data())

    def pruned(self, vocabulary: Vocabulary) -> bytes:
        """The grammar cut down to ``vocabulary``, as RELAX NG XML."""
        key = self._vocabulary_key(vocabulary)
        data = self._store.get_bytes("pruned", key)
        if data is None:
            from tei_edition.rng import emit, prune

            with _no_gc():
                start, defines = prune.prune(self.grammar, vocabulary)
                data = emit.write(start, defines)
            self._store.put_bytes("pruned", key, data)
        return data

    def _compile(self, vocabulary: Vocabulary) -> etree.RelaxNG:
        data = self.pruned(vocabulary)
        try:
            return etree.RelaxNG(parse_bytes(data, "<pruned grammar>"))
        except etree.RelaxNGParseError as error:
            raise InputProblem(f"{self.path}: libxml2 cannot use this schema: "
                                         f"{_first_line(error)}") from None

    # -- validating --------------------------------------------------------------
    def validate(self, tree, *, source: bytes | None = None) -> list[Diagnostic]:
        """The RELAX NG errors of ``tree``, sorted by position (empty when valid).

        ``source`` is the file's bytes, for columns; without it the file named
        by ``tree.docinfo.URL`` is read when an error needs a position.
        """
        ready = self._ready.pop(id(tree), None)
        compiled = ready[1] if ready is not None and ready[0] is tree else None
        if not hasattr(tree, "getroot"):
            tree = tree.getroottree()
        if compiled is None:
            compiled = self._compiled_for(Vocabulary.of(tree))
        return self._validate(compiled, tree, source)

    def _validate(self, compiled: _Compiled, tree, source) -> list[Diagnostic]:
        with compiled.lock:
            if compiled.schema.validate(tree):
                return []
            entries = list(compiled.schema.error_log)
        return self._diagnostics(entries, tree, source, self._expectations_for(compiled))

    def _diagnostics(self, entries, tree, source, expectations) -> list[Diagnostic]:
        from tei_edition.rng import messages

        problems = messages.problems(entries, tree, expectations)
        where = _Placer(tree, source)
        found = {where.place(problem) for problem in problems}
        return sorted(found)

    def validate_files(self, paths, *, jobs: int | None = None) -> dict[str, list[Diagnostic]]:
        """Parse and validate many files, on ``jobs`` processes (default: the usable cores).

        Returns path -> diagnostics (empty when valid), in the order given.  A
        file that cannot be read or is not well-formed gets one diagnostic
        (rule ``io`` or the parser's rule) and the others are still validated.

        The files' union vocabulary is remembered on disk under their identity
        (device, inode, size, modification and change times: any write changes
        the change time, which no tool sets back), once every file is a few
        seconds old (:func:`_racy`).  When it is known, the grammar is compiled
        once, before the workers fork, and this process reads no file at all;
        each worker reads, parses, validates and words the errors of its share,
        and checks the names of a file that changed since, or includes others
        (see :meth:`_check_chunk`).  By default every usable core gets a worker,
        if it gets at least 8 files (a fork and its warming up cost about as much).
        """
        paths = [str(p) for p in paths]
        results: dict[str, list[Diagnostic]] = {}
        sources: dict[str, bytes] = {}  # read here only when not a plain file; the workers read the rest
        sizes: dict[str, int] = {}
        identities: dict[str, tuple] = {}
        for path in paths:
            try:
                info = os.stat(path)
                if not S_ISREG(info.st_mode):
                    sources[path] = read_bytes(path)  # a folder fails here, as it would in a worker
                    info = None
            except OSError as error:
                results[path] = [Diagnostic(1, 1, Severity.ERROR, f"cannot read: {error.strerror or error}", "io")]
                continue
            if info is None:
                sizes[path] = len(sources[path])
                identities[path] = (fingerprints.hexdigest(sources[path]),)
            else:
                sizes[path] = info.st_size
                identities[path] = identity(info)
        key = fingerprints.of_text(repr(sorted(identities.items())))
        stored = self._store.get("vocabulary", key)
        compiled = self._compiled_for(Vocabulary.from_data(stored)) if stored is not None else None

        def work(chunk: list[str]) -> tuple[dict, tuple | None]:
            found, vocabulary = self._check_chunk(chunk, sources, compiled, identities)
            return _plain(found), vocabulary

        names = list(sizes)
        jobs = _jobs(jobs, names)
        # With the grammar compiled, shares are small and taken as each worker
        # is free (an invalid file costs several valid ones); without it, each
        # share compiles the grammar for its names, so there is one per worker.
        weights = [sizes[name] for name in names]
        if compiled is not None and jobs > 1:
            chunks = shares.tapering(names, min(jobs * _SHARES_PER_PROCESS, 255), weights)
        else:
            chunks = shares.even(names, min(jobs, 255), weights)  # a chunk's number is one byte
        outcomes = _in_workers(work, chunks, jobs) if jobs > 1 else [work(chunks[0])] if chunks else []
        found: dict = {}
        vocabularies = []
        for checked, vocabulary in outcomes:
            found.update(_diagnostics_from(checked))
            if vocabulary is not None:
                vocabularies.append(Vocabulary.from_data(vocabulary))
        if stored is None and vocabularies and not _racy(identities.values()):
            self._store.put("vocabulary", key, vocabularies[0].union(*vocabularies[1:]).to_data())
        results.update(found)
        return {path: results[path] for path in paths}

    def _check_chunk(self, chunk: list[str], sources: dict, compiled: _Compiled | None,
                     identities: dict) -> tuple[dict, tuple | None]:
        """Parse and validate ``chunk``: path -> diagnostics.

        Without a grammar yet, the chunk's own vocabulary is compiled (and returned, to be remembered).
        With one, compiled for the vocabulary remembered under the files' ``identities``, a file
        whose names it may not cover is checked first: one that changed since the identities were
        taken (a save in between), and one that includes others (XInclude), whose identity says
        nothing of theirs.  If the grammar does not cover it, it gets one that does.  The trees
        are only checked, so they are parsed without indentation (``blanks=False``: parsing and
        validating take 8% less time).
        """
        found: dict = {}
        vocabulary = None
        trees: dict = {}
        data: dict = {}
        unsure: set = set()
        for path in chunk:
            if path in sources:
                data[path] = sources[path]
                continue
            try:
                data[path], seen = read_with_identity(path)
            except OSError as error:
                found[path] = [Diagnostic(1, 1, Severity.ERROR, f"cannot read: {error.strerror or error}", "io")]
                continue
            if seen != identities.get(path):
                unsure.add(path)
        if compiled is None:  # the names must be known before the grammar: parse the chunk first
            for path in data:
                tree = self._parse(path, data[path], found, blanks=False, includes=unsure)
                if tree is not None:
                    trees[path] = tree
            if not trees:
                return found, None
            union = Vocabulary.of(next(iter(trees.values()))).union(*(Vocabulary.of(t) for t in list(trees.values())[1:]))
            compiled = self._compiled_for(union)
            vocabulary = union.to_data()
        for path in data:
            tree = trees.pop(path, None) if trees else self._parse(path, data[path], found, blanks=False,
                                                                   includes=unsure)
            if tree is None:
                continue
            grammar = compiled
            if path in unsure and vocabulary is None:
                names = Vocabulary.of(tree)
                if not compiled.vocabulary.covers(names):
                    grammar = self._compiled_for(names)
            found[path] = self._validate(grammar, tree, data[path])
        return found, vocabulary

    def prepare_files(self, paths) -> None:
        """:meth:`prepare` for files not parsed yet.  Their vocabulary is remembered on disk by
        content, so on a later run this costs reading and hashing the files."""
        sources = {}
        for path in map(str, paths):
            try:
                sources[path] = read_bytes(path)
            except OSError:
                continue
        key = _content_key(sources.values())
        stored = self._store.get("vocabulary", key)
        if stored is not None:
            self.prepare([Vocabulary.from_data(stored)])
            return
        vocabularies = []
        for path, data in sources.items():
            tree = self._parse(path, data, {})
            if tree is not None:
                vocabularies.append(Vocabulary.of(tree))
        if vocabularies:
            union = vocabularies[0].union(*vocabularies[1:])
            self._store.put("vocabulary", key, union.to_data())
            self.prepare([union])

    @staticmethod
    def _parse(path, data, results, *, blanks: bool = True, includes: set | None = None):
        """The tree of ``data``, or None with its diagnostic in ``results``.  ``includes``: the
        set to which a file that includes others (XInclude) is added."""
        try:
            if includes is None:
                return parse_bytes(data, path, blanks=blanks)
            tree = parse_bytes(data, path, blanks=blanks, xinclude_root=False)
            if has_xinclude(tree):
                includes.add(path)
                expand_xinclude(tree, data, path)
            return tree
        except XMLProblem as problem:
            results[path] = [Diagnostic(problem.line, problem.column, Severity.ERROR, problem.message, problem.rule)]
        except TeiEditionError as problem:
            results[path] = [Diagnostic(1, 1, Severity.ERROR, problem.message, "io")]
        return None


class _Placer:
    """Turns a :class:`~tei_edition.rng.messages.Problem` into a positioned Diagnostic."""

    def __init__(self, tree, source: bytes | None, rule: str = RULE):
        self.tree = tree
        self.source = source
        self.rule = rule
        self._map: positions.SourceMap | None = None
        self._map_read = False

    @property
    def map(self) -> positions.SourceMap | None:
        if not self._map_read:
            self._map_read = True
            data = self.source
            url = self.tree.docinfo.URL
            if data is None and url:
                try:
                    data = Path(url).read_bytes()
                except OSError:
                    data = None
            if data is not None:
                from tei_edition.rng import positions

                source_map = positions.SourceMap.of(data, self.tree.docinfo.encoding)
                # Entities and XInclude can add elements the text does not show: then,
                # unless the counts agree, no map.  Otherwise every start tag is one
                # element, and the map need not be read further than the errors.
                plain = ((not self.tree.docinfo.doctype or "<!ENTITY" not in source_map.text)
                         and "XInclude" not in source_map.text)
                lone_cr = b"\r" in data and data.count(b"\r") != data.count(b"\r\n")  # libxml2 counts no such line
                source_map.lines_agree = plain and not lone_cr
                if plain or len(source_map.starts) == int(self.tree.getroot().xpath("count(//*)")):
                    self._map = source_map
        return self._map

    def place(self, problem: messages.Problem) -> Diagnostic:
        from tei_edition.rng import messages, positions

        element = problem.element
        line, column = problem.line or 1, 1
        if element is not None:
            line, column = element.sourceline or 1, 1
            source_map = self.map
            if source_map is not None:
                if problem.where == "end":
                    line, column = source_map.end_tag(element)
                elif problem.where == "attribute" and problem.attribute:
                    line, column = source_map.attribute(element, problem.attribute)
                elif problem.where == "text":
                    line, column = self._text(source_map, element, problem.owner)
                else:
                    line, column = source_map.start_tag(element)
            elif problem.where != "text":
                found = positions.find_start_tag(_line_text(self.tree, line), messages._qname(element))
                column = found or 1
        return Diagnostic(line, column, Severity.ERROR, problem.message, self.rule)

    @staticmethod
    def _text(source_map: positions.SourceMap, element, owner=None) -> tuple[int, int]:
        from tei_edition.rng import messages

        found = messages.first_text(element) if owner is None else (owner, None)
        begin = source_map.start_span(element)[1]
        limit = source_map.end_span(element)[0]
        node = element if found is None else found[0]
        if node is not element:
            previous = node if isinstance(node.tag, str) else node.getprevious()
            while previous is not None and not isinstance(previous.tag, str):
                previous = previous.getprevious()
            if previous is not None:
                begin = source_map.end_span(previous)[1]
        following = node.getnext() if node is not element else (element[0] if len(element) else None)
        while following is not None and not isinstance(following.tag, str):
            following = following.getnext()
        if following is not None:
            limit = source_map.start_span(following)[0]
        run = source_map.text_after(begin, limit)
        if run is None:
            return source_map.start_tag(element)
        text_start, run_end = run
        return source_map._on_line(text_start, run_end)


def _line_text(tree, line: int) -> str:
    url = tree.docinfo.URL
    try:
        with open(url, "rb") as handle:
            for number, text in enumerate(handle, 1):
                if number == line:
                    return text.decode("utf-8", "replace")
    except (OSError, TypeError):
        pass
    return ""


# A file's identity (its times) is trusted only once it is this old: on file systems that keep
# whole seconds, two writes within one second leave the same times, so an identity taken in
# that second may stand for either content (git's "racy" entries; it checks them by content).
_RACY_SECONDS = 2


def _racy(identities) -> bool:
    """Whether any of these (device, inode, size, mtime_ns, ctime_ns) identities is too recent to trust."""
    limit = time.time_ns() - _RACY_SECONDS * 1_000_000_000
    return any(len(state) == 5 and max(state[3], state[4]) > limit for state in identities)


def _made_key(grammar_key: str, files) -> str:
    """The key of what is pruned and compiled from a schema: its own, and the state of its includes."""
    return fingerprints.of_text(f"{grammar_key}:{[tuple(file) for file in files]!r}")


def _files_unchanged(files) -> bool:
    for name, size, mtime in files:
        if fingerprints.signature(name) != (size, mtime):
            return False
    return True


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else "invalid schema"


def _embedded_schematron(path: Path) -> etree._Element | None:
    try:
        data = read_bytes(path)
    except OSError:
        return None
    if _plainly_without_schematron(data):  # most grammars: no parse and walk (3-4 ms for the profile)
        return None
    try:
        root = parse_bytes(data, path).getroot()
    except TeiEditionError:
        return None
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        namespace = etree.QName(element).namespace
        parent = element.getparent()
        if namespace in SCHEMATRON_NAMESPACES and (parent is None or etree.QName(parent).namespace not in SCHEMATRON_NAMESPACES):
            found.append(element)
    if not found:
        return None
    schema = etree.Element(f"{{{_ISO_SCHEMATRON}}}schema", nsmap={"sch": _ISO_SCHEMATRON})
    order = {"ns": 0, "let": 1}
    for element in sorted(found, key=lambda e: order.get(etree.QName(e).localname, 2)):
        copy = _to_iso(element)
        if etree.QName(copy).localname in ("rule", "assert", "report"):
            pattern = etree.SubElement(schema, f"{{{_ISO_SCHEMATRON}}}pattern")
            if etree.QName(copy).localname != "rule":
                rule = etree.SubElement(pattern, f"{{{_ISO_SCHEMATRON}}}rule", context=_context(element))
                rule.append(copy)
            else:
                pattern.append(copy)
        else:
            schema.append(copy)
    return schema


def _plainly_without_schematron(data: bytes) -> bool:
    """Whether the bytes of a schema show that it declares no Schematron namespace: an ASCII-
    compatible text (no NUL, a tag first), no DOCTYPE (entities, default attributes), no
    character reference and no XInclude, and neither namespace name anywhere in it."""
    if b"\0" in data or not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return False
    if b"<!DOCTYPE" in data or b"&#" in data or mentions_xinclude(data):
        return False
    return not any(namespace.encode("ascii") in data for namespace in SCHEMATRON_NAMESPACES)


def _to_iso(element):
    """A copy of ``element`` (without its tail), with old-style Schematron moved to ISO."""
    from copy import deepcopy

    duplicate = deepcopy(element)
    duplicate.tail = None
    for node in duplicate.iter():
        if isinstance(node.tag, str) and etree.QName(node).namespace == SCHEMATRON_NAMESPACES[1]:
            node.tag = f"{{{_ISO_SCHEMATRON}}}{etree.QName(node).localname}"
    return duplicate


def _context(element) -> str:
    """For an assert/report straight under an RNG element: the element it belongs to."""
    for ancestor in element.iterancestors():
        if etree.QName(ancestor).localname == "element" and ancestor.get("name"):
            return ancestor.get("name")
    return "*"


# -- several processes ---------------------------------------------------------
def _content_key(contents) -> str:
    """A key for a set of documents: their bytes, in any order."""
    return fingerprints.hexdigest(*sorted(fingerprints.digest(data) for data in contents))


def _jobs(jobs: int | None, paths: list) -> int:
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return 1
    if jobs is None:  # every usable core, as --jobs says, but a worker only for 8 files or more
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:
            cores = os.cpu_count() or 1
        jobs = min(cores, max(1, len(paths) // 8))  # a worker costs a fork and some warming up
    return max(1, min(jobs, len(paths)))


def _plain(found: dict[str, list[Diagnostic]]) -> dict[str, list[tuple]]:
    """Path -> diagnostics as tuples of plain values, which :mod:`marshal` carries."""
    return {path: [(d.line, d.column, d.severity.value, d.message, d.rule) for d in diagnostics]
            for path, diagnostics in found.items()}


def _diagnostics_from(plain: dict[str, list[tuple]]) -> dict[str, list[Diagnostic]]:
    return {path: [Diagnostic(line, column, Severity(severity), message, rule)
                   for line, column, severity, message, rule in diagnostics]
            for path, diagnostics in plain.items()}


def _in_workers(work, chunks: list[list[str]], jobs: int) -> list:
    """``work(chunk)`` for every chunk, on this process and ``jobs - 1`` forked children; results in order.

    The chunk numbers wait in a pipe, one byte each, and every process takes
    the next one when it is free (a one-byte read from a pipe is atomic), so
    no process idles while another still has a queue.  A child that fails
    or dies leaves its chunks to this process.  Results come back through
    :mod:`marshal`, so they must be plain values (:func:`_plain`): pickle
    would cost 2 ms to import, on every run.
    """
    numbers = bytes(range(len(chunks)))
    queue, feed = os.pipe()
    os.write(feed, numbers)  # at most 255 bytes: a pipe holds far more
    os.close(feed)  # once the numbers are taken, a read gets end-of-file

    def take() -> list:
        done = []
        while True:
            number = os.read(queue, 1)
            if not number:
                return done
            done.append((number[0], work(chunks[number[0]])))

    children = []
    for _ in range(max(0, min(jobs, len(chunks)) - 1)):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            os.close(read_end)
            try:
                payload = marshal.dumps(("ok", take()))
            except BaseException as error:  # noqa: BLE001 - reported to the parent, which redoes the chunks
                payload = marshal.dumps(("failed", repr(error)))
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            os._exit(0)
        os.close(write_end)
        children.append((pid, read_end))
    results = dict(take())
    os.close(queue)
    for pid, read_end in children:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        try:
            status, value = marshal.loads(data)
        except Exception:  # noqa: BLE001 - a child that died: its chunks are done below
            status, value = "failed", None
        if status == "ok":
            results.update(value)
    return [results[number] if number in results else work(chunk) for number, chunk in enumerate(chunks)]


# -- W3C XML Schema -------------------------------------------------------------
class XSD:
    """A W3C XML Schema behind the same interface (lxml's XMLSchema, compiled once per process)."""

    _loaded: dict[tuple, "XSD"] = {}

    def __init__(self, path: Path):
        self.path = path
        try:
            tree = parse_file(path)
        except TeiEditionError as problem:
            raise InputProblem(f"{path}: cannot read the schema: {problem}") from None
        try:
            self.schema = etree.XMLSchema(tree)
        except etree.XMLSchemaParseError as error:
            parts = tree.getroot().xpath(
                "//xs:include[@schemaLocation] | //xs:import[@schemaLocation] | //xs:redefine[@schemaLocation]",
                namespaces={"xs": "http://www.w3.org/2001/XMLSchema"})
            if parts:
                raise InputProblem(
                    f"{path}: not usable: it includes or imports other schema files "
                    f"({parts[0].get('schemaLocation')}), and tei-edition's parser reads no external resources; "
                    "combine them into one file or use a RELAX NG schema") from None
            raise InputProblem(f"{path}: not a usable XML Schema: {_first_line(error)}") from None
        self._lock = threading.Lock()

    embedded_schematron = None

    @classmethod
    def load(cls, path, **_ignored) -> "XSD":
        path = Path(path).absolute()
        stat = _stat(path)
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        found = cls._loaded.get(key)
        if found is None:
            found = cls._loaded[key] = cls(path)
        return found

    def prepare(self, documents) -> None:
        """Nothing to do: an XML Schema is compiled whole."""

    def validate(self, tree, *, source: bytes | None = None) -> list[Diagnostic]:
        if not hasattr(tree, "getroot"):
            tree = tree.getroottree()
        with self._lock:
            if self.schema.validate(tree):
                return []
            entries = list(self.schema.error_log)
        from tei_edition.rng import messages

        placer = _Placer(tree, source, "xsd")
        found = set()
        for entry in entries:
            element = messages.locate(tree, entry.path)
            problem = messages.Problem("start", element, _xsd_message(entry.message), line=entry.line)
            found.add(placer.place(problem))
        return sorted(found)

    def validate_files(self, paths, *, jobs: int | None = None) -> dict[str, list[Diagnostic]]:
        results: dict[str, list[Diagnostic]] = {}
        for path in map(str, paths):
            try:
                data = Path(path).read_bytes()
            except OSError as error:
                results[path] = [Diagnostic(1, 1, Severity.ERROR, f"cannot read: {error.strerror or error}", "io")]
                continue
            tree = RelaxNG._parse(path, data, results)
            if tree is not None:
                results[path] = self.validate(tree, source=data)
        return results


def _xsd_message(message: str) -> str:
    """libxml2's "Element '{ns}p': This element is not expected." without the namespace noise."""
    import re

    message = re.sub(r"\{[^}]*\}", "", message.strip())
    return message.rstrip(".")


def load_schema(path, **options):
    """RelaxNG or XSD by the file's extension (.xsd is XML Schema, anything else RELAX NG)."""
    if str(path).lower().endswith(".xsd"):
        return XSD.load(path, **options)
    return RelaxNG.load(path, **options)
