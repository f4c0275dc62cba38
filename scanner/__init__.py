"""milia-scan: read a skincare label photo's ingredient list and explain its milia risk.

Library API: `scan_image(path)` and `scan_text(text)` return a `Report`;
`scanner.report.to_json(report)` gives the milia-scan/1 JSON contract.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Report", "ScanOptions", "__version__", "scan_image", "scan_text"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that `lexicon` can import scanner.errors without a cycle.
    if name in ("scan_image", "scan_text"):
        from . import pipeline

        return getattr(pipeline, name)
    if name == "Report":
        from .models import Report

        return Report
    if name == "ScanOptions":
        from .options import ScanOptions

        return ScanOptions
    raise AttributeError(name)
