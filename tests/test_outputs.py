"""Markdown, HTML (as text), the annotated photo, routines, and the CLI options for them."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
from click.testing import CliRunner
from milia_scan.assess.routine import RoutineItem, combine
from milia_scan.cli import cli
from milia_scan.lexicon import Lexicon
from milia_scan.output.html_report import report_html
from milia_scan.output.markdown import report_markdown
from milia_scan.pipeline import scan_image, scan_text

from .conftest import SAMPLES
from .fakes import RECORDINGS, ReplayEngine

XSS = (
    "Ingredients: Aqua, <script>document.body.setAttribute('data-pwned','1')</script>, "
    "<img src=x onerror=alert(1)>, Glycerin"
)


def test_markdown_escapes_table_cells(lexicon: Lexicon) -> None:
    md = report_markdown(
        scan_text("Ingredients: Aqua, Foo|Bar, Petrolatum", lexicon=lexicon), lexicon
    )
    assert "| 2 | *not recognised* | Foo\\|Bar |" in md
    assert md.startswith("## Milia risk:") and "Not medical advice" in md


def test_html_escapes_everything_read_from_the_label(lexicon: Lexicon) -> None:
    page = report_html(scan_text(XSS, source="<b>evil</b>.jpg", lexicon=lexicon), lexicon)
    assert "<script>document" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;evil&lt;/b&gt;.jpg" in page
    assert "default-src 'none'" in page and "script-src" not in page  # no scripts at all
    assert "http://" not in page and "https://" not in page  # fetches nothing


def test_html_photo_has_a_box_per_ingredient(lexicon: Lexicon) -> None:
    image = SAMPLES / "phone" / "09-sunscreen.jpg"
    report = scan_image(
        image, engine=ReplayEngine(RECORDINGS / "phone-09-sunscreen.tsv"), lexicon=lexicon
    )
    page = report_html(report, lexicon, image)
    assert page.count('<g class="box') == len(report.matches)
    assert page.count("<rect ") == sum(len(m.item.line_boxes) for m in report.matches)
    assert "data:image/jpeg;base64," in page


def test_annotate_writes_a_png_of_the_photo(tmp_path: Path) -> None:
    image = SAMPLES / "flat" / "02-night-balm.png"
    out = tmp_path / "boxes.png"
    result = CliRunner().invoke(
        cli, ["scan", str(image), "--annotate", str(out), "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    drawn, original = cv2.imread(str(out)), cv2.imread(str(image))
    assert drawn.shape == original.shape and (drawn != original).any()


def test_cli_writes_md_and_html_to_a_file(tmp_path: Path) -> None:
    for fmt in ("md", "html", "json", "text"):
        out = tmp_path / f"report.{fmt}"
        result = CliRunner().invoke(
            cli,
            ["text", "Eye cream. Ingredients: Aqua, Petrolatum", "--format", fmt, "-o", str(out)],
        )
        assert result.exit_code == 0 and result.stdout == ""
        assert "Petrolatum" in out.read_text(encoding="utf-8")
    assert (
        json.loads((tmp_path / "report.json").read_text())["milia_risk"]["context"]["product_type"]
        == "eye"
    )


def test_open_needs_an_output_file() -> None:
    result = CliRunner().invoke(cli, ["text", "Aqua", "--open"])
    assert result.exit_code == 2 and "--output" in result.stderr


def test_product_type_and_avoid_options() -> None:
    result = CliRunner().invoke(
        cli,
        [
            "text",
            "Aqua, Petrolatum, Dimethicone",
            "--format",
            "json",
            "--product-type",
            "rinse-off",
            "--avoid",
            "silicones",
        ],
    )
    report = json.loads(result.stdout)
    assert report["milia_risk"]["context"]["factor"] == 0.35
    assert report["avoid"] == [
        {"ingredient": "Dimethicone", "position": 3, "because": "you avoid 'silicones'"}
    ]


def test_avoid_file_in_the_user_config(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    (tmp_path / "milia-scan").mkdir()
    (tmp_path / "milia-scan" / "avoid.txt").write_text("# mine\nlanolin\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    result = CliRunner().invoke(cli, ["text", "Aqua, Lanolin", "--format", "json"])
    assert json.loads(result.stdout)["avoid"][0]["ingredient"] == "Lanolin"


def test_routine_sums_exposure_and_names_the_biggest() -> None:
    routine = combine(
        [
            RoutineItem("serum", 0, "low", ()),
            RoutineItem("balm", 80, "high", ("Petrolatum",)),
            RoutineItem("eye cream", 40, "moderate", ("Dimethicone",)),
        ]
    )
    assert [i.source for i in routine.items] == ["balm", "eye cream", "serum"]
    assert routine.score > 80 and routine.level == "high"
    assert "balm contributes most" in routine.summary and "Petrolatum" in routine.summary
    assert abs(sum(routine.share(i) for i in routine.items) - 1) < 1e-9
    assert combine([RoutineItem("gel", 0, "low", ())]).score == 0


def test_routine_cli_scans_or_reuses_stored_results(tmp_path: Path) -> None:
    from .labels import make_label

    balm = make_label(tmp_path / "balm.png", ["Petrolatum", "Lanolin", "Beeswax", "Ozokerite"])
    gel = make_label(tmp_path / "gel.png", ["Glycerin", "Panthenol", "Allantoin", "Betaine"])
    db = str(tmp_path / "r.db")
    scanned = CliRunner().invoke(cli, ["routine", str(gel), str(balm), "--format", "json"])
    assert scanned.exit_code == 0, scanned.stderr
    result = json.loads(scanned.stdout)
    assert [p["source"] for p in result["products"]] == [str(balm), str(gel)]
    assert (
        result["products"][0]["share"] == 1.0 and "balm.png contributes most" in (result["summary"])
    )
    assert CliRunner().invoke(cli, ["batch", str(tmp_path), "--db", db]).exit_code == 0
    balm.write_bytes(b"")  # the photo is gone now: only its stored result can be used
    stored = CliRunner().invoke(cli, ["routine", str(gel), str(balm), "--stored", "--db", db])
    assert stored.exit_code == 0 and "balm.png" in stored.stdout and "contributes" in stored.stdout
    rescanned = CliRunner().invoke(cli, ["routine", str(gel), str(balm)])
    assert rescanned.exit_code == 3  # without --stored the empty photo is read again


def test_annotate_labels_sit_on_a_background_and_do_not_pile_up(lexicon: Lexicon) -> None:
    from milia_scan.output.annotate import _place, annotated_pixels

    taken = [(0, 0, 20, 10)]
    assert _place((5, 0, 25, 10), taken, 100) == (21, 0, 41, 10)  # moved past the label
    assert _place((0, 20, 20, 30), taken, 100) == (0, 20, 20, 30)  # another line: stays
    assert _place((90, 0, 110, 10), [], 100) == (80, 0, 100, 10)  # kept inside the photo
    image = SAMPLES / "flat" / "02-night-balm.png"
    report = scan_image(image, lexicon=lexicon)
    drawn = annotated_pixels(report, lexicon, image)
    # each number is drawn on a filled label in its class colour: solid blocks of red that
    # survive an erosion no box outline (3 px wide here) survives
    red = (drawn[:, :, 2] == 0xD6) & (drawn[:, :, 1] == 0x27) & (drawn[:, :, 0] == 0x28)
    assert report.risk.drivers
    solid = cv2.erode(red.astype("uint8"), np.ones((6, 6), "uint8"))
    blocks = cv2.connectedComponents(solid)[0] - 1
    assert blocks >= len(report.risk.drivers) // 2  # (labels side by side touch)
