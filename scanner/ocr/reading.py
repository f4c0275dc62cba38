"""Several readings where needed, one chosen by evidence.

The first reading of the prepared image is kept when it is good: an ingredient list was found
and nearly all of its items are names the lexicon knows. Easy photos therefore cost one pass.
A confident reading of plenty of text with no list in it (a front label) is not read again
either. Only a poor first reading pays for more, each tried while the best so far is still
poor, and the best by evidence (recognised names, then confidence) wins:

1. orientation: when no list was found, the image turned upside down first if the cheap
   text-line statistics of `milia_scan.image.orient` were unsure which way up it is (on bowed lines
   they often are), then tesseract's own orientation detection (`--psm 0`, which costs more
   than a reading);
2. polarity: the image inverted, for light print that `is_light_on_dark` missed;
3. layout: tesseract's other page segmentation mode (full layout vs one column);
4. plain: the photo prepared without turning and unrolling, in case those did harm;
5. the fallback engine (RapidOCR under `--engine auto`) on the best prepared image, whenever
   the best reading so far leaves any item unrecognised (asking for `auto` is asking for
   the slower second opinion where it can help).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from milia_scan.errors import NoIngredientListError
from milia_scan.image.preprocess import invert_prepared, preprocess, turn_prepared
from milia_scan.ingredients.extract import extract_from_ocr
from milia_scan.ingredients.match import Matcher
from milia_scan.models import IngredientList, LoadedImage, OcrResult, PreparedImage
from milia_scan.ocr import tesseract
from milia_scan.ocr.engine import MULTI_COLUMN_PSM, SINGLE_COLUMN_PSM, OcrEngine, TesseractEngine
from milia_scan.options import ScanOptions

GOOD_SHARE = 0.8  # a reading is good when this share of its items are known names...
GOOD_ITEMS = 3  # ...and it has at least this many items...
GOOD_CONFIDENCE = 60.0  # ...read with at least this mean word confidence
OSD_MIN_CONFIDENCE = 1.5  # tesseract's orientation confidence worth acting on
UNSURE_UPRIGHT = 0.3  # below this `milia_scan.image.orient` confidence, upside down is tried first
MAX_PASSES = 5  # OCR passes of the main engine per image, the first included
CLEAR_WORDS = 8  # a reading of this many words...
CLEAR_CONFIDENCE = 80.0  # ...at this confidence, without a list, is not read again


@dataclass(frozen=True)
class Evidence:
    """How good a reading looks: the list it gives and how much of it the lexicon knows."""

    ingredients: IngredientList | None
    items: int
    recognised: int
    confidence: float

    @property
    def good(self) -> bool:
        return (
            self.items >= GOOD_ITEMS
            and self.recognised >= GOOD_SHARE * self.items
            and self.confidence >= GOOD_CONFIDENCE
        )

    @property
    def complete(self) -> bool:
        """Good, and every item a known name: nothing a second engine could add."""
        return self.good and self.recognised == self.items

    @property
    def rank(self) -> tuple[int, float, float]:
        return (self.recognised, -(self.items - self.recognised), self.confidence)


Judge = Callable[[OcrResult], Evidence]


def evidence_for(ocr: OcrResult, matcher: Matcher) -> Evidence:
    """Extract the list from a reading and count the items the lexicon recognises."""
    try:
        ingredients = extract_from_ocr(ocr, matcher.support)
    except NoIngredientListError:
        return Evidence(None, 0, 0, ocr.confidence)
    matches = matcher.match_list(ingredients.items)
    known = sum(1 for m in matches if m.entry is not None or m.method == "rule")
    return Evidence(ingredients, len(matches), known, ocr.confidence)


@dataclass(frozen=True)
class Reading:
    """The chosen reading, the prepared image it was made from, and what was tried."""

    ocr: OcrResult
    prepared: PreparedImage
    evidence: Evidence
    tried: tuple[str, ...]
    retry_seconds: float = 0.0


def _clearly_no_list(reading: Reading) -> bool:
    """Plenty of text read with confidence, and none of it a list: a front label, say."""
    ocr = reading.ocr
    return (
        reading.evidence.ingredients is None
        and len(ocr.words) >= CLEAR_WORDS
        and ocr.confidence >= CLEAR_CONFIDENCE
    )


def read_label(
    image: LoadedImage,
    prepared: PreparedImage,
    engine: OcrEngine,
    judge: Judge,
    options: ScanOptions | None = None,
    fallback: OcrEngine | None = None,
) -> Reading:
    """Read the prepared image; read it again other ways only while the reading is poor."""
    options = options or ScanOptions()
    first = engine.read(prepared)
    best = Reading(first, prepared, judge(first), ("first",))
    if not options.retry or _clearly_no_list(best):
        return best
    if best.evidence.good and (fallback is None or best.evidence.complete):
        return best
    start = time.perf_counter()
    tried = ["first"]
    passes = 1

    def attempt(name: str, candidate: PreparedImage, reader: OcrEngine) -> None:
        nonlocal best, passes
        tried.append(name)
        if reader is engine:
            passes += 1
        ocr = reader.read(candidate)
        evidence = judge(ocr)
        if evidence.rank > best.evidence.rank:
            best = Reading(ocr, candidate, evidence, ())

    def poor() -> bool:
        return not best.evidence.good and passes < MAX_PASSES

    if best.evidence.items < GOOD_ITEMS and prepared.upright_confidence < UNSURE_UPRIGHT:
        attempt("turn-180", turn_prepared(prepared, 2), engine)
    if best.evidence.items < GOOD_ITEMS:
        osd = tesseract.run_osd(prepared.gray, timeout=options.tesseract_timeout)
        if osd is not None and osd.rotate and osd.confidence >= OSD_MIN_CONFIDENCE:
            attempt(f"osd-rotate-{osd.rotate}", turn_prepared(prepared, osd.rotate // 90), engine)
    if poor() and best.evidence.recognised < 0.5 * max(best.evidence.items, GOOD_ITEMS):
        attempt("invert", invert_prepared(best.prepared, options.target_xheight), engine)
    if poor() and isinstance(engine, TesseractEngine):
        used = engine.psm_for(best.prepared)
        other = MULTI_COLUMN_PSM if used == SINGLE_COLUMN_PSM else SINGLE_COLUMN_PSM
        attempt(f"psm-{other}", best.prepared, TesseractEngine(engine.options, psm=other))
        passes += 1
    reshaped = any(s.startswith(("rotate", "deskew", "unroll")) for s in prepared.steps)
    if poor() and reshaped:
        plain = preprocess(image, replace(options, orient=False, dewarp=False))
        attempt("plain", plain, engine)
    if fallback is not None and not best.evidence.complete:
        attempt(fallback.name, best.prepared, fallback)
    return replace(best, tried=tuple(tried), retry_seconds=time.perf_counter() - start)
