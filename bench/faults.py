"""`make faults`: run milia-scan, as real processes, on a hostile corpus and under fault
injections, and print one line: hostile cases tried, crashes (exit 1, a traceback or death by a
signal it was not sent), hangs, processes left behind and files lost. Details of anything that
went wrong go to stderr; the exit status is 1 when anything did.

The corpus and the helpers are the fault suite's (`tests/faults/`): scan of every hostile file,
text of binary and odd encodings on stdin, a batch over them all and run again, kill -9 of a
batch and of one worker, SIGTERM and SIGINT in a watch mid-burst, the watched folder removed and
recreated at once and after a pause, a damaged and a non-database results file, and, where a
small tmpfs can be mounted, a full disk under the database and under watch --out and a read-only
database.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from milia_scan.names import shown

from tests.faults.corpus import TEXT_INPUTS, hostile_folder
from tests.faults.hostile import (
    Ran,
    Started,
    fill,
    is_utf8,
    leftovers,
    read_only,
    run_cli,
    stored,
    wait_for,
)
from tests.labels import make_labels

DOCUMENTED = {0, 2, 3, 4, 5, 6, 7, 8, 130}
ENGINE = ("--engine", "tesseract")


@dataclass
class Tally:
    tried: int = 0
    crashes: int = 0
    hangs: int = 0
    left_behind: int = 0
    lost: int = 0
    wrong: int = 0  # a documented exit code, but not the one expected, or output not UTF-8
    notes: list[str] = field(default_factory=list)

    def note(self, case: str, what: str) -> None:
        self.notes.append(f"{case}: {what}")
        print(f"faults: {case}: {what}", file=sys.stderr, flush=True)

    def process(self, case: str, ran: Ran, expected: set[int] | frozenset[int]) -> None:
        """Count one finished process: its exit, its output, what it left running."""
        self.tried += 1
        if ran.hung:
            self.hangs += 1
            self.note(case, "hung (killed after its time limit)")
        elif ran.returncode == 1 or "Traceback" in ran.err or (ran.returncode or 0) < 0:
            self.crashes += 1
            self.note(case, f"crashed (exit {ran.returncode}): {ran.err.strip()[-300:]}")
        elif ran.returncode not in expected:
            self.wrong += 1
            self.note(case, f"exit {ran.returncode}, expected {sorted(expected)}: {ran.err[-200:]}")
        if not (is_utf8(ran.stdout) and is_utf8(ran.stderr)):
            self.wrong += 1
            self.note(case, "output is not valid UTF-8")
        self.orphans(case, ran.tag)

    def orphans(self, case: str, tag: str) -> None:
        left = leftovers(tag, wait=10)
        if left:
            self.left_behind += len(left)
            self.note(case, f"{len(left)} process(es) left behind")
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def losses(self, case: str, db: Path, paths: list[Path]) -> None:
        """Each of `paths` must be stored exactly once."""
        rows = stored(db)
        missing = [p for p in paths if shown(str(p)) not in rows]
        twice = [  # a dangling link, never read, is only recorded again
            p for p in paths if p.is_file() and rows.get(shown(str(p)), ("", 1))[1] > 1
        ]
        if missing or twice:
            self.lost += len(missing)
            self.wrong += len(twice)
            self.note(case, f"{len(missing)} file(s) lost, {len(twice)} scanned twice")

    def line(self) -> str:
        return (
            f"faults: {self.tried} hostile cases tried, {self.crashes} crashes (exit 1), "
            f"{self.hangs} hangs, {self.left_behind} processes left behind, "
            f"{self.lost} files lost ({self.wrong} other unexpected outcomes)"
        )


def scans(tally: Tally, work: Path) -> None:
    """scan of every hostile file and of the good ones, and text of odd stdin."""
    goods, cases = hostile_folder(work / "corpus")
    for case in cases:
        path = work / "corpus" / case.name
        ran = run_cli("scan", path, *ENGINE, "--format", "json", timeout=180)
        tally.process(f"scan {shown(case.name)!r}", ran, case.scan_exits)
    for path in goods:
        tally.process(f"scan {path.name}", run_cli("scan", path, *ENGINE, timeout=120), {0})
    for name, data in TEXT_INPUTS.items():
        ran = run_cli("text", "-", "--format", "json", stdin=data, timeout=60)
        tally.process(f"text of {name} on stdin", ran, {0, 3, 5})


def batches(tally: Tally, work: Path) -> None:
    """A batch over the whole corpus, twice; kill -9 of a batch, then of one worker."""
    folder, db = work / "corpus", work / "batch.db"
    goods, cases = hostile_folder(folder)
    args = ("batch", folder, "--db", db, "-j", "2", *ENGINE)
    for run in ("first", "again"):
        tally.process(f"batch over the corpus ({run})", run_cli(*args, timeout=600), {8})
        kept = [folder / c.name for c in cases if c.batch_status is not None]
        tally.losses(f"batch over the corpus ({run})", db, [*goods, *kept])

    photos, db = make_labels(work / "kill", 30), work / "kill.db"
    run = Started("batch", work / "kill", "--db", db, "-j", "2", *ENGINE, logs=work / "kill-logs")
    tally.tried += 1
    if wait_for(lambda: len(stored(db)) >= 3, 120):
        os.kill(run.proc.pid, signal.SIGKILL)  # the parent alone
        run.proc.wait()
        tally.orphans("kill -9 of a batch", run.tag)
    else:
        tally.hangs += 1
        tally.note("kill -9 of a batch", "no result within 120 s")
    run.kill()
    again = run_cli("batch", work / "kill", "--db", db, "-j", "2", *ENGINE, timeout=300)
    tally.process("batch resumed after kill -9", again, {0})
    tally.losses("batch resumed after kill -9", db, photos)

    photos, db = make_labels(work / "worker", 20, start=100), work / "worker.db"
    run = Started("batch", work / "worker", "--db", db, "-j", "2", *ENGINE, logs=work / "w-logs")
    tally.tried += 1
    if wait_for(lambda: len(stored(db)) >= 2, 120):
        workers = [p for p in leftovers(run.tag, wait=0) if _is_worker(p)]
        if workers:
            os.kill(workers[0], signal.SIGKILL)
    code = run.wait(300)
    if code is None:
        tally.hangs += 1
        tally.note("kill -9 of one worker", "the batch did not finish")
    elif code not in (0, 8):
        tally.crashes += code == 1
        tally.note("kill -9 of one worker", f"exit {code}: {run.stderr[-300:]}")
    tally.orphans("kill -9 of one worker", run.tag)
    tally.losses("kill -9 of one worker", db, photos)


def _is_worker(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def watches(tally: Tally, work: Path) -> None:
    """SIGTERM and SIGINT mid-burst; the folder removed and recreated at once and after a
    pause; a full disk under --out."""
    sources = make_labels(work / "src", 60, start=300)
    for sig in (signal.SIGTERM, signal.SIGINT):
        case = f"watch stopped by {signal.Signals(sig).name} mid-burst"
        inbox, db = work / f"inbox-{sig}", work / f"watch-{sig}.db"
        inbox.mkdir()
        run = Started("watch", inbox, "--db", db, "-j", "2", *ENGINE, logs=work / f"l-{sig}")
        tally.tried += 1
        wait_for(lambda run=run: "watching" in run.stderr, 60)
        burst = threading.Thread(target=_copy_all, args=(sources[:30], inbox, 0.02))
        burst.start()
        wait_for(lambda db=db: len(stored(db)) >= 5, 120)
        code = run.stop(sig, 120)
        burst.join()
        _stopped(tally, case, code, run)
        done = ("LOW", "MODERATE", "HIGH")  # a result line: level, score, path, drivers
        lines = [line.split("  ") for line in run.stdout.splitlines()]
        reported = [Path(parts[1]) for parts in lines if parts[0].split(" ")[0] in done]
        tally.losses(case, db, reported)

    for pause in (0.0, 2.0):
        case = f"watched folder removed and recreated ({'at once' if not pause else 'a pause'})"
        inbox, db = work / f"again-{pause}", work / f"again-{pause}.db"
        inbox.mkdir()
        run = Started("watch", inbox, "--db", db, "-j", "1", *ENGINE, logs=work / f"a-{pause}")
        tally.tried += 1
        wait_for(lambda run=run: "watching" in run.stderr, 60)
        shutil.copyfile(sources[40], inbox / "before.png")
        wait_for(lambda db=db, inbox=inbox: str(inbox / "before.png") in stored(db), 60)
        shutil.rmtree(inbox)
        time.sleep(pause)
        inbox.mkdir()
        time.sleep(0.2)
        shutil.copyfile(sources[41], inbox / "after.png")
        wait_for(lambda db=db, inbox=inbox: str(inbox / "after.png") in stored(db), 60)
        _stopped(tally, case, run.stop(signal.SIGTERM, 60), run)
        tally.losses(case, db, [inbox / "before.png", inbox / "after.png"])


def _copy_all(sources: list[Path], inbox: Path, pause: float) -> None:
    for i, src in enumerate(sources):
        try:
            shutil.copyfile(src, inbox / f"in-{i:03d}.png")
        except OSError:
            return
        time.sleep(pause)


def _stopped(tally: Tally, case: str, code: int | None, run: Started) -> None:
    if code is None:
        tally.hangs += 1
        tally.note(case, "did not stop")
    elif code == 1 or "Traceback" in run.stderr:
        tally.crashes += 1
        tally.note(case, f"exit {code}: {run.stderr[-300:]}")
    elif code not in (0, 130):
        tally.wrong += 1
        tally.note(case, f"exit {code}")
    run.kill()
    tally.orphans(case, run.tag)


def databases(tally: Tally, work: Path) -> None:
    """A damaged database, a file that is not one, and (on a small tmpfs) a full disk under
    the database and under watch --out, and a read-only database."""
    import random
    import sqlite3

    folder, db = work / "db-in", work / "damaged.db"
    make_labels(folder, 3, start=200)
    run_cli("batch", folder, "--db", db, "-j", "1", *ENGINE, timeout=120)
    with sqlite3.connect(db) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    data[page:] = random.Random(7).randbytes(len(data) - page)
    db.write_bytes(bytes(data))
    tally.process("results of a damaged database", run_cli("results", "--db", db), {3})
    tally.process(
        "batch into a damaged database",
        run_cli("batch", folder, "--db", db, "--rescan", *ENGINE, timeout=120),
        {3},
    )
    junk = work / "junk.db"
    junk.write_bytes(random.Random(3).randbytes(8192))
    tally.process("results of a file that is no database", run_cli("results", "--db", junk), {3})
    _small_disks(tally, work, folder)


def _small_disks(tally: Tally, work: Path, folder: Path) -> None:
    import subprocess

    disk = work / "disk"
    disk.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=512k,mode=0777", "tmpfs", str(disk)]
    if subprocess.run(mount, capture_output=True).returncode != 0:
        print("faults: no tmpfs can be mounted here: the full-disk cases are left out",
              file=sys.stderr)  # fmt: skip
        return
    try:
        db = disk / "r.db"
        run_cli("batch", folder, "--db", db, "-j", "1", *ENGINE, timeout=120)
        fill(disk)
        more = make_labels(work / "db-more", 4, start=220)
        ran = run_cli("batch", work / "db-more", "--db", db, "-j", "1", *ENGINE, timeout=120)
        tally.process("batch into a database on a full disk", ran, {3})
        out = disk / "reports"
        inbox = work / "full-inbox"
        inbox.mkdir()
        run = Started("watch", inbox, "--db", work / "full.db", "--out", out, "-j", "1", *ENGINE,
                      logs=work / "full-logs")  # fmt: skip
        tally.tried += 1
        wait_for(lambda: "watching" in run.stderr, 60)
        for photo in more:
            shutil.copyfile(photo, inbox / photo.name)
        wait_for(lambda: len(stored(work / "full.db")) >= len(more), 120)
        _stopped(tally, "watch --out on a full disk", run.stop(signal.SIGTERM, 60), run)
        tally.losses("watch --out on a full disk", work / "full.db", [inbox / p.name for p in more])
        (disk / "filler").unlink()
        read_only(disk)
        ran = run_cli("batch", work / "db-more", "--db", db, "-j", "1", *ENGINE, timeout=120)
        tally.process("batch into a read-only database", ran, {3})
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


SECTIONS: list[Callable[[Tally, Path], None]] = [scans, batches, watches, databases]


def main() -> int:
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="milia-faults-") as tmp:
        for section in SECTIONS:
            work = Path(tmp) / section.__name__
            work.mkdir()
            try:
                section(tally, work)
            except Exception as exc:  # the bench's own trouble: say so, go on with the rest
                tally.wrong += 1
                tally.note(section.__name__, f"the section stopped: {exc!r}")
    print(tally.line(), flush=True)
    bad = tally.crashes + tally.hangs + tally.left_behind + tally.lost + tally.wrong
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
