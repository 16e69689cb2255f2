"""``tei-edition index``: registers of persons, places, organisations, works, events and dates."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from tei_edition.commands import reading_options
from tei_edition.errors import ExitCode, InputProblem
from tei_edition.progress import jobs_option

KIND_CHOICES = ("persons", "places", "orgs", "works", "events", "dates", "all")
FORMAT_CHOICES = ("json", "csv", "geojson", "tei")


@click.command(name="index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--kind", "-k", type=click.Choice(KIND_CHOICES), default="all", show_default=True,
              help="Which register to write.")
@click.option("--format", "-f", "format_", type=click.Choice(FORMAT_CHOICES), default="json", show_default=True,
              help="Output format (geojson: places only).")
@click.option("--mentions", is_flag=True, help="CSV: one row per mention instead of one per entry.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE (atomically) instead of standard output.")
@jobs_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or closing timing line on a terminal.")
@reading_options
def command(paths, kind, format_, mentions, output, jobs, quiet):
    """Extract registers, with every mention, from TEI files (default: texts/).

    Entries are the person, personGrp, place, org, bibl, biblStruct and
    event elements with an xml:id in listPerson, listPlace, listOrg,
    listBibl and listEvent, wherever they are (register files among the
    inputs, standOff, back, the header). Mentions are persName, placeName,
    orgName, eventName, title, name and rs pointing at them with @ref (or
    @key), and descriptions (a bibl, a person) with @sameAs. Mentions inside
    copies of entries (an edition's back) are not counted twice. The sources
    are never modified.

    Pointers that lead nowhere are reported on standard error as warnings
    and listed under "dangling" in --kind all JSON. A file that is not
    well-formed XML is reported as path:line:col: error, skipped whole, and
    the output is still written from the other files; the exit status is
    then 1 (2 for usage and I/O problems, 0 otherwise).

    Example:

        tei-edition index editions/ indices/ --kind persons --format csv -o persons.csv
    """
    from tei_edition.register_formats import WRITERS
    from tei_edition.registers import index

    if format_ == "geojson" and kind not in ("places", "all"):
        raise click.UsageError(f"--format geojson maps places; use --kind places (not {kind})")
    from tei_edition.inputs import collect, refuse_overwriting
    from tei_edition.progress import Progress, plural

    files = collect(paths)
    if output is not None:
        refuse_overwriting(output, files)  # -o texts/registers.xml would replace the editor's register
    progress = Progress(len(files), "indexing", quiet=quiet)
    try:
        registers = index(paths, kinds=kind, jobs=jobs, progress=progress, files=files)
    finally:
        progress.close()
    for problem in registers.skipped:
        click.echo(str(problem), err=True)
    for notice in registers.warnings:
        click.echo(str(notice), err=True)
    for item in registers.dangling:
        click.echo(str(item), err=True)
    base = output.parent if output is not None else None
    pieces = WRITERS[format_](registers, kind, mentions=mentions, base=base)
    if output is None:
        _write_stdout(pieces)
    else:
        _write_atomically(output, pieces)
    entries = sum(len(found) for found in registers.entries.values())
    progress.finish(f"indexed {plural(len(registers.documents) + len(registers.skipped), 'file')} in {{seconds}}: "
                    f"{entries} {'entry' if entries == 1 else 'entries'}, "
                    f"{len(registers.skipped)} skipped")
    if registers.skipped:
        click.echo(f"tei-edition: {len(registers.skipped)} file(s) skipped (not well-formed); "
                   f"the output covers the other {len(registers.documents)}", err=True)
        return ExitCode.TEXT_ERRORS
    return ExitCode.OK


def _write_stdout(pieces) -> None:
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a text-only stream (some test harnesses)
        for piece in pieces:
            sys.stdout.write(piece)
        sys.stdout.flush()
        return
    try:
        for piece in pieces:
            stream.write(piece.encode("utf-8"))
        stream.flush()
    except BrokenPipeError:
        # the reader stopped (| head): not an error; keep Python's final flush quiet
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _write_atomically(output: Path, pieces) -> None:
    """Write to a temporary file beside ``output`` and rename it into place,
    so a reader never sees half a register and a failure leaves the old file."""
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise InputProblem(f"{output}: cannot write: the folder {folder} does not exist")
    import tempfile  # only when writing a file

    try:
        handle = tempfile.NamedTemporaryFile("wb", dir=folder, prefix=f".{output.name}.", suffix=".tmp", delete=False)
    except OSError as error:
        raise InputProblem(f"{output}: cannot write: {error.strerror or error}") from None
    try:
        with handle:
            for piece in pieces:
                handle.write(piece.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o666 & ~_umask())
        os.replace(handle.name, output)
    except OSError as error:
        _remove(handle.name)
        raise InputProblem(f"{output}: cannot write: {error.strerror or error}") from None
    except BaseException:
        _remove(handle.name)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
