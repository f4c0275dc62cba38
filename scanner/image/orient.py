"""Which way up is the text? Quarter turns and small skew from text-line statistics.

Cheap (a few tens of milliseconds on a thumbnail) so every photo can afford it; tesseract's own
orientation detection (`--psm 0`) costs as much as a reading and is kept for when this is unsure.

- Horizontal or vertical lines: glyph-sized blobs are smeared along each axis; text lines turn
  into long thin runs along the reading direction only.
- Upright or upside down: in Latin print, ascenders and capitals (b d f h k l t, A-Z, 0-9) reach
  above the x-height band far more often than descenders (g j p q y) reach below the baseline, so
  the ink of a line piles up above its core band, not below it.
- Skew: the median angle of those line runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

WORK_GLYPH = 10.0  # px: glyph height the statistics are measured at
WORK_SIDE = 1000  # px: long side cap for the working image
MIN_LINES = 4  # fewer text-line pieces than this and the answer is "unsure"


@dataclass(frozen=True)
class Orientation:
    """How to turn the image so its text reads upright, and how sure that is."""

    turns: int  # clockwise quarter turns to apply (0-3)
    skew: float  # degrees; rotate by -skew (counter-clockwise positive, as in OpenCV) to level
    confidence: float  # 0..1; below ~0.3 the caller should double-check
    lines: int  # text-line pieces the decision rests on


def _ink_mask(gray: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Binary ink mask (dark text on light) at working scale, and that scale; None if no text."""
    h, w = gray.shape
    factor = min(1.0, WORK_SIDE / max(h, w))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    mask = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 12
    )
    glyph = _glyph_height(mask)
    if glyph is None:
        return None
    extra = WORK_GLYPH / glyph
    if extra < 0.75:  # big print: measure on a smaller image, it is faster and as reliable
        small = cv2.resize(small, None, fx=extra, fy=extra, interpolation=cv2.INTER_AREA)
        mask = cv2.adaptiveThreshold(
            small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 12
        )
        factor *= extra
    return mask, factor


def _glyph_height(mask: np.ndarray) -> float | None:
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count < 20:
        return None
    w = stats[1:, cv2.CC_STAT_WIDTH]
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    area = stats[1:, cv2.CC_STAT_AREA]
    side = np.maximum(w, h)
    glyph = (side >= 5) & (side <= mask.shape[0] / 8) & (area >= 10) & (area <= 0.8 * w * h)
    if np.count_nonzero(glyph) < 20:
        return None
    # Glyphs are about square, so this is the same whichever way the text runs.
    return float(np.median(np.sqrt(w[glyph] * h[glyph])))


def _line_runs(mask: np.ndarray, glyph: float) -> list[tuple[np.ndarray, float]]:
    """Long thin blobs from smearing glyphs horizontally: (rect, angle) per text-line piece."""
    k = max(3, round(glyph * 1.2))
    smeared = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((1, k), np.uint8))
    smeared = cv2.morphologyEx(
        smeared, cv2.MORPH_OPEN, np.ones((max(1, round(glyph * 0.3)), 1), np.uint8)
    )
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
    runs: list[tuple[np.ndarray, float]] = []
    for i in range(1, count):
        _x, _y, w, h, area = stats[i]
        if w < 4 * glyph or h < 0.5 * glyph or h > 4 * glyph or area < 0.5 * w * h:
            continue
        runs.append((stats[i], 0.0))
    return runs


def _axis_score(mask: np.ndarray, glyph: float) -> float:
    """Total length of horizontal text-line runs, in glyphs."""
    return float(sum(r[0][cv2.CC_STAT_WIDTH] for r in _line_runs(mask, glyph)) / glyph)


def _centre_slope(ys: np.ndarray, xs: np.ndarray, width: int) -> float | None:
    """Slope of a text run's centre line: the mean y per column, fitted with a straight line."""
    cols = np.bincount(xs, minlength=width)
    sums = np.bincount(xs, weights=ys, minlength=width)
    valid = cols > 0
    if np.count_nonzero(valid) < 2:
        return None
    cx = np.nonzero(valid)[0].astype(np.float64)
    return float(np.polyfit(cx, sums[valid] / cols[valid], 1)[0])


def _line_skew(mask: np.ndarray, glyph: float) -> tuple[float, int]:
    """Median angle (degrees, image y down, positive = descending to the right) of line runs."""
    k = max(3, round(glyph * 1.2))
    smeared = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((1, k), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
    angles: list[float] = []
    weights: list[float] = []
    for i in range(1, count):
        x, y, w, h, _area = stats[i]
        if w < 6 * glyph or h > 3 * glyph + w * 0.3:
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == i)
        if len(xs) < 20:
            continue
        slope = _centre_slope(ys, xs, w)
        if slope is None:
            continue
        angles.append(float(np.degrees(np.arctan(slope))))
        weights.append(float(w))
    if not angles:
        return 0.0, 0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights)[order])
    median = float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])
    return median, len(angles)


