"""Stage 3: OCR. An engine turns a prepared image into words with boxes and confidences.

`TesseractEngine` is the real one. Tests use a replaying engine that feeds recorded tesseract
TSV through the same `parse_tsv`, so everything after OCR runs exactly as in production.
"""

from __future__ import annotations

import csv
import time
from typing import Protocol

from . import tesseract
from .models import OcrResult, OcrWord, PreparedImage
from .options import ScanOptions


class OcrEngine(Protocol):
    name: str

    def read(self, image: PreparedImage) -> OcrResult: ...


def parse_tsv(tsv: str, engine: str = "tesseract", seconds: float = 0.0) -> OcrResult:
    """Parse tesseract's TSV (image_to_data) into words in reading order."""
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
    return OcrResult(engine, tuple(words), seconds)


class TesseractEngine:
    name = "tesseract"

    def __init__(self, options: ScanOptions | None = None) -> None:
        self.options = options or ScanOptions()

    def read(self, image: PreparedImage) -> OcrResult:
        start = time.perf_counter()
        tsv = tesseract.run_tsv(
            image.gray, lang=self.options.lang, timeout=self.options.tesseract_timeout
        )
        return parse_tsv(tsv, self.name, time.perf_counter() - start)
