"""The lexicon's records: sources, categories, ratings and ingredient entries (all frozen)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    driver = "driver"
    mitigator = "mitigator"
    neutral = "neutral"


class Evidence(StrEnum):
    """How well a claim stands, strongest first (defined in the README's scoring section)."""

    established = "established"
    reported = "reported"  # by dermatologists: practice or literature, without a study
    expert_opinion = "expert_opinion"  # a named expert's view outside the literature
    hypothesis = "hypothesis"

    @property
    def rank(self) -> int:
        """3 for established down to 0 for a hypothesis."""
        return len(GRADES) - 1 - GRADES.index(self)

    @property
    def phrase(self) -> str:
        return {
            "established": "established",
            "reported": "reported by dermatologists",
            "expert_opinion": "expert opinion",
            "hypothesis": "hypothesis",
        }[self.value]


GRADES = tuple(Evidence)


def weakest(grades: Iterable[Evidence]) -> Evidence:
    """The grade of a chain of claims: its weakest link."""
    return min(grades, key=lambda g: g.rank, default=Evidence.hypothesis)


def strongest(grades: Iterable[Evidence]) -> Evidence | None:
    return max(grades, key=lambda g: g.rank, default=None)


class Stance(StrEnum):
    """What a cited source says about the claim it is cited for."""

    supports = "supports"
    against = "against"
    context = "context"  # background: neither for nor against


@dataclass(frozen=True)
class Citation:
    """A source cited for a claim, with its stance (`id:stance` in the data files)."""

    source: str
    stance: Stance

    def __str__(self) -> str:
        return f"{self.source}:{self.stance}"


@dataclass(frozen=True)
class Source:
    id: str
    kind: str
    citation: str
    grade: Evidence = Evidence.hypothesis  # the strongest grade a claim resting on it can have


@dataclass(frozen=True)
class Category:
    id: str
    role: Role
    label: str
    weight: float = 0.0
    evidence: Evidence | None = None  # the grade of the class's link to milia
    citations: tuple[Citation, ...] = ()  # sources on that link, with their stance
    why: str = ""
    rated: bool = False  # membership rests on a comedogenic rating, which scales the weight

    @property
    def sources(self) -> tuple[str, ...]:
        """Ids of the sources that support the class's link."""
        return supporting(self.citations)


def supporting(citations: Iterable[Citation]) -> tuple[str, ...]:
    return tuple(c.source for c in citations if c.stance is Stance.supports)


@dataclass(frozen=True)
class Rating:
    """A 0-5 grade, or a range of grades when sources disagree."""

    low: int
    high: int

    @property
    def mid(self) -> float:
        return (self.low + self.high) / 2

    def to_json(self) -> int | list[int]:
        return self.low if self.low == self.high else [self.low, self.high]

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class Entry:
    """One ingredient. `citations` back its classes (a membership claim); `rating_citations`
    back its ratings."""

    name: str
    synonyms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    comedogenic: Rating | None = None
    irritancy: Rating | None = None
    rating_citations: tuple[Citation, ...] = ()
    citations: tuple[Citation, ...] = ()
    note: str = ""
    line: int = 0
    origin: str = field(default="curated", compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)

    @property
    def sources(self) -> tuple[str, ...]:
        """Ids of every source cited for the entry's classes, whatever their stance."""
        return tuple(c.source for c in self.citations)

    @property
    def rating_source(self) -> str | None:
        """The first source that supports the ratings."""
        return next(iter(supporting(self.rating_citations)), None)
