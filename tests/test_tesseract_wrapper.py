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
