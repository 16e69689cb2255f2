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
comments, PIs, CDATA and the DOCTYPE are blanked out.  The n-th start tag is
the n-th element of the tree; an element's end tag is found by counting end
tags after its last descendant.  Each diagnostic then gets Jing's line and,
on that line, the column of the ``<`` of the tag (or of the attribute, or of
the first character of the text) that needs fixing.  Lines and columns are
1-based; columns count characters, a tab is one.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

# Comments, PIs, CDATA sections and the DOCTYPE: blanked out before looking
# for tags, so that a "<" inside them is never taken for one.
_NOT_TAGS = re.compile(
    r"""<!--.*?-->
      | <\?.*?\?>
      | <!\[CDATA\[.*?\]\]>
      | <!DOCTYPE(?:"[^"]*"|'[^']*'|<!--.*?-->|\[(?:"[^"]*"|'[^']*'|<!--.*?-->|[^\]"'])*\]|[^>"'\[])*>
    """,
    re.S | re.X,
)
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
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _blank(match) -> str:
    return " " * len(match.group())


_START = re.compile(r"<[^/]")
_BLOCK = 16384  # characters counted at a time when looking for the n-th start tag


class SourceMap:
    """Offsets of the tags of one document, found once, positions worked out on demand."""

    def __init__(self, text: str):
        self.text = text
        self.tags = _NOT_TAGS.sub(_blank, text) if ("<!" in text or "<?" in text) else text
        # Start tags are found as far as a question needs (most errors sit early in a file),
        # whole blocks at a time by counting "<" and "</" (in C) rather than tag by tag.
        self._found: dict[int, int] = {}  # element number -> offset of its "<"
        self._frontier = (0, 0)  # (start tags before this offset, offset)
        self._all: list[int] | None = None

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

    def _start_span(self, index: int) -> tuple[int, int]:
        begin = self._start(index)
        match = _TAG.match(self.tags, begin)
        return begin, (match.end() if match else begin + 1)

    def _self_closing(self, index: int) -> bool:
        end = self._start_span(index)[1]
        return self.tags[end - 2] == "/"

    def start_span(self, index: int) -> tuple[int, int]:
        """(offset of "<", offset after ">") of the start tag of element ``index``."""
        return self._start_span(index)

    def end_span(self, index: int, element) -> tuple[int, int]:
        """(offset of "<", offset after ">") of the end tag of ``element`` (number ``index``);
        the start tag for an empty-element tag.

        The end tags after the last descendant's start tag close, in order, that
        descendant (unless it is an empty-element tag), the ancestors between
        it and ``element``, then ``element``.
        """
        if self._self_closing(index):
            return self._start_span(index)
        last, depth = element, 0
        while True:
            children = [child for child in last if isinstance(child.tag, str)]
            if not children:
                break
            last = children[-1]
            depth += 1
        descendants = sum(1 for _ in element.iterdescendants(tag=etree.Element)) if depth else 0
        if depth:
            last_index = index + descendants
            skip = depth - 1 + (0 if self._self_closing(last_index) else 1)
            after = self._start(last_index)
        else:
            skip, after = 0, self._start(index)
        begin = self._close_after(after, skip)
        close = self.tags.find(">", begin)
        return begin, (close + 1 if close != -1 else begin + 2)

    def position(self, offset: int) -> tuple[int, int]:
        text = self.text
        return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)

    def _on_line(self, begin: int, anchor: int) -> tuple[int, int]:
        """(line, column) for Jing's line, the line of ``anchor``: the column of ``begin``
        when it is on that line, else of the line's first non-blank character."""
        line, column = self.position(anchor)
        if self.text.rfind("\n", begin, anchor) == -1:
            return line, column - (anchor - begin)
        line_start = anchor - column + 1
        rest = self.text[line_start:anchor + 1]
        return line, len(rest) - len(rest.lstrip(" \t")) + 1

    def start_tag(self, index: int) -> tuple[int, int]:
        """Jing's line for a start-tag problem (where the tag ends), with the column of the "<"."""
        begin, end = self._start_span(index)
        return self._on_line(begin, end - 1)

    def end_tag(self, index: int, element) -> tuple[int, int]:
        """Jing's line for an incomplete element (its end tag), with the column of its "<"."""
        begin, end = self.end_span(index, element)
        return self._on_line(begin, end - 1)

    def attribute(self, index: int, name: str) -> tuple[int, int]:
        """Jing's line for an attribute problem, with the attribute's column when it is on that line."""
        begin, end = self._start_span(index)
        found = re.search(r"\s(" + re.escape(name) + r")\s*=", self.text[begin:end])
        if found and self.text.rfind("\n", begin + found.start(1), end - 1) == -1:
            return self._on_line(begin + found.start(1), end - 1)
        return self._on_line(begin, end - 1)

    def text_after(self, offset: int, limit: int) -> tuple[int, int] | None:
        """The first non-blank character data in ``offset:limit`` (comments and PIs skipped).

        Returns (offset of its first non-blank character, offset where its run
        ends: the next markup, where Jing reports it).
        """
        text = self.text
        position = offset
        while position < limit:
            markup = text.find("<", position, limit)
            run_end = limit if markup == -1 else markup
            chunk = text[position:run_end]
            stripped = chunk.lstrip(" \t\n")
            if stripped:
                return run_end - len(stripped), run_end
            if markup == -1:
                return None
            if text.startswith("<![CDATA[", markup):
                close = text.find("]]>", markup)
                close = limit if close == -1 else close
                if text[markup + 9:close].strip():
                    following = text.find("<", close)
                    return markup, following if following != -1 else close
                position = close + 3
            elif text.startswith("<!--", markup):
                close = text.find("-->", markup + 4)
                position = limit if close == -1 else close + 3
            elif text.startswith("<?", markup):
                close = text.find("?>", markup + 2)
                position = limit if close == -1 else close + 2
            else:
                return None
        return None


_TAG_NAME = re.compile(r"<([^\s/>]+)")


def find_start_tag(text_line: str, qname: str) -> int | None:
    """Column (1-based) of ``<qname`` on one line of text, for the fallback without a source map."""
    for match in _TAG_NAME.finditer(text_line):
        if match.group(1) == qname:
            return match.start() + 1
    return None
