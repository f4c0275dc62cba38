"""The words around an ingredient list: headers in many languages, the sections that end a list,
"may contain" phrases, and the footnotes and percentages that close one.

Headers are matched tolerantly: accents and case folded, OCR's letter slips forgiven, and a word
in Cyrillic also matched in the Latin letters an English-only OCR model reads it as ("Состав"
comes out as "CocTab" or "COCTAB", "Құрамы" as "Kypambi").
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

# "Ingredients" in every EU language, plus Turkish, Russian, Ukrainian, Kazakh, Uzbek, Korean,
# Japanese and Chinese, and the words labels use in their place (INCI, composition, contents).
HEADER_WORDS_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "en": ("ingredients", "ingredient", "inci", "composition"),
    "fr": ("ingrédients", "ingrédient", "composition"),
    "de": ("inhaltsstoffe", "bestandteile", "inhaltstoffe", "zusammensetzung"),
    "es": ("ingredientes", "composición"),
    "it": ("ingredienti", "composizione"),
    "pt": ("ingredientes", "composição"),
    "nl": ("ingrediënten", "ingredienten", "samenstelling"),
    "da": ("ingredienser", "indholdsstoffer"),
    "sv": ("ingredienser", "innehåll", "innehall"),
    "fi": ("ainesosat", "koostumus"),
    "pl": ("składniki", "skład", "skladniki", "sklad"),
    "cs": ("složení",),
    "sk": ("zloženie", "zložky"),
    "sl": ("sestavine",),
    "hr": ("sastojci", "sastav"),
    "hu": ("összetevők", "összetétel"),
    "ro": ("ingrediente", "compoziție", "compozitie"),
    "bg": ("съставки", "състав"),
    "el": ("συστατικά",),
    "et": ("koostisosad", "koostis"),
    "lv": ("sastāvdaļas", "sastāvs"),
    "lt": ("sudėtis", "sudedamosios"),
    "mt": ("ingredjenti",),
    "ga": ("comhábhair",),
    "tr": ("içindekiler", "bileşenler", "bileşimi", "içerik"),
    "ru": ("состав", "ингредиенты"),
    "uk": ("склад", "інгредієнти"),
    "kk": ("құрамы", "курамы"),
    "uz": ("tarkibi",),
    "ko": ("전성분", "성분"),
    "ja": ("全成分", "成分", "全成分表示"),
    "zh": ("成分", "全成分", "成份"),
}

# Cyrillic letters as the Latin letters (or digits) they look like in print: what an English
# OCR model reads a Cyrillic word as.
_CYRILLIC_LOOKS_LIKE = str.maketrans(
    {
        "а": "a", "б": "6", "в": "b", "г": "r", "д": "a", "е": "e", "ё": "e", "ж": "x",
        "з": "3", "и": "u", "й": "u", "к": "k", "л": "n", "м": "m", "н": "h", "о": "o",
        "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "ф": "o", "х": "x", "ц": "u",
        "ч": "4", "ш": "w", "щ": "w", "ъ": "b", "ы": "bi", "ь": "b", "э": "3", "ю": "io",
        "я": "r", "і": "i", "ї": "i", "є": "e", "қ": "k", "ұ": "y", "ү": "y", "ө": "o",
        "ғ": "f", "ң": "h", "ә": "a", "һ": "h",
    }
)  # fmt: skip

STOP_WORDS = (
    "directions",
    "direction",
    "how",
    "usage",
    "use",
    "apply",
    "warning",
    "warnings",
    "caution",
    "cautions",
    "precautions",
    "attention",
    "made",
    "manufactured",
    "mfd",
    "mktd",
    "distributed",
    "dist",
    "batch",
    "lot",
    "exp",
    "expiry",
    "expires",
    "net",
    "keep",
    "for",
    "store",
    "storage",
    "www",
    "mode",
    "modo",
    "conseils",
    "utilisation",
    "anwendung",
    "gebrauch",
    "hergestellt",
    "fabrique",
    "fabriqué",
    "produced",
    "packed",
    "product",
    "precauciones",
    "advertencias",
    "advertencia",
    "avvertenze",
    "uso",
    "kullanım",
    "uyarılar",
)
_MAY_PHRASE = (
    r"(?:may\s*contain|peut\s*contenir|kann\s*enthalten|puede\s*contener|pode\s*conter"
    r"|pu[oò]\s*contenere|kan\s*bevatten|kan\s*innehålla|może\s*zawierać|může\s*obsahovat"
    r"|içerebilir|может\s*содержать)"
)
_PLUS_MINUS = r"(?:\+\s*/\s*-|±)"
MAY_CONTAIN = re.compile(  # "[+/- May Contain:", "May contain (+/-):", "(may contain)", "[+/-]:"
    rf"[\[(]?\s*{_PLUS_MINUS}?\s*[\])]?\s*(?:{_MAY_PHRASE}\s*/?\s*)+"
    rf"(?:[\[(]\s*{_PLUS_MINUS}\s*[\])])?\s*[\])]?\s*:?"
    rf"|[\[(]\s*{_PLUS_MINUS}\s*[\])]\s*:?",
    re.IGNORECASE,
)
# What closes a list: "*organic", "** from organic farming", "98% of natural origin".
FOOTNOTE = re.compile(
    r"(?:^|\s)(?:\*+|†|‡|¹|²)\s*(?:certified\s+|ingredients?\s+)?(?:organic|from|natural|"
    r"naturally|bio|biologique|issus?|aus|de\s+origen|fair\s*trade|ecocert|cosmos)\b"
    r"|\b\d{1,3}(?:[.,]\d+)?\s*%\s*(?:of\s+(?:the\s+)?(?:total\s+)?(?:ingredients?\s+)?(?:are\s+)?"
    r"(?:of\s+)?)?(?:natural|organic|naturally|from|d'origine|du\s+total|origine|plant)",
    re.IGNORECASE,
)


def fold(word: str) -> str:
    """Lower case, no accents, letters only: the form compared against header and stop words."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed.casefold() if ch.isalpha())


