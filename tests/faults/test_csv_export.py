"""CSV export never hands a spreadsheet a formula: a cell starting with = + - @ (a file name,
an error, a driver) is written with a leading apostrophe."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from milia_scan.errors import ExitCode

from ..labels import make_labels
from .hostile import run_cli

pytestmark = pytest.mark.tesseract

NAMES = ["=1+2.png", "+SUM(A1).png", "-2+3.png", "@SUM(A1).png", "=HYPERLINK(x).jpg"]


def test_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    folder, db = tmp_path / "=in", tmp_path / "r.db"
    labels = make_labels(folder, len(NAMES))
    for label, name in zip(labels, NAMES, strict=True):
        label.rename(folder / name)
    (folder / "=bad.jpg").write_bytes(b"=cmd|' /C calc'!A0")  # an error message naming it
    # relative paths, as a user in that folder types them: the path cells start with "="
    ran = run_cli("batch", "=in", "--db", db, "-j", "1", "--engine", "tesseract",
                  "--format", "csv", cwd=tmp_path)  # fmt: skip
    assert ran.returncode == ExitCode.some_failed, ran.err
    exported = run_cli("results", "--db", db, "--format", "csv")
    assert exported.returncode == ExitCode.ok, exported.err
    for body in (ran.out, exported.out):
        rows = list(csv.DictReader(io.StringIO(body)))
        assert len(rows) == len(NAMES) + 1
        cells = [cell for row in rows for cell in row.values() if cell]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
        assert sorted(Path(r["path"].removeprefix("'")).name for r in rows) == sorted(
            [*NAMES, "=bad.jpg"]
        )
