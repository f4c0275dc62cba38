"""The photo with every ingredient read boxed and coloured by its class."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from milia_scan.errors import InputFileError
from milia_scan.image.load import load_image
from milia_scan.lexicon import Lexicon, Role
from milia_scan.models import Match, Report

# class -> (label for a key, RGB hex)
CLASSES = {
    "risky": ("raises milia risk", "#d62728"),
    "helpful": ("helps", "#2ca02c"),
    "neutral": ("neutral", "#1f77b4"),
    "unrecognised": ("not recognised", "#ff7f0e"),
}


def class_of(match: Match, lexicon: Lexicon) -> str:
    roles = {lexicon.categories[c].role for c in match.categories if c in lexicon.categories}
    if Role.driver in roles:
        return "risky"
    if Role.mitigator in roles:
        return "helpful"
    return "neutral" if match.entry is not None else "unrecognised"


def _bgr(hex_colour: str) -> tuple[int, int, int]:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return (b, g, r)


def annotated_pixels(report: Report, lexicon: Lexicon, image: Path) -> np.ndarray:
    """The original photo (EXIF-oriented, BGR) with a numbered box per ingredient."""
    pixels = load_image(image).pixels.copy()
    thickness = max(2, round(max(pixels.shape[:2]) / 600))
    for m in report.matches:
        if m.item.box is None:
            continue
        x, y, w, h = m.item.box
        colour = _bgr(CLASSES[class_of(m, lexicon)][1])
        cv2.rectangle(pixels, (x, y), (x + w, y + h), colour, thickness)
        cv2.putText(
            pixels,
            str(m.item.position),
            (x, max(12, y - 3)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.4 * thickness,
            colour,
            max(1, thickness // 2),
            cv2.LINE_AA,
        )
    return pixels


def write_annotated(report: Report, lexicon: Lexicon, image: Path, target: Path) -> None:
    ok, data = cv2.imencode(".png", annotated_pixels(report, lexicon, image))
    if not ok:  # pragma: no cover - encoding a valid array does not fail
        raise InputFileError(f"{target}: could not encode the annotated image")
    try:
        target.write_bytes(data.tobytes())
    except OSError as exc:
        raise InputFileError(
            f"{target}: cannot write the annotated image ({exc.strerror})"
        ) from None
