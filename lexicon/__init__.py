"""The curated knowledge milia-scan matches against: data files plus their strict loader."""

from milia_scan.lexicon.loader import DATA_DIR, Lexicon, load_lexicon, load_lexicon_from
from milia_scan.lexicon.model import (
    Category,
    Citation,
    Entry,
    Evidence,
    Rating,
    Role,
    Source,
    Stance,
)
from milia_scan.lexicon.names import name_key

__all__ = [
    "DATA_DIR",
    "Category",
    "Citation",
    "Entry",
    "Evidence",
    "Lexicon",
    "Rating",
    "Role",
    "Source",
    "Stance",
    "load_lexicon",
    "load_lexicon_from",
    "name_key",
]
