"""``tei-edition validate``: a thin layer over :func:`tei_edition.validation.validate`."""

from __future__ import annotations

from pathlib import Path

import click

from tei_edition.commands import reading_options
from tei_edition.diagnostics import WRITERS
from tei_edition.progress import jobs_option


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@jobs_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or closing timing line on a terminal.")
@click.option(
    "--schema",
    "schemas",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Validate against FILE (.rng, .xsd or .sch) instead of the <?xml-model?> "
    "instructions and the project profile.  Repeat to combine, e.g. a grammar and a Schematron.",
)
@click.option(
    "--schema-only",
    is_flag=True,
    help="Check the grammar alone (RELAX NG or XSD), as Jing does: no Schematron, no integrity checks.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(WRITERS)),
    default="text",
    show_default=True,
    help="text: path:line:col lines and a summary; json: one object; github: workflow annotations.",
)
@click.option("--strict", is_flag=True, help="Warnings count as errors for the exit status.")
@click.option(
    "--catalog",
    "catalogs",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="An OASIS XML catalog mapping schema addresses to local files (read before "
    "XML_CATALOG_FILES and the bundled catalog).  Repeatable.",
)
@reading_options
def command(paths, schemas, schema_only, output_format, strict, catalogs, jobs, quiet):
    """Check TEI files: grammar, Schematron and integrity (ids, pointers, dates, geo, idno).

    PATHS are files or folders (searched for *.xml); the default is texts/.
    Each file is validated against --schema, else its <?xml-model?>
    instructions, else the project profile (schemas/tei_edition.rng and
    schemas/tei_edition.sch).  Schemas are never fetched from the network.

    Exit status: 0 no errors (with --strict: no warnings either), 1 errors
    in the texts, 2 usage or I/O problems.

    Example:

        tei-edition validate texts/ --format github
    """
    from tei_edition.inputs import collect
    from tei_edition.progress import Progress, plural
    from tei_edition.validation import validate

    progress = Progress(None, "validating", quiet=quiet)
    if progress.shown:  # the bar needs the count; otherwise the folders are walked once, by validate
        progress.start(len(collect(paths)))
    try:
        report = validate(paths, schema=list(schemas) or None, schema_only=schema_only, strict=strict,
                          catalogs=catalogs, jobs=jobs, progress=progress)
    finally:
        progress.close()
    for note in report.notes:
        click.echo(f"tei-edition: note: {note}", err=True)
    click.echo(WRITERS[output_format](report), nl=False)
    failed = sum(1 for f in report.files if f.errors)
    progress.finish(f"validated {plural(len(report.files), 'file')} in {{seconds}}: {failed} with errors")
    return report.exit_code
