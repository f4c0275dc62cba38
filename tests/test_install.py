"""The built wheel installs into a fresh environment beside a distribution that installs a
top-level `lexicon` package (several on PyPI do): both import, neither shadows the other, and
the installed package carries its licence, its type marker and its lexicon data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _other_lexicon_wheel(folder: Path) -> Path:
    """A minimal wheel of another project whose import package is `lexicon`."""
    wheel = folder / "other_lexicon-1.0-py3-none-any.whl"
    info = "other_lexicon-1.0.dist-info"
    files = {
        "lexicon/__init__.py": "WHO = 'the other lexicon'\n",
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: other-lexicon\nVersion: 1.0\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = "".join(f"{name},,\n" for name in files) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
        zf.writestr(f"{info}/RECORD", record)
    return wheel


@pytest.mark.tesseract  # slow: builds a wheel and a virtual environment
def test_the_wheel_installs_beside_another_lexicon_package(tmp_path: Path) -> None:
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    ours = next(tmp_path.glob("milia_scan-*.whl"))
    names = zipfile.ZipFile(ours).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"milia_scan"}  # nothing top-level but our own namespace
    assert "milia_scan/py.typed" in names and "milia_scan/lexicon/data/ingredients.csv" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(_other_lexicon_wheel(tmp_path)),
            str(ours),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    probe = (
        "import lexicon, milia_scan, milia_scan.lexicon as ours\n"
        "from importlib.metadata import version\n"
        "print(lexicon.WHO)\n"
        "print(len(ours.load_lexicon_from(ours.DATA_DIR).entries))\n"
        "print(milia_scan.__version__ == version('milia-scan'))\n"
    )
    run = subprocess.run(
        [str(python), "-I", "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    who, entries, same_version = run.stdout.splitlines()
    assert who == "the other lexicon"
    assert int(entries) > 1000
    assert same_version == "True"
