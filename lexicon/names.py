"""Name normalisation shared by the loader (duplicate checks) and the matcher (lookups)."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def name_key(text: str) -> str:
    """Fold a name to its lookup key: no accents, lower case, punctuation and spacing folded.

    "Butyrospermum Parkii (Shea) Butter" -> "butyrospermum parkii shea butter";
    "PEG-100 Stearate" -> "peg 100 stearate".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", stripped.casefold()).strip()
