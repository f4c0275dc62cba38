"""Stage 2: turn a camera photo into a clean grayscale page for tesseract.

Steps, each skipped when it is not needed: grayscale; find the label when it is a tilted
quadrilateral and warp it flat; make the text dark on light (judged on the print); turn it
upright (quarter turns and small skew, `milia_scan.image.orient`); unroll a label wrapped
round a bottle
(`milia_scan.image.dewarp`); crop to the block of print; rescale so the body text has an
x-height
tesseract likes (measured on text lines); divide out uneven light, shadows and glare bands, and
lift the print a glare has washed out. Every geometric step is kept so boxes map back onto the
original photo: one homography, or (after unrolling) homography, cylinder, homography.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import cv2
import numpy as np
from milia_scan.image.dewarp import Cylinder, UnrolledImage, estimate_cylinder, unroll
from milia_scan.image.orient import detect_orientation
from milia_scan.models import LoadedImage, PreparedImage
from milia_scan.options import TARGET_XHEIGHT, ScanOptions

DETECT_SIDE = 800  # long side of the thumbnail used to find the label outline
MIN_LABEL_AREA = 0.20  # a label outline must cover at least this share of the photo
MAX_LABEL_AREA = 0.97  # ...and less than this, else the photo is already the label
MAX_TEXT_CUT = 0.05  # an outline whose edge runs through print (glyph px per px) is not the label
XHEIGHT_BAND = (
    12.0,
    36.0,
)  # px; text already in this band is not resampled (costs time, sharpness)
GLYPH_TO_XHEIGHT = 1.25  # median glyph height runs ~1.25x the x-height (caps, ascenders)
LIFT_FLOOR = 80.0  # grey levels: the least ink contrast `lift_faint_print` assumes
MIN_SKEW = 1.0  # degrees; tesseract reads lines this close to level as well as level ones
MAX_PREPARED_PIXELS = 16_000_000  # never upscale past this: a wrong text size costs minutes
POLARITY_SIDE = 1000  # px: long side of the thumbnail the polarity is judged on
MAX_BLOCK_SHARE = 0.9  # a text block this big is the page: no crop
MIN_TEXT_MARKS = 30  # letter-like marks needed before the print's polarity is trusted


@dataclass
class Geometry:
    """The geometric steps so far: homography, then maybe a cylinder, then homography."""

    before: np.ndarray = field(default_factory=lambda: np.eye(3))
    cylinder: Cylinder | None = None
    after: np.ndarray = field(default_factory=lambda: np.eye(3))
    upright_confidence: float = 1.0

    def then(self, matrix: np.ndarray) -> None:
        if self.cylinder is None:
            self.before = matrix @ self.before
        else:
            self.after = matrix @ self.after

    def prepared(self, gray: np.ndarray, steps: list[str]) -> PreparedImage:
        if self.cylinder is None:
            return PreparedImage(
                gray=gray,
                transform=self.before,
                steps=tuple(steps),
                upright_confidence=self.upright_confidence,
            )
        return UnrolledImage(
            gray=gray,
            transform=self.after @ self.before,
            steps=tuple(steps),
            upright_confidence=self.upright_confidence,
            before=self.before,
            cylinder=self.cylinder,
            after=self.after,
        )


def preprocess(image: LoadedImage, options: ScanOptions | None = None) -> PreparedImage:
    options = options or ScanOptions()
    gray = cv2.cvtColor(image.pixels, cv2.COLOR_BGR2GRAY)
    geometry = Geometry()
    steps: list[str] = ["grayscale"]

    quad = find_label_quad(gray)
    if quad is not None:
        gray, warp = flatten_quad(gray, quad)
        geometry.then(warp)
        steps.append("flatten-label")

    if is_light_on_dark(gray):
        gray = cv2.bitwise_not(gray)
        steps.append("invert")

    if options.orient:
        orientation = detect_orientation(gray)
        geometry.upright_confidence = orientation.confidence
        if orientation.turns:
            gray, turn = rotate_quarters(gray, orientation.turns)
            geometry.then(turn)
            steps.append(f"rotate-{90 * orientation.turns}")
        if abs(orientation.skew) >= MIN_SKEW:
            gray, tilt = deskew(gray, orientation.skew)
            geometry.then(tilt)
            steps.append(f"deskew-{orientation.skew:+.1f}")

    if options.dewarp:
        cylinder = estimate_cylinder(gray)
        if cylinder is not None:
            gray = unroll(gray, cylinder)
            geometry.cylinder = cylinder
            steps.append(f"unroll-{np.degrees(cylinder.theta1 - cylinder.theta0):.0f}deg")

    block = find_text_block(gray)
    if block is not None:
        x0, y0, x1, y1 = block
        gray = np.ascontiguousarray(gray[y0:y1, x0:x1])
        geometry.then(np.array([[1.0, 0.0, -x0], [0.0, 1.0, -y0], [0.0, 0.0, 1.0]]))
        steps.append("crop-text")

    height = estimate_text_height(gray)
    if height is not None:
        xheight = height / GLYPH_TO_XHEIGHT
        scale = float(np.clip(options.target_xheight / xheight, 0.35, 4.0))
        scale = min(scale, float(np.sqrt(MAX_PREPARED_PIXELS / gray.size)))
        if not XHEIGHT_BAND[0] <= xheight <= XHEIGHT_BAND[1]:
            interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
            gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=interp)
            geometry.then(np.diag([scale, scale, 1.0]))
            steps.append(f"rescale-{scale:.2f}")

    gray = even_out_light(gray, options.target_xheight)
    steps.append("even-light")
    gray = lift_faint_print(gray, options.target_xheight)
    steps.append("lift-print")
    return geometry.prepared(gray, steps)


def rotate_quarters(gray: np.ndarray, turns: int) -> tuple[np.ndarray, np.ndarray]:
    """Turn clockwise by `turns` quarter turns; the exact matrix on pixel-edge coordinates."""
    h, w = gray.shape[:2]
    turns %= 4
    matrix = {
        0: np.eye(3),
        1: np.array([[0.0, -1.0, h], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),
        2: np.array([[-1.0, 0.0, w], [0.0, -1.0, h], [0.0, 0.0, 1.0]]),
        3: np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, w], [0.0, 0.0, 1.0]]),
    }[turns]
    return np.ascontiguousarray(np.rot90(gray, k=-turns)), matrix


def deskew(gray: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate by `degrees` (counter-clockwise positive) on a canvas that keeps every corner."""
    h, w = gray.shape[:2]
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(rot[0, 0]), abs(rot[0, 1])
    nw, nh = round(h * sin + w * cos), round(h * cos + w * sin)
    rot[0, 2] += nw / 2 - w / 2
    rot[1, 2] += nh / 2 - h / 2
    out = cv2.warpAffine(
        gray, rot, (nw, nh), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return out, np.vstack([rot, [0.0, 0.0, 1.0]])


def _order_corners(pts: np.ndarray) -> np.ndarray:
    """Order four points as top-left, top-right, bottom-right, bottom-left."""
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()
    return np.array(
        [pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]],
        dtype=np.float32,
    )


