"""Commands over many photos and their stored results: batch, watch, results."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import click
from milia_scan.cli.common import (
    REPORT_FORMATS,
    db_option,
    emit,
    engine_option,
    format_option,
    jobs_option,
    note,
    output_option,
    quiet,
    resolve_format,
    timeout_option,
    verbose_option,
    write_output,
)
from milia_scan.errors import InputFileError, NotFoundError, OutputError
from milia_scan.options import ScanOptions
from milia_scan.output.console import PipeConsole

ROW_FORMATS = ["table", "json", "jsonl", "csv", "html"]


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("-r", "--recursive", is_flag=True, help="Also scan sub-folders.")
@jobs_option
@format_option(ROW_FORMATS, "table")
@click.option(
    "-o",
    "--output",
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the summary or rows to this file instead of stdout.",
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
    fmt: str | None,
    out: Path | None,
    rescan: bool,
    engine: str,
    timeout: float | None,
    db: Path,
) -> None:
    """Scan every label photo in FOLDER, one process per core, into the results database.

    Stopped and run again, it skips files already stored (same content, lexicon and engine).
    Exits 8 when some files could not be scanned; every outcome is stored either way.

    Example: milia-scan batch ~/label-photos --recursive -o results.csv
    """
    fmt = resolve_format(fmt, out, ROW_FORMATS, "table")
    folder = folder.resolve()  # stored paths are absolute: found again from any folder
    from milia_scan.errors import SomeFilesFailedError
    from milia_scan.jobs.batch import default_jobs, scan_folder
    from milia_scan.jobs.store import ResultStore
    from milia_scan.lexicon import load_lexicon
    from milia_scan.output.export import counts_table, write
    from milia_scan.output.progress import BatchProgress

    try:  # find out now, not after the whole batch, that the rows cannot be written
        stream = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the rows ({exc.strerror})") from None
    options = ScanOptions(engine=engine, timeout=timeout)
    with (
        ResultStore(db, lexicon_version=load_lexicon().version, engine=engine) as store,
        BatchProgress(io.StringIO() if quiet() else None) as progress,
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
            console = PipeConsole(file=stream, soft_wrap=False)
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
    if summary.skipped_non_images:
        from milia_scan.image.load import IMAGE_SUFFIXES

        names = ", ".join(summary.skipped_names)
        note(
            f"skipped {summary.skipped_non_images} file(s) whose names are not photos' "
            f"({names}{', ...' if summary.skipped_non_images > len(summary.skipped_names) else ''}"
            f"): milia-scan reads {', '.join(sorted(IMAGE_SUFFIXES))}"
        )
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
    "-o",
    "--output",
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

    Example: milia-scan watch ~/Phone/Inbox -o ~/label-reports
    """
    import signal
    import threading

    from milia_scan.jobs.store import ResultStore
    from milia_scan.jobs.watch import Watcher, check_outputs
    from milia_scan.lexicon import load_lexicon
    from milia_scan.ocr.tesseract import check_language
    from milia_scan.output.progress import describe

    folder = folder.resolve()  # stored paths are absolute: found again from any folder
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
                warn=lambda msg: note(f"milia-scan: warning: {msg}"),
            )
            note(
                f"watching {folder} ({'polling' if polling else 'native events'}); Ctrl-C to stop"
            )
            summary = watcher.run(stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    note(f"stopped: {summary.scanned} scanned, {summary.duplicates} duplicates")


@click.group(invoke_without_command=True)
@format_option(ROW_FORMATS, "table")
@output_option("the rows")
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
@click.option(
    "--prune",
    is_flag=True,
    help="First forget the results of files that no longer exist (says how many).",
)
@db_option
@verbose_option
@click.pass_context
def results(
    ctx: click.Context,
    fmt: str | None,
    output: Path | None,
    level: str | None,
    contains: tuple[str, ...],
    prune: bool,
    db: Path,
) -> None:
    """List and export stored results, riskiest first.

    Example: milia-scan results --level high --contains petrolatum -o high.csv
    """
    if ctx.invoked_subcommand is not None:
        return
    from milia_scan.output.export import write

    fmt = resolve_format(fmt, output, ROW_FORMATS, "table")
    if prune:
        with open_results(db, readonly=False) as store:
            note(f"pruned {store.prune()} result(s) of files that no longer exist")
    with open_results(db) as store:
        rows = list(store.query(level=level, contains=_names_of(contains)))
    if output is None:
        write(rows, fmt, sys.stdout)
        return
    buffer = io.StringIO()
    write(rows, fmt, buffer)
    write_output(buffer.getvalue(), output)


@results.command("show")
@click.argument("file")
@format_option(REPORT_FORMATS, "json")
@output_option()
@db_option
@verbose_option
def results_show(file: str, fmt: str | None, output: Path | None, db: Path) -> None:
    """Show the stored report of one scanned FILE: its JSON as stored, or as text, Markdown or
    HTML (its reading weighed again with the current lexicon).

    Example: milia-scan results show photos/night-balm.jpg --format text
    """
    fmt = resolve_format(fmt, output, REPORT_FORMATS, "json")
    with open_results(db) as store:
        found = store.get(file) or store.get(str(Path(file).resolve()))
    if found is None:
        raise NotFoundError(f"{file}: not in {db}; scan it first, or check --db")
    if not found.report_json:
        body = {"path": found.path, "status": found.status, "error": found.error}
        if fmt != "json":
            raise NotFoundError(
                f"{file}: stored as {found.status} ({found.error}), with no report to show; "
                "scan it again"
            )
        write_output(json.dumps(body, ensure_ascii=False, indent=2) + "\n", output)
        return
    if fmt == "json":
        write_output(found.report_json + "\n", output)
        return
    from milia_scan.pipeline import report_from_stored

    photo = Path(found.path)
    emit(
        report_from_stored(json.loads(found.report_json)),
        fmt,
        output,
        False,
        photo if photo.is_file() else None,
    )


def open_results(db: Path, *, readonly: bool = True) -> Any:
    """The results database, opened for reading only unless asked (it may be read-only, or
    in use by a running batch)."""
    from milia_scan.jobs.store import ResultStore
    from milia_scan.lexicon import load_lexicon

    if not db.exists():
        raise InputFileError(
            f"{db}: no results database here; run 'milia-scan batch FOLDER' "
            "first, or point --db (or $MILIA_SCAN_DB) at one"
        )
    return ResultStore(db, lexicon_version=load_lexicon().version, readonly=readonly)


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
