"""Commands that give one report a photo or list: scan, text, routine."""

from __future__ import annotations

import codecs
import json
import os
import sys
from pathlib import Path

import click
from milia_scan.cli.common import (
    analysis_of,
    db_option,
    emit,
    engine_option,
    output_options,
    timeout_option,
)
from milia_scan.cli.jobs import open_results
from milia_scan.errors import InputFileError
from milia_scan.options import ScanOptions
from rich.console import Console
from rich.table import Table


@click.command()
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
@timeout_option
def scan(
    image: Path,
    fmt: str,
    output: Path | None,
    open_it: bool,
    product_type: str,
    avoid: str,
    annotate: Path | None,
    engine: str,
    timeout: float | None,
) -> None:
    """Scan one photo of a label and print its milia-risk report.

    Example: milia-scan scan samples/phone/01-eye-cream.jpg --format html -o report.html --open
    """
    from milia_scan.pipeline import scan_image

    analysis = analysis_of(product_type, avoid, output, open_it)
    report = scan_image(image, ScanOptions(engine=engine, timeout=timeout), analysis=analysis)
    if annotate is not None:
        from milia_scan.lexicon import load_lexicon
        from milia_scan.output.annotate import write_annotated

        write_annotated(report, load_lexicon(), image, annotate)
    emit(report, fmt, output, open_it, image)


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
        click.echo(
            f"milia-scan: warning: {where} is not UTF-8; read it as Windows-1252 (Latin-1)",
            err=True,
        )
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
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@db_option
def routine(photos: tuple[Path, ...], stored: bool, fmt: str, db: Path) -> None:
    """Add up the milia exposure of products used together; name the one that adds most.

    Example: milia-scan routine cleanser.jpg serum.jpg eye-cream.jpg
    """
    from milia_scan.assess.routine import RoutineItem, combine
    from milia_scan.pipeline import scan_image

    items = []
    store = open_results(db) if stored and db.exists() else None
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
    from milia_scan.output.report import coarse_score

    for i in result.items:
        table.add_row(
            i.source,
            f"{i.level} ~{coarse_score(i.score)}",
            f"{result.share(i):.0%}",
            ", ".join(i.drivers[:3]),
        )
    console = Console(soft_wrap=False)
    console.print(table)
    console.print(result.summary)
