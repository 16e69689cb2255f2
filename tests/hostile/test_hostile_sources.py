"""Issue 6: no command ever writes to its inputs.

Every file under the inputs (a copy of texts/ with schemas/, and a copy of
a fixture corpus) is hashed, with its mode and modification time, before and
after each command; the folders must be exactly as they were: no file
changed, touched, added or removed.  Outputs go elsewhere, and the commands
that are asked to write into the inputs refuse (exit 2).
"""

from __future__ import annotations

import hashlib
import os
import shutil

import pytest
from hostile_kit import FIXTURES, build_available, copy_texts

BUILD = pytest.mark.skipif(not build_available(), reason="`tei-edition build` is not registered yet")


def snapshot(*folders) -> dict:
    found = {}
    for folder in folders:
        for path in sorted([folder, *folder.rglob("*")]):
            info = os.lstat(path)
            if path.is_symlink():
                what = "link:" + os.readlink(path)
            elif path.is_dir():
                what = "folder"
            else:
                what = hashlib.sha256(path.read_bytes()).hexdigest()
            found[str(path)] = (what, info.st_mode, info.st_mtime_ns)
    return found


@pytest.fixture
def inputs(tmp_path):
    project = copy_texts(tmp_path / "proj")
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "index", corpus)
    (project / "texts" / "sub").mkdir()
    (project / "texts" / "sub" / "loop").symlink_to("..")  # walked once, never written through
    return project, corpus


COMMANDS = {
    "validate": (["validate"], {0, 1}),
    "validate-json": (["validate", "--format", "json", "--strict"], {0, 1}),
    "validate-github": (["validate", "--format", "github", "{corpus}"], {0, 1}),
    "validate-huge": (["validate", "--huge", "texts", "{corpus}"], {0, 1}),
    "index-stdout": (["index"], {0}),
    "index-output": (["index", "-o", "{out}/registers.json"], {0}),
    "index-tei": (["index", "texts", "{corpus}", "-f", "tei", "-o", "{out}/registers.xml"], {0, 1}),
    "index-csv-mentions": (["index", "{corpus}", "-k", "persons", "-f", "csv", "--mentions", "-o", "{out}/p.csv"], {0, 1}),
    "index-geojson": (["index", "-k", "places", "-f", "geojson"], {0}),
    "index-over-an-input": (["index", "-f", "tei", "-o", "texts/registers.xml"], {2}),
    "build": (["build", "-o", "{out}/site"], {0}),
    "build-corpus": (["build", "{corpus}", "--force", "-o", "{out}/site"], {0}),
    "build-huge-clean": (["build", "--huge", "--clean", "-o", "{out}/site"], {0}),
    "build-into-the-texts": (["build", "-o", "texts"], {2}),
    "build-inside-the-texts": (["build", "-o", "texts/_site"], {2}),
    "build-over-the-project": (["build", "-o", "."], {2}),
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_command_leaves_its_inputs_as_they_were(cli_run, inputs, tmp_path, name):
    args, codes = COMMANDS[name]
    if args[0] == "build" and not build_available():
        pytest.skip("`tei-edition build` is not registered yet")
    project, corpus = inputs
    out = tmp_path / "out"
    out.mkdir()
    args = [a.format(corpus=corpus, out=out) for a in args]
    before = snapshot(project, corpus)
    code, stdout, stderr = cli_run(*args, cwd=project)
    assert code in codes, stdout + stderr
    if args[0] == "build" and code == 0:  # and once more: an incremental rebuild
        assert cli_run(*args, cwd=project)[0] == 0
    assert snapshot(project, corpus) == before
    if 2 in codes:
        assert stderr.startswith(("tei-edition: error: ", "Error: ")) and "refusing" in stderr, stderr


def test_index_refuses_to_overwrite_an_input_through_a_link(cli_run, inputs):
    project, _ = inputs
    (project / "alias.json").symlink_to("texts/registers.xml")
    before = snapshot(project)
    code, _, stderr = cli_run("index", "-o", "alias.json", cwd=project)
    assert code == 2
    assert stderr == ("tei-edition: error: alias.json: refusing to overwrite the input file texts/registers.xml; "
                      "choose another output file\n")
    assert snapshot(project) == before
