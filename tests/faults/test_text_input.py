"""`text` reads stdin (or its argument) as bytes: UTF-8, UTF-16 with a byte-order mark, else
Windows-1252 with a warning; binary junk is unreadable input (exit 3). Whatever comes in, what
goes out is valid UTF-8."""

from __future__ import annotations

import json
import random

import pytest
from milia_scan.errors import ExitCode

from .hostile import is_utf8, run_cli

LIST = "Aqua, Petrolatum, Glycerin, Dimethicone, Crème de Karité"


@pytest.mark.parametrize("fmt", ["text", "json", "md"])
@pytest.mark.parametrize(
    "data",
    [
        LIST.encode("cp1252"),
        LIST.encode("latin-1"),
        LIST.encode("utf-8"),
        b"\xef\xbb\xbf" + LIST.encode("utf-8"),
        LIST.encode("utf-16"),
    ],
    ids=["cp1252", "latin-1", "utf-8", "utf-8-bom", "utf-16"],
)
def test_text_in_any_common_encoding_is_read(data: bytes, fmt: str) -> None:
    ran = run_cli("text", "-", "--format", fmt, stdin=data, timeout=60)
    assert ran.returncode == ExitCode.ok, ran.err
    assert is_utf8(ran.stdout) and is_utf8(ran.stderr)
    if fmt == "json":
        raws = [i["raw"] for i in json.loads(ran.stdout)["ingredients"]]
        assert "Crème de Karité" in raws and "Petrolatum" in raws
    if data.startswith(b"Aqua") and b"\xe8" in data:  # not UTF-8: read as Windows-1252
        assert "not UTF-8" in ran.err


@pytest.mark.parametrize(
    "data",
    [
        random.Random(13).randbytes(4000),
        b"\x7fELF\x02\x01\x01\x00" + bytes(200),
        b"Aqua, Petrolatum\x00, Glycerin",
        b"\x1b[2J\x1b[31m" * 40,
    ],
    ids=["random", "elf", "nul", "escapes"],
)
def test_binary_junk_on_stdin_exits_3(data: bytes) -> None:
    ran = run_cli("text", "-", stdin=data, timeout=60)
    assert ran.returncode == ExitCode.input_file, ran.err
    assert "binary data" in ran.err and is_utf8(ran.stdout + ran.stderr)


def test_an_argument_that_is_not_utf8_is_read_too() -> None:
    ran = run_cli("text", LIST.encode("latin-1"), "--format", "json", timeout=60)
    assert ran.returncode == ExitCode.ok, ran.err
    assert is_utf8(ran.stdout)
    assert "Crème de Karité" in [i["raw"] for i in json.loads(ran.stdout)["ingredients"]]


def test_too_much_text_exits_3() -> None:
    ran = run_cli("text", "-", stdin=b"Aqua, " * 400_000, timeout=60)
    assert ran.returncode == ExitCode.input_file and "too long" in ran.err
