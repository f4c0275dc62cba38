"""Cut a name out of the noise around it: OCR of a curved or two-column label often glues
words of a neighbouring column or specks of print onto an ingredient ("2 Ea se 4 Cetearyl
Alcohol", "Kyprak 6eT Tepicine apHanran Aloe Barbadensis Leaf Juice Powder").

Only words that do not read like the rest of a name are cut away: noise (no word of four
letters), garbled words (case flipping inside a word, digits among letters, symbols, other
scripts), or words in another case than the name. An unknown name that merely starts with a
known one ("Glycerin Xyzzylate Quux") is left whole and unrecognised, not split into guesses."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from milia_scan.models import IngredientItem, Match

RESCUE_SCORE = 95.0  # a name cut out of noise must match nearly exactly
MAX_RESCUE_WORDS = 10  # an item longer than this is prose, not a name with noise around it
MAX_DEPTH = 3


_GARBLED = re.compile(r"[a-z][A-Z]|[A-Za-z]\d|\d[A-Za-z]|[®©@#§\\|{}~=<>_^$%]")


def _case(text: str) -> str:
    letters = [ch for ch in text if ch.isalpha()]
    if all(ch.isupper() for ch in letters):
        return "upper"
    if all(w[:1].isupper() or not w[:1].isalpha() for w in text.split()):
        return "title"
    return "mixed"


def foreign(rest: str, name: str) -> bool:
    """Whether words beside a name read as something else: noise, garbled, or another case."""
    if not wordlike(rest) or _GARBLED.search(rest):
        return True
    if any(ch.isalpha() and not ch.isascii() for ch in rest):
        return True
    return _case(rest) != _case(name)


def wordlike(text: str) -> bool:
    """Text with at least one word of four letters: maybe a name, not OCR noise."""
    return any(sum(ch.isalpha() for ch in w) >= 4 for w in text.split())


def rescue(
    match: Match, match_one: Callable[[IngredientItem], Match], depth: int = 0
) -> list[Match]:
    """An unrecognised item that holds a name among noise: the longest run of its words that
    matches nearly exactly is kept as the ingredient; the words around it are read again the
    same way, kept as an unrecognised item when they look like words, dropped as noise when
    they do not (no word of four letters)."""
    words = match.item.raw.split()
    if match.entry is not None or not 2 <= len(words) <= MAX_RESCUE_WORDS or depth > MAX_DEPTH:
        return [match]
    for size in range(len(words) - 1, 0, -1):
        for start in range(len(words) - size + 1):
            raw = " ".join(words[start : start + size])
            if not wordlike(raw):
                continue
            found = match_one(replace(match.item, raw=raw))
            if found.entry is None or found.score < RESCUE_SCORE:
                continue
            before = " ".join(words[:start])
            after = " ".join(words[start + size :])
            if any(rest and not foreign(rest, raw) for rest in (before, after)):
                continue
            out: list[Match] = []
            if before and wordlike(before):
                out.extend(rescue(match_one(replace(match.item, raw=before)), match_one, depth + 1))
            out.append(found)
            if after and wordlike(after):
                out.extend(rescue(match_one(replace(match.item, raw=after)), match_one, depth + 1))
            return out
    return [match]
