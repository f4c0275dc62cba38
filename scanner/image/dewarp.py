"""Unroll a label wrapped round a bottle: a cylinder model fitted to the text itself.

A label on a cylinder of radius R, seen from the front, shows a point at angle theta round the
axis at x = c + R sin(theta): print is squeezed sideways by cos(theta) toward the edges while its
height is unchanged. So the width-to-height ratio of letters, measured across the label, traces
a * cos(theta(x)); fitting that curve gives the axis c and the radius R, with no need to see the
bottle's outline. Seen from a little above or below, text lines also bow by b * (1 - cos theta);
b is fitted on the text-line centres. Unrolling maps u = R * theta back to x.

The mapping is not a homography, so `UnrolledImage` (a `PreparedImage`) maps boxes back to the
photo through the cylinder exactly, point by point.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from milia_scan.models import Box, PreparedImage

WORK_SIDE = 1600  # px: long side of the image the letter shapes are measured on
BINS = 16  # columns across the label
MIN_GLYPHS_PER_BIN = 15
MAX_THETA = np.radians(76.0)  # never unroll further round than this: the print is edge-on
MIN_SQUEEZE = 0.85  # unroll only when the edge print is squeezed to this share or less
MAX_RESIDUAL = 0.4  # ...and the cylinder explains the letter shapes this much better than flat


@dataclass(frozen=True)
class Cylinder:
    """A vertical cylinder in image pixels: axis at x = centre, radius, line bow, unrolled span."""

    centre: float
    radius: float
    bow: float = 0.0  # px: a line at angle theta sits bow * (1 - cos theta) lower in the photo
    theta0: float = 0.0  # angle at the left edge of the unrolled image
    theta1: float = 0.0  # ...and at its right edge

    @property
    def width(self) -> int:
        return max(1, round(self.radius * (self.theta1 - self.theta0)))

    def to_photo(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unrolled (u, v) -> image (x, y) before unrolling."""
        theta = self.theta0 + u / self.radius
        x = self.centre + self.radius * np.sin(theta)
        y = v + self.bow * (1.0 - np.cos(theta))
        return x, y


