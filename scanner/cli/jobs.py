"""Commands over many photos and their stored results: batch, watch, results."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from milia_scan.cli.common import (
    db_option,
    engine_option,
    jobs_option,
    timeout_option,
    verbose_option,
)
from milia_scan.errors import InputFileError
from milia_scan.options import ScanOptions
from rich.console import Console


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("-r", "--recursive", is_flag=True, help="Also scan sub-folders.")
@jobs_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "csv", "html"]),
    default="table",
    show_default=True,
    help="Summary table, or one row per file.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the rows to this file instead of stdout.",
)
@click.option("--rescan", is_flag=True, help="Scan files again even when already stored.")
@engine_option
@timeout_option
@db_option
@verbose_option
def batch(
    folder: Path,
    recursive: bool,
    jobs: int | None,
    fmt: str,
    out: Path | None,
    rescan: bool,
    engine: str,
    timeout: float | None,
    db: Path,
) -> None:
    """Scan every label photo in FOLDER, one process per core, into the results database.

    Stopped and run again, it skips files already stored (same content, lexicon and engine).
    Exits 8 when some files could not be scanned; every outcome is stored either way.

    Example: milia-scan batch ~/label-photos --recursive --format csv --out results.csv
    """
    from milia_scan.errors import SomeFilesFailedError
    from milia_scan.jobs.batch import default_jobs, scan_folder
    from milia_scan.jobs.store import ResultStore
    from milia_scan.lexicon import load_lexicon
    from milia_scan.output.export import counts_table, write
    from milia_scan.output.progress import BatchProgress

    try:  # find out now, not after the whole batch, that the rows cannot be written
        stream = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    except OSError as exc:
        raise InputFileError(f"{out}: cannot write the rows ({exc.strerror})") from None
    options = ScanOptions(engine=engine, timeout=timeout)
    with (
        ResultStore(db, lexicon_version=load_lexicon().version, engine=engine) as store,
        BatchProgress() as progress,
    ):
        summary = scan_folder(
            folder,
            store,
            recursive=recursive,
            jobs=jobs or default_jobs(),
            rescan=rescan,
            options=options,
            on_event=progress.event,
            on_found=progress.found,
        )
        wanted = set(summary.paths)
        rows = [r for r in store.query() if r.path in wanted]
    try:
        if fmt == "table":
            console = Console(file=stream, soft_wrap=False)
            console.print(
                counts_table(
                    summary.statuses,
                    summary.levels,
                    {
                        "scanned now": summary.scanned,
                        "already stored": summary.already_stored,
                        "same content as another file": summary.duplicates,
                        "not images (skipped)": summary.skipped_non_images,
                        "not regular files (skipped)": summary.skipped_not_files,
                    },
                )
            )
            write(rows, "table", stream, title="Riskiest first", limit=25)
        else:
            write(rows, fmt, stream)
    finally:
        if out:
            stream.close()
    if summary.failed:
        raise SomeFilesFailedError(
            f"{summary.failed} file(s) could not be scanned; see 'milia-scan results --db {db}'"
        )


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("-r", "--recursive", is_flag=True, help="Also watch sub-folders.")
@click.option(
    "--polling",
    is_flag=True,
    help="Poll instead of OS events (network shares); a file counts once its size "
    "and mtime hold still.",
)
@jobs_option
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Also write each report as JSON into this folder (outside the watched one).",
)
@engine_option
@timeout_option
@db_option
@verbose_option
def watch(
    folder: Path,
    recursive: bool,
    polling: bool,
    jobs: int | None,
    out: Path | None,
    engine: str,
    timeout: float | None,
    db: Path,
) -> None:
    """Watch FOLDER and scan each new or replaced photo once it is fully written.

    Scans what is already there and not yet stored first; prints one line per photo; runs
    until Ctrl-C or SIGTERM, then finishes the scans in flight and exits 0.

    Example: milia-scan watch ~/Phone/Inbox --out ~/label-reports
    """
    import signal
    import threading

    from milia_scan.jobs.store import ResultStore
    from milia_scan.jobs.watch import Watcher, check_outputs
    from milia_scan.lexicon import load_lexicon
    from milia_scan.ocr.tesseract import check_language
    from milia_scan.output.progress import describe

    check_outputs(folder, recursive=recursive, out=out, db=db)
    check_language("eng")
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with ResultStore(db, lexicon_version=load_lexicon().version, engine=engine) as store:
            watcher = Watcher(
                folder,
                store,
                recursive=recursive,
                polling=polling,
                jobs=jobs or 0,
                out=out,
                options=ScanOptions(engine=engine, timeout=timeout),
                report=lambda kind, path, outcome: click.echo(describe(path, outcome, kind)),
                warn=lambda msg: click.echo(f"milia-scan: warning: {msg}", err=True),
            )
            click.echo(
                f"watching {folder} ({'polling' if polling else 'native events'}); Ctrl-C to stop",
                err=True,
            )
            summary = watcher.run(stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(f"stopped: {summary.scanned} scanned, {summary.duplicates} duplicates", err=True)


@click.group(invoke_without_command=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "csv", "html"]),
    default="table",
    show_default=True,
)
@click.option(
    "--level",
    type=click.Choice(["low", "moderate", "high", "uncertain"]),
    default=None,
    help="Only results at this risk level.",
)
@click.option(
    "--contains",
    "contains",
    multiple=True,
    metavar="NAME",
    help="Only products listing this ingredient (any of its names); repeatable.",
)
@db_option
@click.pass_context
def results(
    ctx: click.Context, fmt: str, level: str | None, contains: tuple[str, ...], db: Path
) -> None:
    """List and export stored results, riskiest first.

    Example: milia-scan results --level high --contains petrolatum --format csv
    """
    if ctx.invoked_subcommand is not None:
        return
    from milia_scan.output.export import write

    with open_results(db) as store:
        write(store.query(level=level, contains=_names_of(contains)), fmt, sys.stdout)


@results.command("show")
@click.argument("file")
@db_option
def results_show(file: str, db: Path) -> None:
    """Print the stored JSON report of one scanned FILE.

    Example: milia-scan results show photos/night-balm.jpg
    """
    with open_results(db) as store:
        found = store.get(file) or store.get(str(Path(file).resolve()))
        if found is None:
            raise InputFileError(f"{file}: not in {db}; scan it first, or check --db")
        if found.report_json:
            click.echo(found.report_json)
        else:
            click.echo(
                json.dumps(
                    {"path": found.path, "status": found.status, "error": found.error}, indent=2
                )
            )


def open_results(db: Path) -> Any:
    from milia_scan.jobs.store import ResultStore
    from milia_scan.lexicon import load_lexicon

    if not db.exists():
        raise InputFileError(
            f"{db}: no results database here; run 'milia-scan batch FOLDER' "
            "first, or point --db at one"
        )
    return ResultStore(db, lexicon_version=load_lexicon().version)


def _names_of(names: tuple[str, ...]) -> tuple[str, ...]:
    """A name as given plus its canonical lexicon name, so 'aqua' finds 'Water'."""
    from milia_scan.lexicon import load_lexicon

    lexicon = load_lexicon()
    out = set()
    for name in names:
        out.add(name)
        entry = lexicon.entry(name)
        if entry:
            out.update(entry.names)
    return tuple(sorted(out))
