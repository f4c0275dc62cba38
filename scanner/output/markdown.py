"""The report as Markdown, for pasting into notes and issues."""

from __future__ import annotations

from milia_scan.assess.risk import DISCLAIMER
from milia_scan.lexicon import Lexicon
from milia_scan.models import Report
from milia_scan.names import printable
from milia_scan.output.report import grade_text, reading_text, score_text, stance_lines

_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]|~"})


def _cell(text: str) -> str:
    """Label text or a file name as Markdown that shows it as written and runs nothing: HTML
    escaped (a renderer that allows HTML gets `&lt;script&gt;`), Markdown syntax backslashed,
    control characters escaped, on one line."""
    text = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.translate(_MARKDOWN).replace("\n", " ").replace("\r", " ")


def report_markdown(report: Report, lexicon: Lexicon) -> str:
    risk = report.risk
    out = [
        f"## Milia risk: {risk.level.upper()} ({score_text(risk)})",
        "",
        _cell(report.source),
        "",
    ]
    for claim in report.claims:
        out.append(f"> **Claim check:** {_cell(claim.message)}")
    if report.claims:
        out.append("")
    for hit in report.avoid:
        out.append(f"- **Avoid:** #{hit.position} {_cell(hit.ingredient)} ({_cell(hit.because)})")
    if report.avoid:
        out.append("")
    out += [_cell(risk.summary), ""]
    if (line := reading_text(report)) is not None:
        out += [line, ""]
    out += [
        "| # | ingredient | read as | match | classes | comedogenic |",
        "|---|---|---|---|---|---|",
    ]
    for m in report.matches:
        cats = ", ".join(
            lexicon.categories[c].label for c in m.categories if c in lexicon.categories
        )
        rating = str(m.entry.comedogenic) if m.entry and m.entry.comedogenic else ""
        out.append(
            f"| {m.item.position} | {_cell(m.name) if m.name else '*not recognised*'} | "
            f"{_cell(m.item.raw)} | {m.score:.0f} | {cats} | {rating} |"
        )
    for title, factors in (("Raises the risk", risk.drivers), ("Helps", risk.mitigators)):
        if factors:
            out += ["", f"**{title}**", ""]
            for f in factors:
                grade = f", comedogenic {f.comedogenic}" if f.comedogenic else ""
                out.append(
                    f"- #{f.position} {_cell(f.ingredient)}: {f.label}{grade} "
                    f"(**{grade_text(f.evidence)}**). {_cell(f.why)}"
                )
                for link in f.claims:
                    stances = "; ".join(stance_lines(link))
                    out.append(f"  - {_cell(link.text)} ({grade_text(link.grade)}): {stances}")
    claimed = {c.message for c in report.claims}
    warnings = [w for w in report.warnings if w not in claimed]
    if warnings:
        out += ["", "**Warnings**", ""] + [f"- {_cell(w)}" for w in warnings]
    if risk.references:
        out += ["", "**References**", ""]
        out += [f"- `{s.id}`: {s.citation} ({s.kind})" for s in risk.references]
    out += ["", f"*{DISCLAIMER}* Lexicon {report.lexicon_version}.", ""]
    return "\n".join(out)
