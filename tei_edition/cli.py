"""The ``tei-edition`` command: a thin layer over the library.

Each command lives in its own module under :mod:`tei_edition.commands` and is
loaded only when it is called (the table below), so ``--help`` and
``--version`` stay fast.  Library errors carry their exit code
(:mod:`tei_edition.errors`); :func:`main` turns them into one line on stderr,
never a traceback.
"""

from __future__ import annotations

import gc
import os
import sys
from importlib import import_module

# A command is a short-lived process that makes millions of small objects
# (modules, grammar tuples, diagnostics) and almost no cyclic garbage; with
# the default thresholds the collector walks them every 700 allocations,
# about a twentieth of a short validation (measured in docs/performance.md).
# Collections still run, only less often.
gc.set_threshold(50_000, 20, 100)

import click  # noqa: E402 - after the collector is set, so that importing it is cheaper too

from tei_edition import __version__
from tei_edition.errors import ExitCode, TeiEditionError, XMLProblem

# command name -> "module:attribute" of a click.Command.  A command is listed
# here only once it works.
COMMANDS: dict[str, str] = {
    "build": "tei_edition.commands.build:command",
    "index": "tei_edition.commands.index:command",
    "validate": "tei_edition.commands.validate:command",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        return getattr(import_module(module_name), attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="tei-edition")
def cli():
    """Validate TEI P5 texts, build an HTML edition, extract registers.

    Run in an edition project: commands read texts/ unless you name files or
    folders.

    Example:

        tei-edition --version
    """


def main(argv=None):
    """Run the command line (``argv``, default ``sys.argv[1:]``) and exit with its status.

    Run as the program itself (no ``argv``), the process ends with
    :func:`os._exit` once the output is flushed: tearing down the
    interpreter (every module, every object of a large run) costs a tenth of
    a short validation and does nothing for the user; no tei-edition code
    relies on ``atexit``.  Under a profiler or a tracer (cProfile, coverage),
    which write their data at exit, the exit is the ordinary one.
    """
    global _ENDS_WITHOUT_TEARDOWN
    if argv is None and sys.getprofile() is None and sys.gettrace() is None:
        _ENDS_WITHOUT_TEARDOWN = True
        try:
            _run(argv)
        except SystemExit as done:
            _hard_exit(done.code)
        _hard_exit(ExitCode.OK)  # pragma: no cover - _run always exits
    _run(argv)


# True once main() has chosen to end the process with os._exit: a command may
# then leave its large data for the process's end to reclaim, unfreed.
_ENDS_WITHOUT_TEARDOWN = False


def ends_without_teardown() -> bool:
    """Whether this process will end with :func:`os._exit` once the command is done."""
    return _ENDS_WITHOUT_TEARDOWN


def _hard_exit(code) -> None:
    status = code if isinstance(code, int) else (0 if code is None else 1)
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        pass  # the reader went away, or stdout is closed: nothing more to say
    except OSError:
        status = status or ExitCode.USAGE
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(status)


def _run(argv) -> None:
    try:
        # Commands return their exit code; in non-standalone mode click hands
        # it back here (and ctx.exit(n) arrives as the return value too).
        status = cli.main(args=argv, prog_name="tei-edition", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("tei-edition: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(ExitCode.USAGE)
    except XMLProblem as error:  # already "path:line:col: error: message"
        click.echo(str(error), err=True)
        sys.exit(error.exit_code)
    except TeiEditionError as error:
        click.echo(f"tei-edition: error: {error}", err=True)
        sys.exit(error.exit_code)
    except BrokenPipeError:
        sys.exit(ExitCode.OK)
    except KeyboardInterrupt:
        click.echo("tei-edition: interrupted", err=True)
        sys.exit(130)
    sys.exit(status if isinstance(status, int) else ExitCode.OK)
