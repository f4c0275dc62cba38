"""The command line: a thin click layer over the library API.

Library errors become exit codes here and nowhere else; tracebacks only with -v.
"""

from __future__ import annotations

import io
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from . import __version__
from .context import AnalysisOptions, ProductType
from .errors import BadArgsError, ExitCode, InputFileError, MiliaScanError
from .options import ScanOptions
from .store import DEFAULT_DB

F = TypeVar("F", bound=Callable[..., Any])


class MiliaGroup(click.Group):
    """Turns library exceptions into one-line errors and their exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MiliaScanError as exc:
            if ctx.meta.get("verbose"):
                traceback.print_exc()
            click.echo(f"milia-scan: error: {exc.message}", err=True)
            ctx.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            click.echo("milia-scan: interrupted", err=True)
            ctx.exit(int(ExitCode.ctrl_c))
        except BrokenPipeError:  # the reader went away (| head): stop quietly
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python's exit flush quiet
            ctx.exit(int(ExitCode.ok))
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # an internal bug: say so, and how to see more
            if ctx.meta.get("verbose"):
                traceback.print_exc()
            click.echo(
                f"milia-scan: internal error: {exc!r} (run with -v for the traceback)", err=True
            )
            ctx.exit(int(ExitCode.other_error))


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta["verbose"] = value
    return value


def output_options(func: F) -> F:
    """The options every single-report command shares."""
    options = [
        click.option(
            "-v",
            "--verbose",
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_set_verbose,
            help="Show timings and tracebacks.",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["text", "json", "md", "html"]),
            default="text",
            show_default=True,
            help="Readable report, the milia-scan/1 JSON, Markdown, or a self-contained HTML page.",
        ),
        click.option(
            "-o",
            "--output",
            type=click.Path(path_type=Path, dir_okay=False),
            default=None,
            help="Write the report to this file instead of stdout.",
        ),
        click.option(
            "--open",
            "open_it",
            is_flag=True,
            help="Open the written report in the browser (with --output).",
        ),
        click.option(
            "--product-type",
            type=click.Choice([t.value for t in ProductType]),
            default="auto",
            show_default=True,
            help="Weigh as an eye-area, balm, leave-on or rinse-off product; auto "
            "reads it from the label.",
        ),
        click.option(
            "--avoid",
            default="",
            metavar="NAME,...",
            help="Ingredients or classes to call out first (e.g. 'silicones,lanolin'); "
            "added to ~/.config/milia-scan/avoid.txt.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


engine_option = click.option(
    "--engine",
    type=click.Choice(["tesseract", "rapidocr", "auto"]),
    default="tesseract",
    show_default=True,
    help="OCR engine; 'auto' falls back to RapidOCR on a poor reading "
    "(pip install 'milia-scan[rapidocr]').",
)
jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes [default: one per core].",
)
verbose_option = click.option(
    "-v",
    "--verbose",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_set_verbose,
    help="Show tracebacks.",
)


def _analysis(product_type: str, avoid: str, output: Path | None, open_it: bool) -> AnalysisOptions:
    """The reader's options, checked before any work is done."""
    if open_it and output is None:
        raise BadArgsError("--open needs --output FILE to open")
    from .context import avoid_terms_from_config

    terms = tuple(t.strip() for t in avoid.split(",") if t.strip())
    return AnalysisOptions(ProductType(product_type), avoid_terms_from_config() + terms)


def _emit(
    report: Any, fmt: str, output: Path | None, open_it: bool, image: Path | None = None
) -> None:
    from lexicon import load_lexicon

    lexicon = load_lexicon()
    if fmt == "text" and output is None:
        from .render import render

        render(report, lexicon, Console(soft_wrap=False))
    else:
        if fmt == "json":
            from .report import to_json

            body = to_json(report) + "\n"
        elif fmt == "md":
            from .markdown import report_markdown

            body = report_markdown(report, lexicon)
        elif fmt == "html":
            from .html_report import report_html

            body = report_html(report, lexicon, image)
        else:
            from .render import render

            console = Console(record=True, width=100, file=io.StringIO())
            render(report, lexicon, console)
            body = console.export_text()
        _write(body, output)
    if open_it and output is not None:
        import webbrowser

        webbrowser.open(output.resolve().as_uri())
    if click.get_current_context().meta.get("verbose") and report.timings:
        times = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in report.timings.items())
        click.echo(f"timings: {times}", err=True)


