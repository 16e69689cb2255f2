"""Build the static HTML edition: the work behind ``tei-edition build``.

The pipeline, as :func:`build` runs it::

    files    = inputs.collect(paths)                 # texts/ by default; folders searched for *.xml
    report   = validation.validate(paths)            # errors stop the build unless force; warnings shown
    index    = registers.index(paths)                # entries, every mention, every date
    plan     = site_plan.Plan(sources, index)        # texts vs register files, page names, anchors, links
    pages    = register pages, chronology, map, search, home      # site_pages.SitePages
    pages   += render each text                      # rendering.render_document: the text, nav, TEI link
    search.start_indexing(staging)                   # Pagefind on the HTML (left out if missing), while
    data     = data/*.json|csv|geojson|xml, data/tei/...          # register_formats; the sources as they are
    SiteWriter(out)                                  # staged next to out (each page as it comes), swapped in whole

With two or more jobs, validation runs on the workers while this process
reads the registers and plans the site; the pages and the data downloads
are made on the workers (forked after the plan), and Pagefind runs while
the data downloads and the copies are written.

Texts get a page each; register-only files (only lists of persons, places
... in their ``text`` or ``standOff``) do not, but their entries make the
register pages, and every input is offered as a TEI download under
``data/tei/`` (see :mod:`tei_edition.site_plan` for names, anchors and
links).  The same inputs give byte-identical output: nothing depends on the
clock unless ``timestamp=True`` puts the build time into the footer
(``SOURCE_DATE_EPOCH`` is honoured).

The edition's title is ``title``, else the series title all texts share
(``seriesStmt/title``), else "TEI edition".
"""

from __future__ import annotations

import os
import shlex
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tei_edition import inputs, parsing, resources, search
from tei_edition.diagnostics import FileReport, Report
from tei_edition.errors import ExitCode, TeiEditionError, XMLProblem
from tei_edition.parsing import parse_file
from tei_edition.site_plan import DATA, REGISTER_PAGES, TEI, TEI_DATA, XML_LANG, Plan, Source, has_text, main_title, plain_text

DEFAULT_TITLE = "TEI edition"
ASSETS = ("edition.css", "favicon.svg")


