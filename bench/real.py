"""`make bench`, real photos: ../shared/real-photos (when it is there), scanned the way a person
runs the tool, `milia-scan scan PHOTO --format json` as a process, next to a plain
`OMP_THREAD_LIMIT=1 tesseract PHOTO -` on the same photo in the same run.

Recall counts every truth line (lines starting with `#` are comments): a line counts as found
when its ingredient is among the names the report recognised. A truth line the lexicon cannot
name is a miss, so the figure is what a person gets, not what the lexicon allows. Precision:
the share of recognised names that are on the label.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from milia_scan.image.load import IMAGE_SUFFIXES
from milia_scan.ingredients.match import Matcher
from milia_scan.lexicon import load_lexicon
from milia_scan.models import IngredientItem
from milia_scan.pipeline import matcher_for

from .metrics import KEY_CLASSES, Score, total

ROOT = Path(__file__).resolve().parent.parent
REAL_PHOTOS = ROOT.parent / "shared" / "real-photos"
EXE = Path(sys.executable).with_name("milia-scan")
BLEND = re.compile(r"\s+(?:\(and\)|&|and)\s+", re.IGNORECASE)
TRUTH_SCORE = 90.0  # a truth line (label spelling, misprints kept) names an entry this well


@dataclass(frozen=True)
class PhotoResult:
    name: str
    score: Score
    seconds: float
    plain_seconds: float
    status: str
    missed: tuple[str, ...]


def truth_lines(photo: Path) -> list[str]:
    text = photo.with_name(photo.stem + ".truth.txt").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def canonical(line: str, matcher: Matcher) -> tuple[str | None, bool]:
    """The lexicon name a truth line stands for, and whether it is a key class."""
    found = matcher.match(IngredientItem(0, line))
    if found.entry is None or found.score < TRUTH_SCORE:
        return None, False
    return found.entry.name, bool(set(found.entry.categories) & set(KEY_CLASSES))


def truth_names(line: str, matcher: Matcher) -> list[tuple[str | None, bool]]:
    """A truth line's ingredients: one, or each part of a blend the lexicon does not name
    whole ("AMPS/HEMA Crosspolymer (and) C13-15 Alkane (and) Coco-Glucoside")."""
    whole = canonical(line, matcher)
    parts = [p.strip() for p in BLEND.split(line) if p.strip()]
    if whole[0] is not None or len(parts) < 2:
        return [whole]
    return [canonical(p, matcher) for p in parts]


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, str, int]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    return time.perf_counter() - start, proc.stdout, proc.returncode


def plain_seconds(photo: Path) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return timed(["tesseract", str(photo), "-"], env)[0]


def scan_photo(photo: Path, matcher: Matcher, engine: str | None) -> PhotoResult:
    cmd = [str(EXE), "scan", str(photo), "--format", "json"]
    if engine:
        cmd += ["--engine", engine]
    seconds, out, code = timed(cmd)
    plain = plain_seconds(photo)
    names: Counter[str] = Counter()
    status = "ok" if code == 0 else f"exit {code}"
    if code == 0:
        report = json.loads(out)
        names = Counter(i["name"] for i in report["ingredients"] if i.get("name"))
        level = report.get("milia_risk", {}).get("level")
        status = f"ok ({level})" if level else "ok"
    truth = Counter[str]()
    keys = Counter[str]()
    missed = []
    for line in truth_lines(photo):
        for name, key in truth_names(line, matcher):
            if name is None or names[name] <= truth[name]:
                missed.append(line)
            truth[name or f"? {line}"] += 1
            if key and name:
                keys[name] += 1
    return PhotoResult(
        photo.name,
        Score(
            truth=sum(truth.values()),
            found=sum((truth & names).values()),
            predicted=sum(names.values()),
            key_truth=sum(keys.values()),
            key_found=sum((keys & names).values()),
        ),
        seconds,
        plain,
        status,
        tuple(missed),
    )


def batch_throughput(photos: list[Path], engine: str | None) -> tuple[float, float]:
    """Photos per second: `milia-scan batch -j 2` over a folder of the photos, and two plain
    tesseract passes at a time over the same photos."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for p in photos:
            (folder / p.name).write_bytes(p.read_bytes())
        cmd = [str(EXE), "batch", str(folder), "--db", str(Path(tmp) / "r.db"), "-j", "2"]
        if engine:
            cmd += ["--engine", engine]
        ours = timed(cmd)[0]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    start = time.perf_counter()
    running: list[subprocess.Popen[bytes]] = []
    for p in photos:
        if len(running) == 2:
            running.pop(0).wait()
        running.append(
            subprocess.Popen(
                ["tesseract", str(p), "-"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    for proc in running:
        proc.wait()
    plain = time.perf_counter() - start
    return len(photos) / ours, len(photos) / plain


def main(folder: Path = REAL_PHOTOS, engines: list[str | None] | None = None) -> dict[str, object]:
    if not folder.is_dir():
        print(f"real photos: skipped ({folder} is not there)")
        return {"skipped": str(folder)}
    photos = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    photos = [p for p in photos if p.with_name(p.stem + ".truth.txt").exists()]
    matcher = matcher_for(load_lexicon())
    out: dict[str, object] = {}
    for engine in engines or [None]:
        label = engine or "default"
        results = [scan_photo(p, matcher, engine) for p in photos]
        print(f"\nreal photos ({folder}), engine {label}:")
        print(f"{'photo':44}{'recall':>7}{'prec':>6}{'sil+occ':>8}{'s':>6}{'plain':>6}  status")
        for r in results:
            sc = r.score
            key = f"{sc.key_found}/{sc.key_truth}" if sc.key_truth else "-"
            print(
                f"{r.name[:43]:44}{sc.recall:>7.2f}{sc.precision:>6.2f}{key:>8}{r.seconds:>6.2f}"
                f"{r.plain_seconds:>6.2f}  {r.status}"
            )
        t = total([r.score for r in results])
        truth, found, predicted = t.truth, t.found, t.predicted
        key_truth, key_found = t.key_truth, t.key_found
        ratio = statistics.median(r.seconds / r.plain_seconds for r in results)
        median_scan = statistics.median(r.seconds for r in results)
        median_plain = statistics.median(r.plain_seconds for r in results)
        no_list = sum(1 for r in results if r.status == "exit 5")
        ours_rate, plain_rate = batch_throughput(photos, engine)
        print(
            f"{'total':44}{found / truth:>7.3f}{found / max(predicted, 1):>6.3f}"
            f"{f'{key_found}/{key_truth}':>8}"
        )
        print(
            f"recall {found}/{truth} = {found / truth:.3f}, precision {found}/{predicted} = "
            f"{found / max(predicted, 1):.3f}, silicone/occlusive recall {key_found}/{key_truth}, "
            f"'no ingredient list found': {no_list}; median per-photo time ratio to the plain "
            f"tesseract pass {ratio:.2f} (median scan {median_scan:.2f} s, plain "
            f"{median_plain:.2f} s); batch -j 2 "
            f"{ours_rate:.2f} photos/s vs two plain passes at a time {plain_rate:.2f} photos/s"
        )
        out[label] = {
            "recall": found / truth,
            "precision": found / max(predicted, 1),
            "key_recall": key_found / key_truth if key_truth else 1.0,
            "ratio": ratio,
            "no_list": no_list,
            "batch_photos_per_s": ours_rate,
            "plain_photos_per_s": plain_rate,
            "photos": [
                {
                    "name": r.name,
                    "recall": r.score.recall,
                    "precision": r.score.precision,
                    "key": [r.score.key_found, r.score.key_truth],
                    "seconds": r.seconds,
                    "plain_seconds": r.plain_seconds,
                    "status": r.status,
                    "missed": list(r.missed),
                }
                for r in results
            ],
        }
    return out


if __name__ == "__main__":
    main()
