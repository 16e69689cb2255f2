"""Writing outputs: atomic files, whole-site swaps, ownership and refusals (issue 6)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tei_edition import sitewriter
from tei_edition.errors import ExitCode, InputProblem, UsageProblem
from tei_edition.sitewriter import MARKER, SiteWriter, check_output_location, is_our_site, write_atomic


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes (symbolic links as their target)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[key] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            found[key] = path.read_bytes()
    return found


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".staging-" in p.name or ".previous-" in p.name)


def build(out: Path, files: dict[str, str], inputs=()) -> None:
    with SiteWriter(out, inputs=inputs) as site:
        for name, text in files.items():
            site.write(name, text)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An edition project: texts/ with one TEI file; the working folder is the project."""
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.xml").write_text("<TEI/>")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- write_atomic ---------------------------------------------------------------


def test_write_atomic_writes_text_as_utf8_and_bytes_as_they_are(tmp_path):
    write_atomic(tmp_path / "deep" / "er" / "a.txt", "Ökonomie\r\n")
    write_atomic(tmp_path / "b.bin", b"\x00\xff")
    assert (tmp_path / "deep" / "er" / "a.txt").read_bytes() == "Ökonomie\r\n".encode()
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff"
    assert (tmp_path / "b.bin").stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.bin", "deep"], "no temporary file is left"


def test_write_atomic_replaces_and_keeps_the_permissions_of_an_existing_file(tmp_path):
    target = tmp_path / "a.json"
    target.write_text("old")
    target.chmod(0o600)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_failed_write_atomic_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "a.json"
    target.write_text("old")

    def broken_replace(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sitewriter.os, "replace", broken_replace)
    with pytest.raises(InputProblem) as caught:
        write_atomic(target, "new")
    assert str(caught.value) == f"{target}: cannot write: No space left on device"
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_write_atomic_into_an_unwritable_place_is_an_input_problem(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputProblem) as caught:
        write_atomic(tmp_path / "file" / "a.json", "{}")
    assert caught.value.exit_code == ExitCode.USAGE
    assert "cannot write" in str(caught.value)


# -- building and replacing a site ------------------------------------------------


def test_a_new_site_is_created_with_its_marker_and_fixed_permissions(project):
    with SiteWriter("_site", inputs=["texts"]) as site:
        site.write("index.html", "<p>home</p>")
        site.write("texts/a.html", b"<p>a</p>")
        site.copy("texts/a.xml", "data/a.xml")
        staging = site.root
        assert staging.parent == project and staging.name.startswith("._site.staging-")
        assert not (project / "_site").exists(), "nothing is visible before the commit"
    out = project / "_site"
    assert tree(out) == {
        MARKER: (
            b"tei-edition site, format 1\n"
            b"# Written by `tei-edition build`, which replaces this folder whole at every build.\n"
            b"# The files listed below are the build's; any other file here is yours and is kept.\n"
            b"data/a.xml\nindex.html\ntexts/a.html\n"
        ),
        "data/a.xml": b"<TEI/>",
        "index.html": b"<p>home</p>",
        "texts/a.html": b"<p>a</p>",
    }
    assert out.stat().st_mode & 0o777 == 0o755
    assert (out / "texts").stat().st_mode & 0o777 == 0o755
    assert (out / "index.html").stat().st_mode & 0o777 == 0o644
    assert leftovers(project) == []


def test_a_rebuild_replaces_the_old_files_and_keeps_a_persons_own(project):
    build(project / "_site", {"index.html": "v1", "old.html": "gone soon", "sub/page.html": "v1"})
    out = project / "_site"
    (out / "CNAME").write_text("edition.example.org")
    (out / "sub" / "notes.txt").write_text("mine")
    (out / "empty-folder-of-mine").mkdir()
    build(out, {"index.html": "v2", "sub/page.html": "v2"})
    files = tree(out)
    assert files["index.html"] == b"v2" and files["sub/page.html"] == b"v2"
    assert "old.html" not in files
    assert files["CNAME"] == b"edition.example.org"
    assert files["sub/notes.txt"] == b"mine"
    assert (out / "empty-folder-of-mine").is_dir()
    assert b"CNAME" not in files[MARKER], "a person's file stays theirs at the next build too"
    assert leftovers(project) == []


