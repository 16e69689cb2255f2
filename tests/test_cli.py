"""The command group itself: help, version, unknown commands."""

from tei_edition import __version__


def test_version_prints_name_and_version(cli_run):
    code, out, err = cli_run("--version")
    assert (code, out, err) == (0, f"tei-edition, version {__version__}\n", "")


def test_help_lists_examples(cli_run):
    code, out, _ = cli_run("--help")
    assert code == 0
    assert out.startswith("Usage: tei-edition [OPTIONS] COMMAND [ARGS]...")
    assert "Example:" in out


def test_unknown_command_is_a_usage_error(cli_run):
    code, out, err = cli_run("frobnicate")
    assert code == 2
    assert "Error: No such command 'frobnicate'." in err


def test_python_dash_m_runs_the_same_cli():
    import subprocess
    import sys

    completed = subprocess.run([sys.executable, "-m", "tei_edition", "--version"], capture_output=True, text=True)
    assert completed.returncode == 0
    assert completed.stdout == f"tei-edition, version {__version__}\n"


def _program(*args, cwd=None):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "tei_edition", *map(str, args)], capture_output=True, cwd=cwd)


def test_the_program_flushes_all_output_before_its_fast_exit(tmp_path):
    """main() ends the process with os._exit: nothing written may be lost, and the status is kept."""
    from pathlib import Path

    texts = Path(__file__).resolve().parent.parent / "texts"
    piped = _program("index", texts, "--kind", "all", "--format", "json")
    assert piped.returncode == 0, piped.stderr
    written = _program("index", texts, "--kind", "all", "--format", "json", "-o", tmp_path / "all.json")
    assert written.returncode == 0, written.stderr
    assert len(piped.stdout) > 20_000
    assert piped.stdout == (tmp_path / "all.json").read_bytes()


def test_the_program_keeps_usage_and_error_statuses(tmp_path):
    unknown = _program("frobnicate")
    assert unknown.returncode == 2
    assert b"Error: No such command 'frobnicate'." in unknown.stderr
    bad = tmp_path / "bad.xml"
    bad.write_text("<TEI xmlns='http://www.tei-c.org/ns/1.0'><oops></TEI>", encoding="utf-8")
    broken = _program("validate", bad)
    assert broken.returncode == 1
    assert broken.stdout.decode().startswith(f"{bad}:1:")


def test_under_a_profiler_the_exit_is_the_ordinary_one(tmp_path):
    """cProfile and coverage write their data at exit: the fast exit must not skip it."""
    import subprocess
    import sys

    stats = tmp_path / "run.prof"
    completed = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "tei_edition", "--version"],
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    assert stats.stat().st_size > 0
