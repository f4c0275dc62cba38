"""Every final outcome is stored once and not scanned again by the next batch: a list not
fully read (status incomplete) as much as ok, no list or unreadable. Only errors are retried."""

from __future__ import annotations

from pathlib import Path

import pytest
from milia_scan.errors import ExitCode

from ..labels import make_label, make_labels
from .hostile import run_cli, stored

pytestmark = pytest.mark.tesseract


def test_an_incomplete_reading_is_not_scanned_again(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "r.db"
    (good,) = make_labels(folder, 1)
    gel = make_label(folder / "gel.png", ["Glycerin"])  # two items: not a whole list
    args = ("batch", folder, "--db", db, "-j", "1", "--engine", "tesseract")
    for _ in range(2):
        ran = run_cli(*args, timeout=120)
        assert ran.returncode == ExitCode.ok, ran.err
    assert stored(db) == {str(good): ("ok", 1), str(gel): ("incomplete", 1)}
