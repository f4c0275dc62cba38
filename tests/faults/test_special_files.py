"""A FIFO (or any file that is not a regular file) named like a photo is never opened: opening a
FIFO for reading blocks until a writer comes. Batch and watch record it as skipped and go on."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from milia_scan.errors import ExitCode

from ..labels import make_labels
from .hostile import Started, leftovers, run_cli, stored, wait_for

pytestmark = pytest.mark.tesseract


def test_batch_skips_a_fifo_and_scans_the_rest(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "r.db"
    good = make_labels(folder, 2)
    os.mkfifo(folder / "label-0000b.jpg")  # between the two photos
    ran = run_cli("batch", folder, "--db", db, "-j", "1", "--engine", "tesseract", timeout=90)
    assert not ran.hung, "the batch blocked on the FIFO"
    assert ran.returncode == ExitCode.ok, ran.err
    assert stored(db) == {str(p): ("ok", 1) for p in good}
    assert f"SKIPPED  {folder / 'label-0000b.jpg'}: a FIFO" in ran.err
    assert "not regular files (skipped)" in ran.out


def test_scan_of_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "photo.jpg")
    ran = run_cli("scan", tmp_path / "photo.jpg", "--engine", "tesseract", timeout=30)
    assert ran.returncode == ExitCode.input_file, ran.err
    assert "FIFO" in ran.err and "not a regular file" in ran.err


def _touch_fifo(fifo: Path) -> None:
    """Open the FIFO for writing and close it (a close-after-write event), without blocking."""
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    finally:
        os.close(reader)


@pytest.mark.parametrize("polling", [False, True], ids=["native", "polling"])
def test_watch_skips_a_fifo_and_keeps_scanning(tmp_path: Path, polling: bool) -> None:
    inbox, db, src = tmp_path / "inbox", tmp_path / "r.db", make_labels(tmp_path / "src", 2)
    inbox.mkdir()
    os.mkfifo(inbox / "early.jpg")  # there at start: the sweep must not open it
    flags = ["--polling"] if polling else []
    watch = Started("watch", inbox, "--db", db, "-j", "1", "--engine", "tesseract", *flags,
                    logs=tmp_path / "logs")  # fmt: skip
    try:
        assert wait_for(lambda: "watching" in watch.stderr, 60), watch.stderr
        os.mkfifo(inbox / "late.jpg")
        _touch_fifo(inbox / "late.jpg")
        shutil.copyfile(src[0], inbox / "after.png")
        assert wait_for(lambda: str(inbox / "after.png") in stored(db), 60), watch.stdout
        shutil.copyfile(src[1], inbox / "later.png")
        assert wait_for(lambda: str(inbox / "later.png") in stored(db), 60), watch.stdout
        assert watch.stop(signal.SIGTERM, 60) == 0, "the watch did not stop on SIGTERM"
    finally:
        watch.kill()
    assert set(stored(db)) == {str(inbox / "after.png"), str(inbox / "later.png")}
    assert f"SKIPPED  {inbox / 'early.jpg'}" in watch.stdout
    assert not leftovers(watch.tag)
