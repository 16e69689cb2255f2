"""Validate, index and build a corpus with its per-document work on a local Dask cluster.

    pip install "dask[distributed]"
    python examples/dask_cluster.py [FOLDER ...]        # default: texts/

The toolkit's library functions take any ``concurrent.futures.Executor``;
Dask's ``Client.get_executor()`` is one, so the same calls spread a corpus over
a cluster (here two local worker processes; a real cluster's workers need the
files at the same paths).  The report, the registers and the site are the
same as with ``--jobs 1``.  Dask is not a dependency of tei-edition: without
it this script says so and exits 2.
"""

from __future__ import annotations

import sys


def main(folders: list[str]) -> int:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        print('this example needs Dask: pip install "dask[distributed]"', file=sys.stderr)
        return 2
    from tei_edition import index, validate
    from tei_edition.diagnostics import WRITERS
    from tei_edition.site import build

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster, Client(cluster) as client:
        executor = client.get_executor()
        report = validate(folders, executor=executor)  # each chunk of files is a Dask task
        print(WRITERS["text"](report), end="")
        registers = index(folders, executor=executor)
        print(", ".join(f"{len(registers[kind])} {kind}" for kind in ("persons", "places", "orgs")))
        # The pages need the whole site plan, so they are rendered on local forked processes.
        result = build(folders, "_site-dask", executor=executor, force=True)
        print(result.summary())
    return 0 if report.ok() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["texts"]))
