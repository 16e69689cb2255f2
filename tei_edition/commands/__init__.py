"""One module per command; each is a thin click layer over the library.

:func:`reading_options` is shared by the commands that read TEI: it adds
``--huge`` and sets the parsing policy (huge-tree mode, XInclude inside the
input root) for the whole run.
"""

from __future__ import annotations

import functools

import click

HUGE_HELP = (
    "Read very large or deeply nested files: elements nested up to 2048 levels (not 256), "
    "texts and attribute values up to 1 GB (not 10 MB), included files up to 1 GiB.  "
    "Entity expansion stays bounded.  Use it for files you trust (see docs/security.md)."
)


def reading_options(function):
    """Decorate a command's callback (innermost, just above ``def``): ``--huge`` and the reading policy.

    The callback must take ``paths``; it does not see ``huge``.
    """

    @functools.wraps(function)
    def run(*args, huge: bool = False, **kwargs):
        from tei_edition import parsing
        from tei_edition.inputs import input_root

        with parsing.policy(huge=huge, xinclude_root=input_root(kwargs.get("paths") or ())):
            return function(*args, **kwargs)

    return click.option("--huge", is_flag=True, help=HUGE_HELP)(run)
