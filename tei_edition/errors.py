"""Typed errors that carry the exit code the command line turns them into.

Exit codes are part of the interface (see README):

* 0 -- everything checked is fine;
* 1 -- the texts have errors (invalid TEI, dangling pointers, ...);
* 2 -- the command could not do its job: bad usage, unreadable input, I/O.

Library code raises these; only :mod:`tei_edition.cli` turns them into a
message and an exit status, so no other module calls ``sys.exit``.
"""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    TEXT_ERRORS = 1
    USAGE = 2


class TeiEditionError(Exception):
    """Base class: a problem the user must hear about, without a traceback."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageProblem(TeiEditionError):
    """The command was called in a way that cannot work (bad option, bad path)."""


class InputProblem(TeiEditionError):
    """An input or output file or folder could not be read or written."""


class TextErrors(TeiEditionError):
    """The texts were read, and they have errors; the report says which."""

    exit_code = ExitCode.TEXT_ERRORS


class XMLProblem(TeiEditionError):
    """A document is not usable XML: it carries the position to fix.

    ``str()`` gives the editor-facing form ``path:line:col: error: message``.
    Line and column are 1-based; 0 means the position is not known.
    """

    exit_code = ExitCode.TEXT_ERRORS

    def __init__(self, path, line: int, column: int, message: str, rule: str = "well-formed"):
        self.path = str(path)
        self.line = line
        self.column = column
        self.rule = rule
        super().__init__(message)

    def __reduce__(self):
        # a worker process sends it back whole (the default would call __init__ with the message alone)
        return (type(self), (self.path, self.line, self.column, self.message, self.rule))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: error: {self.message}"
