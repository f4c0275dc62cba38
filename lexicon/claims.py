"""The claims behind a driver or a helpful ingredient, and the grade of the whole chain.

A report names an ingredient as raising or offsetting milia risk on two claims:
- membership: the ingredient belongs to the class (its entry's citations; for a rated class its
  comedogenic rating and the rating's sources; for a name the rules classed, the INCI naming
  conventions);
- link: the class has something to do with milia (the category's citations).
Each claim's grade is the best grade among the sources that support it, capped for the link by
the grade the category declares; the chain's grade is that of its weakest link."""

from __future__ import annotations

from dataclasses import dataclass

from milia_scan.lexicon.model import (
    Category,
    Citation,
    Entry,
    Evidence,
    Source,
    Stance,
    strongest,
    weakest,
)

RULE_CITATIONS = (Citation("inci_naming", Stance.supports),)


@dataclass(frozen=True)
class Claim:
    """One claim in a chain: what it says, its grade and the sources cited for it."""

    kind: str  # "link" | "membership" | "rating"
    text: str
    grade: Evidence
    citations: tuple[Citation, ...]


def _grade(citations: tuple[Citation, ...], sources: dict[str, Source]) -> Evidence:
    best = strongest(
        sources[c.source].grade
        for c in citations
        if c.stance is Stance.supports and c.source in sources
    )
    return best or Evidence.hypothesis


def chain(
    entry: Entry | None, name: str, category: Category, sources: dict[str, Source]
) -> tuple[Claim, ...]:
    """The claims that make `name` (its entry, or None for a rule match) a driver or mitigator
    of this category: membership (or rating) first, then the class's link to milia."""
    claims = []
    if category.rated and entry is not None and entry.comedogenic is not None:
        claims.append(
            Claim(
                "rating",
                f"{name} is rated comedogenic {entry.comedogenic} of 5 in rabbit-ear tests",
                _grade(entry.rating_citations, sources),
                entry.rating_citations,
            )
        )
    else:
        citations = entry.citations if entry is not None else RULE_CITATIONS
        claims.append(
            Claim(
                "membership",
                f"{name} is a {category.label}",
                _grade(citations, sources),
                citations,
            )
        )
    declared = category.evidence or Evidence.hypothesis
    link_grade = weakest((declared, _grade(category.citations, sources)))
    role = "raises" if category.role == "driver" else "helps against"
    claims.append(
        Claim("link", f"a {category.label} {role} milia", link_grade, category.citations)
    )
    return tuple(claims)


def chain_grade(claims: tuple[Claim, ...]) -> Evidence:
    return weakest(c.grade for c in claims)