def test_a_persons_file_where_the_build_writes_is_refused_not_overwritten(project):
    out = project / "_site"
    build(out, {"index.html": "v1"})
    (out / "about.html").write_text("my own page")
    with pytest.raises(UsageProblem) as caught:
        build(out, {"index.html": "v2", "about.html": "generated"})
    assert str(caught.value) == (
        f"{out}: about.html is not a file the last build wrote (someone put it there), and this build "
        "writes a file of that name; move it away and build again"
    )
    assert tree(out)["about.html"] == b"my own page" and tree(out)["index.html"] == b"v1"
    assert leftovers(project) == []


def test_an_exception_during_the_build_keeps_the_previous_site(project):
    out = project / "_site"
    build(out, {"index.html": "v1"})
    before = tree(out)
    with pytest.raises(RuntimeError):
        with SiteWriter(out) as site:
            site.write("index.html", "half")
            raise RuntimeError("the renderer failed")
    assert tree(out) == before
    assert leftovers(project) == []


def test_a_file_the_rebuild_leaves_unchanged_is_the_same_file_with_its_time(project):
    out = project / "_site"
    (project / "source.xml").write_bytes(b"<TEI/>" * 1000)
    with SiteWriter(out) as site:
        site.write("same.html", "unchanged")
        site.write("changed.html", "v1")
        site.copy(project / "source.xml", "data/source.xml")
    os.utime(out / "same.html", (1_000_000_000, 1_000_000_000))
    before = {name: os.stat(out / name) for name in ("same.html", "changed.html", "data/source.xml")}
    with SiteWriter(out) as site:
        site.write("same.html", "unchanged")
        site.write("changed.html", "v2")
        site.copy(project / "source.xml", "data/source.xml")
    after = {name: os.stat(out / name) for name in before}
    assert after["same.html"].st_ino == before["same.html"].st_ino and after["same.html"].st_mtime == 1_000_000_000
    assert after["data/source.xml"].st_ino == before["data/source.xml"].st_ino
    assert after["changed.html"].st_ino != before["changed.html"].st_ino
    assert tree(out) == {"same.html": b"unchanged", "changed.html": b"v2", "data/source.xml": b"<TEI/>" * 1000,
                         MARKER: tree(out)[MARKER]}
    assert all(info.st_nlink == 1 for info in after.values()), "the previous site is gone"


def test_an_unchanged_file_is_kept_only_while_the_previous_site_stays_whole(project):
    out = project / "_site"
    build(out, {"index.html": "same", "other.html": "v1"})
    before = tree(out)
    with pytest.raises(RuntimeError):
        with SiteWriter(out) as site:
            site.write("index.html", "same")  # kept: a second name for the old file
            site.write("other.html", "v2")
            raise RuntimeError("the renderer failed")
    assert tree(out) == before and os.stat(out / "index.html").st_nlink == 1
    assert leftovers(project) == []


def test_an_old_file_a_person_changed_or_replaced_is_written_anew(project, tmp_path_factory):
    out = project / "_site"
    build(out, {"mode.html": "same", "link.html": "same", "linked/page.html": "same"})
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "page.html").write_text("same")
    os.chmod(out / "mode.html", 0o600)
    (out / "link.html").unlink()
    (out / "link.html").symlink_to(elsewhere / "page.html")
    (out / "linked" / "page.html").unlink()
    (out / "linked").rmdir()
    (out / "linked").symlink_to(elsewhere)
    site = SiteWriter(out).open()
    try:  # (the commit refuses the linked folder as a person's: see above) nothing outside is linked in
        assert os.stat(site.write("linked/page.html", "same")).st_nlink == 1
        assert (elsewhere / "page.html").stat().st_nlink == 1
    finally:
        site.discard()
    (out / "linked").unlink()
    build(out, {"mode.html": "same", "link.html": "same"})
    for name in ("mode.html", "link.html"):
        info = os.lstat(out / name)
        assert os.path.isfile(out / name) and not os.path.islink(out / name) and info.st_mode & 0o777 == 0o644, name
        assert info.st_nlink == 1
    assert (elsewhere / "page.html").stat().st_nlink == 1 and (elsewhere / "page.html").read_text() == "same"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_in_place_of_an_old_file_is_not_read(project):
    import threading

    out = project / "_site"
    build(out, {"empty.html": ""})
    (out / "empty.html").unlink()
    os.mkfifo(out / "empty.html")
    done = threading.Thread(target=build, args=(out, {"empty.html": ""}), daemon=True)
    done.start()
    done.join(10)
    if done.is_alive():  # it opened the pipe to compare: let it go, then fail
        with open(out / "empty.html", "wb"):
            pass
        done.join(10)
        pytest.fail("the build read a named pipe in the old site")
    assert tree(out)["empty.html"] == b"" and os.path.isfile(out / "empty.html")


