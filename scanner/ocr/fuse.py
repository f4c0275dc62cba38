"""Fuse two engines' readings of one ingredient list, item by item.

Two engines fail in different places: PP-OCR loses a Cyrillic-lit line that tesseract reads, and
tesseract garbles a curved edge PP-OCR reads cleanly. The two lists are aligned on the names
both recognised (difflib's longest matching blocks); between two such anchors each reading
offers its own items for that stretch, and the stretch the lexicon supports better is kept
(more names recognised, then more of them exact, then the higher scores). Every item keeps the
engine it came from. Boxes are mapped onto the photo first, since each reading may come from a
different prepared image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from milia_scan.models import IngredientItem, Match


def _evidence(matches: Sequence[Match]) -> tuple[int, int, float]:
    known = [m for m in matches if m.entry is not None]
    return (len(known), sum(1 for m in known if m.method == "exact"), sum(m.score for m in known))


def _key(match: Match, n: int, side: str) -> str:
    return match.entry.name if match.entry is not None else f"?{side}{n}"


def fuse(first: Sequence[Match], second: Sequence[Match]) -> tuple[IngredientItem, ...]:
    """The items of the better reading for each stretch of the list, in label order."""
    a = [_key(m, n, "a") for n, m in enumerate(first)]
    b = [_key(m, n, "b") for n, m in enumerate(second)]
    out: list[Match] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        mine, theirs = list(first[i1:i2]), list(second[j1:j2])
        if tag == "equal":
            out += [x if x.score >= y.score else y for x, y in zip(mine, theirs, strict=True)]
        elif _evidence(theirs) > _evidence(mine):
            out += theirs
        else:
            out += mine
    return tuple(replace(m.item, position=n) for n, m in enumerate(out, start=1))