def find_label_quad(gray: np.ndarray) -> np.ndarray | None:
    """The label's four corners in full-resolution pixels, or None when none is clear."""
    h, w = gray.shape
    factor = DETECT_SIDE / max(h, w)
    small = (
        cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        if factor < 1
        else gray
    )
    factor = min(factor, 1.0)
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    area = small.shape[0] * small.shape[1]
    candidates = []
    print_mask: np.ndarray | None = None  # glyph pixels of either polarity, made when needed
    _, otsu = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    edges = cv2.dilate(cv2.Canny(blur, 40, 120), np.ones((3, 3), np.uint8))
    kernel = np.ones((9, 9), np.uint8)
    for mask in (otsu, cv2.bitwise_not(otsu), edges):
        closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
        contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
            share = cv2.contourArea(contour) / area
            if not MIN_LABEL_AREA <= share <= MAX_LABEL_AREA:
                continue
            hull = cv2.convexHull(contour)
            peri = cv2.arcLength(hull, True)
            approx = cv2.approxPolyDP(hull, 0.02 * peri, True)
            if len(approx) == 4 and cv2.isContourConvex(approx):
                # Prefer outlines that fill their hull: a real label, not a scatter of text.
                fill = cv2.contourArea(contour) / max(cv2.contourArea(approx), 1.0)
                if fill <= 0.85:
                    continue
                if print_mask is None:
                    print_mask = _glyph_mask(small) | _glyph_mask(cv2.bitwise_not(small))
                if _text_cut(approx, print_mask) <= MAX_TEXT_CUT:
                    candidates.append((share, approx.reshape(4, 2)))
    if not candidates:
        return None
    _, best = max(candidates, key=lambda c: c[0])
    return _order_corners(best.astype(np.float32) / factor)


