"""Where milia-scan keeps its files: the user's data and config folders (platformdirs, which
follows XDG on Linux and the platform's own places elsewhere), each overridable."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "milia-scan"


def data_dir() -> Path:
    """The user's own lexicon and the results database: $MILIA_SCAN_DATA_DIR, else the user
    data folder (~/.local/share/milia-scan on Linux)."""
    explicit = os.environ.get("MILIA_SCAN_DATA_DIR")
    return Path(explicit) if explicit else Path(platformdirs.user_data_dir(APP, appauthor=False))


def cache_dir() -> Path:
    """Files milia-scan can rebuild (the parsed lexicon): $MILIA_SCAN_CACHE_DIR, else the user
    cache folder (~/.cache/milia-scan on Linux)."""
    explicit = os.environ.get("MILIA_SCAN_CACHE_DIR")
    return Path(explicit) if explicit else Path(platformdirs.user_cache_dir(APP, appauthor=False))


def config_dir() -> Path:
    """The avoid list: the user config folder (~/.config/milia-scan on Linux)."""
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def default_db() -> Path:
    """The results database: $MILIA_SCAN_DB, else results.db in the data folder, so that
    `results` finds what `batch` stored from whatever folder either runs in."""
    explicit = os.environ.get("MILIA_SCAN_DB")
    return Path(explicit) if explicit else data_dir() / "results.db"
