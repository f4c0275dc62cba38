"""The HTML pages people look at, in headless Chromium: one box per line of a wrapped name that
boxes no neighbour, a report laid out for a phone (nothing runs off the side, the list on the
first screen), and a results page with a summary, risk colours and a working link per row."""

from __future__ import annotations

import json
import re
from itertools import combinations
from pathlib import Path

import pytest
from milia_scan.jobs.store import StoredResult
from milia_scan.lexicon import Lexicon
from milia_scan.output.html_report import batch_html, report_html
from milia_scan.output.report import to_json
from milia_scan.pipeline import scan_image, scan_text

from .browser import dump_dom, ensure_chromium, measure_at_width
from .conftest import SAMPLES

pytestmark = pytest.mark.tesseract
CONCEALER = SAMPLES / "phone" / "05-concealer.jpg"


@pytest.fixture(scope="module")
def chromium() -> str:
    return ensure_chromium()


def _rects(group: str) -> list[tuple[float, float, float, float]]:
    return [
        tuple(float(v) for v in m)  # type: ignore[misc]
        for m in re.findall(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"', group)
    ]


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Area shared by two rectangles over the smaller one's area."""
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h) / max(1.0, min(a[2] * a[3], b[2] * b[3]))


def test_a_wrapped_name_gets_a_box_per_line_that_boxes_no_neighbour(
    chromium: str, lexicon: Lexicon, tmp_path: Path
) -> None:
    report = scan_image(CONCEALER, lexicon=lexicon)
    page = tmp_path / "report.html"
    page.write_text(report_html(report, lexicon, CONCEALER), encoding="utf-8")
    dom = dump_dom(chromium, page)
    groups = re.findall(r'<g class="box [a-z]+".*?</g>', dom, re.S)
    assert len(groups) == sum(1 for m in report.matches if m.item.box is not None)
    boxes = [_rects(g) for g in groups]
    assert max(len(b) for b in boxes) >= 2  # the crosspolymer runs over two lines
    for one, other in combinations(boxes, 2):
        assert all(_overlap(a, b) < 0.25 for a in one for b in other)
    data = json.loads(to_json(report))
    wrapped = [i for i in data["ingredients"] if len(i["boxes"]) > 1]
    assert wrapped and all(len(i["box"]) == 4 for i in wrapped)


def test_the_report_fits_a_phone_and_shows_the_list_on_the_first_screen(
    chromium: str, lexicon: Lexicon, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    page.write_text(
        report_html(scan_image(CONCEALER, lexicon=lexicon), lexicon, CONCEALER), encoding="utf-8"
    )
    script = (
        "JSON.stringify({overflow: document.documentElement.scrollWidth - window.innerWidth,"
        " top: document.querySelector('table.ingredients').getBoundingClientRect().top,"
        " screen: window.innerHeight, width: window.innerWidth})"
    )
    m = json.loads(measure_at_width(chromium, page, script, 420))
    assert m["width"] == 420
    assert m["overflow"] <= 0  # nothing runs off the side
    assert m["top"] < m["screen"]  # the ingredient list starts on the first screen


def test_the_results_page_summarises_colours_and_links_every_row(
    chromium: str, lexicon: Lexicon, tmp_path: Path
) -> None:
    rows = []
    for n, (text, level) in enumerate(
        [
            ("Petrolatum, Paraffinum Liquidum, Lanolin, Cera Alba, Tocopherol", "high"),
            ("Aqua, Glycerin, Sodium Hyaluronate, Panthenol, Phenoxyethanol", "low"),
        ]
    ):
        report = scan_text(text, lexicon=lexicon)
        assert report.risk.level == level
        rows.append(
            StoredResult(
                f"/photos/<b>{n}</b>.jpg",
                None,
                None,
                "ok",
                level,
                report.risk.score,
                to_json(report),
                lexicon.version,
                "text",
                None,
                None,
                1,
                0.1,
                "now",
            )
        )
    rows.append(
        StoredResult(
            "/photos/bad.jpg",
            None,
            None,
            "error",
            None,
            None,
            None,
            lexicon.version,
            "auto",
            "not an image",
            None,
            1,
            0.1,
            "now",
        )
    )
    page = tmp_path / "results.html"
    page.write_text(batch_html(rows), encoding="utf-8")
    dom = dump_dom(chromium, page)
    assert "3 products: 1 high, 1 low, 1 error." in dom
    assert 'class="product level-high"' in dom and 'class="product level-low"' in dom
    targets = re.findall(r'<a href="#(p-\d+)">', dom)
    assert len(targets) == 3
    for target in targets:
        assert f'id="{target}"' in dom
    assert "&lt;b&gt;0&lt;/b&gt;" in dom  # file names are text
    width = measure_at_width(
        chromium, page, "document.documentElement.scrollWidth - window.innerWidth", 420
    )
    assert int(float(width)) <= 0
