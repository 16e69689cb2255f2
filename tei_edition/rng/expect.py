"""What the grammar expects at the place of an error, as Jing's algorithm sees it.

libxml2 says *that* a document is invalid, and roughly where; this module
asks the full (unpruned) grammar, with the derivative algorithm of James
Clark that Jing uses, about one element at a time:

* :meth:`Expectations.problems_in`: where the element's attributes and its
  children (one level down: names, and non-blank text) break the grammar, in
  document order, going on after each problem roughly as Jing does.  This
  decides which of libxml2's reports stand and where they go
  (:mod:`~tei_edition.rng.messages`);
* which child elements may come next (``expected <publicationStmt>``), and
  whether a missing one would let the offending child follow (``expected
  <publicationStmt> before <sourceDesc>``);
* which attributes an element may and must have, and what values an
  attribute takes (``one of "high", "medium", "low"``); a value is judged by
  libxml2 itself, on a one-attribute grammar made of its pattern.

The patterns of an element are found from the root down through the
content of each ancestor's patterns, so the same name in two contexts gets
the right one.  Attribute values count only against ``value`` patterns
(datatypes take any value here), so the check can miss problems but does
not invent them.  The verdict never depends on this module: libxml2 gives it.
"""

from __future__ import annotations

from tei_edition.rng.grammar import XML_SPACE, Grammar, clark, contains, element_index, split_clark

NA = ("notAllowed",)
EMPTY = ("empty",)
TEXT = "#text"
XSD = "http://www.w3.org/2001/XMLSchema-datatypes"
_MEMO_LIMIT = 200_000  # remembered derivatives of composite patterns, per grammar


