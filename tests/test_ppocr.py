"""PP-OCR run on onnxruntime: finding lines in the detector's map, cutting them out, decoding."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from milia_scan.ocr import ppocr

CHARSET = ("", "a", "b", "c", " ")


def _probs(columns: list[int], p: float = 0.9) -> np.ndarray:
    out = np.full((1, len(columns), len(CHARSET)), (1 - p) / (len(CHARSET) - 1), np.float32)
    for t, c in enumerate(columns):
        out[0, t, c] = p
    return out


def test_ctc_decoding_merges_repeats_and_drops_blanks() -> None:
    # a a _ a b b _ _ c  ->  "aabc": a blank between two a's keeps both
    [(text, score)] = ppocr.decode(_probs([1, 1, 0, 1, 2, 2, 0, 0, 3]), CHARSET)
    assert text == "aabc"
    assert score == pytest.approx(0.9)
    assert ppocr.decode(_probs([0, 0, 0]), CHARSET) == [("", 0.0)]
    [(spaced, _)] = ppocr.decode(_probs([1, 4, 2]), CHARSET)
    assert spaced == "a b"


def test_lines_are_found_in_the_probability_map_and_grown_by_a_margin() -> None:
    prob = np.zeros((100, 200), np.float32)
    prob[20:30, 10:110] = 0.9  # a line
    prob[60:72, 40:190] = 0.8  # another
    prob[90:92, 5:7] = 0.9  # a speck: too small
    prob[45:50, 150:160] = 0.3  # faint: above the pixel threshold, below the box threshold
    regions = ppocr.lines_in(prob, 400, 200)  # the image is twice the map's size
    assert len(regions) == 2 and all(r.bow is None for r in regions)  # straight lines
    first, second = (r.quad for r in regions)  # top to bottom
    x0, y0 = first.min(axis=0)
    x1, y1 = first.max(axis=0)
    # 100x10 in the map -> 200x20 in the image, grown on every side
    assert x0 < 20 < 220 < x1 and y0 < 40 < 60 < y1
    assert x1 - x0 < 240 and y1 - y0 < 50  # margin: area * 1.4 / perimeter, ~6 map px
    assert tuple(first[0]) == (x0, y0)  # top-left first, clockwise
    assert second.min(axis=0)[1] > y1 - 10


def _bowed_band(prob: np.ndarray, top: int, rise: int, thick: int, value: float) -> None:
    width = prob.shape[1]
    for x in range(20, width - 20):
        middle = top + rise * ((x - width / 2) / (width / 2)) ** 2
        prob[int(middle - thick / 2) : int(middle + thick / 2), x] = value


def test_a_line_bowed_across_a_curved_label_is_kept_and_unbent() -> None:
    # Two lines bowed like print round a bottle: each fills little of its rectangle.
    prob = np.zeros((200, 600), np.float32)
    _bowed_band(prob, 40, 30, 8, 0.9)
    _bowed_band(prob, 120, 30, 8, 0.9)
    regions = ppocr.lines_in(prob, 600, 200)
    assert len(regions) == 2 and all(r.bow is not None for r in regions)
    bow = regions[0].bow
    assert bow is not None and 10 < bow.height < 30  # a strip as tall as the line, not the bow
    # Cut out along the curve, the line is a straight dark strip in the middle.
    gray = np.where(prob > 0.5, 0, 255).astype(np.uint8)
    strip = ppocr.cut_out(gray, regions[0])
    assert strip.shape[0] == round(bow.height)
    middle = strip[strip.shape[0] // 2, 40:-40]
    assert middle.mean() < 30  # on the print all along
    assert strip[0, 40:-40].mean() > 200 and strip[-1, 40:-40].mean() > 200  # clear above, below


def test_detection_input_is_a_multiple_of_32_within_limits() -> None:
    assert ppocr.detection_scale((581, 984)) == (1248, 736)  # small: shorter side raised
    w, h = ppocr.detection_scale((4000, 3000))
    assert max(w, h) <= 2016 and w % 32 == 0 and h % 32 == 0 and (w, h) == (1504, 1984)
    assert ppocr.detection_scale((1000, 1200)) == (1216, 992)


def test_a_line_is_cut_out_straight_and_a_tall_one_turned() -> None:
    gray = np.full((100, 100), 255, np.uint8)
    cv2.rectangle(gray, (10, 40), (89, 49), 0, -1)
    quad = np.array([[10, 40], [90, 40], [90, 50], [10, 50]], np.float32)
    line = ppocr.cut_out(gray, ppocr.Region(quad))
    assert line.shape == (10, 80) and line.mean() < 10
    tall = np.array([[40, 10], [50, 10], [50, 90], [40, 90]], np.float32)
    assert ppocr.cut_out(gray, ppocr.Region(tall)).shape == (10, 80)


@pytest.mark.skipif(not ppocr.available(), reason="PP-OCR not installed")
def test_the_networks_read_a_printed_line() -> None:
    gray = np.full((120, 900), 255, np.uint8)
    cv2.putText(gray, "Glycerin, Dimethicone", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 2, 0, 4)
    [line] = ppocr.read(ppocr.load(), gray)
    assert line.text.replace(" ", "") == "Glycerin,Dimethicone"
    assert line.score > 0.8


@pytest.mark.skipif(not ppocr.available(), reason="PP-OCR not installed")
def test_a_full_stop_just_after_the_last_word_is_read(tmp_path: Path) -> None:
    # A one-line label cut tight: the line's region carries on past its last word, so the
    # closing full stop (which tells where the list ends) is not cut off.
    from .labels import make_label

    sets = (
        ["Glycerin", "Dimethicone", "Retinol", "Tocopherol"],
        ["Glycerin", "Dimethicone", "Allantoin", "Retinol"],
        ["Glycerin", "Dimethicone", "Niacinamide", "Retinol"],
    )
    for n, names in enumerate(sets):
        path = make_label(tmp_path / f"label-{n}.png", names)
        gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        [line] = ppocr.read(ppocr.load(), gray)
        assert line.text.endswith(names[-1] + "."), line.text


def test_a_damaged_model_says_how_to_reinstall(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from milia_scan.errors import MissingDependencyError

    paths = {name: tmp_path / f"{name}.bin" for name in ("det", "rec", "keys")}
    for path in paths.values():
        path.write_bytes(b"not a model")
    monkeypatch.setattr(
        ppocr, "model_paths", lambda variant="tiny": {k: str(v) for k, v in paths.items()}
    )
    ppocr.load.cache_clear()
    try:
        with pytest.raises(MissingDependencyError, match=r"cannot be loaded.*reinstall"):
            ppocr.load("tiny", 7)
    finally:
        ppocr.load.cache_clear()
