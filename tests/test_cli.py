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
