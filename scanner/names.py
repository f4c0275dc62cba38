"""File names as text that is always valid UTF-8.

On Linux a file name is bytes; Python hands a name that is not valid UTF-8 over with its bad
bytes as lone surrogates (PEP 383), which neither SQLite, a UTF-8 file nor a UTF-8 terminal can
take. Everything the tool writes (reports, the results database, progress lines) carries the name
with those bytes escaped as `\\xNN` instead; the file itself is still opened by its real name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path


def shown(name: str | Path) -> str:
    """`name` as valid UTF-8 text: undecodable bytes of a file name written as `\\xNN`.

    Idempotent, and the identity on names that are valid UTF-8 already."""
    text = os.fspath(name)
    try:
        raw = os.fsencode(text)
    except UnicodeError:  # a lone surrogate that no file name decodes to
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def clean(text: str | None) -> str | None:
    """Any text (a message, a JSON report) made safe to store or print as UTF-8."""
    if text is None:
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return shown(text)
    return text


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters (the ESC that starts a terminal
    escape sequence, BEL, backspace, C1 codes) and bidirectional overrides written as `\\xNN` /
    `\\uNNNN`; tabs and line breaks kept. Label text and file names go through this."""

    def escaped(m: re.Match[str]) -> str:
        code = ord(m.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(escaped, text)
