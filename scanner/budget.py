"""A time budget for one scan: a photo of noise, or without print, can keep OCR busy for a
minute or more; past its budget the scan ends with exit 6 instead of hanging on.

The budget is a real-time timer (SIGALRM) in the thread that scans, which is the main thread of
`milia-scan scan` and of every batch or watch worker; a tesseract process running when it
fires is killed by the wrapper's own clean-up. Elsewhere (another thread, no SIGALRM) the scan
runs without one. A timer set before (a test's time limit) is put back afterwards.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from milia_scan.errors import ScanTimeoutError

SECONDS_PER_MEGAPIXEL = 10.0
MIN_SECONDS = 30.0


def budget_for(pixels: int, timeout: float | None) -> float | None:
    """Seconds a scan of a photo of `pixels` may take: `timeout` when given (0: no limit),
    else SECONDS_PER_MEGAPIXEL per megapixel and at least MIN_SECONDS."""
    if timeout is not None:
        return timeout or None
    return max(MIN_SECONDS, SECONDS_PER_MEGAPIXEL * pixels / 1e6)


@contextmanager
def time_budget(seconds: float | None, what: str) -> Iterator[None]:
    """Raise ScanTimeoutError inside the block once `seconds` have passed."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    assert seconds is not None

    def expired(_signum: int, _frame: FrameType | None) -> None:
        raise ScanTimeoutError(
            f"{what}: the scan ran over its time budget of {seconds:.0f} s and was stopped; "
            "a photo with no print, or of noise, takes long to read: crop it to the "
            "ingredient list, or allow more time with --timeout"
        )

    start = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expired)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:  # someone else's timer: put back what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(0.001, outer - (time.monotonic() - start)))
