"""A generated corpus of hostile files, shared by the fault tests and `make faults`
(bench/faults.py): every bad input the issue names and the ones the older tests cover.

`hostile_folder(folder)` writes them beside a few good labels and returns what each should
come to: the exit codes `scan` may give it, and the status a batch should store (None: not
stored, it is skipped as not a regular file or not an image).
"""

from __future__ import annotations

import io
import os
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ..labels import make_labels

UNREADABLE = frozenset({3})
NO_LIST = frozenset({3, 5})  # some readers find no list, others refuse the image first
ANY_VERDICT = frozenset({0, 3, 5, 6})  # a documented outcome, never 1


@dataclass(frozen=True)
class Case:
    name: str  # the file name (os.fsdecode'd when it is not UTF-8)
    scan_exits: frozenset[int]
    batch_status: str | None  # None: skipped (not stored)


def _png(width: int, height: int, value: int = 255) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), value).save(out, "PNG")
    return out.getvalue()


def _jpeg(image: Image.Image, **save: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", **save)
    return out.getvalue()


def hostile_folder(
    folder: Path, *, good: int = 4, huge: bool = True
) -> tuple[list[Path], list[Case]]:
    """Write the corpus into `folder`: (the good label paths, the hostile cases)."""
    folder.mkdir(parents=True, exist_ok=True)
    goods = make_labels(folder, good, prefix="good")
    rng = random.Random(13)
    label = goods[0].read_bytes()
    label_jpeg = _jpeg(Image.open(goods[0]).convert("RGB"), quality=90)
    cases: list[Case] = []

    def add(name: str, data: bytes | None, exits: frozenset[int], status: str | None) -> None:
        if data is not None:
            (folder / name).write_bytes(data)
        cases.append(Case(name, exits, status))

    # names
    add(os.fsdecode(b"bad-\xff\xfe.png"), make_labels(folder / ".t", 1, start=900)[0].read_bytes(),
        frozenset({0}), "ok")  # fmt: skip
    add("=HYPERLINK(x).png", make_labels(folder / ".t", 1, start=901)[0].read_bytes(),
        frozenset({0}), "ok")  # fmt: skip
    add("esc-\x1b[31mred\x1b[0m.png", make_labels(folder / ".t", 1, start=902)[0].read_bytes(),
        frozenset({0}), "ok")  # fmt: skip
    add("new\nline.png", make_labels(folder / ".t", 1, start=903)[0].read_bytes(),
        frozenset({0}), "ok")  # fmt: skip
    # not regular files
    os.mkfifo(folder / "fifo.jpg")
    add("fifo.jpg", None, UNREADABLE, None)
    (folder / "folder.jpg").mkdir()
    add("folder.jpg", None, UNREADABLE, None)
    (folder / "dangling.png").symlink_to(folder / "nowhere.png")
    add("dangling.png", None, UNREADABLE, "unreadable")
    # broken files
    add("empty.jpg", b"", UNREADABLE, "unreadable")
    add("text.jpg", b"not a photo at all\n", UNREADABLE, "unreadable")
    add("truncated.png", label[: len(label) // 2], UNREADABLE, "unreadable")
    add("truncated.jpg", label_jpeg[: len(label_jpeg) // 2], UNREADABLE, "unreadable")
    add("corrupt.jpg", b"\xff\xd8\xff\xe0" + rng.randbytes(3000), UNREADABLE, "unreadable")
    add("random.webp", rng.randbytes(5000), UNREADABLE, "unreadable")
    add("gif-as.png", _gif(), UNREADABLE, "unreadable")
    add("bmp-lies.bmp", b"BM" + (10**9).to_bytes(4, "little") + rng.randbytes(60), UNREADABLE,
        "unreadable")  # fmt: skip
    # shapes and sizes
    for width, height in [(1, 3000), (2, 10000), (5000, 1), (8, 8)]:
        add(f"thin-{width}x{height}.png", _png(width, height), UNREADABLE, "unreadable")
    bomb = io.BytesIO()
    Image.new("1", (12000, 8000), 1).save(bomb, "PNG")  # 96 megapixels, a few kB
    add("bomb.png", bomb.getvalue(), UNREADABLE, "unreadable")
    with (folder / "huge.tif").open("wb") as fh:  # over the 200 MB limit, sparse on disk
        fh.truncate(210 * 1024 * 1024)
    add("huge.tif", None, UNREADABLE, "unreadable")
    # no list, or odd pixels
    add("blank.png", _png(400, 300, 200), NO_LIST, "no_ingredient_list")
    noise = np.random.default_rng(13).integers(0, 256, (600, 800, 3), dtype=np.uint8)
    add("noise.png", _encode(Image.fromarray(noise)), ANY_VERDICT, "any")
    add("cmyk.jpg", _jpeg(Image.open(goods[1]).convert("CMYK")), ANY_VERDICT, "any")
    grey16 = np.asarray(Image.open(goods[2]).convert("L"), dtype=np.uint16) * 257
    add("grey16.png", _encode(Image.fromarray(grey16)), ANY_VERDICT, "any")
    if huge:  # 79 megapixels, just under the limit: decoded small
        photo = Image.new("RGB", (10_200, 7_700), (235, 232, 228))
        photo.paste(Image.open(goods[3]).convert("RGB"), (2000, 3000))
        add("huge-79mp.jpg", _jpeg(photo, quality=80), ANY_VERDICT, "any")
    # same content under another name
    add("copy of good.png", label, frozenset({0}), "ok")
    for tmp in (folder / ".t").iterdir():
        tmp.unlink()
    (folder / ".t").rmdir()
    return goods, cases


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (40, 40)).save(out, "GIF")
    return out.getvalue()


TEXT_INPUTS: dict[str, bytes] = {
    "random bytes": random.Random(1).randbytes(4000),
    "ELF binary": b"\x7fELF\x02\x01\x01\x00" + bytes(300),
    "NUL inside": b"Aqua, Petrolatum\x00, Glycerin",
    "Latin-1": "Aqua, Petrolatum, Crème de Karité, Glycerin, Dimethicone".encode("latin-1"),
    "UTF-16": "Aqua, Petrolatum, Glycerin, Dimethicone, Squalane".encode("utf-16"),
    "escapes": b"Aqua, \x1b[2J\x1b[31mPetrolatum, Glycerin, Dimethicone, Squalane",
    "empty": b"",
    "2 MB": b"Aqua, " * 350_000,
}
