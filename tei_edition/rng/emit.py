r"""Write a grammar of tuples (see :mod:`~tei_edition.rng.simplify`) as RELAX NG XML.

Every name, value and datatype carries its namespace and library explicitly,
so nothing depends on inheritance in the output.

Two rewrites of XML Schema's ``pattern`` ``\S+`` (TEI's ``teidata.pointer``
is ``anyURI`` with it), with the meaning the specifications give it, for
libxml2's sake:

* inside a ``list`` it is left out.  A list splits its value at whitespace,
  so each token is already one or more characters that are not whitespace
  (XML Schema's ``\s`` is exactly the four characters lists split at): the
  pattern holds for every token;
* elsewhere, on a datatype whose whitespace is collapsed (all but ``string``
  and ``normalizedString``), ``data T { pattern "\S+" }`` becomes
  ``list { data T }``: exactly one token.  The pattern applies to the
  collapsed value, which has no whitespace only when it is one token.  libxml2
  applies it to the value as written, so it rejected ``hand=" #h1 "``, which
  Jing and the specifications accept; as a list it agrees with them.

libxml2 compiles a pattern anew for every value it checks: TEI's pointers
(``@ref``, ``@corresp``, ``@hand`` ...) cost a quarter of its validation time
on a TEI corpus, and the rewrites save nearly all of it.

And one pattern is given as Jing reads it, since verdicts are to be Jing's:
TEI's ``teidata.word`` (``@type``, ``@rend``, ``@role`` ...), ``[^\p{C}\p{Z}]+``.
In a negated class with other members Jing leaves ``\p{C}`` out (it takes
``[^\p{C}\p{Z}]`` as ``[^\p{Z}]``, while ``[^\p{C}]`` alone works), so it
accepts a soft hyphen, a zero-width space, a bidirectional mark or a control
character in such a value, which libxml2 rejects.  Jing's reading is written
out here: ``[^\p{Z}]+``.

That pattern is also the one libxml2 meets most often in TEI (a regular
expression compiled for each of thousands of values: a sixth of its
validation time).  So ``token { pattern "[^\p{Z}]+" }`` is written as
``choice { NMTOKEN, token { pattern ... } }``: libxml2 tries the built-in
``NMTOKEN`` (checked in C, no expression) first, and it takes most such
values (``italic``, ``person``).  Every string it takes, the pattern takes
too (checked on every character of Unicode with libxml2 itself:
``tools/check_word_choice.py``), so the choice takes exactly what the
pattern takes.
"""

from __future__ import annotations

from tei_edition.rng.grammar import RNG_NS  # (not from simplify, which wording errors need not import)

XSD_DATATYPES = "http://www.w3.org/2001/XMLSchema-datatypes"
_NO_WHITESPACE = ("pattern", "\\S+")  # see the module's docstring
_NOT_COLLAPSED = frozenset({"string", "normalizedString"})  # the XML Schema types whose whitespace stays
_AS_JING_READS = {("pattern", "[^\\p{C}\\p{Z}]+"): ("pattern", "[^\\p{Z}]+")}  # see the module's docstring
_WORD = (("pattern", "[^\\p{C}\\p{Z}]+"),)  # TEI's teidata.word, as simplified: NMTOKEN is tried first

_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"})
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def _attr(value: str) -> str:
    return value.translate(_ATTR_ESCAPES)


def _text(value: str) -> str:
    return value.translate(_TEXT_ESCAPES)


def write(start: tuple, defines: dict) -> bytes:
    """The grammar as RELAX NG XML, without the defines that are only another name for one.

    Nearly half of the defines of a simplified TEI grammar are such aliases
    (``model.hiLike`` = ``hi``, ``att.global.attributes`` = one attribute
    ...): a reference goes straight to the define at the end of the chain.
    libxml2 then compiles a pruned tei_all a fifth faster and validates 5%
    faster (it follows every reference at run time), and the language is
    the same.
    """
    aliases = _aliases(defines)
    out: list[str] = [f'<grammar xmlns="{RNG_NS}"><start>']
    _pattern(start, out, "", aliases)
    out.append("</start>")
    for name, body in defines.items():
        if name in aliases:
            continue
        out.append(f'<define name="{_attr(name)}">')
        _children(body, out, aliases)
        out.append("</define>")
    out.append("</grammar>")
    return "".join(out).encode("utf-8")


