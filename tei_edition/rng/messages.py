"""libxml2's RELAX NG errors, in words an editor can act on, where Jing puts them.

libxml2 reports one or more entries per problem (``Did not expect element
opener there`` followed by ``Element div has extra content: opener``; a bad
value followed by ``Element date failed to validate attributes``), and where
it matches by backtracking, echoes of branches it abandoned.  :func:`problems`

1. groups the entries of one validation by the element they are about
   (libxml2's node path, :func:`locate`) and keeps one problem per kind;
2. checks each against the full grammar (:func:`_verified`, with
   :meth:`~tei_edition.rng.expect.Expectations.problems_in`): echoes go, and
   each problem moves to where Jing's algorithm finds it, with the element's
   further problems after it;
3. says which part of the source each is about (a start tag, an end tag, an
   attribute, a run of text), so :mod:`tei_edition.relaxng` can place it.

The wording of each libxml2 error kind is in :data:`REWORDINGS`; what was
expected comes from the grammar (:mod:`~tei_edition.rng.expect`).
"""

from __future__ import annotations

import re

from lxml import etree

from tei_edition.rng.expect import NA, TEXT, Expectations
from tei_edition.rng.grammar import XML_SPACE, split_clark

# libxml2 error type -> (pattern of its message, what the problem is).
# ``where`` says which source position Jing reports: the start tag of the
# element, its end tag (incomplete content), an attribute, or a text run.
REWORDINGS: dict[str, tuple[str, str]] = {
    "RELAXNG_ERR_ELEMWRONG": (r"Did not expect element (?P<name>\S+) there", "element <{name}> is not allowed here"),
    "RELAXNG_ERR_EXTRACONTENT": (r"Element (?P<parent>\S+) has extra content: (?P<name>\S+)",
                                 "element <{name}> is not allowed here"),
    "RELAXNG_ERR_ELEMNAME": (r"Expecting element (?P<expected>\S+), got (?P<name>\S+)",
                             "expected <{expected}> before <{name}>"),
    "RELAXNG_ERR_NOELEM": (r"Expecting an element (?P<expected>\S*), got nothing", "<{element}> is incomplete"),
    "RELAXNG_ERR_TEXTWRONG": (r"Did not expect text in element (?P<element>\S+) content", "text is not allowed in <{element}>"),
    "RELAXNG_ERR_NOTELEM": (r"Expecting an element got text", "text is not allowed in <{element}>"),
    "RELAXNG_ERR_INVALIDATTR": (r"Invalid attribute (?P<attribute>\S+) for element (?P<element>\S+)",
                                "attribute @{attribute} is not allowed on <{element}>"),
    "RELAXNG_ERR_ATTRVALID": (r"Element (?P<element>\S+) failed to validate attributes",
                              "the attributes of <{element}> are not valid"),
    "RELAXNG_ERR_CONTENTVALID": (r"Element (?P<element>\S+) failed to validate content", "the content of <{element}> is not valid"),
    "RELAXNG_ERR_ELEMNONS": (r"Expecting a namespace for element (?P<element>\S+)",
                             "element <{element}> has no namespace"),
    "RELAXNG_ERR_ELEMWRONGNS": (r"Element (?P<element>\S+) has wrong namespace: expecting (?P<ns>\S+)",
                                'element <{element}> is in the wrong namespace; expected xmlns="{ns}"'),
    "RELAXNG_ERR_ELEMEXTRANS": (r"Expecting no namespace for element (?P<element>\S+)",
                                "element <{element}> must not be in a namespace"),
    "RELAXNG_ERR_ELEMNOTEMPTY": (r"Expecting element (?P<element>\S+) to be empty", "<{element}> must be empty"),
    "RELAXNG_ERR_TYPEVAL": (r"Type (?P<type>\S+) doesn't allow value '(?P<value>.*)'", 'invalid value "{value}"'),
    "RELAXNG_ERR_DATATYPE": (r"Error validating datatype (?P<type>\S+)", "the content of <{element}> is not a valid {type}"),
    "RELAXNG_ERR_VALUE": (r"Error validating value ?(?P<value>.*)", "the content of <{element}> is not an allowed value"),
    "RELAXNG_ERR_LIST": (r"Error validating list", "the content of <{element}> is not a valid list"),
    "RELAXNG_ERR_LISTEXTRA": (r"Extra data in list: (?P<value>.*)", 'unexpected "{value}" in the list in <{element}>'),
    "RELAXNG_ERR_DUPID": (r"ID (?P<value>\S+) redefined", 'duplicate ID "{value}"'),
    "RELAXNG_ERR_INTERSEQ": (r"Invalid sequence in interleave", "the children of <{element}> are not in an allowed order"),
    "RELAXNG_ERR_INTEREXTRA": (r"Extra element (?P<name>\S+) in interleave", "element <{name}> is not allowed here"),
    "RELAXNG_ERR_EXTRADATA": (r"Extra data in the document", "unexpected content after the document element"),
    "RELAXNG_ERR_LACKDATA": (r"Datatype element (?P<element>\S+) contains no data", "<{element}> must not be empty"),
    "RELAXNG_ERR_DATAELEM": (r"Datatype element (?P<element>\S+) has child elements", "<{element}> must not have child elements"),
    "RELAXNG_ERR_VALELEM": (r"Value element (?P<element>\S+) has child elements", "<{element}> must not have child elements"),
    "RELAXNG_ERR_LISTELEM": (r"List element (?P<element>\S+) has child elements", "<{element}> must not have child elements"),
}
_COMPILED: dict[str, re.Pattern] = {}  # compiled when first met (a run meets two or three kinds)

