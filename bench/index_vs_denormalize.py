"""Time ``tei-edition index`` against acdh-tei-pyutils' ``denormalize-indices``.

Both run on a fresh copy of the Mächtekongresse corpus (editions/ and
indices/) in a temporary folder -- denormalize-indices rewrites the files it
reads, so every one of its runs gets a new copy, and tei-edition reads a
copy of its own that nothing rewrites; copying is not timed.  Each command
runs as a subprocess (interpreter start-up included, as a user sees it) from
compiled bytecode, as installed packages run, several times; the medians and
their ratio are printed.

acdh-tei-pyutils is not a dependency of tei-edition.  Put it in a throwaway
virtual environment:

    python3 -m venv /tmp/acdh-venv && /tmp/acdh-venv/bin/pip install acdh-tei-pyutils
    python bench/index_vs_denormalize.py --repeat 5

By default denormalize-indices is given a mention XPath over the same
elements tei-edition reads (persName, placeName, orgName, rs, title with
@ref) so both do comparable work; ``--acdh-default-xpath`` keeps its own
default (``rs`` only).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "maechtekongresse"
MENTION_XPATH = (
    ".//tei:*[self::tei:persName or self::tei:placeName or self::tei:orgName or self::tei:rs"
    " or self::tei:title][@ref]/@ref"
)


def _copy(corpus: Path, into: Path, name: str = "corpus") -> Path:
    target = into / name
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    for part in ("editions", "indices"):
        shutil.copytree(corpus / part, target / part, copy_function=shutil.copyfile)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)  # the shared copy is read-only
    return target


def _time(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one run.  CPU time is the
    steadier measure on a machine shared with other work."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({completed.returncode}):\n{completed.stderr.decode(errors='replace')}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--denormalize", default="/tmp/acdh-venv/bin/denormalize-indices",
                        help="the denormalize-indices executable (default: %(default)s)")
    parser.add_argument("--tei-edition", default=str(Path(sys.executable).with_name("tei-edition")),
                        help="the tei-edition executable (default: beside this Python)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="pass --jobs N to tei-edition index (default: its own default, all cores)")
    parser.add_argument("--acdh-default-xpath", action="store_true",
                        help="run denormalize-indices with its own default mention XPath (rs only)")
    args = parser.parse_args(argv)

    if not (args.corpus / "editions").is_dir():
        sys.exit(f"{args.corpus}: no editions/ here (the Mächtekongresse corpus from ../shared)")
    if shutil.which(args.denormalize) is None:
        sys.exit(f"{args.denormalize}: not found; see the top of {Path(__file__).name} for installing it")

    ours_command = [args.tei_edition, "index", "editions", "indices", "--kind", "all", "-o", "registers.json"]
    if args.jobs is not None:
        ours_command += ["--jobs", str(args.jobs)]
    theirs_command = [args.denormalize, "-f", "./editions/*.xml", "-i", "./indices/list*.xml"]
    if not args.acdh_default_xpath:
        theirs_command += ["-m", MENTION_XPATH]

    ours, theirs = [], []
    with tempfile.TemporaryDirectory(prefix="index-bench-") as folder:
        folder = Path(folder)
        # Both run from compiled bytecode, as installed packages do (an editable
        # install run with PYTHONDONTWRITEBYTECODE would compile every module
        # on every run); the bytecode is kept out of the source tree.
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        # tei-edition reads a copy of its own, never one that denormalize-indices
        # has rewritten (its editions then carry copies of the register entries)
        ours_corpus = _copy(args.corpus, folder, "ours")
        _time(theirs_command, _copy(args.corpus, folder), env)  # warm the file cache and the bytecode of both
        _time(ours_command, ours_corpus, env)
        for run in range(args.repeat):
            ours.append(_time(ours_command, ours_corpus, env))
            theirs.append(_time(theirs_command, _copy(args.corpus, folder), env))
            print(f"run {run + 1}: tei-edition index {ours[-1][0]:.2f} s ({ours[-1][1]:.2f} s CPU), "
                  f"denormalize-indices {theirs[-1][0]:.2f} s ({theirs[-1][1]:.2f} s CPU)", flush=True)

    files = len(list((args.corpus / "editions").glob("*.xml"))) + len(list((args.corpus / "indices").glob("*.xml")))
    print(f"\n{files} files, {args.repeat} runs each (medians); load average {os.getloadavg()[0]:.2f}")
    for label, column in (("wall", 0), ("CPU", 1)):
        mine = statistics.median(run[column] for run in ours)
        other = statistics.median(run[column] for run in theirs)
        print(f"{label:>4}: tei-edition index {mine:.3f} s, denormalize-indices {other:.3f} s, "
              f"ratio {other / mine:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
