"""watch under hostile conditions: its folder removed and recreated at once (ext4 may give the
new folder the old inode number), a writer that reopens the file to append, copies and renames
recognised by content (each still gets its --out report), and report files made with the
umask."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import time
from pathlib import Path

import pytest

from ..labels import make_labels
from .hostile import Started, fill, leftovers, small_disk, stored, wait_for

pytestmark = pytest.mark.tesseract

MODES = pytest.mark.parametrize("polling", [False, True], ids=["native", "polling"])


def _watch(tmp_path: Path, inbox: Path, *extra: str, polling: bool = False) -> Started:
    flags = ["--polling"] if polling else []
    run = Started("watch", inbox, "--db", tmp_path / "r.db", "-j", "1", "--engine", "tesseract",
                  *flags, *extra, logs=tmp_path / "logs")  # fmt: skip
    assert wait_for(lambda: "watching" in run.stderr, 60), run.stderr
    return run


def _stop(run: Started) -> None:
    try:
        assert run.stop(signal.SIGTERM, 60) == 0, run.stderr
    finally:
        run.kill()
    assert not leftovers(run.tag)


@MODES
def test_a_folder_removed_and_recreated_at_once_is_watched_again(
    tmp_path: Path, polling: bool
) -> None:
    src, inbox, db = make_labels(tmp_path / "src", 4), tmp_path / "inbox", tmp_path / "r.db"
    inbox.mkdir()
    run = _watch(tmp_path, inbox, polling=polling)
    try:
        for i, photo in enumerate(src):
            if i:
                shutil.rmtree(inbox)
                inbox.mkdir()  # at once: on ext4 often the same inode number
            shutil.copyfile(photo, inbox / f"photo-{i}.png")
            assert wait_for(lambda i=i: str(inbox / f"photo-{i}.png") in stored(db), 30), (
                f"trial {i}: not scanned after the folder was recreated\n{run.stderr}"
            )
    finally:
        _stop(run)
    if not polling:  # a poller may never see the folder gone between two looks: fine too
        assert "again" in run.stderr


def _slow_append(photo: Path, target: Path, chunks: int, pause: float) -> None:
    data = photo.read_bytes()
    step = -(-len(data) // chunks)
    for k in range(0, len(data), step):
        with target.open("ab") as fh:  # reopened for every chunk, closed after it
            fh.write(data[k : k + step])
        time.sleep(pause)


@MODES
def test_a_writer_that_reopens_to_append_is_scanned_once_when_done(
    tmp_path: Path, polling: bool
) -> None:
    (photo,) = make_labels(tmp_path / "src", 1)
    inbox, db = tmp_path / "inbox", tmp_path / "r.db"
    inbox.mkdir()
    run = _watch(tmp_path, inbox, polling=polling)
    try:
        _slow_append(photo, inbox / "slow.png", 5, 2.0 if polling else 0.6)
        assert wait_for(lambda: str(inbox / "slow.png") in stored(db), 60), run.stderr
        time.sleep(1.5)  # a second scan would come now
    finally:
        _stop(run)
    assert stored(db) == {str(inbox / "slow.png"): ("ok", 1)}
    assert "UNREADABLE" not in run.stdout


def test_every_path_gets_a_report_made_with_the_umask(tmp_path: Path) -> None:
    src, inbox, out = make_labels(tmp_path / "src", 2), tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    run = _watch(tmp_path, inbox, "--out", str(out))
    db = tmp_path / "r.db"
    try:
        shutil.copyfile(src[0], inbox / "a.png")
        assert wait_for(lambda: str(inbox / "a.png") in stored(db), 60), run.stderr
        shutil.copyfile(src[0], inbox / "copy of a.png")  # known content: a duplicate
        os.rename(inbox / "a.png", inbox / "renamed.png")  # known content, new name
        for twin in ("b.png", "b again.png"):  # the same new content twice at once
            shutil.copyfile(src[1], inbox / twin)
        names = {"a.png", "copy of a.png", "renamed.png", "b.png", "b again.png"}
        assert wait_for(lambda: {p.name for p in out.glob("*.json")} >= {
            f"{n}.json" for n in names}, 60), (run.stdout, run.stderr)  # fmt: skip
    finally:
        _stop(run)
    umask = os.umask(0o022)
    os.umask(umask)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in out.glob("*.json")}
    assert modes == {0o666 & ~umask}


def test_a_full_disk_under_out_does_not_stop_the_watch(tmp_path: Path) -> None:
    src, inbox, db = make_labels(tmp_path / "src", 3), tmp_path / "inbox", tmp_path / "r.db"
    inbox.mkdir()
    with small_disk(tmp_path / "disk", "256k") as disk:
        fill(disk)
        run = _watch(tmp_path, inbox, "--out", str(disk / "reports"))
        try:
            for photo in src:
                shutil.copyfile(photo, inbox / photo.name)
            assert wait_for(lambda: len(stored(db)) == len(src), 60), run.stderr
        finally:
            _stop(run)
        assert "could not write" in run.stderr and "the result is in the database" in run.stderr
        assert not list(disk.glob("reports/.tmp-*"))  # no half-written report left
    assert {status for status, _ in stored(db).values()} == {"ok"}
