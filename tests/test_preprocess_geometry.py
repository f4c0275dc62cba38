"""Preprocessing for hard photos: polarity, glare, text block, cylinder unrolling, and boxes that
map back onto the original photo through every geometric step."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from milia_scan.image.dewarp import Cylinder, UnrolledImage, estimate_cylinder, unroll
from milia_scan.image.load import load_image
from milia_scan.image.preprocess import (
    find_text_block,
    is_light_on_dark,
    lift_faint_print,
    preprocess,
    turn_prepared,
)
from milia_scan.models import PreparedImage
from milia_scan.options import ScanOptions

from .conftest import SAMPLES


def _gray(path: str) -> np.ndarray:
    image = load_image(SAMPLES / path, ScanOptions())
    return cv2.cvtColor(image.pixels, cv2.COLOR_BGR2GRAY)


def _dark_box(gray: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(gray < 128)
    return int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_a_box_survives_quarter_turns_exactly(turns: int) -> None:
    gray = np.full((90, 160), 255, np.uint8)
    gray[20:31, 100:141] = 0  # x 100..140, y 20..30
    turned = turn_prepared(PreparedImage(gray, np.eye(3)), turns)
    assert turned.to_original(_dark_box(turned.gray)) == (100, 20, 41, 11)


def test_a_box_maps_back_through_the_cylinder() -> None:
    photo = np.full((300, 400), 255, np.uint8)
    photo[140:152, 300:316] = 0  # well off the axis, where the print is squeezed
    cylinder = Cylinder(centre=200.0, radius=150.0, bow=12.0, theta0=-1.2, theta1=1.2)
    flat = unroll(photo, cylinder)
    scale = np.diag([1.5, 1.5, 1.0])
    prepared_gray = cv2.resize(flat, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_LINEAR)
    prepared = UnrolledImage(prepared_gray, scale, before=np.eye(3), cylinder=cylinder, after=scale)
    x, y, w, h = prepared.to_original(_dark_box(prepared.gray))
    assert abs(x - 300) <= 2 and abs(y - 140) <= 2
    assert abs((x + w) - 316) <= 2 and abs((y + h) - 152) <= 2


def test_the_cylinder_is_found_on_a_bottle_and_not_on_a_flat_label() -> None:
    assert estimate_cylinder(_gray("flat/03-retinol-serum.png")) is None
    assert estimate_cylinder(_gray("phone/05-concealer.jpg")) is None
    bottle = _gray("curved/08-gel-moisturizer.jpg")
    cylinder = estimate_cylinder(bottle)
    assert cylinder is not None
    w = bottle.shape[1]
    assert 0.35 * w < cylinder.centre < 0.65 * w
    assert 0.25 * w < cylinder.radius < 0.6 * w


def test_polarity_is_judged_on_the_print() -> None:
    assert is_light_on_dark(_gray("hard/07-rich-night-cream.webp"))
    assert is_light_on_dark(_gray("hard2/01-eye-cream-dark-bottle.jpg"))
    # A dark table and a cast shadow round a light label: still dark print.
    assert not is_light_on_dark(_gray("hard2/02-night-balm-shadow.jpg"))
    assert not is_light_on_dark(_gray("flat/01-eye-cream.png"))


def test_faint_print_is_lifted_and_blank_paper_is_left_alone() -> None:
    gray = np.full((200, 400), 255, np.uint8)  # paper is white after even_out_light
    cv2.putText(gray, "Glycerin", (20, 120), cv2.FONT_HERSHEY_SIMPLEX, 2.0, 195, 5)
    lifted = lift_faint_print(gray, 22)
    assert lifted.min() < 80  # the washed-out ink (195) is dark again
    assert lifted[10:40, 10:390].min() > 240  # paper away from the print stays paper


def test_the_text_block_is_cropped_out_of_a_wide_margin() -> None:
    label = _gray("flat/02-night-balm.png")
    page = cv2.copyMakeBorder(label, 600, 600, 900, 900, cv2.BORDER_CONSTANT, value=255)
    box = find_text_block(page)
    assert box is not None
    x0, y0, x1, y1 = box
    assert 800 <= x0 <= 1000 and 500 <= y0 <= 700
    assert x1 - x0 < label.shape[1] + 200 and y1 - y0 < label.shape[0] + 200


def test_a_rotated_photo_is_turned_upright() -> None:
    prepared = preprocess(load_image(SAMPLES / "hard" / "06-aha-bha-toner.jpg", ScanOptions()))
    assert "rotate-180" in prepared.steps
    prepared = preprocess(load_image(SAMPLES / "hard" / "10-lip-balm.png", ScanOptions()))
    assert "rotate-90" in prepared.steps
    off = ScanOptions(orient=False)
    prepared = preprocess(load_image(SAMPLES / "hard" / "10-lip-balm.png", off), off)
    assert not any(step.startswith("rotate") for step in prepared.steps)


def test_a_bottle_is_unrolled() -> None:
    photo = load_image(SAMPLES / "curved" / "08-gel-moisturizer.jpg", ScanOptions())
    prepared = preprocess(photo)
    assert isinstance(prepared, UnrolledImage)
    assert any(step.startswith("unroll") for step in prepared.steps)
    h, w = prepared.gray.shape
    x, y, bw, bh = prepared.to_original((0, 0, w, h))
    # The whole unrolled page lands on the bottle, inside the photo give or take a margin.
    assert -0.1 * photo.width < x < 0.5 * photo.width and -0.1 * photo.height < y
    assert 0.3 * photo.width < bw < 1.2 * photo.width and bh < 1.2 * photo.height
