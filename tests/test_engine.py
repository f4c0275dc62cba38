"""OCR engines: choosing one, PP-OCR missing, and readings chosen by evidence."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from milia_scan.errors import BadArgsError, MissingDependencyError, OcrError
from milia_scan.image.load import load_image
from milia_scan.lexicon import Lexicon
from milia_scan.models import OcrResult, OcrWord, PreparedImage
from milia_scan.ocr import lines as ppocr_lines
from milia_scan.ocr import ppocr
from milia_scan.ocr.engine import (
    TesseractEngine,
    engine_for,
    fallback_engine_for,
    missing_engine_warning,
    parse_tsv,
)
from milia_scan.ocr.reading import evidence_for, read_label
from milia_scan.options import ScanOptions
from milia_scan.pipeline import matcher_for, scan_image

from .conftest import SAMPLES
from .fakes import RECORDINGS


def _words(text: str, conf: float = 95.0) -> OcrResult:
    words = [
        OcrWord(word, conf, (10 * i, 10 * line, 9, 9), 1, 1, line)
        for line, row in enumerate(text.splitlines(), start=1)
        for i, word in enumerate(row.split())
    ]
    return OcrResult("fake", tuple(words))


GOOD = _words("Ingredients: Aqua, Glycerin, Dimethicone,\nPetrolatum, Squalane.")
POOR = _words("Ingrdnts: Aqx, Glyxxrn, Dmthcn,\nPtrltm, Sqln.", conf=40.0)


class Scripted:
    """An engine that returns one scripted reading per call."""

    def __init__(self, name: str, *results: OcrResult) -> None:
        self.name = name
        self.results = list(results)
        self.seen: list[PreparedImage] = []

    def read(self, image: PreparedImage) -> OcrResult:
        self.seen.append(image)
        return self.results[min(len(self.seen), len(self.results)) - 1]


@pytest.fixture()
def prepared() -> PreparedImage:
    return PreparedImage(np.full((200, 300), 255, np.uint8), np.eye(3), ("grayscale",))


def test_the_default_engine_is_ppocr_with_tesseract_beside_it() -> None:
    assert isinstance(engine_for(ScanOptions()), ppocr.PpOcrEngine)
    assert isinstance(fallback_engine_for(ScanOptions()), TesseractEngine)
    assert fallback_engine_for(ScanOptions(engine="tesseract")) is None
    assert fallback_engine_for(ScanOptions(engine="ppocr")) is None


def test_an_unknown_engine_is_a_usage_error_and_the_old_name_still_works() -> None:
    with pytest.raises(BadArgsError, match="tesseract, ppocr, auto"):
        ScanOptions(engine="paddle")
    assert ScanOptions(engine="rapidocr").engine == "ppocr"


def test_without_ppocr_auto_reads_with_tesseract_and_ppocr_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "onnxruntime" else real(name, *a),
    )
    with pytest.raises(MissingDependencyError, match=r"pip install --force-reinstall milia-scan"):
        engine_for(ScanOptions(engine="ppocr"))
    auto = ScanOptions(engine="auto")
    assert isinstance(engine_for(auto), TesseractEngine)
    assert fallback_engine_for(auto) is None
    warning = missing_engine_warning(auto)
    assert warning is not None and "only tesseract read this photo" in warning


def test_ppocr_lines_become_words_lines_and_paragraphs() -> None:
    boxes = [
        [[10, 110], [300, 110], [300, 140], [10, 140]],
        [[10, 10], [200, 10], [200, 40], [10, 40]],
        [[10, 45], [250, 45], [250, 75], [10, 75]],
    ]
    texts = ["Directions: apply daily.", "Ingredients:Aqua,", "Glycerin,Squalane."]
    result = ppocr_lines.lines_to_result(boxes, texts, [0.9, 0.99, 0.95])
    assert result.engine == "ppocr"
    assert result.text == "Ingredients: Aqua,\nGlycerin, Squalane.\n\nDirections: apply daily."
    first = result.words[0]
    assert first.text == "Ingredients:" and first.conf == 99.0
    x, y, w, h = first.box
    assert x == 10 and y == 10 and h == 30 and 0 < w < 190
    assert ppocr_lines.lines_to_result(None, None, None).words == ()


def test_a_good_first_reading_is_the_only_pass(
    lexicon: Lexicon, prepared: PreparedImage, tmp_path: Path
) -> None:
    engine = Scripted("fake", GOOD, POOR)
    fallback = Scripted("backup", POOR)
    image = load_image(SAMPLES / "flat" / "02-night-balm.png", ScanOptions())
    matcher = matcher_for(lexicon)
    reading = read_label(
        image, prepared, engine, lambda r: evidence_for(r, matcher), ScanOptions(), fallback
    )
    assert reading.ocr is GOOD and reading.tried == ("first",)
    assert len(engine.seen) == 1 and not fallback.seen


def test_a_poor_reading_is_read_again_and_the_best_kept(
    lexicon: Lexicon, prepared: PreparedImage
) -> None:
    engine = Scripted("fake", POOR, POOR, POOR)
    fallback = Scripted("backup", GOOD)
    image = load_image(SAMPLES / "flat" / "02-night-balm.png", ScanOptions())
    matcher = matcher_for(lexicon)
    reading = read_label(
        image, prepared, engine, lambda r: evidence_for(r, matcher), ScanOptions(), fallback
    )
    assert reading.ocr is GOOD and reading.tried[0] == "first" and reading.tried[-1] == "backup"
    assert "invert" in reading.tried and len(engine.seen) >= 2
    assert reading.evidence.recognised == 5 and reading.retry_seconds > 0


def test_retries_can_be_switched_off(lexicon: Lexicon, prepared: PreparedImage) -> None:
    engine = Scripted("fake", POOR, GOOD)
    image = load_image(SAMPLES / "flat" / "02-night-balm.png", ScanOptions())
    matcher = matcher_for(lexicon)
    options = ScanOptions(retry=False)
    reading = read_label(image, prepared, engine, lambda r: evidence_for(r, matcher), options)
    assert reading.ocr is POOR and len(engine.seen) == 1


def test_a_replayed_reading_needs_one_pass(lexicon: Lexicon) -> None:
    recording = RECORDINGS / "phone-09-sunscreen.tsv"
    engine = Scripted("tesseract", parse_tsv(recording.read_text(encoding="utf-8")))
    report = scan_image(SAMPLES / "phone" / "09-sunscreen.jpg", engine=engine, lexicon=lexicon)
    assert len(engine.seen) == 1 and report.ocr_engine == "tesseract"
    assert "ocr_retry" not in report.timings


@pytest.mark.tesseract
@pytest.mark.skipif(not ppocr.available(), reason="PP-OCR not installed")
def test_ppocr_reads_a_sample(lexicon: Lexicon) -> None:
    report = scan_image(
        SAMPLES / "phone" / "02-night-balm.jpg", ScanOptions(engine="ppocr"), lexicon=lexicon
    )
    assert report.ocr_engine == "ppocr"
    names = {m.name for m in report.matches}
    assert {"Petrolatum", "Mineral Oil", "Squalane"} <= names


NOTHING = _words("a ee | =F", conf=28.0)  # what tesseract makes of upside-down print


def test_an_unsure_upside_down_guess_is_turned_before_asking_osd(
    lexicon: Lexicon, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []
    monkeypatch.setattr("milia_scan.ocr.tesseract.run_osd", lambda *a, **k: asked.append(a))
    unsure = PreparedImage(
        np.arange(200 * 300, dtype=np.uint32).reshape(200, 300).astype(np.uint8),
        np.eye(3),
        ("grayscale", "rotate-180"),
        upright_confidence=0.1,
    )
    engine = Scripted("fake", NOTHING, GOOD)
    image = load_image(SAMPLES / "flat" / "02-night-balm.png", ScanOptions())
    matcher = matcher_for(lexicon)
    reading = read_label(image, unsure, engine, lambda r: evidence_for(r, matcher))
    assert reading.tried == ("first", "turn-180") and reading.ocr is GOOD
    assert not asked  # tesseract's orientation detection costs more than a reading: not needed
    turned = engine.seen[1]
    assert np.array_equal(turned.gray, unsure.gray[::-1, ::-1])
    assert reading.prepared is turned


def test_a_sure_orientation_goes_to_osd_instead(
    lexicon: Lexicon, prepared: PreparedImage, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []
    monkeypatch.setattr("milia_scan.ocr.tesseract.run_osd", lambda *a, **k: asked.append(a))
    engine = Scripted("fake", NOTHING, GOOD)
    image = load_image(SAMPLES / "flat" / "02-night-balm.png", ScanOptions())
    matcher = matcher_for(lexicon)
    reading = read_label(image, prepared, engine, lambda r: evidence_for(r, matcher))
    assert asked and "turn-180" not in reading.tried


MOSTLY = _words("Ingredients: Aqua, Glycerin, Dimethicone,\nPetrolatum, Squalane, Lanojxn.")


def test_auto_asks_the_second_engine_about_a_good_reading_with_an_unknown_item(
    lexicon: Lexicon, prepared: PreparedImage
) -> None:
    image = load_image(SAMPLES / "flat" / "02-night-balm.png", ScanOptions())
    matcher = matcher_for(lexicon)
    engine = Scripted("fake", MOSTLY)
    alone = read_label(image, prepared, engine, lambda r: evidence_for(r, matcher))
    assert alone.evidence.good and not alone.evidence.complete
    assert alone.tried == ("first",) and len(engine.seen) == 1  # tesseract alone: no retries

    complete = replace(
        _words("Ingredients: Aqua, Glycerin, Dimethicone,\nPetrolatum, Squalane, Lanolin."),
        engine="backup",
    )
    fallback = Scripted("backup", complete)
    engine = Scripted("fake", MOSTLY)
    reading = read_label(
        image, prepared, engine, lambda r: evidence_for(r, matcher), ScanOptions(), fallback
    )
    assert reading.tried == ("first", "backup")
    assert len(engine.seen) == 1  # the main engine is not read again: its reading was good
    # The two readings are fused: the item the first misread comes from the second engine.
    assert reading.ingredients is not None
    items = {i.raw: i.engine for i in reading.ingredients.items}
    assert items["Lanolin"] == "backup" and items["Aqua"] == "fake"
    assert reading.engines == ("fake", "backup")


def test_ppocr_lines_in_two_columns_read_one_column_after_the_other() -> None:
    def box(x: int, y: int, w: int) -> list[list[int]]:
        return [[x, y], [x + w, y], [x + w, y + 20], [x, y + 20]]

    lines = [
        (box(10, 0, 500), "Body Lotion for dry skin"),  # a heading across both columns
        (box(10, 40, 200), "Ingredients: Aqua,"),
        (box(260, 40, 200), "Dimethicone,"),
        (box(10, 70, 200), "Glycerin, Cetearyl"),
        (box(260, 70, 200), "Parfum, Linalool,"),
        (box(10, 100, 200), "Alcohol, Petrolatum,"),
        (box(260, 100, 200), "Limonene."),
        (box(10, 140, 500), "Directions: apply daily to clean skin."),
    ]
    result = ppocr_lines.lines_to_result(
        [b for b, _ in lines], [t for _, t in lines], [0.9] * len(lines)
    )
    assert result.text.split("\n\n") == [
        "Body Lotion for dry skin",
        "Ingredients: Aqua,\nGlycerin, Cetearyl\nAlcohol, Petrolatum,",
        "Dimethicone,\nParfum, Linalool,\nLimonene.",
        "Directions: apply daily to clean skin.",
    ]
    # One column of lines of different lengths is not cut into two.
    single = [(box(10, 30 * n, 150 + 60 * (n % 3)), f"line {n}") for n in range(8)]
    one = ppocr_lines.lines_to_result([b for b, _ in single], [t for _, t in single], [0.9] * 8)
    assert [w.text for w in one.words][::2] == ["line"] * 8
    assert len({w.block for w in one.words}) == 1


def test_ppocr_lines_beside_a_narrow_column_of_other_text_are_read_apart_from_it() -> None:
    """A sidebar (an address) at the right edge, and page numbers set close in the left margin,
    each interleaved row by row with a list: the list is read whole, then the other text."""

    def box(x: int, y: int, w: int, h: int = 20) -> list[list[int]]:
        return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]

    lines = [
        (box(100, 10, 900), "Ingredients: Aqua, Glycerin, Helianthus"),
        (box(1040, 20, 120), "Titular: NSO"),
        (box(100, 40, 900), "Annuus Seed Oil, Sweet Almond"),
        (box(70, 62, 24), "8"),
        (box(1040, 50, 120), "Torre E,"),
        (box(100, 70, 900), "Protein, Dimethicone, Petrolatum,"),
        (box(1040, 80, 120), "Piso 3"),
        (box(70, 92, 24), "4"),
        (box(100, 100, 600), "Tocopherol."),
        (box(70, 122, 24), "5"),
        (box(100, 130, 600), "May contain: CI 77491."),
    ]
    result = ppocr_lines.lines_to_result(
        [b for b, _ in lines], [t for _, t in lines], [0.9] * len(lines)
    )
    assert result.text.split("\n\n") == [
        "8\n4\n5",
        "Ingredients: Aqua, Glycerin, Helianthus\nAnnuus Seed Oil, Sweet Almond\n"
        "Protein, Dimethicone, Petrolatum,\nTocopherol.\nMay contain: CI 77491.",
        "Titular: NSO\nTorre E,\nPiso 3",
    ]


class Started(Scripted):
    """A second engine that can start reading beside the first (as tesseract does)."""

    def __init__(self, name: str, *results: OcrResult) -> None:
        super().__init__(name, *results)
        self.events: list[str] = []

    def start(self, image: PreparedImage) -> Any:
        engine = self
        engine.events.append("start")

        class Running:
            def result(self) -> OcrResult:
                engine.events.append("result")
                return engine.read(image)

            def stop(self) -> None:
                engine.events.append("stop")

        return Running()


def test_with_a_core_to_spare_the_second_engine_reads_from_the_start(
    lexicon: Lexicon, prepared: PreparedImage
) -> None:
    image = load_image(SAMPLES / "flat" / "02-night-balm.png", ScanOptions())
    matcher = matcher_for(lexicon)
    parallel = ScanOptions(parallel=True)
    complete = replace(
        _words("Ingredients: Aqua, Glycerin, Dimethicone,\nPetrolatum, Squalane, Lanolin."),
        engine="backup",
    )
    # The first reading leaves an item unknown: the second engine's reading, started with
    # the first, is waited for and fused; every pass is recorded with its engine.
    fallback = Started("backup", complete)
    reading = read_label(
        image,
        prepared,
        Scripted("fake", MOSTLY),
        lambda r: evidence_for(r, matcher),
        parallel,
        fallback,
    )
    assert fallback.events == ["start", "result", "stop"]
    assert fallback.seen == [prepared]  # the whole image, not a block cut from it
    assert reading.ingredients is not None
    assert {i.raw: i.engine for i in reading.ingredients.items}["Lanolin"] == "backup"
    assert [name for name, _ in reading.passes] == ["first", "backup"]
    # A complete first reading needs no help: the second engine is stopped unread.
    fallback = Started("backup", complete)
    reading = read_label(
        image,
        prepared,
        Scripted("fake", GOOD),
        lambda r: evidence_for(r, matcher),
        parallel,
        fallback,
    )
    assert fallback.events == ["start", "stop"] and not fallback.seen
    # Without a core to spare it reads only when needed, and only the list block.
    fallback = Started("backup", complete)
    read_label(
        image,
        prepared,
        Scripted("fake", MOSTLY),
        lambda r: evidence_for(r, matcher),
        ScanOptions(),
        fallback,
    )
    assert fallback.events == [] and fallback.seen and fallback.seen[0] is not prepared


def test_a_stopped_scan_stops_the_reading_beside_it(
    lexicon: Lexicon, prepared: PreparedImage
) -> None:
    class Broken(Scripted):
        def read(self, image: PreparedImage) -> OcrResult:
            raise OcrError("the first engine failed")

    fallback = Started("backup", GOOD)
    image = load_image(SAMPLES / "flat" / "02-night-balm.png", ScanOptions())
    matcher = matcher_for(lexicon)
    with pytest.raises(OcrError):
        read_label(
            image,
            prepared,
            Broken("fake"),
            lambda r: evidence_for(r, matcher),
            ScanOptions(parallel=True),
            fallback,
        )
    assert fallback.events == ["start", "stop"]


def test_beside_a_second_engine_a_straightened_image_read_poorly_is_also_read_plain(
    lexicon: Lexicon, prepared: PreparedImage
) -> None:
    # Deskewing can hurt a low-resolution photo. When tesseract already reads beside PP-OCR,
    # a poor first reading of a reshaped image is read once more without the reshaping.
    image = load_image(SAMPLES / "flat" / "02-night-balm.png", ScanOptions())
    matcher = matcher_for(lexicon)
    reshaped = replace(prepared, steps=("grayscale", "deskew-+1.1"))
    unsure = replace(MOSTLY, words=tuple(replace(w, conf=40.0) for w in MOSTLY.words))
    engine = Scripted("fake", unsure, GOOD)
    fallback = Started("backup", GOOD)
    reading = read_label(
        image,
        reshaped,
        engine,
        lambda r: evidence_for(r, matcher),
        ScanOptions(parallel=True),
        fallback,
    )
    assert reading.tried == ("first", "plain") and reading.ocr is GOOD
    assert fallback.events == ["start", "stop"]  # the plain reading was complete
    # Without a core to spare, the second engine reads the list block instead.
    engine = Scripted("fake", unsure, GOOD)
    reading = read_label(
        image, reshaped, engine, lambda r: evidence_for(r, matcher), ScanOptions(), fallback
    )
    assert "plain" not in reading.tried and reading.tried[-1] == "backup"


def test_an_unsure_quarter_turn_that_found_no_list_is_undone_first(
    lexicon: Lexicon, prepared: PreparedImage
) -> None:
    # The orientation step turned an upright photo sideways (bowed lines fooled it): the
    # photo as it was, not yet another turn, is read next.
    image = load_image(SAMPLES / "flat" / "02-night-balm.png", ScanOptions())
    matcher = matcher_for(lexicon)
    turned = replace(prepared, steps=("grayscale", "rotate-270"), upright_confidence=0.1)
    garbage = _words("P3 BeH5IM 3enXel uned benx3", conf=50.0)
    engine = Scripted("fake", garbage, GOOD)
    reading = read_label(image, turned, engine, lambda r: evidence_for(r, matcher))
    assert reading.tried == ("first", "plain") and reading.ocr is GOOD
    # A sure quarter turn is not undone first.
    sure = replace(turned, upright_confidence=0.9)
    engine = Scripted("fake", garbage, GOOD)
    reading = read_label(image, sure, engine, lambda r: evidence_for(r, matcher))
    assert reading.tried[1] != "plain"
