"""Scan functions for worker processes that misbehave on purpose (importable by spawned workers)."""

from __future__ import annotations

import os
import time

from milia_scan.jobs.worker import ScanOutcome, Status
from milia_scan.options import ScanOptions


def crash_on_poison(path: str, options: ScanOptions | None = None) -> ScanOutcome:
    """Kill the worker process for a file named *poison*, like a crash in a decoder would."""
    if "poison" in os.path.basename(path):
        os._exit(70)
    time.sleep(0.05)
    return ScanOutcome(path, Status.ok, None, "low", 0, None, 0.05, {}, os.getpid())


def slow(path: str, options: ScanOptions | None = None) -> ScanOutcome:
    time.sleep(0.5)
    return ScanOutcome(path, Status.ok, None, "low", 0, None, 0.5, {}, os.getpid())
