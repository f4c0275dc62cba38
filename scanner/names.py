"""File names as text that is always valid UTF-8.

On Linux a file name is bytes; Python hands a name that is not valid UTF-8 over with its bad
bytes as lone surrogates (PEP 383), which neither SQLite, a UTF-8 file nor a UTF-8 terminal can
take. Everything the tool writes (reports, the results database, progress lines) carries the name
with those bytes escaped as `\\xNN` instead; the file itself is still opened by its real name.
"""

from __future__ import annotations

import os
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