# Entries that only repeat, for the same element, what a more precise entry says.
_ECHOES = {"RELAXNG_ERR_CONTENTVALID", "RELAXNG_ERR_ATTRVALID", "RELAXNG_ERR_DATATYPE", "RELAXNG_ERR_VALUE",
           "RELAXNG_ERR_LIST", "RELAXNG_ERR_EXTRACONTENT", "RELAXNG_ERR_INTERSEQ"}
_ATTRIBUTE_KINDS = {"RELAXNG_ERR_INVALIDATTR", "RELAXNG_ERR_DUPID", "RELAXNG_ERR_ATTRVALID"}
_LIST_LIMIT = 12


class Problem:
    """One problem to report: what, about which element, and which part of it."""

    __slots__ = ("where", "element", "_message", "attribute", "line", "kind", "owner")

    def __init__(self, where: str, element, message, attribute: str | None = None, line: int = 0,
                 kind: str = "other", owner=None):
        self.where = where          # "start" | "end" | "attribute" | "text": which source position
        self.element = element      # the lxml element it is about (None: unknown)
        self._message = message     # the words, or a function that finds them (most problems are dropped)
        self.attribute = attribute  # qualified name as written, for "attribute"
        self.line = line            # libxml2's line, when the element is unknown
        self.kind = kind            # "content" | "attribute" | "id" | "other": how to verify it
        self.owner = owner          # for "text": the node whose text (or, for a child, tail) it is

    @property
    def message(self) -> str:
        if callable(self._message):
            self._message = self._message()
        return self._message

    def key(self) -> tuple:
        place = self.attribute if self.where == "attribute" else None
        return (self.where, id(self.element), place, id(self.owner))


def locate(tree, path: str | None):
    """The element libxml2's node path names (it writes ``*`` for namespaced names)."""
    if not path:
        return None
    node = None
    root = tree.getroot()
    for step in path.split("/")[1:]:
        match = re.fullmatch(r"([^\[]+)(?:\[(\d+)\])?", step)
        if match is None:
            return node
        name, index = match.group(1), int(match.group(2) or 1)
        if name.startswith(("@", "text()", "comment()", "processing-instruction")):
            return node
        candidates = [root] if node is None else [c for c in node if isinstance(c.tag, str)]
        if name != "*":
            prefix, _, local = name.rpartition(":")
            candidates = [c for c in candidates
                          if etree.QName(c).localname == local and (c.prefix or "") == prefix
                          and (prefix or etree.QName(c).namespace is None or name == "*")]
        if len(candidates) < index:
            return node
        node = candidates[index - 1]
    return node


