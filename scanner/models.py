"""The frozen records that flow between pipeline stages.

load -> LoadedImage -> preprocess -> PreparedImage -> ocr -> OcrResult -> extract -> IngredientList
-> match -> tuple[Match, ...] -> risk -> MiliaRisk -> report -> Report
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
from milia_scan.lexicon import Entry, Source
from milia_scan.lexicon.claims import Claim

Box = tuple[int, int, int, int]  # x, y, width, height in pixels


def union_box(boxes: list[Box]) -> Box | None:
    if not boxes:
        return None
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return (x0, y0, x1 - x0, y1 - y0)


@dataclass(frozen=True, eq=False)
class LoadedImage:
    """A decoded photo, EXIF orientation applied, as 8-bit BGR pixels."""

    path: Path
    pixels: np.ndarray
    format: str

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


@dataclass(frozen=True, eq=False)
class PreparedImage:
    """The grayscale image handed to OCR, and the 3x3 homography from original to prepared."""

    gray: np.ndarray
    transform: np.ndarray
    steps: tuple[str, ...] = ()
    # How sure the orientation step was that the text reads upright (0..1; 1 when not judged).
    upright_confidence: float = 1.0

    def to_original(self, box: Box) -> Box:
        """Map a box in prepared coordinates back onto the original photo."""
        x, y, w, h = box
        corners = np.array([[x, y], [x + w, y], [x, y + h], [x + w, y + h]], dtype=np.float64)
        inverse = np.linalg.inv(self.transform)
        ones = np.ones((4, 1))
        mapped = (inverse @ np.hstack([corners, ones]).T).T
        pts = mapped[:, :2] / mapped[:, 2:3]
        x0, y0 = np.floor(pts.min(axis=0))
        x1, y1 = np.ceil(pts.max(axis=0))
        return (int(x0), int(y0), int(x1 - x0), int(y1 - y0))


@dataclass(frozen=True)
class OcrWord:
    text: str
    conf: float
    box: Box
    block: int
    par: int
    line: int

    @property
    def line_id(self) -> tuple[int, int, int]:
        return (self.block, self.par, self.line)


@dataclass(frozen=True)
class OcrResult:
    engine: str
    words: tuple[OcrWord, ...]
    seconds: float = 0.0

    @property
    def text(self) -> str:
        """The words in reading order, one OCR line per text line, blank line between blocks."""
        out: list[str] = []
        prev: tuple[int, int, int] | None = None
        for word in self.words:
            if prev is None:
                pass
            elif word.line_id[:2] != prev[:2]:
                out.append("\n\n")
            elif word.line_id != prev:
                out.append("\n")
            else:
                out.append(" ")
            out.append(word.text)
            prev = word.line_id
        return "".join(out)

    @property
    def confidence(self) -> float:
        confs = [w.conf for w in self.words if w.conf >= 0]
        return round(sum(confs) / len(confs), 1) if confs else 0.0


@dataclass(frozen=True)
class IngredientItem:
    """One ingredient as read from the label, before matching."""

    position: int
    raw: str
    box: Box | None = None  # around all of it
    may_contain: bool = False
    engine: str | None = None  # the OCR engine whose reading this item came from
    fragments: tuple[Box, ...] = ()  # one box per line of print it is read from

    @property
    def line_boxes(self) -> tuple[Box, ...]:
        """Its box on each line it runs over (the whole box when lines are not known)."""
        if self.fragments:
            return self.fragments
        return () if self.box is None else (self.box,)


@dataclass(frozen=True)
class IngredientList:
    items: tuple[IngredientItem, ...]
    header: str | None
    warnings: tuple[str, ...] = ()
    ended: bool = True  # the list stopped at a full stop, footnote or section, not at the edge
    lines: int = 0  # OCR lines the list was read from (0 for pasted text)
    low_confidence_lines: int = 0  # of those, lines the OCR read with low confidence


@dataclass(frozen=True)
class Match:
    """An item mapped onto the lexicon (entry None when nothing matched well enough)."""

    item: IngredientItem
    entry: Entry | None
    matched: str | None
    score: float
    method: str  # exact | fuzzy | rule | none
    categories: tuple[str, ...] = ()
    runner_up: tuple[str, float] | None = None

    @property
    def name(self) -> str | None:
        if self.entry is not None:
            return self.entry.name
        return None


@dataclass(frozen=True)
class RiskFactor:
    """One ingredient's part in the risk: a driver or a mitigator."""

    ingredient: str
    position: int
    category: str
    label: str
    contribution: float
    evidence: str  # the grade of its weakest claim
    sources: tuple[str, ...]  # the sources that support its claims
    why: str
    comedogenic: str | None = None
    claims: tuple[Claim, ...] = ()  # membership (or rating), then the class's link to milia


