"""The real path: real tesseract on the sample photos, floors on what is recognised.

The floors sit below what `make bench` measures, so they catch a regression without being a
benchmark; the bench reports the exact figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from milia_scan.cli import cli
from milia_scan.errors import ExitCode
from milia_scan.lexicon import Lexicon
from milia_scan.pipeline import matcher_for, scan_image
from PIL import Image, ImageDraw, ImageFont

from bench.metrics import load_truth, score, total

from .conftest import SAMPLES, sample_images

pytestmark = pytest.mark.tesseract

FLOORS = {  # tier: (recall, precision, silicone+occlusive recall)
    "flat": (0.95, 0.95, 0.95),
    "phone": (0.85, 0.95, 0.95),
}


@pytest.mark.parametrize("tier", sorted(FLOORS))
def test_tier_floors(lexicon: Lexicon, tier: str) -> None:
    matcher = matcher_for(lexicon)
    scores = []
    for image in sample_images(tier):
        truth = load_truth(image, lexicon, matcher)
        assert not truth.unresolved, f"{image.name}: truth names missing from the lexicon"
        scores.append(score(scan_image(image, lexicon=lexicon), truth))
    t = total(scores)
    recall, precision, key = FLOORS[tier]
    assert t.recall >= recall and t.precision >= precision and t.key_recall >= key, t


def test_boxes_lie_on_the_original_photo_around_their_words(lexicon: Lexicon) -> None:
    image = SAMPLES / "phone" / "02-night-balm.jpg"
    report = scan_image(image, lexicon=lexicon)
    with Image.open(image) as img:
        width, height = img.size
    boxes = [m.item.box for m in report.matches]
    assert all(b is not None for b in boxes)
    for x, y, w, h in (b for b in boxes if b is not None):
        assert x >= 0 and y >= 0 and x + w <= width and y + h <= height and w > 0 and h > 0
    # label order runs down the photo: the last item sits below the first
    first, last = boxes[0], boxes[-1]
    assert first is not None and last is not None and last[1] > first[1]


def test_scan_cli_json_on_a_sample_photo() -> None:
    image = SAMPLES / "phone" / "02-night-balm.jpg"
    result = CliRunner().invoke(cli, ["scan", str(image), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["source"] == str(image)
    assert report["ocr"]["engine"].startswith("ppocr") and report["ocr"]["confidence"] > 50
    assert all(i["engine"] in ("ppocr", "tesseract") for i in report["ingredients"])
    assert "Petrolatum" in report["ocr"]["text"]
    assert report["milia_risk"]["level"] == "high"
    assert report["milia_risk"]["drivers"][0]["category"] == "heavy_occlusive"


def _label(path: Path, lines: list[str]) -> Path:
    font = ImageFont.load_default(size=36)
    img = Image.new("RGB", (1400, 80 + 60 * len(lines)), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((40, 40 + 60 * i), line, fill="black", font=font)
    img.save(path)
    return path


def test_a_label_without_ingredient_list_exits_5(tmp_path: Path) -> None:
    path = _label(
        tmp_path / "front.png",
        [
            "Gentle Foaming Cleanser",
            "For all skin types",
            "Directions: massage onto wet skin, rinse well.",
            "Made in Italy",
        ],
    )
    result = CliRunner().invoke(cli, ["scan", str(path)])
    assert result.exit_code == ExitCode.no_ingredient_list
    assert "no ingredient list found" in result.stderr


def test_a_blank_photo_exits_5(tmp_path: Path) -> None:
    path = tmp_path / "blank.jpg"
    Image.new("RGB", (800, 600), (200, 190, 180)).save(path)
    result = CliRunner().invoke(cli, ["scan", str(path)])
    assert result.exit_code == ExitCode.no_ingredient_list


def test_light_on_dark_label_is_read(lexicon: Lexicon, tmp_path: Path) -> None:
    path = tmp_path / "dark.png"
    _label(path, ["INGREDIENTS: Aqua, Petrolatum, Dimethicone,", "Glycerin, Retinol."])
    with Image.open(path) as img:
        from PIL import ImageOps

        ImageOps.invert(img.convert("RGB")).save(path)
    names = [m.name for m in scan_image(path, lexicon=lexicon).matches]
    assert names == ["Water", "Petrolatum", "Dimethicone", "Glycerin", "Retinol"]
