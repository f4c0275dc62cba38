"""Options and output helpers that the commands share."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from milia_scan.assess.context import AnalysisOptions, ProductType
from milia_scan.errors import BadArgsError, OutputError
from milia_scan.output.console import PipeConsole

F = TypeVar("F", bound=Callable[..., Any])


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:  # given before the command or after it: either turns it on
        ctx.meta["verbose"] = True
    return value


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta["quiet"] = True
    return value


def verbose(help_text: str) -> Callable[[F], F]:
    """-v/--verbose and -q/--quiet, recorded in the context (shared by the group and every
    command, so `milia-scan -v scan` and `milia-scan scan -v` are the same)."""

    def decorate(func: F) -> F:
        func = click.option(
            "-q",
            "--quiet",
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_set_quiet,
            help="Only the report and errors: no warnings, progress or notes on stderr.",
        )(func)
        return click.option(
            "-v",
            "--verbose",
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_set_verbose,
            help=help_text,
        )(func)

    return decorate


def quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get("quiet"))


def note(message: str) -> None:
    """A warning or note on stderr, unless -q."""
    if not quiet():
        click.echo(message, err=True)


EXTENSIONS = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
}


def format_option(choices: list[str], plain: str) -> Callable[[F], F]:
    """--format, one of `choices`; when not given, taken from -o's extension, else `plain`."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=None,
        help=f"One of {', '.join(choices)} [default: from the output file's extension "
        f"(.json, .md, .html, ...), else {plain}].",
    )


def output_option(what: str = "the report") -> Callable[[F], F]:
    return click.option(
        "-o",
        "--output",
        "output",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help=f"Write {what} to this file instead of stdout.",
    )


def resolve_format(fmt: str | None, output: Path | None, choices: list[str], plain: str) -> str:
    """The format asked for; else the one the output file's extension names; else `plain`.
    An extension that names a format this command cannot write is refused before any work."""
    if fmt is not None:
        return fmt
    if output is None:
        return plain
    named = EXTENSIONS.get(output.suffix.lower())
    if named == "text" and "text" not in choices:
        named = plain
    if named is None:
        return plain
    if named not in choices:
        raise BadArgsError(
            f"{output}: a {output.suffix} file, but this command writes "
            f"{', '.join(choices)}; give --format or another extension"
        )
    return named


REPORT_FORMATS = ["text", "json", "md", "html"]

product_type_option = click.option(
    "--product-type",
    type=click.Choice([t.value for t in ProductType]),
    default="auto",
    show_default=True,
    help="Weigh as an eye-area, balm, leave-on or rinse-off product; auto reads it from the label.",
)
avoid_option = click.option(
    "--avoid",
    default="",
    metavar="NAME,...",
    help="Ingredients or classes to call out first (e.g. 'silicones,lanolin'); added to "
    "~/.config/milia-scan/avoid.txt.",
)


def output_options(func: F) -> F:
    """The options every single-report command shares."""
    options = [
        verbose("Show timings and tracebacks."),
        format_option(REPORT_FORMATS, "text"),
        output_option(),
        click.option(
            "--open",
            "open_it",
            is_flag=True,
            help="Open the written report in the browser (with --output).",
        ),
        product_type_option,
        avoid_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


engine_option = click.option(
    "--engine",
    type=click.Choice(["auto", "ppocr", "tesseract", "rapidocr"]),
    default="auto",
    show_default=True,
    help="OCR engine: 'auto' reads with PP-OCR and lets tesseract read the list again where "
    "PP-OCR leaves an ingredient unrecognised, keeping the better reading of each item; "
    "'ppocr' or 'tesseract' alone ('rapidocr' is the old name of 'ppocr').",
)
timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Stop a scan that runs longer than this (0: no limit); it ends with exit 6 "
    "(status error in a batch) [default: 10 s per megapixel, at least 30 s].",
)
jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes [default: one per core].",
)
verbose_option = verbose("Show tracebacks.")  # the jobs' -v/-q


def analysis_of(
    product_type: str, avoid: str, output: Path | None, open_it: bool
) -> AnalysisOptions:
    """The reader's options, checked before any work is done."""
    if open_it and output is None:
        raise BadArgsError("--open needs --output FILE to open")
    from milia_scan.assess.context import avoid_terms_from_config

    terms = tuple(t.strip() for t in avoid.split(",") if t.strip())
    return AnalysisOptions(ProductType(product_type), avoid_terms_from_config() + terms)


def emit(
    report: Any, fmt: str | None, output: Path | None, open_it: bool, image: Path | None = None
) -> None:
    from milia_scan.lexicon import load_lexicon

    fmt = resolve_format(fmt, output, REPORT_FORMATS, "text")
    lexicon = load_lexicon()
    if fmt == "text" and output is None:
        from milia_scan.output.render import render

        render(report, lexicon, PipeConsole(soft_wrap=False))
    else:
        if fmt == "json":
            from milia_scan.output.report import to_json

            body = to_json(report) + "\n"
        elif fmt == "md":
            from milia_scan.output.markdown import report_markdown

            body = report_markdown(report, lexicon)
        elif fmt == "html":
            from milia_scan.output.html_report import report_html

            body = report_html(report, lexicon, image)
        else:
            from milia_scan.output.render import render

            console = PipeConsole(record=True, width=100, file=io.StringIO())
            render(report, lexicon, console)
            body = console.export_text()
        write_output(body, output)
    if open_it and output is not None:
        import webbrowser

        webbrowser.open(output.resolve().as_uri())
    if click.get_current_context().meta.get("verbose") and report.timings and not quiet():
        times = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in report.timings.items())
        click.echo(f"timings: {times}", err=True)
        if report.ocr_engine:
            by: dict[str, int] = {}
            for m in report.matches:
                by[m.item.engine or "?"] = by.get(m.item.engine or "?", 0) + 1
            counts = ", ".join(f"{n} by {engine}" for engine, n in by.items())
            click.echo(f"read by {report.ocr_engine}: items {counts}", err=True)


def write_output(body: str, output: Path | None) -> None:
    """Write a report as UTF-8; encoded first, so a failure never leaves a truncated file, and
    any character no UTF-8 encoder takes (a lone surrogate) is written as an escape."""
    data = body.encode("utf-8", "backslashreplace")
    if output is None:
        click.echo(data, nl=False)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise OutputError(f"{output}: cannot write the report ({exc.strerror})") from None


def _db_path(_ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path:
    from milia_scan.locations import default_db

    return value if value is not None else default_db()


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        callback=_db_path,
        help="The SQLite results database [default: $MILIA_SCAN_DB, else results.db in the "
        "user data folder, ~/.local/share/milia-scan on Linux].",
    )(func)
