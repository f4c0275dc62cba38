"""A replaying OCR engine: feeds tesseract TSV recorded from real runs through the real parser.

Recordings live in tests/data/ocr/<tier>-<name>.tsv and are made by tests/record_ocr.py from the
sample images, so unit tests exercise everything after OCR without running tesseract.
"""

from __future__ import annotations

from pathlib import Path

from milia_scan.models import OcrResult, PreparedImage
from milia_scan.ocr.engine import parse_tsv

RECORDINGS = Path(__file__).parent / "data" / "ocr"


class ReplayEngine:
    name = "tesseract"

    def __init__(self, recording: Path) -> None:
        self.recording = recording
        self.calls = 0

    def read(self, image: PreparedImage) -> OcrResult:
        self.calls += 1
        return parse_tsv(self.recording.read_text(encoding="utf-8"), self.name)


def recording_for(image: Path) -> Path:
    return RECORDINGS / f"{image.parent.name}-{image.stem}.tsv"
