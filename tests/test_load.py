"""Stage 1: sound images load with EXIF orientation applied; bad files fail clearly."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from milia_scan.errors import InputFileError
from milia_scan.image.load import load_image
from milia_scan.options import ScanOptions
from PIL import Image


def _photo(path: Path, fmt: str, size: tuple[int, int] = (60, 40), **save: object) -> Path:
    img = Image.new("RGB", size, (255, 255, 255))
    img.paste((200, 0, 0), (0, 0, 10, 10))  # a red mark in the top-left corner
    img.save(path, fmt, **save)
    return path


@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [(".jpg", "JPEG"), (".png", "PNG"), (".tiff", "TIFF"), (".webp", "WEBP"), (".bmp", "BMP")],
)
def test_supported_formats_load_as_bgr(tmp_path: Path, suffix: str, fmt: str) -> None:
    image = load_image(
        _photo(tmp_path / f"label{suffix}", fmt, quality=95)
        if fmt == "JPEG"
        else _photo(tmp_path / f"label{suffix}", fmt)
    )
    assert (image.width, image.height) == (60, 40)
    assert image.pixels.shape == (40, 60, 3) and image.pixels.dtype == np.uint8
    b, _g, r = image.pixels[2, 2]
    assert r > 150 and b < 80  # BGR order for OpenCV


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "sideways.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise on display
    _photo(path, "JPEG", exif=exif, quality=95)
    image = load_image(path)
    assert (image.width, image.height) == (40, 60)
    # the red top-left mark is now at the top-right
    b, _g, r = (int(v) for v in image.pixels[2, 37])
    assert r > 150 and b < 80
    assert min(int(v) for v in image.pixels[2, 2]) > 200  # top-left is white now


def _truncated(tmp_path: Path) -> Path:
    full = _photo(tmp_path / "full.jpg", "JPEG", size=(400, 300), quality=90)
    data = full.read_bytes()
    path = tmp_path / "truncated.jpg"
    path.write_bytes(data[: len(data) // 2])
    return path


BAD_FILES = {
    "zero-byte": (lambda p: (p / "empty.jpg").write_bytes(b"") and None, "empty.jpg", "empty"),
    "not-an-image": (
        lambda p: (p / "notes.jpg").write_text("just some text"),
        "notes.jpg",
        "not an image",
    ),
    "corrupt": (
        lambda p: (p / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200)),
        "corrupt.png",
        "corrupt|not an image",
    ),
    "missing": (lambda p: None, "nowhere.jpg", "no such file"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_raise_input_file_error(tmp_path: Path, case: str) -> None:
    make, name, message = BAD_FILES[case]
    make(tmp_path)
    with pytest.raises(InputFileError, match=message):
        load_image(tmp_path / name)


def test_truncated_jpeg_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="corrupt or truncated"):
        load_image(_truncated(tmp_path))


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    path = _photo(tmp_path / "huge.png", "PNG", size=(4000, 3000))
    with pytest.raises(InputFileError, match="megapixels"):
        load_image(path, ScanOptions(max_pixels=10_000_000))


def test_a_folder_is_not_an_image(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="folder"):
        load_image(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path: Path) -> None:  # pragma: no cover - CI runs as root
    path = _photo(tmp_path / "secret.png", "PNG")
    path.chmod(0)
    with pytest.raises(InputFileError, match="permission"):
        load_image(path)


def test_permission_denied_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CI runs as root, where chmod cannot make a file unreadable: fail the open itself instead.
    path = _photo(tmp_path / "locked.png", "PNG")

    def denied(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Image, "open", denied)
    with pytest.raises(InputFileError, match="permission denied"):
        load_image(path)


def test_16_bit_grey_keeps_its_text(tmp_path: Path) -> None:
    grey = np.full((40, 60), 60000, np.uint16)
    grey[10:20, 10:30] = 3000  # dark "ink" on light paper, in 16 bits
    path = tmp_path / "deep.png"
    Image.fromarray(grey).save(path)
    pixels = load_image(path).pixels
    assert pixels[15, 15].max() < 30 and pixels[2, 2].min() > 225