def _glyph_mask(small: np.ndarray) -> np.ndarray:
    """Pixels of glyph-sized dark marks (print), without long rules, borders or shadows."""
    binary = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 10
    )
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    keep = (
        (stats[:, cv2.CC_STAT_HEIGHT] < small.shape[0] / 20)
        & (stats[:, cv2.CC_STAT_WIDTH] < small.shape[1] / 10)
        & (stats[:, cv2.CC_STAT_AREA] >= 4)
    )
    keep[0] = False
    return keep[labels]


def _text_cut(quad: np.ndarray, print_mask: np.ndarray) -> float:
    """Print pixels under the outline, per pixel of outline: ~0 for a label's real edge."""
    outline = np.zeros(print_mask.shape, np.uint8)
    cv2.polylines(outline, [quad.reshape(-1, 1, 2).astype(np.int32)], True, 255, 3)
    crossed = np.count_nonzero(print_mask & (outline > 0))
    return crossed / max(cv2.arcLength(quad.reshape(-1, 1, 2).astype(np.float32), True), 1.0)


def flatten_quad(gray: np.ndarray, quad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tl, tr, br, bl = quad
    width = round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32
    )
    warp = cv2.getPerspectiveTransform(quad, target)
    flat = cv2.warpPerspective(
        gray, warp, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return flat, warp.astype(np.float64)


def is_light_on_dark(gray: np.ndarray) -> bool:
    """True when the print is lighter than what it is printed on.

    Decided on the print itself: the polarity whose marks look like text (glyph-sized, with a
    neighbour of about the same size beside them on the same line) wins. Counting dark pixels
    instead is fooled by a dark table round a small light label, or a shadow across it. Only
    when neither polarity shows text does the share of dark pixels decide.
    """
    factor = min(1.0, POLARITY_SIDE / max(gray.shape))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    dark = _text_marks(small)
    light = _text_marks(cv2.bitwise_not(small))
    if max(dark, light) >= MIN_TEXT_MARKS:
        return light > 1.3 * dark
    thumb = cv2.resize(gray, (256, 256), interpolation=cv2.INTER_AREA)
    threshold, _ = cv2.threshold(thumb, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return bool(np.mean(thumb < threshold) > 0.55)


def _text_marks(small: np.ndarray) -> int:
    """How many dark marks look like letters in a line: glyph-shaped, with a like neighbour."""
    centres, _sizes = _line_marks(small)
    return len(centres)


def _line_marks(small: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centres and sizes of dark marks that look like letters in a line, either way round."""
    binary = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 12
    )
    _count, labels, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    w = stats[:, cv2.CC_STAT_WIDTH].astype(np.float64)
    h = stats[:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    area = stats[:, cv2.CC_STAT_AREA]
    limit = max(small.shape) / 15
    glyph = (
        (np.maximum(w, h) >= 6)
        & (np.maximum(w, h) <= limit)
        & (np.minimum(w, h) >= 2)
        & (area >= 0.15 * w * h)
        & (area <= 0.9 * w * h)
    )
    glyph[0] = False
    if np.count_nonzero(glyph) < 5:
        return centroids[:0], w[:0]
    size = float(np.median(np.maximum(w, h)[glyph]))
    marks = glyph[labels].astype(np.uint8)
    # Lines may run either way (a photo turned sideways): keep the direction with more pairs.
    across = _paired(marks, labels, glyph, (1, max(3, round(size * 1.3))))
    down = _paired(marks, labels, glyph, (max(3, round(size * 1.3)), 1))
    keep = across if np.count_nonzero(across) >= np.count_nonzero(down) else down
    return centroids[keep], np.maximum(w, h)[keep]


def _paired(
    marks: np.ndarray, labels: np.ndarray, glyph: np.ndarray, kernel: tuple[int, int]
) -> np.ndarray:
    """Which marks merge with another mark when smeared along the line direction."""
    smeared = cv2.morphologyEx(marks, cv2.MORPH_CLOSE, np.ones(kernel, np.uint8))
    _n, runs = cv2.connectedComponents(smeared, connectivity=8)
    on = marks > 0
    # The run each mark belongs to, and how many marks each run holds.
    mark_run = np.zeros(len(glyph), np.int64)
    mark_run[labels[on]] = runs[on]
    per_run = np.bincount(mark_run[glyph], minlength=int(runs.max()) + 1)
    return glyph & (per_run[mark_run] >= 2)


def find_text_block(gray: np.ndarray) -> tuple[int, int, int, int] | None:
    """The box (x0, y0, x1, y1) round the main block of print, or None when it is the page.

    Letter-like marks are counted on a coarse grid; the largest patch of busy cells is the
    text. Cropping to it keeps a table's grain or a bottle's edges out of every later step
    and out of OCR, which also reads fewer pixels.
    """
    factor = min(1.0, POLARITY_SIDE / max(gray.shape))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    centres, sizes = _line_marks(small)
    if len(sizes) < MIN_TEXT_MARKS:
        return None
    cell = max(4.0, 2.0 * float(np.median(sizes)))
    gh, gw = int(small.shape[0] / cell) + 1, int(small.shape[1] / cell) + 1
    grid = np.zeros((gh, gw), np.uint8)
    np.add.at(grid, ((centres[:, 1] / cell).astype(int), (centres[:, 0] / cell).astype(int)), 1)
    busy = cv2.morphologyEx(
        (grid >= 2).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)
    )
    count, labels, _stats, _ = cv2.connectedComponentsWithStats(busy, connectivity=8)
    if count < 2:
        return None
    weight = [int(grid[labels == k].sum()) for k in range(1, count)]
    best = 1 + int(np.argmax(weight))
    rows, cols = np.nonzero(labels == best)
    margin = 3.0 * float(np.median(sizes))
    x0 = max(0.0, cols.min() * cell - margin) / factor
    y0 = max(0.0, rows.min() * cell - margin) / factor
    x1 = min(small.shape[1], (cols.max() + 1) * cell + margin) / factor
    y1 = min(small.shape[0], (rows.max() + 1) * cell + margin) / factor
    h, w = gray.shape
    box = (int(x0), int(y0), min(w, int(np.ceil(x1))), min(h, int(np.ceil(y1))))
    if (box[2] - box[0]) * (box[3] - box[1]) > MAX_BLOCK_SHARE * w * h:
        return None
    return box


def estimate_text_height(gray: np.ndarray) -> float | None:
    """Median height in px of the glyphs on text lines, or None without enough text.

    Only marks with a like neighbour on the same line count, so wood grain, speckle and the
    edges of a bottle do not pass for print.
    """
    binary = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if count < 20:
        return None
    w = stats[:, cv2.CC_STAT_WIDTH]
    h = stats[:, cv2.CC_STAT_HEIGHT]
    area = stats[:, cv2.CC_STAT_AREA]
    glyph = (h >= 5) & (h <= gray.shape[0] / 8) & (w <= h * 3) & (w >= 2) & (area >= 10)
    glyph[0] = False
    if np.count_nonzero(glyph) < 20:
        return None
    typical = float(np.median(h[glyph]))
    marks = glyph[labels].astype(np.uint8)
    in_line = _paired(marks, labels, glyph, (1, max(3, round(typical * 1.2))))
    if np.count_nonzero(in_line) < 20:
        return typical
    return float(np.median(h[in_line]))


def even_out_light(gray: np.ndarray, xheight: int) -> np.ndarray:
    """Divide by an estimate of the paper's brightness, so shadows, gradients and glare fade.

    The paper is the brightest pixel in a window a little over half a glyph wide and about two
    lines tall (every such window reaches the gap between two lines); narrow across, so a glare
    band or the shading of a bottle a few letters wide is followed, not averaged away.
    """
    kw = max(5, int(xheight * 0.6)) | 1
    kh = max(15, int(xheight * 5)) | 1
    background = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (kw, kh)))
    background = cv2.GaussianBlur(background, (0, 0), sigmaX=kw * 0.25, sigmaY=kh * 0.15)
    return cv2.divide(gray, background, scale=255)


def lift_faint_print(gray: np.ndarray, xheight: int) -> np.ndarray:
    """Stretch print that glare or low contrast has washed out back to dark ink.

    Glare adds light to ink and paper alike; paper is already white after `even_out_light`,
    so glare shows as ink gone grey. The darkest pixel in a window of about one glyph by three
    lines is that window's ink level; stretching [ink level, white] to [black, white] restores
    the print. The stretch is capped (at least LIFT_FLOOR grey levels of contrast are assumed),
    so blank paper, whose "ink level" is only its noise, is not blown up into speckle.
    """
    kw = max(3, int(xheight * 1.5)) | 1
    kh = max(3, int(xheight * 4)) | 1
    ink = cv2.erode(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (kw, kh)))
    ink = cv2.blur(ink, (kw, kh)).astype(np.float32)
    contrast = np.maximum(255.0 - ink, LIFT_FLOOR)
    lifted = 255.0 - (255.0 - gray.astype(np.float32)) * (255.0 / contrast)
    return np.clip(lifted, 0, 255).astype(np.uint8)


def _moved(prepared: PreparedImage, gray: np.ndarray, move: np.ndarray, step: str) -> PreparedImage:
    """The prepared image replaced by `gray`, which is the old one moved by the homography
    `move`, its mapping to the photo kept (through the cylinder of an unrolled label too)."""
    steps = (*prepared.steps, step)
    if isinstance(prepared, UnrolledImage):
        return replace(
            prepared,
            gray=gray,
            transform=move @ prepared.transform,
            after=move @ prepared.after,
            steps=steps,
        )
    return replace(prepared, gray=gray, transform=move @ prepared.transform, steps=steps)


def turn_prepared(prepared: PreparedImage, turns: int) -> PreparedImage:
    """The prepared image turned clockwise by quarter turns, its mapping to the photo kept."""
    gray, turn = rotate_quarters(prepared.gray, turns)
    return _moved(prepared, gray, turn, f"rotate-{90 * (turns % 4)}")


def crop_prepared(prepared: PreparedImage, box: tuple[int, int, int, int]) -> PreparedImage:
    """The part of the prepared image inside `box` (clipped), its mapping to the photo kept:
    a second engine then reads only the ingredient block."""
    height, width = prepared.gray.shape[:2]
    x, y, w, h = box
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(width, x + w), min(height, y + h)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return prepared
    shift = np.array([[1.0, 0.0, -x0], [0.0, 1.0, -y0], [0.0, 0.0, 1.0]])
    gray = np.ascontiguousarray(prepared.gray[y0:y1, x0:x1])
    return _moved(prepared, gray, shift, f"crop-{x0},{y0},{x1 - x0}x{y1 - y0}")


def invert_prepared(prepared: PreparedImage, xheight: int = TARGET_XHEIGHT) -> PreparedImage:
    """The prepared image with its polarity flipped (light print read as dark)."""
    gray = cv2.bitwise_not(prepared.gray)
    gray = lift_faint_print(even_out_light(gray, xheight), xheight)
    return replace(prepared, gray=gray, steps=(*prepared.steps, "invert"))
