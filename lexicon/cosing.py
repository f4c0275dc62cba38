"""Import an export of the EU CosIng inventory into the user's own lexicon.

CosIng's CSV has the columns `COSING Ref No, INCI name, INN name, Ph. Eur. Name, CAS No, EC No,
Chem/IUPAC Name / Description, Restriction, Function, Update Date`, sometimes after a few lines
of preamble, with leading spaces and quoted multi-line fields. Its function tags are noisy
(petrolatum and dimethicone lack the ones you would expect), so they only ever give neutral,
descriptive categories; risk classes come from the curated lexicon and from name rules.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from milia_scan.errors import InputFileError
from milia_scan.lexicon.loader import (
    DATA_DIR,
    INGREDIENT_COLUMNS,
    USER_FILE,
    load_lexicon_from,
    user_data_dir,
)
from milia_scan.lexicon.names import name_key
from milia_scan.lexicon.vocabulary import function_categories

ACRONYMS = {
    "PEG",
    "PPG",
    "CI",
    "EDTA",
    "BHT",
    "BHA",
    "DEA",
    "MEA",
    "TEA",
    "PCA",
    "SE",
    "HCL",
    "DNA",
    "RNA",
    "PVP",
    "PVM",
    "MA",
    "VA",
    "II",
    "III",
    "IV",
    "HDI",
    "IPDI",
    "TDI",
    "SD",
}
_WORD = re.compile(r"[A-Za-z]+")
_COLUMN_ALIASES = {"ph eur name": "ph. eur. name"}
_PLAIN_NAME = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9 ,.'/+-]*$"
)  # an INN or Ph. Eur. name worth keeping


def display_name(inci: str) -> str:
    """CosIng's upper-case INCI name in label case: 'PEG-100 STEARATE' -> 'PEG-100 Stearate'."""

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        return w.upper() if w.upper() in ACRONYMS else w.capitalize()

    return _WORD.sub(word, " ".join(inci.split()))


@dataclass(frozen=True)
class ImportStats:
    rows: int
    imported: int
    duplicates: int
    empty: int
    path: Path


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":  # a gzipped export
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise InputFileError(f"{path}: not a readable gzip file ({exc})") from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _column(cell: str) -> str:
    name = cell.strip().lower().replace("_", " ")
    return _COLUMN_ALIASES.get(name, name)


def _header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    for i, row in enumerate(rows[:50]):
        # "INCI name" as exported, or "inci_name" as in a cleaned copy
        cells = [_column(c) for c in row]
        if "inci name" in cells:
            return i, {c: k for k, c in enumerate(cells)}
    raise InputFileError(
        "no 'INCI name' column found in the first 50 lines; is this a CosIng CSV export?"
    )


def read_cosing(path: Path) -> tuple[list[dict[str, str]], int]:
    """Rows of a CosIng export as dicts keyed by lower-case column name, plus the row count."""
    try:
        text = _read_text(path)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the file ({exc.strerror})") from None
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    start, columns = _header(rows)
    out = []
    for row in rows[start + 1 :]:
        if not any(cell.strip() for cell in row):
            continue
        out.append({name: (row[k].strip() if k < len(row) else "") for name, k in columns.items()})
    return out, len(out)


@dataclass(frozen=True)
class InciRow:
    name: str  # in label case
    key: str
    others: tuple[str, ...]  # INN and Ph. Eur. names, where unambiguous
    tags: tuple[str, ...]  # function tags, upper case, sorted
    ref: str


def _tags(value: str) -> tuple[str, ...]:
    return tuple(sorted({t.strip().upper() for t in re.split(r"[,;\n]", value) if t.strip()}))


def inci_rows(rows: list[dict[str, str]]) -> tuple[list[InciRow], int, int]:
    """One row per INCI name, in file order; (rows, duplicates, empty).

    An INN or Ph. Eur. name becomes another name of its row only when it is a plain name, not
    the INCI name of any row, and not given by two rows."""
    inci_keys = {name_key(r.get("inci name", "")) for r in rows}
    givers: dict[str, set[str]] = {}
    for row in rows:
        for column in ("inn name", "ph. eur. name"):
            other = " ".join(row.get(column, "").split())
            if other and _PLAIN_NAME.match(other):
                givers.setdefault(name_key(other), set()).add(name_key(row.get("inci name", "")))
    seen: set[str] = set()
    out: list[InciRow] = []
    duplicates = empty = 0
    for row in rows:
        inci = row.get("inci name", "")
        if not inci:
            empty += 1
            continue
        name = display_name(inci)
        key = name_key(name)
        if not key or key in seen:
            duplicates += 1
            continue
        seen.add(key)
        others: list[str] = []
        for column in ("inn name", "ph. eur. name"):
            other = display_name(row.get(column, ""))
            other_key = name_key(other)
            if (
                other_key
                and other_key not in inci_keys
                and len(givers.get(other_key, ())) == 1
                and other_key not in {name_key(o) for o in others}
            ):
                others.append(other)
        out.append(
            InciRow(
                name,
                key,
                tuple(others),
                _tags(row.get("function", "")),
                row.get("cosing ref no", ""),
            )
        )
    return out, duplicates, empty


def to_entries(rows: list[dict[str, str]]) -> tuple[list[list[str]], int, int]:
    """Ingredient rows (8 columns) for the user lexicon; (rows, duplicates, empty)."""
    found, duplicates, empty = inci_rows(rows)
    entries = []
    for row in found:
        categories, sources = function_categories(row.tags, row.key)
        note = f"Imported from CosIng{f' (ref {row.ref})' if row.ref else ''}"
        if row.tags:
            note += "; functions: " + ", ".join(row.tags).lower()
        entries.append(
            [
                row.name,
                "|".join(row.others),
                "|".join(categories),
                "",
                "",
                "",
                "|".join(map(str, sources)),
                note,
            ]
        )
    return entries, duplicates, empty


def import_cosing(path: Path, user_dir: Path | None = None) -> ImportStats:
    """Read a CosIng export and (re)write the user lexicon from it; curated entries win."""
    rows, count = read_cosing(path)
    entries, duplicates, empty = to_entries(rows)
    target_dir = user_dir or user_data_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=".import-", suffix=".csv")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(INGREDIENT_COLUMNS)
        writer.writerows(entries)
    try:
        _validate_user_file(Path(tmp))
    except BaseException:
        os.unlink(tmp)
        raise
    os.replace(tmp, target_dir / USER_FILE)
    return ImportStats(count, len(entries), duplicates, empty, target_dir / USER_FILE)


def _validate_user_file(path: Path) -> None:
    """Load the curated lexicon with this file merged, so a bad import never lands."""
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(path, Path(tmp) / USER_FILE)
        load_lexicon_from(DATA_DIR, Path(tmp))