def _qname(element) -> str:
    return etree.QName(element).localname if element.prefix is None else f"{element.prefix}:{etree.QName(element).localname}"


def _names(names: list[str]) -> str:
    shown = [f"<{n}>" for n in names[:_LIST_LIMIT]]
    if len(names) > _LIST_LIMIT:
        return ", ".join(shown) + f" or one of {len(names) - _LIST_LIMIT} more"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " or " + shown[-1]


def _snippet(text: str) -> str:
    """The text, its XML whitespace runs as one space, shortened; a character that shows as
    nothing or as a space (U+00A0, U+200B ...) as <U+00A0>, so the reader sees what is there."""
    text = " ".join(re.split("[ \t\n\r]+", text.strip(XML_SPACE)))
    text = text if len(text) <= 30 else text[:27] + "..."
    return "".join(f"<U+{ord(c):04X}>" if c != " " and (c.isspace() or not c.isprintable()) else c for c in text)


def _tokens(element, upto=None) -> list[str]:
    """The children of ``element`` before ``upto`` as derivative tokens."""
    tokens = []
    if element.text and element.text.strip(XML_SPACE):
        tokens.append(TEXT)
    for child in element:
        if child is upto:
            break
        if isinstance(child.tag, str):
            tokens.append(child.tag)
        if child.tail and child.tail.strip(XML_SPACE):
            tokens.append(TEXT)
    return tokens


def first_text(element) -> tuple[object, str] | None:
    """(node whose text or tail it is, the text) of the first non-blank text directly in ``element``."""
    if element.text and element.text.strip(XML_SPACE):
        return element, element.text
    for child in element:
        if child.tail and child.tail.strip(XML_SPACE):
            return child, child.tail
    return None


