"""Stage 1: read a photo from disk into pixels, refusing anything that is not a sound image.

Pillow reads the header first, so a decompression bomb is refused before any pixel is decoded,
and a truncated file fails loudly instead of decoding into grey.
"""

from __future__ import annotations

import fcntl
import os
import stat
import warnings
from pathlib import Path
from typing import BinaryIO

import numpy as np
from milia_scan.errors import InputFileError
from milia_scan.models import LoadedImage
from milia_scan.options import ScanOptions
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()  # HEIC/HEIF (iPhone photos) open through Pillow like any other format

SUPPORTED_FORMATS = {"JPEG", "PNG", "TIFF", "WEBP", "BMP", "MPO", "HEIF", "AVIF"}
IMAGE_SUFFIXES = {
    *(".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp"),
    *(".heic", ".heif", ".avif"),  # iPhone photos; AVIF from Pillow itself
}
MIN_SIDE = 16  # px: a side shorter than this cannot hold a line of readable print
MAX_ASPECT = 100  # longer side / shorter side: beyond this a photo is a sliver, not a label
# A photo for OCR is decoded at a half, a quarter, ... of its size when that still keeps this
# many pixels (a 12 MP phone photo's detail; the prepared page is capped at 16 MP anyway): a
# JPEG by the decoder itself (draft), so a 79 MP photo never takes a gigabyte to read.
OCR_PIXELS = 12_000_000


def is_image_name(name: str) -> bool:
    """Whether a file name looks like a photo to scan (hidden and temp files are not)."""
    base = os.path.basename(name)
    return not base.startswith(".") and os.path.splitext(base)[1].lower() in IMAGE_SUFFIXES


def not_a_file(mode: int) -> str | None:
    """What a file of this st_mode is when it is not a regular file ("a FIFO"), else None.

    Only regular files are read: opening a FIFO blocks until a writer comes, a device never
    ends."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    kinds = {
        stat.S_ISFIFO: "a FIFO (named pipe)",
        stat.S_ISSOCK: "a socket",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
    }
    return next((kind for test, kind in kinds.items() if test(mode)), "not a regular file")


def open_regular(path: Path) -> tuple[BinaryIO, os.stat_result]:
    """Open a file for reading, only if it is a regular file, without ever blocking: a FIFO
    named *.jpg is refused (InputFileError) instead of waiting for a writer. OSError as open."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if (kind := not_a_file(info.st_mode)) is not None:
            raise InputFileError(
                f"{path}: is {kind}, not a regular file; only regular files are scanned"
            )
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        return os.fdopen(fd, "rb"), info
    except BaseException:
        os.close(fd)
        raise


def looks_whole(path: str | Path) -> bool:
    """Whether a file's bytes end the way a whole image of its kind ends: a JPEG's end-of-image
    marker, a PNG's IEND chunk, WebP's and BMP's sizes in their headers. A file still being
    written (or cut short) does not; a format this cannot judge (TIFF) counts as whole."""
    try:
        with open(path, "rb", opener=lambda p, flags: os.open(p, flags | os.O_NONBLOCK)) as fh:
            head = fh.read(16)
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 32))
            tail = fh.read()
    except OSError:
        return False
    if head.startswith(b"\xff\xd8"):  # JPEG: EOI, perhaps followed by padding
        return tail.rstrip(b"\0").endswith(b"\xff\xd9")
    if head.startswith(b"\x89PNG"):
        return tail.endswith(b"IEND\xaeB`\x82")
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return int.from_bytes(head[4:8], "little") + 8 <= size
    if head.startswith(b"BM"):
        return int.from_bytes(head[2:6], "little") <= size
    return True


def _to_rgb(img: Image.Image) -> Image.Image:
    """8-bit RGB; 16- and 32-bit grey is stretched to its own range, not clipped to white."""
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        grey = np.asarray(img, dtype=np.float64)
        low, high = float(grey.min()), float(grey.max())
        scaled = (grey - low) * (255.0 / (high - low)) if high > low else np.zeros_like(grey)
        return Image.fromarray(scaled.astype(np.uint8), "L").convert("RGB")
    return img.convert("RGB")


