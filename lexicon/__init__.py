"""The curated knowledge milia-scan matches against: data files plus their strict loader."""

from .loader import DATA_DIR, Lexicon, load_lexicon, load_lexicon_from
from .model import Category, Entry, Evidence, Rating, Role, Source
from .names import name_key

__all__ = [
    "DATA_DIR",
    "Category",
    "Entry",
    "Evidence",
    "Lexicon",
    "Rating",
    "Role",
    "Source",
    "load_lexicon",
    "load_lexicon_from",
    "name_key",
]