def _write(body: str, output: Path | None) -> None:
    if output is None:
        click.echo(body, nl=False)
        return
    try:
        output.write_text(body, encoding="utf-8")
    except OSError as exc:
        raise InputFileError(f"{output}: cannot write the report ({exc.strerror})") from None


@click.group(cls=MiliaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="milia-scan")
def cli() -> None:
    """Read a skincare label's ingredient list and explain how likely it is to feed milia.

    Not medical advice: see the README for how the risk is scored and how sure the evidence is.
    """


@cli.command()
@click.argument("image", type=click.Path(path_type=Path, dir_okay=True))
@output_options
@click.option(
    "--annotate",
    "annotate",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the photo with every ingredient boxed (PNG).",
)
@engine_option
def scan(
    image: Path,
    fmt: str,
    output: Path | None,
    open_it: bool,
    product_type: str,
    avoid: str,
    annotate: Path | None,
    engine: str,
) -> None:
    """Scan one photo of a label and print its milia-risk report.

    Example: milia-scan scan samples/phone/01-eye-cream.jpg --format html -o report.html --open
    """
    from .pipeline import scan_image

    analysis = _analysis(product_type, avoid, output, open_it)
    report = scan_image(image, ScanOptions(engine=engine), analysis=analysis)
    if annotate is not None:
        from lexicon import load_lexicon

        from .annotate import write_annotated

        write_annotated(report, load_lexicon(), image, annotate)
    _emit(report, fmt, output, open_it, image)


@cli.command()
@click.argument("ingredients", required=False, default="-")
@output_options
def text(
    ingredients: str, fmt: str, output: Path | None, open_it: bool, product_type: str, avoid: str
) -> None:
    """Analyse an ingredient list given as text, or read from stdin with '-' (no OCR).

    Example: milia-scan text "Aqua, Petrolatum, Dimethicone, Retinol"
    """
    from .pipeline import scan_text

    source = "-"
    if ingredients == "-":
        ingredients = sys.stdin.read()
    else:
        source = "argument"
    _emit(
        scan_text(
            ingredients, source=source, analysis=_analysis(product_type, avoid, output, open_it)
        ),
        fmt,
        output,
        open_it,
    )


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db",
        type=click.Path(path_type=Path, dir_okay=False),
        default=DEFAULT_DB,
        show_default=True,
        help="The SQLite results database.",
    )(func)


@cli.command()
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
    db: Path,
) -> None:
    """Scan every label photo in FOLDER, one process per core, into the results database.

    Stopped and run again, it skips files already stored (same content, lexicon and engine).
    Exits 8 when some files could not be scanned; every outcome is stored either way.

    Example: milia-scan batch ~/label-photos --recursive --format csv --out results.csv
    """
    from lexicon import load_lexicon

    from .batch import default_jobs, scan_folder
    from .errors import SomeFilesFailedError
    from .export import counts_table, write
    from .progress import BatchProgress
    from .store import ResultStore

    try:  # find out now, not after the whole batch, that the rows cannot be written
        stream = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    except OSError as exc:
        raise InputFileError(f"{out}: cannot write the rows ({exc.strerror})") from None
    options = ScanOptions(engine=engine)
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


@cli.command()
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
@db_option
@verbose_option
def watch(
    folder: Path,
    recursive: bool,
    polling: bool,
    jobs: int | None,
    out: Path | None,
    engine: str,
    db: Path,
) -> None:
    """Watch FOLDER and scan each new or replaced photo once it is fully written.

    Scans what is already there and not yet stored first; prints one line per photo; runs
    until Ctrl-C or SIGTERM, then finishes the scans in flight and exits 0.

    Example: milia-scan watch ~/Phone/Inbox --out ~/label-reports
    """
    import signal
    import threading

    from lexicon import load_lexicon

    from .progress import describe
    from .store import ResultStore
    from .tesseract import check_language
    from .watch import Watcher, check_outputs

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
                options=ScanOptions(engine=engine),
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


