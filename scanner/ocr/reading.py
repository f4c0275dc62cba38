"""Several readings where needed, one chosen by evidence.

The first reading of the prepared image is kept when it is good: an ingredient list was found
and nearly all of its items are names the lexicon knows. Easy photos therefore cost one pass.
A confident reading of plenty of text with no list in it (a front label) is not read again
either. Only a poor first reading pays for more, each tried while the best so far is still
poor, and the best by evidence (recognised names, then confidence) wins:

1. orientation: when no list was found, the photo as it was (`plain`, below) first if
   `milia_scan.image.orient` turned it a quarter without being sure (bowed lines fool its
   text-line statistics), then the image turned upside down if it was unsure which way up it
   is, then tesseract's own orientation detection (`--psm 0`, which costs more than a
   reading);
2. polarity: the image inverted, for light print that `is_light_on_dark` missed;
3. layout: tesseract's other page segmentation mode (full layout vs one column);
4. plain: the photo prepared without turning and unrolling, in case those did harm;
5. the second engine (tesseract under `--engine auto`, the default, whose first engine is
   PP-OCR), whenever the best reading so far leaves any item unrecognised: it reads only the
   ingredient block the first found (or the whole image when none was found), and the two
   readings are fused item by item (`milia_scan.ocr.fuse`). With `ScanOptions.parallel` (a
   single scan with a core to spare) it instead reads the whole image from the start, beside
   the first engine, and is stopped unread when the first reading needs no help: it then costs
   no time of its own.

Every reading's items are mapped onto the photo (`on_photo`) before they are compared or
fused, since each may come from a differently prepared image.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from milia_scan.errors import MissingDependencyError, NoIngredientListError
from milia_scan.image.preprocess import crop_prepared, invert_prepared, preprocess, turn_prepared
from milia_scan.ingredients.extract import extract_from_ocr
from milia_scan.ingredients.match import Matcher
from milia_scan.models import (
    Box,
    IngredientItem,
    IngredientList,
    LoadedImage,
    Match,
    OcrResult,
    PreparedImage,
    union_box,
)
from milia_scan.ocr import tesseract
from milia_scan.ocr.engine import (
    MULTI_COLUMN_PSM,
    SINGLE_COLUMN_PSM,
    OcrEngine,
    PendingReading,
    TesseractEngine,
    start_reading,
)
from milia_scan.ocr.fuse import fuse
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
    matches: tuple[Match, ...] = ()

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
    return Evidence(ingredients, len(matches), known, ocr.confidence, matches)


def on_photo(
    prepared: PreparedImage, image: LoadedImage, ingredients: IngredientList
) -> IngredientList:
    """The list with every item's box mapped from the prepared image onto the photo."""
    items = []
    for item in ingredients.items:
        if item.box is None:
            items.append(item)
            continue
        fragments = tuple(_to_photo(b, prepared, image) for b in item.fragments)
        items.append(
            replace(item, box=_to_photo(item.box, prepared, image), fragments=fragments)
        )
    ended = ingredients.ended or _ends_inside(ingredients.items, prepared, image)
    return replace(ingredients, items=tuple(items), ended=ended)


def _to_photo(box: Box, prepared: PreparedImage, image: LoadedImage) -> Box:
    """A box in prepared coordinates on the photo, clipped to it."""
    x, y, w, h = prepared.to_original(box)
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(image.width, x + w), min(image.height, y + h)
    return (x0, y0, max(0, x1 - x0), max(0, y1 - y0))


END_MARGIN_LINES = 3.0


