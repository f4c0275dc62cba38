"""Batch over real folders with real tesseract: every file accounted for, resumable."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from milia_scan.cli import cli
from milia_scan.errors import ExitCode
from milia_scan.jobs.batch import discover
from PIL import Image

from .labels import make_label, make_labels

ROOT = Path(__file__).resolve().parent.parent


def _rows(db: Path) -> dict[str, tuple[str, int, str | None]]:
    with sqlite3.connect(db) as conn:
        return {
            p: (s, c, d)
            for p, s, c, d in conn.execute(
                "SELECT path, status, scan_count, duplicate_of FROM scans"
            )
        }


def _messy_folder(root: Path) -> dict[str, str]:
    """About 210 files: good labels in nested folders, and every kind of bad file.

    Returns the expected status of each image path."""
    expected: dict[str, str] = {}
    for path in make_labels(root, 120):
        expected[str(path)] = "ok"
    for path in make_labels(root / "sub dir" / "ünïcode", 60, start=120, suffix=".jpg"):
        expected[str(path)] = "ok"
    for path in make_labels(root / "sub dir", 12, start=180, prefix="crème", suffix=".webp"):
        expected[str(path)] = "ok"
    # the same content under another name: a duplicate, not a second scan
    dup = root / "copy of label-0000.png"
    dup.write_bytes((root / "label-0000.png").read_bytes())
    expected[str(dup)] = "ok"
    # bad files
    (root / "empty.jpg").write_bytes(b"")
    (root / "notes.jpg").write_text("not a photo", encoding="utf-8")
    good = (root / "label-0001.png").read_bytes()
    (root / "truncated.png").write_bytes(good[: len(good) // 2])
    (root / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(500))
    Image.new("L", (12000, 8000), 255).save(root / "bomb.png")  # 96 megapixels
    with (root / "huge.tif").open("wb") as fh:  # over the 200 MB limit, sparse on disk
        fh.truncate(210 * 1024 * 1024)
    for name in ("empty.jpg", "notes.jpg", "truncated.png", "corrupt.jpg", "bomb.png", "huge.tif"):
        expected[str(root / name)] = "unreadable"
    make_label(root / "front.png", ["Gentle", "cleanser"], header=False)
    Image.new("RGB", (400, 300), (180, 170, 160)).save(root / "front.png")  # no text at all
    expected[str(root / "front.png")] = "no_ingredient_list"
    # not images: skipped quietly, counted
    (root / "readme.txt").write_text("hello", encoding="utf-8")
    (root / "sub dir" / "data.csv").write_text("a,b", encoding="utf-8")
    # a symlink loop must not be followed
    (root / "sub dir" / "loop").symlink_to(root, target_is_directory=True)
    return expected


pytestmark = pytest.mark.tesseract


def test_batch_accounts_for_every_file(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    expected = _messy_folder(folder)
    assert len(expected) >= 200
    db, out = tmp_path / "results.db", tmp_path / "rows.jsonl"
    result = CliRunner().invoke(
        cli,
        [
            "batch",
            str(folder),
            "--recursive",
            "--db",
            str(db),
            "--format",
            "jsonl",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == ExitCode.some_failed, result.stderr  # some files were bad
    assert "6 file(s) could not be scanned" in result.stderr
    rows = _rows(db)
    assert {p: s for p, (s, _, _) in rows.items()} == expected
    assert all(count == 1 for p, (_, count, dup) in rows.items() if dup is None)
    pair = {str(folder / "copy of label-0000.png"), str(folder / "label-0000.png")}
    dups = [(p, rows[p]) for p in pair if rows[p][2] is not None]
    assert len(dups) == 1 and dups[0][1][:2] == ("ok", 0) and dups[0][1][2] in pair - {dups[0][0]}
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {line["path"] for line in lines} == set(expected)
    bad = {line["path"]: line["error"] for line in lines if line["status"] == "unreadable"}
    assert "empty" in bad[str(folder / "empty.jpg")]
    assert "megapixels" in bad[str(folder / "bomb.png")]
    assert "MB" in bad[str(folder / "huge.tif")]

    # run again: nothing is scanned twice
    again = CliRunner().invoke(cli, ["batch", str(folder), "-r", "--db", str(db)])
    assert again.exit_code == ExitCode.some_failed
    assert _rows(db) == rows
    assert "already stored" in again.stdout


def test_batch_of_good_files_exits_0_with_a_summary(tmp_path: Path) -> None:
    make_labels(tmp_path / "ok", 6)
    result = CliRunner().invoke(
        cli, ["batch", str(tmp_path / "ok"), "--db", str(tmp_path / "r.db"), "--jobs", "2"]
    )
    assert result.exit_code == 0, result.stderr
    assert "Summary" in result.stdout and "Riskiest first" in result.stdout
    assert "[6/6]" in result.stderr  # plain progress lines when not on a terminal


def _batch_cmd(folder: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "milia_scan", "batch", str(folder), "--db", str(db), "-j", "2"]


def _start_batch(folder: Path, db: Path) -> subprocess.Popen[str]:
    """A batch in its own process group, its progress lines readable from stderr."""
    return subprocess.Popen(
        _batch_cmd(folder, db),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _reported(proc: subprocess.Popen[str], count: int, timeout: float = 120) -> list[str]:
    """The paths of the first `count` results the batch reported done."""
    assert proc.stderr is not None
    deadline = time.monotonic() + timeout
    done: list[str] = []
    while len(done) < count and time.monotonic() < deadline:
        line = proc.stderr.readline()
        assert line, "the batch ended early"
        if line.startswith("["):
            done.append(line.split("  ")[1].split()[0])
    return done


def test_kill_9_in_the_middle_then_resume_loses_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    images = make_labels(folder, 80)
    db = tmp_path / "r.db"
    cmd = _batch_cmd(folder, db)
    proc = _start_batch(folder, db)
    reported = set(_reported(proc, 25))
    os.killpg(proc.pid, signal.SIGKILL)  # the whole group: parent and workers, mid-write
    proc.wait()
    assert proc.stderr is not None
    proc.stderr.close()
    stored = _rows(db)
    assert reported <= set(stored), "a result reported done was lost"
    assert 25 <= len(stored) < len(images)

    resumed = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    rows = _rows(db)
    assert set(rows) == {str(p) for p in images}
    assert all(status == "ok" and count == 1 for status, count, _ in rows.values())
    assert resumed.stderr.count("already stored") == len(stored)


def test_discover_counts_non_images_and_records_unreadable_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_labels(tmp_path / "a", 2)
    make_labels(tmp_path / "locked", 1)
    (tmp_path / "a" / "notes.txt").write_text("x", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: object) -> object:  # root ignores permissions, so refuse like a kernel would
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    found = discover(tmp_path, recursive=True)
    assert [p.name for p in found.images] == ["label-0000.png", "label-0001.png"]
    assert found.skipped == 1
    assert found.unreadable == (
        (str(tmp_path / "locked"), "cannot list this folder (Permission denied)"),
    )
    assert discover(tmp_path / "a", recursive=False).images == found.images


def test_ctrl_c_stops_the_batch_and_keeps_what_was_reported(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    images = make_labels(folder, 60)
    db = tmp_path / "r.db"
    proc = _start_batch(folder, db)
    done = _reported(proc, 10)
    assert proc.stderr is not None
    proc.send_signal(signal.SIGINT)  # Ctrl-C
    assert proc.wait(timeout=60) == 130
    proc.stderr.close()
    rows = _rows(db)
    assert set(done) <= set(rows) and len(rows) < len(images)


def test_rescan_scans_again_and_counts(tmp_path: Path) -> None:
    make_labels(tmp_path / "p", 3)
    db = str(tmp_path / "r.db")
    assert CliRunner().invoke(cli, ["batch", str(tmp_path / "p"), "--db", db]).exit_code == 0
    assert (
        CliRunner().invoke(cli, ["batch", str(tmp_path / "p"), "--db", db, "--rescan"]).exit_code
        == 0
    )
    assert {count for _, count, _ in _rows(Path(db)).values()} == {2}


def test_a_file_that_cannot_be_read_is_stored_as_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import milia_scan.jobs.batch as batch

    paths = make_labels(tmp_path / "p", 3)
    real = batch.fingerprint

    def fingerprint(path: Path) -> object:  # as root nothing is unreadable: refuse one file
        if path == paths[1]:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(batch, "fingerprint", fingerprint)
    result = CliRunner().invoke(cli, ["batch", str(tmp_path / "p"), "--db", str(tmp_path / "r.db")])
    assert result.exit_code == ExitCode.some_failed
    rows = _rows(tmp_path / "r.db")
    assert rows[str(paths[1])][0] == "unreadable"
    assert [rows[str(p)][0] for p in (paths[0], paths[2])] == ["ok", "ok"]


def test_results_lists_filters_and_shows(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    make_label(folder / "balm.png", ["Petrolatum", "Lanolin", "Beeswax", "Ozokerite"])
    make_label(folder / "gel.png", ["Glycerin", "Panthenol", "Allantoin", "Betaine"])
    db = str(tmp_path / "r.db")
    assert CliRunner().invoke(cli, ["batch", str(folder), "--db", db]).exit_code == 0

    def results(*args: str) -> str:
        out = CliRunner().invoke(cli, ["results", "--db", db, *args])
        assert out.exit_code == 0, out.stderr
        return out.stdout

    rows = json.loads(results("--format", "json"))
    assert [Path(r["path"]).name for r in rows] == ["balm.png", "gel.png"]  # riskiest first
    assert rows[0]["level"] == "high" and rows[0]["report"]["schema"] == "milia-scan/1"
    assert [
        json.loads(x)["path"] for x in results("--format", "jsonl", "--level", "low").splitlines()
    ] == [str(folder / "gel.png")]
    csv_rows = results("--format", "csv", "--contains", "Paraffinum Liquidum").splitlines()
    assert csv_rows[0].startswith("path,status,level") and len(csv_rows) == 1  # none has it
    by_synonym = results("--contains", "wool wax", "--format", "jsonl")  # a lanolin synonym
    assert [json.loads(x)["path"] for x in by_synonym.splitlines()] == [str(folder / "balm.png")]
    assert "balm.png" in results("--contains", "wool wax")  # the table, too
    shown = CliRunner().invoke(cli, ["results", "show", str(folder / "gel.png"), "--db", db])
    assert json.loads(shown.stdout)["source"] == str(folder / "gel.png")
    missing = CliRunner().invoke(cli, ["results", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == ExitCode.input_file and "no results database" in missing.stderr
