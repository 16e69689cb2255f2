"""The flat grammar every step shares, and the names in it.

A :class:`Grammar` is what :mod:`~tei_edition.rng.simplify` makes of a
schema (the patterns and name classes are described there): tuples, strings
and ``None`` only, so that it can be stored with :mod:`marshal`.  Element
and attribute names are compared in Clark notation (``{ns}local``).

Kept apart from the modules that make grammars, so that wording a
document's errors (:mod:`~tei_edition.rng.expect`) loads only this.
"""

from __future__ import annotations

from typing import NamedTuple

# The characters XML and RELAX NG take for whitespace (not Python's str.strip(), which also takes
# U+00A0, U+2003 ... : text made of those is text, and a grammar that allows none rejects it).
XML_SPACE = " \t\n\r"
RNG_NS = "http://relaxng.org/ns/structure/1.0"


class Grammar(NamedTuple):
    start: tuple
    defines: dict  # name -> pattern
    files: tuple = ()  # every schema file read (the main one first)
    element_names: frozenset = frozenset()  # Clark names that element patterns name
    wildcards: tuple = ()  # the other name classes of element patterns (anyName, nsName)
    index: tuple | None = None  # element_index(), when it was kept with the grammar


def element_index(grammar: Grammar) -> tuple[dict, tuple]:
    """(Clark name -> the element patterns that name it, the element patterns with other name
    classes), for :class:`~tei_edition.rng.expect.Expectations`; kept on disk with a grammar
    made for wording errors, as making it cost more than loading it."""
    by_name: dict[str, list] = {}
    wildcards: list = []
    seen: set[int] = set()
    stack = [grammar.start, *grammar.defines.values()]
    while stack:
        p = stack.pop()
        if id(p) in seen:
            continue
        seen.add(id(p))
        kind = p[0]
        if kind == "element":
            nc = p[1]
            if nc[0] == "name":
                by_name.setdefault(clark(nc[1], nc[2]), []).append(p)
            else:
                wildcards.append(p)
            stack.append(p[2])
        elif kind in ("group", "interleave", "choice"):
            stack.extend(p[1])
        elif kind in ("optional", "zeroOrMore", "oneOrMore", "mixed"):
            stack.append(p[1])
    return {name: tuple(found) for name, found in by_name.items()}, tuple(wildcards)


def clark(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}" if ns else local


def split_clark(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        ns, local = name[1:].split("}", 1)
        return ns, local
    return "", name


def contains(nc: tuple, ns: str, local: str) -> bool:
    """Whether the name class ``nc`` has the name {ns}local."""
    kind = nc[0]
    if kind == "name":
        return nc[2] == local and nc[1] == ns
    if kind == "choice":
        return any(contains(child, ns, local) for child in nc[1])
    if kind == "anyName":
        return nc[1] is None or not contains(nc[1], ns, local)
    return nc[1] == ns and (nc[2] is None or not contains(nc[2], ns, local))
