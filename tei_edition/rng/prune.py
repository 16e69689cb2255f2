"""Cut a grammar down to the names a set of documents uses.

The input is a :class:`~tei_edition.rng.vocabulary.Vocabulary`: for every
element name in the documents, the names of the children and attributes
elements of that name have.  The content of an element pattern is rewritten
in the *context* of the names its elements can have there: the child names
and attribute names recorded for them (for a wildcard pattern, the union over
the names it can match).  Within a context, a pattern is *dead* when it can
match nothing made of the context's names:

* ``element nc p`` is dead when no child name of the context is in ``nc``;
* ``attribute nc p`` is dead when no attribute name of the context is in ``nc``;
* ``notAllowed`` is dead; a ``choice`` is dead when all its branches are;
  ``group``/``interleave`` when one member is; ``oneOrMore``/``mixed`` when
  their pattern is; a ``ref`` when its define is (in that context).  An
  element is dead by its name only, never by its content: that keeps the walk
  finite, and "dead" only has to be sound, not complete.

Why this preserves verdicts: an element whose pattern is rewritten in the
context of name ``N`` has, in any document the vocabulary covers, only
children and attributes whose names the context lists.  So a dead pattern
matches nothing there, and each rewrite below changes the language only
outside those documents:

1. a dead branch of a ``choice`` that has a live branch is dropped
   (``A | dead`` matches what ``A`` matches);
2. ``optional(dead)`` and ``zeroOrMore(dead)`` become ``empty`` (the only way
   they can match);
3. an ``empty`` member of a ``group``/``interleave`` is dropped, ``mixed(empty)``
   is ``text``, a one-member group or choice is its member;
4. a dead element that must stay (a required position, or a choice with no
   live branch) keeps its name and gets ``empty`` content: it matches nothing
   before or after, libxml2 still names it in its messages, and still
   compiles the content model around it to an automaton (``notAllowed``
   would stop that and makes validation several times slower);
5. a dead attribute that must stay keeps its name, with ``text`` content, so
   a missing required attribute is still reported as such;
6. a ``ref`` to a define whose rewritten body is ``empty`` or ``text`` is
   replaced by that body;
7. a define is written once per context it is reached in (``name.N``); only
   those reached from ``start`` are kept, and the content of a dead element
   is never visited.

Dead patterns are kept (4, 5) rather than propagated into the enclosing group
and element: libxml2 then reports the same problem at the same element as
with the full grammar ("expected publicationStmt before sourceDesc", not
"fileDesc is not allowed").  Small automata are the point: libxml2's compile
time is quadratic in the alternatives per content-model state, and so is its
time per child element, so pruning per context makes both compile and
validation faster than with the whole grammar.
"""

from __future__ import annotations

from tei_edition.rng.grammar import Grammar, clark, contains, split_clark
from tei_edition.rng.vocabulary import Vocabulary

_EMPTY = ("empty",)
_TEXT = ("text",)
_NONE = frozenset()


