"""Families classed by name rule, so that members missing from the lexicon are still classed.

Silicones by ending (notes: -methicone, -icone, -iconol, -siloxane, -silsesquioxane,
-siloxysilicate, or containing dimethicone, siloxy, polysilicone-), with silica, silicates,
silanes and silk excluded; the PEG-n / PPG-n and -eth-n ethoxylate series; CI colour index
numbers. Rules work on lookup keys (see names.name_key).
"""

from __future__ import annotations

import re

FILM_SILICONE_ENDINGS = (
    "methicone",
    "icone",
    "iconol",
    "siloxane",
    "silsesquioxane",
    "siloxysilicate",
)
FILM_SILICONE_PARTS = ("dimethicone", "siloxy", "polysilicone")
VOLATILE_SILICONE = re.compile(r"^(cyclo\w*siloxane|disiloxane|\w*trisiloxane)$")
NOT_SILICONE = re.compile(r"silica|silicate|silane|silk")
ETHOXYLATE = re.compile(
    r"\b(peg|ppg|ceteareth|ceteth|steareth|laureth|oleth|trideceth|isoceteth|isosteareth|"
    r"pareth|coceth|beheneth|deceth|polysorbate)\s\d+\b"
)
COLOUR_INDEX = re.compile(r"^ci \d{5}$")
MAX_RULE_WORDS = 7  # a run of OCR text that merely contains "dimethicone" is not a name


def silicone_class(key: str) -> str | None:
    """'film_forming_silicone', 'volatile_silicone' or None for a name key."""
    words = key.split()
    compact = "".join(words)
    if not words or len(words) > MAX_RULE_WORDS:
        return None
    if NOT_SILICONE.search(compact) and "siloxy" not in compact:  # siloxysilicates are
        return None
    if VOLATILE_SILICONE.match(words[-1]):
        return "volatile_silicone"
    if compact.endswith(FILM_SILICONE_ENDINGS) or any(p in compact for p in FILM_SILICONE_PARTS):
        return "film_forming_silicone"
    return None


def family_class(key: str) -> str | None:
    """The category a name's family implies, or None: silicones first, then the neutral series."""
    silicone = silicone_class(key)
    if silicone:
        return silicone
    if len(key.split()) > MAX_RULE_WORDS:
        return None
    if COLOUR_INDEX.match(key):
        return "colorant"
    if ETHOXYLATE.search(key):
        return "emulsifier"
    return None
