"""HTML reports in a real browser: every sample renders with its boxes and rows; label text and
file names never run as script; the batch page's own sorting script does."""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner
from milia_scan.cli import cli
from milia_scan.errors import MiliaScanError
from milia_scan.lexicon import Lexicon
from milia_scan.output.html_report import report_html
from milia_scan.pipeline import scan_image, scan_text

from .browser import dump_dom, ensure_chromium, screenshot
from .conftest import TIERS, sample_images
from .labels import make_label

pytestmark = pytest.mark.tesseract

PWN = "document.body.setAttribute('data-pwned','1')"


@pytest.fixture(scope="module")
def chromium() -> str:
    return ensure_chromium()


def test_every_sample_report_renders_with_boxes_and_rows(
    chromium: str, lexicon: Lexicon, tmp_path: Path
) -> None:
    rendered = 0
    for tier in TIERS:
        for image in sample_images(tier):
            try:
                report = scan_image(image, lexicon=lexicon)
            except MiliaScanError:
                continue  # a photo with no list read has no report (the CLI exits 5)
            page = tmp_path / f"{tier}-{image.stem}.html"
            page.write_text(report_html(report, lexicon, image), encoding="utf-8")
            dom = dump_dom(chromium, page)
            assert "Milia risk" in dom
            boxes = sum(1 for m in report.matches if m.item.box is not None)
            assert len(re.findall(r'<g class="box ', dom)) == boxes > 0
            assert len(re.findall(r'<tr class="ingredient ', dom)) == len(report.matches)
            rendered += 1
    assert rendered >= 44  # of 48 samples; the hard tier holds unreadable rotations


def test_a_report_screenshot_shows_the_photo_and_gauge(
    chromium: str, lexicon: Lexicon, tmp_path: Path
) -> None:
    image = sample_images("phone")[1]
    page = tmp_path / "report.html"
    page.write_text(
        report_html(scan_image(image, lexicon=lexicon), lexicon, image), encoding="utf-8"
    )
    png = tmp_path / "shot.png"
    screenshot(chromium, page, png)
    shot = cv2.imread(str(png))
    assert shot is not None and shot.shape[:2] == (1600, 1100)
    # the page is not blank: the photo and the red/amber/green gauge are drawn
    assert shot.std() > 20
    red = (shot[:, :, 2] > 180) & (shot[:, :, 1] < 80) & (shot[:, :, 0] < 80)
    assert red.sum() > 200


def test_label_text_never_runs_as_script(chromium: str, lexicon: Lexicon, tmp_path: Path) -> None:
    text = (
        f'Ingredients: Aqua, <script>{PWN}</script>, <img src=x onerror="{PWN}">, '
        'Glycerin, <svg onload="' + PWN + '"></svg>'
    )
    page = tmp_path / "xss.html"
    page.write_text(report_html(scan_text(text, lexicon=lexicon), lexicon), encoding="utf-8")
    dom = dump_dom(chromium, page)
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]
    assert "&lt;script&gt;" in dom  # shown as text


def test_batch_page_sorts_and_escapes_file_names(chromium: str, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    make_label(folder / "balm.png", ["Petrolatum", "Lanolin", "Beeswax", "Ozokerite"])
    evil = folder / f'<img src=x onerror="{PWN}">.png'
    make_label(evil, ["Glycerin", "Panthenol", "Allantoin", "Betaine"])
    page = tmp_path / "batch.html"
    result = CliRunner().invoke(
        cli,
        [
            "batch",
            str(folder),
            "--db",
            str(tmp_path / "r.db"),
            "--format",
            "html",
            "--out",
            str(page),
        ],
    )
    assert result.exit_code == 0, result.stderr
    dom = dump_dom(chromium, page)
    body_tag = dom.split("<body", 1)[1].split(">", 1)[0]
    assert "data-pwned" not in body_tag
    assert 'data-sortable="ready"' in dom  # the page's own script ran
    assert dom.count('<tr class="product ') == 2
    assert dom.count('<img class="thumb"') == 2


def test_readme_screenshot_exists() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    match = re.search(r"!\[[^\]]*\]\(([^)]+\.png)\)", readme)
    assert match, "the README shows a screenshot of a real report"
    png = Path(__file__).resolve().parent.parent / match.group(1)
    shot = cv2.imread(str(png))
    assert shot is not None and np.asarray(shot).std() > 20


def test_chromium_is_found_or_the_skip_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from . import browser

    monkeypatch.setattr(browser, "find_chromium", lambda: None)
    monkeypatch.setattr(browser.os, "geteuid", lambda: 1000)
    with pytest.raises(pytest.skip.Exception, match="chromium"):
        browser.ensure_chromium()