def _ends_inside(
    items: tuple[IngredientItem, ...], prepared: PreparedImage, image: LoadedImage
) -> bool:
    """A list with no closing mark still ended when it is the last text read and the photo goes
    on below its last line, in reading direction, for END_MARGIN_LINES line heights (the OCR
    read nothing there). A list cut off by the photo's edge has no such stretch below it.
    `items` are in prepared coordinates; the stretch is mapped onto the photo to be checked."""
    boxes = [i.box for i in items if i.box is not None and i.box[3] > 0]
    if len(boxes) < 2:
        return False
    line = sorted(b[3] for b in boxes)[len(boxes) // 2]
    left = min(b[0] for b in boxes)
    right = max(b[0] + b[2] for b in boxes)
    bottom = max(b[1] + b[3] for b in boxes)
    x, y, w, h = prepared.to_original(
        (left, bottom, right - left, round(END_MARGIN_LINES * line))
    )
    return x >= 0 and y >= 0 and x + w <= image.width and y + h <= image.height


def _photo_matches(
    evidence: Evidence, prepared: PreparedImage, image: LoadedImage
) -> tuple[Match, ...]:
    mapped = on_photo(
        prepared, image, IngredientList(tuple(m.item for m in evidence.matches), None)
    )
    return tuple(replace(m, item=i) for m, i in zip(evidence.matches, mapped.items, strict=True))


def list_block(reading: Reading) -> Box | None:
    """The region of the prepared image that holds the list the reading found, with a margin
    of a few lines around it (a second engine need not read the rest of the label)."""
    matches = reading.evidence.matches
    boxes = [m.item.box for m in matches if m.item.box is not None]
    if not boxes:
        return None
    x, y, w, h = union_box(boxes) or (0, 0, 0, 0)
    line = max(8, int(sorted(b[3] for b in boxes)[len(boxes) // 2]))
    return (x - 2 * line, y - 3 * line, w + 4 * line, h + 6 * line)


@dataclass(frozen=True)
class Reading:
    """The chosen reading, the prepared image it was made from, and what was tried."""

    ocr: OcrResult
    prepared: PreparedImage
    evidence: Evidence
    tried: tuple[str, ...]
    retry_seconds: float = 0.0
    # The list with boxes on the photo: the chosen reading's, or the fused one.
    ingredients: IngredientList | None = None
    engines: tuple[str, ...] = ()
    # Every reading made, in order, by what was tried: "first", "invert", "tesseract", ...
    passes: tuple[tuple[str, OcrResult], ...] = ()


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
    """Read the prepared image; read it again other ways only while the reading is poor.

    With `options.parallel` the second engine starts reading the whole prepared image beside
    the first, on another core, and is stopped unread when the first reading needs no help."""
    options = options or ScanOptions()
    ahead = None
    if fallback is not None and options.parallel and options.retry:
        ahead = start_reading(fallback, prepared)
    try:
        return _read_label(image, prepared, engine, judge, options, fallback, ahead)
    finally:
        if ahead is not None:
            ahead.stop()


def _read_label(
    image: LoadedImage,
    prepared: PreparedImage,
    engine: OcrEngine,
    judge: Judge,
    options: ScanOptions,
    fallback: OcrEngine | None,
    ahead: PendingReading | None,
) -> Reading:
    first = engine.read(prepared)
    best = Reading(first, prepared, judge(first), ("first",), passes=(("first", first),))
    if not options.retry or _clearly_no_list(best):
        return _finish(best, image)
    if best.evidence.good and (fallback is None or best.evidence.complete):
        return _finish(best, image)
    start = time.perf_counter()
    tried = ["first"]
    done: list[tuple[str, OcrResult]] = [("first", first)]
    passes = 1

    best_name = "first"

    def attempt(name: str, candidate: PreparedImage, reader: OcrEngine) -> None:
        nonlocal best, best_name, passes
        tried.append(name)
        if reader is engine:
            passes += 1
        ocr = reader.read(candidate)
        done.append((name, ocr))
        evidence = judge(ocr)
        if evidence.rank > best.evidence.rank:
            best, best_name = Reading(ocr, candidate, evidence, ()), name

    def poor() -> bool:
        if fallback is not None and best.evidence.items >= GOOD_ITEMS and ahead is None:
            # A list was found: the second engine reading its block is worth more than
            # another pass of the first. (When the second engine already reads beside the
            # first, a pass of the first costs little time of its own.)
            return False
        return not best.evidence.good and passes < MAX_PASSES

    reshaped = any(s.startswith(("rotate", "deskew", "unroll")) for s in prepared.steps)
    turned = any(s.startswith(("rotate", "invert")) for s in prepared.steps)
    quarter = any(s in ("rotate-90", "rotate-270") for s in prepared.steps)
    unsure = prepared.upright_confidence < UNSURE_UPRIGHT
    plain_tried = False

    def try_plain() -> None:
        """The photo prepared without turning and unrolling, read once."""
        nonlocal plain_tried
        plain_tried = True
        attempt("plain", preprocess(image, replace(options, orient=False, dewarp=False)), engine)

    if best.evidence.items < GOOD_ITEMS and quarter and unsure:
        try_plain()  # an unsure quarter turn, and no list read: most likely it was upright
    if best.evidence.items < GOOD_ITEMS and unsure:
        attempt("turn-180", turn_prepared(prepared, 2), engine)
    if best.evidence.items < GOOD_ITEMS:
        try:
            osd = tesseract.run_osd(prepared.gray, timeout=options.tesseract_timeout)
        except MissingDependencyError:  # PP-OCR reading alone, tesseract not installed
            osd = None
        if osd is not None and osd.rotate and osd.confidence >= OSD_MIN_CONFIDENCE:
            attempt(f"osd-rotate-{osd.rotate}", turn_prepared(prepared, osd.rotate // 90), engine)
    if poor() and best.evidence.recognised < 0.5 * max(best.evidence.items, GOOD_ITEMS):
        attempt("invert", invert_prepared(best.prepared, options.target_xheight), engine)
    if poor() and isinstance(engine, TesseractEngine):
        used = engine.psm_for(best.prepared)
        other = MULTI_COLUMN_PSM if used == SINGLE_COLUMN_PSM else SINGLE_COLUMN_PSM
        attempt(f"psm-{other}", best.prepared, TesseractEngine(engine.options, psm=other))
        passes += 1
    if poor() and reshaped and not plain_tried:
        try_plain()
    if ahead is not None and not (best_name == "first" or (best_name == "plain" and not turned)):
        ahead.stop()  # it reads the image turned or inverted unlike the best reading
        ahead = None
    if fallback is not None and not best.evidence.complete:
        if ahead is not None:  # it has been reading the whole image all along
            region, second = prepared, ahead.result()
        else:  # the list block alone
            block = list_block(best)
            region = crop_prepared(best.prepared, block) if block else best.prepared
            second = fallback.read(region)
        tried.append(fallback.name)
        done.append((fallback.name, second))
        evidence = judge(second)
        result = replace(
            best,
            tried=tuple(tried),
            retry_seconds=time.perf_counter() - start,
            passes=tuple(done),
        )
        return _fused(result, Reading(second, region, evidence, ()), image, judge)
    return _finish(
        replace(
            best,
            tried=tuple(tried),
            retry_seconds=time.perf_counter() - start,
            passes=tuple(done),
        ),
        image,
    )


def _finish(reading: Reading, image: LoadedImage) -> Reading:
    found = reading.evidence.ingredients
    return replace(
        reading,
        ingredients=on_photo(reading.prepared, image, found) if found else None,
        engines=(reading.ocr.engine,),
    )


def _fused(first: Reading, second: Reading, image: LoadedImage, judge: Judge) -> Reading:
    """The first reading with the stretches of the list the second reads better."""
    if second.evidence.ingredients is None:
        return _finish(first, image)
    if first.evidence.ingredients is None:
        return replace(
            _finish(second, image),
            tried=first.tried,
            retry_seconds=first.retry_seconds,
            passes=first.passes,
        )
    items = fuse(
        _photo_matches(first.evidence, first.prepared, image),
        _photo_matches(second.evidence, second.prepared, image),
    )
    base, other = first.evidence.ingredients, second.evidence.ingredients
    ended = base.ended or other.ended or _ends_inside(base.items, first.prepared, image)
    fused = replace(base, items=items, header=base.header or other.header, ended=ended)
    engines = tuple(dict.fromkeys(i.engine for i in items if i.engine))
    return replace(first, ingredients=fused, engines=engines or (first.ocr.engine,))
