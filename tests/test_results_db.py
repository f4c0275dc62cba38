"""Where results live and how the database is opened: one default database in the user data
folder (or $MILIA_SCAN_DB, or --db), absolute paths, read-only opening for reading, a foreign
SQLite file refused untouched, and --prune for files that are gone."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from milia_scan.cli import cli
from milia_scan.errors import ExitCode

from .conftest import SAMPLES

pytestmark = pytest.mark.tesseract


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("02-night-balm.png", "08-gel-moisturizer.png"):
        shutil.copy(SAMPLES / "flat" / name, folder / name)
    return folder


def test_the_default_database_is_found_from_any_folder_with_absolute_paths(
    photos: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MILIA_SCAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(photos.parent)
    code, _, err = run("batch", "photos", "-q")  # a relative folder
    assert code == 0, err
    assert (tmp_path / "data" / "results.db").is_file()
    assert not (photos.parent / "milia-scan.db").exists()
    monkeypatch.chdir(tmp_path / "data")  # elsewhere: the same results
    code, out, _ = run("results", "--format", "json")
    rows = json.loads(out)
    assert sorted(r["path"] for r in rows) == sorted(str(p.resolve()) for p in photos.iterdir())
    code, _, _ = run("batch", str(photos.resolve()), "-q")  # the same files by absolute path
    assert len(json.loads(run("results", "--format", "json")[1])) == 2  # stored once
    code, out, _ = run("results", "show", str(photos / "02-night-balm.png"))
    assert code == 0 and json.loads(out)["milia_risk"]["level"] == "high"
    other = tmp_path / "elsewhere.db"
    code, _, _ = run("batch", str(photos), "-q", env={"MILIA_SCAN_DB": str(other)})
    assert code == 0 and other.is_file()


def test_a_read_only_database_is_shown(photos: Path, tmp_path: Path) -> None:
    db = tmp_path / "ro" / "r.db"
    assert run("batch", str(photos), "--db", str(db), "-q")[0] == 0
    if os.geteuid() == 0:
        pytest.skip("root writes to read-only files; the read-only opening is not tested here")
    db.chmod(stat.S_IRUSR)
    db.parent.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        code, out, err = run("results", "--db", str(db), "--format", "json")
        assert code == 0, err
        assert len(json.loads(out)) == 2
    finally:
        db.parent.chmod(stat.S_IRWXU)
        db.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_results_open_the_database_read_only(photos: Path, tmp_path: Path) -> None:
    """Reading never writes: the file's bytes and mtime are the same after `results`."""
    db = tmp_path / "r.db"
    assert run("batch", str(photos), "--db", str(db), "-q")[0] == 0
    before = (db.read_bytes(), db.stat().st_mtime_ns)
    assert run("results", "--db", str(db))[0] == 0
    assert run("results", "show", str(photos / "02-night-balm.png"), "--db", str(db))[0] == 0
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before


def test_a_foreign_sqlite_file_is_refused_untouched(photos: Path, tmp_path: Path) -> None:
    db = tmp_path / "someone-else.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        con.execute("INSERT INTO notes (body) VALUES ('mine')")
    con.close()
    before = db.read_bytes()
    for args in (["batch", str(photos), "--db", str(db), "-q"], ["results", "--db", str(db)]):
        code, _, err = run(*args)
        assert code == ExitCode.input_file
        assert "not a milia-scan results database" in err and "untouched" in err
    assert db.read_bytes() == before
    assert not Path(str(db) + "-wal").exists()


def test_prune_forgets_files_that_are_gone(photos: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    assert run("batch", str(photos), "--db", str(db), "-q")[0] == 0
    (photos / "08-gel-moisturizer.png").unlink()
    code, out, err = run("results", "--db", str(db), "--prune", "--format", "json")
    assert code == 0 and "pruned 1 result(s)" in err
    assert [Path(r["path"]).name for r in json.loads(out)] == ["02-night-balm.png"]