def _letter_shapes(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Per column bin: median width/height of letter-sized components; bin centres; scale."""
    h, w = gray.shape
    factor = min(1.0, WORK_SIDE / max(h, w))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    mask = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 12
    )
    count, _, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count < 50:
        return None
    cw = stats[1:, cv2.CC_STAT_WIDTH].astype(np.float64)
    ch = stats[1:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    area = stats[1:, cv2.CC_STAT_AREA]
    ok = (ch >= 5) & (ch < mask.shape[0] / 10) & (area >= 10)
    if np.count_nonzero(ok) < 50:
        return None
    typical = float(np.median(ch[ok]))
    # Letters of about the common height, not merged into pairs: their shape is the font's.
    letter = ok & (ch >= 0.8 * typical) & (ch <= 1.3 * typical) & (cw <= 1.5 * ch)
    x = centroids[1:, 0][letter] / mask.shape[1]
    aspect = cw[letter] / ch[letter]
    index = np.clip((x * BINS).astype(int), 0, BINS - 1)
    medians = np.full(BINS, np.nan)
    for i in range(BINS):
        here = aspect[index == i]
        if len(here) >= MIN_GLYPHS_PER_BIN:
            medians[i] = float(np.median(here))
    centres = (np.arange(BINS) + 0.5) / BINS
    return centres, medians, factor


def _fit(centres: np.ndarray, shapes: np.ndarray) -> tuple[float, float, float] | None:
    """Best (c, R, residual ratio) for shapes ~ a * sqrt(1 - ((x - c) / R)^2), in label widths."""
    valid = ~np.isnan(shapes)
    if np.count_nonzero(valid) < 6:
        return None
    x, y = centres[valid], shapes[valid]
    flat = float(np.sum((y - y.mean()) ** 2))
    if flat <= 0:
        return None
    cs = np.linspace(0.25, 0.75, 51)[:, None, None]
    rs = np.linspace(0.35, 3.0, 107)[None, :, None]
    z = (x[None, None, :] - cs) / rs
    inside = np.all(np.abs(z) < 0.97, axis=2)
    model = np.sqrt(np.clip(1.0 - z**2, 1e-6, None))
    a = np.sum(model * y, axis=2) / np.sum(model * model, axis=2)
    residual = np.sum((y - a[..., None] * model) ** 2, axis=2)
    residual = np.where(inside, residual, np.inf)
    i, j = np.unravel_index(int(np.argmin(residual)), residual.shape)
    return float(cs[i, 0, 0]), float(rs[0, j, 0]), float(residual[i, j] / flat)


def _fit_bow(gray: np.ndarray, centre: float, radius: float) -> float:
    """Common bow b of the text lines (px), from the centre line of each smeared line run."""
    h, w = gray.shape
    factor = min(1.0, 1000 / max(h, w))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    mask = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 12
    )
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count < 20:
        return 0.0
    glyph = float(np.median(stats[1:, cv2.CC_STAT_HEIGHT]))
    k = max(3, round(glyph * 1.2))
    runs = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((1, k), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    num = den = 0.0
    c, r = centre * factor, radius * factor
    for i in range(1, count):
        x, y, rw, rh, _area = stats[i]
        if rw < 0.3 * small.shape[1] or rh > 4 * glyph:
            continue
        ys, xs = np.nonzero(labels[y : y + rh, x : x + rw] == i)
        cols = np.bincount(xs, minlength=rw)
        sums = np.bincount(xs, weights=ys, minlength=rw)
        keep = cols > 0
        cx = np.nonzero(keep)[0] + x
        cy = sums[keep] / cols[keep]
        g = 1.0 - np.sqrt(np.clip(1.0 - ((cx - c) / r) ** 2, 0.0, 1.0))
        g -= g.mean()
        cy = cy - cy.mean()
        num += float(np.sum(g * cy))
        den += float(np.sum(g * g))
    return num / den / factor if den > 0 else 0.0


def estimate_cylinder(gray: np.ndarray) -> Cylinder | None:
    """The cylinder a label is wrapped round, or None when the print is not squeezed sideways."""
    found = _letter_shapes(gray)
    if found is None:
        return None
    centres, shapes, _factor = found
    fitted = _fit(centres, shapes)
    if fitted is None:
        return None
    c, r, residual = fitted
    valid = ~np.isnan(shapes)
    reach = float(np.max(np.abs(centres[valid] - c)) / r)
    squeeze = float(np.sqrt(max(0.0, 1.0 - reach**2)))
    if residual > MAX_RESIDUAL or squeeze > MIN_SQUEEZE:
        return None
    w = gray.shape[1]
    centre, radius = c * w, r * w
    theta0 = max(-MAX_THETA, float(np.arcsin(np.clip(-centre / radius, -1, 1))))
    theta1 = min(MAX_THETA, float(np.arcsin(np.clip((w - centre) / radius, -1, 1))))
    bow = _fit_bow(gray, centre, radius)
    if abs(bow) > 0.25 * radius:  # not a plausible viewing angle: leave lines as they are
        bow = 0.0
    return Cylinder(centre, radius, bow, theta0, theta1)


def unroll(gray: np.ndarray, cylinder: Cylinder) -> np.ndarray:
    """The label as if peeled off the bottle and laid flat."""
    h = gray.shape[0]
    width = cylinder.width
    u = np.arange(width, dtype=np.float64) + 0.5
    v = np.arange(h, dtype=np.float64) + 0.5
    xs, _ = cylinder.to_photo(u, np.zeros_like(u))
    theta = cylinder.theta0 + u / cylinder.radius
    shift = cylinder.bow * (1.0 - np.cos(theta))
    map_x = np.broadcast_to((xs - 0.5).astype(np.float32), (h, width))
    map_y = ((v - 0.5)[:, None] + shift[None, :]).astype(np.float32)
    return cv2.remap(
        gray,
        np.ascontiguousarray(map_x),
        map_y,
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )


def _apply(h: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pts = h @ np.vstack([x, y, np.ones_like(x)])
    return pts[0] / pts[2], pts[1] / pts[2]


@dataclass(frozen=True, eq=False)
class UnrolledImage(PreparedImage):
    """A prepared image with a cylinder unrolled along the way.

    original --before (homography)--> image on the bottle --cylinder--> unrolled
    --after (homography)--> prepared. `transform` holds after @ before, the straight part only;
    `to_original` goes through the cylinder exactly.
    """

    before: np.ndarray = field(default_factory=lambda: np.eye(3))
    cylinder: Cylinder = Cylinder(0.0, 1.0)
    after: np.ndarray = field(default_factory=lambda: np.eye(3))

    def to_original(self, box: Box) -> Box:
        x, y, w, h = box
        # Points along the outline: the unrolled box is curved on the photo.
        t = np.linspace(0.0, 1.0, 9)
        xs = np.concatenate([x + w * t, x + w * t, np.full(9, x), np.full(9, x + w)])
        ys = np.concatenate([np.full(9, y), np.full(9, y + h), y + h * t, y + h * t])
        u, v = _apply(np.linalg.inv(self.after), xs.astype(np.float64), ys.astype(np.float64))
        px, py = self.cylinder.to_photo(u, v)
        ox, oy = _apply(np.linalg.inv(self.before), px, py)
        x0, y0 = np.floor(ox.min()), np.floor(oy.min())
        x1, y1 = np.ceil(ox.max()), np.ceil(oy.max())
        return (int(x0), int(y0), int(x1 - x0), int(y1 - y0))
