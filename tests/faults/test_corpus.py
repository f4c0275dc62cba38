"""The whole hostile corpus (tests/faults/corpus.py): scan of each file gives a documented exit
code and valid UTF-8; a batch over all of it, run twice, stores every file that should be stored
exactly once, never exits 1, never hangs and leaves nothing running."""

from __future__ import annotations

from pathlib import Path

import pytest
from milia_scan.errors import ExitCode
from milia_scan.names import shown

from .corpus import Case, hostile_folder
from .hostile import is_utf8, leftovers, run_cli, stored

pytestmark = [pytest.mark.tesseract, pytest.mark.time_limit(600)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], list[Case]]:
    folder = tmp_path_factory.mktemp("hostile") / "in"
    goods, cases = hostile_folder(folder)
    return folder, goods, cases


def test_scan_of_every_hostile_file_ends_as_documented(
    corpus: tuple[Path, list[Path], list[Case]],
) -> None:
    folder, _, cases = corpus
    wrong = []
    for case in cases:
        ran = run_cli("scan", folder / case.name, "--engine", "tesseract", "--format", "json")
        if ran.hung or ran.returncode not in case.scan_exits or "Traceback" in ran.err:
            wrong.append((shown(case.name), ran.returncode, ran.err[-200:]))
        elif not (is_utf8(ran.stdout) and is_utf8(ran.stderr)):
            wrong.append((shown(case.name), "output not UTF-8", ""))
        elif leftovers(ran.tag, wait=5):
            wrong.append((shown(case.name), "left processes behind", ""))
    assert not wrong


def test_a_batch_over_the_corpus_stores_each_file_once(
    corpus: tuple[Path, list[Path], list[Case]], tmp_path: Path
) -> None:
    folder, goods, cases = corpus
    db = tmp_path / "r.db"
    expected = {shown(str(p)): "ok" for p in goods} | {
        shown(str(folder / c.name)): c.batch_status for c in cases if c.batch_status
    }
    for _ in range(2):
        ran = run_cli("batch", folder, "--db", db, "-j", "2", "--engine", "tesseract",
                      timeout=400)  # fmt: skip
        assert ran.returncode == ExitCode.some_failed, ran.err
        assert is_utf8(ran.stdout) and is_utf8(ran.stderr)
        assert not leftovers(ran.tag)
        rows = stored(db)
        assert set(rows) == set(expected)
        for path, status in expected.items():
            assert status == "any" or rows[path][0] == status, (path, rows[path])
            assert rows[path][1] <= 1 or "dangling" in path, (path, rows[path])  # 0: a copy