class Wording:
    def __init__(self, expectations: Expectations | None):
        self.expect = expectations

    # -- elements ----------------------------------------------------------
    def not_allowed(self, child) -> str:
        name = _qname(child)
        parent = child.getparent()
        expect = self.expect
        if expect is not None and not expect.defines_element(child.tag):
            ns, local = split_clark(child.tag)
            namespaces = expect.namespaces_of(local)
            if namespaces and ns not in namespaces:
                where = f'namespace "{ns}"' if ns else "no namespace"
                return (f'element <{name}> is in {where}, but the schema has <{local}> only in '
                        + " or ".join(f'"{n}"' if n else "no namespace" for n in namespaces))
            return f"element <{name}> is not allowed anywhere: the schema does not define it"
        hint = ""
        if expect is not None:
            ns, local = split_clark(child.tag)
            namespaces = expect.namespaces_of(local)
            if namespaces and ns not in namespaces:
                where = f'namespace "{ns}"' if ns else "no namespace"
                hint = (f" (it is in {where}; the schema has <{local}> in "
                        + " or ".join(f'"{n}"' if n else "no namespace" for n in namespaces) + ")")
        if parent is None:
            expected = ""
            if expect is not None:
                names, _, _ = expect.next_names(expect.grammar.start)
                if names and len(names) <= _LIST_LIMIT:
                    expected = f"; expected {_names(names)}"
            return f"element <{name}> is not allowed as the document element{hint}{expected}"
        if hint:
            return f"element <{name}> is not allowed in <{_qname(parent)}>{hint}"
        parent_name = _qname(parent)
        context = f"in <{parent_name}>"
        before = child.getprevious()
        while before is not None and not isinstance(before.tag, str):
            before = before.getprevious()
        if before is not None:
            context += f" after <{_qname(before)}>"
        if expect is not None:
            state = expect.after(parent, _tokens(parent, child))
            if state != NA:
                names, text, may_end = expect.next_names(state)
                if names and len(names) <= _LIST_LIMIT:
                    missing = expect.missing_before(state, child.tag)
                    if missing:
                        return f"expected {_names(missing)} before <{name}>"
                    also = f" or the end of <{parent_name}>" if may_end else ""
                    return f"element <{name}> is not allowed {context}; expected {_names(names)}{also}"
                if not names:
                    rest = "only text" if text else "nothing more"
                    return f"element <{name}> is not allowed {context}; <{parent_name}> takes {rest} here"
        return f"element <{name}> is not allowed {context}"

    def incomplete(self, element) -> str:
        name = _qname(element)
        if self.expect is not None:
            state = self.expect.after(element, _tokens(element))
            if state != NA:
                names, text, _ = self.expect.next_names(state)
                if names:
                    more = "a child element is" if len(element) else "child elements are"
                    return f"<{name}> is incomplete: {more} missing; expected {_names(names)}"
                if text:
                    return f"<{name}> is incomplete: text is missing"
        return f"<{name}> is incomplete: a required child element is missing"

    def text(self, element, owner=None) -> str:
        if owner is None:
            found = first_text(element)
            text = found[1] if found else ""
        else:
            text = owner.text if owner is element else owner.tail
        snippet = f' "{_snippet(text)}"' if text and text.strip(XML_SPACE) else ""
        return f"text{snippet} is not allowed in <{_qname(element)}>"

    def namespace(self, element, kind: str, fields: dict) -> str:
        name = _qname(element)
        local = etree.QName(element).localname
        namespaces = self.expect.namespaces_of(local) if self.expect is not None else []
        if kind == "RELAXNG_ERR_ELEMEXTRANS" or namespaces == [""]:
            return f"element <{name}> must not be in a namespace"
        target = fields.get("ns") or (namespaces[0] if len(namespaces) == 1 else None)
        if kind == "RELAXNG_ERR_ELEMNONS":
            return f'element <{name}> has no namespace; expected xmlns="{target}"' if target else \
                f"element <{name}> has no namespace"
        return f'element <{name}> is in namespace "{etree.QName(element).namespace}"; expected xmlns="{target}"'

    # -- attributes --------------------------------------------------------
    def attribute(self, element, local: str, ids: dict) -> tuple[str, str | None]:
        """(message, attribute as written) for libxml2's "Invalid attribute"."""
        name = _qname(element)
        key = next((k for k in element.keys() if etree.QName(k).localname == local), None)
        if key is None:
            return f"attribute @{local} is not valid on <{name}>", None
        written = _written(element, key)
        value = element.get(key)
        expect = self.expect
        if expect is not None and not expect.attribute_allowed(element, key):
            return f"attribute @{written} is not allowed on <{name}>", written
        first = ids.get(value)
        if first is not None and first is not element and _is_id(expect, element, key):
            return f'duplicate ID "{value}" in @{written} (first on line {first.sourceline})', written
        wanted = expect.describe_value(element, key) if expect is not None else None
        suffix = f"; expected {wanted}" if wanted else ""
        return f'invalid value "{_snippet(value)}" for @{written} on <{name}>{suffix}', written

    def bad_value(self, element, value: str) -> tuple[str, str | None]:
        for key, actual in element.items():
            if actual == value:
                return self.attribute(element, etree.QName(key).localname, {})
        return f'invalid value "{_snippet(value)}" in the attributes of <{_qname(element)}>', None

    def attributes(self, element) -> tuple[str, str | None]:
        """For libxml2's bare "failed to validate attributes": find which attribute, and why."""
        if self.expect is not None:
            for key, value in element.items():
                if self.expect.value_allowed(element, key, value) is False:
                    return self.attribute(element, etree.QName(key).localname, {})
            for key in element.keys():
                if not self.expect.attribute_allowed(element, key):
                    return self.attribute(element, etree.QName(key).localname, {})
            missing = self.expect.missing_attributes(element, set(element.keys()))
            if missing:
                what = "attribute" if len(missing) == 1 else "attributes"
                return f"<{_qname(element)}> lacks required {what} " + ", ".join(f"@{m}" for m in missing), None
        return f"the attributes of <{_qname(element)}> are not valid", None


def _written(element, key: str) -> str:
    qname = etree.QName(key)
    if qname.namespace is None:
        return qname.localname
    if qname.namespace == "http://www.w3.org/XML/1998/namespace":
        return f"xml:{qname.localname}"
    for prefix, uri in (element.nsmap or {}).items():
        if uri == qname.namespace and prefix:
            return f"{prefix}:{qname.localname}"
    return qname.localname


