"""Watch with real watchdog observers and real tesseract: each photo scanned exactly once."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from milia_scan.errors import BadArgsError
from milia_scan.jobs.store import ResultStore
from milia_scan.jobs.watch import Watcher, WatchSummary, check_outputs

from .labels import make_labels

ROOT = Path(__file__).resolve().parent.parent


def _rows(db: Path) -> dict[str, tuple[str, int, str | None]]:
    if not db.exists():
        return {}
    with sqlite3.connect(db) as conn:
        return {
            p: (s, c, d)
            for p, s, c, d in conn.execute(
                "SELECT path, status, scan_count, duplicate_of FROM scans"
            )
        }


def _wait_for(condition: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


class Running:
    """A Watcher on its own thread (its store is opened there, as SQLite wants)."""

    def __init__(self, folder: Path, db: Path, **kwargs: object) -> None:
        self.stop = threading.Event()
        self.warnings: list[str] = []
        self.lines: list[tuple[str, str]] = []
        self.summary: WatchSummary | None = None
        self.ready = threading.Event()
        self.error: BaseException | None = None

        def run() -> None:
            try:
                with ResultStore(db, lexicon_version="test") as store:
                    watcher = Watcher(
                        folder,
                        store,
                        warn=self.warnings.append,
                        report=lambda kind, path, _o: self.lines.append((kind, path)),
                        **kwargs,
                    )  # type: ignore[arg-type]
                    threading.Thread(
                        target=lambda: (watcher.ready.wait(), self.ready.set()), daemon=True
                    ).start()
                    self.summary = watcher.run(self.stop)
            except BaseException as exc:  # surfaced by join()
                self.error = exc
                self.ready.set()

        self.thread = threading.Thread(target=run)
        self.thread.start()
        assert self.ready.wait(60)
        if self.error:
            raise self.error

    def join(self) -> WatchSummary:
        self.stop.set()
        self.thread.join(120)
        assert not self.thread.is_alive()
        if self.error:
            raise self.error
        assert self.summary is not None
        return self.summary


def _burst(sources: list[Path], inbox: Path, staging: Path) -> list[Path]:
    """Copy files in four ways at once: plain copies, slow chunked writes, renames from outside,
    and renames from a hidden temp name inside. Returns the final paths."""
    staging.mkdir(exist_ok=True)

    def write(i: int, src: Path) -> Path:
        dst = inbox / f"in-{i:03d}{src.suffix}"
        data = src.read_bytes()
        if i % 4 == 0:
            shutil.copyfile(src, dst)
        elif i % 4 == 1:
            with dst.open("wb") as fh:  # slowly, in chunks
                step = max(1, len(data) // 4)
                for k in range(0, len(data), step):
                    fh.write(data[k : k + step])
                    fh.flush()
                    time.sleep(0.05)
        elif i % 4 == 2:
            tmp = staging / dst.name
            tmp.write_bytes(data)
            os.rename(tmp, dst)  # moved in from outside the watched folder
        else:
            tmp = inbox / f".{dst.name}.part"
            tmp.write_bytes(data)
            os.rename(tmp, dst)  # renamed inside the watched folder
        return dst

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(write, range(len(sources)), sources))


pytestmark = pytest.mark.tesseract


@pytest.mark.parametrize("polling", [False, True], ids=["native", "polling"])
def test_a_burst_is_scanned_exactly_once(tmp_path: Path, polling: bool) -> None:
    sources = make_labels(tmp_path / "src", 105)
    inbox, db = tmp_path / "inbox", tmp_path / "r.db"
    inbox.mkdir()
    make_labels(inbox, 3, start=500, prefix="already")  # there before the watch starts
    threads_before = set(threading.enumerate())

    running = Running(inbox, db, polling=polling, jobs=2, out=tmp_path / "reports")
    written = _burst(sources, inbox, tmp_path / "staging")
    twins = [inbox / f"twin-{i}.png" for i in range(5)]  # same content, new names
    for i, twin in enumerate(twins):
        shutil.copyfile(sources[i], twin)
    expected = len(written) + len(twins) + 3
    _wait_for(lambda: len(_rows(db)) >= expected)
    time.sleep(1.5)  # anything scanned twice would show up now
    summary = running.join()

    rows = _rows(db)
    assert len(rows) == expected, sorted(set(map(str, written)) - set(rows))
    assert all(status == "ok" for status, _, _ in rows.values()), rows
    scanned = [p for p, (_, count, dup) in rows.items() if dup is None]
    assert [p for p in scanned if rows[p][1] != 1] == []  # exactly once
    assert (len(scanned), summary.duplicates) == (len(written) + 3, len(twins))
    assert len(list((tmp_path / "reports").glob("*.json"))) == len(rows)  # twins too
    assert not list((tmp_path / "reports").glob(".tmp-*"))  # atomic writes left no temp files
    _wait_for(lambda: set(threading.enumerate()) <= threads_before, timeout=5)  # none leaked


def test_sigterm_during_a_burst_loses_nothing_reported_and_leaves_no_process(
    tmp_path: Path,
) -> None:
    sources = make_labels(tmp_path / "src", 100)
    inbox, db = tmp_path / "inbox", tmp_path / "r.db"
    inbox.mkdir()
    tag = uuid.uuid4().hex
    env = {**os.environ, "MILIA_SCAN_TEST_TAG": tag}
    proc = subprocess.Popen(
        [sys.executable, "-m", "milia_scan", "watch", str(inbox), "--db", str(db), "-j", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert "watching" in proc.stderr.readline()
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")))  # type: ignore[union-attr]
    reader.start()
    burst = threading.Thread(target=_burst, args=(sources, inbox, tmp_path / "staging"))
    burst.start()
    _wait_for(lambda: len(lines) >= 20, timeout=120)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=120) == 0
    burst.join()
    reader.join()
    proc.stdout.close()
    proc.stderr.close()

    rows = _rows(db)
    reported = [
        line.split("  ")[1].split()[0]
        for line in lines
        if line.split()[0] in ("LOW", "MODERATE", "HIGH")
    ]
    assert len(reported) >= 20
    assert all(rows[p][0] == "ok" for p in reported)  # every result reported done is stored
    assert all(count == 1 for _, count, _ in rows.values())
    leftovers = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if tag.encode() in Path(f"/proc/{pid}/environ").read_bytes():
                    leftovers.append(pid)
            except OSError:
                pass
    assert not leftovers, "worker processes outlived the watch"


def test_the_watched_folder_removed_and_recreated(tmp_path: Path) -> None:
    sources = make_labels(tmp_path / "src", 2)
    inbox, db = tmp_path / "inbox", tmp_path / "r.db"
    inbox.mkdir()
    running = Running(inbox, db, jobs=1)
    shutil.copyfile(sources[0], inbox / "first.png")
    _wait_for(lambda: len(_rows(db)) == 1)
    shutil.rmtree(inbox)
    _wait_for(lambda: any("removed" in w for w in running.warnings), timeout=10)
    inbox.mkdir()
    _wait_for(lambda: any("again" in w for w in running.warnings), timeout=10)
    shutil.copyfile(sources[1], inbox / "second.png")
    _wait_for(lambda: len(_rows(db)) == 2)
    running.join()
    assert set(_rows(db)) == {str(inbox / "first.png"), str(inbox / "second.png")}


def test_inotify_limit_falls_back_to_polling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import watchdog.observers.inotify as inotify

    class Exhausted:
        def __init__(self, **_kwargs: object) -> None:
            raise OSError(errno.EMFILE, "inotify instance limit reached")

    monkeypatch.setattr(inotify, "InotifyObserver", Exhausted)
    sources = make_labels(tmp_path / "src", 1)
    inbox, db = tmp_path / "inbox", tmp_path / "r.db"
    inbox.mkdir()
    running = Running(inbox, db, jobs=1)
    shutil.copyfile(sources[0], inbox / "photo.png")
    _wait_for(lambda: len(_rows(db)) == 1)
    running.join()
    assert any("falling back to polling" in w for w in running.warnings)


@pytest.mark.parametrize(
    ("out", "db", "recursive", "refused"),
    [
        ("inbox", "elsewhere/r.db", False, "--out"),
        ("inbox/reports", "elsewhere/r.db", True, "--out"),
        ("elsewhere/reports", "inbox/r.db", False, "database"),
        ("elsewhere/reports", "inbox/sub/r.db", True, "database"),
    ],
)
def test_outputs_inside_the_watched_folder_are_refused(
    tmp_path: Path, out: str, db: str, recursive: bool, refused: str
) -> None:
    (tmp_path / "inbox").mkdir()
    with pytest.raises(BadArgsError, match=refused):
        check_outputs(tmp_path / "inbox", recursive=recursive, out=tmp_path / out, db=tmp_path / db)


def test_outputs_beside_the_watched_folder_are_fine(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    check_outputs(
        tmp_path / "inbox",
        recursive=False,
        out=tmp_path / "inbox" / "reports",
        db=tmp_path / "r.db",
    )  # not recursive: a sub-folder is not watched
    check_outputs(
        tmp_path / "inbox", recursive=True, out=tmp_path / "reports", db=tmp_path / "r.db"
    )
