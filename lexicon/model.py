"""The lexicon's records: sources, categories, ratings and ingredient entries (all frozen)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    driver = "driver"
    mitigator = "mitigator"
    neutral = "neutral"


class Evidence(StrEnum):
    established = "established"
    reported = "reported"
    hypothesis = "hypothesis"


@dataclass(frozen=True)
class Source:
    id: str
    kind: str
    citation: str


@dataclass(frozen=True)
class Category:
    id: str
    role: Role
    label: str
    weight: float = 0.0
    evidence: Evidence | None = None
    sources: tuple[str, ...] = ()
    why: str = ""


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
    name: str
    synonyms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    comedogenic: Rating | None = None
    irritancy: Rating | None = None
    rating_source: str | None = None
    sources: tuple[str, ...] = ()
    note: str = ""
    line: int = 0
    origin: str = field(default="curated", compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)
