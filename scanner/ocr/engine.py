"""Stage 3: OCR. An engine turns a prepared image into words with boxes and confidences.

`PpOcrEngine` (`milia_scan.ocr.ppocr`: PP-OCRv6 on onnxruntime) reads first by default,
with `TesseractEngine` beside it; `engine_for(options)` builds the first engine the options
name and `fallback_engine_for` the second.
Tests use a replaying engine that feeds recorded tesseract TSV through the same `parse_tsv`, so
everything after OCR runs exactly as in production. `milia_scan.ocr.reading` decides how many
passes an image gets.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Sequence
from typing import Protocol

import cv2
import numpy as np
from milia_scan.image.orient import count_columns
from milia_scan.models import Box, OcrResult, OcrWord, PreparedImage
from milia_scan.ocr import tesseract
from milia_scan.ocr.columns import words_in_columns
from milia_scan.options import ScanOptions

SINGLE_COLUMN_PSM = 4  # one column of text of varied sizes: a label's ingredient panel
MULTI_COLUMN_PSM = 3  # tesseract's full page layout analysis

# A bullet between items (•, ●, ▪) is a solid dot in the middle of the line, which tesseract
# reads as one of these, often glued to a name ("IsononanoatesTalc", "*Mica", "Glycole").
BULLET_READS = frozenset("es*°º®©™¢@«»•·¤")
BULLET_SIZE = (0.2, 1.0)  # its larger side, in text heights (words with capitals)...
BULLET_MIDDLE = (0.3, 0.65)  # ...its middle below the top of the line's words...
BULLET_FILL = 0.7  # ...the share of its bounding box it fills...
BULLET_SOLID = 0.9  # ...and of its convex hull (a bold letter has notches)
BULLET_REACH = 3.0  # characters between where a bullet is seen and the one read for it


class OcrEngine(Protocol):
    name: str

    def read(self, image: PreparedImage) -> OcrResult: ...


class PendingReading(Protocol):
    """A reading under way: `result()` waits for it, `stop()` ends it unread."""

    def result(self) -> OcrResult: ...

    def stop(self) -> None: ...


class _ReadWhenAsked:
    """The reading of an engine that cannot run beside another: made when asked for."""

    def __init__(self, engine: OcrEngine, image: PreparedImage) -> None:
        self.engine, self.image = engine, image

    def result(self) -> OcrResult:
        return self.engine.read(self.image)

    def stop(self) -> None:
        pass


def start_reading(engine: OcrEngine, image: PreparedImage) -> PendingReading:
    """Start `engine` reading `image` beside the caller where it can (tesseract runs as a
    process of its own); otherwise the reading is made when its result is asked for."""
    start = getattr(engine, "start", None)
    if start is None:
        return _ReadWhenAsked(engine, image)
    pending: PendingReading = start(image)
    return pending


def parse_tsv(tsv: str, engine: str = "tesseract", seconds: float = 0.0) -> OcrResult:
    """Parse tesseract's TSV (image_to_data) into words in reading order: two columns side by
    side, which tesseract often reads straight across, one after the other
    (`milia_scan.ocr.columns`)."""
    words: list[OcrWord] = []
    rows = csv.reader(tsv.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(rows, None)
    if header is None:
        return OcrResult(engine, (), seconds)
    col = {name: i for i, name in enumerate(header)}
    for row in rows:
        if len(row) < len(header) or row[col["level"]] != "5":
            continue
        text = row[col["text"]].strip()
        if not text:
            continue
        words.append(
            OcrWord(
                text=text,
                conf=float(row[col["conf"]]),
                box=(
                    int(row[col["left"]]),
                    int(row[col["top"]]),
                    int(row[col["width"]]),
                    int(row[col["height"]]),
                ),
                block=int(row[col["block_num"]]),
                par=int(row[col["par_num"]]),
                line=int(row[col["line_num"]]),
            )
        )
    return OcrResult(engine, words_in_columns(words), seconds)


class TesseractEngine:
    """Tesseract through `milia_scan.ocr.tesseract`, one process per pass.

    The page segmentation mode is picked per image unless `psm` fixes it: a single column (the
    usual ingredient panel) is read with psm 4, which keeps each line whole, because psm 3's
    column finding splits lines where a glare band or a wide word gap runs down the print.
    Bullets between items that tesseract read as letters or signs are made words '•' where
    the image shows a solid dot (`with_bullets`).
    """

    name = "tesseract"

    def __init__(self, options: ScanOptions | None = None, psm: int | None = None) -> None:
        self.options = options or ScanOptions()
        self.psm = psm

    def psm_for(self, image: PreparedImage) -> int:
        if self.psm is not None:
            return self.psm
        return SINGLE_COLUMN_PSM if count_columns(image.gray) == 1 else MULTI_COLUMN_PSM

    def read(self, image: PreparedImage) -> OcrResult:
        return self.start(image).result()

    def start(self, image: PreparedImage) -> TesseractReading:
        """A tesseract process reading the image, running beside the caller until asked for
        its result."""
        started = time.perf_counter()
        running = tesseract.Pass(
            image.gray,
            lang=self.options.lang,
            psm=self.psm_for(image),
            timeout=self.options.tesseract_timeout,
        )
        return TesseractReading(self.name, running, image.gray, started)


class TesseractReading:
    """One tesseract reading under way (`TesseractEngine.start`)."""

    def __init__(self, name: str, running: tesseract.Pass, gray: np.ndarray, started: float):
        self.name, self.running, self.gray, self.started = name, running, gray, started

    def result(self) -> OcrResult:
        result = parse_tsv(self.running.tsv(), self.name)
        words = with_bullets(result.words, self.gray)
        return OcrResult(self.name, words, time.perf_counter() - self.started)

    def stop(self) -> None:
        self.running.stop()


def engine_for(options: ScanOptions | None = None) -> OcrEngine:
    """The first engine for `options.engine`: PP-OCR for 'ppocr' and 'auto', tesseract for
    'tesseract', and for 'auto' when PP-OCR is not installed.

    Asking for 'ppocr' without it installed raises MissingDependencyError.
    """
    options = options or ScanOptions()
    from milia_scan.ocr import ppocr

    if options.engine == "ppocr" or (options.engine == "auto" and ppocr.available()):
        return ppocr.PpOcrEngine(options)
    return TesseractEngine(options)


def fallback_engine_for(options: ScanOptions | None = None) -> OcrEngine | None:
    """The second engine under 'auto': tesseract beside PP-OCR (none when PP-OCR is missing,
    since tesseract is then the first)."""
    options = options or ScanOptions()
    from milia_scan.ocr import ppocr

    if options.engine != "auto" or not ppocr.available() or not tesseract_ready(options):
        return None
    return TesseractEngine(options)


def tesseract_ready(options: ScanOptions) -> bool:
    """Whether tesseract and its language data are installed."""
    from milia_scan.errors import MissingDependencyError

    try:
        tesseract.check_language(options.lang)
    except MissingDependencyError:
        return False
    return True


def missing_engine_warning(options: ScanOptions) -> str | None:
    """What `auto` reads without, when one of its two engines is not installed."""
    if options.engine != "auto":
        return None
    from milia_scan.ocr import ppocr

    if not ppocr.available():
        return (
            "PP-OCR is not installed, so only tesseract read this photo; "
            "reinstall milia-scan (pip install --force-reinstall milia-scan) for both engines."
        )
    if not tesseract_ready(options):
        return (
            "tesseract is not installed, so only PP-OCR read this photo (lists in Cyrillic "
            "script read poorly); install it: apt-get install tesseract-ocr tesseract-ocr-eng "
            "(Debian/Ubuntu) or brew install tesseract (macOS)."
        )
    return None


def _is_dot(stats: np.ndarray, mask: np.ndarray, height: float, top: float) -> bool:
    """Whether one connected mark (its stats row and mask) is a solid dot of bullet size in
    the middle of a line whose words start at `top` and are `height` tall."""
    _x, y, w, h, area = (int(v) for v in stats)
    if w < 3 or h < 3 or not 0.6 <= w / h <= 1.6 or area < BULLET_FILL * w * h:
        return False
    if not BULLET_SIZE[0] <= max(w, h) / height <= BULLET_SIZE[1]:
        return False
    if not BULLET_MIDDLE[0] <= (y + h / 2 - top) / height <= BULLET_MIDDLE[1]:
        return False
    contours, _ = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if len(contours) != 1:  # a hole: a letter's counter
        return False
    hull = cv2.convexHull(contours[0])
    return area >= BULLET_SOLID * (cv2.contourArea(hull) + cv2.arcLength(hull, True) / 2)


def _line_dots(gray: np.ndarray, line: Sequence[OcrWord]) -> list[Box]:
    """Solid dots of bullet size in the middle of one line of words, on the image."""
    text = [w for w in line if any(ch.isalnum() for ch in w.text)] or list(line)
    height = float(np.median([w.box[3] for w in text]))
    top = float(np.median([w.box[1] for w in text]))
    x0 = max(0, int(min(w.box[0] for w in line) - height))
    x1 = int(max(w.box[0] + w.box[2] for w in line) + height)
    y0, y1 = max(0, int(top - 0.3 * height)), int(top + 1.3 * height)
    crop = gray[y0:y1, x0:x1]
    if crop.size == 0 or crop.max() == crop.min():
        return []
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    dots = []
    for n in range(1, count):
        x, y, w, h = (int(v) for v in stats[n, :4])
        mask = (labels[y : y + h, x : x + w] == n).astype(np.uint8)
        if _is_dot(stats[n, :5], mask, height, top - y0):
            dots.append((x + x0, y + y0, w, h))
    return dots


def _boundary(text: str, j: int) -> bool:
    """Whether a bullet read as text[j] could stand there: at either end of the word, before
    a capital, a digit or a bracket, or after a closing bracket ("Oil)sTalc")."""
    if j in (0, len(text) - 1):
        return True
    return (
        text[j + 1].isupper()
        or text[j + 1].isdigit()
        or text[j + 1] == "("
        or (text[j - 1] in ")]")
    )


def _bullet_index(text: str, box: Box, dot: Box) -> int | None:
    """The character of a word tesseract made of the bullet seen at `dot`, if one fits."""
    guess = (dot[0] + dot[2] / 2 - box[0]) / max(1, box[2]) * len(text) - 0.5
    fits = [
        j
        for j, ch in enumerate(text)
        if ch in BULLET_READS and abs(j - guess) <= BULLET_REACH and _boundary(text, j)
    ]
    return min(fits, key=lambda j: abs(j - guess), default=None)


def _piece(word: OcrWord, text: str, x0: int, x1: int) -> OcrWord:
    return OcrWord(text, word.conf, (x0, word.box[1], max(1, x1 - x0), word.box[3]), *word.line_id)


def _split_at_dots(word: OcrWord, dots: list[Box]) -> list[OcrWord]:
    """The word with every bullet tesseract read into it (at one of `dots`) made a word '•'
    of its own: 'IsononanoatesTalc' -> 'Isononanoate', '•', 'Talc'."""
    out: list[OcrWord] = []
    text, x0, x1 = word.text, word.box[0], word.box[0] + word.box[2]
    for dot in sorted(set(dots)):
        j = _bullet_index(text, (x0, word.box[1], x1 - x0, word.box[3]), dot)
        if j is None:
            continue
        left, text = text[:j].rstrip("".join(BULLET_READS - set("es"))), text[j + 1 :]
        text = text.lstrip("".join(BULLET_READS - set("es")))
        if left:
            out.append(_piece(word, left, x0, dot[0]))
        out.append(OcrWord("•", word.conf, dot, *word.line_id))
        x0 = dot[0] + dot[2]
    if text:
        out.append(_piece(word, text, x0, x1))
    return out


def _owner(line: Sequence[OcrWord], dot: Box) -> OcrWord | None:
    """The word of a line a dot stands in (or just beside)."""
    middle = dot[0] + dot[2] / 2
    near = [w for w in line if w.box[0] - 2 < dot[0] + dot[2] and dot[0] < w.box[0] + w.box[2] + 2]
    return min(near, key=lambda w: abs(w.box[0] + w.box[2] / 2 - middle), default=None)


def with_bullets(words: Sequence[OcrWord], gray: np.ndarray) -> tuple[OcrWord, ...]:
    """Tesseract's words with the bullets it misread as letters or signs made words '•'
    where the image shows a solid dot there (so a list set with bullets splits at them)."""
    lines: dict[tuple[int, int, int], list[OcrWord]] = {}
    for word in words:
        lines.setdefault(word.line_id, []).append(word)
    dots: dict[OcrWord, list[Box]] = {}
    for line in lines.values():
        for dot in _line_dots(gray, line):
            if (owner := _owner(line, dot)) is not None:
                dots.setdefault(owner, []).append(dot)
    return tuple(
        piece for w in words for piece in (_split_at_dots(w, dots[w]) if w in dots else [w])
    )
