"""The parsed lexicon kept between processes, so that a new `milia-scan scan` does not parse
and check ~3,000 curated entries and index 30,000 CosIng names again (~0.15 s of its start).

The cache is one pickle file in the user cache folder (`milia_scan.locations.cache_dir`), named
by a key over everything the parsed lexicon depends on: the data files and the user's own
lexicon (size and modification time), the code that parses them, milia-scan's and Python's
versions. Anything else than a clean hit (no file, another key, a damaged or unreadable file)
parses the lexicon as before and writes the file anew; a cache that cannot be written is
skipped. The lexicon is cached only when its CosIng vocabulary loaded cleanly, so that a broken
vocabulary file is still reported where it is first used. The folder is the user's own (made
with mode 0700): a pickle is only ever read from there.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from milia_scan.errors import LexiconError
from milia_scan.lexicon.loader import Lexicon

FORMAT = 1  # bump when what is pickled changes shape in a way file stamps would not show
PREFIX = "lexicon-"
CODE = Path(__file__).resolve().parent  # the lexicon package: its modules define what is pickled


def _stamp(path: Path) -> tuple[str, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (path.name, stat.st_size, stat.st_mtime_ns)


def cache_key(data_dir: Path, user_file: Path | None) -> str:
    """A key over everything the parsed lexicon depends on."""
    from milia_scan import __version__

    parts: list[object] = [FORMAT, sys.version, __version__, str(data_dir.resolve())]
    parts += [_stamp(p) for p in sorted(data_dir.iterdir()) if p.is_file()]
    parts += [_stamp(p) for p in sorted(CODE.glob("*.py"))]
    parts.append(_stamp(user_file) if user_file is not None else None)
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:20]


def _read(path: Path) -> Lexicon | None:
    try:
        with open(path, "rb") as f:
            found = pickle.load(f)
    except Exception:  # missing, damaged, or made by other code: parse again
        return None
    return found if isinstance(found, Lexicon) else None


def _write(folder: Path, path: Path, lexicon: Lexicon) -> None:
    """Write the cache atomically (a reader never sees half a file) and drop older ones."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".lexicon-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(lexicon, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        for old in folder.glob(f"{PREFIX}*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError):
        pass  # no cache this time; the lexicon is parsed again next time


def load_cached(
    data_dir: Path, user_file: Path | None, parse: Callable[[], Lexicon], folder: Path
) -> Lexicon:
    """The lexicon from the cache when it is current, else `parse()`d and cached."""
    path = folder / f"{PREFIX}{cache_key(data_dir, user_file)}.pickle"
    found = _read(path)
    if found is not None:
        return found
    lexicon = parse()
    if lexicon.vocabulary is not None:
        try:
            lexicon.vocabulary.load()
        except LexiconError:
            return lexicon  # reported where the vocabulary is first used, as without a cache
    _write(folder, path, lexicon)
    return lexicon
