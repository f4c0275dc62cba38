"""Import an export of the EU CosIng inventory into the user's own lexicon.

CosIng's CSV has the columns `COSING Ref No, INCI name, INN name, Ph. Eur. Name, CAS No, EC No,
Chem/IUPAC Name / Description, Restriction, Function, Update Date`, sometimes after a few lines
of preamble, with leading spaces and quoted multi-line fields. Its function tags are noisy
(petrolatum and dimethicone lack the ones you would expect), so they only ever give neutral,
descriptive categories; risk classes come from the curated lexicon and from name rules.
"""

from __future__ import annotations

import csv
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
from milia_scan.lexicon.rules import silicone_class

# CosIng function tag (upper case, as exported) -> neutral category
FUNCTION_CATEGORIES = {
    "ABRASIVE": "absorbent",
    "ABSORBENT": "absorbent",
    "BULKING": "absorbent",
    "OPACIFYING": "absorbent",
    "ANTIOXIDANT": "antioxidant",
    "BUFFERING": "ph_adjuster",
    "PH ADJUSTERS": "ph_adjuster",
    "CHELATING": "chelator",
    "COLORANT": "colorant",
    "HAIR DYEING": "colorant",
    "EMOLLIENT": "emollient",
    "SKIN CONDITIONING - EMOLLIENT": "emollient",
    "EMULSIFYING": "emulsifier",
    "EMULSION STABILISING": "emulsifier",
    "SURFACTANT - EMULSIFYING": "emulsifier",
    "FILM FORMING": "film_former",
    "PERFUMING": "fragrance",
    "MASKING": "fragrance",
    "PRESERVATIVE": "preservative",
    "ANTIMICROBIAL": "preservative",
    "SOLVENT": "solvent",
    "SURFACTANT - CLEANSING": "surfactant",
    "CLEANSING": "surfactant",
    "FOAMING": "surfactant",
    "SURFACTANT": "surfactant",
    "UV ABSORBER": "uv_filter",
    "UV FILTER": "uv_filter",
    "VISCOSITY CONTROLLING": "thickener",
    "GEL FORMING": "thickener",
    "SKIN CONDITIONING": "skin_conditioning",
    "HUMECTANT": "skin_conditioning",
    "SKIN CONDITIONING - HUMECTANT": "skin_conditioning",
    "SKIN CONDITIONING - OCCLUSIVE": "skin_conditioning",
    "HAIR CONDITIONING": "skin_conditioning",
}
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
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    for i, row in enumerate(rows[:50]):
        cells = [c.strip().lower() for c in row]
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


def to_entries(rows: list[dict[str, str]]) -> tuple[list[list[str]], int, int]:
    """Ingredient rows (8 columns) for the user lexicon; (rows, duplicates, empty).

    An INN or Ph. Eur. name becomes a synonym only when no row has it as its INCI name."""
    inci_keys = {name_key(display_name(r.get("inci name", ""))) for r in rows}
    seen: set[str] = set()
    synonyms_seen: set[str] = set()
    entries, duplicates, empty = [], 0, 0
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
        synonyms = []
        for column in ("inn name", "ph. eur. name"):
            other = display_name(row.get(column, ""))
            other_key = name_key(other)
            if other and other_key not in inci_keys and other_key not in synonyms_seen:
                synonyms.append(other)
                synonyms_seen.add(other_key)
        tags = {
            t.strip().upper() for t in re.split(r"[,;\n]", row.get("function", "")) if t.strip()
        }
        categories = sorted({FUNCTION_CATEGORIES[t] for t in tags if t in FUNCTION_CATEGORIES})
        sources = ["cosing"]
        silicone = silicone_class(key)
        if silicone:
            categories = [silicone, *(c for c in categories if c != "film_former")]
            sources.append("consumer_silicone")
        ref = row.get("cosing ref no", "")
        note = f"Imported from CosIng{f' (ref {ref})' if ref else ''}"
        if tags:
            note += "; functions: " + ", ".join(sorted(tags)).lower()
        entries.append(
            [name, "|".join(synonyms), "|".join(categories), "", "", "", "|".join(sources), note]
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
