"""Looking things up in the lexicon: search, statistics, and validation of a data folder."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from milia_scan.lexicon.loader import DATA_DIR, Lexicon, load_lexicon_from
from milia_scan.lexicon.model import Entry
from milia_scan.lexicon.names import name_key
from rapidfuzz import fuzz, process


@dataclass(frozen=True)
class Hit:
    entry: Entry
    surface: str
    score: float


def search(lexicon: Lexicon, term: str, limit: int = 15) -> list[Hit]:
    """Entries whose names contain the term, then the closest fuzzy matches."""
    key = name_key(term)
    if not key:
        return []
    hits: dict[int, Hit] = {}
    for k, (entry, surface) in lexicon.index.items():
        if key in k:
            score = 100.0 if k == key else 90.0 + 10.0 * len(key) / len(k)
            if id(entry) not in hits or hits[id(entry)].score < score:
                hits[id(entry)] = Hit(entry, surface, round(score, 1))
    keys = list(lexicon.index)
    for _, score, i in process.extract(
        key, keys, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=70
    ):
        entry, surface = lexicon.index[keys[i]]
        if id(entry) not in hits:
            hits[id(entry)] = Hit(entry, surface, round(float(score) * 0.9, 1))
    return sorted(hits.values(), key=lambda h: (-h.score, h.entry.name))[:limit]


@dataclass(frozen=True)
class Stats:
    version: str
    entries: int
    names: int
    curated: int
    imported: int
    annotated: int
    rated: int
    by_category: Counter[str]
    by_source: Counter[str]
    vocabulary: int = 0  # CosIng vocabulary rows behind the entries (names they lack)
    vocabulary_names: int = 0


def stats(lexicon: Lexicon) -> Stats:
    by_category: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    annotated = rated = curated = 0
    for entry in lexicon.entries:
        by_category.update(entry.categories)
        by_source.update(entry.sources)
        if entry.rating_source:
            by_source[entry.rating_source] += 1
        if entry.origin == "curated":
            curated += 1
        if entry.comedogenic or entry.irritancy:
            rated += 1
        if is_annotated(lexicon, entry):
            annotated += 1
    return Stats(
        lexicon.version,
        len(lexicon.entries),
        len(lexicon.index),
        curated,
        len(lexicon.entries) - curated,
        annotated,
        rated,
        by_category,
        by_source,
        len(lexicon.vocabulary) if lexicon.vocabulary is not None else 0,
        len(lexicon.vocabulary.index) if lexicon.vocabulary is not None else 0,
    )


def is_annotated(lexicon: Lexicon, entry: Entry) -> bool:
    """Fully annotated for this tool: curated, with categories, their sources and a plain note
    (ratings only where a source gives one: they are never made up)."""
    return bool(entry.origin == "curated" and entry.categories and entry.sources and entry.note)


def validate(path: Path | None) -> Lexicon:
    """Load a lexicon data folder strictly (the shipped one by default); raises LexiconError."""
    folder = DATA_DIR if path is None else path.parent if path.is_file() else path
    lexicon = load_lexicon_from(folder)
    if lexicon.vocabulary is not None:
        lexicon.vocabulary.check()
    return lexicon
