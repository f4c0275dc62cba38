"""Bullets between items that tesseract reads as letters or signs become words '•' of their
own, where the image shows a solid dot there."""

from __future__ import annotations

import cv2
import numpy as np
from milia_scan.models import OcrWord
from milia_scan.ocr.engine import with_bullets

CHAR = 12  # pixels per character
TOP, HEIGHT = 20, 20  # where the line's words stand and how tall they are


def _page(text: str, mark: str = "dot", at: int | None = None) -> tuple[np.ndarray, OcrWord]:
    """A line of one word as tesseract read it, over an image with letters drawn as strokes
    and, at character `at`, a solid dot, a ring (a letter's counter) or nothing."""
    gray = np.full((60, 40 + CHAR * len(text)), 255, np.uint8)
    for i in range(len(text)):
        if i != at:
            x = 10 + i * CHAR + CHAR // 2
            cv2.line(gray, (x, TOP), (x, TOP + HEIGHT - 1), 0, 2)  # a letter: a thin stroke
    if at is not None:
        ys, xs = np.mgrid[: gray.shape[0], : gray.shape[1]]
        middle = (xs - (10 + at * CHAR + CHAR / 2)) ** 2 + (ys - (TOP + HEIGHT / 2)) ** 2
        if mark == "dot":
            gray[middle <= 4.5**2] = 0
        elif mark == "ring":
            gray[(middle <= 4.5**2) & (middle >= 2.5**2)] = 0
    word = OcrWord(text, 88.0, (10, TOP, CHAR * len(text), HEIGHT), 1, 1, 1)
    return gray, word


def _texts(words: tuple[OcrWord, ...]) -> list[str]:
    return [w.text for w in words]


def test_a_bullet_read_as_a_letter_glued_to_two_names_splits_them() -> None:
    gray, word = _page("IsononanoatesTalc", at=12)
    out = with_bullets([word], gray)
    assert _texts(out) == ["Isononanoate", "•", "Talc"]
    left, bullet, right = out
    assert left.box[0] + left.box[2] <= bullet.box[0] < right.box[0]
    assert all(w.line_id == word.line_id for w in out)


def test_a_bullet_read_at_the_start_or_end_of_a_name_or_alone() -> None:
    gray, word = _page("*Mica", at=0)
    assert _texts(with_bullets([word], gray)) == ["•", "Mica"]
    gray, word = _page("Glycole", at=6)
    assert _texts(with_bullets([word], gray)) == ["Glycol", "•"]
    gray, word = _page("@", at=0)
    assert _texts(with_bullets([word], gray)) == ["•"]


def test_without_a_solid_dot_in_the_image_the_word_stays_as_read() -> None:
    gray, word = _page("Isopropyl Myristates".replace(" ", ""), at=None)
    assert with_bullets([word], gray) == (word,)
    # A ring is a letter's counter ('o', 'e'), not a bullet.
    gray, word = _page("IsononanoatesTalc", mark="ring", at=12)
    assert with_bullets([word], gray) == (word,)


def test_a_dot_where_the_word_has_no_letter_a_bullet_could_be_read_as_is_left() -> None:
    # 'Talc:Mica' keeps its colon; 'Linalool' is not cut inside a run of small letters.
    gray, word = _page("Talc:Mica", at=4)
    assert with_bullets([word], gray) == (word,)
    gray, word = _page("Linaloolsoft", at=8)
    assert with_bullets([word], gray) == (word,)
