"""Every scan has a time budget (--timeout; by default 10 s per megapixel, at least 30 s): a
photo of noise ends with exit 6 when it runs over, and leaves no OCR process running."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import numpy as np
import pytest
from milia_scan.budget import budget_for, time_budget
from milia_scan.errors import ExitCode, ScanTimeoutError
from PIL import Image

from ..labels import make_labels
from .hostile import leftovers, run_cli, stored

pytestmark = pytest.mark.tesseract


def _noise(path: Path) -> Path:
    rng = np.random.default_rng(13)
    Image.fromarray(rng.integers(0, 256, (1500, 2000, 3), dtype=np.uint8)).save(path)
    return path


@pytest.mark.parametrize("engine", ["tesseract", "auto"])
def test_a_scan_over_its_budget_exits_6_and_leaves_nothing(tmp_path: Path, engine: str) -> None:
    noise = _noise(tmp_path / "noise.png")
    start = time.monotonic()
    ran = run_cli("scan", noise, "--engine", engine, "--timeout", "1.5", timeout=60)
    assert ran.returncode == ExitCode.ocr_failed, ran.err
    assert "time budget of 2 s" in ran.err or "time budget of 1 s" in ran.err
    assert time.monotonic() - start < 20
    assert not leftovers(ran.tag)  # tesseract was killed with the scan


def test_a_batch_stores_the_slow_file_and_scans_the_rest(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "r.db"
    good = make_labels(folder, 2)
    _noise(folder / "noise.png")
    ran = run_cli("batch", folder, "--db", db, "-j", "1", "--engine", "tesseract",
                  "--timeout", "1.5", timeout=120)  # fmt: skip
    assert ran.returncode == ExitCode.some_failed, ran.err
    assert stored(db) == {str(good[0]): ("ok", 1), str(good[1]): ("ok", 1),
                          str(folder / "noise.png"): ("error", 1)}  # fmt: skip
    assert "time budget" in ran.out + ran.err
    assert not leftovers(ran.tag)


def test_the_default_budget_grows_with_the_photo() -> None:
    assert budget_for(2_000_000, None) == 30
    assert budget_for(12_000_000, None) == 120
    assert budget_for(12_000_000, 5) == 5
    assert budget_for(12_000_000, 0) is None


def test_a_budget_inside_another_timer_puts_it_back() -> None:
    outer = signal.getsignal(signal.SIGALRM)
    before = signal.getitimer(signal.ITIMER_REAL)[0]  # this suite's own time limit
    with pytest.raises(ScanTimeoutError), time_budget(0.2, "x.png"):
        time.sleep(2)
    assert signal.getsignal(signal.SIGALRM) is outer
    assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= before
