"""The installed wheel, not the source tree, carries schemas/ and xslt/.

The wheel is built with pip (as ``pip install .`` would), unpacked into a
temporary folder (for a pure-Python wheel that is what installing does), and
a fresh interpreter whose working directory is outside the checkout asks
tei_edition.resources where its files are.
"""

import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:
        pytest.fail(f"pip wheel failed:\n{built.stdout}\n{built.stderr}")
    (wheel,) = out.glob("tei_edition-*.whl")
    site = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_wheel_contains_schemas_and_stylesheets(unpacked_wheel):
    package = unpacked_wheel / "tei_edition"
    assert sorted(p.name for p in (package / "schemas").glob("*.rng")), "no RELAX NG schema in the wheel"
    assert sorted(p.name for p in (package / "xslt").glob("*.xsl")), "no stylesheet in the wheel"


def test_installed_package_finds_its_files_not_the_checkout(unpacked_wheel, tmp_path):
    probe = (
        "import tei_edition, tei_edition.resources as r;"
        "print(tei_edition.__file__); print(r.schemas_dir()); print(r.xslt_dir())"
    )
    completed = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(unpacked_wheel)!r}); {probe}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr
    module, schemas, xslt = completed.stdout.splitlines()
    for found in (module, schemas, xslt):
        assert found.startswith(str(unpacked_wheel)), f"{found} is not inside the installed wheel"


def test_an_installation_without_its_stylesheets_says_so_and_exits_2(tmp_path):
    """A broken installation (here a copy of the package without xslt/ and schemas/ beside it)
    is a clear error, not a traceback."""
    import shutil

    shutil.copytree(ROOT / "tei_edition", tmp_path / "tei_edition", ignore=shutil.ignore_patterns("__pycache__"))
    texts = tmp_path / "texts"
    shutil.copytree(ROOT / "texts", texts)
    run = subprocess.run([sys.executable, "-m", "tei_edition", "build", "--no-search", "-o", str(tmp_path / "site"),
                          str(texts)], cwd=tmp_path, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)})
    package = tmp_path / "tei_edition"
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == (
        f"tei-edition: error: tei-edition is installed without its xslt/ folder (looked in {package}); reinstall it\n")
