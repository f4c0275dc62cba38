"""Small, quick-to-OCR label images for batch and watch tests (Pillow's built-in font)."""

from __future__ import annotations

import itertools
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

POOL = [
    "Glycerin",
    "Dimethicone",
    "Petrolatum",
    "Squalane",
    "Niacinamide",
    "Panthenol",
    "Lanolin",
    "Allantoin",
    "Retinol",
    "Urea",
    "Caffeine",
    "Beeswax",
    "Xanthan Gum",
    "Tocopherol",
    "Ozokerite",
    "Betaine",
]


def ingredient_sets() -> itertools.chain[tuple[str, ...]]:
    """Endless distinct ingredient lists (so every label has its own content hash), each long
    enough, with the Water before it, to pass as a product's whole list (5 items)."""
    return itertools.chain.from_iterable(
        itertools.permutations(POOL, n) for n in itertools.count(4)
    )


def make_label(
    path: Path,
    ingredients: tuple[str, ...] | list[str],
    *,
    header: bool = True,
    fmt: str | None = None,
) -> Path:
    font = ImageFont.load_default(size=30)
    text = ("INGREDIENTS: " if header else "") + "Water, " + ", ".join(ingredients) + "."
    img = Image.new("L", (60 + int(font.getlength(text)), 90), 255)
    ImageDraw.Draw(img).text((30, 25), text, fill=0, font=font)
    img.save(path, fmt)
    return path


def make_labels(
    folder: Path, count: int, *, start: int = 0, prefix: str = "label", suffix: str = ".png"
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    sets = itertools.islice(ingredient_sets(), start, start + count)
    return [make_label(folder / f"{prefix}-{start + i:04d}{suffix}", s) for i, s in enumerate(sets)]
