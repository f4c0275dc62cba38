"""One file's scan as it runs in a worker process, and the picklable outcome it returns.

Every way a scan can end becomes a status, so one bad file never stops a batch or a watch.
Only a missing tesseract is raised: no later file could succeed either.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from milia_scan.errors import (
    InputFileError,
    MiliaScanError,
    MissingDependencyError,
    NoIngredientListError,
)
from milia_scan.options import ScanOptions

HASH_CHUNK = 1 << 20


class Status(StrEnum):
    ok = "ok"
    incomplete = "incomplete"  # a report, but the list was not fully read (level uncertain)
    no_ingredient_list = "no_ingredient_list"
    unreadable = "unreadable"
    error = "error"


FAILED = (Status.unreadable, Status.error)


@dataclass(frozen=True)
class FileInfo:
    path: str
    size: int
    mtime: float
    sha256: str


def fingerprint(path: Path) -> FileInfo:
    """Size, mtime and content hash of a regular file (raises OSError when it cannot be read,
    InputFileError when it is not a regular file: a FIFO is never opened for a blocking read)."""
    from milia_scan.image.load import open_regular

    digest = hashlib.sha256()
    fh, stat = open_regular(path)
    with fh:
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
    return FileInfo(str(path), stat.st_size, stat.st_mtime, digest.hexdigest())


@dataclass(frozen=True)
class ScanOutcome:
    path: str
    status: Status
    report_json: str | None
    level: str | None
    score: int | None
    error: str | None
    seconds: float
    timings: dict[str, float]
    worker_pid: int


def scan_file(path: str, options: ScanOptions | None = None) -> ScanOutcome:
    """Scan one photo; never raises for a bad file (MissingDependencyError still propagates)."""
    from milia_scan.output.report import to_json
    from milia_scan.pipeline import scan_image

    start = time.perf_counter()
    status, report_json, level, score, error = Status.ok, None, None, None, None
    timings: dict[str, float] = {}
    try:
        report = scan_image(path, options)
        report_json = to_json(report)
        level, score, timings = report.risk.level, report.risk.score, report.timings
        if report.risk.level == "uncertain":
            status = Status.incomplete
    except MissingDependencyError:
        raise
    except InputFileError as exc:
        status, error = Status.unreadable, exc.message
    except NoIngredientListError as exc:
        status, error = Status.no_ingredient_list, exc.message
    except MiliaScanError as exc:
        status, error = Status.error, exc.message
    except Exception as exc:  # a bug must not stop the batch; it is stored with its text
        status, error = Status.error, f"internal error: {exc!r}"
    if error is not None:  # the row and its line name the file already: say it once
        from milia_scan.names import shown

        error = error.removeprefix(f"{shown(path)}: ").removeprefix(f"{path}: ")
    return ScanOutcome(
        path,
        status,
        report_json,
        level,
        score,
        error,
        time.perf_counter() - start,
        timings,
        os.getpid(),
    )
