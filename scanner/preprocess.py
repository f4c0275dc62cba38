"""Stage 2: turn a camera photo into a clean grayscale page for tesseract.

Steps, each skipped when it is not needed: grayscale; find the label when it is a tilted
quadrilateral and warp it flat; make the text dark on light; rescale so the body text has an
x-height tesseract likes; divide out uneven light. Every geometric step is folded into one
homography so boxes can be mapped back onto the original photo.
"""

from __future__ import annotations

import cv2
import numpy as np

from .models import LoadedImage, PreparedImage
from .options import ScanOptions

DETECT_SIDE = 800  # long side of the thumbnail used to find the label outline
MIN_LABEL_AREA = 0.20  # a label outline must cover at least this share of the photo
MAX_LABEL_AREA = 0.97  # ...and less than this, else the photo is already the label
XHEIGHT_BAND = (
    14.0,
    36.0,
)  # px; text already in this band is not resampled (costs time, sharpness)
GLYPH_TO_XHEIGHT = 1.25  # median glyph height runs ~1.25x the x-height (caps, ascenders)


def preprocess(image: LoadedImage, options: ScanOptions | None = None) -> PreparedImage:
    options = options or ScanOptions()
    gray = cv2.cvtColor(image.pixels, cv2.COLOR_BGR2GRAY)
    transform = np.eye(3)
    steps: list[str] = ["grayscale"]

    quad = find_label_quad(gray)
    if quad is not None:
        gray, warp = flatten_quad(gray, quad)
        transform = warp @ transform
        steps.append("flatten-label")

    if is_light_on_dark(gray):
        gray = cv2.bitwise_not(gray)
        steps.append("invert")

    height = estimate_text_height(gray)
    if height is not None:
        xheight = height / GLYPH_TO_XHEIGHT
        scale = float(np.clip(options.target_xheight / xheight, 0.35, 4.0))
        if not XHEIGHT_BAND[0] <= xheight <= XHEIGHT_BAND[1]:
            interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
            gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=interp)
            transform = np.diag([scale, scale, 1.0]) @ transform
            steps.append(f"rescale-{scale:.2f}")

    gray = even_out_light(gray, options.target_xheight)
    steps.append("even-light")
    return PreparedImage(gray=gray, transform=transform, steps=tuple(steps))


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
                if fill > 0.85:
                    candidates.append((share, approx.reshape(4, 2)))
    if not candidates:
        return None
    _, best = max(candidates, key=lambda c: c[0])
    return _order_corners(best.astype(np.float32) / factor)


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
    """True when most of the page is dark, i.e. the text is the light minority."""
    small = cv2.resize(gray, (256, 256), interpolation=cv2.INTER_AREA)
    threshold, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return bool(np.mean(small < threshold) > 0.55)


def estimate_text_height(gray: np.ndarray) -> float | None:
    """Median height in px of glyph-like connected components, or None without enough text."""
    binary = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    count, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if count < 20:
        return None
    w = stats[1:, cv2.CC_STAT_WIDTH]
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    area = stats[1:, cv2.CC_STAT_AREA]
    glyph = (h >= 5) & (h <= gray.shape[0] / 8) & (w <= h * 3) & (w >= 2) & (area >= 10)
    if np.count_nonzero(glyph) < 20:
        return None
    return float(np.median(h[glyph]))


def even_out_light(gray: np.ndarray, xheight: int) -> np.ndarray:
    """Divide by an estimate of the paper's brightness, so shadows and gradients fade."""
    size = max(15, int(xheight * 1.6)) | 1
    background = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    background = cv2.GaussianBlur(background, (0, 0), size / 2)
    flat = cv2.divide(gray, background, scale=255)
    return flat
