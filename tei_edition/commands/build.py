"""``tei-edition build``: a thin layer over :func:`tei_edition.site.build`."""

from __future__ import annotations

from pathlib import Path

import click

from tei_edition.commands import reading_options
from tei_edition.diagnostics import WRITERS
from tei_edition.progress import jobs_option


@click.command("build")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", default="_site", show_default=True, metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path),
              help="Build the site into DIR.  A site built here before is replaced whole; "
              "files of your own in DIR are kept.")
@click.option("--force", is_flag=True, help="Build even when validation finds errors in the texts.")
@click.option("--xslt", "stylesheet", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Render with FILE, an XSLT 1.0 customisation that imports tei-edition:tei-html.xsl "
              "(it renders the text pages and the register, chronology, map, home and search pages).")
@click.option("--title", metavar="TEXT",
              help="The edition's title, on every page.  Default: the series title all texts share, else 'TEI edition'.")
@click.option("--timestamp", is_flag=True,
              help="Put the build time (or SOURCE_DATE_EPOCH) into the footer.  Without it the same texts "
              "always give byte-identical pages.")
@click.option("--no-search", "no_search", is_flag=True,
              help="Leave out the search page and its index.  Pagefind reads every page, about a quarter of "
              "a full build's time: without it, a quicker build to look at a change.")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only: no warnings, notes or closing line.")
@jobs_option
@click.option("--clean", is_flag=True, help="Build everything anew: ignore what the last build into DIR recorded "
              "(DIR/.tei-edition-cache).  Without it a rebuild renders only the texts that changed.")
@reading_options
def command(paths, out, force, stylesheet, title, timestamp, no_search, quiet, jobs, clean):
    """Build the HTML edition of PATHS (default: texts/) into a static site.

    The texts are validated first (as tei-edition validate does): errors
    stop the build unless --force is given.  Then each text becomes a page,
    linked to register pages of persons, places, organisations, works and
    events, a chronology, a map, a search page (when Pagefind is installed)
    and the home page, with the registers and the TEI sources as data
    downloads.  Everything works offline; serve the folder to use search.
    --jobs N also gives Pagefind, which indexes the pages, N threads.

    Exit status: 0 built, 1 errors in the texts (nothing built), 2 usage or
    I/O problems.

    Example:

        tei-edition build texts/ -o _site --title "The Rees review"

        python -m http.server -d _site

        tei-edition build --no-search    # a quick look at a change
    """
    from tei_edition.cli import ends_without_teardown
    from tei_edition.site import build

    from tei_edition.progress import Progress, plural

    progress = Progress(None, "rendering", quiet=quiet)
    try:
        result = build(paths, out, force=force, stylesheet=stylesheet, title=title, timestamp=timestamp,
                       jobs=jobs, progress=progress, clean=clean, with_search=not no_search,
                       release=not ends_without_teardown())
    finally:
        progress.close()
    report = result.report
    if not result.built:
        click.echo(WRITERS["text"](report), nl=False)  # as tei-edition validate prints it
        click.echo(f"tei-edition: nothing was built: the texts have {_plural(report.errors, 'error')}; "
                   "fix them, or build anyway with --force", err=True)
        return result.exit_code
    shown = [f for f in report.files if f.diagnostics and (not quiet or f.errors)]
    for file in shown + [f for f in result.render if not quiet or f.errors]:
        for diagnostic in sorted(file.diagnostics):
            if not quiet or diagnostic.severity.value == "error":
                click.echo(diagnostic.as_text(file.path), err=True)
    if report.errors and not quiet:
        click.echo(f"tei-edition: built despite {_plural(report.errors, 'error')} in the texts (--force)", err=True)
    if not quiet:
        for note in result.notes:
            click.echo(f"tei-edition: note: {note}", err=True)
        click.echo(result.summary())
    if result.cached:
        progress.finish(f"nothing changed: {plural(result.texts, 'text')} checked in {{seconds}}")
    elif result.built:
        progress.finish(f"built {plural(len(result.pages), 'page')} in {{seconds}}: "
                        f"{result.rendered} texts rendered, {result.reused} unchanged")
    return result.exit_code


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
