"""A file name that is not valid UTF-8 (Linux names are bytes) must not stop a batch, and every
report or row naming it is valid UTF-8, the bad bytes escaped as \\xNN."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from milia_scan.errors import ExitCode

from ..labels import make_labels
from .hostile import is_utf8, run_cli, stored

pytestmark = pytest.mark.tesseract

BAD = os.fsdecode(b"b\xff.png")  # the name as Python holds it: \xff as a lone surrogate


def test_a_batch_with_a_name_that_is_not_utf8_scans_every_file(tmp_path: Path) -> None:
    folder, db, rows = tmp_path / "in", tmp_path / "r.db", tmp_path / "rows.jsonl"
    good = make_labels(folder, 3)
    os.rename(good[1], folder / BAD)  # between the two others, in the walk's order
    ran = run_cli(
        "batch", folder, "--db", db, "-j", "1", "--engine", "tesseract",
        "--format", "jsonl", "--out", rows,
    )  # fmt: skip
    assert ran.returncode == ExitCode.ok, ran.err
    assert is_utf8(ran.stdout) and is_utf8(ran.stderr)
    escaped = str(folder / "b\\xff.png")
    assert stored(db) == {str(good[0]): ("ok", 1), escaped: ("ok", 1), str(good[2]): ("ok", 1)}
    lines = [json.loads(line) for line in rows.read_bytes().decode("utf-8").splitlines()]
    assert {line["path"] for line in lines} == {str(good[0]), escaped, str(good[2])}
    assert next(x for x in lines if x["path"] == escaped)["report"]["source"] == escaped

    again = run_cli("batch", folder, "--db", db, "-j", "1", "--engine", "tesseract")
    assert again.returncode == ExitCode.ok, again.err
    assert stored(db)[escaped] == ("ok", 1)  # found stored under its escaped name: not rescanned


@pytest.mark.parametrize("to_file", [True, False], ids=["to-file", "to-stdout"])
def test_scan_of_a_name_that_is_not_utf8_writes_valid_utf8(tmp_path: Path, to_file: bool) -> None:
    photo = make_labels(tmp_path, 1)[0].rename(tmp_path / BAD)
    out = tmp_path / "out.json"
    args = ["-o", out] if to_file else []
    ran = run_cli("scan", photo, "--engine", "tesseract", "--format", "json", *args)
    assert ran.returncode == ExitCode.ok, ran.err
    body = out.read_bytes() if to_file else ran.stdout
    assert is_utf8(body)
    assert json.loads(body.decode("utf-8"))["source"] == str(tmp_path / "b\\xff.png")


def test_a_failing_scan_of_such_a_name_says_so_in_utf8(tmp_path: Path) -> None:
    photo = tmp_path / os.fsdecode(b"\xfe\xff.jpg")
    photo.write_bytes(b"not a photo")
    ran = run_cli("scan", photo, "--engine", "tesseract", "-o", tmp_path / "out.json")
    assert ran.returncode == ExitCode.input_file
    assert is_utf8(ran.stderr) and "\\xfe\\xff.jpg" in ran.err
    assert not (tmp_path / "out.json").exists()


def test_watch_of_a_name_that_is_not_utf8_stores_it_and_prints_utf8(tmp_path: Path) -> None:
    import shutil
    import signal

    from .hostile import Started, leftovers, wait_for

    inbox, db, out = tmp_path / "inbox", tmp_path / "r.db", tmp_path / "out"
    inbox.mkdir()
    (photo,) = make_labels(tmp_path / "src", 1)
    run = Started("watch", inbox, "--db", db, "--out", out, "-j", "1", "--engine", "tesseract",
                  logs=tmp_path / "logs")  # fmt: skip
    try:
        assert wait_for(lambda: "watching" in run.stderr, 60), run.stderr
        shutil.copyfile(photo, inbox / BAD)
        escaped = str(inbox / "b\\xff.png")
        assert wait_for(lambda: escaped in stored(db), 60), run.stderr
        assert run.stop(signal.SIGTERM, 60) == 0
    finally:
        run.kill()
    assert stored(db) == {escaped: ("ok", 1)}
    assert is_utf8(run.out_path.read_bytes()) and is_utf8(run.err_path.read_bytes())
    assert escaped in run.stdout
    assert json.loads((out / (BAD + ".json")).read_bytes())["source"] == escaped
    assert not leftovers(run.tag)
