"""A list not fully read is never called LOW (issue 12, part 1): the reading check, the
`uncertain` level in every output and in batch/results, and real photos degraded by blur,
cropping and downscaling."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from milia_scan.assess.reading_check import check_reading, honest
from milia_scan.cli import cli
from milia_scan.errors import MiliaScanError
from milia_scan.lexicon import Lexicon
from milia_scan.models import IngredientItem, IngredientList, MiliaRisk
from milia_scan.pipeline import matcher_for, scan_image, scan_text
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
PHONE = ROOT / "samples" / "phone"


def _check(lexicon: Lexicon, names: list[str], *, header: str | None, ended: bool):  # type: ignore[no-untyped-def]
    items = tuple(IngredientItem(n, raw) for n, raw in enumerate(names, 1))
    found = IngredientList(items, header, (), ended)
    return check_reading(found, matcher_for(lexicon).match_list(items), 90.0, photo=True)


def test_the_reading_check(lexicon: Lexicon) -> None:
    whole = ["Aqua", "Glycerin", "Cetearyl Alcohol", "Squalane", "Tocopherol", "Parfum"]
    assert _check(lexicon, whole, header="Ingredients:", ended=True).complete
    # the list started mid-way: no header and not a base first
    late = _check(lexicon, [*whole[2:], "Limonene", "Linalool"], header=None, ended=True)
    assert not late.start_found and not late.complete
    # cut off at the edge of the photo
    assert not _check(lexicon, whole, header="Ingredients:", ended=False).complete
    # five items read, two of them not recognised
    garbled = [*whole[:3], "Sqxxlne Pqr", "Tcphrl Zzq"]
    check = _check(lexicon, garbled, header="Ingredients:", ended=True)
    assert check.unrecognised == 2 and not check.complete
    assert "only 3 of 5 items were recognised" in check.problems()
    # too short for a whole product list
    assert not _check(lexicon, whole[:3], header="Ingredients:", ended=True).plausible


def test_an_incomplete_low_becomes_uncertain_and_a_raised_one_a_lower_bound(
    lexicon: Lexicon,
) -> None:
    check = _check(lexicon, ["Cetearyl Alcohol", "Glycerin", "Qqqx"], header=None, ended=False)
    low = MiliaRisk(4, "low", (), (), "Low milia risk: ...")
    verdict = honest(low, check)
    assert verdict.level == "uncertain" and verdict.lower_bound
    assert "not fully read" in verdict.summary and "closer" in verdict.summary
    raised = MiliaRisk(45, "moderate", (), (), "Moderate milia risk, mostly from X.")
    kept = honest(raised, check)
    assert kept.level == "moderate" and kept.lower_bound
    assert kept.summary.startswith("At least moderate")


@pytest.mark.parametrize("text", ["hello world", "Gentle care for every day. Made in Italy."])
def test_text_without_an_ingredient_list_exits_5(text: str) -> None:
    result = CliRunner().invoke(cli, ["text", text])
    assert result.exit_code == 5, result.stdout
    assert "no ingredient list" in result.stderr


def test_uncertain_in_every_output(tmp_path: Path, lexicon: Lexicon) -> None:
    listing = "Aqua, Glycerin, Xqzzy Plorb, Vrrnx Oil, Qwxz Ester"
    report = scan_text(listing, lexicon=lexicon)
    assert report.risk.level == "uncertain"
    for fmt, expect in (("json", '"uncertain"'), ("md", "UNCERTAIN"), ("html", "UNCERTAIN")):
        out = tmp_path / f"r.{fmt}"
        result = CliRunner().invoke(cli, ["text", listing, "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.stderr
        body = out.read_text(encoding="utf-8")
        assert expect in body and "Reading incomplete" in body if fmt != "json" else True
        if fmt == "json":
            data = json.loads(body)
            assert data["milia_risk"]["level"] == "uncertain"
            assert data["milia_risk"]["lower_bound"] is True
            assert data["reading"]["unrecognised"] == 3 and not data["reading"]["complete"]
    text = CliRunner().invoke(cli, ["text", listing])
    assert "UNCERTAIN" in text.stdout and "Reading incomplete" in text.stdout


def test_batch_stores_incomplete_and_results_select_uncertain(tmp_path: Path) -> None:
    from .labels import make_label

    folder = tmp_path / "in"
    folder.mkdir()
    make_label(folder / "gel.png", ["Glycerin", "Panthenol"])  # two items: not a whole list
    make_label(
        folder / "balm.png",
        ["Petrolatum", "Paraffinum Liquidum", "Cera Alba", "Lanolin", "Tocopherol", "Parfum"],
    )
    db = tmp_path / "r.db"
    assert CliRunner().invoke(cli, ["batch", str(folder), "--db", str(db)]).exit_code == 0
    rows = dict(sqlite3.connect(db).execute("SELECT path, status FROM scans").fetchall())
    assert rows[str(folder / "gel.png")] == "incomplete"
    picked = CliRunner().invoke(
        cli, ["results", "--db", str(db), "--level", "uncertain", "--format", "json"]
    )
    assert picked.exit_code == 0
    assert [r["path"] for r in json.loads(picked.stdout)] == [str(folder / "gel.png")]


def test_a_version_1_results_database_is_migrated_keeping_its_rows(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.execute(
        """CREATE TABLE scans (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,
        content_hash TEXT, size INTEGER, mtime REAL, status TEXT NOT NULL CHECK (status IN
        ('ok', 'no_ingredient_list', 'unreadable', 'error')), level TEXT, score INTEGER,
        report_json TEXT, lexicon_version TEXT NOT NULL, engine TEXT NOT NULL,
        scanner_version TEXT NOT NULL, seconds REAL, timings_json TEXT, error TEXT,
        duplicate_of TEXT, scan_count INTEGER NOT NULL DEFAULT 1, scanned_at TEXT NOT NULL)"""
    )
    con.execute(
        "INSERT INTO scans (path, status, lexicon_version, engine, scanner_version, scanned_at)"
        " VALUES ('/x.jpg', 'ok', 'v', 'tesseract', '0', 't')"
    )
    con.execute("PRAGMA user_version=1")
    con.commit()
    con.close()
    from milia_scan.jobs.store import ResultStore

    with ResultStore(db, lexicon_version="v") as store:
        store.db.execute(
            "INSERT INTO scans (path, status, lexicon_version, engine, scanner_version, "
            "scanned_at) VALUES ('/y.jpg', 'incomplete', 'v', 'auto', '0', 't')"
        )
        assert [r[0] for r in store.db.execute("SELECT path FROM scans ORDER BY path")] == [
            "/x.jpg",
            "/y.jpg",
        ]
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == 2


def _blurred(src: Path, out: Path) -> Path:
    Image.open(src).filter(ImageFilter.GaussianBlur(2)).save(out, quality=90)
    return out


def _top_cut(src: Path, out: Path) -> Path:
    img = Image.open(src)
    w, h = img.size
    img.crop((0, int(h * 0.45), w, h)).save(out, quality=90)  # the list's top part is gone
    return out


def _small(src: Path, out: Path) -> Path:
    img = Image.open(src)
    img.resize((img.width // 3, img.height // 3), Image.Resampling.BILINEAR).save(out, quality=90)
    return out


@pytest.mark.tesseract
@pytest.mark.parametrize("sample", ["05-concealer", "12-foundation", "02-night-balm"])
@pytest.mark.parametrize("degrade", [_blurred, _top_cut, _small])
def test_degraded_photos_never_come_out_low_unless_the_reading_stands(
    tmp_path: Path, lexicon: Lexicon, sample: str, degrade: object
) -> None:
    photo = degrade(PHONE / f"{sample}.jpg", tmp_path / f"{sample}.jpg")  # type: ignore[operator]
    try:
        report = scan_image(photo, lexicon=lexicon)
    except MiliaScanError:
        return  # no list found is an honest answer too (exit 5), never LOW
    assert report.reading is not None
    assert report.risk.level != "low" or report.reading.complete, (
        report.risk.summary,
        report.reading.problems(),
    )


def test_a_stretch_the_ocr_skipped_is_seen(lexicon: Lexicon) -> None:
    from milia_scan.assess.reading_check import skipped_lines

    matcher = matcher_for(lexicon)

    def items(rows: list[tuple[str, int]]):  # type: ignore[no-untyped-def]
        return matcher.match_list(
            [IngredientItem(n, raw, (10, y, 120, 20)) for n, (raw, y) in enumerate(rows, 1)]
        )

    lines = [("Aqua", 0), ("Glycerin", 30), ("Squalane", 60), ("Parfum", 90)]
    assert skipped_lines(items(lines)) == 0
    # three lines of print between Squalane and Parfum were not read
    assert skipped_lines(items([*lines[:3], ("Parfum", 180)])) == 1
    # two columns side by side are two lists of lines, not a gap
    right = [(n, y) for n, y in lines]
    both = matcher.match_list(
        [IngredientItem(1, raw, (10, y, 120, 20)) for raw, y in lines]
        + [IngredientItem(2, raw, (400, y, 120, 20)) for raw, y in right]
    )
    assert skipped_lines(both) == 0
    # an item stretched over many lines holds lines the OCR skipped...
    tall = matcher.match_list(
        [*(m.item for m in items(lines)), IngredientItem(5, "x", (10, 120, 120, 100))]
    )
    assert skipped_lines(tall) == 1
    # ...but print running up the side (a barcode's digits) is not a list line
    side = matcher.match_list(
        [*(m.item for m in items(lines)), IngredientItem(5, "6 4", (0, 0, 8, 100))]
    )
    assert skipped_lines(side) == 0


def test_a_list_that_ends_at_a_full_stop_before_other_text_has_its_end(lexicon: Lexicon) -> None:
    from milia_scan.ingredients.extract import Token, extract_ingredients

    words = ["Ingredients:", "Aqua,", "Glycerin,", "Squalane,", "Parfum,"]
    words += ["Butylphenyl", "Methylpropional.", "250", "g"]
    tokens = [Token(w, (10 * i, 0, 9, 10), (0, 0, 0)) for i, w in enumerate(words)]
    found = extract_ingredients(tokens, support=matcher_for(lexicon).support)
    assert found.items[-1].raw == "Butylphenyl Methylpropional"
    assert found.ended
    cut = extract_ingredients(tokens[:-3], support=matcher_for(lexicon).support)
    assert not cut.ended  # the list runs to the edge of what was read


def test_lines_read_with_low_confidence_are_counted(lexicon: Lexicon) -> None:
    from milia_scan.ingredients.extract import Token, extract_ingredients

    lines = [
        ("Ingredients: Aqua, Glycerin,", 95.0),
        ("Squalane, Dimethicone,", 40.0),
        ("Phenoxyethanol, Parfum.", 90.0),
    ]
    tokens = [
        Token(w, (0, 20 * n, 50, 15), (0, 0, n), conf)
        for n, (text, conf) in enumerate(lines)
        for w in text.split()
    ]
    found = extract_ingredients(tokens, support=matcher_for(lexicon).support)
    assert (found.lines, found.low_confidence_lines) == (3, 1)
    reading = check_reading(found, matcher_for(lexicon).match_list(found.items), 75.0, photo=True)
    assert reading.to_json()["low_confidence_lines"] == 1
    assert reading.complete  # a hint shown in the report, not a reason on its own


def test_a_list_with_photo_below_it_ended_there_one_cut_by_the_edge_did_not(
    lexicon: Lexicon,
) -> None:
    import numpy as np
    from milia_scan.models import LoadedImage, PreparedImage
    from milia_scan.ocr.reading import on_photo

    items = tuple(IngredientItem(n, "Aqua", (10, 20 * n, 200, 15)) for n in range(1, 7))
    open_end = IngredientList(items, "Ingredients", ended=False)
    prepared = PreparedImage(np.zeros((300, 300), np.uint8), np.eye(3))

    def photo(height: int) -> LoadedImage:
        return LoadedImage(Path("x.jpg"), np.zeros((height, 300, 3), np.uint8), "JPEG")

    assert on_photo(prepared, photo(300), open_end).ended  # 165 px of photo below the list
    assert not on_photo(prepared, photo(140), open_end).ended  # the list runs to the edge
