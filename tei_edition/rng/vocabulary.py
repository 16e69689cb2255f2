"""The names documents use: what :mod:`~tei_edition.rng.prune` cuts a grammar down to.

For each element name (Clark notation, ``{ns}local``) the vocabulary records
the names of the child elements and of the attributes that elements of that
name carry somewhere in the documents, and which names occur as the root.
A vocabulary *covers* another when it has every name and pair of the other;
a grammar pruned to a vocabulary gives the same verdicts on every document
the vocabulary covers (see :mod:`~tei_edition.rng.prune`).
"""

from __future__ import annotations

from lxml import etree

from tei_edition import fingerprints


class Vocabulary:
    __slots__ = ("roots", "elements", "_key")

    def __init__(self, roots: frozenset, elements: dict):
        self.roots = roots
        self.elements = elements  # clark name -> (frozenset of child clark names, frozenset of attribute clark names)
        self._key: str | None = None

    def __eq__(self, other) -> bool:
        return isinstance(other, Vocabulary) and self.roots == other.roots and self.elements == other.elements

    __hash__ = None

    @classmethod
    def of(cls, tree) -> "Vocabulary":
        root = tree.getroot() if hasattr(tree, "getroot") else tree
        found: dict[str, tuple[set, set]] = {}
        stack: list[set] = []
        # iterwalk gives start and end events in C; only strings are tags
        # (comments, PIs and entity references are skipped).
        for event, element in etree.iterwalk(root, events=("start", "end")):
            tag = element.tag
            if not isinstance(tag, str):
                continue
            if event == "start":
                entry = found.get(tag)
                if entry is None:
                    entry = found[tag] = (set(), set())
                if stack:
                    stack[-1].add(tag)
                if element.attrib:
                    entry[1].update(element.keys())
                stack.append(entry[0])
            else:
                stack.pop()
        return cls(frozenset([root.tag]), {tag: (frozenset(kids), frozenset(attrs)) for tag, (kids, attrs) in found.items()})

    def covers(self, other: "Vocabulary") -> bool:
        if not other.roots <= self.roots:
            return False
        mine = self.elements
        for tag, (kids, attrs) in other.elements.items():
            entry = mine.get(tag)
            if entry is None or not (kids <= entry[0] and attrs <= entry[1]):
                return False
        return True

    def union(self, *others: "Vocabulary") -> "Vocabulary":
        roots = set(self.roots)
        merged = {tag: (set(kids), set(attrs)) for tag, (kids, attrs) in self.elements.items()}
        for other in others:
            roots |= other.roots
            for tag, (kids, attrs) in other.elements.items():
                entry = merged.get(tag)
                if entry is None:
                    merged[tag] = (set(kids), set(attrs))
                else:
                    entry[0].update(kids)
                    entry[1].update(attrs)
        return Vocabulary(frozenset(roots), {tag: (frozenset(k), frozenset(a)) for tag, (k, a) in merged.items()})

    def to_data(self) -> tuple:
        """A canonical plain form (sorted tuples of strings), for keys and disk caches."""
        return (tuple(sorted(self.roots)),
                tuple((tag, tuple(sorted(kids)), tuple(sorted(attrs)))
                      for tag, (kids, attrs) in sorted(self.elements.items())))

    @classmethod
    def from_data(cls, data) -> "Vocabulary":
        roots, elements = data
        return cls(frozenset(roots), {tag: (frozenset(kids), frozenset(attrs)) for tag, kids, attrs in elements})

    def key(self) -> str:
        """A digest of :meth:`to_data`, worked out once (a vocabulary is not changed once made)."""
        if self._key is None:
            self._key = fingerprints.of_text(repr(self.to_data()))
        return self._key