def _is_id(expect, element, key) -> bool:
    if key == "{http://www.w3.org/XML/1998/namespace}id":
        return True
    if expect is None:
        return False
    described = expect.describe_value(element, key) or ""
    return described.startswith("an identifier")


def problems(entries, tree, expectations: Expectations | None) -> list[Problem]:
    """One :class:`Problem` per problem libxml2 found, in the order it found them."""
    wording = Wording(expectations)
    grouped: dict[int, list] = {}
    elements: dict[int, object] = {}
    order: list[int] = []
    for entry in entries:
        element = locate(tree, entry.path)
        key = id(element) if element is not None else -entry.line - 1
        if key not in grouped:
            grouped[key] = []
            elements[key] = element
            order.append(key)
        grouped[key].append(entry)

    ids: dict | None = None
    found: list[Problem] = []
    for key in order:
        element = elements[key]
        entries_here = grouped[key]
        kinds = {e.type_name for e in entries_here}
        if element is None:
            for entry in entries_here:
                if entry.type_name not in _ECHOES or kinds <= _ECHOES:
                    found.append(Problem("start", None, _plain(entry), line=entry.line))
                    break
            continue
        # attributes
        attribute_problems = []
        for entry in entries_here:
            kind, fields = entry.type_name, _fields(entry)
            if kind == "RELAXNG_ERR_INVALIDATTR":
                if ids is None:
                    ids = _ids(tree)
                message, written = wording.attribute(element, fields.get("attribute", ""), ids)
                kind = "id" if message.startswith("duplicate ID") else "attribute"
                attribute_problems.append(Problem("attribute", element, message, written, kind=kind))
            elif kind == "RELAXNG_ERR_DUPID":
                if ids is None:
                    ids = _ids(tree)
                value = fields.get("value", "")
                first = ids.get(value)
                where = f" (first on line {first.sourceline})" if first is not None and first is not element else ""
                written = next((_written(element, k) for k, v in element.items() if v == value), None)
                attribute_problems.append(Problem("attribute", element, f'duplicate ID "{value}"{where}', written,
                                                  kind="id"))
            elif kind == "RELAXNG_ERR_TYPEVAL" and "RELAXNG_ERR_ATTRVALID" in kinds:
                message, written = wording.bad_value(element, fields.get("value", ""))
                attribute_problems.append(Problem("attribute", element, message, written, kind="attribute"))
        if not attribute_problems and "RELAXNG_ERR_ATTRVALID" in kinds:
            message, written = wording.attributes(element)
            attribute_problems.append(Problem("attribute", element, message, written, kind="attribute"))
        found.extend(_unique(attribute_problems))
        # content
        content = [e for e in entries_here if e.type_name not in _ATTRIBUTE_KINDS
                   and not (e.type_name == "RELAXNG_ERR_TYPEVAL" and "RELAXNG_ERR_ATTRVALID" in kinds)]
        precise = [e for e in content if e.type_name not in _ECHOES]
        if precise:
            entry = precise[0]
        elif content and not attribute_problems and not _has_problem_inside(element, elements):
            entry = content[0]
        else:
            continue
        found.append(_content_problem(entry, element, wording, {e.type_name for e in content}))
    if expectations is None:
        return found
    return _verified(found, wording, ids if ids is not None else {}, tree)