class Expectations:
    def __init__(self, grammar: Grammar):
        self.grammar = grammar
        self.defines = grammar.defines
        self._by_name: dict[str, list] | None = None
        self._namespaces: dict[str, list[str]] = {}  # local name -> namespaces
        self._wildcards: list = []
        self._nullable: dict = {}
        self._inside: dict = {}
        self._value_checks: dict = {}
        self._derivs: dict = {}  # (define, token) -> derivative: defines are shared, their derivatives too
        self._att_derivs: dict = {}
        self._composite_derivs: dict = {}  # (id(pattern), token) -> (pattern, derivative)
        self._firsts: dict = {}  # define -> the name classes (and TEXT) it may start with
        self._firsts_busy: set = set()
        self._starts: dict = {}  # define -> (names, other name classes, TEXT) it may start with
        self._with_attributes: dict = {}
        self._closed: dict = {}
        self._alone: dict = {}  # element name -> (its only pattern,) or ()
        self._attribute_lists: dict = {}  # ids of an element's patterns -> attributes()

    # -- element patterns ------------------------------------------------------
    def _index(self) -> None:
        by_name, wildcards = self.grammar.index or element_index(self.grammar)
        self._wildcards = list(wildcards)
        self._by_name = by_name

    def patterns_for(self, name: str) -> list:
        """The element patterns that can match an element called ``name`` (Clark notation)."""
        if self._by_name is None:
            self._index()
        found = list(self._by_name.get(name, ()))
        if not found:
            ns, local = split_clark(name)
            found = [p for p in self._wildcards if contains(p[1], ns, local)]
        return found

    def _only_pattern(self, name: str) -> tuple:
        """(pattern,) when one element pattern alone can match ``name`` (in TEI, nearly every
        name): following the context could only find that one.  Else ()."""
        named = self.patterns_for(name)
        if len(named) != 1 or named[0][1][0] != "name":
            return ()
        ns, local = split_clark(name)
        return () if any(contains(p[1], ns, local) for p in self._wildcards) else (named[0],)

    def namespaces_of(self, local: str) -> list[str]:
        """The namespaces in which the grammar names an element ``local``."""
        found = self._namespaces.get(local)
        if found is None:  # (a look through the names for this one: splitting them all cost more)
            suffix = "}" + local
            found = self._namespaces[local] = sorted(
                {split_clark(name)[0] for name in self.grammar.element_names if name == local or name.endswith(suffix)})
        return list(found)

    def defines_element(self, name: str) -> bool:
        """Whether any element pattern of the grammar (named or wildcard) matches ``name``."""
        if name in self.grammar.element_names:
            return True
        ns, local = split_clark(name)
        return any(contains(nc, ns, local) for nc in self.grammar.wildcards)

    def patterns_at(self, element) -> list:
        """The element patterns that apply to ``element`` where it is: followed from the root
        down through the content of each ancestor's patterns (so two different ``head``
        elements, in two contexts, get their own patterns)."""
        alone = self._alone.get(element.tag)
        if alone is None:
            alone = self._alone[element.tag] = self._only_pattern(element.tag)
        if alone:
            return list(alone)
        chain = [element, *element.iterancestors()]
        chain.reverse()
        current = self._patterns_within(self.grammar.start, chain[0].tag) or self.patterns_for(chain[0].tag)
        for node in chain[1:]:
            if not isinstance(node.tag, str):
                return self.patterns_for(element.tag)
            found: list = []
            for pattern in current:
                for candidate in self._patterns_within(pattern[2], node.tag):
                    if candidate not in found:
                        found.append(candidate)
            current = found or self.patterns_for(node.tag)
        return current

    def _patterns_within(self, content: tuple, name: str) -> list:
        """Element patterns for ``name`` among the children ``content`` allows (not deeper)."""
        index = self._inside.get(id(content))
        if index is None:
            named: dict[str, list] = {}
            wildcards: list = []
            stack, seen = [content], set()
            while stack:
                p = stack.pop()
                kind = p[0]
                if kind == "element":
                    nc = p[1]
                    if nc[0] == "name":
                        found = named.setdefault(clark(nc[1], nc[2]), [])
                        if p not in found:
                            found.append(p)
                    elif p not in wildcards:
                        wildcards.append(p)
                elif kind in ("group", "interleave", "choice"):
                    stack.extend(p[1])
                elif kind in ("optional", "zeroOrMore", "oneOrMore", "mixed"):
                    stack.append(p[1])
                elif kind == "ref" and p[1] not in seen:
                    seen.add(p[1])
                    stack.append(self.defines[p[1]])
            index = self._inside[id(content)] = (named, wildcards, content)  # (keeps content alive for its id)
        named, wildcards, _ = index
        found = list(named.get(name, ()))
        if wildcards:
            ns, local = split_clark(name)
            found.extend(p for p in wildcards if contains(p[1], ns, local) and p not in found)
        return found

    # -- derivatives -------------------------------------------------------------
    def nullable(self, p: tuple) -> bool:
        kind = p[0]
        if kind in ("empty", "text", "attribute", "optional", "zeroOrMore", "data", "value", "list"):
            return True
        if kind in ("element", "notAllowed"):
            return False
        if kind == "choice":
            return any(self.nullable(c) for c in p[1])
        if kind in ("group", "interleave"):
            return all(self.nullable(c) for c in p[1])
        if kind in ("oneOrMore", "mixed"):
            return self.nullable(p[1])
        if kind == "ref":
            known = self._nullable.get(p[1])
            if known is None:
                self._nullable[p[1]] = False
                known = self._nullable[p[1]] = self.nullable(self.defines[p[1]])
            return known
        return False

    def deriv(self, p: tuple, token: str, depth: int = 0) -> tuple:
        """What remains of ``p`` once ``token`` (a Clark name, or TEXT) is matched (Clark's childDeriv).

        Derivatives of composite patterns are remembered by the pattern's
        identity: content states return to the same objects again and again
        (``zeroOrMore(choice(...))`` after each child of mixed content), so a
        run over an element's children mostly meets patterns derived before.
        """
        kind = p[0]
        if kind == "element":
            if token == TEXT:
                return NA
            nc = p[1]
            if nc[0] == "name":
                return EMPTY if token == (f"{{{nc[1]}}}{nc[2]}" if nc[1] else nc[2]) else NA
            return EMPTY if contains(nc, *split_clark(token)) else NA
        if kind == "text":
            return p if token == TEXT else NA
        if kind in ("data", "value", "list"):
            return EMPTY if token == TEXT else NA
        if kind == "ref":
            key = (p[1], token)
            known = self._derivs.get(key)
            if known is None:
                # A define that cannot start with the token has no derivative: known from its
                # first set (one walk per define) without walking the define for every token.
                known = self._derivs[key] = (self.deriv(self.defines[p[1]], token, depth + 1)
                                             if self._may_start(p[1], token) else NA)
            return known
        if kind in ("empty", "notAllowed", "attribute") or depth > 200:
            return NA
        key = (id(p), token)
        known = self._composite_derivs.get(key)
        if known is not None:
            return known[1]
        result = self._composite_deriv(kind, p, token, depth)
        if len(self._composite_derivs) >= _MEMO_LIMIT:
            self._composite_derivs.clear()
        self._composite_derivs[key] = (p, result)  # p is kept so that its id stays its own
        return result

    def _may_start(self, define: str, token: str) -> bool:
        """Whether the content of ``define`` may begin with ``token`` (its derivative is not notAllowed)."""
        starts = self._starts.get(define)
        if starts is None:
            classes: set = set()
            self.first(("ref", define), classes)
            names = frozenset(clark(nc[1], nc[2]) for nc in classes if nc != TEXT and nc[0] == "name")
            others = tuple(nc for nc in classes if nc != TEXT and nc[0] != "name")
            starts = self._starts[define] = (names, others, TEXT in classes)
        names, others, text = starts
        if token == TEXT:
            return text
        return token in names or (bool(others) and any(contains(nc, *split_clark(token)) for nc in others))

    def _composite_deriv(self, kind: str, p: tuple, token: str, depth: int) -> tuple:
        if kind == "choice":
            return _choice([self.deriv(c, token, depth + 1) for c in p[1]])
        if kind == "group":
            first, rest = p[1][0], p[1][1:]
            rest_p = rest[0] if len(rest) == 1 else ("group", rest)
            result = _group(self.deriv(first, token, depth + 1), rest_p)
            if self.nullable(first):
                result = _choice([result, self.deriv(rest_p, token, depth + 1)])
            return result
        if kind == "interleave":
            options = []
            for i, member in enumerate(p[1]):
                d = self.deriv(member, token, depth + 1)
                if d != NA:
                    options.append(_interleave(p[1][:i] + (d,) + p[1][i + 1:]))
            return _choice(options)
        if kind in ("oneOrMore", "zeroOrMore"):
            return _group(self.deriv(p[1], token, depth + 1), ("zeroOrMore", p[1]) if kind == "oneOrMore" else p)
        if kind == "optional":
            return self.deriv(p[1], token, depth + 1)
        if kind == "mixed":
            return self.deriv(("interleave", (("text",), p[1])), token, depth + 1)
        return NA

    # -- attributes, as Jing matches them (unordered, before the children) -------
    def att_deriv(self, p: tuple, name: str, value: str) -> tuple:
        """What remains of ``p`` once the attribute ``name="value"`` is matched (Clark's attDeriv).

        Values are compared only against ``value`` patterns; a datatype takes any
        value here (libxml2 has judged values already).
        """
        kind = p[0]
        if kind == "attribute":
            ns, local = split_clark(name)
            return EMPTY if contains(p[1], ns, local) and _value_matches(self, p[2], value) else NA
        if kind == "choice":
            return _choice([self.att_deriv(c, name, value) for c in p[1]])
        if kind in ("group", "interleave"):
            options = []
            for i, member in enumerate(p[1]):
                d = self.att_deriv(member, name, value)
                if d != NA:
                    rest = p[1][:i] + (d,) + p[1][i + 1:]
                    options.append(_interleave(rest) if kind == "interleave" else _group_of(rest))
            return _choice(options)
        if kind in ("oneOrMore", "zeroOrMore"):
            return _group(self.att_deriv(p[1], name, value), ("zeroOrMore", p[1]))
        if kind == "optional":
            return self.att_deriv(p[1], name, value)
        if kind == "mixed":
            return self.att_deriv(("interleave", (("text",), p[1])), name, value)
        if kind == "ref":
            if not self.has_attributes(p):
                return NA
            key = (p[1], name, value)
            known = self._att_derivs.get(key)
            if known is None:
                known = self._att_derivs[key] = self.att_deriv(self.defines[p[1]], name, value)
            return known
        return NA

    def has_attributes(self, p: tuple) -> bool:
        """Whether ``p`` has attribute patterns (outside child elements)."""
        kind = p[0]
        if kind == "attribute":
            return True
        if kind in ("choice", "group", "interleave"):
            return any(self.has_attributes(c) for c in p[1])
        if kind in ("optional", "zeroOrMore", "oneOrMore", "mixed"):
            return self.has_attributes(p[1])
        if kind == "ref":
            known = self._with_attributes.get(p[1])
            if known is None:
                self._with_attributes[p[1]] = False
                known = self._with_attributes[p[1]] = self.has_attributes(self.defines[p[1]])
            return known
        return False

    def close_start_tag(self, p: tuple, lenient: bool = False) -> tuple:
        """``p`` after the start tag: attribute patterns still unmatched can no longer match
        (``lenient``: they count as matched, to go on after a missing attribute)."""
        kind = p[0]
        if kind == "attribute":
            return EMPTY if lenient else NA
        if not self.has_attributes(p):
            return p
        if kind == "choice":
            return _choice([self.close_start_tag(c, lenient) for c in p[1]])
        if kind == "group":
            return _group_of(tuple(self.close_start_tag(c, lenient) for c in p[1]))
        if kind == "interleave":
            return _interleave(tuple(self.close_start_tag(c, lenient) for c in p[1]))
        if kind in ("optional", "zeroOrMore"):
            inner = self.close_start_tag(p[1], lenient)
            return EMPTY if inner in (NA, EMPTY) else (kind, inner)
        if kind == "oneOrMore":
            inner = self.close_start_tag(p[1], lenient)
            return inner if inner in (NA, EMPTY) else (kind, inner)
        if kind == "mixed":
            inner = self.close_start_tag(p[1], lenient)
            return NA if inner == NA else ("mixed", inner)
        if kind == "ref":
            key = (p[1], lenient)
            known = self._closed.get(key)
            if known is None:
                known = self._closed[key] = self.close_start_tag(self.defines[p[1]], lenient)
            return known
        return p

    def check(self, element):
        """Where ``element`` itself first breaks the grammar (see :meth:`problems_in`), or None."""
        found = self.problems_in(element, limit=1)
        return found[0] if found else None

    def problems_in(self, element, limit: int = 20) -> list[tuple]:
        """Where ``element`` itself breaks the grammar, in document order, as Jing finds it.

        Looks at the element's attributes and at its children one level down
        (names and non-blank text, not their insides).  Each problem is one of
        ``("attribute", element, name)``, ``("attributes", element, None)`` (a
        required attribute is missing), ``("start", child, None)``, ``("text",
        element, owner)`` (the text of ``owner`` when it is the element, else
        the tail of that child) and ``("end", element, None)``.  After a
        problem the check goes on as Jing does, roughly: a bad attribute or
        text is skipped; a child that would fit after a missing required
        element continues from there; any other bad child is skipped.
        """
        found: list[tuple] = []
        state = self.content_of(element)
        if state == NA:
            return found
        for name, value in element.items():
            after = self.att_deriv(state, name, value)
            if after == NA:
                found.append(("attribute", element, name))
            else:
                state = after
        closed = self.close_start_tag(state)
        if closed == NA:
            found.append(("attributes", element, None))
            closed = self.close_start_tag(state, lenient=True)
        state = closed
        pending = element if element.text and element.text.strip(XML_SPACE) else None
        for child in element:
            if len(found) >= limit:
                return found
            if isinstance(child.tag, str):
                if pending is not None:
                    after = self.deriv(state, TEXT)
                    if after == NA:
                        found.append(("text", element, pending))
                    else:
                        state = after
                    pending = None
                after = self.deriv(state, child.tag)
                if after == NA:
                    found.append(("start", child, None))
                    after = self._recover(state, child.tag)
                state = after
            if pending is None and child.tail and child.tail.strip(XML_SPACE):
                pending = child
        if pending is not None:
            after = self.deriv(state, TEXT)
            if after == NA:
                found.append(("text", element, pending))
            else:
                state = after
        if not self.nullable(state):
            found.append(("end", element, None))
        return found[:limit]

    def _recover(self, state: tuple, token: str) -> tuple:
        """The state after a child that does not fit: past a missing required element if that
        makes it fit, else as if the child were not there."""
        classes: set = set()
        self.first(state, classes)
        if len(classes) > 12:  # many choices: nothing is missing in particular
            return state
        for nc in classes:
            if nc != TEXT and nc[0] == "name":
                after = self.deriv(self.deriv(state, clark(nc[1], nc[2])), token)
                if after != NA:
                    return after
        return state

    def first(self, p: tuple, out: set, seen: set | None = None) -> None:
        """Add to ``out`` the name classes (and TEXT) that may come next in ``p``."""
        seen = set() if seen is None else seen
        kind = p[0]
        if kind == "element":
            out.add(p[1])
        elif kind in ("text", "data", "value", "list"):
            out.add(TEXT)
        elif kind in ("choice", "interleave"):
            for c in p[1]:
                self.first(c, out, seen)
        elif kind == "group":
            for c in p[1]:
                self.first(c, out, seen)
                if not self.nullable(c):
                    break
        elif kind in ("oneOrMore", "zeroOrMore", "optional"):
            self.first(p[1], out, seen)
        elif kind == "mixed":
            out.add(TEXT)
            self.first(p[1], out, seen)
        elif kind == "ref":
            name = p[1]
            if name in seen:
                return
            seen.add(name)
            known = self._firsts.get(name)
            if known is None:
                if name in self._firsts_busy:  # a cycle back to a define being worked out: go through it here
                    self.first(self.defines[name], out, seen)
                    return
                # Worked out once, from the define alone: everything reachable goes into one set,
                # so the set is whole even where the walk skips a define it is already inside.
                self._firsts_busy.add(name)
                found: set = set()
                self.first(self.defines[name], found, {name})
                self._firsts_busy.discard(name)
                known = self._firsts[name] = frozenset(found)
            out |= known

    def content_of(self, element) -> tuple:
        patterns = self.patterns_at(element)
        return _choice([p[2] for p in patterns]) if patterns else NA

    def after(self, element, children: list[str]) -> tuple:
        """The content still expected in ``element`` after the ``children`` tokens."""
        state = self.content_of(element)
        for token in children:
            if state == NA:
                break
            state = self.deriv(state, token)
        return state

    def next_names(self, state: tuple) -> tuple[list[str], bool, bool]:
        """(element names that may come next, text may come, the element may end here)."""
        classes: set = set()
        self.first(state, classes)
        text = TEXT in classes
        classes.discard(TEXT)
        return sorted({_display(nc) for nc in classes}), text, self.nullable(state)

    def missing_before(self, state: tuple, token: str) -> list[str]:
        """Names of elements that, inserted here, would let ``token`` follow."""
        classes: set = set()
        self.first(state, classes)
        found = set()
        for nc in classes:
            if nc == TEXT or nc[0] != "name":
                continue
            after = self.deriv(state, clark(nc[1], nc[2]))
            if after != NA and self.deriv(after, token) != NA:
                found.add(nc[2])
        return sorted(found)

    # -- attributes --------------------------------------------------------------
    def attributes(self, element) -> list[tuple[tuple, tuple, bool]]:
        """(name class, value pattern, required) of the attributes ``element`` may have."""
        patterns = self.patterns_at(element)
        key = tuple(id(pattern) for pattern in patterns)  # (the grammar's own tuples: they live as long)
        found = self._attribute_lists.get(key)
        if found is None:
            found = self._attribute_lists[key] = []
            for pattern in patterns:
                self._attributes(pattern[2], True, found, set())
        return found

    def _attributes(self, p, required, out, seen) -> None:
        kind = p[0]
        if kind == "attribute":
            out.append((p[1], p[2], required))
        elif kind == "group" or kind == "interleave":
            for c in p[1]:
                self._attributes(c, required, out, seen)
        elif kind == "choice":
            for c in p[1]:
                self._attributes(c, required and len(p[1]) == 1, out, seen)
        elif kind in ("optional", "zeroOrMore"):
            self._attributes(p[1], False, out, seen)
        elif kind in ("oneOrMore", "mixed"):
            self._attributes(p[1], required, out, seen)
        elif kind == "ref" and (p[1], required) not in seen:
            seen.add((p[1], required))
            self._attributes(self.defines[p[1]], required, out, seen)

    def attribute_allowed(self, element, attribute: str) -> bool:
        ns, local = split_clark(attribute)
        return any(contains(nc, ns, local) for nc, _, _ in self.attributes(element))

    def missing_attributes(self, element, present) -> list[str]:
        missing = []
        for nc, _, required in self.attributes(element):
            if required and nc[0] == "name" and clark(nc[1], nc[2]) not in present:
                missing.append(nc[2] if not nc[1] else f"{_prefix(nc[1])}{nc[2]}")
        return sorted(set(missing))

    def describe_value(self, element, attribute: str) -> str | None:
        ns, local = split_clark(attribute)
        for nc, value, _ in self.attributes(element):
            if contains(nc, ns, local):
                return self.describe(value)
        return None

    def value_allowed(self, element, attribute: str, value: str) -> bool | None:
        """Whether some pattern of ``attribute`` on ``element`` takes ``value`` (None: no such attribute).

        libxml2 decides, on a one-attribute grammar made of that value pattern.
        """
        from lxml import etree

        from tei_edition.parsing import parse_bytes
        from tei_edition.rng import emit

        ns, local = split_clark(attribute)
        patterns = [v for nc, v, _ in self.attributes(element) if contains(nc, ns, local)]
        if not patterns:
            return None
        for pattern in patterns:
            check = self._value_checks.get(id(pattern))
            if check is None:
                start = ("element", ("name", "", "v"), ("attribute", ("name", "", "a"), pattern))
                defines = {}
                stack = [pattern]
                while stack:
                    p = stack.pop()
                    if p[0] == "ref" and p[1] not in defines:
                        defines[p[1]] = self.defines[p[1]]
                        stack.append(defines[p[1]])
                    elif p[0] in ("group", "interleave", "choice"):
                        stack.extend(p[1])
                    elif p[0] in ("optional", "zeroOrMore", "oneOrMore", "list", "mixed"):
                        stack.append(p[1])
                    elif p[0] == "data" and p[4] is not None:
                        stack.append(p[4])
                try:
                    check = etree.RelaxNG(parse_bytes(emit.write(start, defines), "<value check>"))
                except etree.LxmlError:
                    return None
                self._value_checks[id(pattern)] = check
            probe = etree.Element("v")
            probe.set("a", value)
            if check.validate(probe.getroottree()):
                return True
        return False

    def describe(self, p: tuple, depth: int = 0) -> str:
        """Words for a value pattern: 'one of "a", "b" or a date'."""
        values: list[str] = []
        kinds: list[str] = []
        self._values(p, values, kinds, set(), depth)
        words = []
        if values:
            shown = ", ".join(f'"{v}"' for v in values[:12]) + (", ..." if len(values) > 12 else "")
            words.append(f"one of {shown}" if len(values) > 1 else shown)
        words.extend(dict.fromkeys(kinds))
        if not words:
            return "a valid value"
        return " or ".join(words)

    def _values(self, p, values, kinds, seen, depth) -> None:
        kind = p[0]
        if kind == "value":
            values.append(p[4])
        elif kind == "data":
            kinds.append(_datatype_words(p))
        elif kind == "text":
            kinds.append("any text")
        elif kind == "list":
            inner_values: list = []
            inner_kinds: list = []
            self._values(p[1], inner_values, inner_kinds, seen, depth)
            inner = " or ".join([", ".join(f'"{v}"' for v in inner_values)] * bool(inner_values) + inner_kinds)
            kinds.append(f"a space-separated list of {inner or 'tokens'}")
        elif kind in ("choice", "group", "interleave"):
            for c in p[1]:
                self._values(c, values, kinds, seen, depth)
        elif kind in ("optional", "zeroOrMore", "oneOrMore"):
            self._values(p[1], values, kinds, seen, depth)
        elif kind == "ref" and p[1] not in seen:
            seen.add(p[1])
            self._values(self.defines[p[1]], values, kinds, seen, depth)