def _aliases(defines: dict) -> dict[str, str]:
    """Define name -> the define its chain of bare references ends at (a chain that loops, which no
    valid grammar has, is left alone)."""
    direct = {name: body[1] for name, body in defines.items() if body[0] == "ref" and body[1] in defines}
    resolved = {}
    for name in direct:
        seen, target = {name}, direct[name]
        while target in direct and target not in seen:
            seen.add(target)
            target = direct[target]
        if target not in direct:
            resolved[name] = target
    return resolved


def _children(p: tuple, out: list, aliases: dict) -> None:
    """Element and define content: a group's members as direct children.

    libxml2 mis-validates an explicit <group> that holds both content and
    attributes (attributes after a text-bearing zeroOrMore are rejected), but
    handles the same patterns as direct children of the element.
    """
    if p[0] == "group":
        for child in p[1]:
            _pattern(child, out, "", aliases)
    else:
        _pattern(p, out, "", aliases)


def _name_attrs(nc: tuple) -> str | None:
    if nc[0] == "name":
        return f' name="{_attr(nc[2])}" ns="{_attr(nc[1])}"'
    return None


def _pattern(p: tuple, out: list, within: str, aliases: dict) -> None:
    """``within``: "list" inside a list, "except" inside a data's except (where no list may be)."""
    kind = p[0]
    if kind in ("empty", "text", "notAllowed"):
        out.append(f"<{kind}/>")
    elif kind == "ref":
        out.append(f'<ref name="{_attr(aliases.get(p[1], p[1]))}"/>')
    elif kind in ("element", "attribute"):
        named = _name_attrs(p[1])
        if named is not None:
            out.append(f"<{kind}{named}>")
        else:
            out.append(f"<{kind}>")
            _name_class(p[1], out)
        _children(p[2], out, aliases)
        out.append(f"</{kind}>")
    elif kind in ("group", "interleave", "choice"):
        out.append(f"<{kind}>")
        for child in p[1]:
            _pattern(child, out, within, aliases)
        out.append(f"</{kind}>")
    elif kind in ("optional", "zeroOrMore", "oneOrMore", "mixed", "list"):
        out.append(f"<{kind}>")
        _pattern(p[1], out, "list" if kind == "list" else within, aliases)
        out.append(f"</{kind}>")
    elif kind == "data" and not within and p[1] == XSD_DATATYPES and p[2] not in _NOT_COLLAPSED \
            and p[3] == (_NO_WHITESPACE,) and p[4] is None:
        out.append(f'<list><data datatypeLibrary="{_attr(p[1])}" type="{_attr(p[2])}"></data></list>')
    elif kind == "data" and p[1] == XSD_DATATYPES and p[2] == "token" and p[3] == _WORD and p[4] is None:
        out.append(f'<choice><data datatypeLibrary="{_attr(p[1])}" type="NMTOKEN"></data>')
        _data(p, out, within, aliases)
        out.append("</choice>")
    elif kind == "data":
        _data(p, out, within, aliases)
    elif kind == "value":
        _, library, type_, ns, value = p
        out.append(f'<value datatypeLibrary="{_attr(library)}" type="{_attr(type_)}" ns="{_attr(ns)}">'
                   f"{_text(value)}</value>")
    else:  # pragma: no cover - simplify produces nothing else
        raise ValueError(f"unknown pattern {kind!r}")


def _data(p: tuple, out: list, within: str, aliases: dict) -> None:
    _, library, type_, params, excepted = p
    out.append(f'<data datatypeLibrary="{_attr(library)}" type="{_attr(type_)}">')
    for param in params:
        if library == XSD_DATATYPES:
            if within == "list" and param == _NO_WHITESPACE:
                continue
            param = _AS_JING_READS.get(param, param)
        out.append(f'<param name="{_attr(param[0])}">{_text(param[1])}</param>')
    if excepted is not None:
        out.append("<except>")
        _pattern(excepted, out, within or "except", aliases)
        out.append("</except>")
    out.append("</data>")


def _name_class(nc: tuple, out: list) -> None:
    kind = nc[0]
    if kind == "name":
        out.append(f'<name ns="{_attr(nc[1])}">{_text(nc[2])}</name>')
    elif kind == "choice":
        out.append("<choice>")
        for child in nc[1]:
            _name_class(child, out)
        out.append("</choice>")
    else:
        excepted = nc[1] if kind == "anyName" else nc[2]
        ns = "" if kind == "anyName" else f' ns="{_attr(nc[1])}"'
        if excepted is None:
            out.append(f"<{kind}{ns}/>")
        else:
            out.append(f"<{kind}{ns}><except>")
            _name_class(excepted, out)
            out.append(f"</except></{kind}>")