def load_image(path: Path, options: ScanOptions | None = None) -> LoadedImage:
    """The photo at full size (for drawing on it)."""
    return _load(path, options or ScanOptions(), reduce=False)[0]


def load_for_ocr(path: Path, options: ScanOptions | None = None) -> tuple[LoadedImage, float]:
    """The photo decoded at the size OCR needs (`OCR_PIXELS`), and the factor from its pixels
    to the photo's (1.0 when it was not reduced): boxes found on it are multiplied by it."""
    return _load(path, options or ScanOptions(), reduce=True)


def reduction(width: int, height: int) -> int:
    """The largest power-of-two divisor of both sides that keeps at least OCR_PIXELS."""
    factor = 1
    while factor < 8 and (width // (factor * 2)) * (height // (factor * 2)) >= OCR_PIXELS:
        factor *= 2
    return factor


def _load(path: Path, options: ScanOptions, *, reduce: bool) -> tuple[LoadedImage, float]:
    if path.is_dir():
        raise InputFileError(f"{path}: is a folder; give one image file (or use 'batch')")
    try:
        fh, info = open_regular(path)
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file; check the path") from None
    except PermissionError:
        raise InputFileError(f"{path}: permission denied; check the file's permissions") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the file ({exc.strerror})") from None
    with fh:
        return _decode(path, fh, info.st_size, options, reduce)


def _check_shape(path: Path, width: int, height: int) -> None:
    """Refuse a photo too small or too thin to hold a label (it would only trip the image
    operations downstream): exit 3, a final outcome a batch does not try again."""
    short, long = min(width, height), max(width, height)
    if short < MIN_SIDE:
        raise InputFileError(
            f"{path}: {width}x{height} pixels is too small to hold readable print "
            f"(a side under {MIN_SIDE} px); photograph the ingredient list"
        )
    if long > short * MAX_ASPECT:
        raise InputFileError(
            f"{path}: {width}x{height} pixels is a sliver (over {MAX_ASPECT} times longer than "
            "wide), not a label; photograph the ingredient list"
        )


def _decode(
    path: Path, fh: BinaryIO, size: int, options: ScanOptions, reduce: bool
) -> tuple[LoadedImage, float]:
    if size == 0:
        raise InputFileError(f"{path}: the file is empty (0 bytes); copy the photo again")
    if size > options.max_file_bytes:
        raise InputFileError(
            f"{path}: the file is {size / 1e6:.0f} MB, over the "
            f"{options.max_file_bytes / 1e6:.0f} MB "
            "limit; export a smaller JPEG"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fh) as img:
                fmt = img.format or "unknown"
                if fmt not in SUPPORTED_FORMATS:
                    raise InputFileError(
                        f"{path}: {fmt} images are not supported; use JPEG, PNG, HEIC, AVIF, "
                        "TIFF, WebP or BMP"
                    )
                width, height = img.size
                if width * height > options.max_pixels:
                    raise InputFileError(
                        f"{path}: {width}x{height} pixels is over the limit of "
                        f"{options.max_pixels / 1e6:.0f} megapixels; resize the photo first"
                    )
                _check_shape(path, width, height)
                factor = reduction(width, height) if reduce else 1
                if factor > 1 and fmt in ("JPEG", "MPO"):  # the decoder scales: cheap
                    img.draft(None, (-(-width // factor), -(-height // factor)))
                img.load()
                small = img.reduce(factor) if img.size == (width, height) and factor > 1 else img
                oriented = ImageOps.exif_transpose(small)
                rgb = _to_rgb(oriented)
                scale = width / small.size[0]
    except InputFileError:
        raise
    except PermissionError:
        raise InputFileError(f"{path}: permission denied; check the file's permissions") from None
    except UnidentifiedImageError:
        raise InputFileError(
            f"{path}: not an image file (or an unknown format); use JPEG, PNG, HEIC, AVIF, "
            "TIFF, WebP or BMP"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputFileError(
            f"{path}: the image has too many pixels to decode safely (over "
            f"{options.max_pixels / 1e6:.0f} megapixels); resize the photo first"
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputFileError(
            f"{path}: the image is corrupt or truncated ({exc}); copy the photo again"
        ) from None
    pixels = np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])  # RGB -> BGR for OpenCV
    return LoadedImage(path=path, pixels=pixels, format=fmt), scale
