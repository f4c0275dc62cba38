"""`make bench`, degraded photos: every phone sample blurred (Gaussian radius 2), with the top
of the label cut away, and downscaled to a third, then scanned. A wrong LOW is a LOW verdict
on a product whose whole list (its truth file, read as text) is not low; the reading check
should turn such readings into `uncertain` instead."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from milia_scan.errors import MiliaScanError
from milia_scan.lexicon import load_lexicon
from milia_scan.pipeline import scan_image, scan_text
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
PHONE = ROOT / "samples" / "phone"


def _blur(img: Image.Image) -> Image.Image:
    return img.filter(ImageFilter.GaussianBlur(2))


def _top_cut(img: Image.Image) -> Image.Image:
    return img.crop((0, int(img.height * 0.45), img.width, img.height))


def _small(img: Image.Image) -> Image.Image:
    return img.resize((img.width // 3, img.height // 3), Image.Resampling.BILINEAR)


DEGRADATIONS = {"blur": _blur, "top cut": _top_cut, "downscaled": _small}


def main(folder: Path = PHONE) -> dict[str, object]:
    lexicon = load_lexicon()
    outcomes: Counter[str] = Counter()
    wrong: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for photo in sorted(folder.glob("*.jpg")):
            truth = photo.with_name(photo.stem + ".truth.txt").read_text(encoding="utf-8")
            whole = scan_text(truth, lexicon=lexicon).risk.level
            for name, degrade in DEGRADATIONS.items():
                out = Path(tmp) / f"{photo.stem}-{name.replace(' ', '-')}.jpg"
                degrade(Image.open(photo)).save(out, quality=90)
                try:
                    level = scan_image(out, lexicon=lexicon).risk.level
                except MiliaScanError:
                    level = "no list"
                if level == "low" and whole != "low":
                    outcomes["wrong LOW"] += 1
                    wrong.append(f"{photo.name} {name} (whole list: {whole})")
                else:
                    outcomes[level] += 1
    total = sum(outcomes.values())
    print(
        f"\ndegraded phone samples ({total} scans: blurred, top cut away, downscaled): "
        + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        + (f"; wrong LOW: {'; '.join(wrong)}" if wrong else "; no wrong LOW")
    )
    return {"outcomes": dict(outcomes), "wrong_low": wrong}


if __name__ == "__main__":
    main()
