"""Long thin and tiny images are unreadable input (exit 3), never an internal error, and a batch
stores them with that final status instead of trying them again on every run."""

from __future__ import annotations

from pathlib import Path

import pytest
from milia_scan.errors import ExitCode
from PIL import Image

from ..labels import make_labels
from .hostile import run_cli, stored

pytestmark = pytest.mark.tesseract

SHAPES = [(1, 3000), (2, 10000), (5000, 1), (9000, 60), (60, 9000), (8, 8)]


def _thin(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for width, height in SHAPES:
        path = folder / f"thin-{width}x{height}.png"
        Image.new("L", (width, height), 255).save(path)
        paths.append(path)
    return paths


@pytest.mark.parametrize("engine", ["tesseract", "auto"])
def test_scan_of_a_thin_image_exits_3(tmp_path: Path, engine: str) -> None:
    for path in _thin(tmp_path):
        ran = run_cli("scan", path, "--engine", engine, timeout=60)
        assert ran.returncode in (ExitCode.input_file, ExitCode.no_ingredient_list), (
            path.name,
            ran.err,
        )
        assert "internal error" not in ran.err


def test_a_batch_stores_thin_images_once_as_unreadable(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "r.db"
    good = make_labels(folder, 1)
    thin = _thin(folder)
    args = ("batch", folder, "--db", db, "-j", "1", "--engine", "tesseract")
    first = run_cli(*args, timeout=120)
    assert first.returncode == ExitCode.some_failed, first.err
    rows = stored(db)
    assert rows == {str(good[0]): ("ok", 1)} | {str(p): ("unreadable", 1) for p in thin}
    again = run_cli(*args, timeout=120)
    assert again.returncode == ExitCode.some_failed, again.err
    assert stored(db) == rows  # nothing tried again: the counts stay 1
    assert again.err.count("already stored") == len(rows)
