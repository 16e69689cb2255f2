"""Corpus scale, measured by hand: --jobs, per-document build time, incremental rebuilds.

    python bench/build_scale.py                          # 1,000 and 5,000 texts, 3 rounds
    python bench/build_scale.py --sizes 1000 10000 --repeat 5

Writes synthetic corpora with bench/make_corpus.py (kept in --work, default a
temporary folder) and runs ``tei-edition`` as a user does, one process per
run (interpreter start-up included), timing each from start to exit.  Every
row prints the median of --repeat runs and the ratio asked for, both measured
in this run:

* validate and build of the first size on ``--jobs 2`` vs ``--jobs 1``;
* full build (``--clean``) per-document time at each size, and the ratio of
  the largest to the smallest;
* a rebuild with nothing changed, and one after editing one text, vs a full build.

Pagefind runs when it is installed, as in a user's build.  The machine's load
average is printed: on a shared machine compare only within one run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> str:
    return shutil.which("tei-edition") or str(Path(sys.executable).with_name("tei-edition"))


def _time(command: list[str], repeat: int, before=None) -> list[float]:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return times


def _row(label: str, times: list[float]) -> float:
    median = statistics.median(times)
    print(f"  {label:<44} median {median:8.3f} s  (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})")
    return median


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="keep corpora and sites here (default: temporary)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="tei-edition-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    tool = _tool()
    print(f"{os.cpu_count()} cores, load average at start {os.getloadavg()[0]:.1f}")
    corpora = {}
    for size in args.sizes:
        corpus = work / f"corpus-{size}"
        if not (corpus / "texts").is_dir():
            subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), str(size), str(corpus)], check=True)
        corpora[size] = corpus

    first = args.sizes[0]
    corpus, site = corpora[first], work / f"site-{first}"
    print(f"\n--jobs, {first} texts")
    v1 = _row("validate --jobs 1", _time([tool, "validate", str(corpus), "--jobs", "1"], args.repeat))
    v2 = _row("validate --jobs 2", _time([tool, "validate", str(corpus), "--jobs", "2"], args.repeat))
    b1 = _row("build --clean --jobs 1", _time([tool, "build", str(corpus), "-o", str(site), "--clean", "--jobs", "1"], args.repeat))
    b2 = _row("build --clean --jobs 2", _time([tool, "build", str(corpus), "-o", str(site), "--clean", "--jobs", "2"], args.repeat))
    print(f"  ratio validate jobs1/jobs2: {v1 / v2:.2f}x   build jobs1/jobs2: {b1 / b2:.2f}x")

    print("\nfull build per document (--clean, default jobs)")
    per_doc = {}
    for size in args.sizes:
        out = work / f"site-{size}"
        median = _row(f"build --clean, {size} texts", _time([tool, "build", str(corpora[size]), "-o", str(out), "--clean"], args.repeat))
        per_doc[size] = median / size
        print(f"  {'':<44} {per_doc[size] * 1000:8.2f} ms per text")
    if len(per_doc) > 1:
        print(f"  ratio per-text time {args.sizes[-1]} / {first}: {per_doc[args.sizes[-1]] / per_doc[first]:.2f}x")

    print(f"\nincremental, {first} texts")
    full = _row("build --clean (full)", _time([tool, "build", str(corpus), "-o", str(site), "--clean"], args.repeat))
    none = _row("build, nothing changed", _time([tool, "build", str(corpus), "-o", str(site)], args.repeat))
    edited = corpus / "texts" / "t00001.xml"
    original = edited.read_text(encoding="utf-8")
    state = {"n": 0}

    def edit():
        state["n"] += 1
        edited.write_text(original.replace("<head>", f"<head>Edit {state['n']} ", 1), encoding="utf-8")

    one = _row("build, one text edited", _time([tool, "build", str(corpus), "-o", str(site)], args.repeat, before=edit))
    edited.write_text(original, encoding="utf-8")
    print(f"  ratio no-change / full: {none / full:.1%}   one-text edit / full: {one / full:.1%}")
    print(f"\nload average at end {os.getloadavg()[0]:.1f}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
