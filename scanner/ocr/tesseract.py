"""The only module that knows how tesseract is run.

pytesseract finds tesseract, its version and languages, and runs orientation detection. A
reading (`Pass`) is a tesseract process of its own, started and then waited for, so that it can
run beside PP-OCR on another core and be stopped when it is not needed. Every tesseract process
gets OMP_THREAD_LIMIT=1 (on a 2-core machine its OpenMP threads made a page many times slower,
and batches parallelise across processes instead), a timeout, and (on Linux) dies with the
process that started it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
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


def _write_image(folder: str, gray: np.ndarray) -> str:
    """The image as an uncompressed BMP file in `folder` (a PNG costs ~25 ms to write)."""
    path = str(Path(folder) / "page.bmp")
    if not cv2.imwrite(path, gray):
        raise OcrError("could not write the image for tesseract to a temporary folder")
    return path


@contextmanager
def _image_file(gray: np.ndarray) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="milia-scan-") as folder:
        yield _write_image(folder, gray)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


@lru_cache(maxsize=1)
def _dies_with_parent() -> Callable[[], None] | None:
    """What the tesseract child runs between fork and exec so that the kernel kills it when the
    process that started it dies (Linux); None elsewhere. libc is loaded here, in the parent,
    so the child only makes the call."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def arm() -> None:  # pragma: no cover - runs in the child
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)

    return arm


class Pass:
    """One tesseract reading of a grayscale image, running from the moment it is made:
    `tsv()` waits for its TSV (image_to_data's columns), `stop()` ends it unread."""

    def __init__(
        self, gray: np.ndarray, *, lang: str = "eng", psm: int = 3, timeout: float = 60.0
    ) -> None:
        check_language(lang)
        self.timeout = timeout
        self._folder = tempfile.mkdtemp(prefix="milia-scan-")
        self._out = os.path.join(self._folder, "page")
        try:
            image = _write_image(self._folder, gray)
        except OcrError:
            self._clean()
            raise
        command = [str(pytesseract.pytesseract.tesseract_cmd), image, self._out]
        command += ["-l", lang, "--psm", str(psm), "tsv"]
        self._deadline = time.monotonic() + timeout
        try:
            self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
                preexec_fn=_dies_with_parent(),
            )
        except OSError as exc:
            self._clean()
            raise MissingDependencyError(
                f"tesseract cannot be run ({exc}); {INSTALL_HINT}"
            ) from None

    def tsv(self) -> str:
        """Wait for the reading; OcrError when tesseract fails or runs out of time."""
        proc = self._proc
        if proc is None:
            raise OcrError("this tesseract reading was stopped")
        try:
            _, err = proc.communicate(timeout=max(0.0, self._deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.stop()
            raise OcrError(
                f"tesseract took longer than {self.timeout:.0f} s and was stopped; "
                "try a smaller or sharper photo"
            ) from None
        except BaseException:  # a scan's time budget, Ctrl-C: the process goes too
            self.stop()
            raise
        self._proc = None
        try:
            if proc.returncode != 0:
                message = err.decode("utf-8", "replace").strip().splitlines()
                raise OcrError(f"tesseract failed: {message[-1] if message else proc.returncode}")
            try:
                with open(self._out + ".tsv", encoding="utf-8", errors="replace") as f:
                    return f.read()
            except OSError as exc:
                raise OcrError(f"tesseract wrote no reading ({exc.strerror})") from None
        finally:
            self._clean()

    def stop(self) -> None:
        """End the process if it still runs, and remove its files."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stderr is not None:
                proc.stderr.close()
        self._clean()

    def _clean(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)


def run_tsv(gray: np.ndarray, *, lang: str = "eng", psm: int = 3, timeout: float = 60.0) -> str:
    """Run one tesseract pass over a grayscale image and return its TSV output."""
    return Pass(gray, lang=lang, psm=psm, timeout=timeout).tsv()


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
