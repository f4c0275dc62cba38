"""iPhone and newer photos: HEIC/HEIF (pillow-heif) and AVIF (Pillow) are read like JPEG, by
scan and by batch; a batch names what it skipped and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from milia_scan.cli import cli
from milia_scan.image.load import is_image_name, load_image
from PIL import Image

from .conftest import SAMPLES

BALM = SAMPLES / "flat" / "02-night-balm.png"


def _saved(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    with Image.open(BALM) as image:
        image.convert("RGB").save(target, quality=90)
    return target


@pytest.mark.parametrize("name", ["IMG_0001.HEIC", "label.heif", "label.avif"])
def test_heic_and_avif_load(tmp_path: Path, name: str) -> None:
    photo = _saved(tmp_path, name)
    assert is_image_name(name)
    loaded = load_image(photo)
    assert loaded.format in ("HEIF", "AVIF")
    with Image.open(BALM) as original:
        assert loaded.pixels.shape[:2] == original.size[::-1]


@pytest.mark.tesseract
def test_a_batch_reads_heic_and_names_what_it_skips(tmp_path: Path) -> None:
    folder = tmp_path / "phone"
    folder.mkdir()
    _saved(folder, "IMG_0001.HEIC")
    (folder / "notes.txt").write_text("not a photo")
    db = tmp_path / "r.db"
    result = CliRunner().invoke(cli, ["batch", str(folder), "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(Path(r["path"]).name, r["status"], r["level"]) for r in rows] == [
        ("IMG_0001.HEIC", "ok", "high")
    ]
    assert "skipped 1 file(s) whose names are not photos' (notes.txt)" in result.stderr
    assert ".heic" in result.stderr