@dataclass(frozen=True)
class MiliaRisk:
    score: int
    level: str
    drivers: tuple[RiskFactor, ...]
    mitigators: tuple[RiskFactor, ...]
    summary: str
    lower_bound: bool = False  # the list was not fully read: the real score may be higher
    references: tuple[Source, ...] = ()  # every source the drivers' and mitigators' claims cite


class ProductType(StrEnum):
    auto = "auto"
    eye = "eye"
    balm = "balm"
    leave_on = "leave-on"
    rinse_off = "rinse-off"

    @property
    def phrase(self) -> str:
        return {
            "eye": "an eye-area",
            "balm": "a balm or ointment",
            "leave-on": "a leave-on",
            "rinse-off": "a rinse-off",
            "auto": "a",
        }[self.value]


@dataclass(frozen=True)
class Context:
    product_type: ProductType
    factor: float
    reason: str


@dataclass(frozen=True)
class ClaimIssue:
    claim: str
    contradicted_by: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class AvoidHit:
    ingredient: str
    position: int
    because: str


COMPLETE_SHARE = 0.85  # share of items recognised for a reading to count as complete


@dataclass(frozen=True)
class ReadingCheck:
    items: int
    recognised: int
    start_found: bool
    end_found: bool
    plausible: bool
    confidence: float | None  # the OCR's mean word confidence, None for pasted text
    gaps: int = 0  # blank stretches inside the list where lines of print were not read
    lines: int = 0  # OCR lines the list was read from (0 for pasted text)
    low_confidence_lines: int = 0  # of those, lines read with low confidence (a hint only)

    @property
    def unrecognised(self) -> int:
        return self.items - self.recognised

    @property
    def share(self) -> float:
        return self.recognised / self.items if self.items else 0.0

    @property
    def complete(self) -> bool:
        return (
            self.share >= COMPLETE_SHARE
            and self.start_found
            and self.end_found
            and self.plausible
            and not self.gaps
        )

    def problems(self) -> list[str]:
        out = []
        if self.share < COMPLETE_SHARE:
            out.append(f"only {self.recognised} of {self.items} items were recognised")
        if not self.start_found:
            out.append("the start of the list was not found")
        if not self.end_found:
            out.append("the end of the list was not found")
        if not self.plausible:
            out.append(f"{self.items} items is shorter than a product's whole list")
        if self.gaps:
            out.append(f"{self.gaps} stretch(es) of the list were skipped by the OCR")
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "items": self.items,
            "recognised": self.recognised,
            "unrecognised": self.unrecognised,
            "share_recognised": round(self.share, 3),
            "start_found": self.start_found,
            "end_found": self.end_found,
            "plausible": self.plausible,
            "gaps": self.gaps,
            "lines": self.lines,
            "low_confidence_lines": self.low_confidence_lines,
            "ocr_confidence": None if self.confidence is None else round(self.confidence, 1),
            "complete": self.complete,
            "problems": self.problems(),
        }


@dataclass(frozen=True)
class Report:
    source: str
    lexicon_version: str
    matches: tuple[Match, ...]
    risk: MiliaRisk
    warnings: tuple[str, ...]
    ocr_engine: str | None = None
    ocr_confidence: float | None = None
    ocr_text: str | None = None
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    context: Context | None = None
    claims: tuple[ClaimIssue, ...] = ()
    avoid: tuple[AvoidHit, ...] = ()
    reading: ReadingCheck | None = None
