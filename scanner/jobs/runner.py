"""Worker processes for batch and watch: a pool of spawned scanners, and a runner that feeds
it, hands back each outcome as it arrives, and survives a worker that dies."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from milia_scan.jobs.worker import FileInfo, ScanOutcome, Status, scan_file
from milia_scan.options import ScanOptions

PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_CHECK = 1.0  # s: how often a worker without prctl looks whether its parent is alive


def _die_with_parent(parent: int) -> None:
    """End this worker when the process that started it dies, even by kill -9: a worker must
    never outlive its batch or watch (and keep multiprocessing's resource tracker alive).

    Linux: the kernel sends SIGKILL when the parent goes (prctl PR_SET_PDEATHSIG). Elsewhere,
    a daemon thread looks every second whether the parent is still there."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    else:  # pragma: no cover - not Linux

        def watch_parent() -> None:
            while os.getppid() == parent:
                threading.Event().wait(PARENT_CHECK)
            os._exit(1)

        threading.Thread(target=watch_parent, daemon=True, name="parent-watch").start()
    if os.getppid() != parent:  # it died before the signal was armed
        os._exit(1)


def _init_worker(parent: int) -> None:
    from milia_scan.lexicon import load_lexicon

    _die_with_parent(parent)
    # Ctrl-C goes to the whole process group; the parent decides how to stop, and the scans
    # in flight finish.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    from milia_scan.pipeline import matcher_for

    matcher_for(load_lexicon())  # build the index once per worker, not per file


ScanFn = Callable[[str, ScanOptions | None], ScanOutcome]


class ScanPool:
    """A pool of worker processes (spawned, so no thread state is forked) running scan_file."""

    def __init__(
        self, jobs: int, options: ScanOptions | None = None, fn: ScanFn = scan_file
    ) -> None:
        self.fn = fn
        self.jobs = max(1, jobs)
        self.options = options
        self.executor = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(os.getpid(),),
        )

    def submit(self, path: Path) -> Future[ScanOutcome]:
        return self.executor.submit(self.fn, str(path), self.options)

    def shutdown(self, *, cancel: bool = False) -> None:
        self.executor.shutdown(wait=True, cancel_futures=cancel)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Runner:
    """Feeds files to a ScanPool and hands each outcome to `on_done` as it arrives.

    A file with the same content as one in flight is not scanned again: when the first is
    done, `on_twin(twin, original)` is called for it.

    A worker that dies (a crash in a decoder, the OOM killer) breaks the whole pool: the pool
    is rebuilt and the files in flight are tried once more; a file that breaks it twice ends as
    an error outcome, so one poisonous file cannot stop the rest.
    """

    def __init__(
        self,
        jobs: int,
        options: ScanOptions | None,
        on_done: Callable[[ScanOutcome, FileInfo], None],
        on_twin: Callable[[FileInfo, FileInfo], None],
        fn: ScanFn = scan_file,
    ) -> None:
        self.jobs, self.options, self.fn = max(1, jobs), options, fn
        self._on_done, self.on_twin = on_done, on_twin
        self.twins: dict[str, list[FileInfo]] = {}  # content hash in flight -> same-content files
        self.pool = ScanPool(self.jobs, options, fn)
        self.pending: dict[Future[ScanOutcome], tuple[Path, FileInfo]] = {}

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.finish()
            return
        # Stopped by an error: keep what finished, drop what did not start.
        self.pool.shutdown(cancel=True)
        for future, (_path, info) in list(self.pending.items()):
            if future.done() and not future.cancelled() and future.exception() is None:
                self.on_done(future.result(), info)

    def finish(self) -> None:
        """Wait for every file in flight, hand over its outcome, and close the pool."""
        while self.pending:
            self.collect()
        self.pool.shutdown()

    def submit(self, path: Path, info: FileInfo, *, max_queue: int | None = None) -> None:
        if info.sha256 in self.twins:
            self.twins[info.sha256].append(info)
            return
        # Keep the queue short, so a stop loses little work and results flow steadily.
        while len(self.pending) >= (max_queue or self.jobs * 2):
            self.collect()
        self.twins[info.sha256] = []
        self.pending[self.pool.submit(path)] = (path, info)

    def on_done(self, outcome: ScanOutcome, info: FileInfo) -> None:
        self._on_done(outcome, info)
        for twin in self.twins.pop(info.sha256, []):
            self.on_twin(twin, info)

    def collect(self, timeout: float | None = None) -> None:
        """Hand over the outcomes that are ready, waiting up to `timeout` for the first."""
        if not self.pending:
            return
        done, _ = wait(self.pending, timeout=timeout, return_when=FIRST_COMPLETED)
        broken: list[tuple[Path, FileInfo]] = []
        for future in done:
            path, info = self.pending.pop(future)
            exc = future.exception()
            if exc is None:
                self.on_done(future.result(), info)
            elif isinstance(exc, BrokenProcessPool):
                broken.append((path, info))
            else:
                raise exc
        if broken:
            self._recover(broken)

    def _recover(self, broken: list[tuple[Path, FileInfo]]) -> None:
        """Scan each file that was in flight alone, so only the one that kills its worker on
        its own is blamed; then carry on with a fresh pool."""
        self.pool.shutdown(cancel=True)
        suspects = broken + list(self.pending.values())
        self.pending.clear()
        alone = ScanPool(1, self.options, self.fn)
        for path, info in suspects:
            try:
                outcome = alone.submit(path).result()
            except BrokenProcessPool:
                alone.shutdown(cancel=True)
                alone = ScanPool(1, self.options, self.fn)
                outcome = ScanOutcome(
                    str(path),
                    Status.error,
                    None,
                    None,
                    None,
                    f"{path}: the scanning process crashed on this file",
                    0.0,
                    {},
                    0,
                )
            self.on_done(outcome, info)
        alone.shutdown()
        self.pool = ScanPool(self.jobs, self.options, self.fn)

    def stop(self) -> None:
        """Stop soon: drop the files not started yet, hand over the ones being scanned."""
        for future in list(self.pending):
            if future.cancel():
                del self.pending[future]
        self.finish()
