"""Batch throughput with 1 and with all workers, and watch latency (written -> stored)."""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import tempfile
import threading
import time
from pathlib import Path

from milia_scan.jobs.batch import scan_folder
from milia_scan.jobs.runner import default_jobs
from milia_scan.jobs.store import ResultStore
from milia_scan.jobs.watch import Watcher
from milia_scan.lexicon import load_lexicon


def batch_rate(folder: Path, jobs: int, workdir: Path) -> tuple[int, float]:
    """(images scanned, seconds) for a fresh batch over `folder` with `jobs` workers."""
    db = workdir / f"batch-{jobs}.db"
    with ResultStore(db, lexicon_version=load_lexicon().version) as store:
        start = time.perf_counter()
        summary = scan_folder(folder, store, recursive=True, jobs=jobs)
        return summary.scanned, time.perf_counter() - start


def watch_latencies(images: list[Path], workdir: Path, *, polling: bool) -> list[float]:
    """Seconds from a photo fully written into the watched folder to its row stored."""
    inbox, db = workdir / f"inbox-{polling}", workdir / f"watch-{polling}.db"
    inbox.mkdir()
    stop, ready = threading.Event(), threading.Event()

    def run() -> None:
        with ResultStore(db, lexicon_version=load_lexicon().version) as store:
            watcher = Watcher(inbox, store, polling=polling, jobs=default_jobs())

            def relay() -> None:
                watcher.ready.wait()
                ready.set()

            threading.Thread(target=relay, daemon=True).start()
            watcher.run(stop)

    thread = threading.Thread(target=run)
    thread.start()
    ready.wait(60)
    latencies = []
    reader = sqlite3.connect(db, timeout=30)
    try:
        for i, image in enumerate(images):
            target = inbox / f"{i:03d}-{image.name}"
            shutil.copyfile(image, target)  # closed here: the file is fully written
            written = time.perf_counter()
            while not reader.execute(
                "SELECT 1 FROM scans WHERE path = ?", (str(target),)
            ).fetchone():
                time.sleep(0.005)
            latencies.append(time.perf_counter() - written)
    finally:
        reader.close()
        stop.set()
        thread.join()
    return latencies


def main(samples: Path) -> dict[str, float]:
    jobs = default_jobs()
    with tempfile.TemporaryDirectory(prefix="milia-bench-") as tmp:
        workdir = Path(tmp)
        n1, s1 = batch_rate(samples, 1, workdir)
        nn, sn = batch_rate(samples, jobs, workdir)
        phone = sorted((samples / "phone").glob("*.jpg"))
        native = watch_latencies(phone, workdir, polling=False)
        polled = watch_latencies(phone, workdir, polling=True)
    one, many = n1 / s1, nn / sn
    print(f"\nbatch over {samples} ({n1} images, tesseract single-threaded per worker)")
    print(f"  1 worker : {one:5.2f} images/s ({s1:.1f} s)")
    print(f"  {jobs} workers: {many:5.2f} images/s ({sn:.1f} s)  speed-up {many / one:.2f}x")
    print(
        f"watch latency, file fully written -> result stored ({len(phone)} phone photos, "
        "one at a time)"
    )
    for name, lat in (("native", native), ("polling", polled)):
        print(f"  {name:8}: median {statistics.median(lat):.2f} s, worst {max(lat):.2f} s")
    return {
        "batch_1_rate": one,
        "batch_all_rate": many,
        "workers": jobs,
        "speedup": many / one,
        "watch_native_median": statistics.median(native),
        "watch_native_worst": max(native),
        "watch_polling_median": statistics.median(polled),
        "watch_polling_worst": max(polled),
    }
