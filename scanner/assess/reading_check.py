"""How much of the list was read, and whether that is enough to stand on.

A LOW that comes from not reading is the most harmful answer milia-scan can give: a person
with a half-read concealer list would be told it is fine. So every report carries a reading
check, and a reading that is not complete never comes out LOW: the level is `uncertain`, the
score a lower bound, and the summary says what to do.

The check: the share of the list's items recognised; whether the start of the list was found
(a header was read, or the first item is a typical base such as water, glycerin or an oil);
whether the end was found (the list stopped at a full stop, a footnote or the next section,
not at the edge of what was read); and whether the list is plausible for a product (at least
MIN_ITEMS items).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from milia_scan.models import IngredientList, Match, MiliaRisk, ReadingCheck

MIN_ITEMS = 5  # fewer is not a product's whole list (a balm of 3 oils exists, but is rare)
BASES = frozenset(
    {
        "Water",
        "Glycerin",
        "Alcohol Denat.",
        "Alcohol",
        "Petrolatum",
        "Mineral Oil",
        "Cyclopentasiloxane",
        "Dimethicone",
        "Isododecane",
        "Caprylic/Capric Triglyceride",
        "Aloe Barbadensis Leaf Juice",
        "Butyrospermum Parkii (Shea) Butter",
        "Ricinus Communis (Castor) Seed Oil",
        "Cocos Nucifera (Coconut) Oil",
        "Simmondsia Chinensis (Jojoba) Seed Oil",
        "Prunus Amygdalus Dulcis (Sweet Almond) Oil",
        "Helianthus Annuus (Sunflower) Seed Oil",
        "Cera Alba",
        "Talc",
        "Mica",
        "Squalane",
        "Hamamelis Virginiana (Witch Hazel) Water",
        "Rosa Damascena Flower Water",
        "Sodium Laureth Sulfate",
        "Propylene Glycol",
        "Butylene Glycol",
        "Dimethicone/Vinyl Dimethicone Crosspolymer",
        "Zinc Oxide",
        "Titanium Dioxide",
        "Silica",
        "Paraffinum Liquidum",
    }
)


def check_reading(
    found: IngredientList, matches: Sequence[Match], confidence: float | None, *, photo: bool
) -> ReadingCheck:
    """The reading check of a list. A pasted list (`photo` False) is taken as whole: only
    the share of it recognised counts."""
    listed = [m for m in matches if not m.item.may_contain]
    recognised = sum(1 for m in listed if m.entry is not None or m.method == "rule")
    first = listed[0].entry.name if listed and listed[0].entry is not None else None
    return ReadingCheck(
        items=len(listed),
        recognised=recognised,
        start_found=not photo or found.header is not None or first in BASES,
        end_found=not photo or found.ended,
        plausible=not photo or len(listed) >= MIN_ITEMS,
        confidence=confidence,
        gaps=skipped_lines(listed) if photo else 0,
        lines=found.lines,
        low_confidence_lines=found.low_confidence_lines,
    )


GAP_LINES = 2.5  # a vertical gap between the list's lines of this many line heights
TALL_ITEM = 4.0  # an item this many line heights tall (a name wraps over two or three)


def skipped_lines(matches: Sequence[Match]) -> int:
    """Blank stretches inside the list: its items' lines of print, top to bottom, with a gap
    of more than GAP_LINES line heights between two of them, where the OCR read nothing (a
    blurred or glared line it dropped). Lists in columns side by side are read per column."""
    boxes = [m.item.box for m in matches if m.item.box is not None and m.item.box[3] > 0]
    if len(boxes) < 4:
        return 0
    height = sorted(b[3] for b in boxes)[len(boxes) // 2]
    # An item stretched over many lines holds a stretch the OCR skipped ("Lauryl PEG-9" and
    # "Dehydroacetate" read, the lines between them not). Such an item runs across its
    # column; a box taller than wide is print running up the side (a barcode's digits).
    gaps = sum(1 for b in boxes if b[3] > TALL_ITEM * height and b[2] > b[3])
    for column in _columns(boxes):
        spans = sorted((b[1], b[1] + b[3]) for b in column)
        bottom = spans[0][1]
        for top, end in spans[1:]:
            if top - bottom > GAP_LINES * height:
                gaps += 1
            bottom = max(bottom, end)
    return gaps


def _columns(boxes: list[tuple[int, int, int, int]]) -> list[list[tuple[int, int, int, int]]]:
    """Boxes split where no box crosses a vertical line between them (side-by-side columns)."""
    ordered = sorted(boxes, key=lambda b: b[0])
    columns: list[list[tuple[int, int, int, int]]] = [[ordered[0]]]
    right = ordered[0][0] + ordered[0][2]
    for box in ordered[1:]:
        if box[0] > right:
            columns.append([box])
        else:
            columns[-1].append(box)
        right = max(right, box[0] + box[2])
    return columns


PHOTO_ADVICE = (
    "Photograph the list closer, flatter and in better light, or paste it from the maker's site "
    "into 'milia-scan text'."
)
TEXT_ADVICE = "Check the list for typing errors, or paste it whole from the label or maker's site."


def honest(risk: MiliaRisk, reading: ReadingCheck) -> MiliaRisk:
    """The verdict a reading can carry: never LOW from a list not fully read. Below moderate
    it is `uncertain`; at moderate or high the score is a lower bound ("at least")."""
    if reading.complete:
        return risk
    why = "; ".join(reading.problems())
    advice = TEXT_ADVICE if reading.confidence is None else PHOTO_ADVICE
    if risk.level == "low":
        summary = (
            f"Uncertain: the list was not fully read ({why}). What was read does not raise the "
            f"risk on its own, but that is no reason to call it low. {advice}"
        )
        return replace(risk, level="uncertain", summary=summary, lower_bound=True)
    summary = (
        f"At least {risk.level}: {risk.summary[0].lower()}{risk.summary[1:]} The list was not "
        f"fully read ({why}), so the risk may be higher. {advice}"
    )
    return replace(risk, summary=summary, lower_bound=True)
