"""tei-edition: validate TEI P5 texts, build an HTML edition, extract registers.

The library is the product; the ``tei-edition`` command is a thin layer over it.
The public entry points are imported lazily so that ``tei-edition --version``
does not pay for lxml, schemas or stylesheets it never uses.
"""

__version__ = "0.1.0"

# name -> "module:attribute"; resolved on first access (PEP 562).
_API = {
    "validate": "tei_edition.validation:validate",
    "index": "tei_edition.registers:index",
    "build": "tei_edition.site:build",
}


def __getattr__(name):
    target = _API.get(name)
    if target is None:
        raise AttributeError(f"module 'tei_edition' has no attribute {name!r}")
    from importlib import import_module

    module_name, attribute = target.split(":")
    return getattr(import_module(module_name), attribute)


def __dir__():
    return sorted(list(globals()) + list(_API))
