"""Orientation from text-line statistics: quarter turns, skew, and single vs two columns."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from milia_scan.image.orient import count_columns, detect_orientation
from milia_scan.image.preprocess import deskew, find_label_quad, flatten_quad, rotate_quarters

from .conftest import SAMPLES


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    gray = cv2.imread(str(SAMPLES / "flat" / "03-retinol-serum.png"), cv2.IMREAD_GRAYSCALE)
    assert gray is not None
    return gray


@pytest.mark.parametrize("turned", [0, 1, 2, 3])
def test_quarter_turns_are_undone(page: np.ndarray, turned: int) -> None:
    photo = np.ascontiguousarray(np.rot90(page, k=-turned))  # turned clockwise
    found = detect_orientation(photo)
    assert (turned + found.turns) % 4 == 0
    assert found.confidence > 0.3 and found.lines >= 20


@pytest.mark.parametrize("degrees", [-8.0, 5.0])
def test_skew_is_measured(page: np.ndarray, degrees: float) -> None:
    tilted, _ = deskew(page, degrees)  # counter-clockwise by `degrees`
    found = detect_orientation(tilted)
    assert found.turns == 0
    assert found.skew == pytest.approx(-degrees, abs=0.7)


def test_a_blank_page_has_no_orientation() -> None:
    found = detect_orientation(np.full((400, 300), 250, np.uint8))
    assert found.turns == 0 and found.confidence == 0.0


def test_one_column_and_two_columns(page: np.ndarray) -> None:
    assert count_columns(page) == 1
    other = cv2.imread(str(SAMPLES / "flat" / "08-gel-moisturizer.png"), cv2.IMREAD_GRAYSCALE)
    h = max(page.shape[0], other.shape[0])
    left = cv2.copyMakeBorder(page, 0, h - page.shape[0], 0, 0, cv2.BORDER_CONSTANT, value=255)
    right = cv2.copyMakeBorder(other, 0, h - other.shape[0], 0, 0, cv2.BORDER_CONSTANT, value=255)
    assert count_columns(np.hstack([left, right])) == 2


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_quarter_turn_matrix_maps_pixels_exactly(turns: int) -> None:
    rng = np.random.default_rng(turns)
    image = rng.integers(0, 255, (7, 11), dtype=np.uint8)
    turned, matrix = rotate_quarters(image, turns)
    for y in range(image.shape[0]):
        for x in range(image.shape[1]):
            cx, cy, _ = matrix @ np.array([x + 0.5, y + 0.5, 1.0])  # pixel centre
            assert turned[int(cy), int(cx)] == image[y, x]


UPRIGHT_BOTTLES = [
    "01-eye-cream",
    "02-night-balm",
    "03-retinol-serum",
    "06-aha-bha-toner",
    "09-sunscreen",
    "11-cleanser",
    "12-foundation",
]


@pytest.mark.parametrize("name", UPRIGHT_BOTTLES)
@pytest.mark.parametrize("turned", [0, 2])
def test_bowed_lines_on_a_bottle_still_tell_up_from_down(name: str, turned: int) -> None:
    # Upright photos of tightly curved bottles (samples/README.md): their lines bow, which
    # smeared the ascender/descender statistics until each line piece was levelled on its own.
    photo = cv2.imread(str(SAMPLES / "curved2" / f"{name}.jpg"), cv2.IMREAD_GRAYSCALE)
    assert photo is not None
    quad = find_label_quad(photo)
    if quad is not None:
        photo, _ = flatten_quad(photo, quad)
    photo = np.ascontiguousarray(np.rot90(photo, k=-turned))
    found = detect_orientation(photo)
    assert (turned + found.turns) % 4 == 0
