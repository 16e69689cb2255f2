"""Where an element's tags and text are in the source, as an editor counts.

libxml2 tells which element a RELAX NG error is about (an XPath) and the line
where that element's start tag ends; it never gives a column.  Jing, the
reference, reports where the SAX parser was when it noticed the problem:

* a problem with an element or its attributes: at the end of the start tag;
* an element that is incomplete: at the end of its end tag;
* text where none is allowed: at the end of that run of text, i.e. where
  the next tag (or comment, or processing instruction) begins.

:class:`SourceMap` reads the source once (only for invalid documents): the
offset of every start tag and end tag, found by two regular expressions once
comments, PIs, CDATA and the DOCTYPE are blanked out.  An element's start tag
is looked for on the line where libxml2 saw it end (its ``sourceline``): when
it is the only start tag of that name ending there, that is it.  Otherwise
(two on one line, or lines libxml2 counts otherwise) the n-th element of the
tree is the n-th start tag, n counted by libxml2.  An element's end tag is
found by counting end tags after its last descendant's start tag.  Each diagnostic then gets Jing's line and,
on that line, the column of the ``<`` of the tag (or of the attribute, or of
the first character of the text) that needs fixing.  Lines and columns are
1-based; columns count characters, a tab is one.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

from tei_edition.rng.grammar import XML_SPACE

# Comments, PIs, CDATA sections and the DOCTYPE: blanked out before looking
# for tags, so that a "<" inside them is never taken for one.  Compiled when
# first needed (a DOCTYPE, or such markup after the prolog): compiling it costs
# as much as placing the errors of a small file, in every worker.
_NOT_TAGS_PATTERN = r"""<!--.*?-->
      | <\?.*?\?>
      | <!\[CDATA\[.*?\]\]>
      | <!DOCTYPE(?:"[^"]*"|'[^']*'|<!--.*?-->|\[(?:"[^"]*"|'[^']*'|<!--.*?-->|[^\]"'])*\]|[^>"'\[])*>
    """


def _not_tags() -> re.Pattern:
    return re.compile(_NOT_TAGS_PATTERN, re.S | re.X)  # (re caches it)


# A start or end tag ("<" never occurs in attribute values, ">" may).
_TAG = re.compile(r"""<(/?)[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")


def decode(data: bytes, encoding: str | None) -> str:
    """The text of ``data`` with line ends as the XML parser sees them."""
    if data.startswith(codecs.BOM_UTF8):
        text = data[3:].decode("utf-8", "replace")
    else:
        try:
            text = data.decode(encoding or "utf-8", "replace")
        except LookupError:
            text = data.decode("utf-8", "replace")
        text = text.lstrip("\ufeff")
    return _xml_line_ends(text)


def _xml_line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


# Encodings in which every character the map looks for (tags, quotes, line ends)
# is one byte of its own: there the bytes are read as they are (see SourceMap.of).
_UTF8 = {None, "utf-8", "utf8", "us-ascii", "ascii"}


_DECLARATION = re.compile(r"<[!?]")


def _declaration_at_or_after(text: str, start: int) -> bool:
    """Whether a comment, PI, CDATA section or DOCTYPE ("<!" or "<?") begins at or after ``start``.

    The rare "!" and "?" are looked for (``find`` runs at memory speed) and the character
    before them checked; the search for the two characters together costs thirty times as
    much.  A text full of "!" and "?" is left to a regular expression.
    """
    for mark in "!?":
        position, tries = start, 0
        while True:
            position = text.find(mark, position)
            if position == -1:
                break
            if position > start and text[position - 1] == "<":
                return True
            position += 1
            tries += 1
            if tries == 32:
                return _DECLARATION.search(text, start) is not None
    return False


def _blank(match) -> str:
    return " " * len(match.group())


_SPACE = re.compile(r"\s*")


def _prolog_end(text: str) -> int:
    """Where the root element's start tag begins: after the XML declaration, PIs, comments,
    the DOCTYPE and the blanks between them."""
    position = 0
    while True:
        position = _SPACE.match(text, position).end()
        if text.startswith("<?", position):
            close, length = text.find("?>", position + 2), 2
        elif text.startswith("<!--", position):
            close, length = text.find("-->", position + 4), 3
        elif text.startswith("<!", position):  # the DOCTYPE, with its quotes and internal subset
            found = _not_tags().match(text, position)
            close, length = (found.end(), 0) if found is not None else (-1, 0)
        else:
            return position
        if close == -1:  # unclosed (not well-formed): no prolog to speak of
            return position
        position = close + length


_START = re.compile(r"<[^/]")
_ELEMENTS_BEFORE = "count(preceding::*) + count(ancestor::*)"
# libxml2 keeps an element's line in 16 bits; past this an element's line says nothing
_LINE_LIMIT = 65535
_BLOCK = 16384  # characters counted at a time when looking for the n-th start tag
_LINE_BLOCK = 2048  # characters in which line ends are counted at a time


class SourceMap:
    """Offsets of the tags of one document, found once, positions worked out on demand."""

    def __init__(self, text: str, *, lines_agree: bool = False, utf8_bytes: bool = False):
        """``lines_agree``: libxml2's line numbers count the lines of ``text`` (no entity
        expands, no XInclude includes, no line ends in a lone carriage return, which libxml2
        does not count): then an element's start tag is looked for on its line first.
        ``utf8_bytes``: ``text`` is UTF-8 read byte for byte (see :meth:`of`)."""
        self.text = text
        self.lines_agree = lines_agree
        self.utf8_bytes = utf8_bytes
        self._line_frontier = (1, 0)  # (a line's number, the offset where it starts): the last found
        self.tags = text
        body = _prolog_end(text)
        if _declaration_at_or_after(text, body):
            self.tags = _not_tags().sub(_blank, text)
        elif body:
            self.tags = " " * body + text[body:]  # only the prolog has them (most texts): no search
        # Start tags are found as far as a question needs (most errors sit early in a file),
        # whole blocks at a time by counting "<" and "</" (in C) rather than tag by tag.
        self._found: dict[int, int] = {}  # element number -> offset of its "<"
        self._frontier = (0, 0)  # (start tags before this offset, offset)
        self._all: list[int] | None = None

    @classmethod
    def of(cls, data: bytes, encoding: str | None, *, lines_agree: bool = False) -> "SourceMap":
        """The map of a file's bytes, in the ``encoding`` libxml2 read them in.

        UTF-8 (nearly every TEI file) is not decoded: its bytes are read as Latin-1, one
        character each.  Every byte of a character beyond ASCII is 0x80 or more, so tags,
        quotes, references and line ends are where they are in the text, and the search for
        them runs over one byte per character (decoding and searching the text cost more
        than half of placing the errors of a typical file).  Columns then count the
        characters of the line up to the place (:meth:`_width`).
        """
        name = encoding.lower() if encoding else None
        if name in _UTF8 and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            if data.startswith(codecs.BOM_UTF8):
                data = data[3:]
            return cls(_xml_line_ends(data.decode("latin-1")), lines_agree=lines_agree, utf8_bytes=True)
        return cls(decode(data, encoding), lines_agree=lines_agree)

    def _width(self, begin: int, end: int) -> int:
        """The number of characters in ``text[begin:end]``."""
        if not self.utf8_bytes:
            return end - begin
        return len(self.text[begin:end].encode("latin-1").decode("utf-8", "replace"))

    def _as_text(self, name: str) -> str:
        """``name`` (from the tree) as it is written in ``text``."""
        return name.encode("utf-8").decode("latin-1") if self.utf8_bytes else name

    @property
    def starts(self) -> list[int]:
        """The offset of the "<" of every start tag, in document order."""
        if self._all is None:
            self._all = [match.start() for match in _START.finditer(self.tags)]
        return self._all

    def _start(self, index: int) -> int:
        """The offset of the "<" of start tag number ``index`` (IndexError past the last)."""
        found = self._found.get(index)
        if found is not None:
            return found
        tags = self.tags
        count, position = self._frontier
        if index < count:  # asked for an earlier element than the last: count again from the top
            count, position = 0, 0
        end = len(tags)
        while position < end:
            block_end = min(end, position + _BLOCK)
            if tags[block_end - 1] == "<":  # keep "</" in one block
                block_end += 1
            in_block = tags.count("<", position, block_end) - tags.count("</", position, block_end)
            if count + in_block > index:
                break
            count, position = count + in_block, block_end
        for match in _START.finditer(tags, position):
            offset = match.start()
            self._found[count] = offset
            if count == index:
                self._frontier = (count + 1, offset + 1)
                return offset
            count += 1
        raise IndexError(f"start tag {index} is past the end of the document")

    def _close_after(self, offset: int, skip: int) -> int:
        """The offset of the "<" of the end tag ``skip`` end tags after the first at or after
        ``offset`` (the last one there is, when the text has fewer)."""
        tags, found, position = self.tags, -1, offset
        for _ in range(skip + 1):
            close = tags.find("</", position)
            if close == -1:
                break
            found, position = close, close + 2
        if found == -1:
            found = tags.rfind("</")
            if found == -1:
                raise IndexError("the document has no end tag")
        return found

    def start_offset(self, index: int) -> int:
        """The offset of the "<" of the start tag of element number ``index`` (document order)."""
        return self._start(index)

    def _begin(self, element) -> int:
        """The offset of the "<" of ``element``'s start tag."""
        found = self._on_its_line(element) if self.lines_agree else None
        return found if found is not None else self._start(int(element.xpath(_ELEMENTS_BEFORE)))

    def _on_its_line(self, element) -> int | None:
        """The start tag of ``element`` found from its line (where libxml2 saw the tag end), when it
        is the only start tag of that name ending there; else None (then its number is counted,
        which costs a walk of the document before it)."""
        line = element.sourceline
        if not line or line >= _LINE_LIMIT:
            return None
        line_start = self._line_start(line)
        if line_start is None:
            return None
        line_end = self.text.find("\n", line_start)
        line_end = len(self.text) if line_end == -1 else line_end
        window = self.tags.rfind("<", 0, line_start)  # a tag that ends on the line may begin before it
        name = self._as_text(element.prefix + ":" + etree.QName(element).localname if element.prefix
                             else etree.QName(element).localname)
        found = None
        for match in _TAG.finditer(self.tags, max(window, 0), line_end):
            if match.group(1) or match.end() <= line_start:
                continue  # an end tag, or a tag that ends before the line
            tag = match.group()
            after = 1 + len(name)
            if tag.startswith(name, 1) and (len(tag) == after or tag[after] in " \t\n/>"):
                if found is not None:
                    return None  # two of them end on this line: count
                found = match.start()
        return found

    def _line_start(self, line: int) -> int | None:
        """The offset where line ``line`` (1-based) begins, or None past the last line."""
        number, position = self._line_frontier  # position starts line number
        if line < number:
            number, position = 1, 0
        text, end = self.text, len(self.text)
        while number < line:
            # Newlines are counted in C, block by block while the line is past them; in the
            # block that has it, found one by one (a few dozen at most).
            block_end = min(end, position + _LINE_BLOCK)
            in_block = text.count("\n", position, block_end)
            if number + in_block < line:
                if block_end == end:
                    return None
                number, position = number + in_block, block_end  # (inside a line, not at its start)
                continue
            while number < line:
                position = text.find("\n", position, block_end) + 1
                number += 1
        self._line_frontier = (number, position)
        return position

    def _span_at(self, begin: int) -> tuple[int, int]:
        match = _TAG.match(self.tags, begin)
        return begin, (match.end() if match else begin + 1)

    def _self_closing_at(self, begin: int) -> bool:
        end = self._span_at(begin)[1]
        return self.tags[end - 2] == "/"

    def start_span(self, element) -> tuple[int, int]:
        """(offset of "<", offset after ">") of the start tag of ``element``."""
        return self._span_at(self._begin(element))

    def end_span(self, element) -> tuple[int, int]:
        """(offset of "<", offset after ">") of the end tag of ``element``; the start tag for
        an empty-element tag.

        The end tags after the last descendant's start tag close, in order, that
        descendant (unless it is an empty-element tag), the ancestors between
        it and ``element``, then ``element``.
        """
        begin = self._begin(element)
        if self._self_closing_at(begin):
            return self._span_at(begin)
        last, depth = element, 0
        while True:
            children = [child for child in last if isinstance(child.tag, str)]
            if not children:
                break
            last = children[-1]
            depth += 1
        if depth:
            after = self._begin(last)
            skip = depth - 1 + (0 if self._self_closing_at(after) else 1)
        else:
            skip, after = 0, begin
        begin = self._close_after(after, skip)
        close = self.tags.find(">", begin)
        return begin, (close + 1 if close != -1 else begin + 2)

    def position(self, offset: int) -> tuple[int, int]:
        text = self.text
        line_start = text.rfind("\n", 0, offset) + 1
        return text.count("\n", 0, offset) + 1, self._width(line_start, offset) + 1

    def _on_line(self, begin: int, anchor: int) -> tuple[int, int]:
        """(line, column) for Jing's line, the line of ``anchor``: the column of ``begin``
        when it is on that line, else of the line's first non-blank character."""
        text = self.text
        line = text.count("\n", 0, anchor) + 1
        line_start = text.rfind("\n", 0, anchor) + 1
        if begin >= line_start:
            return line, self._width(line_start, begin) + 1
        rest = text[line_start:anchor + 1]
        return line, len(rest) - len(rest.lstrip(" \t")) + 1

    def start_tag(self, element) -> tuple[int, int]:
        """Jing's line for a start-tag problem (where the tag ends), with the column of the "<"."""
        begin, end = self.start_span(element)
        return self._on_line(begin, end - 1)

    def end_tag(self, element) -> tuple[int, int]:
        """Jing's line for an incomplete element (its end tag), with the column of its "<"."""
        begin, end = self.end_span(element)
        return self._on_line(begin, end - 1)

    def attribute(self, element, name: str) -> tuple[int, int]:
        """Jing's line for an attribute problem, with the attribute's column when it is on that line."""
        begin, end = self.start_span(element)
        found = re.search(r"\s(" + re.escape(self._as_text(name)) + r")\s*=", self.text[begin:end])
        if found and self.text.rfind("\n", begin + found.start(1), end - 1) == -1:
            return self._on_line(begin + found.start(1), end - 1)
        return self._on_line(begin, end - 1)

    def text_after(self, offset: int, limit: int) -> tuple[int, int] | None:
        """The first non-blank character data in ``offset:limit`` (comments and PIs skipped).

        Returns (offset of its first non-blank character, the offset at which Jing reports
        it).  Jing reports text where its XML parser hands the text over, piece by piece
        (:func:`_pieces`): at the end of a character reference or CDATA section that holds
        the text, else at the end of the piece after the one that holds it (a text of
        several lines is reported on its second line; ``x`` alone before the next tag, at
        that tag).
        """
        pieces = _pieces(self.text, offset, limit)
        for kind, start, end, content in pieces:
            if kind == "markup":
                return None
            if kind == "skipped" or not content.strip(XML_SPACE):
                continue
            first = start + len(content) - len(content.lstrip(XML_SPACE)) if kind == "text" else start
            if kind != "text":
                return first, end
            for kind_after, start_after, end_after, _content in pieces:
                return first, start_after if kind_after in ("markup", "skipped") else end_after
            return first, limit
        return None


# Character references that stand for whitespace (&#32; &#x9; ...): blank, like the spaces they are.
_BLANK_REFERENCE = r"&#(?:x0*(?:20|9|[aAdD])|0*(?:32|9|10|13));"  # compiled (and cached) by re when used


def _pieces(text: str, position: int, limit: int):
    """The character data of ``text[position:limit]`` in the pieces an XML parser (Xerces,
    Jing's) hands over: ``(kind, start, end, content)``.  Kinds: "text" (leading line
    ends, then up to the next line end, reference or markup), "reference" (``&...;``, with
    its text, or blank), "cdata" (its content), "skipped" (a comment or PI) and "markup"
    (a tag: the end)."""
    while position < limit:
        character = text[position]
        if character == "<":
            if text.startswith("<![CDATA[", position):
                close = text.find("]]>", position, limit)
                end = limit if close == -1 else close + 3
                yield "cdata", position, end, text[position + 9:close if close != -1 else limit]
            elif text.startswith(("<!--", "<?"), position):
                close = text.find("-->" if text.startswith("<!--", position) else "?>", position, limit)
                end = limit if close == -1 else close + (3 if text.startswith("<!--", position) else 2)
                yield "skipped", position, end, ""
            else:
                yield "markup", position, position, ""
                return
            position = end
        elif character == "&":
            semicolon = text.find(";", position, limit)
            end = limit if semicolon == -1 else semicolon + 1
            reference = text[position:end]
            yield "reference", position, end, "" if re.fullmatch(_BLANK_REFERENCE, reference) else reference
            position = end
        else:
            end = position
            while end < limit and text[end] == "\n":
                end += 1
            stops = [found for found in (text.find(mark, end, limit) for mark in "\n<&") if found != -1]
            end = min(stops, default=limit)
            yield "text", position, end, text[position:end]
            position = end


_TAG_NAME = re.compile(r"<([^\s/>]+)")


def find_start_tag(text_line: str, qname: str) -> int | None:
    """Column (1-based) of ``<qname`` on one line of text, for the fallback without a source map."""
    for match in _TAG_NAME.finditer(text_line):
        if match.group(1) == qname:
            return match.start() + 1
    return None
