"""Record real tesseract TSV for a few sample images, for the replaying fake engine.

Run after changing preprocessing or the samples:  .venv/bin/python tests/record_ocr.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from milia_scan.image.load import load_image
from milia_scan.image.preprocess import preprocess
from milia_scan.ocr import tesseract
from milia_scan.ocr.engine import TesseractEngine
from milia_scan.options import ScanOptions

from tests.fakes import RECORDINGS, recording_for

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
RECORDED = [
    "flat/02-night-balm.png",
    "phone/01-eye-cream.jpg",
    "phone/09-sunscreen.jpg",
    "phone/12-foundation.jpg",
]


def main() -> None:
    RECORDINGS.mkdir(parents=True, exist_ok=True)
    options = ScanOptions()
    for name in RECORDED:
        image = SAMPLES / name
        prepared = preprocess(load_image(image, options), options)
        psm = TesseractEngine(options).psm_for(prepared)  # as the real engine would read it
        tsv = tesseract.run_tsv(prepared.gray, lang=options.lang, psm=psm)
        recording_for(image).write_text(tsv, encoding="utf-8")
        print(f"recorded {recording_for(image).name}")


if __name__ == "__main__":
    main()
