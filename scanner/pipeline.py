"""The library API: a scan, read as the story of its stages.

scan_image: load -> preprocess -> ocr -> extract -> match -> assess -> Report
scan_text:                          extract -> match -> assess -> Report
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from milia_scan.assess.context import AnalysisOptions, avoid_hits, check_claims, detect_context
from milia_scan.assess.reading_check import check_reading, honest
from milia_scan.assess.risk import assess
from milia_scan.budget import budget_for, time_budget
from milia_scan.image.load import load_for_ocr
from milia_scan.image.preprocess import preprocess
from milia_scan.ingredients.extract import extract_from_ocr, extract_from_text
from milia_scan.ingredients.match import Matcher
from milia_scan.ingredients.merge import merge_readings
from milia_scan.lexicon import Lexicon, load_lexicon
from milia_scan.models import (
    Box,
    IngredientItem,
    IngredientList,
    LoadedImage,
    Match,
    OcrResult,
    Report,
)
from milia_scan.names import shown
from milia_scan.ocr.engine import (
    OcrEngine,
    engine_for,
    fallback_engine_for,
    missing_engine_warning,
)
from milia_scan.ocr.reading import evidence_for, on_photo, read_label
from milia_scan.options import ScanOptions

LOW_OCR_CONFIDENCE = 60.0

_matchers: dict[int, Matcher] = {}


def matcher_for(lexicon: Lexicon) -> Matcher:
    """One matcher per lexicon per process (building its index is the costly part)."""
    key = id(lexicon)
    if key not in _matchers:
        _matchers[key] = Matcher(lexicon)
    return _matchers[key]


def _match_warnings(matches: tuple[Match, ...]) -> list[str]:
    warnings = []
    unknown = [m.item.raw for m in matches if m.entry is None and m.method != "rule"]
    if unknown:
        shown = ", ".join(f"'{u}'" for u in unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        warnings.append(
            f"{len(unknown)} of {len(matches)} ingredients were not recognised "
            f"({shown}); the risk may be understated."
        )
    for m in matches:
        if m.method == "rule":
            warnings.append(
                f"'{m.item.raw}' is not in the lexicon; its name marks it as a "
                f"{m.categories[0].replace('_', ' ')}."
            )
        if m.runner_up and m.entry is not None:
            warnings.append(
                f"'{m.item.raw}' was read as {m.entry.name} ({m.score:.0f}), but could "
                f"be {m.runner_up[0]} ({m.runner_up[1]:.0f}); check the label."
            )
    return warnings


def analyse(
    ingredients: IngredientList,
    lexicon: Lexicon,
    source: str,
    timings: dict[str, float],
    *,
    label_text: str = "",
    analysis: AnalysisOptions | None = None,
    confidence: float | None = None,
    photo: bool = False,
) -> Report:
    """Match, weigh in the label's context, check how much of the list was read, its claims
    and the reader's avoid list."""
    analysis = analysis or AnalysisOptions()
    start = time.perf_counter()
    matches = matcher_for(lexicon).match_list(ingredients.items)
    timings["match"] = time.perf_counter() - start
    start = time.perf_counter()
    context = detect_context(label_text, analysis.product_type, [m.item.raw for m in matches])
    risk = assess(matches, lexicon, factor=context.factor)
    if context.factor != 1.0 and risk.drivers:
        weight = "more" if context.factor > 1 else "less"
        risk = replace(
            risk,
            summary=f"{risk.summary} As {context.product_type.phrase} product "
            f"({context.reason}) it counts {weight} (x{context.factor}).",
        )
    reading = check_reading(ingredients, matches, confidence, photo=photo)
    risk = honest(risk, reading)
    claims = check_claims(label_text, matches)
    avoid = avoid_hits(matches, analysis.avoid, lexicon)
    timings["assess"] = time.perf_counter() - start
    warnings = [*(c.message for c in claims), *ingredients.warnings, *_match_warnings(matches)]
    return Report(
        source,
        lexicon.version,
        matches,
        risk,
        tuple(warnings),
        timings=timings,
        context=context,
        claims=claims,
        avoid=avoid,
        reading=reading,
    )


