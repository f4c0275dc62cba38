"""The photo with every ingredient read boxed and coloured by its class."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from milia_scan.errors import OutputError
from milia_scan.image.load import load_image
from milia_scan.lexicon import Lexicon, Role
from milia_scan.models import Match, Report
from milia_scan.options import ANNOTATE_SUFFIXES
from PIL import Image, ImageDraw, ImageFont

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


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return (r, g, b)


Rect = tuple[int, int, int, int]  # x0, y0, x1, y1


def _overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place(want: Rect, taken: list[Rect], width: int) -> Rect:
    """The label's rectangle: where wanted, else moved right past the labels already drawn
    (numbers of neighbouring names would pile up on one spot)."""
    x0, y0, x1, y1 = want
    for _ in range(20):
        hit = next((t for t in taken if _overlaps((x0, y0, x1, y1), t)), None)
        if hit is None:
            break
        shift = hit[2] + 1 - x0
        x0, x1 = x0 + shift, x1 + shift
    if x1 > width:  # off the right edge: back inside, wherever it lands
        x0, x1 = max(0, width - (x1 - x0)), width
    return (x0, y0, x1, y1)


def annotated_pixels(report: Report, lexicon: Lexicon, image: Path) -> np.ndarray:
    """The original photo (EXIF-oriented, BGR) with a box per line of each ingredient read,
    coloured by class, and its position number on a label of the same colour."""
    pixels = load_image(image).pixels
    photo = Image.fromarray(cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB))
    draw = ImageDraw.Draw(photo)
    thickness = max(2, round(max(pixels.shape[:2]) / 600))
    heights = sorted(b[3] for m in report.matches for b in m.item.line_boxes)
    line = heights[len(heights) // 2] if heights else 20
    font = ImageFont.load_default(size=max(10, round(0.55 * line)))
    taken: list[Rect] = []
    for m in report.matches:
        boxes = m.item.line_boxes
        if not boxes:
            continue
        colour = _rgb(CLASSES[class_of(m, lexicon)][1])
        for x, y, w, h in boxes:
            draw.rectangle((x, y, x + w, y + h), outline=colour, width=thickness)
        text = str(m.item.position)
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        pad = max(1, thickness)
        tw, th = right - left + 2 * pad, bottom - top + 2 * pad
        x, y = boxes[0][0], boxes[0][1]
        want = (x, max(0, y - th), x + tw, max(0, y - th) + th)
        x0, y0, x1, y1 = _place(want, taken, photo.width)
        taken.append((x0, y0, x1, y1))
        draw.rectangle((x0, y0, x1, y1), fill=colour)
        draw.text((x0 + pad - left, y0 + pad - top), text, fill=(255, 255, 255), font=font)
    return cv2.cvtColor(np.asarray(photo), cv2.COLOR_RGB2BGR)


def write_annotated(report: Report, lexicon: Lexicon, image: Path, target: Path) -> None:
    suffix = target.suffix.lower() if target.suffix.lower() in ANNOTATE_SUFFIXES else ".png"
    ok, data = cv2.imencode(suffix, annotated_pixels(report, lexicon, image))
    if not ok:  # pragma: no cover - encoding a valid array does not fail
        raise OutputError(f"{target}: could not encode the annotated image")
    try:
        target.write_bytes(data.tobytes())
    except OSError as exc:
        raise OutputError(
            f"{target}: cannot write the annotated image ({exc.strerror})"
        ) from None