_DATATYPE_WORDS = {
    "date": "a date (YYYY-MM-DD)", "gYear": "a year (YYYY)", "gYearMonth": "a year and month (YYYY-MM)",
    "gMonth": "a month (--MM)", "gDay": "a day (---DD)", "gMonthDay": "a month and day (--MM-DD)",
    "time": "a time (hh:mm:ss)", "dateTime": "a date and time (YYYY-MM-DDThh:mm:ss)",
    "duration": "a duration (e.g. P1Y2M)", "decimal": "a decimal number", "double": "a number",
    "float": "a number", "integer": "an integer", "nonNegativeInteger": "a whole number (0 or more)",
    "positiveInteger": "a whole number (1 or more)", "boolean": "true or false",
    "anyURI": "a URI", "NCName": "a name without colons or spaces", "Name": "an XML name",
    "ID": "an identifier (an XML name without colons)", "IDREF": "the xml:id of an element",
    "IDREFS": "xml:ids of elements", "token": "a token", "NMTOKEN": "a name token (no spaces)",
    "NMTOKENS": "name tokens", "language": "a language tag (e.g. en, de-AT)", "string": "text",
    "QName": "a qualified name",
}


def _datatype_words(p) -> str:
    _, library, type_, params, _ = p
    words = _DATATYPE_WORDS.get(type_, f"a value of type {type_}") if library in (XSD, "") else f"a {type_}"
    for name, value in params:
        if name == "pattern":
            words += f" matching {value}"
        elif name in ("minInclusive", "minLength"):
            words += f" (at least {value})"
        elif name in ("maxInclusive", "maxLength"):
            words += f" (at most {value})"
    return words


