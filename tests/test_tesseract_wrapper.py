"""The tesseract wrapper: single-threaded, with a timeout, and clear errors."""

from __future__ import annotations

import os
import subprocess
from typing import Any

import numpy as np
import pytesseract
import pytest
from milia_scan.errors import MissingDependencyError, OcrError
from milia_scan.ocr import tesseract

pytestmark = pytest.mark.tesseract


def test_every_tesseract_process_is_single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    envs: list[dict[str, str]] = []
    real_popen = subprocess.Popen

    def spy(*args: Any, **kwargs: Any) -> Any:
        env = kwargs.get("env")
        envs.append(dict(os.environ if env is None else env))  # None: the child inherits ours
        return real_popen(*args, **kwargs)

    monkeypatch.setenv("OMP_THREAD_LIMIT", "4")
    monkeypatch.setattr(pytesseract.pytesseract.subprocess, "Popen", spy)
    tesseract.run_tsv(np.full((60, 200), 255, np.uint8))
    assert envs and all(env.get("OMP_THREAD_LIMIT") == "1" for env in envs)


def test_a_run_over_its_timeout_is_stopped_with_an_ocr_error() -> None:
    rng = np.random.default_rng(0)
    noise = (rng.random((3000, 3000)) > 0.5).astype(np.uint8) * 255  # slow to segment
    with pytest.raises(OcrError, match="longer than"):
        tesseract.run_tsv(noise, timeout=0.05)


def test_missing_language_data_names_the_package() -> None:
    with pytest.raises(MissingDependencyError, match="tesseract-ocr-eng"):
        tesseract.check_language("xx_no_such_lang")


def _noise(size: int = 3000) -> np.ndarray:
    rng = np.random.default_rng(1)
    return (rng.random((size, size)) > 0.5).astype(np.uint8) * 255  # slow to segment


def test_a_reading_runs_beside_the_caller_and_can_be_stopped_unread() -> None:
    running = tesseract.Pass(_noise(), timeout=30)
    proc = running._proc
    assert proc is not None and proc.poll() is None  # started, not waited for
    folder = running._folder
    running.stop()
    assert proc.returncode is not None and not os.path.exists(folder)
    with pytest.raises(OcrError, match="stopped"):
        running.tsv()
    done = tesseract.Pass(np.full((60, 200), 255, np.uint8))
    assert done.tsv().startswith("level\t") and not os.path.exists(done._folder)


def test_a_reading_dies_with_the_process_that_started_it(tmp_path: Any) -> None:
    import signal
    import sys
    import time

    script = (
        "import sys, time, numpy as np\n"
        "from milia_scan.ocr import tesseract\n"
        "rng = np.random.default_rng(1)\n"
        "p = tesseract.Pass((rng.random((3000, 3000)) > 0.5).astype(np.uint8) * 255)\n"
        "print(p._proc.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    os.kill(child, 0)  # tesseract runs
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    parent.stdout.close()
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        raise AssertionError("tesseract outlived the process that started it")
