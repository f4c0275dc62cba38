"""milia-scan: read a skincare label photo's ingredient list and explain its milia risk.

Library API: `scan_image(path)` and `scan_text(text)` return a `Report`;
`milia_scan.output.report.to_json(report)` gives the milia-scan/1 JSON contract.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("milia-scan")  # one version string: pyproject.toml's
except PackageNotFoundError:  # pragma: no cover - running from a tree that was never installed
    __version__ = "0+unknown"
__all__ = ["Report", "ScanOptions", "__version__", "scan_image", "scan_text"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that `milia_scan.lexicon` can import milia_scan.errors without a cycle.
    if name in ("scan_image", "scan_text"):
        from milia_scan import pipeline

        return getattr(pipeline, name)
    if name == "Report":
        from milia_scan.models import Report

        return Report
    if name == "ScanOptions":
        from milia_scan.options import ScanOptions

        return ScanOptions
    raise AttributeError(name)
