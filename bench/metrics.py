"""Scoring a report against a sample's truth file: recall and precision of recognised names."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from milia_scan.ingredients.match import Matcher
from milia_scan.lexicon import Lexicon
from milia_scan.models import IngredientItem, Report

KEY_CLASSES = ("film_forming_silicone", "heavy_occlusive")


@dataclass(frozen=True)
class Truth:
    names: tuple[str, ...]  # canonical names, in label order
    key_names: tuple[str, ...]  # those that are film-forming silicones or heavy occlusives
    unresolved: tuple[str, ...]  # truth lines the lexicon cannot name exactly


def truth_path(image: Path) -> Path:
    return image.with_name(image.stem + ".truth.txt")


def load_truth(image: Path, lexicon: Lexicon, matcher: Matcher) -> Truth:
    names, keys, unresolved = [], [], []
    lines = truth_path(image).read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(ln.strip() for ln in lines if ln.strip()):
        match = matcher.match(IngredientItem(i + 1, line))
        if match.entry is None or match.method != "exact":
            unresolved.append(line)
            continue
        names.append(match.entry.name)
        if set(match.entry.categories) & set(KEY_CLASSES):
            keys.append(match.entry.name)
    return Truth(tuple(names), tuple(keys), tuple(unresolved))


@dataclass(frozen=True)
class Score:
    truth: int
    found: int  # truth names recognised (multiset intersection)
    predicted: int  # recognised names in the report
    key_truth: int
    key_found: int

    @property
    def recall(self) -> float:
        return self.found / self.truth if self.truth else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.predicted if self.predicted else 1.0

    @property
    def key_recall(self) -> float:
        return self.key_found / self.key_truth if self.key_truth else 1.0


def score(report: Report | None, truth: Truth) -> Score:
    predicted = Counter(m.entry.name for m in report.matches if m.entry) if report else Counter()
    expected = Counter(truth.names)
    key_expected = Counter(truth.key_names)
    return Score(
        truth=sum(expected.values()),
        found=sum((expected & predicted).values()),
        predicted=sum(predicted.values()),
        key_truth=sum(key_expected.values()),
        key_found=sum((key_expected & predicted).values()),
    )


def total(scores: list[Score]) -> Score:
    return Score(
        *(
            sum(getattr(s, f) for s in scores)
            for f in ("truth", "found", "predicted", "key_truth", "key_found")
        )
    )