def _looks_like(word: str) -> set[str]:
    """A word as an English-only OCR model would read it: Cyrillic letters as Latin ones
    ("д" both as "a" and as "g")."""
    base = unicodedata.normalize("NFC", word.casefold())
    return {
        base.translate(_CYRILLIC_LOOKS_LIKE),
        base.replace("д", "g").translate(_CYRILLIC_LOOKS_LIKE),
    }


def _header_forms() -> tuple[frozenset[str], tuple[str, ...]]:
    exact: set[str] = set()
    for words in HEADER_WORDS_BY_LANGUAGE.values():
        for word in words:
            exact.add(fold(word))
            for seen in map(fold, _looks_like(word)):
                if seen and seen.isascii() and seen != fold(word):
                    exact.add(seen)
                    exact.add(seen.replace("b", "6"))  # "COCTAB" read with a 6
    fuzzy = tuple(w for w in exact if len(w) >= 5 and w.isascii())
    return frozenset(exact), fuzzy


HEADER_FORMS, _FUZZY_HEADER_FORMS = _header_forms()
_STOP_FORMS = frozenset(fold(w) for w in STOP_WORDS)


_OCR_SLIPS = str.maketrans({"l": "i", "1": "i", "|": "i", "0": "o", "5": "s"})


def _slips(word: str) -> str:
    return word.translate(_OCR_SLIPS)


def is_word(
    token_text: str,
    forms: frozenset[str],
    fuzzy_forms: tuple[str, ...] = (),
    *,
    cut_start: bool = False,
) -> bool:
    word = fold(token_text)
    if len(word) < 2 or (len(word) < 3 and word.isascii()):
        return False
    if word in forms:
        return True
    if len(word) < 5 or not fuzzy_forms:
        return False
    cutoff = 85 if len(word) >= 7 else 80
    if any(
        fuzz.ratio(_slips(word), _slips(v)) >= cutoff
        for v in fuzzy_forms
        if abs(len(v) - len(word)) <= 2
    ):
        return True
    # A long word whose start the photo cut off or OCR lost ("WREDIENTS", "GREDIENTS").
    return (
        cut_start
        and len(word) >= 6
        and any(
            fuzz.ratio(word, v[-len(word) :]) >= 88 for v in fuzzy_forms if len(v) >= len(word) + 1
        )
    )


def is_header(token_text: str) -> bool:
    """A header word: "Ingredients:", "lNGREDlENTS", "Состав/Склад/Ingredients:", "CocTab"."""
    parts = [p for p in re.split(r"[/|:()\[\]]", token_text) if p]
    return bool(parts) and any(
        is_word(p, HEADER_FORMS, _FUZZY_HEADER_FORMS, cut_start=True) for p in parts
    )


def is_stop_word(token_text: str) -> bool:
    return is_word(token_text, _STOP_FORMS, tuple(w for w in _STOP_FORMS if len(w) >= 6))


def is_section_word(text: str) -> bool:
    """A header or section word standing alone ("Ingredients:", "Directions"), never an item."""
    words = text.replace(":", " ").split()
    return 0 < len(words) <= 2 and (is_header(words[0]) or is_stop_word(words[0]))
