"""The ``tei-edition`` command: a thin layer over the library.

Each command lives in its own module under :mod:`tei_edition.commands` and is
loaded only when it is called (the table below), so ``--help`` and
``--version`` stay fast.  Library errors carry their exit code
(:mod:`tei_edition.errors`); :func:`main` turns them into one line on stderr,
never a traceback.
"""

from __future__ import annotations

import sys
from importlib import import_module

import click

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
