"""PP-OCR's text lines made words, lines and paragraphs the way tesseract's TSV has them.

PP-OCR reads whole lines (a quadrilateral, its text, a score 0-1); `lines_to_result` splits
them into words with boxes (by character count), orders them for reading (two columns side by
side are read one after the other) and numbers lines and paragraphs, so the extractor treats
both engines alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from milia_scan.models import OcrResult, OcrWord
from milia_scan.ocr.columns import nested_reading_order, overlap

PARAGRAPH_GAP = 0.9  # a vertical gap above this many line heights starts a new paragraph


def _bbox(quad: Any) -> tuple[int, int, int, int]:
    pts = np.asarray(quad, dtype=np.float64).reshape(-1, 2)
    x0, y0 = np.floor(pts.min(axis=0))
    x1, y1 = np.ceil(pts.max(axis=0))
    return int(x0), int(y0), max(1, int(x1 - x0)), max(1, int(y1 - y0))


def _split_line(
    text: str, box: tuple[int, int, int, int]
) -> list[tuple[str, tuple[int, int, int, int]]]:
    """Words of a line, each with its share of the line's box (by character count).

    PP-OCR often drops the space after punctuation ("Inhaltsstoffe:Petrolatum,"); one is put
    back wherever a colon, semicolon or comma runs straight into a letter.
    """
    words = re.sub(r"([:;,])(?=[^\W\d_])", r"\1 ", text).split()
    if not words:
        return []
    x, y, w, h = box
    total = sum(len(word) for word in words) + (len(words) - 1)
    out = []
    offset = 0
    for word in words:
        left = x + round(w * offset / total)
        right = x + round(w * (offset + len(word)) / total)
        out.append((word, (left, y, max(1, right - left), h)))
        offset += len(word) + 1
    return out


Line = tuple[tuple[int, int, int, int], str, float]
MIN_SIDE_BY_SIDE = 3  # lines of one column beside lines of another before columns are read apart
MAX_SPANNING = 0.15  # share of lines that may cross a gutter (headings across both columns)


def _line_box(line: Line) -> tuple[int, int, int, int]:
    return line[0]


def gutter(lines: list[Line]) -> float | None:
    """The x of a gap between two columns of text printed side by side, if there is one:
    at least MIN_SIDE_BY_SIDE lines of the left column beside lines of the right, and few
    lines crossing it. (PP-OCR's boxes end at a gutter; tesseract's lines, cut at wide gaps,
    need the stricter `milia_scan.ocr.columns.gutter`.)"""
    if len(lines) < 2 * MIN_SIDE_BY_SIDE:
        return None
    best: tuple[int, float] | None = None
    # A gutter starts where a line ends: every line's right end is tried, at the edges too (a
    # gutter may be narrower than a line is high: numbers set close in a margin beside a list).
    for x in sorted({ln[0][0] + ln[0][2] + 0.5 for ln in lines}):
        left = [ln[0] for ln in lines if ln[0][0] + ln[0][2] <= x]
        right = [ln[0] for ln in lines if ln[0][0] >= x]
        pairs = [a for a in left if any(overlap(a, b) for b in right)]
        if len(pairs) >= MIN_SIDE_BY_SIDE:
            # Lines crossing x where the columns stand side by side (not headings above them).
            top = min(a[1] for a in pairs)
            bottom = max(a[1] + a[3] for a in pairs)
            near = [ln[0] for ln in lines if ln[0][1] < bottom and ln[0][1] + ln[0][3] > top]
            spanning = sum(1 for b in near if b[0] < x < b[0] + b[2])
            if spanning <= MAX_SPANNING * len(near) and (best is None or len(pairs) > best[0]):
                best = (len(pairs), x)
    return best[1] if best else None


def _reading_order(lines: list[Line]) -> list[list[list[Line]]]:
    """Blocks of rows in reading order: columns side by side are read one after the other
    (the left column down, then the right, each split again where it has a gutter of its
    own), lines across both stay where they are."""
    return nested_reading_order(lines, _line_box, gutter)


def lines_to_result(
    boxes: Sequence[Any] | None,
    texts: Sequence[str] | None,
    scores: Sequence[float] | None,
    seconds: float = 0.0,
    engine: str = "ppocr",
) -> OcrResult:
    """PP-OCR's lines (quadrilateral, text, score 0-1) -> words in reading order."""
    if boxes is None or texts is None or scores is None or len(texts) == 0:
        return OcrResult(engine, (), seconds)
    lines = [(_bbox(q), t, float(s)) for q, t, s in zip(boxes, texts, scores, strict=True)]
    typical = float(np.median([line[0][3] for line in lines]))
    words: list[OcrWord] = []
    number = 0
    for block_no, rows in enumerate(_reading_order(lines), start=1):
        par = 1
        prev_bottom: float | None = None
        for row in rows:
            number += 1
            top = min(line[0][1] for line in row)
            if prev_bottom is not None and top - prev_bottom > PARAGRAPH_GAP * typical:
                par += 1
            prev_bottom = max(line[0][1] + line[0][3] for line in row)
            for box, text, score in row:
                for word, word_box in _split_line(text, box):
                    words.append(
                        OcrWord(word, round(100 * score, 1), word_box, block_no, par, number)
                    )
    return OcrResult(engine, tuple(words), seconds)
