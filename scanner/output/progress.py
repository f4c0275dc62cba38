"""Progress for long runs: a rich bar with rate and ETA on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

if TYPE_CHECKING:
    from milia_scan.jobs.batch import Found
    from milia_scan.jobs.worker import ScanOutcome


def describe(path: str, outcome: ScanOutcome | None, kind: str = "scanned") -> str:
    """One line for a finished file: risk level and drivers, or what went wrong."""
    from milia_scan.names import clean, printable, shown

    path = printable(shown(path))
    if outcome is None:
        return {
            "stored": f"already stored  {path}",
            "duplicate": f"same as a stored file  {path}",
            "unreadable": f"UNREADABLE  {path}",
            "skipped": f"SKIPPED  {path}: not a regular file",
        }.get(kind, f"{kind}  {path}")
    if outcome.status == "incomplete":
        return f"UNCERTAIN  {path}: the list was not fully read"
    if outcome.status == "ok":
        import json

        report = json.loads(outcome.report_json or "{}")
        drivers = [
            printable(d["ingredient"])
            for d in report.get("milia_risk", {}).get("drivers", [])[:3]
        ]
        why = f"  ({', '.join(drivers)})" if drivers else ""
        return f"{(outcome.level or '').upper()} {outcome.score}  {path}{why}"
    error = printable(clean(outcome.error) or "")
    return f"{outcome.status.replace('_', ' ').upper()}  {path}: {error}"


class BatchProgress:
    def __init__(self, stream: object = None) -> None:
        self.console = Console(file=stream or sys.stderr)  # type: ignore[arg-type]
        self.live = self.console.is_terminal
        self.total = 0
        self.done = 0
        self.progress = Progress(
            TextColumn("[bold]scanning"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self.task: TaskID | None = None

    def __enter__(self) -> BatchProgress:
        if self.live:
            self.progress.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.live:
            self.progress.stop()

    def found(self, found: Found) -> None:
        from milia_scan.names import shown

        for path, kind in found.not_files:
            self.console.print(
                f"SKIPPED  {shown(path)}: {kind}, not a regular file",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
        self.total = len(found.images) + len(found.unreadable)
        if self.live:
            self.task = self.progress.add_task("scan", total=self.total, rate="")

    def event(self, kind: str, path: str, outcome: ScanOutcome | None) -> None:
        self.done += 1
        if self.live and self.task is not None:
            elapsed = self.progress.tasks[0].elapsed or 0.0
            rate = f"{self.done / elapsed:.1f} img/s" if elapsed > 0 else ""
            self.progress.update(self.task, advance=1, rate=rate)
            if kind == "scanned" and outcome is not None and outcome.status != "ok":
                self.progress.console.print(describe(path, outcome), style="yellow")
        else:
            self.console.print(
                f"[{self.done}/{self.total}] {describe(path, outcome, kind)}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
