"""The on-disk RELAX NG cache stays bounded."""

from __future__ import annotations

import os

from tei_edition.rng import store
from tei_edition.rng.store import Store, trim


def _entry(folder, name: str, size: int, age: int):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    os.utime(path, (1_000_000 + age, 1_000_000 + age))
    return path


def test_trim_removes_least_recently_used_entries_down_to_the_target(tmp_path):
    old = _entry(tmp_path, "pruned/aa/old", 400, 1)
    middle = _entry(tmp_path, "pruned/bb/middle", 400, 2)
    new = _entry(tmp_path, "grammar/cc/new", 400, 3)
    assert trim(tmp_path, limit=1000, target=800) == 400
    assert not old.exists() and middle.exists() and new.exists()


def test_trim_leaves_a_folder_under_the_limit_alone(tmp_path):
    entries = [_entry(tmp_path, f"pruned/aa/{n}", 100, n) for n in range(5)]
    assert trim(tmp_path, limit=1000, target=100) == 0
    assert all(path.exists() for path in entries)


def test_a_read_marks_an_entry_as_used(tmp_path):
    cache = Store(tmp_path)
    cache.put("vocabulary", "ab" * 32, (1, 2))
    path = cache.folder / "vocabulary" / "ab" / ("ab" * 31)
    os.utime(path, (1_000_000, 1_000_000))
    assert cache.get("vocabulary", "ab" * 32) == (1, 2)
    assert path.stat().st_mtime > 1_000_000


def test_the_first_write_removes_the_folders_of_other_versions(tmp_path):
    stale = tmp_path / "relaxng-1-0123456789ab" / "pruned" / "aa"
    stale.mkdir(parents=True)
    (stale / "entry").write_bytes(b"old")
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("kept")
    Store(tmp_path).put("vocabulary", "cd" * 32, ())
    assert not (tmp_path / "relaxng-1-0123456789ab").exists()
    assert (tmp_path / store.FORMAT).is_dir()
    assert unrelated.read_text() == "kept"


_SCHEMA = """<grammar xmlns="http://relaxng.org/ns/structure/1.0">
  <start><element name="{root}"><text/></element></start>
</grammar>
"""


def test_a_schema_rewritten_in_place_is_read_again_though_its_size_and_mtime_are_kept(tmp_path, monkeypatch):
    from lxml import etree

    from tei_edition import relaxng

    monkeypatch.setenv("TEI_EDITION_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(relaxng, "_RACY_SECONDS", 0)  # the schema is new: trust its times at once
    schema = tmp_path / "s.rng"
    schema.write_text(_SCHEMA.format(root="aaa"))
    document = etree.fromstring("<aaa>x</aaa>").getroottree()
    assert relaxng.RelaxNG.load(schema).validate(document) == []
    kept = schema.stat()
    schema.write_text(_SCHEMA.format(root="bbb"))  # same size
    os.utime(schema, ns=(kept.st_atime_ns, kept.st_mtime_ns))  # and the old time, as some tools set it
    monkeypatch.setattr(relaxng, "_LOADED", {})  # a new process
    found = relaxng.RelaxNG.load(schema).validate(document)
    assert [d.message for d in found] == ["element <aaa> is not allowed anywhere: the schema does not define it"]
