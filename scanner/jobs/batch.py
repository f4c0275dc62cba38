"""Batch: scan every image in a folder with one process per core, storing each result.

A batch can be stopped at any point and run again: files whose content is already stored
under the same lexicon version and engine are skipped, and every result is committed as it
arrives, so nothing reported done is lost.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from milia_scan.errors import InputFileError
from milia_scan.image.load import is_image_name, not_a_file
from milia_scan.jobs.runner import Runner, default_jobs
from milia_scan.jobs.store import ResultStore
from milia_scan.jobs.worker import FileInfo, ScanOutcome, Status, fingerprint
from milia_scan.names import shown
from milia_scan.options import ScanOptions


@dataclass(frozen=True)
class Found:
    """What a walk over a folder turned up."""

    images: tuple[Path, ...]
    skipped: int  # files that are not images (by name): not scanned, named in a note
    unreadable: tuple[tuple[str, str], ...]  # folders that could not be listed, with the reason
    # image-named entries that are not regular files (a FIFO, a socket, a device), with what
    # they are: never opened, since reading one can block forever
    not_files: tuple[tuple[str, str], ...] = ()
    skipped_names: tuple[str, ...] = ()  # the first few files that are not images

def discover(folder: Path, *, recursive: bool) -> Found:
    """Images under `folder` in a stable order; symlinked folders are never followed."""
    if not folder.is_dir():
        raise InputFileError(f"{folder}: not a folder; give the folder of photos to scan")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise InputFileError(f"{folder}: permission denied; check the folder's permissions")
    images: list[Path] = []
    skipped = 0
    skipped_names: list[str] = []
    unreadable: list[tuple[str, str]] = []
    not_files: list[tuple[str, str]] = []

    def on_error(exc: OSError) -> None:
        unreadable.append((str(exc.filename), f"cannot list this folder ({exc.strerror})"))

    for root, dirs, files in os.walk(folder, onerror=on_error, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            if not is_image_name(name):
                skipped += 1
                if len(skipped_names) < 5 and not name.startswith("."):
                    skipped_names.append(name)
            elif (kind := _special(path)) is not None:
                not_files.append((str(path), kind))
            else:
                images.append(path)
        if not recursive:
            break
    return Found(
        tuple(images), skipped, tuple(unreadable), tuple(not_files), tuple(skipped_names)
    )


def _special(path: Path) -> str | None:
    """What an entry is when it is not a regular file (symlinks followed), else None."""
    try:
        return not_a_file(path.stat().st_mode)
    except OSError:
        return None  # gone or a broken link: reading it will say so


@dataclass
class BatchSummary:
    scanned: int = 0
    already_stored: int = 0
    duplicates: int = 0
    skipped_non_images: int = 0
    skipped_not_files: int = 0
    skipped_names: tuple[str, ...] = ()  # a few of the files that are not photos
    statuses: Counter[str] = field(default_factory=Counter)
    levels: Counter[str] = field(default_factory=Counter)
    paths: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.statuses[Status.unreadable] + self.statuses[Status.error]


# on_event(kind, path, outcome): kind is scanned, stored (already), duplicate or unreadable
Callback = Callable[[str, str, ScanOutcome | None], None]


def _plan(
    found: Found, store: ResultStore, rescan: bool, summary: BatchSummary, on_event: Callback
) -> Iterator[tuple[Path, FileInfo]]:
    """Yield the files that need a scan; record the rest (already stored, duplicates)."""
    for path in found.images:
        summary.paths.append(shown(path))  # as stored
        try:
            info = fingerprint(path)
        except (OSError, InputFileError) as exc:
            message = (
                exc.message
                if isinstance(exc, InputFileError)
                else f"{path}: cannot read the file ({exc.strerror})"
            )
            store.record_unreadable(str(path), message)
            summary.statuses[Status.unreadable] += 1
            on_event("unreadable", str(path), None)
            continue
        kind, stored = ("new", None) if rescan else store.classify(info)
        if stored is None:
            yield path, info
            continue
        summary.statuses[stored.status] += 1
        if stored.level:
            summary.levels[stored.level] += 1
        if kind == "stored":
            summary.already_stored += 1
        else:
            store.record_duplicate(info, stored)
            summary.duplicates += 1
        on_event(kind, str(path), None)


def scan_folder(
    folder: Path,
    store: ResultStore,
    *,
    recursive: bool = False,
    jobs: int = 0,
    rescan: bool = False,
    options: ScanOptions | None = None,
    on_event: Callback | None = None,
    on_found: Callable[[Found], None] | None = None,
) -> BatchSummary:
    """Scan every image under `folder` into `store`; returns counts by status and level."""
    from milia_scan.ocr.tesseract import check_language

    check_language((options or ScanOptions()).lang)  # fail fast: no file can succeed without it
    found = discover(folder, recursive=recursive)
    if on_found:
        on_found(found)
    summary = BatchSummary(
        skipped_non_images=found.skipped,
        skipped_not_files=len(found.not_files),
        skipped_names=found.skipped_names,
    )
    emit: Callback = on_event or (lambda *_: None)
    for where, reason in found.unreadable:
        store.record_unreadable(where, f"{where}: {reason}")
        summary.statuses[Status.unreadable] += 1
        emit("unreadable", where, None)

    def on_done(outcome: ScanOutcome, info: FileInfo) -> None:
        store.record(info, outcome)
        summary.scanned += 1
        summary.statuses[outcome.status] += 1
        if outcome.level:
            summary.levels[outcome.level] += 1
        emit("scanned", outcome.path, outcome)

    def on_twin(twin: FileInfo, original: FileInfo) -> None:
        stored = store.get(original.path)
        if stored is not None:
            store.record_duplicate(twin, stored)
        summary.duplicates += 1
        if stored is not None:
            summary.statuses[stored.status] += 1
            if stored.level:
                summary.levels[stored.level] += 1
        emit("duplicate", twin.path, None)

    with Runner(jobs or default_jobs(), options, on_done, on_twin) as runner:
        for path, info in _plan(found, store, rescan, summary, emit):
            runner.submit(path, info)
    return summary
