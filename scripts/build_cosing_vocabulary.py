"""Build lexicon/data/cosing-2021-12.tsv.gz, the shipped CosIng vocabulary, from a CosIng export.

    .venv/bin/python scripts/build_cosing_vocabulary.py [EXPORT] [OUTPUT]

EXPORT defaults to ../shared/data/cosing-inventory-2021-12.csv.gz (a plain CosIng CSV export
works too); OUTPUT to lexicon/data/cosing-2021-12.tsv.gz. The same input gives the same bytes:
rows sorted by lookup key, tags numbered by how often they occur (then by name), no timestamp in
the gzip header. The file format is described in lexicon/vocabulary.py; bump lexicon/data/VERSION
when the output changes.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
from collections import Counter
from pathlib import Path

from milia_scan.lexicon.cosing import inci_rows, read_cosing
from milia_scan.lexicon.loader import DATA_DIR as INSTALLED_DATA_DIR
from milia_scan.lexicon.vocabulary import VOCABULARY_FILE

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXPORT = ROOT.parent / "shared" / "data" / "cosing-inventory-2021-12.csv.gz"
DEFAULT_OUTPUT = ROOT / "lexicon" / "data" / VOCABULARY_FILE


def build(export: Path) -> bytes:
    rows, count = read_cosing(export)
    found, duplicates, empty = inci_rows(rows)
    tag_counts = Counter(t for row in found for t in row.tags)
    tags = sorted(tag_counts, key=lambda t: (-tag_counts[t], t))
    number = {t: str(i) for i, t in enumerate(tags)}
    for row in found:
        for text in (row.name, *row.others):
            if "\t" in text or "|" in text or "\n" in text:
                raise SystemExit(f"{export}: a name holds a tab, newline or '|': {text!r}")
    lines = [
        "# INCI names from the EU CosIng inventory of cosmetic ingredients (export 2021-12),",
        "# European Commission, https://ec.europa.eu/growth/tools-databases/cosing/ ;",
        "# reused with acknowledgement, as the Commission allows.",
        f"# Built by scripts/build_cosing_vocabulary.py from {export.name}"
        f" (sha256 {hashlib.sha256(export.read_bytes()).hexdigest()[:16]}): {count} rows,"
        f" {len(found)} names, {duplicates} repeated, {empty} without a name.",
        "# Columns: name, function tags (indices into #tags), INN / Ph. Eur. names (|-separated).",
        "\t".join(("#tags", *tags)),
    ]
    for row in sorted(found, key=lambda r: (r.key, r.name)):
        codes = ",".join(sorted((number[t] for t in row.tags), key=int))
        lines.append(f"{row.name}\t{codes}\t{'|'.join(row.others)}")
    text = "\n".join(lines) + "\n"
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def main(argv: list[str]) -> int:
    export = Path(argv[0]) if argv else DEFAULT_EXPORT
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    data = build(export)
    output.write_bytes(data)
    print(f"wrote {output} ({len(data):,} bytes)")
    if not (INSTALLED_DATA_DIR / output.name).exists():
        print("note: the installed package does not see this file yet: reinstall it (make setup)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