@cli.command()
@click.argument("photos", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--stored", is_flag=True, help="Use the stored result of a photo already in the database."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@db_option
def routine(photos: tuple[Path, ...], stored: bool, fmt: str, db: Path) -> None:
    """Add up the milia exposure of products used together; name the one that adds most.

    Example: milia-scan routine cleanser.jpg serum.jpg eye-cream.jpg
    """
    from .pipeline import scan_image
    from .routine import RoutineItem, combine

    items = []
    store = _open_results(db) if stored and db.exists() else None
    try:
        for photo in photos:
            found = store.get(str(photo)) if store else None
            if found is not None and found.status == "ok" and found.score is not None:
                items.append(
                    RoutineItem(str(photo), found.score, found.level or "", tuple(found.drivers()))
                )
                continue
            report = scan_image(photo)
            items.append(
                RoutineItem(
                    str(photo),
                    report.risk.score,
                    report.risk.level,
                    tuple(d.ingredient for d in report.risk.drivers),
                )
            )
    finally:
        if store:
            store.close()
    result = combine(items)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "score": result.score,
                    "level": result.level,
                    "exposure": round(result.exposure, 3),
                    "summary": result.summary,
                    "products": [
                        {
                            "source": i.source,
                            "score": i.score,
                            "level": i.level,
                            "exposure": round(i.exposure, 3),
                            "share": round(result.share(i), 3),
                            "drivers": list(i.drivers),
                        }
                        for i in result.items
                    ],
                },
                indent=2,
            )
        )
        return
    table = Table(header_style="bold", title="Routine")
    for column in ("product", "risk", "share of exposure", "drivers"):
        table.add_column(column, overflow="fold")
    for i in result.items:
        table.add_row(
            i.source, f"{i.level} {i.score}", f"{result.share(i):.0%}", ", ".join(i.drivers[:3])
        )
    console = Console(soft_wrap=False)
    console.print(table)
    console.print(result.summary)