def _scaled(ingredients: IngredientList, scale: float) -> IngredientList:
    """Boxes found on a photo decoded smaller, in the photo's own pixels."""
    if scale == 1.0:
        return ingredients

    def grown(box: Box) -> Box:
        x, y, w, h = box
        return round(x * scale), round(y * scale), round(w * scale), round(h * scale)

    items = tuple(
        item
        if item.box is None
        else replace(
            item, box=grown(item.box), fragments=tuple(grown(b) for b in item.fragments)
        )
        for item in ingredients.items
    )
    return replace(ingredients, items=items)


def _read(
    image: LoadedImage,
    options: ScanOptions,
    engine: OcrEngine,
    fallback: OcrEngine | None,
    matcher: Matcher,
    timings: dict[str, float],
) -> tuple[OcrResult, IngredientList, str]:
    """preprocess -> ocr (read again when poor) -> extract, on the photo as loaded; the OCR
    result, the list, and the engines that read it."""
    start = time.perf_counter()
    prepared = preprocess(image, options)
    timings["preprocess"] = time.perf_counter() - start
    start = time.perf_counter()
    reading = read_label(
        image, prepared, engine, lambda result: evidence_for(result, matcher), options, fallback
    )
    ocr, prepared = reading.ocr, reading.prepared
    timings["ocr"] = time.perf_counter() - start
    if reading.retry_seconds:
        timings["ocr_retry"] = reading.retry_seconds
    for name, result in reading.passes:  # every reading, with its engine's own time
        timings[f"{result.engine} {name}" if name != result.engine else name] = result.seconds
    start = time.perf_counter()
    ingredients = reading.ingredients
    if ingredients is None:  # raises: no list found, with the reason
        ingredients = on_photo(prepared, image, extract_from_ocr(ocr, matcher.support))
    timings["extract"] = time.perf_counter() - start
    return ocr, ingredients, "+".join(reading.engines) or ocr.engine


def scan_image(
    path: str | Path,
    options: ScanOptions | None = None,
    engine: OcrEngine | None = None,
    lexicon: Lexicon | None = None,
    analysis: AnalysisOptions | None = None,
) -> Report:
    """Scan one label photo and return its report. Raises MiliaScanError subclasses.

    `engine` replaces the engine `options.engine` names (tests pass a replaying one). A poor
    first reading is read again other ways (`milia_scan.ocr.reading`); an easy photo is read once.
    """
    options = options or ScanOptions()
    lexicon = lexicon or load_lexicon()
    engine = engine or engine_for(options)
    fallback = fallback_engine_for(options)
    timings: dict[str, float] = {}

    start = time.perf_counter()
    image, scale = load_for_ocr(Path(path), options)  # a huge photo decoded smaller
    timings["load"] = time.perf_counter() - start
    with time_budget(budget_for(image.width * image.height, options.timeout), shown(path)):
        ocr, ingredients, engines = _read(
            image, options, engine, fallback, matcher_for(lexicon), timings
        )
    ingredients = _scaled(ingredients, scale)

    report = analyse(
        ingredients,
        lexicon,
        shown(path),  # a name that is not UTF-8 is escaped: every report is valid UTF-8
        timings,
        label_text=ocr.text,
        analysis=analysis,
        confidence=ocr.confidence,
        photo=True,
    )
    warnings = list(report.warnings)
    if (missing := missing_engine_warning(options)) is not None:
        warnings.insert(0, missing)
    if ocr.confidence < LOW_OCR_CONFIDENCE:
        warnings.insert(
            0,
            f"OCR confidence is low ({ocr.confidence:.0f}/100); parts of the list "
            "may be misread. A sharper, straighter, well-lit photo helps.",
        )
    return replace(
        report,
        warnings=tuple(warnings),
        ocr_engine=engines,
        ocr_confidence=ocr.confidence,
        ocr_text=ocr.text,
    )


