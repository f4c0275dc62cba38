"""A routine: several products used together. Their exposures add up; the one that adds most
is named.

A product's exposure is the `net` of the risk model, recovered from its score
(score = 100 * (1 - exp(-net / SCALE))), so stored results can be combined too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from milia_scan.assess.risk import SCALE, coarse_score, level_for


@dataclass(frozen=True)
class RoutineItem:
    source: str
    score: int
    level: str
    drivers: tuple[str, ...]

    @property
    def exposure(self) -> float:
        if self.score <= 0:
            return 0.0
        return -SCALE * math.log(1 - min(self.score, 99.5) / 100)


@dataclass(frozen=True)
class Routine:
    items: tuple[RoutineItem, ...]
    exposure: float
    score: int
    level: str
    summary: str

    def share(self, item: RoutineItem) -> float:
        return item.exposure / self.exposure if self.exposure else 0.0


def combine(items: Sequence[RoutineItem]) -> Routine:
    exposure = sum(i.exposure for i in items)
    score = round(100 * (1 - math.exp(-exposure / SCALE)))
    level = level_for(score)
    ranked = sorted(items, key=lambda i: i.exposure, reverse=True)
    if not items or exposure == 0:
        summary = (
            "Low milia risk together: none of these products has heavy occlusives, "
            "film-forming silicones or comedogenic oils among its recognised ingredients."
        )
    else:
        top = ranked[0]
        why = f" ({', '.join(top.drivers[:3])})" if top.drivers else ""
        summary = (
            f"Used together: {level} milia risk ({coarse_score(score)}/100). "
            f"{top.source} contributes "
            f"most, {top.exposure / exposure:.0%} of the exposure{why}."
        )
    return Routine(tuple(ranked), exposure, score, level, summary)
