"""Read a RELAX NG schema (XML syntax) into one flat grammar of tuples.

This follows the simplification of the RELAX NG specification (section 4)
as far as pruning and libxml2 need it:

1. annotations go: elements and attributes outside the RELAX NG namespace
   (``a:documentation``, embedded Schematron, ...) and ``div`` wrappers;
2. ``datatypeLibrary`` is inherited within each file; ``value`` without a
   type is the built-in ``token``;
3. ``externalRef`` and ``include`` read their file (only local files; never
   the network) through :mod:`tei_edition.parsing`; an include's own
   ``define``/``start`` replace the included ones of the same name;
4. ``ns`` is inherited (also into included files that set none); the ``name``
   attribute of ``element``/``attribute`` becomes a name class with a
   namespace (an attribute's unprefixed name has none); QNames resolve with
   the in-scope prefixes;
5. several patterns where one is expected become a ``group`` (a ``choice``
   inside ``choice`` and ``except``);
6. ``combine`` merges the defines and starts of one grammar;
7. nested grammars are flattened: their defines get names no other grammar
   uses, and ``parentRef`` points to the enclosing grammar's name.

``optional``, ``zeroOrMore``, ``oneOrMore`` and ``mixed`` are kept (libxml2
compiles them as they are, and they are the spec's sugar for choice/interleave
forms that mean the same).  The result is a :class:`Grammar` made of tuples,
strings and ``None`` only, so it can be stored with :mod:`marshal`.

Patterns::

    ("empty",) ("text",) ("notAllowed",) ("ref", name)
    ("element", nameclass, p)  ("attribute", nameclass, p)
    ("group"|"interleave"|"choice", (p, ...))
    ("optional"|"zeroOrMore"|"oneOrMore"|"mixed"|"list", p)
    ("data", library, type, ((param, value), ...), except_p or None)
    ("value", library, type, ns, text)

Name classes::

    ("name", ns, local) ("anyName", except_nc or None)
    ("nsName", ns, except_nc or None) ("choice", (nc, ...))
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from lxml import etree

from tei_edition.errors import InputProblem, TeiEditionError
from tei_edition.parsing import parse_file
from tei_edition.rng.grammar import RNG_NS, Grammar

_R = "{%s}" % RNG_NS
_ANY_RNG = _R + "*"

_PATTERNS = {
    "element", "attribute", "group", "interleave", "choice", "optional", "zeroOrMore", "oneOrMore",
    "list", "mixed", "ref", "parentRef", "empty", "text", "value", "data", "notAllowed",
    "externalRef", "grammar",
}
_ONE_CHILD = {"optional", "zeroOrMore", "oneOrMore", "list", "mixed"}


class SchemaProblem(InputProblem):
    """The schema cannot be used; the message names the file and the place."""


def _problem(node, message: str) -> SchemaProblem:
    where = node.getroottree().docinfo.URL or "schema"
    return SchemaProblem(f"{where}:{node.sourceline or 0}: invalid RELAX NG: {message}")


def _rng_children(node):
    return list(node.iterchildren(_ANY_RNG))


def _local(node) -> str:
    return node.tag[len(_R):]


def _text(node) -> str:
    """The text of a name/value/param, without comments or foreign elements."""
    return (node.text or "") + "".join(child.tail or "" for child in node)


class _Scope:
    """One ``grammar`` element: its components before ``combine`` merges them."""

    def __init__(self, reader: "_Reader", parent: "_Scope | None"):
        self.reader = reader
        self.parent = parent
        self.suffix = "" if parent is None else f"~{reader.next_scope()}"
        self.components: dict[str, list] = {}  # name or None (start) -> [(combine, pattern, node)]

    def name(self, local: str) -> str:
        return local + self.suffix

    def add(self, key, combine, pattern, node):
        self.components.setdefault(key, []).append((combine, pattern, node))

    def merge(self, node) -> tuple:
        """Combine the components; put the defines into the reader; return the start pattern."""
        start = None
        for key, parts in self.components.items():
            pattern = _combine(parts, key, node)
            if key is None:
                start = pattern
            else:
                self.reader.defines[self.name(key)] = pattern
        if start is None:
            raise _problem(node, "the grammar has no <start>")
        return start


def _combine(parts, key, node) -> tuple:
    if len(parts) == 1:
        return parts[0][1]
    plain = [part for part in parts if part[0] is None]
    methods = {part[0] for part in parts if part[0] is not None}
    what = "start" if key is None else f"define {key!r}"
    if len(plain) > 1:
        raise _problem(plain[1][2], f"{what} is defined more than once without @combine")
    if len(methods) != 1:
        raise _problem(parts[-1][2], f"{what} mixes combine methods {sorted(methods)}")
    return (methods.pop(), tuple(part[1] for part in parts))


class _Reader:
    def __init__(self):
        self.defines: dict[str, tuple] = {}
        self.scopes = 0
        self.open_files: list[str] = []
        self.files: list[str] = []
        self.element_names: set[str] = set()
        self.wildcards: list[tuple] = []

    def next_scope(self) -> int:
        self.scopes += 1
        return self.scopes

    # -- files ---------------------------------------------------------------
    def load(self, node, href: str) -> etree._Element:
        base = node.base or ""
        url = urljoin(base, href.strip())
        parsed = urlparse(url)
        if parsed.scheme not in ("", "file"):
            raise _problem(node, f"{href!r} is not a local file (tei-edition never fetches schemas from the network)")
        path = Path(unquote(parsed.path))
        try:
            tree = parse_file(path)
        except TeiEditionError as error:
            raise _problem(node, f"cannot read {href!r}: {error}") from None
        url = tree.docinfo.URL
        if url in self.open_files:
            raise _problem(node, f"{href!r} includes itself")
        if url not in self.files:
            self.files.append(url)
        root = tree.getroot()
        if root.tag[:len(_R)] != _R:
            raise _problem(node, f"{href!r} is not a RELAX NG schema in XML syntax")
        return root

    # -- grammar content -------------------------------------------------------
    def grammar(self, node, ns: str, parent: _Scope | None, exclude=frozenset()) -> tuple:
        scope = _Scope(self, parent)
        self.components(node, ns, scope, exclude)
        start = scope.merge(node)
        return start

    def components(self, node, ns: str, scope: _Scope, exclude) -> None:
        ns = node.get("ns", ns)
        for child in _rng_children(node):
            self.component(child, ns, scope, exclude)

    def component(self, child, ns: str, scope: _Scope, exclude) -> None:
        kind = _local(child)
        if kind == "div":
            self.components(child, ns, scope, exclude)
        elif kind == "include":
            self.include(child, ns, scope, exclude)
        elif kind in ("start", "define"):
            key = None if kind == "start" else _required(child, "name")
            if key not in exclude:
                body = self.content(child, child.get("ns", ns), scope, "group")
                scope.add(key, _combine_attr(child), body, child)
        else:
            raise _problem(child, f"<{kind}> is not allowed in <grammar>")

    def include(self, node, ns: str, scope: _Scope, exclude) -> None:
        ns = node.get("ns", ns)
        overridden = set()
        _collect_overrides(node, overridden)
        root = self.load(node, node.get("href", ""))
        if _local(root) != "grammar":
            raise _problem(node, "an included schema must be a <grammar>")
        self.open_files.append(root.getroottree().docinfo.URL)
        try:
            self.components(root, ns, scope, exclude | overridden)
        finally:
            self.open_files.pop()
        # the include's own components replace those it overrides
        for child in _rng_children(node):
            self.component(child, ns, scope, exclude)

    # -- patterns --------------------------------------------------------------
    def content(self, node, ns: str, scope: _Scope, joiner: str, children=None) -> tuple:
        children = _rng_children(node) if children is None else children
        patterns = tuple(self.pattern(child, ns, scope) for child in children)
        if not patterns:
            raise _problem(node, f"<{_local(node)}> needs a pattern inside")
        return patterns[0] if len(patterns) == 1 else (joiner, patterns)

    def pattern(self, node, ns: str, scope: _Scope) -> tuple:
        kind = _local(node)
        if kind not in _PATTERNS:
            raise _problem(node, f"<{kind}> is not a pattern")
        ns = node.get("ns", ns)
        if kind in ("empty", "text", "notAllowed"):
            return (kind,)
        if kind == "ref":
            return ("ref", scope.name(_required(node, "name")))
        if kind == "parentRef":
            if scope.parent is None:
                raise _problem(node, "<parentRef> outside a nested grammar")
            return ("ref", scope.parent.name(_required(node, "name")))
        if kind in ("group", "interleave", "choice"):
            return self.content(node, ns, scope, kind)
        if kind in _ONE_CHILD:
            return (kind, self.content(node, ns, scope, "group"))
        if kind == "element":
            children = _rng_children(node)
            if node.get("name") is not None:
                nc = _qname(node, node.get("name"), ns)
            else:
                if not children:
                    raise _problem(node, "<element> without a name")
                nc = self.name_class(children[0], ns)
                children = children[1:]
            self._note_element(nc)
            return ("element", nc, self.content(node, ns, scope, "group", children))
        if kind == "attribute":
            children = _rng_children(node)
            if node.get("name") is not None:
                nc = _qname(node, node.get("name"), node.get("ns", ""))
            else:
                if not children:
                    raise _problem(node, "<attribute> without a name")
                nc = self.name_class(children[0], ns)
                children = children[1:]
            body = self.content(node, ns, scope, "group", children) if children else ("text",)
            return ("attribute", nc, body)
        if kind == "data":
            params = []
            excepted = None
            for child in _rng_children(node):
                if _local(child) == "param":
                    params.append((_required(child, "name"), _text(child)))
                elif _local(child) == "except":
                    excepted = self.content(child, ns, scope, "choice")
                else:
                    raise _problem(child, f"<{_local(child)}> is not allowed in <data>")
            return ("data", _library(node), _required(node, "type"), tuple(params), excepted)
        if kind == "value":
            if node.get("type") is None:
                return ("value", "", "token", ns, _text(node))
            return ("value", _library(node), node.get("type").strip(), ns, _text(node))
        if kind == "externalRef":
            root = self.load(node, node.get("href", ""))
            self.open_files.append(root.getroottree().docinfo.URL)
            try:
                return self.pattern(root, ns, scope)
            finally:
                self.open_files.pop()
        # nested grammar
        return self.grammar(node, ns, scope)

    def _note_element(self, nc: tuple) -> None:
        if nc[0] == "name":
            self.element_names.add(f"{{{nc[1]}}}{nc[2]}" if nc[1] else nc[2])
        elif nc[0] == "choice":
            for child in nc[1]:
                self._note_element(child)
        elif nc not in self.wildcards:
            self.wildcards.append(nc)

    def name_class(self, node, ns: str) -> tuple:
        kind = _local(node)
        ns = node.get("ns", ns)
        if kind == "name":
            return _qname(node, _text(node), ns)
        if kind in ("anyName", "nsName"):
            excepted = None
            for child in _rng_children(node):
                if _local(child) != "except":
                    raise _problem(child, f"<{_local(child)}> is not allowed in <{kind}>")
                classes = tuple(self.name_class(c, ns) for c in _rng_children(child))
                excepted = classes[0] if len(classes) == 1 else ("choice", classes)
            return ("anyName", excepted) if kind == "anyName" else ("nsName", ns, excepted)
        if kind == "choice":
            classes = tuple(self.name_class(c, ns) for c in _rng_children(node))
            if not classes:
                raise _problem(node, "empty name class <choice>")
            return classes[0] if len(classes) == 1 else ("choice", classes)
        raise _problem(node, f"<{kind}> is not a name class")


def _collect_overrides(node, names: set) -> None:
    for child in _rng_children(node):
        kind = _local(child)
        if kind == "start":
            names.add(None)
        elif kind == "define":
            names.add(child.get("name", "").strip())
        elif kind == "div":
            _collect_overrides(child, names)


def _combine_attr(node):
    combine = node.get("combine")
    if combine is None:
        return None
    combine = combine.strip()
    if combine not in ("choice", "interleave"):
        raise _problem(node, f"@combine must be choice or interleave, not {combine!r}")
    return combine


def _required(node, attribute: str) -> str:
    value = node.get(attribute)
    if value is None or not value.strip():
        raise _problem(node, f"<{_local(node)}> needs @{attribute}")
    return value.strip()


def _library(node) -> str:
    """``datatypeLibrary`` of the nearest ancestor-or-self, within the node's own file."""
    current = node
    while current is not None:
        library = current.get("datatypeLibrary")
        if library is not None:
            return library.strip()
        current = current.getparent()
    return ""