def _verified(found: list[Problem], wording: Wording, ids: dict, tree) -> list[Problem]:
    """libxml2's problems, checked against the grammar the way Jing would find them.

    Where libxml2 cannot compile a content model to an automaton it matches by
    backtracking, and when that fails it reports what each abandoned branch
    tripped over ("expecting element head, got person" at children that are
    fine), before the real problem.  So every problem with an element's
    children is re-checked with :meth:`Expectations.check` on that element:
    if the children fit, the report was an echo and goes; if not, the problem
    is put where the check finds it (Jing's first error inside that element).
    Attribute problems whose attributes turn out fine go too.  The elements
    concerned and their parents are then checked for what libxml2 left
    unsaid (it may skip an element's attributes once its content failed).
    Problems are only dropped in favour of others: if all would go, libxml2's
    own report stays.
    """
    expect = wording.expect
    checks: dict = {}

    def check_all(element) -> list:
        key = id(element)
        if key not in checks:  # the element is kept too: an id is only unique while its object lives
            checks[key] = (element, expect.problems_in(element))
        return checks[key][1]

    def check(element):
        found = check_all(element)
        return found[0] if found else None

    kept: list[Problem] = []
    echoes: list = []  # elements whose children libxml2 blamed although they fit
    unplaced: list[Problem] = []
    for problem in found:
        element = problem.element
        if element is None:  # libxml2 did not say where: look through the whole document
            echoes.append(tree.getroot())
            unplaced.append(problem)
        elif problem.kind in ("other", "id"):
            kept.append(problem)
        elif problem.kind == "content" and problem.where == "start" and element.getparent() is None:
            if expect.deriv(expect.grammar.start, element.tag) == NA:  # the root itself is wrong
                kept.append(problem)
            kept.extend(_from_check(result, wording, ids) for result in check_all(element))
        elif problem.kind == "content":
            # the element whose children are wrong: libxml2 names the child
            # ("Did not expect element p") or, when backtracking, the parent
            scopes = [x for x in ((element, element.getparent()) if problem.where == "start" else (element,))
                      if x is not None]
            results = [result for scope in scopes for result in check_all(scope)]
            kept.extend(_from_check(result, wording, ids) for result in results)
            if not results:
                echoes.append(scopes[-1])
        elif problem.kind == "attribute":
            result = check(element)
            if (result is not None and result[0] in ("attribute", "attributes")) or _bad_value(expect, element):
                kept.append(problem)
    values_seen: set = set()

    def concerned(problems) -> None:  # their elements and parents, for what libxml2 left unsaid
        for problem in problems:
            if problem.element is None:
                continue
            for element in (problem.element, problem.element.getparent()):
                if element is not None:
                    kept.extend(_from_check(result, wording, ids) for result in check_all(element))
            # libxml2 drops the attribute errors of an element whose content failed (its choices
            # backtrack): the values are judged here (Jing reports them, before the content)
            for element in (problem.element, problem.element.getparent()):
                if element is None or id(element) in values_seen:
                    continue
                values_seen.add(id(element))
                name = _first_bad_attribute(expect, element)
                if name is not None:
                    kept.append(_from_check(("attribute", element, name), wording, ids))

    concerned(found + kept)
    # An echo means some child failed as a whole, and libxml2 did not say why:
    # look inside for the first problem the grammar finds (in document order).
    for scope in echoes:
        if any(p.element is not None and (p.element is scope or _inside(p.element, scope)) for p in kept):
            continue
        for element in scope.iter(tag=etree.Element):
            results = list(check_all(element))
            if not results and _bad_value(expect, element):
                results = [("attribute", element, _first_bad_attribute(expect, element))]
            if results:
                # found here, it is as concerned as one libxml2 named: whether libxml2 names the
                # child or its parent depends on how it backtracked (on the grammar pruned for
                # the files validated together), and the words must not
                here = [_from_check(result, wording, ids) for result in results]
                concerned(here)
                kept.extend(here)
                break
    if not kept:
        return found
    if not any(p.element is not None for p in kept):
        kept.extend(unplaced)
    unique: dict = {}
    for problem in kept:
        unique.setdefault(problem.key(), problem)
    return list(unique.values())


def _bad_value(expect: Expectations, element) -> bool:
    return _first_bad_attribute(expect, element) is not None


def _first_bad_attribute(expect: Expectations, element) -> str | None:
    for key, value in element.items():
        if expect.value_allowed(element, key, value) is False:
            return key
    return None


def _inside(element, scope) -> bool:
    return any(ancestor is scope for ancestor in element.iterancestors())


def _from_check(result, wording: Wording, ids: dict) -> Problem:
    where, node, name = result
    if where == "attribute":
        message, written = wording.attribute(node, etree.QName(name).localname, ids)
        return Problem("attribute", node, message, written, kind="attribute")
    if where == "attributes":
        message, written = wording.attributes(node)
        return Problem("attribute", node, message, written, kind="attribute")
    if where == "start":
        return Problem("start", node, lambda: wording.not_allowed(node), kind="content")
    if where == "text":
        return Problem("text", node, lambda: wording.text(node, name), kind="content", owner=name)
    return Problem("end", node, lambda: wording.incomplete(node), kind="content")


def _content_problem(entry, element, wording: Wording, kinds: set) -> Problem:
    kind, fields = entry.type_name, _fields(entry)
    if kind == "RELAXNG_ERR_EXTRACONTENT" and fields.get("name") == "text" and first_text(element) is not None:
        return Problem("text", element, lambda: wording.text(element), kind="content")  # "... extra content: text"
    if kind in ("RELAXNG_ERR_ELEMWRONG", "RELAXNG_ERR_EXTRACONTENT", "RELAXNG_ERR_INTEREXTRA", "RELAXNG_ERR_ELEMNAME"):
        return Problem("start", element, lambda: wording.not_allowed(element), kind="content")
    if kind == "RELAXNG_ERR_NOELEM":
        return Problem("end", element, lambda: wording.incomplete(element), kind="content")
    if kind in ("RELAXNG_ERR_TEXTWRONG", "RELAXNG_ERR_NOTELEM"):
        return Problem("text", element, lambda: wording.text(element), kind="content")
    if kind in ("RELAXNG_ERR_ELEMNONS", "RELAXNG_ERR_ELEMWRONGNS", "RELAXNG_ERR_ELEMEXTRANS"):
        return Problem("start", element, wording.namespace(element, kind, fields))
    name = _qname(element)
    if kind == "RELAXNG_ERR_TYPEVAL" or kinds & {"RELAXNG_ERR_DATATYPE", "RELAXNG_ERR_VALUE", "RELAXNG_ERR_LIST"}:
        value = (element.text or "").strip(XML_SPACE)
        wanted = None
        if wording.expect is not None:
            patterns = wording.expect.patterns_at(element)
            wanted = wording.expect.describe(patterns[0][2]) if patterns else None
        suffix = f"; expected {wanted}" if wanted else ""
        if not value:  # (quoting the blank content would show "")
            return Problem("end", element, f"<{name}> is empty{suffix}")
        return Problem("end", element, f'invalid content "{_snippet(value)}" in <{name}>{suffix}')
    fields.setdefault("element", name)
    return Problem("end" if kind == "RELAXNG_ERR_CONTENTVALID" else "start", element, _format(kind, fields))


def _has_problem_inside(element, elements: dict) -> bool:
    for other in elements.values():
        if other is not None and other is not element:
            for ancestor in other.iterancestors():
                if ancestor is element:
                    return True
    return False


def _unique(problems_here: list[Problem]) -> list[Problem]:
    seen = set()
    kept = []
    for problem in problems_here:
        if (problem.message, problem.attribute) not in seen:
            seen.add((problem.message, problem.attribute))
            kept.append(problem)
    return kept


def _fields(entry) -> dict:
    pattern = _COMPILED.get(entry.type_name)
    if pattern is None and entry.type_name in REWORDINGS:
        pattern = _COMPILED[entry.type_name] = re.compile(REWORDINGS[entry.type_name][0])
    match = pattern.match(entry.message.strip()) if pattern is not None else None
    return {k: v for k, v in match.groupdict().items() if v is not None} if match else {}


def _format(kind: str, fields: dict) -> str:
    template = REWORDINGS.get(kind, (None, "{message}"))[1]
    try:
        return template.format(**fields)
    except KeyError:
        return fields.get("message", "invalid")


def _plain(entry) -> str:
    fields = _fields(entry)
    fields.setdefault("element", "?")
    if entry.type_name in REWORDINGS:
        return _format(entry.type_name, fields)
    return entry.message.strip()


def _ids(tree) -> dict:
    """xml:id value -> first element carrying it (for "duplicate ID" messages)."""
    ids: dict = {}
    for element in tree.getroot().iter():
        if isinstance(element.tag, str):
            for key, value in element.items():
                if key == "{http://www.w3.org/XML/1998/namespace}id" or key == "id":
                    ids.setdefault(value, element)
    return ids
