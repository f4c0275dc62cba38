"""The SQLite results store: upserts, hash lookups, duplicates, queries, a concurrent reader."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from milia_scan.jobs.store import ResultStore
from milia_scan.jobs.worker import FileInfo, ScanOutcome, Status


def _report(level: str, score: int, names: list[str]) -> str:
    return json.dumps(
        {
            "ingredients": [{"name": n, "raw": n.upper()} for n in names],
            "milia_risk": {"level": level, "score": score, "drivers": [{"ingredient": names[0]}]},
        }
    )


def _ok(path: str, level: str, score: int, names: list[str]) -> ScanOutcome:
    return ScanOutcome(
        path, Status.ok, _report(level, score, names), level, score, None, 0.5, {"ocr": 0.4}, 1
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ResultStore]:
    with ResultStore(tmp_path / "r.db", lexicon_version="v1") as opened:
        yield opened


def test_record_and_rescan_counts_up(store: ResultStore) -> None:
    info = FileInfo("a.jpg", 10, 1.0, "h1")
    store.record(info, _ok("a.jpg", "high", 80, ["Petrolatum"]))
    store.record(info, _ok("a.jpg", "high", 81, ["Petrolatum"]))
    row = store.get("a.jpg")
    assert row is not None and row.scan_count == 2 and row.score == 81 and store.count() == 1


def test_find_by_hash_respects_lexicon_version_and_skips_errors(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "r.db", lexicon_version="v1")
    store.record(FileInfo("a.jpg", 1, 1.0, "h1"), _ok("a.jpg", "low", 0, ["Water"]))
    store.record(
        FileInfo("b.jpg", 1, 1.0, "h2"),
        ScanOutcome("b.jpg", Status.error, None, None, None, "timeout", 1.0, {}, 1),
    )
    assert store.find_by_hash("h1") is not None
    assert store.find_by_hash("h2") is None  # errors are tried again
    newer = ResultStore(tmp_path / "r.db", lexicon_version="v2")
    assert newer.find_by_hash("h1") is None  # a new lexicon rescans


def test_duplicates_reuse_the_original(store: ResultStore) -> None:
    store.record(FileInfo("a.jpg", 1, 1.0, "h1"), _ok("a.jpg", "high", 90, ["Lanolin"]))
    original = store.find_by_hash("h1")
    assert original is not None
    store.record_duplicate(FileInfo("copy of a.jpg", 1, 2.0, "h1"), original)
    copy = store.get("copy of a.jpg")
    assert copy is not None and copy.duplicate_of == "a.jpg" and copy.scan_count == 0
    assert copy.report == original.report
    assert store.find_by_hash("h1") == original  # the original stays the reference


def test_query_orders_riskiest_first_and_filters(store: ResultStore) -> None:
    store.record(FileInfo("low.jpg", 1, 1.0, "h1"), _ok("low.jpg", "low", 5, ["Glycerin"]))
    store.record(FileInfo("high.jpg", 1, 1.0, "h2"), _ok("high.jpg", "high", 90, ["Petrolatum"]))
    store.record_unreadable("bad.jpg", "corrupt")
    assert [r.path for r in store.query()] == ["high.jpg", "low.jpg", "bad.jpg"]
    assert [r.path for r in store.query(level="high")] == ["high.jpg"]
    assert [r.path for r in store.query(contains=("petrolatum",))] == ["high.jpg"]
    assert [r.path for r in store.query(contains=("GLYCERIN",))] == ["low.jpg"]


def test_a_reader_sees_committed_rows_while_a_writer_is_open(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "r.db", lexicon_version="v1")
    store.record(FileInfo("a.jpg", 1, 1.0, "h1"), _ok("a.jpg", "low", 0, ["Water"]))
    reader = sqlite3.connect(tmp_path / "r.db")
    assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.db.execute("BEGIN IMMEDIATE")  # a write in progress does not block the reader
    store.db.execute("UPDATE scans SET score = 99")
    assert reader.execute("SELECT score FROM scans").fetchone()[0] == 0
    store.db.execute("COMMIT")
    assert reader.execute("SELECT score FROM scans").fetchone()[0] == 99
    reader.close()


def test_unwritable_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    from milia_scan.errors import InputFileError

    with pytest.raises(InputFileError, match="--db"):
        ResultStore(tmp_path / "file" / "r.db", lexicon_version="v1")