def _qname(node, text: str, ns: str) -> tuple:
    text = text.strip()
    if ":" in text:
        prefix, local = text.split(":", 1)
        uri = node.nsmap.get(prefix)
        if prefix == "xml":
            uri = "http://www.w3.org/XML/1998/namespace"
        if uri is None:
            raise _problem(node, f"prefix {prefix!r} of {text!r} is not declared")
        return ("name", uri, local)
    return ("name", ns, text)


def read(path) -> Grammar:
    """Read and simplify the schema at ``path``; raise SchemaProblem if unusable."""
    try:
        root = parse_file(path).getroot()
    except TeiEditionError as error:
        raise SchemaProblem(f"{path}: cannot read the schema: {error}") from None
    return read_root(root)


def read_root(root) -> Grammar:
    if not isinstance(root.tag, str) or not root.tag.startswith(_R):
        raise SchemaProblem(f"{root.getroottree().docinfo.URL or 'schema'}: not a RELAX NG schema "
                            f"(the root is not in the {RNG_NS} namespace)")
    reader = _Reader()
    reader.open_files.append(root.getroottree().docinfo.URL)
    reader.files.append(root.getroottree().docinfo.URL)
    ns = root.get("ns", "")
    if _local(root) == "grammar":
        start = reader.grammar(root, ns, None)
    else:
        start = reader.pattern(root, ns, _Scope(reader, None))
    for name in _undefined(start, reader.defines):
        raise SchemaProblem(f"{root.getroottree().docinfo.URL or 'schema'}: invalid RELAX NG: "
                            f"reference to undefined pattern {name.split('~')[0]!r}")
    return Grammar(start, reader.defines, tuple(reader.files), frozenset(reader.element_names),
                   tuple(reader.wildcards))


def _undefined(start, defines):
    missing = []
    stack = [start, *defines.values()]
    while stack:
        pattern = stack.pop()
        kind = pattern[0]
        if kind == "ref":
            if pattern[1] not in defines:
                missing.append(pattern[1])
        elif kind in ("group", "interleave", "choice"):
            stack.extend(pattern[1])
        elif kind in ("element", "attribute"):
            stack.append(pattern[2])
        elif kind in _ONE_CHILD:
            stack.append(pattern[1])
        elif kind == "data" and pattern[4] is not None:
            stack.append(pattern[4])
    return missing
