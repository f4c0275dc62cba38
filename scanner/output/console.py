"""The rich Console every command prints through."""

from __future__ import annotations

from rich.console import Console


class PipeConsole(Console):
    """A Console that lets a closed output pipe (`milia-scan results | head`) surface as
    BrokenPipeError, which the CLI ends quietly with exit 0; rich's own handler exits 1."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError
