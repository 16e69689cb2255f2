"""ISO Schematron with lxml, saying plainly what XPath 1.0 cannot run.

lxml runs Schematron by compiling it to XSLT 1.0, so every test is XPath 1.0.
TEI's ODD-generated schemas carry their Schematron with
``queryBinding="xslt2"``: many of their tests use XPath 2.0 (``matches()``,
sequences, ``if then else``), which would make the whole compilation fail.
Instead of failing or silently dropping them, this module runs what it can
and lists the rest.

Loading a schema:

1. read it: a ``.sch`` file, or the Schematron embedded in a RELAX NG
   (``sch:pattern`` inside the grammar) or XSD schema;
2. resolve ``sch:include`` and abstract patterns (lxml's ISO skeleton steps);
3. test-compile every ``let`` value, rule context, ``assert``/``report``
   test and ``value-of``/``name`` expression with lxml's XPath 1.0, with the
   schema's ``sch:ns`` prefixes bound, and check that it calls only XPath 1.0,
   XSLT 1.0 or EXSLT functions;
4. drop what fails -- a rule whose context or ``let`` fails goes whole -- and
   keep it in :attr:`Schematron.skipped` with the reason;
5. compile the rest to XSLT (``queryBinding`` set to ``xslt``) and fix the
   skeleton's ``@location`` for attributes so every finding has a node.

Validating a document runs the XSLT, reads the SVRL report and turns each
failed ``assert`` and each successful ``report`` into a diagnostic at the
node it names: the message is the assertion text, the rule id the
``assert``/``rule``/``pattern`` @id, and ``role="warning"`` (or ``warn``,
``info``, ``nonfatal``) makes it a warning.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tei_edition.diagnostics import Diagnostic, Severity
from tei_edition.errors import InputProblem

SCH_NS = "http://purl.oclc.org/dsdl/schematron"
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
XSL_NS = "http://www.w3.org/1999/XSL/Transform"
RNG_NS = "http://relaxng.org/ns/structure/1.0"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
_S = f"{{{SCH_NS}}}"

# Functions lxml can evaluate inside the generated XSLT 1.0.
XPATH1_FUNCTIONS = frozenset(
    """last position count id local-name namespace-uri name string concat starts-with contains
    substring-before substring-after substring string-length normalize-space translate boolean not
    true false lang number sum floor ceiling round
    node text comment processing-instruction
    document key format-number current unparsed-entity-uri generate-id system-property
    element-available function-available""".split()
)
# Names followed by "(" that are operators, not functions: "a and (b)".
_OPERATORS = frozenset({"and", "or", "div", "mod"})
EXSLT_NAMESPACES = frozenset(
    "http://exslt.org/" + name for name in ("common", "math", "sets", "strings", "dates-and-times", "dynamic")
)
WARNING_ROLES = frozenset({"warning", "warn", "info", "information", "nonfatal", "minor", "caution"})

_STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
_CALL = re.compile(r"(?<![\w.\-:$@])([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)\s*\(")
_PREFIXED_NAME = re.compile(r"(?<![\w.\-:$])([A-Za-z_][\w.\-]*):(?=[A-Za-z_*])")
_VARIABLE = re.compile(r"\$([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)")


@dataclass(frozen=True)
class Skipped:
    """A rule or an assertion that was left out, and why."""

    ident: str  # the assert/rule/pattern id, or the rule context
    test: str
    reason: str

    def __str__(self) -> str:
        return f"{self.ident}: {self.reason}"


@dataclass
class Schematron:
    """A compiled Schematron schema: run it with :meth:`validate`."""

    name: str
    checks: int = 0  # assertions and reports that run
    skipped: list[Skipped] = field(default_factory=list)
    _xslt: etree.XSLT | None = field(default=None, repr=False)

    def validate(self, tree, where=None) -> list[Diagnostic]:
        """Diagnostics for ``tree``; ``where(node, attribute)`` gives (line, column)."""
        if self._xslt is None:
            return []
        try:
            svrl = self._xslt(tree)
        except (etree.XSLTApplyError, etree.XMLSyntaxError) as error:  # e.g. document(): no file, no network
            message = f"the Schematron of {self.name} could not run on this file: {error}"
            return [Diagnostic(1, 1, Severity.WARNING, message, "schematron")]
        return list(_findings(svrl, tree, where))


def _findings(svrl, tree, where):
    pattern_id = rule_id = ""
    for node in svrl.getroot():
        local = etree.QName(node).localname if isinstance(node.tag, str) else ""
        if local == "active-pattern":
            pattern_id, rule_id = node.get("id") or "", ""
        elif local == "fired-rule":
            rule_id = node.get("id") or ""
        elif local in ("failed-assert", "successful-report"):
            text = " ".join("".join(node.findtext(f"{{{SVRL_NS}}}text") or "").split())
            if not text:
                text = f"{'assertion failed' if local == 'failed-assert' else 'report'}: {node.get('test')}"
            role = (node.get("role") or node.get("flag") or "").lower()
            severity = Severity.WARNING if role in WARNING_ROLES else Severity.ERROR
            line, column = _position(tree, node.get("location") or "", where)
            rule = node.get("id") or rule_id or pattern_id or "schematron"
            yield Diagnostic(line, column, severity, text, rule)


def _position(tree, location: str, where) -> tuple[int, int]:
    try:
        found = tree.xpath(location) if location else []
    except etree.XPathError:
        found = []
    if not isinstance(found, list) or not found:
        return 1, 1
    node = found[0]
    attribute = None
    if isinstance(node, etree._ElementUnicodeResult):
        attribute = node.attrname if node.is_attribute else None
        node = node.getparent()
    if not isinstance(node, etree._Element):
        return 1, 1
    if where is not None:
        return where(node, attribute)
    return node.sourceline or 1, 1


# ---------------------------------------------------------------- loading

_CACHE: dict[tuple, Schematron] = {}
# A schema comes with the texts (<?xml-model?>): its XPath may call document(),
# which must read no file and reach no network (docs/security.md).
_NO_ACCESS = etree.XSLTAccessControl.DENY_ALL


def load(path, *, phase: str | None = None, tree=None) -> Schematron:
    """Compile the Schematron in ``path`` (.sch, or embedded in .rng / .xsd); cached.

    ``tree`` is the Schematron already taken out of ``path`` (e.g. by the
    RELAX NG engine), or None to read the file.
    """
    from tei_edition.parsing import parse_file

    path = Path(path)
    try:
        key = (str(path.resolve()), os.stat(path).st_mtime_ns, phase)
    except OSError as error:
        raise InputProblem(f"{path}: cannot read: {error.strerror or error}") from None
    cached = _CACHE.get(key)
    if cached is None:
        if tree is None:
            tree = parse_file(path)
        cached = from_tree(tree, path.name, phase=phase)
        _CACHE[key] = cached
    return cached


def embedded(tree) -> etree._ElementTree | None:
    """The Schematron embedded in a RELAX NG or XSD schema tree, or None."""
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    namespace = etree.QName(root).namespace
    if namespace == SCH_NS and root.getparent() is not None:
        root = copy.deepcopy(root)
    if namespace == SCH_NS:
        return root.getroottree()
    if not any(True for _ in root.iter(f"{_S}pattern")):
        return None
    from lxml import isoschematron  # compiles the ISO skeleton's stylesheets: only when needed

    extract = isoschematron.extract_rng if namespace == RNG_NS else isoschematron.extract_xsd
    return extract(root.getroottree())


def from_tree(tree, name: str, *, phase: str | None = None, select_directly: bool = True) -> Schematron:
    """Compile a Schematron schema, or a schema that embeds one.

    ``select_directly=False`` keeps the skeleton's walk over every node (slow;
    the tests compare both).
    """
    schema = embedded(tree)
    if schema is None:
        return Schematron(name)
    from lxml import isoschematron
    try:
        schema = isoschematron.iso_dsdl_include(schema)
        schema = isoschematron.iso_abstract_expand(schema)
    except (etree.XSLTApplyError, etree.XSLTParseError) as error:
        raise InputProblem(f"{name}: cannot read its Schematron: {error}") from None
    result = Schematron(name)
    schema = _filter(schema, result)
    params = {"phase": etree.XSLT.strparam(phase)} if phase else {}
    try:
        validator = isoschematron.iso_svrl_for_xslt1(schema, **params)
        _fix_attribute_locations(validator)
        direct = None
        if select_directly:
            try:
                direct = etree.XSLT(_select_directly(copy.deepcopy(validator)), access_control=_NO_ACCESS)
            except etree.XSLTParseError:
                direct = None  # the skeleton's own walk still works
        result._xslt = direct or etree.XSLT(validator, access_control=_NO_ACCESS)
    except (etree.XSLTApplyError, etree.XSLTParseError) as error:
        raise InputProblem(f"{name}: its Schematron cannot be compiled: {_first_line(error)}") from None
    return result


def _first_line(error) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _namespaces(root) -> dict[str, str]:
    found = {}
    for ns in root.iter(f"{_S}ns"):
        if ns.get("prefix") and ns.get("uri"):
            found[ns.get("prefix")] = ns.get("uri")
    return found


def problem(expression: str, namespaces: dict[str, str]) -> str | None:
    """Why lxml's XPath 1.0 cannot evaluate ``expression``, or None when it can."""
    try:
        etree.XPath(expression, namespaces=namespaces)
    except etree.XPathSyntaxError as error:
        message = str(error)
        if "namespace prefix" in message.lower():
            return f"undeclared namespace prefix in {expression.strip()!r}"
        return f"not XPath 1.0: {message.lower()}"
    bare = _STRING.sub("''", expression)
    for prefix in _PREFIXED_NAME.findall(bare.replace("::", " :: ")):
        if prefix not in namespaces and prefix != "xml":
            return f"undeclared namespace prefix {prefix}: in {expression.strip()!r}"
    for match in _CALL.finditer(bare):
        function = match.group(1)
        if ":" in function:
            prefix = function.split(":", 1)[0]
            if namespaces.get(prefix) in EXSLT_NAMESPACES:
                continue
            return f"calls {function}(), which XPath 1.0 does not have"
        if function not in XPATH1_FUNCTIONS and function not in _OPERATORS:
            return f"calls {function}(), which XPath 1.0 does not have"
    return None


def pattern_problem(context: str, namespaces: dict[str, str]) -> str | None:
    """Why ``context`` is not an XSLT 1.0 match pattern (rule contexts must be), or None."""
    reason = problem(context, namespaces)
    if reason is not None:
        return reason
    stylesheet = etree.Element(f"{{{XSL_NS}}}stylesheet", version="1.0", nsmap={"xsl": XSL_NS, **namespaces})
    etree.SubElement(stylesheet, f"{{{XSL_NS}}}template", match=context)
    try:
        etree.XSLT(stylesheet)
    except etree.XSLTParseError:
        return f"rule context {context.strip()!r} is not an XSLT 1.0 pattern"
    return None


def _filter(schema, result: Schematron):
    """Drop what XPath 1.0 cannot run; record it in ``result.skipped``."""
    schema = copy.deepcopy(schema)
    root = schema.getroot()
    root.set("queryBinding", "xslt")
    namespaces = _namespaces(root)
    # XSLT 2 functions and keys the skeleton would copy verbatim.
    for foreign in list(root.iterchildren(f"{{{XSL_NS}}}*")):
        if etree.QName(foreign).localname != "key":
            root.remove(foreign)
    # Diagnostics are extra prose; the assertion text is the message.
    for diagnostics in list(root.iterchildren(f"{_S}diagnostics")):
        root.remove(diagnostics)
    for node in root.iter(f"{_S}assert", f"{_S}report"):
        node.attrib.pop("diagnostics", None)

    broken_vars: set[str] = set()

    def failing(expression: str | None) -> str | None:
        if expression is None:
            return None
        for name in _VARIABLE.findall(_STRING.sub("''", expression)):
            if name in broken_vars:
                return f"uses ${name}, whose value is not XPath 1.0"
        return problem(expression, namespaces)

    def drop_lets(parent):
        for let in parent.findall(f"{_S}let"):
            if failing(let.get("value")):
                broken_vars.add(let.get("name"))
                parent.remove(let)

    drop_lets(root)
    for pattern in root.iter(f"{_S}pattern"):
        pattern_id = pattern.get("id") or ""
        drop_lets(pattern)
        for rule in list(pattern.findall(f"{_S}rule")):
            checks = rule.findall(f"{_S}assert") + rule.findall(f"{_S}report")
            rule_id = rule.get("id") or pattern_id
            reason = failing(rule.get("context")) or pattern_problem(rule.get("context") or "", namespaces)
            if reason is None:
                for let in rule.findall(f"{_S}let"):
                    reason = failing(let.get("value"))
                    if reason:
                        break
            if reason is not None:
                for check in checks or [rule]:
                    result.skipped.append(Skipped(check.get("id") or rule_id or rule.get("context") or "", check.get("test") or rule.get("context") or "", reason))
                pattern.remove(rule)
                continue
            for check in checks:
                reason = failing(check.get("test"))
                if reason is None:
                    for inner in check.iter(f"{_S}value-of", f"{_S}name"):
                        reason = failing(inner.get("select") or inner.get("path"))
                        if reason:
                            break
                if reason is not None:
                    result.skipped.append(Skipped(check.get("id") or rule_id or rule.get("context") or "", check.get("test") or "", reason))
                    rule.remove(check)
                else:
                    result.checks += 1
            if not rule.findall(f"{_S}assert") and not rule.findall(f"{_S}report"):
                pattern.remove(rule)
    # An empty pattern still costs a pass over every node of every document.
    for pattern in list(root.iter(f"{_S}pattern")):
        if pattern.find(f"{_S}rule") is None:
            pattern.getparent().remove(pattern)
    return schema


def _fix_attribute_locations(validator) -> None:
    """The XSLT 1 skeleton writes "/@ref" for attributes: make it the full path."""
    for template in validator.getroot().iterchildren(f"{{{XSL_NS}}}template"):
        if template.get("match") == "@*" and template.get("mode") == "schematron-get-full-path":
            parent = etree.Element(f"{{{XSL_NS}}}apply-templates", select="parent::*", mode="schematron-get-full-path")
            template.insert(0, parent)


def _alternatives(pattern: str) -> list[str]:
    """The ``|``-separated alternatives of a match pattern (not those inside [] () or quotes)."""
    parts, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(pattern):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return [p.strip() for p in parts if p.strip()]


def _as_selection(pattern: str) -> str:
    """An expression selecting every node that ``pattern`` matches."""
    selections = []
    for alternative in _alternatives(pattern):
        if alternative.startswith(("/", "id(", "key(")):
            selections.append(alternative)
        else:
            selections.append("//" + alternative)
    return " | ".join(selections)


def _select_directly(validator):
    """Visit only the nodes a pattern's rules can match, not every node once per pattern.

    The skeleton walks the whole document once for each pattern (and once more
    in the default mode), testing every node against the pattern's templates.
    Selecting the nodes the rule contexts match, in document order, and
    applying the same templates (their priorities keep "first rule wins")
    gives the same report many times faster.
    """
    root = validator.getroot()
    xsl = f"{{{XSL_NS}}}"
    contexts: dict[str, list[str]] = {}
    for template in root.iterchildren(f"{xsl}template"):
        mode, match = template.get("mode"), template.get("match")
        if not (mode and mode.startswith("M") and match):
            continue
        if float(template.get("priority") or 0) >= 0:
            contexts.setdefault(mode, []).append(match)
            last = template[-1] if len(template) else None
            if last is not None and last.tag == f"{xsl}apply-templates" and last.get("mode") == mode:
                template.remove(last)
        else:
            for child in list(template):
                template.remove(child)
    for apply in root.iter(f"{xsl}apply-templates"):
        mode = apply.get("mode")
        if apply.get("select") == "/" and mode in contexts:
            apply.set("select", " | ".join(_as_selection(c) for c in contexts[mode]))
        elif apply.get("select") is None and mode is None and etree.QName(apply.getparent()).localname == "active-pattern":
            apply.getparent().remove(apply)
    return validator


def summary(schema: Schematron) -> str | None:
    """What was skipped, for the report: a count, then one line per skipped check."""
    if not schema.skipped:
        return None
    count = len(schema.skipped)
    lines = [
        f"{schema.name}: {count} of {count + schema.checks} Schematron checks skipped "
        f"(lxml evaluates XPath 1.0 only):"
    ]
    seen = {}
    for item in schema.skipped:
        seen[str(item)] = seen.get(str(item), 0) + 1
    lines += [f"  {text}" + (f" ({n} checks)" if n > 1 else "") for text, n in seen.items()]
    return "\n".join(lines)