def test_where_links_cannot_be_made_unchanged_files_are_written(project, monkeypatch):
    out = project / "_site"
    build(out, {"index.html": "same"})
    inode = os.stat(out / "index.html").st_ino

    def no_links(*args, **kwargs):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(sitewriter.os, "link", no_links)
    build(out, {"index.html": "same"})
    assert tree(out)["index.html"] == b"same" and os.stat(out / "index.html").st_ino != inode


def test_the_same_input_gives_byte_identical_sites(project):
    files = {"z.html": "z", "a/b.html": "ab", "index.html": "home", "a/a.html": "aa"}
    build(project / "one", files)
    build(project / "two", dict(reversed(list(files.items()))))
    assert tree(project / "one") == tree(project / "two")


def test_an_empty_folder_that_is_not_ours_may_be_used(project):
    (project / "_site").mkdir()
    build(project / "_site", {"index.html": "x"})
    assert is_our_site(project / "_site")


def test_an_output_below_a_missing_parent_is_created(project):
    build(project / "out" / "edition", {"index.html": "x"})
    assert (project / "out" / "edition" / "index.html").read_text() == "x"


def test_a_symbolic_link_to_the_site_is_kept_and_follows_the_new_site(project):
    real = project / "real-site"
    build(real, {"index.html": "v1"})
    (project / "_site").symlink_to(real)
    build(project / "_site", {"index.html": "v2"})
    assert (project / "_site").is_symlink()
    assert (project / "_site" / "index.html").read_text() == "v2"


@pytest.mark.parametrize("bad", ["../x.html", "/etc/passwd", "a//b.html", "./a.html", "", MARKER, "a\\b.html"])
def test_paths_must_stay_inside_the_site(project, bad):
    with SiteWriter("_site") as site:
        with pytest.raises(ValueError):
            site.write(bad, "x")


def test_a_page_written_twice_is_a_bug_not_a_silent_overwrite(project):
    with pytest.raises(ValueError, match="written twice"):
        with SiteWriter("_site") as site:
            site.write("a.html", "1")
            site.write("a.html", "2")
    assert not (project / "_site").exists()


# -- refusals ----------------------------------------------------------------------


def refusal(out, inputs=("texts",)) -> str:
    with pytest.raises(UsageProblem) as caught:
        SiteWriter(out, inputs=list(inputs)).open()
    assert caught.value.exit_code == ExitCode.USAGE
    return str(caught.value)


def test_refuses_to_build_into_the_source_folder(project):
    assert refusal("texts") == (
        "texts: refusing to write into the source folder texts; choose an output folder outside it (e.g. -o _site)"
    )
    assert refusal("texts/") == (
        "texts/: refusing to write into the source folder texts; choose an output folder outside it (e.g. -o _site)"
    )


def test_refuses_to_build_inside_the_source_folder(project):
    assert refusal("texts/_site") == (
        "texts/_site: refusing to write inside the source folder texts; choose an output folder outside it (e.g. -o _site)"
    )


def test_refuses_to_build_into_a_folder_that_holds_the_inputs(project):
    assert refusal(".") == (
        ".: refusing to write here: it contains the input texts; choose an output folder that holds no source file (e.g. -o _site)"
    )
    assert refusal(str(project.parent), inputs=["texts/a.xml"]).endswith("it contains the input texts/a.xml; choose an output folder that holds no source file (e.g. -o _site)")


def test_refuses_to_overwrite_an_input_file(project):
    assert refusal("texts/a.xml", inputs=["texts/a.xml"]) == "texts/a.xml: refusing to overwrite the input file texts/a.xml"
    with pytest.raises(UsageProblem):
        check_output_location("texts/persons.json", ["texts"])


def test_refuses_a_non_empty_folder_that_is_not_ours_and_touches_nothing(project):
    mine = project / "my-documents"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work")
    assert refusal("my-documents") == (
        "my-documents: refusing to replace this folder: it is not empty and was not made by tei-edition "
        f"(it has no {MARKER} file); choose another output folder, or empty this one"
    )
    assert tree(mine) == {"thesis.docx": b"years of work"}
    assert leftovers(project) == []


def test_refuses_a_file_as_the_output_folder(project):
    (project / "notes.txt").write_text("x")
    assert refusal("notes.txt") == "notes.txt: is a file, not a folder; choose an output folder (e.g. -o _site)"


