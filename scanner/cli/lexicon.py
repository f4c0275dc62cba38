"""The `lexicon` commands: search, show, stats, validate, import-cosing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from milia_scan.cli.common import verbose
from milia_scan.errors import NotFoundError
from milia_scan.output.console import PipeConsole
from rich.table import Table

if TYPE_CHECKING:
    from milia_scan.lexicon import Citation


@click.group()
@verbose("Show tracebacks.")
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
    from milia_scan.lexicon import load_lexicon
    from milia_scan.lexicon.tools import search

    hits = search(load_lexicon(), term, limit)
    if not hits:
        raise NotFoundError(f"nothing in the lexicon looks like {term!r}")
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
    PipeConsole(soft_wrap=False).print(table)


def _stances(citations: tuple[Citation, ...]) -> str:
    """'supported by a, b; against c' for a claim's citations."""
    from milia_scan.output.report import STANCE_WORDS

    return "; ".join(
        f"{word} {', '.join(c.source for c in citations if c.stance is stance)}"
        for stance, word in STANCE_WORDS.items()
        if any(c.stance is stance for c in citations)
    )


@lexicon.command("show")
@click.argument("name")
def lexicon_show(name: str) -> None:
    """Everything the lexicon holds on one ingredient: names, classes, ratings, sources, notes.

    Example: milia-scan lexicon show "Paraffinum Liquidum"
    """
    from milia_scan.lexicon import load_lexicon

    lex = load_lexicon()
    entry = lex.entry(name)
    if entry is None:
        raise NotFoundError(f"{name!r} is not in the lexicon; try 'milia-scan lexicon search'")
    lines = [f"{entry.name}  ({entry.origin}, line {entry.line})"]
    if entry.synonyms:
        lines.append("also: " + "; ".join(entry.synonyms))
    for cid in entry.categories:
        cat = lex.categories[cid]
        grade = f", evidence: {cat.evidence}" if cat.evidence else ""
        lines.append(f"class: {cat.label} [{cid}, {cat.role}{grade}]")
        if cat.citations:
            lines.append(f"  its link to milia: {_stances(cat.citations)}")
    if entry.citations:
        lines.append(f"classes cite: {_stances(entry.citations)}")
    if entry.comedogenic or entry.irritancy:
        lines.append(
            f"comedogenic: {entry.comedogenic or '-'}, irritancy: "
            f"{entry.irritancy or '-'} ({_stances(entry.rating_citations)})"
        )
    if entry.note:
        lines.append(f"note: {entry.note}")
    cited = dict.fromkeys(
        [
            *entry.sources,
            *(c.source for c in entry.rating_citations),
            *(c.source for cid in entry.categories for c in lex.categories[cid].citations),
        ]
    )
    for sid in cited:
        source = lex.sources[sid]
        lines.append(f"[{sid}] {source.citation} ({source.kind}; at most {source.grade})")
    click.echo("\n".join(lines))


@lexicon.command("stats")
def lexicon_stats() -> None:
    """Counts: entries, names, annotated and rated entries, by category and by source.

    Example: milia-scan lexicon stats
    """
    from milia_scan.lexicon import load_lexicon
    from milia_scan.lexicon.tools import stats

    st = stats(load_lexicon())
    click.echo(
        f"lexicon {st.version}: {st.entries} entries ({st.curated} curated, "
        f"{st.imported} imported), {st.names} names and synonyms, {st.annotated} fully "
        f"annotated, {st.rated} with a comedogenic/irritancy rating"
    )
    if st.vocabulary:
        click.echo(
            f"CosIng vocabulary (neutral tier behind them): {st.vocabulary} more entries, "
            f"{st.vocabulary_names} names"
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
    from milia_scan.lexicon.tools import validate

    lex = validate(path)
    extra = f" + {len(lex.vocabulary)} CosIng vocabulary entries" if lex.vocabulary else ""
    click.echo(
        f"ok: lexicon {lex.version}, {len(lex.entries)} entries, {len(lex.index)} names{extra}"
    )


@lexicon.command("import-cosing")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
def lexicon_import_cosing(file: Path) -> None:
    """Import an EU CosIng CSV export into your own lexicon (curated entries always win).

    Stored in the XDG data folder (~/.local/share/milia-scan) and used from then on; importing
    again replaces the previous import.

    Example: milia-scan lexicon import-cosing COSING_Ingredients.csv
    """
    from milia_scan.lexicon import load_lexicon
    from milia_scan.lexicon.cosing import import_cosing

    st = import_cosing(file)
    lex = load_lexicon()
    imported = sum(1 for e in lex.entries if e.origin == "imported")
    click.echo(
        f"read {st.rows} rows: {st.imported} ingredients written to {st.path} "
        f"({st.duplicates} repeated, {st.empty} without an INCI name); {imported} are "
        f"new to the lexicon (the rest are curated already). Lexicon now {lex.version}."
    )
