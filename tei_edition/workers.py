"""Where per-document work runs: one process, a local process pool, or a cluster.

Everything that can run document by document (validation's grammar,
Schematron and per-document integrity checks; a build's text pages) goes
through a :class:`concurrent.futures.Executor`.  :func:`make_executor` gives
the local one for ``--jobs N``:

* ``jobs == 1`` (or an input below :data:`PARALLEL_THRESHOLD` files): an
  :class:`InProcess` executor, which runs each call at once, here;
* otherwise a :class:`~concurrent.futures.ProcessPoolExecutor` with the
  ``fork`` start method (on Linux), so every worker inherits what the parent
  has compiled already (the schema, the stylesheets: see the per-process
  caches in :mod:`tei_edition.relaxng`, :mod:`tei_edition.schematron` and
  :mod:`tei_edition.rendering`) and compiles anything else once, for all the
  documents it is given, never once per document.

Library calls accept ``executor=`` instead, e.g. Dask's
``Client.get_executor()`` for corpora beyond one machine (docs/performance.md).
Work is cut into contiguous chunks (:func:`chunks`) and the results are
gathered in input order (:func:`map_ordered`), so the output is the same
whatever the number of workers.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import Executor, Future  # (not the process pool: imported when a pool is made)

from tei_edition import shares

# Below this many files a run stays in one process: starting workers (a fork
# each, warming caches, pickling results back) costs more than it saves.  A
# profile validation of one small text takes ~5-10 ms; a fork and the first
# task in a worker ~20-40 ms; with fewer than ~16 files two workers cannot win.
PARALLEL_THRESHOLD = 16
# Chunks per worker: enough for load balancing when documents differ in size,
# few enough that per-task overhead (pickling, a grammar compile per chunk) stays small.
CHUNKS_PER_WORKER = 4
# Shares per worker for work that costs nothing to start per share (the pages: the
# stylesheet is compiled before the fork), cut tapering: with four even shares each, one
# worker could still render its last 125 of 1,000 texts, ~0.2 s, while the other waited.
TAPERING_CHUNKS_PER_WORKER = 12


def default_jobs() -> int:
    """All cores usable by this process."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class InProcess(Executor):
    """An Executor that runs each call at once in the calling process (``--jobs 1``)."""

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:  # delivered through the future, as a pool would; Ctrl-C is not caught
            future.set_exception(error)
        return future


def make_executor(jobs: int | None = None, items: int | None = None, *, nice: int = 0,
                  inherits: bool = False) -> Executor:
    """The executor for ``jobs`` workers (None: all cores) and ``items`` documents (None: unknown).

    ``nice`` > 0 lowers the workers' priority: for work that runs beside this
    process's own, when this process is the one the run waits for.  ``inherits``:
    the tasks read what this process prepared before the pool started (the site's
    plan, say), which only forked workers have; where workers are not forked
    (macOS and Windows start them afresh) the work stays in this process."""
    jobs = default_jobs() if jobs is None or jobs < 1 else jobs
    if items is not None:
        jobs = min(jobs, items)
        if items < PARALLEL_THRESHOLD:
            jobs = 1
    if jobs <= 1:
        return InProcess()
    # Imported here: multiprocessing and the pool cost ~10 ms, which a run in one process
    # (one text, --jobs 1) need not pay
    from concurrent.futures import ProcessPoolExecutor

    context = _pool_context()
    forked = context.get_start_method() == "fork"
    if inherits and not forked:
        return InProcess()
    # Linux ends a worker when the *thread* that started it ends.  A forked pool starts all
    # its workers at its first task (start(): from the main thread); other pools start them
    # as tasks come, perhaps from a thread that ends first, killing a worker that may hold
    # the pool's queue lock: the others then wait for it forever.  So only forked ones ask.
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker,
                               initargs=(nice, os.getpid() if forked else None))


def _pool_context():
    """How local pools start their workers: forked on Linux (they inherit what this process has
    compiled and read), elsewhere as the platform starts processes by default."""
    import multiprocessing

    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)


def _is_process_pool(executor: Executor) -> bool:
    """Whether ``executor`` is a ProcessPoolExecutor (without importing it for a run that made none)."""
    module = sys.modules.get("concurrent.futures.process")
    return module is not None and isinstance(executor, module.ProcessPoolExecutor)


def start(executor: Executor) -> None:
    """Start a local pool's workers now (a no-op for others).

    A fork copies only the thread that forks: started while another thread
    holds a lock (libxml2's, an import's), a worker could wait for it forever.
    A caller that is about to use threads starts its pool first.
    """
    if _is_process_pool(executor):
        executor.submit(int).result()  # the fork context starts every worker at the first task


def forks(executor: Executor) -> bool:
    """Whether ``executor`` is a local pool whose workers are forked from this process."""
    if not _is_process_pool(executor):
        return False
    context = getattr(executor, "_mp_context", None)
    return context is not None and context.get_start_method() == "fork"


def _start_worker(nice: int = 0, parent: int | None = None) -> None:
    """A pool worker's first step: it dies with its ``parent`` (pid; None: no such request), and
    ``nice`` > 0 lowers its priority."""
    if parent is not None:
        _die_with_parent(parent)
    if nice > 0 and hasattr(os, "nice"):
        try:
            os.nice(nice)
        except OSError:
            pass


def _die_with_parent(parent: int | None = None) -> None:
    """Ask Linux to end this worker when the process that started it dies.

    A build killed with SIGKILL cannot stop its workers itself; orphaned
    workers would go on rendering, and hold the terminal's or a caller's
    pipes open, long after the command is gone.  A parent killed between the
    fork and this request is not seen by it: then the worker has another
    parent already than ``parent`` (the pid it was forked from), and ends at
    once.  Elsewhere this is a no-op.
    """
    import signal

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if parent is not None and os.getppid() != parent:
        os._exit(1)
    # The parent handles Ctrl-C for the run; a worker must not die of the
    # same SIGINT (sent to the whole foreground group) with a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def workers_of(executor: Executor) -> int:
    """How many workers ``executor`` has (1 for in-process or unknown single ones)."""
    if isinstance(executor, InProcess):
        return 1
    count = getattr(executor, "_max_workers", None)
    return count if isinstance(count, int) and count > 0 else default_jobs()


def chunks(items: list, workers: int) -> list[list]:
    """Contiguous slices of ``items``, about :data:`CHUNKS_PER_WORKER` per worker, in order."""
    return shares.even(list(items), workers * CHUNKS_PER_WORKER if workers > 1 else 1)


def tapering_chunks(items: list, workers: int) -> list[list]:
    """Contiguous slices of ``items`` for workers that take them one by one: large first, small
    last (:func:`shares.tapering`), about :data:`TAPERING_CHUNKS_PER_WORKER` per worker, in order."""
    return shares.tapering(list(items), workers * TAPERING_CHUNKS_PER_WORKER if workers > 1 else 1)


def map_ordered(executor: Executor, function, arguments: list, progress=None, sizes=None) -> list:
    """``[function(a) for a in arguments]`` on ``executor``, results in input order.

    ``progress(n)`` is called as results arrive, n being the finished
    argument's entry in ``sizes`` (how many files it stood for; default 1).
    """
    return list(ordered([executor.submit(function, argument) for argument in arguments], progress, sizes))


def ordered(futures: list, progress=None, sizes=None):
    """The results of ``futures`` one by one, in their order, as soon as each is there."""
    sizes = sizes or [1] * len(futures)
    for size, future in zip(sizes, futures):
        result = future.result()
        if progress is not None:
            progress(size)
        yield result
