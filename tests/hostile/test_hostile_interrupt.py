"""Issue 6: a build that is killed midway leaves the previous site whole, through the real command line.

A corpus of copies of the review (a few seconds to build) has a site from an
earlier build; ``python -m tei_edition build --clean`` is started on it (with
one more text) in a subprocess and stopped with SIGKILL or SIGINT at three
moments: while the texts are rendered (nothing written yet), while the new
site is written into its staging folder, and while Pagefind indexes it.
The previous site must be byte for byte what it was; SIGINT must exit 130
with "interrupted" and leave nothing behind; after SIGKILL the next build
must succeed and clear what the killed one left.

tests/test_sitewriter.py tests the same at the level of SiteWriter.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_kit import SCHEMAS, TEXTS, build_available, site_digest

pytestmark = pytest.mark.skipif(not build_available(), reason="`tei-edition build` is not registered yet")
COPIES = 50


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, float]:
    """A project with COPIES texts and its site, built once for the module, and the seconds
    that build took before it began writing (the staging folder appeared)."""
    root = tmp_path_factory.mktemp("interrupt") / "proj"
    (root / "texts").mkdir(parents=True)
    shutil.copytree(SCHEMAS, root / "schemas")
    shutil.copy(TEXTS / "registers.xml", root / "texts" / "registers.xml")
    review = (TEXTS / "rees-review.xml").read_bytes()
    for number in range(COPIES):
        (root / "texts" / f"review-{number:03}.xml").write_bytes(review)
    process = subprocess.Popen([sys.executable, "-m", "tei_edition", "build", "-q"], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = time.monotonic()
    assert wait_for(process, lambda: bool(staging(root))), "the first build never wrote a staging folder"
    before_writing = time.monotonic() - started
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    return root, before_writing


def command(root: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tei_edition", *args], cwd=root, capture_output=True, text=True,
                          timeout=300)


def leftovers(root: Path) -> list[str]:
    return sorted(os.path.basename(p) for p in glob.glob(str(root / "._site.*")))


def wait_for(process: subprocess.Popen, ready, limit: float = 120) -> bool:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if process.poll() is not None:
            return False
        if ready():
            return True
        time.sleep(0.002)
    return False


def staging(root: Path) -> list[Path]:
    return [Path(p) for p in glob.glob(str(root / "._site.staging-*"))]


MOMENTS = {
    # nothing written yet: half way to the moment the first build began to write
    "rendering": lambda root, started, before_writing: time.monotonic() - started > before_writing / 2,
    # the new site is being written next to the old one
    "writing": lambda root, started, _: any(len(os.listdir(s)) > 1 for s in staging(root)),
    # Pagefind indexes the staging folder before the swap
    "indexing": lambda root, started, _: any((s / "pagefind").is_dir() for s in staging(root)),
}


ATTEMPTS = 4


def _default_sigint() -> None:
    # A test run started in the background (`cmd &`, nohup, some CI runners)
    # inherits SIGINT as ignored, and Python then never turns it into
    # KeyboardInterrupt: the build would rightly go on.  The test is about a
    # user's Ctrl-C, so the build gets the default disposition.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("moment", sorted(MOMENTS))
@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGINT"])
def test_an_interrupted_build_leaves_the_previous_site_whole(built, tmp_path, moment, signal_name):
    built, before_writing = built
    if moment == "indexing":
        from tei_edition import search

        if search.unavailable_reason():
            pytest.skip("Pagefind is not installed: no indexing step to interrupt")
    # On a loaded machine the build can win the race against the signal (it
    # finishes between the moment being seen and the signal landing); such an
    # attempt proves nothing either way, so it is tried again on a fresh copy.
    for attempt in range(ATTEMPTS):
        root = tmp_path / f"proj-{attempt}"
        shutil.copytree(built, root, symlinks=True)
        before = site_digest(root / "_site")
        (root / "texts" / "new-text.xml").write_bytes((TEXTS / "rees-review.xml").read_bytes())
        process = subprocess.Popen([sys.executable, "-m", "tei_edition", "build", "--clean", "-q"], cwd=root,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   preexec_fn=_default_sigint)
        started = time.monotonic()
        try:
            reached = wait_for(process, lambda: MOMENTS[moment](root, started, before_writing))
            if reached and not (moment == "rendering" and staging(root)):
                process.send_signal(getattr(signal, signal_name))
            _, stderr = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
        if process.returncode != 0:
            break
        # the build finished first: it must then have put a whole new site in place
        assert (root / "_site" / "new-text.html").is_file() and leftovers(root) == []
    else:
        pytest.skip(f"the build finished before the signal in all {ATTEMPTS} attempts (a loaded machine)")
    assert site_digest(root / "_site") == before  # the previous site, byte for byte
    if signal_name == "SIGINT":
        assert process.returncode == 130, stderr
        assert stderr.splitlines()[-1] == "tei-edition: interrupted"
        assert "Traceback" not in stderr
        assert leftovers(root) == []  # the staging folder was thrown away
    else:
        assert process.returncode == -signal.SIGKILL
    completed = command(root, "build", "-q")  # the next build finishes the job and clears what was left
    assert completed.returncode == 0, completed.stderr
    assert leftovers(root) == []
    assert (root / "_site" / "new-text.html").is_file()
    assert site_digest(root / "_site") != before