@dataclass
class BuildResult:
    """What a build did.  ``built`` is False when validation errors stopped it
    (``report`` says which); ``pages`` are the HTML pages written, ``files``
    every file; ``render`` the warnings of rendering (refused URLs ...);
    ``notes`` what the user should know (search left out ...)."""

    out: Path
    shown: str
    report: Report
    built: bool = False
    texts: int = 0
    pages: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    render: list[FileReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    search: search.SearchIndex | None = None
    cached: bool = False  # nothing changed since the last build: the site was left as it was
    rendered: int = 0  # text pages rendered by this build
    reused: int = 0  # text pages taken unchanged from the last build (buildcache)

    @property
    def exit_code(self) -> int:
        return ExitCode.OK if self.built else ExitCode.TEXT_ERRORS

    def summary(self) -> str:
        """The closing line: where the site is and how to look at it."""
        folder = self.shown.rstrip("/") or "."
        where = shlex.quote(folder)
        return (f"built {len(self.pages)} pages into {folder}/ — open {shlex.quote(folder + '/index.html')} "
                f"or serve it: python -m http.server -d {where}")


def build(paths=(), out="_site", *, force: bool = False, stylesheet=None, title: str | None = None,
          timestamp: bool = False, lang: str = "en", jobs: int | None = None, executor=None,
          progress=None, clean: bool = False, with_search: bool = True, release: bool = True) -> BuildResult:
    """Build the edition from ``paths`` (files or folders; ``texts/`` when
    empty) into the folder ``out``, replacing the site there.

    Validation errors stop the build (the result has ``built=False`` and
    the report) unless ``force``.  ``stylesheet`` is a customisation that
    imports ``tei-edition:tei-html.xsl`` (it renders the site pages too);
    ``title`` the edition's title; ``lang`` the language of the pages (their
    words).  Raises UsageProblem/InputProblem (exit 2) for bad paths, an
    output folder that may not be replaced, or a broken stylesheet.

    ``with_search=False`` leaves out the search page and its index: Pagefind
    reads every page, about a quarter of a full build's time.

    ``jobs`` processes (None: all cores; 1: this one) validate the texts and
    render the text pages; the site is byte-identical whatever their number.
    ``executor`` (any :class:`concurrent.futures.Executor`, e.g. Dask's)
    runs the validation and the register scan instead; the text pages need the site plan, which
    only forked processes share, so they are rendered on ``jobs`` local
    processes.  ``progress(n)`` hears of every ``n`` texts rendered.

    A rebuild is incremental (:mod:`tei_edition.buildcache`): when nothing
    changed it only hashes the inputs; otherwise only the text pages whose
    inputs changed are rendered again.  ``clean`` builds everything anew.

    ``release=False`` keeps the build's working data (every text's trees,
    the registers, the pages) in memory after the return, until the next
    such build or the end of the process: for a caller that exits right
    after without tearing the interpreter down (the command line), since
    freeing them takes about 0.2 s per 1,000 texts.
    """
    from tei_edition import buildcache
    from tei_edition.sitewriter import SiteWriter, check_output_location

    named = [Path(p) for p in paths] or [inputs.DEFAULT_TEXTS]
    result = BuildResult(Path(out), str(out), Report())
    files = inputs.collect(paths)                                  # 1. collect
    check_output_location(out, [*named, *files])                   #    (refused before any work)
    cache = _Cache(out, files, named, stylesheet, clean=clean, timestamp=timestamp,
                   options={"title": title, "timestamp": timestamp, "lang": lang, "force": force,
                            "search": with_search})
    if cache.unchanged():                                          #    nothing changed: nothing to do
        return cache.result(result)
    prepared = _check_and_plan(paths, named, files, force, result, jobs, executor)  # 2., 3.
    if prepared is None:  # validation errors
        return result
    registers, plan = prepared
    reason = search.unavailable_reason() if with_search else None
    searchable = with_search and reason is None
    if reason:
        result.notes.append(reason)
    title = title or _series_title(plan) or DEFAULT_TITLE
    params = _params(plan, title, lang, searchable=searchable, timestamp=timestamp)
    pages: dict[str, str | bytes] = {}
    downloads, data = _downloads(plan)                             # 6. data downloads (made on the workers)
    with SiteWriter(result.out, inputs=named, own=(buildcache.CACHE_DIR,)) as site:             # 7. each page written as it comes
        writing = _Writing(site, plan, searchable=searchable, language=_text_language(plan, lang),
                           threads=jobs if executor is None else None)
        # The data downloads keep the workers busy while Pagefind runs; without search there is
        # nothing to run beside, and they are made with the site pages instead of after the texts.
        with_pages, beside_search = ([], data) if searchable else (data, [])
        try:
            _render_texts(plan, params, stylesheet, pages, result, force, jobs, progress, cache,  # 4. texts,
                          site_pages=[*_site_pages(plan, params, searchable=searchable),  # 5. registers, chronology,
                                      ("index.html", "_home", (title, downloads)),  # map, search, home
                                      *with_pages],
                          write=site.write, later=beside_search, between=writing.start, meanwhile=writing.rest)
            result.search = writing.finish()                       # 8. search, run while the rest is written
        except BaseException:
            writing.stop()
            raise
        result.pages = sorted(name for name in pages if name.endswith(".html"))
        result.texts = sum(1 for s in plan.texts if s.page in pages)
        result.files = writing.files()
        if cache is not None:
            cache.write(site, result, plan)
    result.built = True
    if not release:
        _RETAINED[:] = [registers, plan, pages]
    return result


# What the last build(release=False) left for the end of the process to free.
_RETAINED: list = []


def _check_and_plan(paths, named, files, force: bool, result: BuildResult, jobs=None, executor=None):
    """Validate, index and plan: (registers, plan), or None when validation errors stop the build.

    On a local pool of two or more workers the validation runs on the workers while this
    process reads the registers and plans the site (it needs the registers, not the
    report); with one job, or an ``executor`` given, one after the other.
    """
    from tei_edition import workers
    from tei_edition.registers import index

    pool = None
    if executor is None:
        # this process plans the site meanwhile, and the build waits for it: the workers yield to it
        pool = workers.make_executor(jobs, len(files), nice=_VALIDATION_NICE)
        if isinstance(pool, workers.InProcess):
            pool = None
    if pool is None:
        result.report = _validate(paths, force, result.notes, jobs, executor)
        if not force and not result.report.ok():
            return None
        registers = index(paths, jobs=jobs, executor=executor)
        return registers, _plan(named, files, registers, result)
    from concurrent.futures import ThreadPoolExecutor

    from tei_edition.validation import compile_profile

    notes: list[str] = []
    with pool:
        compile_profile()  # before the workers fork, so they inherit it
        workers.start(pool)  # fork now, while this process has a single thread
        with ThreadPoolExecutor(1, thread_name_prefix="tei-edition-validate") as side:
            checked = side.submit(_validate, paths, force, notes, jobs, pool)
            try:
                registers = index(paths, jobs=1)
                planned = (registers, _plan(named, files, registers, result))
            except Exception as error:  # raised once the report says whether it matters
                planned = error
            except BaseException:  # Ctrl-C: do not wait for the validation
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            result.report = checked.result()  # its errors come first, as one after the other
    result.notes[:0] = notes
    if not force and not result.report.ok():
        return None
    if isinstance(planned, BaseException):
        raise planned
    return planned


# The priority the validating workers of a build give up (see _check_and_plan).
_VALIDATION_NICE = 5


def _plan(named, files, registers, result: BuildResult) -> Plan:
    from tei_edition.site_pages import refused_authority_links

    result.render.extend(refused_authority_links(e for kind in registers.entries.values() for e in kind))
    sources, roots, common = _sources(named, files, registers.documents)
    plan = Plan(sources, registers, roots=roots, common=common)   #    texts or registers, names, anchors, links
    plan.prepare_texts()
    return plan


def _validate(paths, force: bool, notes: list[str], jobs=None, executor=None) -> Report:
    from tei_edition.validation import validate

    try:
        report = validate(paths, jobs=jobs, executor=executor)
    except TeiEditionError as error:
        if not force:
            raise
        notes.append(f"the texts were not validated ({error}); building anyway, as --force asks")
        return Report()
    notes.extend(report.notes)
    return report


def _sources(named: list[Path], files: list[Path], readable) -> tuple[list[Source], list[Path], Path]:
    """One Source per input: parsed, classified, with its path below its folder and below the common folder."""
    folders = [Path(os.path.abspath(p)) for p in named if p.is_dir()]
    places = folders + [Path(os.path.abspath(p)).parent for p in named if not p.is_dir()]
    common = Path(os.path.commonpath([str(p) for p in places])) if places else Path.cwd()
    readable = set(readable)
    sources = []
    for path in files:
        absolute = Path(os.path.abspath(path))
        owner = max((f for f in folders if f in absolute.parents), key=lambda f: len(f.parts), default=None)
        source = Source(path, path.as_posix(), absolute.relative_to(common).as_posix(),
                        name=absolute.relative_to(owner).as_posix() if owner else path.name)
        if source.key in readable:
            try:
                source.tree = parse_file(path)
            except XMLProblem:  # already reported by validation; with --force the file has no page
                source.tree = None
        if source.tree is not None:
            root = source.tree.getroot()
            source.is_text = has_text(root)
            source.title = main_title(root)
        sources.append(source)
    return sources, folders, common


def _series_title(plan: Plan) -> str | None:
    found = {plain_text(s.tree.getroot().find(f"{TEI}teiHeader/{TEI}fileDesc/{TEI}seriesStmt/{TEI}title")) for s in plan.texts}
    return found.pop() or None if len(found) == 1 else None


def _params(plan: Plan, title: str, lang: str, *, searchable: bool, timestamp: bool) -> dict:
    params = {
        "site-root": "", "css-href": "edition.css", "icon-href": "favicon.svg", "csp": search.CONTENT_SECURITY_POLICY,
        "lang": lang, "site-title": title, "page-title-suffix": f" – {title}", "home-href": "index.html",
        "downloads-href": "index.html#te-downloads", "pagefind": searchable,
        "chronology-page": "chronology.html" if len(plan.index.dates) else "",
        "map-page": "map.html" if _mapped(plan) else "",
        "search-page": "search.html" if searchable else "",
        "built-on": _now() if timestamp else "",
    }
    for kind in ("persons", "places", "orgs", "works", "events"):
        params[f"{kind}-page"] = REGISTER_PAGES[kind] if kind in plan.kinds else ""
    return params


def _now() -> str:
    seconds = int(os.environ.get("SOURCE_DATE_EPOCH") or time.time())
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _mapped(plan: Plan) -> int:
    return sum(1 for e in plan.index.entries.get("places", ()) if e.lat is not None and e.lon is not None)


# What forked render workers inherit: (plan, params, stylesheet), set just before they start.
_RENDERING: tuple | None = None


def _render_texts(plan: Plan, params: dict, stylesheet, pages: dict, result: BuildResult, force: bool,
                  jobs=None, progress=None, cache=None, site_pages=(), write=None, later=(), between=None,
                  meanwhile=None) -> None:
    """Render ``plan.texts`` into ``pages``, in input order; pages whose key the cache knows are reused.

    ``site_pages`` (name, SitePages method, arguments) are rendered on the same workers: a register
    page of a large corpus takes as long as hundreds of texts, so they go first.  ``write(name, page)``
    is called for each page as soon as it and those before it are there (the workers go on meanwhile).
    Then ``between()``; then the files of ``later`` (as ``site_pages``) are made on the workers while
    ``meanwhile()`` runs here."""
    global _RENDERING
    from tei_edition import workers

    reused = {}
    if cache is not None:
        cache.keys(plan, params)
        for number, source in enumerate(plan.texts):
            old = cache.old_page(source, plan)
            if old is not None:
                reused[number] = old
    wanted = [n for n in range(len(plan.texts)) if n not in reused]
    result.rendered, result.reused = len(wanted), len(reused)
    if progress is not None and hasattr(progress, "start"):
        progress.start(len(wanted))
    if plan.texts or site_pages:
        from tei_edition.rendering import load_stylesheet

        load_stylesheet(stylesheet)  # compiled once, before the workers fork
    from tei_edition.site_pages import SitePages

    known = cache.old_site_page if cache is not None and not cache.timestamp else None
    pages_maker = SitePages(plan, params, stylesheet=stylesheet, known=known,
                            settings=cache.settings if cache is not None else "")
    _RENDERING = (plan, params, stylesheet, pages_maker)
    try:
        # the size of the corpus, not of the change, says whether the site pages are worth workers
        with workers.make_executor(jobs, max(len(wanted), len(plan.texts) if site_pages else 0),
                                   inherits=True) as executor:  # _RENDERING
            chunks = workers.tapering_chunks(wanted, workers.workers_of(executor))
            tasks = [("site", spec) for spec in site_pages] + [("texts", chunk) for chunk in chunks]
            futures = [executor.submit(_render_task, task) for task in tasks]
            outcomes = workers.ordered(futures, progress, [0] * len(site_pages) + [len(c) for c in chunks])
            try:
                _take_pages(plan, pages, result, force, cache, site_pages, reused, outcomes, write)
                if between is not None:
                    between()
                made = workers.ordered([executor.submit(_render_task, ("site", spec)) for spec in later])
                if meanwhile is not None:
                    meanwhile()
                for name, content, _links, _absent, _key in made:  # data: they link nothing
                    _keep(pages, write, name, content)
            except BaseException:  # a refused text, Ctrl-C: the rest is not rendered
                executor.shutdown(wait=False, cancel_futures=True)
                raise
    finally:
        _RENDERING = None


def _take_pages(plan: Plan, pages: dict, result: BuildResult, force: bool, cache, site_pages, reused: dict,
                outcomes, write) -> None:
    """The rendered pages from ``outcomes`` and the reused ones, in input order, into ``pages`` (and ``write``)."""
    for _spec in site_pages:
        name, html, links, absent, key = next(outcomes)
        _keep(pages, write, name, html)
        if cache is not None and key is not None:
            cache.rendered(name, html, FileReport(name), links, absent, key=key)
        for link, path in links.items():
            plan.files.setdefault(link, path)
        plan.absent |= absent
    done: dict = {}
    for number, source in enumerate(plan.texts):
        if number in reused:
            old = reused[number]
            report = FileReport(str(source.path))
            for line, column, severity, message, rule in old["warnings"]:
                report.add(line, column, severity, message, rule)
            page, links, problem = old["html"], {name: Path(path) for name, path in old["links"].items()}, None
            absent, asked = set(old["absent"]), (old["asked"], old["answers"])
        else:
            while number not in done:
                done.update((outcome[0], outcome) for outcome in next(outcomes))
            _number, page, report, problem, links, absent, asked = done.pop(number)
        if problem is not None:
            if not force:  # the path as the user named it, not the parser's absolute URL
                raise XMLProblem(str(source.path), *problem[1:])
            report.add(problem[1], problem[2], "error", f"{problem[3]}; the text has no page", problem[4])
        else:
            _keep(pages, write, source.page, page)
            if cache is not None:
                cache.rendered(source.page, page, report, links, absent, asked=asked)
        if report.diagnostics:
            result.render.append(report)
        for name, path in links.items():
            plan.files.setdefault(name, path)
        plan.absent |= absent


def _keep(pages: dict, write, name: str, page) -> None:
    pages[name] = page
    if write is not None:
        write(name, page)


def _render_task(task):
    kind, argument = task
    return _render_chunk(argument) if kind == "texts" else _render_site_page(argument)


def _render_site_page(spec):
    """In a worker (or here): one site page, the local files it links and those it would link, and
    the key it was rendered under (None for a file that is not a rendered page)."""
    plan, _params, _stylesheet, site = _RENDERING
    name, method, arguments = spec
    shared, plan.files, plan.absent = (plan.files, plan.absent), {}, set()
    try:
        html = _PAGE_MAKERS[method](site, *arguments) if method in _PAGE_MAKERS else getattr(site, method)(*arguments)
        return name, html, plan.files, plan.absent, site.keys.pop(name, None)
    finally:
        plan.files, plan.absent = shared


def _render_chunk(numbers: list[int]):
    """In a worker (or here): the pages of ``plan.texts[n]`` for n in ``numbers``, the files they link,
    those they would link if they were there, and the pointers each page asked the plan about."""
    from tei_edition.rendering import render_document

    plan, params, stylesheet, _site = _RENDERING
    rendered = []
    for number in numbers:
        source = plan.texts[number]
        report = FileReport(str(source.path))
        page_params = {**params, "current-page": source.page, "tei-source-href": source.tei_href}
        # the local files this page links (whoever linked them first), and those missing
        shared, plan.files, plan.absent = (plan.files, plan.absent), {}, set()
        lookup, asked = plan.lookup(source), {}

        def asking(token):
            asked[token] = None  # (a dict: the tokens in the order first asked, once each)
            return lookup(token)

        try:
            page = render_document(source.site_tree, register_links=asking,
                                   params=page_params, stylesheet=stylesheet, report=report)
            rendered.append((number, page, report, None, plan.files, plan.absent,
                             (list(asked), _answers(lookup, asked))))
        except XMLProblem as problem:  # sent as fields: the exception does not pickle
            rendered.append((number, None, report, (problem.path, problem.line, problem.column, problem.message,
                                                    problem.rule), plan.files, plan.absent, None))
        finally:
            plan.files, plan.absent = shared
    return rendered


def _site_pages(plan: Plan, params: dict, *, searchable: bool) -> list[tuple[str, str, tuple]]:
    """The register, chronology, map and search pages to render: (page, SitePages method, arguments)."""
    specs = [(REGISTER_PAGES[kind], "register", (kind,)) for kind in plan.kinds]
    if params["chronology-page"]:
        specs.append(("chronology.html", "chronology", ()))
    if params["map-page"]:
        specs.append(("map.html", "map", ()))
    if searchable:
        specs.append(("search.html", "search", ()))
    return specs


def _home(site, title: str, downloads) -> str:
    from tei_edition.site_pages import common_publisher

    plan, params = site.plan, site.params
    sections = [(kind, REGISTER_PAGES[kind], len(plan.index.entries[kind])) for kind in plan.kinds]
    if params["chronology-page"]:
        sections.append(("chronology", "chronology.html", sum(1 for d in plan.index.dates if d.element != "change")))
    if params["map-page"]:
        sections.append(("map", "map.html", _mapped(plan)))
    if params["search-page"]:
        sections.append(("search", "search.html", 0))
    return site.home(title, publisher=common_publisher(plan.texts), sections=sections, downloads=downloads)


_FORMAT_NAMES = {"json": "JSON", "csv": "CSV", "geojson": "GeoJSON", "tei": "TEI"}


def _downloads(plan: Plan) -> tuple[list, list[tuple[str, str, tuple]]]:
    """The home page's table of the data downloads, and the downloads to make: (site path, maker, arguments)."""
    made: list[tuple[str, str, tuple]] = []
    table = []

    def write(name: str, format_name: str, kind: str) -> tuple[str, str]:
        path = f"{DATA}/{name}"
        made.append((path, "_data", (format_name, kind)))
        return path, _FORMAT_NAMES[format_name]

    for kind in plan.kinds:
        files = [write(f"{kind}.json", "json", kind), write(f"{kind}.csv", "csv", kind)]
        if kind == "places" and _mapped(plan):
            files.append(write("places.geojson", "geojson", kind))
        table.append((kind, files))
    if len(plan.index.dates):
        table.append(("dates", [write("dates.json", "json", "dates"), write("dates.csv", "csv", "dates")]))
    table.append(("all", [write("registers.json", "json", "all"), write("registers.xml", "tei", "all")]))
    table.append(("sources", [(source.tei_href, source.rel) for source in plan.sources]))
    return table, made


def _data(site, format_name: str, kind: str) -> str:
    """One data download: the registers of ``kind`` in ``format_name``."""
    from tei_edition.register_formats import WRITERS

    return "".join(WRITERS[format_name](site.plan.index, kind, mentions=False, base=None))


# Pages and files made on the render workers by a function of this module rather than a SitePages method.
_PAGE_MAKERS = {"_home": _home, "_data": _data}


def _text_language(plan: Plan, default: str) -> str:
    """The most common language of the texts (for Pagefind's stemming), else ``default``."""
    found = Counter()
    for source in plan.texts:
        root = source.tree.getroot()
        text = root.find(f".//{TEI}text")
        value = (text.get(XML_LANG) if text is not None else None) or root.get(XML_LANG)
        if value:
            found[value.split("-")[0].lower()] += 1
    return found.most_common(1)[0][0] if found else default.split("-")[0]


class _Writing:
    """The files of the site besides the rendered pages, and Pagefind, which reads only the HTML.

    :meth:`start` (all pages rendered): the copied files that Pagefind may read, then Pagefind;
    :meth:`rest` (while it runs, and while the workers make the data downloads): the other
    copies, the assets; :meth:`finish` waits for Pagefind.
    """

    def __init__(self, site, plan: Plan, *, searchable: bool, language: str, threads: int | None = None):
        self.site = site
        self.plan = plan
        self.searchable = searchable
        self.language = language
        self.threads = threads  # --jobs: Pagefind's threads too
        self.indexing = None

    def _copies(self, read_by_pagefind: bool) -> None:
        copies = [(source.path, f"{TEI_DATA}/{source.rel}") for source in self.plan.sources]
        copies += [(path, name) for name, path in sorted(self.plan.files.items())]
        for path, name in copies:
            if _read_by_pagefind(name) is read_by_pagefind:
                self.site.copy(path, name)

    def start(self) -> None:
        self._copies(True)
        if self.searchable:
            self.indexing = search.start_indexing(self.site.root, language=self.language, threads=self.threads)

    def rest(self) -> None:
        self._copies(False)
        for name in ASSETS:
            self.site.write(name, resources.asset(name).read_bytes())
        if self.searchable:
            self.site.write(search.SCRIPT_NAME, search.search_script())

    def finish(self):
        if self.indexing is None:
            return None
        found, self.indexing = self.indexing.finish(), None
        return found

    def stop(self) -> None:
        if self.indexing is not None:
            self.indexing.stop()
            self.indexing = None

    def files(self) -> list[str]:
        """The site's files as a reader gets them: not the build's own cache."""
        from tei_edition.buildcache import CACHE_DIR

        return [name for name in self.site.files() if name.split("/", 1)[0] != CACHE_DIR]


def _read_by_pagefind(name: str) -> bool:
    """Whether Pagefind may read this file of the site (its glob is ``**/*.html``; here loosely)."""
    return ".htm" in name.lower()


def _answers(lookup, tokens) -> str:
    """The digest of what ``lookup`` (a page's ``Plan.lookup``) answers now for each of ``tokens``."""
    import hashlib

    return hashlib.sha256(repr([lookup(token) for token in tokens]).encode("utf-8", "surrogatepass")).hexdigest()


class _Cache:
    """The build's side of :mod:`tei_edition.buildcache`: read the last manifest, write the next."""

    def __init__(self, out, files, named, stylesheet, *, clean: bool, timestamp: bool, options: dict):
        from tei_edition import buildcache

        self.out = Path(out)
        self.timestamp = timestamp
        searched = options.get("search", True) and search.unavailable_reason() is None
        options = {**options, "search": searched, "pagefind": search.pagefind_identity() if searched else None,
                   "catalogs": os.environ.get("XML_CATALOG_FILES", ""),  # where <?xml-model?> schemas are found
                   "huge": parsing.current_policy().huge,  # --huge reads files a normal run refuses
                   "paths": [Path(p).as_posix() for p in named]}
        self.settings = buildcache.settings_key(stylesheet, options)
        self.inputs = buildcache.input_hashes(files)
        self.previous = None if clean else buildcache.load(out)
        self.page_keys: dict[str, str] = {}
        self.pages: dict[str, dict] = {}

    def unchanged(self) -> bool:
        from tei_edition import buildcache

        return (not self.timestamp and buildcache.unchanged(self.previous, self.settings, self.inputs)
                and buildcache.site_intact(self.out, self.previous))

    def result(self, result: BuildResult) -> BuildResult:
        """The last build's result, for a site left as it was."""
        recorded = self.previous["result"]
        result.built = result.cached = True
        result.pages = list(recorded["pages"])
        result.files = list(recorded["files"])
        result.texts = recorded["texts"]
        result.notes = list(recorded["notes"])
        result.reused = result.texts
        for path, found in recorded["report"]:
            file = FileReport(path)
            for line, column, severity, message, rule in found:
                file.add(line, column, severity, message, rule)
            result.report.files.append(file)
        for path, found in recorded["render"]:
            file = FileReport(path)
            for line, column, severity, message, rule in found:
                file.add(line, column, severity, message, rule)
            result.render.append(file)
        return result

    def keys(self, plan: Plan, params: dict) -> None:
        """Each text page's key: the settings, the stylesheet parameters, the page's name and
        source link, and the rendered copy of its text (with its mention ids).  All else a page
        takes from the plan it asks for pointer by pointer: the answers are kept beside the key
        (:meth:`rendered`) and asked again before the page is reused (:meth:`old_page`)."""
        import hashlib
        import json

        from lxml import etree

        shared = hashlib.sha256(self.settings.encode())
        shared.update(json.dumps(params, sort_keys=True, default=str).encode())
        for source in plan.texts:
            own = shared.copy()
            own.update(repr((source.page, source.tei_href)).encode("utf-8", "surrogatepass"))
            own.update(etree.tostring(source.site_tree))
            self.page_keys[source.page] = own.hexdigest()

    def old_page(self, source, plan: Plan) -> dict | None:
        """The last build's page of ``source`` when its key is the same, every pointer it asked
        about has the same answer now, and every file it linked is what a link gives now."""
        from tei_edition import buildcache

        page = source.page
        if self.timestamp or page not in self.page_keys:
            return None
        old = buildcache.old_page(self.out, self.previous, page, self.page_keys[page])
        if old is None or _answers(plan.lookup(source), old["asked"]) != old["answers"]:
            return None  # a register entry, another text's page or an id it points to changed
        if not all(plan.may_copy(name, path) for name, path in old["links"].items()):
            return None  # rendered again: its links say what to copy
        return old

    def old_site_page(self, page: str, key: str) -> str | None:
        """A site page (register, chronology ...) as the last build rendered it from the same
        inputs (``key``: :func:`site_pages.render_key`), or None.  Its links are made anew."""
        from tei_edition import buildcache

        old = buildcache.old_page(self.out, self.previous, page, key)
        return old["html"] if old is not None and not old["warnings"] else None

    def rendered(self, page: str, html: str, report: FileReport, links: dict, absent: set, *,
                 key: str | None = None, asked: tuple[list[str], str] = ([], "")) -> None:
        """Record a page for the next build: a text page with the pointers it ``asked`` about and
        the digest of their answers (:func:`_answers`), a site page with its ``key``."""
        from tei_edition import buildcache

        self.pages[page] = {
            "key": self.page_keys.get(page, "") if key is None else key, "sha256": buildcache.text_hash(html),
            "warnings": [[d.line, d.column, d.severity.value, d.message, d.rule] for d in report.diagnostics],
            "links": {name: str(path) for name, path in sorted(links.items())},
            "absent": sorted(absent),
            "asked": list(asked[0]), "answers": asked[1],
        }

    def write(self, site, result: BuildResult, plan: Plan) -> None:
        from tei_edition import buildcache

        files = {name: (site.root / name).stat().st_size for name in result.files}
        linked = {str(path): buildcache.file_hash(path) or "-" for path in sorted(set(plan.files.values()), key=str)}

        def reports(found):
            return [[f.path, [[d.line, d.column, d.severity.value, d.message, d.rule] for d in f.diagnostics]]
                    for f in found]

        recorded = {"pages": result.pages, "files": result.files, "texts": result.texts, "notes": result.notes,
                    "report": reports(result.report.files), "render": reports(result.render)}
        site.write(buildcache.MANIFEST, buildcache.manifest(self.settings, self.inputs, linked, sorted(plan.absent),
                                                            files, self.pages, recorded))
