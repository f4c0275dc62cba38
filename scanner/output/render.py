"""Stage 7b: the readable terminal report, drawn with rich."""

from __future__ import annotations

from milia_scan.assess.risk import DISCLAIMER
from milia_scan.lexicon import Lexicon, Role, name_key
from milia_scan.models import Match, Report
from milia_scan.names import printable
from milia_scan.output.annotate import class_of
from milia_scan.output.report import grade_text, reading_text, score_text, stance_lines
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

LEVEL_STYLE = {"low": "green", "moderate": "yellow", "high": "bold red", "uncertain": "bold"}


ROW_STYLE = {"risky": "red", "helpful": "green", "neutral": "", "unrecognised": "dim"}


def _roles(match: Match, lexicon: Lexicon) -> str:
    """The categories that matter for milia first, then one descriptive label."""
    cats = [lexicon.categories[c] for c in match.categories if c in lexicon.categories]
    telling = [c.label for c in cats if c.role is not Role.neutral]
    return ", ".join(telling or [c.label for c in cats[:1]])


def render(report: Report, lexicon: Lexicon, console: Console) -> None:
    risk = report.risk
    style = LEVEL_STYLE[risk.level]
    head = Text.assemble(
        ("Milia risk: ", "bold"),
        (f"{risk.level.upper()} ", style),
        (f"({score_text(risk)})", style),
        f"   {printable(report.source)}",
    )
    table = Table(show_header=True, header_style="bold", expand=False, pad_edge=False)
    for column in ("#", "ingredient", "role", "match", "comedogenic"):
        table.add_column(column, overflow="fold")
    for m in report.matches:
        rating = m.entry.comedogenic if m.entry else None
        name = Text(m.name) if m.name else Text("unrecognised", style="italic")
        if m.name is None or name_key(m.item.raw) != name_key(m.name):
            name.append(f"\n  read: {printable(m.item.raw)}", style="dim")
        table.add_row(
            str(m.item.position) + ("*" if m.item.may_contain else ""),
            name,
            _roles(m, lexicon),
            f"{m.score:.0f}" if m.entry else m.method,
            str(rating) if rating else "",
            style=ROW_STYLE[class_of(m, lexicon)],
        )
    reasons = Text()
    for title, factors in (("Raises risk", risk.drivers), ("Helps", risk.mitigators)):
        if not factors:
            continue
        reasons.append(f"{title}:\n", style="bold")
        for f in factors:
            grade = f", comedogenic {f.comedogenic}" if f.comedogenic else ""
            reasons.append(
                f"  #{f.position} {printable(f.ingredient)}: {f.label}{grade} "
                f"[{grade_text(f.evidence)}]\n"
            )
            for link in f.claims:
                stances = "; ".join(stance_lines(link))
                text = printable(link.text)
                reasons.append(f"     - {text} ({grade_text(link.grade)}): {stances}\n")
            reasons.append(f"     {f.why}\n", style="dim")
    if risk.references:
        reasons.append("References:\n", style="bold")
        for source in risk.references:
            reasons.append(f"  [{source.id}] ", style="bold")
            reasons.append(f"{source.citation} ({source.kind})\n")
    parts: list[Text | Table] = [head]
    for claim in report.claims:
        parts.append(Text(f"Claim check: {printable(claim.message)}", style="bold magenta"))
    for hit in report.avoid:
        parts.append(
            Text(
                f"AVOID: #{hit.position} {printable(hit.ingredient)} ({printable(hit.because)})",
                style="bold magenta",
            )
        )
    parts += [Text(printable(risk.summary)), table]
    if (line := reading_text(report)) is not None:
        parts.append(
            Text(line, style="dim" if report.reading and report.reading.complete else "bold")
        )
    if reasons:
        parts.append(reasons)
    claimed = {c.message for c in report.claims}
    for warning in (w for w in report.warnings if w not in claimed):
        parts.append(Text(f"! {printable(warning)}", style="yellow"))
    parts.append(Text(DISCLAIMER, style="italic dim"))
    read_by = f"read by {report.ocr_engine}, " if report.ocr_engine else ""
    console.print(
        Panel(
            Group(*parts),
            title="milia-scan",
            subtitle=f"{read_by}lexicon {report.lexicon_version}",
        )
    )