def _level_profile(part: np.ndarray) -> np.ndarray | None:
    """Ink per row of a short line piece, measured from its own centre line.

    On a bottle the lines bow, so even a short piece slopes; rows counted from a straight
    line fitted through the piece keep the core band sharp instead of smearing it.
    """
    ys, xs = np.nonzero(part)
    if len(xs) < 20:
        return None
    slope = _centre_slope(ys, xs, part.shape[1])
    if slope is None:
        return None
    offset = ys - slope * (xs - xs.mean())
    rows = np.rint(offset - offset.min()).astype(np.int64)
    return np.bincount(rows).astype(np.float64)


def _upright_votes(mask: np.ndarray, glyph: float) -> tuple[float, float, int]:
    """Ink above vs below the core band of each text-line piece, summed over the page."""
    k = max(3, round(glyph * 1.2))
    smeared = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((1, k), np.uint8))
    core = cv2.morphologyEx(
        smeared, cv2.MORPH_OPEN, np.ones((max(1, round(glyph * 0.3)), 1), np.uint8)
    )
    count, labels, stats, _ = cv2.connectedComponentsWithStats(core, connectivity=8)
    above = below = 0.0
    pieces = 0
    piece = max(8, round(glyph * 10))  # short pieces stay straight on bowed lines
    for i in range(1, count):
        x, y, w, h, _area = stats[i]
        if w < 3 * glyph or h < 0.4 * glyph or h > 4 * glyph:
            continue
        own = (labels[y : y + h, x : x + w] == i) & (mask[y : y + h, x : x + w] > 0)
        for x0 in range(0, w, piece):
            part = own[:, x0 : x0 + piece]
            if part.shape[1] < 2 * glyph:
                continue
            profile = _level_profile(part)
            if profile is None or profile.max() <= 0:
                continue
            dense = np.nonzero(profile >= 0.5 * profile.max())[0]
            top, bottom = dense[0], dense[-1]
            if bottom - top < 0.25 * glyph:
                continue
            above += float(profile[:top].sum())
            below += float(profile[bottom + 1 :].sum())
            pieces += 1
    return above, below, pieces


def detect_orientation(gray: np.ndarray) -> Orientation:
    """Quarter turns and skew for a dark-on-light grayscale page."""
    found = _ink_mask(gray)
    if found is None:
        return Orientation(0, 0.0, 0.0, 0)
    mask, _factor = found
    glyph = _glyph_height(mask) or WORK_GLYPH
    along = _axis_score(mask, glyph)
    across = _axis_score(np.ascontiguousarray(mask.T), glyph)
    vertical = across > along * 1.3
    if vertical:
        mask = np.ascontiguousarray(np.rot90(mask, k=-1))  # clockwise: lines now run across
    skew, _nlines = _line_skew(mask, glyph)
    if abs(skew) > 0.5:
        h, w = mask.shape
        rot = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
        mask = cv2.warpAffine(mask, rot, (w, h), flags=cv2.INTER_NEAREST)
    above, below, pieces = _upright_votes(mask, glyph)
    total = above + below
    upright = above >= below
    share = max(above, below) / total if total else 0.5
    axis_margin = abs(np.log((across + 1) / (along + 1)))
    confidence = float(min(1.0, (share - 0.5) * 4) * min(1.0, axis_margin / 0.7))
    if pieces < MIN_LINES:
        confidence = 0.0
    turns = (1 if vertical else 0) + (0 if upright else 2)
    return Orientation(turns % 4, skew, confidence, pieces)


def count_columns(gray: np.ndarray) -> int:
    """1 for a single column of text, 2 when a clear gutter splits the print side by side.

    Words are smeared into line runs; across the text block, the share of the page's height
    covered by runs at each x drops to about nothing in a gutter between columns, but not in
    the word gaps of one column, which fall at different places on every line.
    """
    found = _ink_mask(gray)
    if found is None:
        return 1
    mask, _factor = found
    glyph = _glyph_height(mask) or WORK_GLYPH
    k = max(3, round(glyph * 1.5))
    runs = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((1, k), np.uint8))
    runs = cv2.morphologyEx(
        runs, cv2.MORPH_OPEN, np.ones((max(1, round(glyph * 0.3)), 1), np.uint8)
    )
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    width = stats[:, cv2.CC_STAT_WIDTH]
    height = stats[:, cv2.CC_STAT_HEIGHT]
    keep = (width >= 2 * glyph) & (height >= 0.4 * glyph) & (height <= 4 * glyph)
    keep[0] = False
    if np.count_nonzero(keep) < 6:
        return 1
    text = keep[labels]
    profile = text.sum(axis=0, dtype=np.float64)
    smooth = max(1, round(glyph))
    profile = np.convolve(profile, np.ones(smooth) / smooth, mode="same")
    if profile.max() <= 0:
        return 1
    cols = np.nonzero(profile > 0.05 * profile.max())[0]
    a, b = int(cols[0]), int(cols[-1])
    if b - a < 10 * glyph:
        return 1
    lo, hi = a + (b - a) // 5, b - (b - a) // 5
    valley = lo + int(np.argmin(profile[lo:hi]))
    left, right = profile[a:valley].max(), profile[valley : b + 1].max()
    return 2 if profile[valley] < 0.1 * min(left, right) else 1
