"""Whatever the bytes, validation answers with positioned diagnostics, never a traceback."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from tei_edition.errors import XMLProblem
from tei_edition.parsing import parse_bytes
from tei_edition.validation import validate

FIXTURES = ROOT / "tests" / "fixtures" / "validate"
ANYTHING = FIXTURES / "anything.rng"
SEEDS = [(FIXTURES / name).read_bytes() for name in ("valid.xml", "geo.xml", "prefixdef.xml", "idno.xml")]
LINE = re.compile(r"^.+:(\d+):(\d+): (error|warning): .+ \[[a-z0-9-]+\]$")

# Tests never write into the source tree: tests/conftest.py sends
# Hypothesis's home folder to a temporary one for every test module.
SETTINGS = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check(data: bytes, name: str = "doc.xml"):
    """Validate ``data`` as a file; return the report after checking the invariants."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        report = validate([path], schema=ANYTHING)
    (only,) = report.files
    lines = max(data.count(b"\n"), data.count(b"\n\x00"), data.count(b"\r")) + 1
    for diagnostic in only.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic
        assert diagnostic.line <= lines, (diagnostic, lines)
        assert diagnostic.rule, diagnostic
    try:
        parse_bytes(data)
    except XMLProblem:
        assert not only.valid
        assert only.diagnostics
    return only


@SETTINGS
@given(seed=st.sampled_from(SEEDS), cut=st.floats(0, 1))
def test_truncated(seed, cut):
    data = seed[: int(len(seed) * cut)]
    report = check(data)
    if len(data) < len(seed) - 2:  # anything shorter than the whole file is not well-formed
        assert not report.valid


MARKUP = st.sampled_from([b"<", b">", b"&", b'"', b"'", b"/", b"=", b"#", b" ", b"\n", b"<p>", b"</p>",
                          b'xml:id="p1"', b'ref="#x"', b'when="19"', b"\x00", b"\xff", b"]]>", b"<!--", b"&#0;"])


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.one_of(MARKUP, st.binary(min_size=1, max_size=3)))
        if action == "insert":
            data[at:at] = piece
        elif action == "delete":
            data[at : at + len(piece)] = b""
        else:
            data[at : at + len(piece)] = piece
    return bytes(data)


@SETTINGS
@given(data=mutated())
def test_mutated(data):
    check(data)


@SETTINGS
@given(data=st.binary(max_size=500))
def test_arbitrary_bytes(data):
    check(data)


@SETTINGS
@given(text=st.text(max_size=300), encoding=st.sampled_from(["utf-8", "utf-16", "latin-1"]))
def test_arbitrary_text(text, encoding):
    check(text.encode(encoding, "replace"))


@SETTINGS
@given(data=mutated())
@example(data=b'<!--<?xml version="1.0"?>\n<!--<TEI/>')  # libxml2 quotes two lines of source
def test_command_line_output_has_a_position_on_every_line(cli_run, data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.xml"
        path.write_bytes(data)
        code, out, err = cli_run("validate", path, "--schema", ANYTHING)
    *lines, summary = out.splitlines()
    assert re.fullmatch(r"1 file, \d+ errors?, \d+ warnings?", summary)
    assert all(LINE.match(line) for line in lines), lines
    assert code in (0, 1)
    assert "Traceback" not in err
