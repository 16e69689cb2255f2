"""Where an element's tags and text are in the source, as an editor counts.

libxml2 tells which element a RELAX NG error is about (an XPath) and the line
where that element's start tag ends; it never gives a column.  Jing, the
reference, reports where the SAX parser was when it noticed the problem:

* a problem with an element or its attributes: at the end of the start tag;
* an element that is incomplete: at the end of its end tag;
* text where none is allowed: at the end of that run of text, i.e. where
  the next tag (or comment, or processing instruction) begins.

:class:`SourceMap` reads the source once (only for invalid documents) into
the offsets of every start tag, end tag and text run, so each diagnostic can
be given Jing's line and, on that line, the column of the ``<`` of the tag
(or the first character of the text) that needs fixing.  Lines and columns
are 1-based; columns count characters, a tab is one.
"""

from __future__ import annotations

import bisect
import codecs
import re

# Markup in document order.  Comments, PIs, CDATA and the DOCTYPE are
# recognised so that a "<" inside them is never taken for a tag.
_MARKUP = re.compile(
    r"""<!--.*?-->
      | <\?.*?\?>
      | <!\[CDATA\[.*?\]\]>
      | <!DOCTYPE(?:"[^"]*"|'[^']*'|<!--.*?-->|\[(?:"[^"]*"|'[^']*'|<!--.*?-->|[^\]"'])*\]|[^>"'\[])*>
      | </[^>]*>
      | <(?:[^>"']|"[^"]*"|'[^']*')*>
    """,
    re.S | re.X,
)


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


class SourceMap:
    def __init__(self, text: str):
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.starts: list[tuple[int, int]] = []  # per element, document order: (offset of "<", offset after ">")
        self.ends: list[tuple[int, int]] = []    # per element: its end tag (the start tag if self-closing)
        self.markup_starts: list[int] = []       # offset of every "<" that begins markup
        open_elements: list[int] = []
        for match in _MARKUP.finditer(text):
            begin, end = match.span()
            self.markup_starts.append(begin)
            second = text[begin + 1:begin + 2]
            if second in ("!", "?"):
                continue
            if second == "/":
                if open_elements:
                    self.ends[open_elements.pop()] = (begin, end)
                continue
            index = len(self.starts)
            self.starts.append((begin, end))
            self.ends.append((begin, end))
            if not text.startswith("/>", end - 2):
                open_elements.append(index)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def _on_line(self, begin: int, line: int) -> tuple[int, int]:
        """(line, column): the column of ``begin`` if it is on ``line``, else that line's first non-blank."""
        at_line, column = self.position(begin)
        if at_line == line:
            return line, column
        start = self.line_starts[line - 1]
        stripped = len(self.text[start:]) - len(self.text[start:].lstrip(" \t"))
        return line, stripped + 1

    def start_tag(self, index: int) -> tuple[int, int]:
        """Jing's line for a start-tag problem, with the column of the "<"."""
        begin, end = self.starts[index]
        return self._on_line(begin, self.position(end - 1)[0])

    def end_tag(self, index: int) -> tuple[int, int]:
        """Jing's line for an incomplete element (its end tag), with the column of its "<"."""
        begin, end = self.ends[index]
        return self._on_line(begin, self.position(end - 1)[0])

    def attribute(self, index: int, name: str) -> tuple[int, int]:
        """Jing's line for an attribute problem, with the attribute's column when it is on that line."""
        begin, end = self.starts[index]
        line = self.position(end - 1)[0]
        found = re.search(r"\s(" + re.escape(name) + r")\s*=", self.text[begin:end])
        if found:
            at_line, column = self.position(begin + found.start(1))
            if at_line == line:
                return line, column
        return self._on_line(begin, line)

    def text_after(self, offset: int, limit: int) -> tuple[int, int] | None:
        """The first non-blank character data at or after ``offset`` (before ``limit``).

        Returns (offset of its first character, offset where its run ends),
        skipping comments and processing instructions.
        """
        position = offset
        text = self.text
        while position < limit:
            following = bisect.bisect_left(self.markup_starts, position)
            run_end = self.markup_starts[following] if following < len(self.markup_starts) else limit
            run_end = min(run_end, limit)
            chunk = text[position:run_end]
            stripped = chunk.lstrip(" \t\n")
            if stripped:
                return run_end - len(stripped), run_end
            if run_end >= limit:
                return None
            markup = _MARKUP.match(text, run_end)
            if markup is None:
                return None
            if text.startswith("<![CDATA[", run_end) and markup.group().strip("<![CDATA[]>").strip():
                return run_end, markup.end()
            position = markup.end()
        return None


_TAG_NAME = re.compile(r"<([^\s/>]+)")


def find_start_tag(text_line: str, qname: str) -> int | None:
    """Column (1-based) of ``<qname`` on one line of text, for the fallback without a source map."""
    for match in _TAG_NAME.finditer(text_line):
        if match.group(1) == qname:
            return match.start() + 1
    return None
