"""Watch a folder: scan each new or replaced photo once it is fully written, exactly once.

Events come from watchdog: on Linux the native observer's close-after-write and moved-into
events say a file is complete; with polling (network shares), a file is complete once its size
and mtime hold still. Either way a file that does not yet end as a whole image (a writer that
reopens it to append) waits until it stops changing. Bursts are debounced, and files are
deduplicated by content hash, so a photo copied in twice or renamed is not scanned twice (each
path still gets its --out report). Stopping (Ctrl-C, SIGTERM) finishes and stores the scans in
flight; files not yet started are picked up by the next start's sweep. A watched folder that is
removed and recreated, however quickly, is watched again.
"""

from __future__ import annotations

import errno
import json
import os
import queue
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from milia_scan.errors import BadArgsError, InputFileError
from milia_scan.image.load import is_image_name, looks_whole, not_a_file
from milia_scan.jobs.batch import discover
from milia_scan.jobs.runner import Runner, default_jobs
from milia_scan.jobs.store import ResultStore, StoredResult
from milia_scan.jobs.worker import FileInfo, ScanOutcome, Status, fingerprint
from milia_scan.names import clean, shown
from milia_scan.options import ScanOptions
from watchdog.events import (
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

DEBOUNCE = 0.25  # s: quiet time after a file's last event before it is taken
SETTLE = 1.0  # s: size and mtime must hold still this long (polling, start-up sweep)
PARTIAL_SETTLE = 10.0  # s: ...and this long for a file that does not end as a whole image
POLL_INTERVAL = 0.5  # s: the polling observer's period
TICK = 0.1  # s: the main loop's period

Reporter = Callable[[str, str, ScanOutcome | None], None]


def _umask() -> int:
    """The process's umask, read without changing it where Linux allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and put back, before any thread starts
    os.umask(mask)
    return mask


def _inside(path: Path, folder: Path, recursive: bool) -> bool:
    path, folder = path.resolve(), folder.resolve()
    if path == folder:
        return True
    return recursive and folder in path.parents


def check_outputs(folder: Path, *, recursive: bool, out: Path | None, db: Path) -> None:
    """Refuse outputs that would land in the watched tree and be watched in turn."""
    if out is not None and _inside(out, folder, recursive):
        raise BadArgsError(
            f"--out {out} lies inside the watched folder {folder}; the watch would "
            "see its own reports. Choose a folder outside it"
        )
    if _inside(db.parent, folder, recursive):
        raise BadArgsError(
            f"the database {db} lies inside the watched folder {folder}; the watch "
            "would see its own writes. Put it elsewhere with --db"
        )


class _Handler(FileSystemEventHandler):
    """Turns watchdog events into (path, mode) items on a queue; runs on watchdog's thread."""

    def __init__(
        self,
        inbox: queue.Queue[tuple[str, str]],
        *,
        closes: bool,
        recursive: bool,
        folder: str = "",
        lost: threading.Event | None = None,
    ) -> None:
        self.inbox = inbox
        self.recursive = recursive
        self.closes = closes  # the observer reports close-after-write (Linux inotify)
        self.folder = folder
        self.lost = lost or threading.Event()  # set when the watched folder itself goes

    def on_any_event(self, event: FileSystemEvent) -> None:
        if (
            isinstance(event, DirDeletedEvent | DirMovedEvent)
            and os.fsdecode(event.src_path) == self.folder
        ):
            self.lost.set()  # the observer stops watching: it must be started again
            return
        if isinstance(event, DirMovedEvent) and event.dest_path:
            if self.recursive:
                self.inbox.put((os.fsdecode(event.dest_path), "sweep"))  # moved in whole
            return
        if event.is_directory:
            return
        if isinstance(event, FileMovedEvent):
            path, mode = os.fsdecode(event.dest_path), "complete"
        elif isinstance(event, FileClosedEvent):
            path, mode = os.fsdecode(event.src_path), "complete"
        elif not self.closes and isinstance(event, FileCreatedEvent | FileModifiedEvent):
            path, mode = os.fsdecode(event.src_path), "settle"
        else:
            return  # created/modified under inotify: a close-after-write event will follow
        if path and is_image_name(path):
            self.inbox.put((path, mode))


@dataclass
class _Pending:
    mode: str
    last_event: float
    size: int = -1
    mtime: float = -1.0
    still_since: float = 0.0


@dataclass
class WatchSummary:
    scanned: int = 0
    duplicates: int = 0
    statuses: Counter[str] = field(default_factory=Counter)


class Watcher:
    def __init__(
        self,
        folder: Path,
        store: ResultStore,
        *,
        recursive: bool = False,
        polling: bool = False,
        jobs: int = 0,
        out: Path | None = None,
        options: ScanOptions | None = None,
        report: Reporter | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        if not folder.is_dir():
            raise InputFileError(f"{folder}: not a folder; give the folder to watch")
        self.folder = folder
        self.store = store
        self.recursive = recursive
        self.polling = polling
        self.out = out
        self.report: Reporter = report or (lambda *_: None)
        self.warn = warn or (lambda _msg: None)
        self.runner = Runner(jobs or default_jobs(), options, self._done, self._twin)
        self.inbox: queue.Queue[tuple[str, str]] = queue.Queue()
        self.pending: dict[str, _Pending] = {}
        self.summary = WatchSummary()
        self.observer: BaseObserver | None = None
        self.watched_inode: int | None = None
        self.lost = threading.Event()  # the observer saw the watched folder itself go
        self.file_mode = 0o666 & ~_umask()  # reports are made like any other output file
        self.ready = threading.Event()  # set once the watch is live (for tests and tools)

    # -- observer -------------------------------------------------------------------------
    def _handler(self, *, closes: bool) -> _Handler:
        return _Handler(
            self.inbox,
            closes=closes,
            recursive=self.recursive,
            folder=str(self.folder),
            lost=self.lost,
        )

    def _start_observer(self) -> None:
        self.lost.clear()
        observer: BaseObserver | None = None
        if not self.polling:
            try:
                observer = self._native_observer()
            except OSError as exc:
                if exc.errno not in (errno.ENOSPC, errno.EMFILE):
                    raise
                self.warn(
                    f"the system's inotify limit is reached ({exc.strerror}); falling back "
                    "to polling. Raise fs.inotify.max_user_watches to avoid this"
                )
                self.polling = True
        if observer is None:
            observer = PollingObserver(timeout=POLL_INTERVAL)
            observer.schedule(
                self._handler(closes=False),
                str(self.folder),
                recursive=self.recursive,
            )
            observer.start()
        self.observer = observer
        self.watched_inode = self.folder.stat().st_ino
        self._sweep(self.folder)

    def _native_observer(self) -> BaseObserver:
        """inotify with full move events where there is inotify, else the platform's own."""
        observer: BaseObserver
        try:
            from watchdog.observers.inotify import InotifyObserver

            # Full events: a file moved in from outside arrives as a move, not as a creation.
            observer, closes = InotifyObserver(generate_full_events=True), True
        except ImportError:  # pragma: no cover - not Linux
            observer, closes = Observer(), False
        try:
            observer.schedule(
                self._handler(closes=closes),
                str(self.folder),
                recursive=self.recursive,
            )
            observer.start()
        except BaseException:
            observer.stop()
            raise
        return observer

    def _stop_observer(self) -> None:
        if self.observer is not None:
            self.observer.stop()
            self.observer.join()
            self.observer = None

    def _alive(self) -> bool:
        """Whether the observer still watches: it has not reported the folder itself gone, and
        its emitters still run (watchdog stops one whose folder is removed)."""
        if self.observer is None or self.lost.is_set():
            return False
        return all(emitter.is_alive() for emitter in self.observer.emitters)

    def _supervise(self) -> None:
        """Follow the watched folder being removed and recreated, however quickly: a folder
        recreated at once may get the old one's inode number back (ext4), so what counts is
        whether the observer still watches, and the inode only as well."""
        try:
            inode = self.folder.stat().st_ino if self.folder.is_dir() else None
        except OSError:
            inode = None
        if inode is None:
            if self.observer is not None:
                self._stop_observer()
                self.warn(f"{self.folder} was removed; waiting for it to come back")
        elif self.observer is None or not self._alive() or inode != self.watched_inode:
            self._stop_observer()
            self._start_observer()
            self.warn(f"watching {self.folder} again")

    def _sweep(self, folder: Path) -> None:
        """Queue the images already in a folder (at start, or a folder moved in whole)."""
        try:
            found = discover(folder, recursive=self.recursive)
        except InputFileError:
            return
        for path in found.images:
            self.inbox.put((str(path), "settle"))
        for path_text, _kind in found.not_files:
            self.report("skipped", path_text, None)

    # -- readiness ------------------------------------------------------------------------
    def _drain_inbox(self, now: float) -> None:
        while True:
            try:
                path, mode = self.inbox.get_nowait()
            except queue.Empty:
                return
            if mode == "sweep":
                self._sweep(Path(path))
                continue
            entry = self.pending.get(path)
            if entry is None:
                self.pending[path] = _Pending(mode, now)
            else:
                entry.last_event = now
                if mode == "complete":
                    entry.mode = "complete"

    def _ready(self, now: float) -> list[str]:
        ready = []
        for path, entry in list(self.pending.items()):
            if now - entry.last_event < DEBOUNCE:
                continue
            try:
                stat = os.stat(path)
            except OSError:
                del self.pending[path]  # gone again (a temp file renamed away, deleted)
                continue
            if not_a_file(stat.st_mode) is not None:  # a FIFO is never opened: it would block
                del self.pending[path]
                self.report("skipped", path, None)
                continue
            if (stat.st_size, stat.st_mtime) != (entry.size, entry.mtime):
                entry.size, entry.mtime, entry.still_since = stat.st_size, stat.st_mtime, now
            still = now - entry.still_since
            if entry.mode != "complete" and still < SETTLE:
                continue  # polling: size and mtime must hold still first
            # A writer that closes and reopens to append has closed a part, not the photo:
            # a file that does not end as a whole image waits until it stops changing.
            if (stat.st_size == 0 or not looks_whole(path)) and still < PARTIAL_SETTLE:
                continue
            ready.append(path)
        for path in ready:
            del self.pending[path]
        return ready

    # -- scanning -------------------------------------------------------------------------
    def _dispatch(self, path: str) -> None:
        try:
            info = fingerprint(Path(path))
        except InputFileError:  # replaced by a FIFO or the like since it was seen
            self.report("skipped", path, None)
            return
        except OSError as exc:
            if os.path.exists(path):
                self.store.record_unreadable(path, f"{path}: cannot read the file ({exc.strerror})")
                self.summary.statuses[Status.unreadable] += 1
                self.report("unreadable", path, None)
            return
        kind, stored = self.store.classify(info)
        if stored is not None:
            if kind == "duplicate":
                self.store.record_duplicate(info, stored)
                self.summary.duplicates += 1
                self.report("duplicate", path, None)
            self._write_stored(path, stored, missing_only=kind == "stored")
            return
        self.runner.submit(Path(path), info, max_queue=1 << 30)  # the watch never blocks here

    def _done(self, outcome: ScanOutcome, info: FileInfo) -> None:
        self.store.record(info, outcome)
        self.summary.scanned += 1
        self.summary.statuses[outcome.status] += 1
        self._write_out(outcome.path, outcome.report_json, outcome.status, outcome.error)
        self.report("scanned", outcome.path, outcome)

    def _twin(self, twin: FileInfo, original: FileInfo) -> None:
        stored = self.store.get(original.path)
        if stored is not None and twin.path != original.path:
            self.store.record_duplicate(twin, stored)
            self.summary.duplicates += 1
            self.report("duplicate", twin.path, None)
            self._write_stored(twin.path, stored)

    def _write_stored(self, path: str, stored: StoredResult, *, missing_only: bool = False) -> None:
        """The report of a path recognised by its content (a copy, a rename, a file already
        stored): every path seen gets its JSON, not only the ones scanned."""
        if self.out is not None and not (missing_only and self._target(path).exists()):
            self._write_out(path, stored.report_json, stored.status, stored.error)

    def _target(self, path: str) -> Path:
        assert self.out is not None
        try:
            rel = Path(path).resolve().relative_to(self.folder.resolve())
        except ValueError:
            rel = Path(Path(path).name)
        return self.out / rel.with_name(rel.name + ".json")

    def _write_out(
        self, path: str, report_json: str | None, status: str, error: str | None
    ) -> None:
        if self.out is None:
            return
        target = self._target(path)
        body = report_json or json.dumps(
            {"source": shown(path), "status": str(status), "error": clean(error)}, indent=2
        )
        tmp = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
            os.fchmod(fd, self.file_mode)  # mkstemp makes it 0600; a report is no secret
            with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
                fh.write(body)
            os.replace(tmp, target)  # atomic: a reader sees the old report or the new, never half
        except OSError as exc:  # the result is stored; a full disk must not end the watch
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
            self.warn(
                f"could not write {shown(target)} ({exc.strerror}); the result is in the database"
            )

    # -- the loop -------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> WatchSummary:
        """Watch until `stop` is set, then finish and store the scans in flight."""
        self._start_observer()
        self.ready.set()
        last_check = time.monotonic()
        try:
            while not stop.is_set():
                now = time.monotonic()
                self._drain_inbox(now)
                for path in self._ready(now):
                    self._dispatch(path)
                if self.runner.pending:
                    self.runner.collect(TICK)
                else:
                    stop.wait(TICK)
                if now - last_check >= 1.0 or self.lost.is_set():
                    self._supervise()
                    last_check = now
        finally:
            self._stop_observer()
            self.runner.stop()  # files not started yet are swept up at the next start
        return self.summary
