"""Commands that give one report a photo or list: scan, text, routine."""

from __future__ import annotations

import codecs
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from milia_scan.cli.common import (
    REPORT_FORMATS,
    analysis_of,
    avoid_option,
    db_option,
    emit,
    engine_option,
    format_option,
    note,
    output_option,
    output_options,
    product_type_option,
    resolve_format,
    timeout_option,
    verbose,
    write_output,
)
from milia_scan.cli.jobs import open_results
from milia_scan.errors import BadArgsError, InputFileError, OutputError
from milia_scan.options import ANNOTATE_SUFFIXES, ScanOptions, spare_cores
from milia_scan.output.console import PipeConsole
from rich.table import Table

MAX_STDIN_IMAGE = 200_000_000  # bytes; a phone photo is a few MB


@contextmanager
def _photos(images: tuple[Path, ...]) -> Iterator[list[Path]]:
    """The photos to scan; `-` is an image read from stdin, held in a temporary file."""
    if sum(1 for i in images if str(i) == "-") > 1:
        raise BadArgsError("'-' (an image on stdin) can be given once")
    if not any(str(i) == "-" for i in images):
        yield list(images)
        return
    try:
        data = sys.stdin.buffer.read(MAX_STDIN_IMAGE + 1)
    except OSError as exc:
        raise InputFileError(f"stdin: cannot read it ({exc.strerror})") from None
    if not data:
        raise InputFileError(
            "stdin: empty; pipe a photo in, e.g. 'cat label.jpg | milia-scan scan -'"
        )
    if len(data) > MAX_STDIN_IMAGE:
        raise InputFileError(f"stdin: over {MAX_STDIN_IMAGE // 1_000_000} MB, too large a photo")
    with tempfile.TemporaryDirectory(prefix="milia-scan-") as folder:
        held = Path(folder) / "stdin"
        held.write_bytes(data)
        yield [held if str(i) == "-" else i for i in images]


def _shown_source(report: Any, path: Path, given: Path) -> Any:
    return report if path == given else replace(report, source="-")


