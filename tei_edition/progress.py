"""What a long run shows on a terminal: ``--jobs``, a progress bar and a closing line.

Both go to standard error and only when it is a terminal and ``--quiet`` is
not given, so piped and captured output (CI logs, the tests) stays exactly
the report.  The bar appears for runs over :data:`BAR_THRESHOLD` files; the
closing line says what was done, to how many files, in how long.
"""

from __future__ import annotations

import sys
import time

import click

BAR_THRESHOLD = 30

jobs_option = click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
    help="Work on N processes (default: all cores; 1: in this process).  Inputs of fewer than "
    "16 files stay in one process.  The output is the same whatever N.",
)


def interactive(quiet: bool = False) -> bool:
    stream = sys.stderr
    return not quiet and hasattr(stream, "isatty") and stream.isatty()


class Progress:
    """``progress(n)``: n more files done.  ``finish(text)`` ends the bar and writes the closing line."""

    def __init__(self, total: int | None, label: str, *, quiet: bool = False):
        self.label = label
        self.shown = interactive(quiet)
        self.began = time.perf_counter()
        self._bar = None
        if total is not None:
            self.start(total)

    def start(self, total: int, label: str | None = None) -> None:
        """Show the bar for ``total`` files (a library calls this when it knows how many)."""
        self.close()
        if self.shown and total > BAR_THRESHOLD:
            self._bar = click.progressbar(length=total, label=label or self.label, file=sys.stderr, show_pos=True)
            self._bar.__enter__()

    def __call__(self, count: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(count)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.began

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def finish(self, text: str) -> None:
        """Close the bar; ``text`` may hold ``{seconds}``."""
        self.close()
        if self.shown:
            click.echo(text.format(seconds=f"{self.elapsed:.2f} s"), err=True)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