_PREFIXES = {"http://www.w3.org/XML/1998/namespace": "xml:", "http://www.w3.org/1999/xlink": "xlink:"}


def _prefix(ns: str) -> str:
    return _PREFIXES.get(ns, f"{{{ns}}}")


def _display(nc: tuple) -> str:
    kind = nc[0]
    if kind == "name":
        return nc[2]
    if kind == "nsName":
        return f"any element in namespace {nc[1]}"
    if kind == "anyName":
        return "any element"
    return " or ".join(_display(c) for c in nc[1])


def _choice(options: list) -> tuple:
    members: list = []
    for option in options:
        for member in (option[1] if option[0] == "choice" else (option,)):
            if member != NA and member not in members:
                members.append(member)
    if not members:
        return NA
    return members[0] if len(members) == 1 else ("choice", tuple(members))


def _group(first: tuple, rest: tuple) -> tuple:
    if first == NA or rest == NA:
        return NA
    if first == EMPTY:
        return rest
    if rest == EMPTY:
        return first
    return ("group", (first, rest))


def _group_of(members: tuple) -> tuple:
    if NA in members:
        return NA
    kept = tuple(m for m in members if m != EMPTY)
    if not kept:
        return EMPTY
    return kept[0] if len(kept) == 1 else ("group", kept)


def _value_matches(expect: "Expectations", p: tuple, value: str, depth: int = 0) -> bool:
    kind = p[0]
    if kind == "value":
        if p[2] == "string":
            return value == p[4]
        return " ".join(value.split()) == " ".join(p[4].split())
    if kind == "choice":
        return any(_value_matches(expect, c, value, depth + 1) for c in p[1])
    if kind == "ref" and depth < 50:
        return _value_matches(expect, expect.defines[p[1]], value, depth + 1)
    return True  # text, data, list: libxml2 judges the value


def _interleave(members: tuple) -> tuple:
    if NA in members:
        return NA
    kept = tuple(m for m in members if m != EMPTY)
    if not kept:
        return EMPTY
    return kept[0] if len(kept) == 1 else ("interleave", kept)
