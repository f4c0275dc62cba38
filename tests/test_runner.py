"""The worker pool: a crashing file is blamed alone; stopping drops what has not started."""

from __future__ import annotations

from pathlib import Path

from milia_scan.jobs.runner import Runner
from milia_scan.jobs.worker import FileInfo, ScanOutcome

from .crashy import crash_on_poison, slow


def _infos(names: list[str]) -> list[tuple[Path, FileInfo]]:
    return [(Path(n), FileInfo(n, 1, 0.0, f"hash-{n}")) for n in names]


def test_only_the_file_that_kills_its_worker_is_blamed() -> None:
    done: dict[str, ScanOutcome] = {}
    names = [f"photo-{i}.jpg" for i in range(6)]
    names.insert(3, "poison.jpg")
    with Runner(
        2, None, lambda o, i: done.__setitem__(i.path, o), lambda *_: None, fn=crash_on_poison
    ) as runner:
        for path, info in _infos(names):
            runner.submit(path, info)
    assert set(done) == set(names)
    assert done["poison.jpg"].status == "error" and "crashed" in (done["poison.jpg"].error or "")
    assert all(done[n].status == "ok" for n in names if n != "poison.jpg")


def test_stop_hands_over_running_scans_and_drops_queued_ones() -> None:
    done: list[str] = []
    runner = Runner(1, None, lambda o, i: done.append(i.path), lambda *_: None, fn=slow)
    for path, info in _infos([f"p{i}.jpg" for i in range(8)]):
        runner.submit(path, info, max_queue=100)
    runner.collect(timeout=2.0)  # let at least one finish
    runner.stop()
    assert 1 <= len(done) < 8 and not runner.pending
