"""Photos of one product taken from several sides: their readings joined into one list.

Each photo shows a stretch of the list; neighbouring photos overlap. The stretches are joined
in the order given, the overlap of each with what came before counted once: the longest run
of the same names at the seam is found (`difflib`), and only what follows it is added. A
photo that shares no name with the others adds the names not already there, at the end."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from milia_scan.lexicon import name_key
from milia_scan.models import IngredientItem, Match

MIN_SEAM = 2  # names in common at the seam before a stretch counts as overlapping


def _key(match: Match) -> str:
    return match.entry.name if match.entry is not None else name_key(match.item.raw)


def merge_readings(readings: Sequence[Sequence[Match]]) -> tuple[IngredientItem, ...]:
    """The items of the joined list, renumbered; items from photos after the first lose their
    boxes (they were found on another photo)."""
    merged: list[Match] = list(readings[0]) if readings else []
    for reading in readings[1:]:
        later = [replace(m, item=replace(m.item, box=None, fragments=())) for m in reading]
        keys = [_key(m) for m in merged]
        new = [_key(m) for m in later]
        seam = SequenceMatcher(None, keys, new, autojunk=False).find_longest_match(
            0, len(keys), 0, len(new)
        )
        if seam.size >= min(MIN_SEAM, len(new)) and seam.size > 0:
            merged += later[seam.b + seam.size :]
        else:
            present = set(keys)
            merged += [m for m in later if _key(m) not in present]
    return tuple(replace(m.item, position=n) for n, m in enumerate(merged, start=1))