class _Pruner:
    def __init__(self, grammar: Grammar, vocabulary: Vocabulary):
        self.defines = grammar.defines
        self.vocabulary = vocabulary.elements
        self.contexts: list[tuple[frozenset, frozenset]] = []
        self.context_ids: dict = {}
        self.matched: dict = {}   # (id(nc), context, attribute?) -> frozenset of names
        self.inner: dict = {}     # frozenset of element names -> context of their content
        self.dead_refs: dict = {}
        self.bodies: dict = {}    # (define, context) -> rewritten body
        self.names: dict = {}     # (define, context) -> output name
        self.taken = set(grammar.defines)
        self.clarks: dict = {}    # id(name class) -> its one name, for plain names
        self.inlined: dict = {}   # define -> its body with refs inlined (values only)

    def context(self, elements: frozenset, attributes: frozenset) -> int:
        key = (elements, attributes)
        found = self.context_ids.get(key)
        if found is None:
            found = self.context_ids[key] = len(self.contexts)
            self.contexts.append(key)
        return found

    def names_in(self, nc: tuple, ctx: int, attribute: bool) -> frozenset:
        names = self.contexts[ctx][1 if attribute else 0]
        if nc[0] == "name":
            name = self.clarks.get(id(nc))
            if name is None:
                name = self.clarks[id(nc)] = clark(nc[1], nc[2])
            return frozenset([name]) if name in names else _NONE
        key = (id(nc), ctx, attribute)
        found = self.matched.get(key)
        if found is None:
            found = self.matched[key] = frozenset(n for n in names if contains(nc, *split_clark(n)))
        return found

    def meets(self, nc: tuple, ctx: int, attribute: bool) -> bool:
        if nc[0] == "name":
            name = self.clarks.get(id(nc))
            if name is None:
                name = self.clarks[id(nc)] = clark(nc[1], nc[2])
            return name in self.contexts[ctx][1 if attribute else 0]
        return bool(self.names_in(nc, ctx, attribute))

    def content_context(self, names: frozenset) -> int:
        found = self.inner.get(names)
        if found is None:
            kids: set = set()
            attrs: set = set()
            for name in names:
                entry = self.vocabulary.get(name)
                if entry is not None:
                    kids |= entry[0]
                    attrs |= entry[1]
            found = self.inner[names] = self.context(frozenset(kids), frozenset(attrs))
        return found

    def dead(self, p: tuple, ctx: int) -> bool:
        kind = p[0]
        if kind == "ref":
            key = (p[1], ctx)
            known = self.dead_refs.get(key)
            if known is None:
                self.dead_refs[key] = False  # a loop without an element: assume live
                known = self.dead_refs[key] = self.dead(self.defines[p[1]], ctx)
            return known
        if kind == "element":
            return not self.meets(p[1], ctx, False)
        if kind == "attribute":
            return not self.meets(p[1], ctx, True)
        if kind == "choice":
            for child in p[1]:
                if not self.dead(child, ctx):
                    return False
            return True
        if kind in ("group", "interleave"):
            for child in p[1]:
                if self.dead(child, ctx):
                    return True
            return False
        if kind in ("oneOrMore", "mixed"):
            return self.dead(p[1], ctx)
        return kind == "notAllowed"

    def rewrite(self, p: tuple, ctx: int) -> tuple:
        kind = p[0]
        if kind == "ref":
            return self.ref(p[1], ctx)
        if kind == "element":
            names = self.names_in(p[1], ctx, False)
            if not names:
                return ("element", p[1], _EMPTY)
            return ("element", p[1], self.rewrite(p[2], self.content_context(names)))
        if kind == "attribute":
            if not self.meets(p[1], ctx, True):
                return ("attribute", p[1], _TEXT)
            return ("attribute", p[1], self.inline(p[2]))
        if kind == "choice":
            live = [child for child in p[1] if not self.dead(child, ctx)] or p[1]
            members: list = []
            seen: set = set()
            for child in live:
                new = self.rewrite(child, ctx)
                for member in (new[1] if new[0] == "choice" else (new,)):
                    if member not in seen:
                        seen.add(member)
                        members.append(member)
            return members[0] if len(members) == 1 else ("choice", tuple(members))
        if kind in ("group", "interleave"):
            members = []
            for child in p[1]:
                new = self.rewrite(child, ctx)
                if new[0] == kind:
                    members.extend(new[1])
                elif new != _EMPTY:
                    members.append(new)
            if not members:
                return _EMPTY
            return members[0] if len(members) == 1 else (kind, tuple(members))
        if kind in ("optional", "zeroOrMore"):
            if self.dead(p[1], ctx):
                return _EMPTY
            inner = self.rewrite(p[1], ctx)
            return _EMPTY if inner == _EMPTY else (kind, inner)
        if kind == "oneOrMore":
            inner = self.rewrite(p[1], ctx)
            return _EMPTY if inner == _EMPTY else (kind, inner)
        if kind == "mixed":
            inner = self.rewrite(p[1], ctx)
            return _TEXT if inner in (_EMPTY, _TEXT) else (kind, inner)
        if kind in ("list", "data"):
            return self.inline(p)
        return p  # empty, text, notAllowed, value: no names inside

    def inline(self, p: tuple) -> tuple:
        """``p`` (an attribute's value, a list, a data except: never an
        element) with every ref replaced by its body.  The pruned grammar
        writes out only the defines that :meth:`ref` renamed, so a ref left
        in a value would name nothing.  RELAX NG forbids recursion outside
        elements, so the inlining ends."""
        kind = p[0]
        if kind == "ref":
            found = self.inlined.get(p[1])
            if found is None:
                found = self.inlined[p[1]] = self.inline(self.defines[p[1]])
            return found
        if kind in ("group", "interleave", "choice"):
            return (kind, tuple(self.inline(child) for child in p[1]))
        if kind in ("optional", "zeroOrMore", "oneOrMore", "mixed", "list"):
            return (kind, self.inline(p[1]))
        if kind == "data" and p[4] is not None:
            return p[:4] + (self.inline(p[4]),)
        return p

    def ref(self, name: str, ctx: int) -> tuple:
        body = self.defines[name]
        if body[0] == "element":
            # an element's content depends on the names it matches, not on
            # where it is referenced from: one define per set of names.
            names = self.names_in(body[1], ctx, False)
            if not names:
                return ("element", body[1], _EMPTY)
            key = (name, names)
        else:
            key = (name, ctx)
        if key not in self.bodies:
            self.bodies[key] = None  # in progress: a recursive ref stays a ref
            self.bodies[key] = self.rewrite(body, ctx)
        body = self.bodies[key]
        if body is not None and body in (_EMPTY, _TEXT):
            return body
        out = self.names.get(key)
        if out is None:
            out = f"{name.replace('~', '.g')}.{len(self.names)}"
            while out in self.taken:
                out += "_"
            self.taken.add(out)
            self.names[key] = out
        return ("ref", out)


