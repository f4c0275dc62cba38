"""`make bench`: per tier and per OCR engine, recognised recall/precision, silicone+occlusive
recall, and seconds per image next to one plain single-threaded tesseract pass
(`OMP_THREAD_LIMIT=1 tesseract IMAGE -`). Engines: tesseract, plus `auto` (PP-OCR with tesseract
beside it) when PP-OCR is installed; `--engines tesseract ppocr auto` for all."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from milia_scan.errors import MiliaScanError
from milia_scan.lexicon import load_lexicon
from milia_scan.ocr import ppocr
from milia_scan.options import ScanOptions
from milia_scan.pipeline import matcher_for, scan_image

from .metrics import Score, load_truth, score, total

ROOT = Path(__file__).resolve().parent.parent
TIERS = ("flat", "phone", "curved", "hard", "curved2", "hard2", "wild-flat", "wild-phone")


def splits(samples: Path) -> dict[str, str]:
    """Product id -> 'tune' or 'holdout' for the wild tiers (samples/wild-manifest.tsv)."""
    manifest = samples / "wild-manifest.tsv"
    if not manifest.exists():
        return {}
    rows = [ln.split("\t") for ln in manifest.read_text(encoding="utf-8").splitlines()]
    head = rows[0]
    return {r[head.index("id")]: r[head.index("split")] for r in rows[1:] if len(r) == len(head)}


def groups(samples: Path, tiers: list[str]) -> list[tuple[str, list[Path]]]:
    """(row name, images) per tier; the wild tiers in two rows, tuned-on and held-out."""
    split = splits(samples)
    out = []
    for tier in tiers:
        folder = samples / tier
        images = sorted(p for p in folder.glob("*") if not p.name.endswith(".txt"))
        if not images:
            continue
        if tier.startswith("wild"):
            for part in ("tune", "holdout"):
                chosen = [p for p in images if split.get(p.stem) == part]
                if chosen:
                    out.append((f"{tier}/{part}", chosen))
        else:
            out.append((tier, images))
    return out


def plain_pass_seconds(image: Path) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    start = time.perf_counter()
    subprocess.run(
        ["tesseract", str(image), "-"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=300,
    )
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--tiers", nargs="*", default=list(TIERS))
    parser.add_argument(
        "--engines",
        nargs="*",
        choices=["tesseract", "ppocr", "auto"],
        default=None,
        help="OCR engines to score (default: tesseract, and auto when PP-OCR is installed)",
    )
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every image")
    parser.add_argument(
        "--only", choices=["accuracy", "real", "degraded", "matching", "throughput"], default=None
    )
    args = parser.parse_args(argv)
    results: dict[str, object] = {}
    if args.only in (None, "accuracy"):
        results.update(accuracy(args))
    if args.only in (None, "real"):
        from .real import main as real

        results["real_photos"] = real()
    if args.only in (None, "degraded"):
        from .degraded import main as degraded

        results["degraded"] = degraded()
    if args.only in (None, "matching"):
        from .matching import main as matching

        results["matching"] = matching()
    if args.only in (None, "throughput"):
        from .throughput import main as throughput

        results["throughput"] = throughput(args.samples)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def accuracy(args: argparse.Namespace) -> dict[str, object]:
    engines = args.engines or (["tesseract", "auto"] if ppocr.available() else ["tesseract"])
    lexicon = load_lexicon()
    matcher = matcher_for(lexicon)
    rows = []
    per_image = []
    plain_cache: dict[Path, float] = {}
    for tier, images in groups(args.samples, args.tiers):
        for engine in engines:
            options = ScanOptions(engine=engine)
            scores: list[Score] = []
            ours: list[float] = []
            plain: list[float] = []
            failures = 0
            for image in images:
                truth = load_truth(image, lexicon, matcher)
                if truth.unresolved:
                    print(
                        f"warning: {image.name}: truth names not in the lexicon: "
                        f"{truth.unresolved}",
                        file=sys.stderr,
                    )
                start = time.perf_counter()
                try:
                    report = scan_image(image, options, lexicon=lexicon)
                    error = None
                except MiliaScanError as exc:
                    report, error = None, exc.message
                    failures += 1
                ours.append(time.perf_counter() - start)
                if image not in plain_cache:
                    plain_cache[image] = plain_pass_seconds(image)
                plain.append(plain_cache[image])
                s = score(report, truth)
                scores.append(s)
                per_image.append(
                    {
                        "tier": tier,
                        "engine": engine,
                        "image": image.name,
                        "recall": s.recall,
                        "precision": s.precision,
                        "key_recall": s.key_recall,
                        "seconds": ours[-1],
                        "plain_seconds": plain[-1],
                        "read_by": report.ocr_engine if report else None,
                        "error": error,
                    }
                )
                if args.verbose:
                    print(
                        f"  {tier:7} {engine:9} {image.name:36} recall {s.recall:.2f} precision "
                        f"{s.precision:.2f} key {s.key_recall:.2f}  {ours[-1]:.2f}s "
                        f"(plain {plain[-1]:.2f}s){'  ' + error if error else ''}"
                    )
            t = total(scores)
            rows.append(
                {
                    "tier": tier,
                    "engine": engine,
                    "images": len(images),
                    "failed": failures,
                    "recall": t.recall,
                    "precision": t.precision,
                    "key_recall": t.key_recall,
                    "median_s": statistics.median(ours),
                    "plain_median_s": statistics.median(plain),
                    "ratio": statistics.median(o / p for o, p in zip(ours, plain, strict=True)),
                }
            )

    header = (
        f"{'tier':20}{'engine':10}{'images':>7}{'failed':>7}{'recall':>8}{'precision':>10}"
        f"{'sil+occ':>9}{'s/img':>8}{'plain s':>9}{'ratio':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['tier']:20}{r['engine']:10}{r['images']:>7}{r['failed']:>7}{r['recall']:>8.3f}"
            f"{r['precision']:>10.3f}{r['key_recall']:>9.3f}{r['median_s']:>8.2f}"
            f"{r['plain_median_s']:>9.2f}{r['ratio']:>7.2f}"
        )
    print(
        "recall/precision: recognised canonical names vs the truth files; sil+occ: recall of "
        "film-forming silicones and heavy occlusives; s/img: median seconds of a full scan; "
        "plain s: median of `OMP_THREAD_LIMIT=1 tesseract IMAGE -`; ratio: median per-image "
        "ratio of the two. Engines: auto (the default: PP-OCR, then tesseract on the list "
        "block where an item is unrecognised, fused), ppocr, tesseract."
    )
    return {
        "lexicon_version": lexicon.version,
        "engines": engines,
        "tiers": rows,
        "images": per_image,
    }


if __name__ == "__main__":
    sys.exit(main())
