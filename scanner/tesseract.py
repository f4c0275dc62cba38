"""The only module that knows how tesseract is run (through pytesseract).

Every tesseract process gets OMP_THREAD_LIMIT=1 (on a 2-core machine its OpenMP threads made a
page many times slower, and batches parallelise across processes instead) and a timeout.
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np
import pytesseract

from .errors import MissingDependencyError, OcrError

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


def run_tsv(gray: np.ndarray, *, lang: str = "eng", psm: int = 3, timeout: float = 60.0) -> str:
    """Run one tesseract pass over a grayscale image and return its TSV output."""
    check_language(lang)
    _single_threaded()
    try:
        return str(
            pytesseract.image_to_data(gray, lang=lang, config=f"--psm {psm}", timeout=timeout)
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
