"""The only module that knows how tesseract is run (through pytesseract).

Every tesseract process gets OMP_THREAD_LIMIT=1 (on a 2-core machine its OpenMP threads made a
page many times slower, and batches parallelise across processes instead) and a timeout.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pytesseract
from milia_scan.errors import MissingDependencyError, OcrError

INSTALL_HINT = (
    "install tesseract and its English data: Debian/Ubuntu 'sudo apt-get install tesseract-ocr "
    "tesseract-ocr-eng', Fedora 'sudo dnf install tesseract tesseract-langpack-eng', macOS "
    "'brew install tesseract' (or run 'make setup')"
)


def _single_threaded() -> None:
    # pytesseract passes os.environ to the child process.
    os.environ["OMP_THREAD_LIMIT"] = "1"


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    """The installed tesseract version; raises MissingDependencyError when there is none."""
    _single_threaded()
    try:
        return str(pytesseract.get_tesseract_version())
    except pytesseract.TesseractNotFoundError:
        raise MissingDependencyError(
            f"tesseract is not installed or not on PATH; {INSTALL_HINT}"
        ) from None


@lru_cache(maxsize=4)
def check_language(lang: str) -> None:
    tesseract_version()
    try:
        langs = pytesseract.get_languages(config="")
    except pytesseract.TesseractError as exc:  # pragma: no cover - depends on the install
        raise MissingDependencyError(
            f"cannot list tesseract languages ({exc}); {INSTALL_HINT}"
        ) from None
    if lang not in langs:
        raise MissingDependencyError(
            f"tesseract has no '{lang}' language data (it has: {', '.join(langs) or 'none'}); "
            f"{INSTALL_HINT}"
        )


@contextmanager
def _image_file(gray: np.ndarray) -> Iterator[str]:
    """The image as an uncompressed BMP file (pytesseract would spend ~25 ms on a PNG)."""
    with tempfile.TemporaryDirectory(prefix="milia-scan-") as folder:
        path = str(Path(folder) / "page.bmp")
        if not cv2.imwrite(path, gray):
            raise OcrError("could not write the image for tesseract to a temporary folder")
        yield path


def run_tsv(gray: np.ndarray, *, lang: str = "eng", psm: int = 3, timeout: float = 60.0) -> str:
    """Run one tesseract pass over a grayscale image and return its TSV output."""
    check_language(lang)
    _single_threaded()
    try:
        with _image_file(gray) as path:
            return str(
                pytesseract.image_to_data(path, lang=lang, config=f"--psm {psm}", timeout=timeout)
            )
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise OcrError(
                f"tesseract took longer than {timeout:.0f} s and was stopped; "
                "try a smaller or sharper photo"
            ) from None
        raise OcrError(f"tesseract failed: {exc}") from None
    except pytesseract.TesseractError as exc:
        raise OcrError(f"tesseract failed: {exc.message or exc}") from None


@dataclass(frozen=True)
class Osd:
    """Tesseract's orientation guess: rotate clockwise by `rotate` degrees to make text upright."""

    rotate: int
    confidence: float


def run_osd(gray: np.ndarray, *, timeout: float = 60.0) -> Osd | None:
    """Tesseract's orientation and script detection (`--psm 0`); None when it cannot tell."""
    tesseract_version()
    _single_threaded()
    try:
        with _image_file(gray) as path:
            text = str(pytesseract.image_to_osd(path, config="--psm 0", timeout=timeout))
    except pytesseract.TesseractError:
        return None  # too few characters, or no orientation data (tesseract-ocr-osd)
    except RuntimeError as exc:  # pytesseract's timeout
        if "timeout" in str(exc).lower():
            return None
        raise OcrError(f"tesseract failed: {exc}") from None
    rotate = re.search(r"Rotate:\s*(\d+)", text)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", text)
    if rotate is None or confidence is None:
        return None
    return Osd(int(rotate.group(1)) % 360, float(confidence.group(1)))
