"""Stored results as tables, JSON, JSON Lines or CSV (for `batch` and `results`)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable
from typing import IO, Any

from milia_scan.jobs.store import StoredResult
from milia_scan.names import printable
from milia_scan.output.console import PipeConsole
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "json", "jsonl", "csv", "html")
CSV_FIELDS = (
    "path",
    "status",
    "level",
    "score",
    "drivers",
    "error",
    "duplicate_of",
    "lexicon_version",
    "engine",
    "scanned_at",
)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection); such a
# cell is written with a leading apostrophe, which spreadsheets show as text and do not run.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LEVEL_STYLE = {"high": "bold red", "moderate": "yellow", "low": "green", "uncertain": "bold"}


def as_dict(result: StoredResult, *, full: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "path": result.path,
        "status": result.status,
        "level": result.level,
        "score": result.score,
        "drivers": result.drivers(),
        "error": result.error,
        "duplicate_of": result.duplicate_of,
        "lexicon_version": result.lexicon_version,
        "engine": result.engine,
        "scanned_at": result.scanned_at,
    }
    if full:
        row["report"] = result.report
    return row


def write(
    results: Iterable[StoredResult],
    fmt: str,
    stream: IO[str],
    *,
    title: str = "",
    limit: int | None = None,
) -> int:
    """Write results in `fmt`; returns how many were written."""
    rows = list(results)
    if fmt == "json":
        json.dump([as_dict(r, full=True) for r in rows], stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    elif fmt == "jsonl":
        for r in rows:
            stream.write(json.dumps(as_dict(r, full=True), ensure_ascii=False) + "\n")
    elif fmt == "html":
        from milia_scan.output.html_report import batch_html

        stream.write(batch_html(rows, title or "milia-scan results"))
    elif fmt == "csv":
        writer = csv.DictWriter(stream, CSV_FIELDS)
        writer.writeheader()
        for r in rows:
            d = as_dict(r)
            d["drivers"] = "; ".join(d["drivers"])
            writer.writerow({key: inert(value) for key, value in d.items()})
    else:
        console = PipeConsole(file=stream, soft_wrap=False)
        console.print(results_table(rows[:limit] if limit else rows, title))
        if limit and len(rows) > limit:
            console.print(f"... and {len(rows) - limit} more (see 'milia-scan results')")
    return len(rows)


def inert(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def results_table(rows: list[StoredResult], title: str = "") -> Table:
    table = Table(title=title or None, header_style="bold")
    for column in ("risk", "score", "product photo", "drivers / problem"):
        table.add_column(column, overflow="fold")
    for r in rows:
        level = r.level or r.status.replace("_", " ")
        detail = r.detail()
        table.add_row(
            level.upper(),
            "" if r.score is None else str(r.score),
            Text(printable(r.path)),
            Text(printable(detail)),
            style=LEVEL_STYLE.get(r.level or "", "dim"),
        )
    return table


def counts_table(statuses: Counter[str], levels: Counter[str], extra: dict[str, int]) -> Table:
    table = Table(title="Summary", header_style="bold", show_header=False)
    table.add_column("what")
    table.add_column("files", justify="right")
    for name in ("ok", "incomplete", "no_ingredient_list", "unreadable", "error"):
        table.add_row(name.replace("_", " "), str(statuses.get(name, 0)))
    for name in ("high", "moderate", "low", "uncertain"):
        table.add_row(f"  risk {name}", str(levels.get(name, 0)), style=LEVEL_STYLE[name])
    for name, count in extra.items():
        table.add_row(name, str(count), style="dim")
    return table
