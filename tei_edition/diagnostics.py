"""Diagnostics: one problem at one place, and the ways to print them.

A :class:`Diagnostic` is what every checker produces; a :class:`FileReport`
collects them per input file.  Formatting is a table (format name -> writer)
so the command line only picks an entry.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

# No dataclasses here, nor in the other modules a grammar-only validation
# imports (parsing, xmlmodel, validation, relaxng): making them cost 3 ms of
# its 0.12 s at start-up.


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


class Diagnostic(NamedTuple):
    """One problem at one place.  Ordered by line, column, severity, message and rule."""

    line: int
    column: int
    severity: Severity
    message: str
    rule: str = ""

    def as_text(self, path: str) -> str:
        rule = f" [{self.rule}]" if self.rule else ""
        # one line each: a parser's message may quote the source, line ends and all
        message = " ".join(self.message.splitlines()) if "\n" in self.message or "\r" in self.message else self.message
        return f"{path}:{self.line}:{self.column}: {self.severity.value}: {message}{rule}"

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "severity": self.severity.value,
                "message": self.message, "rule": self.rule}


class _Record:
    """Equality and a readable repr from the attributes, as a dataclass has them."""

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    __hash__ = None  # mutable

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


class FileReport(_Record):
    """The diagnostics of one input file."""

    def __init__(self, path: str, diagnostics: list[Diagnostic] | None = None):
        self.path = path
        self.diagnostics: list[Diagnostic] = [] if diagnostics is None else diagnostics

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)

    @property
    def valid(self) -> bool:
        return self.errors == 0

    def add(self, line, column, severity, message, rule=""):
        self.diagnostics.append(Diagnostic(int(line or 0), int(column or 0), Severity(severity), message, rule))


class Report(_Record):
    """The file reports of one run."""

    def __init__(self, files: list[FileReport] | None = None):
        self.files: list[FileReport] = [] if files is None else files

    @property
    def errors(self) -> int:
        return sum(f.errors for f in self.files)

    @property
    def warnings(self) -> int:
        return sum(f.warnings for f in self.files)

    def ok(self, strict: bool = False) -> bool:
        return self.errors == 0 and not (strict and self.warnings)

    def summary(self) -> str:
        def plural(n, word):
            return f"{n} {word}{'' if n == 1 else 's'}"

        return f"{plural(len(self.files), 'file')}, {plural(self.errors, 'error')}, {plural(self.warnings, 'warning')}"


def _sorted(report_file: FileReport) -> list[Diagnostic]:
    return sorted(report_file.diagnostics, key=lambda d: (d.line, d.column, d.severity != Severity.ERROR, d.message))


def write_text(report: Report) -> str:
    lines = [d.as_text(f.path) for f in report.files for d in _sorted(f)]
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def write_json(report: Report) -> str:
    data = {
        "files": [
            {"path": f.path, "valid": f.valid, "diagnostics": [d.as_dict() for d in _sorted(f)]}
            for f in report.files
        ],
        "summary": {"files": len(report.files), "errors": report.errors, "warnings": report.warnings},
    }
    import json

    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def write_github(report: Report) -> str:
    """GitHub Actions workflow commands: ``::error file=..,line=..,col=..::msg``."""
    lines = []
    for f in report.files:
        for d in _sorted(f):
            props = f"file={_github_escape(f.path, property_value=True)},line={d.line},col={d.column}"
            if d.rule:
                props += f",title={_github_escape(d.rule, property_value=True)}"
            lines.append(f"::{d.severity.value} {props}::{_github_escape(d.message)}")
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


WRITERS = {
    "text": write_text,
    "json": write_json,
    "github": write_github,
}
