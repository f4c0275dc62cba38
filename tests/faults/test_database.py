"""A results database that is damaged, read-only or on a full disk is a clear one-line error
with exit 3 (never an internal error), and nothing is left running."""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest
from milia_scan.errors import ExitCode

from ..labels import make_labels
from .hostile import fill, leftovers, read_only, run_cli, small_disk, stored

pytestmark = pytest.mark.tesseract


def _batch(folder: Path, db: Path) -> tuple[str | os.PathLike[str], ...]:
    return ("batch", folder, "--db", db, "-j", "1", "--engine", "tesseract")


def _damage(db: Path) -> None:
    """Random bytes over every page but the first (the header stays valid)."""
    with sqlite3.connect(db) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    noise = random.Random(7).randbytes(len(data) - page)
    data[page:] = noise
    db.write_bytes(bytes(data))


@pytest.fixture
def damaged(tmp_path: Path) -> tuple[Path, Path]:
    folder, db = tmp_path / "in", tmp_path / "r.db"
    make_labels(folder, 3)
    assert run_cli(*_batch(folder, db)).returncode == ExitCode.ok
    _damage(db)
    return folder, db


@pytest.mark.parametrize(
    "args",
    [("results",), ("results", "--format", "csv"), ("results", "show", "x.png")],
    ids=["table", "csv", "show"],
)
def test_reading_a_damaged_database_exits_3(damaged: tuple[Path, Path], args: tuple[str]) -> None:
    _, db = damaged
    ran = run_cli(*args, "--db", db)
    assert ran.returncode == ExitCode.input_file, ran.err
    assert "damaged" in ran.err and "internal error" not in ran.err


def test_a_batch_into_a_damaged_database_exits_3_and_leaves_nothing(
    damaged: tuple[Path, Path],
) -> None:
    folder, db = damaged
    make_labels(folder, 2, start=10)
    ran = run_cli(*_batch(folder, db), "--rescan")
    assert ran.returncode == ExitCode.input_file, ran.err
    assert "damaged" in ran.err and "Traceback" not in ran.err
    assert not leftovers(ran.tag)


def test_a_file_that_is_not_a_database_exits_3(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    db.write_bytes(random.Random(3).randbytes(8192))
    ran = run_cli("results", "--db", db)
    assert ran.returncode == ExitCode.input_file and "damaged" in ran.err, ran.err


def test_a_database_on_a_full_disk_exits_3_keeping_what_was_stored(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_labels(folder, 4)
    with small_disk(tmp_path / "disk", "512k") as disk:
        db = disk / "r.db"
        assert run_cli(*_batch(folder, db)).returncode == ExitCode.ok
        before = stored(db)
        fill(disk)
        make_labels(folder, 6, start=10)
        ran = run_cli(*_batch(folder, db))
        assert ran.returncode == ExitCode.input_file, ran.err
        assert "disk is full" in ran.err and "Traceback" not in ran.err
        assert not leftovers(ran.tag)
        (disk / "filler").unlink()
        after = stored(db)
        assert {p: after[p] for p in before} == before  # nothing stored was lost


def test_a_read_only_database_exits_3(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_labels(folder, 2)
    with small_disk(tmp_path / "disk", "4m") as disk:
        db = disk / "r.db"
        assert run_cli(*_batch(folder, db)).returncode == ExitCode.ok
        read_only(disk)
        make_labels(folder, 1, start=10)
        ran = run_cli(*_batch(folder, db))
        assert ran.returncode == ExitCode.input_file, ran.err
        assert "read-only" in ran.err or "cannot use the results database" in ran.err, ran.err
        assert "Traceback" not in ran.err
