"""The command line: a thin click layer over the library API, one module per command group.

Library errors become exit codes here (`MiliaGroup.invoke`) and nowhere else; tracebacks only
with -v.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import click
from milia_scan import __version__
from milia_scan.cli.common import verbose
from milia_scan.cli.jobs import batch, results, watch
from milia_scan.cli.lexicon import lexicon
from milia_scan.cli.single import routine, scan, text
from milia_scan.errors import ExitCode, MiliaScanError
from milia_scan.names import clean, printable


class MiliaGroup(click.Group):
    """Turns library exceptions into one-line errors and their exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MiliaScanError as exc:
            if ctx.meta.get("verbose"):
                traceback.print_exc()
            click.echo(f"milia-scan: error: {printable(clean(exc.message) or '')}", err=True)
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


@click.group(cls=MiliaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="milia-scan")
@verbose("Show timings and tracebacks.")
def cli() -> None:
    """Read a skincare label's ingredient list and explain how likely it is to feed milia.

    Not medical advice: see the README for how the risk is scored and how sure the evidence is.
    """


for command in (scan, text, batch, watch, routine, results, lexicon):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="milia-scan")


if __name__ == "__main__":
    main()