@click.command()
@click.argument("images", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@output_options
@click.option(
    "--merge",
    is_flag=True,
    help="The photos show one product from several sides: join their lists into one (overlaps "
    "counted once) and give one report.",
)
@click.option(
    "--annotate",
    "annotate",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the photo with every ingredient boxed (PNG, or JPEG/WebP by extension).",
)
@engine_option
@timeout_option
def scan(
    images: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
    open_it: bool,
    product_type: str,
    avoid: str,
    merge: bool,
    annotate: Path | None,
    engine: str,
    timeout: float | None,
) -> None:
    """Scan photos of labels and print a milia-risk report for each ('-': a photo on stdin).

    Several photos give one report each (with -o, a folder for them); --merge joins photos of
    one product taken from several sides into one report.

    Example: milia-scan scan label.jpg -o report.html --open

    Example: milia-scan scan front.jpg side.jpg back.jpg --merge
    """
    from milia_scan.pipeline import scan_image, scan_images_merged

    one = len(images) == 1 or merge
    if annotate is not None and annotate.suffix.lower() not in ANNOTATE_SUFFIXES:
        raise BadArgsError(
            f"{annotate}: --annotate writes {', '.join(ANNOTATE_SUFFIXES)}; give one of those"
        )
    if annotate is not None and not one:
        raise BadArgsError("--annotate takes one photo (or --merge, which annotates the first)")
    options = ScanOptions(engine=engine, timeout=timeout, parallel=spare_cores())
    if not one:
        _scan_each(
            images, fmt, output, open_it, analysis_of(product_type, avoid, None, False), options
        )
        return
    fmt = resolve_format(fmt, output, REPORT_FORMATS, "text")
    analysis = analysis_of(product_type, avoid, output, open_it)
    with _photos(images) as paths:
        if merge and len(paths) > 1:
            report = scan_images_merged(paths, options, analysis=analysis)
        else:
            report = _shown_source(
                scan_image(paths[0], options, analysis=analysis), paths[0], images[0]
            )
        if annotate is not None:
            from milia_scan.lexicon import load_lexicon
            from milia_scan.output.annotate import write_annotated

            write_annotated(report, load_lexicon(), paths[0], annotate)
        emit(report, fmt, output, open_it, paths[0])


def _scan_each(
    images: tuple[Path, ...],
    fmt: str | None,
    folder: Path | None,
    open_it: bool,
    analysis: Any,
    options: ScanOptions,
) -> None:
    """One report per photo, printed in turn (JSON: an array), or one file each in `folder`;
    a photo that fails is named with its error and the rest go on (exit 8 at the end)."""
    from milia_scan.errors import MiliaScanError, SomeFilesFailedError
    from milia_scan.names import clean
    from milia_scan.output.report import to_json_dict
    from milia_scan.pipeline import scan_image

    fmt = fmt or "text"
    if folder is None and fmt == "html":
        raise BadArgsError("several photos as HTML: give -o FOLDER for one page each")
    if open_it:
        raise BadArgsError("--open opens one report; give one photo")
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{folder}: cannot make the folder ({exc.strerror})") from None
    failed = 0
    collected: list[dict[str, Any]] = []
    suffix = {"text": ".txt", "json": ".json", "md": ".md", "html": ".html"}[fmt]
    with _photos(images) as paths:
        for given, path in zip(images, paths, strict=True):
            try:
                report = _shown_source(scan_image(path, options, analysis=analysis), path, given)
            except MiliaScanError as exc:
                failed += 1
                click.echo(f"milia-scan: error: {clean(exc.message)}", err=True)
                continue
            if folder is not None:
                emit(report, fmt, folder / f"{path.stem}{suffix}", False, path)
            elif fmt == "json":
                collected.append(to_json_dict(report))
            else:
                emit(report, fmt, None, False, path)
    if fmt == "json" and folder is None:
        write_output(json.dumps(collected, ensure_ascii=False, indent=2) + "\n", None)
    if failed:
        raise SomeFilesFailedError(f"{failed} of {len(images)} photos could not be scanned")


MAX_TEXT_BYTES = 1_000_000  # a whole label's text is a few kB
BINARY_SHARE = 0.05  # control bytes (not tab, line ends, form feed) above this: not text


def decode_list(data: bytes, where: str) -> str:
    """Text given as bytes: UTF-8 (a byte-order mark dropped), UTF-16 with its byte-order mark,
    else Windows-1252 (Latin-1) with a warning. Binary data (NUL bytes, many control bytes)
    or more than MAX_TEXT_BYTES is unreadable input (exit 3)."""
    if len(data) > MAX_TEXT_BYTES:
        raise InputFileError(
            f"{where}: over {MAX_TEXT_BYTES // 1000} kB, too long to be an ingredient list; "
            "give the list alone"
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # judged below like any other bytes
    controls = sum(1 for b in data if b < 32 and b not in b"\t\n\r\f") + data.count(127)
    if b"\0" in data or controls > BINARY_SHARE * len(data):
        raise InputFileError(
            f"{where}: binary data, not text; give the ingredient list as text (UTF-8)"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        note(f"milia-scan: warning: {where} is not UTF-8; read it as Windows-1252 (Latin-1)")
        return data.decode("cp1252", errors="replace")


@click.command()
@click.argument("ingredients", required=False, default="-")
@output_options
def text(
    ingredients: str, fmt: str, output: Path | None, open_it: bool, product_type: str, avoid: str
) -> None:
    """Analyse an ingredient list given as text, or read from stdin with '-' (no OCR).

    Text is read as UTF-8 (UTF-16 with a byte-order mark too); other text as Windows-1252
    with a warning. Binary data exits 3.

    Example: milia-scan text "Aqua, Petrolatum, Dimethicone, Retinol"
    """
    from milia_scan.pipeline import scan_text

    source = "-"
    if ingredients == "-":
        try:
            data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
        except OSError as exc:
            raise InputFileError(f"stdin: cannot read it ({exc.strerror})") from None
        ingredients = decode_list(data, "stdin")
    else:
        source = "argument"
        ingredients = decode_list(os.fsencode(ingredients), "the argument")
    emit(
        scan_text(
            ingredients, source=source, analysis=analysis_of(product_type, avoid, output, open_it)
        ),
        fmt,
        output,
        open_it,
    )


@click.command()
@click.argument("photos", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--stored", is_flag=True, help="Use the stored result of a photo already in the database."
)
@verbose("Show tracebacks.")
@format_option(["text", "json"], "text")
@output_option("the routine")
@product_type_option
@avoid_option
@engine_option
@timeout_option
@db_option
def routine(
    photos: tuple[Path, ...],
    stored: bool,
    fmt: str | None,
    output: Path | None,
    product_type: str,
    avoid: str,
    engine: str,
    timeout: float | None,
    db: Path,
) -> None:
    """Add up the milia exposure of products used together; name the one that adds most.

    Example: milia-scan routine cleanser.jpg serum.jpg eye-cream.jpg
    """
    from milia_scan.assess.routine import RoutineItem, combine
    from milia_scan.pipeline import scan_image

    fmt = resolve_format(fmt, output, ["text", "json"], "text")
    analysis = analysis_of(product_type, avoid, None, False)
    options = ScanOptions(engine=engine, timeout=timeout, parallel=spare_cores())
    items = []
    store = open_results(db) if stored and db.exists() else None
    try:
        for photo in photos:
            found = (store.get(str(photo)) or store.get(str(photo.resolve()))) if store else None
            if found is not None and found.status == "ok" and found.score is not None:
                items.append(
                    RoutineItem(str(photo), found.score, found.level or "", tuple(found.drivers()))
                )
                continue
            report = scan_image(photo, options, analysis=analysis)
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
        write_output(
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
            + "\n",
            output,
        )
        return
    table = Table(header_style="bold", title="Routine")
    for column in ("product", "risk", "share of exposure", "drivers"):
        table.add_column(column, overflow="fold")
    from milia_scan.output.report import coarse_score

    for i in result.items:
        table.add_row(
            i.source,
            f"{i.level} ~{coarse_score(i.score)}",
            f"{result.share(i):.0%}",
            ", ".join(i.drivers[:3]),
        )
    if output is None:
        console = PipeConsole(soft_wrap=False)
        console.print(table)
        console.print(result.summary)
        return
    recorded = PipeConsole(record=True, width=100, file=io.StringIO())
    recorded.print(table)
    recorded.print(result.summary)
    write_output(recorded.export_text(), output)
