"""kill -9 of a batch or a watch leaves no process behind: its workers die with it (a
parent-death signal), and so does multiprocessing's resource tracker."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from ..labels import make_labels
from .hostile import Started, leftovers, stored, wait_for

pytestmark = pytest.mark.tesseract


def _children(tag: str, parent: int) -> list[int]:
    return [pid for pid in leftovers(tag, wait=0) if pid != parent]


@pytest.mark.parametrize("command", ["batch", "watch"])
def test_kill_9_leaves_no_worker_and_no_resource_tracker(tmp_path: Path, command: str) -> None:
    folder, db = tmp_path / "in", tmp_path / "r.db"
    make_labels(folder, 40)
    run = Started(command, folder, "--db", db, "-j", "2", "--engine", "tesseract",
                  logs=tmp_path / "logs")  # fmt: skip
    try:
        # workers are up and scanning once results arrive
        assert wait_for(lambda: len(stored(db)) >= 2, 120), run.stderr
        assert len(_children(run.tag, run.proc.pid)) >= 3  # two workers and the tracker
        os.kill(run.proc.pid, signal.SIGKILL)  # the parent alone, as kill -9 PID does
        run.proc.wait()
        left = leftovers(run.tag, wait=15)
        assert not left, f"left behind: {[_cmdline(pid) for pid in left]}"
    finally:
        run.kill()  # the whole group, whatever happened


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
    except OSError:
        return str(pid)
