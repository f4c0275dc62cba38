"""Stage 3: OCR. An engine turns a prepared image into words with boxes and confidences.

`RapidOcrEngine` (`milia_scan.ocr.rapidocr`: PP-OCRv6 on onnxruntime) reads first by default,
with `TesseractEngine` beside it; `engine_for(options)` builds the first engine the options
name and `fallback_engine_for` the second.
Tests use a replaying engine that feeds recorded tesseract TSV through the same `parse_tsv`, so
everything after OCR runs exactly as in production. `milia_scan.ocr.reading` decides how many
passes an image gets.
"""

from __future__ import annotations

import csv
import time
from typing import Protocol

from milia_scan.image.orient import count_columns
from milia_scan.models import OcrResult, OcrWord, PreparedImage
from milia_scan.ocr import tesseract
from milia_scan.ocr.columns import words_in_columns
from milia_scan.options import ScanOptions

SINGLE_COLUMN_PSM = 4  # one column of text of varied sizes: a label's ingredient panel
MULTI_COLUMN_PSM = 3  # tesseract's full page layout analysis


class OcrEngine(Protocol):
    name: str

    def read(self, image: PreparedImage) -> OcrResult: ...


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
        start = time.perf_counter()
        tsv = tesseract.run_tsv(
            image.gray,
            lang=self.options.lang,
            psm=self.psm_for(image),
            timeout=self.options.tesseract_timeout,
        )
        return parse_tsv(tsv, self.name, time.perf_counter() - start)


def engine_for(options: ScanOptions | None = None) -> OcrEngine:
    """The first engine for `options.engine`: RapidOCR (PP-OCR) for 'rapidocr' and 'auto',
    tesseract for 'tesseract', and for 'auto' when RapidOCR is not installed.

    Asking for 'rapidocr' without it installed raises MissingDependencyError.
    """
    options = options or ScanOptions()
    from milia_scan.ocr.rapidocr import RapidOcrEngine, rapidocr_available

    if options.engine == "rapidocr" or (options.engine == "auto" and rapidocr_available()):
        return RapidOcrEngine(options)
    return TesseractEngine(options)


def fallback_engine_for(options: ScanOptions | None = None) -> OcrEngine | None:
    """The second engine under 'auto': tesseract beside PP-OCR (none when PP-OCR is missing,
    since tesseract is then the first)."""
    options = options or ScanOptions()
    from milia_scan.ocr.rapidocr import rapidocr_available

    if options.engine != "auto" or not rapidocr_available() or not tesseract_ready(options):
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
    from milia_scan.ocr.rapidocr import rapidocr_available

    if not rapidocr_available():
        return (
            "PP-OCR (RapidOCR) is not installed, so only tesseract read this photo; "
            "reinstall milia-scan (pip install --force-reinstall milia-scan) for both engines."
        )
    if not tesseract_ready(options):
        return (
            "tesseract is not installed, so only PP-OCR read this photo (lists in Cyrillic "
            "script read poorly); install it: apt-get install tesseract-ocr tesseract-ocr-eng "
            "(Debian/Ubuntu) or brew install tesseract (macOS)."
        )
    return None
