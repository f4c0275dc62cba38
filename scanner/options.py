"""Defaults in one place, and the validated options object both the CLI and the API use."""

from __future__ import annotations

import os
from dataclasses import dataclass

from milia_scan.errors import BadArgsError

MAX_PIXELS = 80_000_000  # refuse decompression bombs above this many pixels
MAX_FILE_BYTES = 200 * 1024 * 1024
TESSERACT_TIMEOUT = 60.0  # seconds for one tesseract process
TARGET_XHEIGHT = 22  # px; tesseract reads best with x-height around 20-30 px
TESSERACT_LANG = "eng"
# auto: PP-OCR first, tesseract on the list block where PP-OCR leaves an item unrecognised,
# the two readings fused item by item.
ENGINES = ("tesseract", "ppocr", "auto")
ENGINE = "auto"
# Older names still accepted: PP-OCR was run through RapidOCR until 2026-12.
ENGINE_ALIASES = {"rapidocr": "ppocr"}


@dataclass(frozen=True)
class ScanOptions:
    max_pixels: int = MAX_PIXELS
    max_file_bytes: int = MAX_FILE_BYTES
    tesseract_timeout: float = TESSERACT_TIMEOUT
    target_xheight: int = TARGET_XHEIGHT
    lang: str = TESSERACT_LANG
    engine: str = ENGINE
    orient: bool = True  # turn sideways / upside-down photos upright and level small skew
    dewarp: bool = True  # unroll labels wrapped round a bottle
    retry: bool = True  # read a poor first reading again another way (costs extra passes)
    # the second engine (tesseract under 'auto') reads beside the first, on another core, from
    # the start: a single scan on a machine with cores to spare; batch workers use one each
    parallel: bool = False
    # seconds one scan may take (0: no limit); None: 10 s per megapixel, at least 30 s
    # (milia_scan.budget)
    timeout: float | None = None

    def __post_init__(self) -> None:
        if self.max_pixels <= 0 or self.max_file_bytes <= 0:
            raise BadArgsError("max_pixels and max_file_bytes must be positive")
        if self.timeout is not None and self.timeout < 0:
            raise BadArgsError("the scan timeout must be 0 (no limit) or positive")
        if self.tesseract_timeout <= 0:
            raise BadArgsError("the tesseract timeout must be positive")
        if not 8 <= self.target_xheight <= 80:
            raise BadArgsError("target_xheight must be between 8 and 80 pixels")
        if self.engine in ENGINE_ALIASES:
            object.__setattr__(self, "engine", ENGINE_ALIASES[self.engine])
        if self.engine not in ENGINES:
            raise BadArgsError(
                f"unknown OCR engine '{self.engine}'; choose one of {', '.join(ENGINES)}"
            )


# The image types `--annotate` writes, chosen by the file's extension.
ANNOTATE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".bmp")


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - not Linux


def spare_cores() -> bool:
    """Whether a single scan has a second core for its second engine."""
    return usable_cores() > 1