@cli.group(invoke_without_command=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "csv", "html"]),
    default="table",
    show_default=True,
)
@click.option(
    "--level",
    type=click.Choice(["low", "moderate", "high"]),
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
    from .export import write

    with _open_results(db) as store:
        write(store.query(level=level, contains=_names_of(contains)), fmt, sys.stdout)


@results.command("show")
@click.argument("file")
@db_option
def results_show(file: str, db: Path) -> None:
    """Print the stored JSON report of one scanned FILE.

    Example: milia-scan results show photos/night-balm.jpg
    """
    with _open_results(db) as store:
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


def _open_results(db: Path) -> Any:
    from lexicon import load_lexicon

    from .store import ResultStore

    if not db.exists():
        raise InputFileError(
            f"{db}: no results database here; run 'milia-scan batch FOLDER' "
            "first, or point --db at one"
        )
    return ResultStore(db, lexicon_version=load_lexicon().version)


def _names_of(names: tuple[str, ...]) -> tuple[str, ...]:
    """A name as given plus its canonical lexicon name, so 'aqua' finds 'Water'."""
    from lexicon import load_lexicon

    lexicon = load_lexicon()
    out = set()
    for name in names:
        out.add(name)
        entry = lexicon.entry(name)
        if entry:
            out.update(entry.names)
    return tuple(sorted(out))


@cli.group()
def lexicon() -> None:
    """Search, inspect, validate and extend the ingredient lexicon.

    Example: milia-scan lexicon search dimethicone
    """


@lexicon.command("search")
@click.argument("term")
@click.option("--limit", type=click.IntRange(1, 200), default=15, show_default=True)
def lexicon_search(term: str, limit: int) -> None:
    """Find ingredients by any of their names, exactly or roughly.

    Example: milia-scan lexicon search "shea butter"
    """
    from lexicon import load_lexicon
    from lexicon.tools import search

    hits = search(load_lexicon(), term, limit)
    if not hits:
        raise InputFileError(f"nothing in the lexicon looks like {term!r}")
    table = Table(header_style="bold")
    for column in ("score", "name", "matched", "categories"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        table.add_row(
            f"{hit.score:.0f}",
            hit.entry.name,
            "" if hit.surface == hit.entry.name else hit.surface,
            ", ".join(hit.entry.categories),
        )
    Console(soft_wrap=False).print(table)


@lexicon.command("show")
@click.argument("name")
def lexicon_show(name: str) -> None:
    """Everything the lexicon holds on one ingredient: names, classes, ratings, sources, notes.

    Example: milia-scan lexicon show "Paraffinum Liquidum"
    """
    from lexicon import load_lexicon

    lex = load_lexicon()
    entry = lex.entry(name)
    if entry is None:
        raise InputFileError(f"{name!r} is not in the lexicon; try 'milia-scan lexicon search'")
    lines = [f"{entry.name}  ({entry.origin}, line {entry.line})"]
    if entry.synonyms:
        lines.append("also: " + "; ".join(entry.synonyms))
    for cid in entry.categories:
        cat = lex.categories[cid]
        grade = f", evidence: {cat.evidence}" if cat.evidence else ""
        lines.append(f"class: {cat.label} [{cid}, {cat.role}{grade}]")
    if entry.comedogenic or entry.irritancy:
        lines.append(
            f"comedogenic: {entry.comedogenic or '-'}, irritancy: "
            f"{entry.irritancy or '-'} (source {entry.rating_source})"
        )
    if entry.note:
        lines.append(f"note: {entry.note}")
    cited = dict.fromkeys(
        [
            *entry.sources,
            *([entry.rating_source] if entry.rating_source else []),
            *(s for c in entry.categories for s in lex.categories[c].sources),
        ]
    )
    for sid in cited:
        lines.append(f"[{sid}] {lex.sources[sid].citation}")
    click.echo("\n".join(lines))


@lexicon.command("stats")
def lexicon_stats() -> None:
    """Counts: entries, names, annotated and rated entries, by category and by source.

    Example: milia-scan lexicon stats
    """
    from lexicon import load_lexicon
    from lexicon.tools import stats

    st = stats(load_lexicon())
    click.echo(
        f"lexicon {st.version}: {st.entries} entries ({st.curated} curated, "
        f"{st.imported} imported), {st.names} names and synonyms, {st.annotated} fully "
        f"annotated, {st.rated} with a comedogenic/irritancy rating"
    )
    click.echo("by category: " + ", ".join(f"{c} {n}" for c, n in st.by_category.most_common()))
    click.echo("by source: " + ", ".join(f"{s} {n}" for s, n in st.by_source.most_common()))


@lexicon.command("validate")
@click.argument("path", required=False, type=click.Path(path_type=Path, exists=True))
def lexicon_validate(path: Path | None) -> None:
    """Check a lexicon data folder strictly (the shipped one by default); exit 7 on a problem.

    Duplicate names or synonyms across entries, unknown categories, ratings outside 0-5,
    a rating or claim without a source id: each fails with file, line and reason.

    Example: milia-scan lexicon validate lexicon/data
    """
    from lexicon.tools import validate

    lex = validate(path)
    click.echo(f"ok: lexicon {lex.version}, {len(lex.entries)} entries, {len(lex.index)} names")


@lexicon.command("import-cosing")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
def lexicon_import_cosing(file: Path) -> None:
    """Import an EU CosIng CSV export into your own lexicon (curated entries always win).

    Stored in the XDG data folder (~/.local/share/milia-scan) and used from then on; importing
    again replaces the previous import.

    Example: milia-scan lexicon import-cosing COSING_Ingredients.csv
    """
    from lexicon import load_lexicon
    from lexicon.cosing import import_cosing

    st = import_cosing(file)
    lex = load_lexicon()
    imported = sum(1 for e in lex.entries if e.origin == "imported")
    click.echo(
        f"read {st.rows} rows: {st.imported} ingredients written to {st.path} "
        f"({st.duplicates} repeated, {st.empty} without an INCI name); {imported} are "
        f"new to the lexicon (the rest are curated already). Lexicon now {lex.version}."
    )


def main() -> None:
    cli(prog_name="milia-scan")


if __name__ == "__main__":
    main()
