"""Shared fixtures: the shipped lexicon, sample paths, and small image files made on the fly."""

from __future__ import annotations

from pathlib import Path

import pytest
from milia_scan.lexicon import Lexicon, load_lexicon

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
TIERS = ("flat", "phone", "curved", "hard")


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon()


def sample_images(tier: str) -> list[Path]:
    return sorted(p for p in (SAMPLES / tier).iterdir() if p.suffix != ".txt")


@pytest.fixture(autouse=True, scope="session")
def _isolated_user_lexicon(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read a developer's own imported lexicon."""
    import os

    os.environ["MILIA_SCAN_DATA_DIR"] = str(tmp_path_factory.mktemp("user-data"))
    os.environ["MILIA_SCAN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.pop("MILIA_SCAN_DB", None)  # the default database lies in that folder
