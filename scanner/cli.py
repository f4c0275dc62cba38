"""The command line: a thin click layer over the library API.

Library errors become exit codes here and nowhere else; tracebacks only with -v.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from . import __version__
from .errors import ExitCode, MiliaScanError

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
    func = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_verbose,
        help="Show timings and tracebacks.",
    )(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="Readable report, or the milia-scan/1 JSON.",
    )(func)
    return func


def _emit(report: Any, fmt: str) -> None:
    from lexicon import load_lexicon

    from .render import render
    from .report import to_json

    if fmt == "json":
        click.echo(to_json(report))
        return
    render(report, load_lexicon(), Console(soft_wrap=False))
    if click.get_current_context().meta.get("verbose") and report.timings:
        times = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in report.timings.items())
        click.echo(f"timings: {times}", err=True)


@click.group(cls=MiliaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="milia-scan")
def cli() -> None:
    """Read a skincare label's ingredient list and explain how likely it is to feed milia.

    Not medical advice: see the README for how the risk is scored and how sure the evidence is.
    """


@cli.command()
@click.argument("image", type=click.Path(path_type=Path, dir_okay=True))
@output_options
def scan(image: Path, fmt: str) -> None:
    """Scan one photo of a label and print its milia-risk report.

    Example: milia-scan scan samples/phone/01-eye-cream.jpg --format json
    """
    from .pipeline import scan_image

    _emit(scan_image(image), fmt)


@cli.command()
@click.argument("ingredients", required=False, default="-")
@output_options
def text(ingredients: str, fmt: str) -> None:
    """Analyse an ingredient list given as text, or read from stdin with '-' (no OCR).

    Example: milia-scan text "Aqua, Petrolatum, Dimethicone, Retinol"
    """
    from .pipeline import scan_text

    source = "-"
    if ingredients == "-":
        ingredients = sys.stdin.read()
    else:
        source = "argument"
    _emit(scan_text(ingredients, source=source), fmt)


def main() -> None:
    cli(prog_name="milia-scan")


if __name__ == "__main__":
    main()