def scan_images_merged(
    paths: Sequence[str | Path],
    options: ScanOptions | None = None,
    lexicon: Lexicon | None = None,
    analysis: AnalysisOptions | None = None,
) -> Report:
    """Photos of one product from several sides: each read, their lists joined into one
    (overlaps counted once, `milia_scan.ingredients.merge`), and that list weighed. The list
    starts where the first photo's starts and ends where the last photo's ends."""
    lexicon = lexicon or load_lexicon()
    reports = [scan_image(p, options, lexicon=lexicon, analysis=analysis) for p in paths]
    first, last = reports[0], reports[-1]
    items = merge_readings([r.matches for r in reports])
    header = "merged" if first.reading is None or first.reading.start_found else None
    ended = last.reading is None or last.reading.end_found
    timings = {k: sum(r.timings.get(k, 0.0) for r in reports) for k in first.timings}
    confidences = [r.ocr_confidence for r in reports if r.ocr_confidence is not None]
    report = analyse(
        IngredientList(items, header, ended=ended),
        lexicon,
        " + ".join(r.source for r in reports),
        timings,
        label_text="\n\n".join(r.ocr_text or "" for r in reports),
        analysis=analysis,
        confidence=min(confidences) if confidences else None,
        photo=True,
    )
    read_by = (e for r in reports for e in (r.ocr_engine or "").split("+") if e)
    engines = "+".join(dict.fromkeys(read_by))
    return replace(
        report,
        ocr_engine=engines or None,
        ocr_confidence=min(confidences) if confidences else None,
        ocr_text=first.ocr_text,
    )


def report_from_stored(
    data: dict[str, Any], lexicon: Lexicon | None = None, analysis: AnalysisOptions | None = None
) -> Report:
    """A stored report (its milia-scan/1 JSON) weighed again: its items as they were read,
    matched and assessed with the current lexicon; where the list started and ended, and the
    OCR's confidence, as the reading found them."""
    lexicon = lexicon or load_lexicon()
    items = tuple(
        IngredientItem(
            int(i["position"]),
            str(i["raw"]),
            tuple(i["box"]) if i.get("box") else None,
            bool(i.get("may_contain", False)),
            i.get("engine"),
            tuple(tuple(b) for b in i.get("boxes") or ()),
        )
        for i in data.get("ingredients", [])
    )
    reading = data.get("reading") or {}
    ocr = data.get("ocr")
    found = IngredientList(
        items,
        "stored" if reading.get("start_found", True) else None,
        ended=bool(reading.get("end_found", True)),
        lines=int(reading.get("lines") or 0),
        low_confidence_lines=int(reading.get("low_confidence_lines") or 0),
    )
    report = analyse(
        found,
        lexicon,
        str(data.get("source", "-")),
        {},
        label_text=str((ocr or {}).get("text") or ""),
        analysis=analysis,
        confidence=(ocr or {}).get("confidence"),
        photo=ocr is not None,
    )
    if ocr is None:
        return report
    return replace(
        report,
        ocr_engine=ocr.get("engine"),
        ocr_confidence=ocr.get("confidence"),
        ocr_text=ocr.get("text"),
    )


def scan_text(
    text: str,
    source: str = "-",
    lexicon: Lexicon | None = None,
    analysis: AnalysisOptions | None = None,
) -> Report:
    """Analyse an ingredient list given as text (pasted, or from stdin)."""
    lexicon = lexicon or load_lexicon()
    timings: dict[str, float] = {}
    start = time.perf_counter()
    ingredients = extract_from_text(text, matcher_for(lexicon).support)
    timings["extract"] = time.perf_counter() - start
    return analyse(ingredients, lexicon, source, timings, label_text=text, analysis=analysis)