def test_refuses_to_replace_the_working_folder(project, monkeypatch):
    (project / "empty").mkdir()
    monkeypatch.chdir(project / "empty")
    assert refusal(".", inputs=()) == ".: refusing to replace the current working folder or one that holds it"


def test_refusal_sees_through_symbolic_links(project):
    (project / "link-to-texts").symlink_to(project / "texts")
    assert "refusing to write into the source folder texts" in refusal("link-to-texts")


# -- the marker ----------------------------------------------------------------------


def test_a_folder_is_ours_only_with_a_real_marker_file(tmp_path):
    assert not is_our_site(tmp_path)
    (tmp_path / MARKER).write_text("something else\n")
    assert not is_our_site(tmp_path)
    (tmp_path / MARKER).write_text("tei-edition site, format 7\n")
    assert sitewriter.marker_format(tmp_path) == 7
    other = tmp_path / "other"
    other.mkdir()
    (other / MARKER).symlink_to(tmp_path / MARKER)
    assert not is_our_site(other), "a symbolic link proves nothing"


def test_a_copied_marker_cannot_make_a_build_delete_unlisted_files(project):
    """Even a forged marker only lets the build replace the files it lists."""
    out = project / "_site"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    (out / MARKER).write_text("tei-edition site, format 1\n")
    build(out, {"index.html": "x"})
    assert tree(out)["precious.txt"] == b"keep me"


# -- interrupted builds ------------------------------------------------------------


SLOW_BUILD = textwrap.dedent(
    """
    import sys, time
    from tei_edition.sitewriter import SiteWriter
    with SiteWriter(sys.argv[1]) as site:
        for number in range(10_000):
            site.write(f"pages/{number:05d}.html", "new " * 100)
            time.sleep(0.002)
    """
)


def start_slow_build(out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SLOW_BUILD, str(out)], stderr=subprocess.PIPE)


def wait_for_staging(parent: Path, process: subprocess.Popen, files: int = 50) -> Path:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for staging in parent.glob("._site.staging-*"):
            pages = staging / "pages"
            if pages.is_dir() and len(os.listdir(pages)) >= files:
                return staging
        if process.poll() is not None:
            pytest.fail(f"the build ended early: {process.stderr.read().decode()}")
        time.sleep(0.02)
    process.kill()
    pytest.fail("the build never got going")


def test_a_killed_build_leaves_the_previous_site_whole_and_the_next_build_cleans_up(project):
    out = project / "_site"
    build(out, {"index.html": "the previous site", "pages/00001.html": "old"})
    before = tree(out)
    process = start_slow_build(out)
    staging = wait_for_staging(project, process)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert tree(out) == before
    assert staging.is_dir(), "the killed build left its staging folder (it had no chance to clean up)"

    build(out, {"index.html": "the next site"})
    assert tree(out)["index.html"] == b"the next site"
    assert leftovers(project) == [], "the next build removed the dead build's staging folder"


def test_leftovers_that_are_not_ours_are_left_alone(project):
    build(project / "_site", {"index.html": "x"})
    (project / "._site.staging-empty").mkdir()
    foreign = project / "._site.staging-foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("someone's")
    build(project / "_site", {"index.html": "y"})
    assert leftovers(project) == ["._site.staging-foreign"]


def test_a_live_builds_staging_folder_is_not_taken_for_a_leftover(project):
    first = SiteWriter("_site").open()
    try:
        second = SiteWriter("_site").open()
        assert first.root.is_dir(), "the second build must not remove the first one's work"
        second.discard()
    finally:
        first.discard()
    assert leftovers(project) == []


def test_a_build_killed_between_its_two_renames_gets_its_previous_site_back(project):
    """Where no atomic exchange exists the swap is two renames; a death between them is repaired."""
    out = project / "_site"
    build(out, {"index.html": "previous"})
    aside = project / "._site.previous-abc123"
    aside.mkdir()
    os.rename(out, aside / "site")
    build(out, {"index.html": "next"})
    assert tree(out)["index.html"] == b"next"
    assert leftovers(project) == []


def test_the_two_rename_swap_works_where_exchange_is_missing(project, monkeypatch):
    monkeypatch.setattr(sitewriter, "_exchange", lambda first, second: False)
    out = project / "_site"
    build(out, {"index.html": "v1"})
    build(out, {"index.html": "v2"})
    assert tree(out)["index.html"] == b"v2"
    assert leftovers(project) == []