def prune(grammar: Grammar, vocabulary: Vocabulary) -> tuple[tuple, dict]:
    """(start, defines) of ``grammar`` cut down to ``vocabulary``; see the module text."""
    pruner = _Pruner(grammar, vocabulary)
    start = pruner.rewrite(grammar.start, pruner.context(vocabulary.roots, frozenset()))
    return start, {out: pruner.bodies[key] for key, out in pruner.names.items()}


def _names_only(nc: tuple) -> bool:
    """Whether the name class is made of plain names (no anyName/nsName)."""
    if nc[0] == "name":
        return True
    return nc[0] == "choice" and all(_names_only(child) for child in nc[1])


def _any_named(nc: tuple, names: frozenset) -> bool:
    if nc[0] == "name":
        return clark(nc[1], nc[2]) in names
    return any(_any_named(child, names) for child in nc[1])


def hollow(grammar: Grammar, names) -> Grammar:
    """The grammar for wording errors in documents made of the element ``names`` (Clark).

    Unlike :func:`prune`, nothing is removed from any content model: an error
    message lists every element the full grammar expects.  Only the *content*
    of an element pattern whose names are all outside ``names`` is replaced by
    ``empty``: :mod:`~tei_edition.rng.expect` looks inside an element pattern
    only for an element of the document (the patterns of its ancestors, and
    its own), so that content is never read.  The defines only such contents
    reach are left out, which makes tei_all's grammar several times smaller
    to store and load.  Wildcard element patterns keep their content.
    """
    names = frozenset(names)
    defines = grammar.defines
    kept: dict = {}
    rewritten: dict = {}  # id(pattern) -> rewritten pattern

    def visit(p: tuple) -> tuple:
        found = rewritten.get(id(p))
        if found is not None:
            return found
        kind = p[0]
        if kind == "element":
            nc = p[1]
            result = ((kind, nc, _EMPTY) if _names_only(nc) and not _any_named(nc, names)
                      else (kind, nc, visit(p[2])))
        elif kind in ("group", "interleave", "choice"):
            result = (kind, tuple(visit(child) for child in p[1]))
        elif kind in ("optional", "zeroOrMore", "oneOrMore", "mixed", "list"):
            result = (kind, visit(p[1]))
        elif kind == "ref":
            if p[1] not in kept:
                kept[p[1]] = None  # (a placeholder while the body is visited: defines may recurse)
                kept[p[1]] = visit(defines[p[1]])
            result = p
        elif kind == "attribute":  # (its content may name defines: datatypes, value lists)
            result = (kind, p[1], visit(p[2]))
        elif kind == "data" and p[4] is not None:
            result = p[:4] + (visit(p[4]),)
        else:  # empty, text, notAllowed, data, value
            result = p
        rewritten[id(p)] = result
        return result

    start = visit(grammar.start)
    return Grammar(start, kept, grammar.files, grammar.element_names, grammar.wildcards)
