"""The parsed lexicon kept between processes: used when current, rebuilt when anything changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from milia_scan.lexicon import load_lexicon_from
from milia_scan.lexicon.cache import load_cached
from milia_scan.lexicon.loader import DATA_DIR, Lexicon


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return copy


def _load(data: Path, folder: Path, parsed: list[Lexicon], user: Path | None = None) -> Lexicon:
    def parse() -> Lexicon:
        parsed.append(load_lexicon_from(data, user.parent if user else None))
        return parsed[-1]

    return load_cached(data, user, parse, folder)


def test_a_second_process_reads_the_lexicon_from_the_cache(data: Path, tmp_path: Path) -> None:
    folder, parsed = tmp_path / "cache", []
    first = _load(data, folder, parsed)
    assert len(parsed) == 1 and len(list(folder.glob("lexicon-*.pickle"))) == 1
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    again = _load(data, folder, parsed)
    assert len(parsed) == 1  # not parsed again
    assert again is not first and again.version == first.version
    assert [e.name for e in again.entries] == [e.name for e in first.entries]
    assert again.vocabulary is not None and again.vocabulary.index  # loaded, not read again


def test_a_changed_data_file_or_user_lexicon_is_parsed_again(data: Path, tmp_path: Path) -> None:
    folder, parsed = tmp_path / "cache", []
    _load(data, folder, parsed)
    version = data / "VERSION"
    version.write_text("2099.1.1\n", encoding="utf-8")
    assert _load(data, folder, parsed).version == "2099.1.1" and len(parsed) == 2
    assert len(list(folder.glob("lexicon-*.pickle"))) == 1  # the old cache is gone
    user = tmp_path / "user" / "imported-ingredients.csv"
    user.parent.mkdir()
    header = (DATA_DIR / "ingredients.csv").read_text(encoding="utf-8").splitlines()[0]
    user.write_text(header + "\n", encoding="utf-8")
    _load(data, folder, parsed, user)
    assert len(parsed) == 3


def test_a_damaged_or_unwritable_cache_only_costs_a_parse(data: Path, tmp_path: Path) -> None:
    folder, parsed = tmp_path / "cache", []
    _load(data, folder, parsed)
    [cached] = folder.glob("lexicon-*.pickle")
    cached.write_bytes(b"not a pickle")
    assert _load(data, folder, parsed).entries and len(parsed) == 2
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    assert _load(data, blocked / "cache", parsed).entries and len(parsed) == 3


def test_a_broken_vocabulary_is_not_cached_and_still_reported_where_used(
    data: Path, tmp_path: Path
) -> None:
    from milia_scan.errors import LexiconError

    vocabulary = next(data.glob("cosing-*.tsv.gz"))
    vocabulary.write_bytes(b"\x1f\x8b broken")
    folder, parsed = tmp_path / "cache", []
    lexicon = _load(data, folder, parsed)
    assert not folder.exists() or not list(folder.glob("lexicon-*.pickle"))
    assert lexicon.vocabulary is not None
    with pytest.raises(LexiconError):
        lexicon.vocabulary.load()


def test_the_cache_folder_can_be_chosen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from milia_scan.locations import cache_dir

    monkeypatch.setenv("MILIA_SCAN_CACHE_DIR", str(tmp_path / "here"))
    assert cache_dir() == tmp_path / "here"
    monkeypatch.delenv("MILIA_SCAN_CACHE_DIR")
    assert cache_dir().name == "milia-scan" and os.path.isabs(cache_dir())
