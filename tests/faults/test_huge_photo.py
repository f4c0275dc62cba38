"""A huge photo (79 megapixels, just under the limit) is decoded at the size OCR needs before
anything else: it is read in seconds and well under a gigabyte, and its boxes stay in the
photo's own pixels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from milia_scan.errors import ExitCode
from milia_scan.image.load import load_for_ocr, load_image
from PIL import Image

from ..labels import make_label
from .hostile import peak_mb, run_cli

pytestmark = pytest.mark.tesseract

SIZE = (10_200, 7_700)  # 78.5 megapixels
AT = (1_500, 3_000)  # where the label sits in the photo


def _huge_photo(tmp_path: Path) -> Path:
    label = Image.open(make_label(tmp_path / "label.png", ["Petrolatum", "Lanolin", "Beeswax",
                                                           "Squalane", "Glycerin"]))  # fmt: skip
    label = label.resize((label.width * 5, label.height * 5), Image.Resampling.BICUBIC)
    photo = Image.new("RGB", SIZE, (235, 232, 228))
    photo.paste(label.convert("RGB"), AT)
    path = tmp_path / "huge.jpg"
    photo.save(path, quality=85)
    return path


def test_a_huge_jpeg_is_decoded_small_and_read_with_boxes_on_the_photo(tmp_path: Path) -> None:
    path = _huge_photo(tmp_path)
    small, scale = load_for_ocr(path)
    assert small.width * small.height < 25_000_000 and scale == pytest.approx(2.0, abs=0.01)
    assert load_image(path).width == SIZE[0]  # drawing on the photo still gets it whole

    ran = run_cli("scan", path, "--engine", "tesseract", "--format", "json", measured=True)
    assert ran.returncode == ExitCode.ok, ran.err
    assert peak_mb(ran) < 900, f"peak memory {peak_mb(ran)} MB"
    report = json.loads(ran.stdout)
    names = [i["name"] for i in report["ingredients"]]
    assert {"Petrolatum", "Lanolin"} <= set(names)
    for item in report["ingredients"]:
        x, y, w, h = item["box"]
        assert AT[0] <= x + w / 2 <= SIZE[0] and AT[1] <= y + h / 2 <= AT[1] + 90 * 5
