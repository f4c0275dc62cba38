#!/usr/bin/env python3
"""Generate the "wild" sample labels: varied fonts, separators, headers, layouts and backgrounds.

The six tiers made by ``make_samples.py`` all share one font family set, comma-separated lists and
English-ish headers, and the pipeline has been tuned on them. This script typesets each of the 40
real-world ingredient lists in ``tests/data/corpus/*.tsv`` (column 1, the ingredient as printed) as
a label that looks different from those, and writes it in two tiers:

* ``wild-flat/``  a flat, sharp scan-like JPEG (quality 88);
* ``wild-phone/`` a phone photo of the same label: on a table, perspective tilt, mild blur, noise,
  uneven light, JPEG (built from ``make_samples``' phone-photo helpers).

Every product varies in font family (18 families from Debian font packages), separator (a third
commas, the rest bullets, middle dots, dashes, bars, semicolons, asterisks, slashes, with varied
spacing), header (English, 17 other languages, multi-language, or none), layout (one column, two
columns, text wrapped around a logo/picture block, a narrow column), case (some ALL CAPS), list
ending (may-contain, organic footnote, natural-origin line, marketing words, formula code, ...),
surrounding text (sometimes in another language) and background (white, pastel, dark with light
text, gradient, pattern, paper texture). The variations are dealt out deterministically from CRCs
of the product ids, so every value appears a planned number of times; nothing depends on time.

Next to every image is ``<stem>.truth.txt`` (one ingredient per line exactly as printed, the list
then any may-contain items). ``wild-manifest.tsv`` has one row per product, with its split
(``tune`` or ``holdout``, from a CRC of the id, stratified by comma/non-comma separator) and every
variation. ``wild-README.md`` describes the tiers, and a marked section of ``README.md`` points to
it (``make_samples.py`` rewrites README.md; rerun this script afterwards to restore the section).

Run from the repository root (after ``make_samples.py`` if you run both):

    .venv/bin/python samples/make_wild.py

Fonts (Debian packages): fonts-liberation, fonts-freefont-ttf, fonts-urw-base35, fonts-roboto
(fonts-roboto-unhinted), fonts-open-sans, fonts-lato, fonts-comfortaa, fonts-quicksand,
fonts-noto-core, fonts-noto-cjk, fonts-dejavu-core. The script stops with the list of missing
packages rather than silently substituting fonts.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import make_samples as ms  # noqa: E402  (the sibling generator; importing it has no side effects)

CORPUS = ROOT / "tests" / "data" / "corpus"
TIERS = ("wild-flat", "wild-phone")
MANIFEST = "wild-manifest.tsv"
WILD_README = "wild-README.md"
README_BEGIN = "<!-- make_wild.py: begin -->"
README_END = "<!-- make_wild.py: end -->"

T = TypeVar("T")
RGB = tuple[int, int, int]
Array = np.ndarray

# --------------------------------------------------------------------------------------------
# Fonts


@dataclass(frozen=True)
class Family:
    name: str
    regular: str
    bold: str
    package: str
    kind: str  # sans, serif, condensed, rounded, geometric


_LIB = "/usr/share/fonts/truetype/liberation/"
_FREE = "/usr/share/fonts/truetype/freefont/"
_URW = "/usr/share/fonts/opentype/urw-base35/"
_ROBOTO = "/usr/share/fonts/truetype/roboto/unhinted/"
_NOTO = "/usr/share/fonts/truetype/noto/"
_DEJAVU = "/usr/share/fonts/truetype/dejavu/"

FAMILIES: tuple[Family, ...] = (
    Family(
        "Liberation Sans Narrow",
        _LIB + "LiberationSansNarrow-Regular.ttf",
        _LIB + "LiberationSansNarrow-Bold.ttf",
        "fonts-liberation",
        "condensed",
    ),
    Family(
        "Liberation Serif",
        _LIB + "LiberationSerif-Regular.ttf",
        _LIB + "LiberationSerif-Bold.ttf",
        "fonts-liberation",
        "serif",
    ),
    Family(
        "FreeSans", _FREE + "FreeSans.ttf", _FREE + "FreeSansBold.ttf", "fonts-freefont-ttf", "sans"
    ),
    Family(
        "FreeSerif",
        _FREE + "FreeSerif.ttf",
        _FREE + "FreeSerifBold.ttf",
        "fonts-freefont-ttf",
        "serif",
    ),
    Family(
        "Nimbus Sans Narrow",
        _URW + "NimbusSansNarrow-Regular.otf",
        _URW + "NimbusSansNarrow-Bold.otf",
        "fonts-urw-base35",
        "condensed",
    ),
    Family(
        "Nimbus Roman",
        _URW + "NimbusRoman-Regular.otf",
        _URW + "NimbusRoman-Bold.otf",
        "fonts-urw-base35",
        "serif",
    ),
    Family(
        "URW Gothic",
        _URW + "URWGothic-Book.otf",
        _URW + "URWGothic-Demi.otf",
        "fonts-urw-base35",
        "geometric",
    ),
    Family("P052", _URW + "P052-Roman.otf", _URW + "P052-Bold.otf", "fonts-urw-base35", "serif"),
    Family("C059", _URW + "C059-Roman.otf", _URW + "C059-Bold.otf", "fonts-urw-base35", "serif"),
    Family(
        "Roboto",
        _ROBOTO + "RobotoTTF/Roboto-Regular.ttf",
        _ROBOTO + "RobotoTTF/Roboto-Bold.ttf",
        "fonts-roboto-unhinted",
        "sans",
    ),
    Family(
        "Roboto Condensed",
        _ROBOTO + "RobotoCondensed-Regular.ttf",
        _ROBOTO + "RobotoCondensed-Bold.ttf",
        "fonts-roboto-unhinted",
        "condensed",
    ),
    Family(
        "Open Sans",
        "/usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf",
        "/usr/share/fonts/truetype/open-sans/OpenSans-Bold.ttf",
        "fonts-open-sans",
        "sans",
    ),
    Family(
        "Lato",
        "/usr/share/fonts/truetype/lato/Lato-Regular.ttf",
        "/usr/share/fonts/truetype/lato/Lato-Bold.ttf",
        "fonts-lato",
        "sans",
    ),
    Family(
        "Comfortaa",
        "/usr/share/fonts/truetype/comfortaa/Comfortaa-Regular.ttf",
        "/usr/share/fonts/truetype/comfortaa/Comfortaa-Bold.ttf",
        "fonts-comfortaa",
        "rounded",
    ),
    Family(
        "Quicksand",
        "/usr/share/fonts/truetype/quicksand/Quicksand-Medium.ttf",
        "/usr/share/fonts/truetype/quicksand/Quicksand-Bold.ttf",
        "fonts-quicksand",
        "rounded",
    ),
    Family(
        "Noto Sans",
        _NOTO + "NotoSans-Regular.ttf",
        _NOTO + "NotoSans-Bold.ttf",
        "fonts-noto-core",
        "sans",
    ),
    Family(
        "Noto Serif",
        _NOTO + "NotoSerif-Regular.ttf",
        _NOTO + "NotoSerif-Bold.ttf",
        "fonts-noto-core",
        "serif",
    ),
    Family(
        "DejaVu Sans Condensed",
        _DEJAVU + "DejaVuSansCondensed.ttf",
        _DEJAVU + "DejaVuSansCondensed-Bold.ttf",
        "fonts-dejavu-core",
        "condensed",
    ),
)
# Glyphs a family lacks (Cyrillic in Quicksand, Kazakh letters in Liberation, geometric bullets in
# Roboto/Noto/Open Sans, Hangul and kanji everywhere) come from these, as on real labels.
FALLBACK_REGULAR = (_NOTO + "NotoSans-Regular.ttf", 0)
FALLBACK_BOLD = (_NOTO + "NotoSans-Bold.ttf", 0)
SYMBOLS = (_DEJAVU + "DejaVuSans.ttf", 0)
CJK_REGULAR = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CJK_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
CJK_INDEX = {"ja": 0, "ko": 1, "zh": 2}  # Noto Sans CJK JP, KR, SC inside the .ttc
EXTRA_FONTS = {
    FALLBACK_REGULAR[0]: "fonts-noto-core",
    SYMBOLS[0]: "fonts-dejavu-core",
    CJK_REGULAR: "fonts-noto-cjk",
    CJK_BOLD: "fonts-noto-cjk",
}

Font = ImageFont.FreeTypeFont
_font_cache: dict[tuple[str, int, int], Font] = {}
_cover_cache: dict[tuple[str, int, str], bool] = {}


def load_font(path: str, size: int, index: int = 0) -> Font:
    key = (path, size, index)
    if key not in _font_cache:
        # The basic layout engine does not depend on raqm/harfbuzz (same choice as make_samples).
        _font_cache[key] = ImageFont.truetype(
            path, size, index=index, layout_engine=ImageFont.Layout.BASIC
        )
    return _font_cache[key]


def covers(font: Font, ch: str) -> bool:
    """Whether the font has a glyph for `ch`: a missing glyph renders as the .notdef box, the
    same bitmap as a private-use code point no font maps."""
    key = (str(font.path), int(getattr(font, "index", 0)), ch)
    if key not in _cover_cache:
        if ch.isspace():
            _cover_cache[key] = True
        else:
            probe = load_font(str(font.path), 40, int(getattr(font, "index", 0)))
            a = np.asarray(probe.getmask(ch))
            b = np.asarray(probe.getmask("\U000f0001"))
            same = a.shape == b.shape and bool((a == b).all())
            _cover_cache[key] = a.size > 0 and not same
    return _cover_cache[key]


def check_fonts() -> None:
    missing: dict[str, list[str]] = {}
    paths = {f.regular: f.package for f in FAMILIES} | {f.bold: f.package for f in FAMILIES}
    for path, package in (paths | EXTRA_FONTS).items():
        if not Path(path).is_file():
            missing.setdefault(package, []).append(path)
    if missing:
        lines = [
            f"  {pkg}: {', '.join(Path(p).name for p in files)}" for pkg, files in missing.items()
        ]
        raise SystemExit(
            "make_wild.py needs fonts that are not installed:\n"
            + "\n".join(lines)
            + "\ninstall them with: apt-get install -y "
            + " ".join(sorted(missing))
        )


# --------------------------------------------------------------------------------------------
# Corpus


@dataclass(frozen=True)
class Entry:
    id: str
    type: str
    ingredients: tuple[str, ...]

    @property
    def category(self) -> str:
        t = self.type.lower()
        for words, cat in (
            (("sunscreen", "spf"), "sun"),
            (("shampoo", "conditioner", "hair"), "hair"),
            (("cleanser", "micellar", "body wash", "cleansing oil", "mask (clay)"), "rinse"),
            (("lip",), "lip"),
            (("foundation", "concealer", "primer", "mascara", "powder"), "makeup"),
            (("body", "foot", "ointment", "balm", "antiperspirant"), "body"),
        ):
            if any(w in t for w in words):
                return cat
        return "skin"


def load_corpus(folder: Path) -> list[Entry]:
    entries = []
    for path in sorted(folder.glob("*.tsv")):
        kind = "skincare product"
        items: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                m = re.match(r"#\s*product type:\s*(.+)", line)
                if m:
                    kind = m.group(1).strip()
                continue
            if line.strip():
                items.append(line.split("\t")[0].strip())
        entries.append(Entry(path.stem, kind, tuple(items)))
    if not entries:
        raise SystemExit(f"no corpus files in {folder}")
    return entries


# --------------------------------------------------------------------------------------------
# The variations, dealt out over the products


def crc(*parts: str) -> int:
    return zlib.crc32("/".join(("milia-scan", "wild", *parts)).encode())


def deal(ids: Sequence[str], dim: str, pool: Sequence[T]) -> dict[str, T]:
    """Give every product a value from `pool`, cycling over the products in the order of a CRC of
    (dimension, id): each value is used a planned number of times, and which product gets which
    depends only on the ids."""
    order = sorted(ids, key=lambda i: crc(dim, i))
    return {pid: pool[k % len(pool)] for k, pid in enumerate(order)}


@dataclass(frozen=True)
class Sep:
    name: str
    glyph: str
    left: bool  # a space before the glyph
    right: bool  # a space after it

    @property
    def printed(self) -> str:
        return (" " if self.left else "") + self.glyph + (" " if self.right else "")

    @property
    def is_comma(self) -> bool:
        return self.glyph == ","


COMMA = Sep("comma", ",", False, True)
SEPARATORS: tuple[Sep, ...] = (
    *([COMMA] * 14),
    *([Sep("bullet", "\u2022", True, True)] * 4),
    Sep("bullet-left-tight", "\u2022", True, False),  # "A •B"
    Sep("bullet-right-tight", "\u2022", False, True),  # "A• B"
    *([Sep("bullet-tight", "\u2022", False, False)] * 2),  # "A•B"
    *([Sep("middle-dot", "\u00b7", True, True)] * 3),
    Sep("middle-dot-tight", "\u00b7", False, False),
    *([Sep("black-circle", "\u25cf", True, True)] * 2),
    *([Sep("black-square", "\u25aa", True, True)] * 2),
    *([Sep("hyphen", "-", True, True)] * 2),
    *([Sep("en-dash", "\u2013", True, True)] * 2),
    *([Sep("bar", "|", True, True)] * 2),
    *([Sep("semicolon", ";", False, True)] * 2),
    Sep("asterisk", "*", True, True),
    Sep("slash", "/", False, True),
)


@dataclass(frozen=True)
class Header:
    lang: str  # ISO 639-1 codes joined with '+', or 'none'
    text: str
    caps: str = ""  # the upper-case form, when str.upper() gets it wrong (Turkish dotted I)

    def printed(self, upper: bool) -> str:
        if not upper:
            return self.text
        return self.caps or self.text.upper()


HEADERS: tuple[Header, ...] = (
    *([Header("en", "Ingredients:")] * 6),
    Header("en", "Ingredients (INCI):"),
    Header("en+fr", "Ingredients/Ingrédients:"),
    Header("en+fr+es", "Ingredients / Ingrédients / Ingredientes:"),
    Header("fr", "Ingrédients:"),
    Header("fr", "Ingrédients :"),
    Header("de", "Bestandteile:"),
    Header("de", "Inhaltsstoffe:"),
    Header("de", "INCI:"),
    Header("es", "Ingredientes:"),
    Header("es", "Ingredientes:"),
    Header("it", "Ingredienti:"),
    Header("pt", "Composição:"),
    Header("nl", "Ingrediënten:"),
    Header("pl", "Skład:"),
    Header("pl", "Skład:"),
    Header("cs", "Složení:"),
    Header("sv", "Ingredienser:"),
    Header("tr", "İçindekiler:", "İÇİNDEKİLER:"),
    Header("ru", "Состав:"),
    Header("ru", "Состав:"),
    Header("uk", "Склад:"),
    Header("kk", "Құрамы:"),
    Header("ko", "전성분:"),
    Header("ko", "전성분"),
    Header("ja", "全成分:"),
    Header("ja", "成分:"),
    Header("zh", "成分:"),
    Header("ru+uk+en", "Состав/Склад/Ingredients:"),
    Header("ru+kk+en", "Состав/Құрамы/Ingredients:"),
    Header("en+pl+cs", "Ingredients/Skład/Složení:"),
    Header("en+ko", "Ingredients / 전성분:"),
    *([Header("none", "")] * 3),
)
HEADER_POS = (*(["inline"] * 7), *(["above"] * 3))
LAYOUTS = (*(["one-column"] * 14), *(["two-column"] * 9), *(["wrap-logo"] * 9), *(["narrow"] * 8))
BACKGROUNDS = (
    *(["white"] * 9),
    *(["pastel"] * 10),
    *(["dark"] * 7),
    *(["gradient"] * 5),
    *(["pattern"] * 5),
    *(["paper"] * 4),
)
CASES = (*(["upper"] * 11), *(["as-is"] * 29))
# `may-contain` goes to the lists that end in colour index items (dealt before these).
ENDINGS = (
    *(["period"] * 8),
    *(["no-period"] * 4),
    *(["organic"] * 6),
    *(["natural-origin"] * 7),
    *(["marketing"] * 7),
    *(["formula-code"] * 4),
)
ALIGNS = (*(["left"] * 18), *(["justify"] * 16), *(["center"] * 6))
ORDERS = (*(["list-first"] * 6), *(["directions-first"] * 4))
FOREIGN = (
    *(["none"] * 16),
    *(["fr"] * 6),
    *(["ru"] * 6),
    *(["de"] * 4),
    *(["es"] * 4),
    *(["pl"] * 2),
    *(["ko"] * 2),
)
LOGOS = ("monogram", "leaf", "jar", "barcode", "sun")


@dataclass(frozen=True)
class Spec:
    id: str
    split: str
    family: Family
    sep: Sep
    header: Header
    header_pos: str
    layout: str
    background: str
    case: str
    ending: str
    align: str
    order: str
    foreign: str
    logo: str


def make_specs(entries: Sequence[Entry]) -> list[Spec]:
    ids = [e.id for e in entries]
    by_id = {e.id: e for e in entries}
    families = deal(ids, "family", [*FAMILIES, *FAMILIES, *FAMILIES[:4]])
    seps = deal(ids, "separator", SEPARATORS)
    headers = deal(ids, "header", HEADERS)
    pos = deal(ids, "header-pos", HEADER_POS)
    layouts = deal(ids, "layout", LAYOUTS)
    backgrounds = deal(ids, "background", BACKGROUNDS)
    cases = deal(ids, "case", CASES)
    aligns = deal(ids, "align", ALIGNS)
    orders = deal(ids, "order", ORDERS)
    foreign = deal(ids, "foreign", FOREIGN)
    logos = deal([i for i in ids if layouts[i] == "wrap-logo"], "logo", LOGOS)
    coloured = [i for i in ids if len(trailing_colours(by_id[i].ingredients)) >= 2]
    rest = [i for i in ids if i not in coloured]
    endings = {i: "may-contain" for i in coloured} | deal(rest, "ending", ENDINGS)
    # `organic` needs botanical items to mark: a list without any swaps its ending with the first
    # list (in CRC order) that has some and was dealt another ending.
    swappable = sorted(
        (i for i in rest if plant_items(by_id[i].ingredients)), key=lambda i: crc("organic", i)
    )
    for pid in sorted(rest, key=lambda i: crc("organic", i)):
        if endings[pid] == "organic" and not plant_items(by_id[pid].ingredients):
            other = next(i for i in swappable if endings[i] != "organic")
            endings[pid], endings[other] = endings[other], "organic"
    # Split: within the comma and the non-comma products, alternate in CRC order.
    split: dict[str, str] = {}
    for group in (True, False):
        members = sorted(
            (i for i in ids if seps[i].is_comma == group), key=lambda i: crc("split", i)
        )
        for k, pid in enumerate(members):
            split[pid] = "tune" if k % 2 == 0 else "holdout"
    specs = []
    for pid in ids:
        sep, ending = seps[pid], endings[pid]
        header = headers[pid]
        specs.append(
            Spec(
                id=pid,
                split=split[pid],
                family=families[pid],
                sep=sep,
                header=header,
                header_pos="none"
                if header.lang == "none"
                else ("above" if header.text.endswith("전성분") else pos[pid]),
                layout=layouts[pid],
                background=backgrounds[pid],
                case=cases[pid],
                ending=ending,
                align=aligns[pid],
                order=orders[pid],
                foreign=foreign[pid],
                logo=logos.get(pid, ""),
            )
        )
    return specs


def trailing_colours(items: Sequence[str]) -> list[str]:
    """The colour index items (CI nnnnn) at the end of a list."""
    out: list[str] = []
    for item in reversed(items):
        if not item.upper().startswith("CI "):
            break
        out.insert(0, item)
    return out


# --------------------------------------------------------------------------------------------
# Label text around the list

BRANDS = (
    "Lumen & Leaf",
    "Nordlys Skin",
    "Maison Corail",
    "Dr. Aldana Derm",
    "Hanbit Lab",
    "Kirei Botanics",
    "Solène Paris",
    "Arktis Derm",
    "Bloom Theory",
    "Oro Verde Cosmetici",
    "Piel Viva",
    "Terra Pura",
    "Baltic Amber Care",
    "Seomun Skin",
    "Aurelle",
    "Vesna Lab",
)
SMALL_WORDS = {"us": "", "eu": "", "spf": "SPF", "bha": "BHA", "c": "C", "in": "in"}
CLAIMS = {
    "skin": [
        "Dermatologically tested",
        "Non-comedogenic",
        "Fragrance free",
        "For all skin types",
        "Vegan formula",
        "24h hydration",
        "For sensitive skin",
    ],
    "sun": [
        "UVA/UVB protection",
        "Water resistant",
        "Dermatologically tested",
        "Lightweight texture",
        "Broad spectrum",
    ],
    "hair": [
        "Sulfate free",
        "Colour safe",
        "For dry & damaged hair",
        "Salon professional",
        "Strengthens & smooths",
    ],
    "rinse": [
        "Soap free",
        "pH balanced",
        "Removes make-up",
        "Gentle daily cleanse",
        "Dermatologically tested",
    ],
    "makeup": [
        "Long-wear",
        "Buildable coverage",
        "Oil free",
        "Ophthalmologist tested",
        "Transfer resistant",
    ],
    "lip": ["Vegan", "Nourishing", "Sheer tint", "Cruelty free"],
    "body": ["Fast absorbing", "For very dry skin", "48h care", "Dermatologically tested"],
}
VOLUMES = {
    "skin": ["50 ml / 1.7 fl oz", "30 ml / 1.0 fl oz", "15 ml / 0.5 fl oz"],
    "sun": ["50 ml / 1.7 fl oz", "100 ml / 3.4 fl oz"],
    "hair": ["250 ml / 8.4 fl oz", "100 ml / 3.4 fl oz"],
    "rinse": ["150 ml / 5 fl oz", "200 ml / 6.7 fl oz", "75 ml"],
    "makeup": ["30 ml / 1 fl oz", "8 ml / 0.27 fl oz", "10 g / 0.35 oz"],
    "lip": ["4.5 g / 0.15 oz", "3.8 g"],
    "body": ["200 ml / 6.7 fl oz", "100 ml / 3.4 fl oz", "75 g / 2.6 oz"],
}
DIRECTIONS = {
    "skin": (
        "Directions:",
        "Smooth over clean face and neck morning and evening. Follow with "
        "sunscreen during the day.",
    ),
    "sun": (
        "Directions:",
        "Apply liberally 15 minutes before sun exposure. Reapply at least every "
        "2 hours and after swimming, sweating or towelling.",
    ),
    "hair": (
        "How to use:",
        "Massage into wet hair and scalp, lather, then rinse thoroughly. Repeat if needed.",
    ),
    "rinse": (
        "How to use:",
        "Massage onto damp skin, then rinse off with lukewarm water. Avoid the eye area.",
    ),
    "makeup": (
        "Application:",
        "Blend onto skin with fingertips, a brush or a sponge and build up as desired.",
    ),
    "lip": ("Use:", "Glide over lips as often as needed."),
    "body": ("Directions:", "Apply to clean, dry skin and massage until fully absorbed."),
}
WARNINGS = {
    "sun": (
        "Warnings:",
        "For external use only. Do not use on damaged or broken skin. Keep out "
        "of eyes. Stop use and ask a doctor if a rash occurs.",
    ),
    "hair": (
        "Caution:",
        "Avoid contact with eyes. If contact occurs, rinse thoroughly with water.",
    ),
    "other": (
        "Warnings:",
        "For external use only. Keep out of reach of children. Stop use if irritation occurs.",
    ),
}
# A directions paragraph in another language: (leave-on, rinse-off).
FOREIGN_TEXT = {
    "fr": (
        "Conseils d'utilisation : appliquer matin et soir sur une peau propre et sèche, en "
        "évitant le contour des yeux.",
        "Mode d'emploi : faire mousser sur peau humide puis rincer abondamment à l'eau tiède.",
    ),
    "ru": (
        "Способ применения: нанесите небольшое количество средства на очищенную кожу утром и "
        "вечером. Избегайте попадания в глаза.",
        "Способ применения: нанесите на влажную кожу, вспеньте и смойте тёплой водой.",
    ),
    "de": (
        "Anwendung: Morgens und abends auf die gereinigte Haut auftragen und sanft einmassieren.",
        "Anwendung: Auf die feuchte Haut auftragen, aufschäumen und gründlich abspülen.",
    ),
    "es": (
        "Modo de empleo: aplicar por la mañana y por la noche sobre la piel limpia y seca.",
        "Modo de empleo: aplicar sobre la piel húmeda, masajear y aclarar con abundante agua.",
    ),
    "pl": (
        "Sposób użycia: nakładać rano i wieczorem na oczyszczoną skórę twarzy.",
        "Sposób użycia: nanieść na wilgotną skórę, spienić i dokładnie spłukać.",
    ),
    "ko": (
        "사용법: 세안 후 적당량을 덜어 피부결을 따라 부드럽게 펴 발라 줍니다.",
        "사용법: 적당량을 덜어 물과 함께 거품을 낸 후 마사지하고 미온수로 헹굽니다.",
    ),
}
ADDRESSES = (
    "{brand} Ltd., 14 Harbour Road, Bristol BS1 5TY, United Kingdom",
    "{brand} SAS, 8 rue des Lilas, 69003 Lyon, France",
    "{brand} GmbH, Lindenstraße 21, 10969 Berlin, Deutschland",
    "Импортёр: ООО «{brand}», 123112, Москва, Пресненская наб., д. 10",
    "{brand} Co., Ltd., 25 Teheran-ro, Gangnam-gu, Seoul, Korea",
    "Distributed by {brand} Inc., 350 Fifth Ave, New York, NY 10118, USA",
    "{brand} Sp. z o.o., ul. Kwiatowa 7, 00-001 Warszawa, Polska",
    "{brand} S.r.l., Via Roma 12, 20121 Milano, Italia",
)
COUNTRIES = ("France", "Italy", "Korea", "Poland", "Germany", "India", "USA", "Spain")
ORGANIC_NOTES = (
    "*Ingredients from organic farming",
    "*organic",
    "*Certified organic ingredient",
    "*Ingrédients issus de l'agriculture biologique",
)
NATURAL_NOTES = (
    "98% of total ingredients are from natural origin",
    "99% natural origin ingredients",
    "95 % d'ingrédients d'origine naturelle",
    "97% ingredients of natural origin",
)
MAY_CONTAIN_LABELS = (
    "May contain (+/-):",
    "[+/- May contain:",
    "May contain/Peut contenir (+/-):",
    "Может содержать (+/-):",
)
PLANT = re.compile(r"\b(Extract|Oil|Butter|Juice|Wax|Water)\b", re.I)


def plant_items(items: Sequence[str]) -> list[int]:
    """Indexes of botanical items (oils, extracts, butters, juices, waxes, floral waters)."""
    return [
        k
        for k, it in enumerate(items)
        if PLANT.search(it)
        and "PEG" not in it
        and "Hydrogenated" not in it
        and not it.lower().startswith(("aqua", "water"))
    ]


def product_name(entry: Entry) -> str:
    words = entry.id.split("-")[1:]
    out = []
    for w in words:
        mapped = SMALL_WORDS.get(w, w.capitalize())
        if mapped:
            out.append(mapped)
    return " ".join(out)


def type_word(entry: Entry) -> str:
    return entry.type.split("(")[0].strip().capitalize()


# --------------------------------------------------------------------------------------------
# Typesetting: words made of segments, each in the font that has its glyphs


@dataclass(frozen=True)
class Seg:
    text: str
    font: Font


@dataclass(frozen=True)
class Word:
    segs: tuple[Seg, ...]
    glue: bool = False  # no space before it on the same line (a line may still break there)

    @property
    def width(self) -> float:
        return sum(s.font.getlength(s.text) for s in self.segs)

    def __add__(self, more: Sequence[Seg]) -> Word:
        return Word((*self.segs, *more), self.glue)


def segs(text: str, chain: Sequence[Font]) -> list[Seg]:
    """Split `text` into runs, each in the first font of `chain` that has the glyph. The letters
    of a word stay in one font: the first that has them all ("Құрамы" is set wholly in Noto Sans
    when the family lacks "Қ"), so only symbols (bullets) fall back one by one."""
    letters = [ch for ch in text if ch.isalpha()]
    base = next((f for f in chain if all(covers(f, ch) for ch in letters)), chain[0])
    order = [base, *(f for f in chain if f is not base)]
    out: list[Seg] = []
    for ch in text:
        font = next((f for f in order if covers(f, ch)), order[-1])
        if out and out[-1].font is font:
            out[-1] = Seg(out[-1].text + ch, font)
        else:
            out.append(Seg(ch, font))
    return out


def words_of(text: str, chain: Sequence[Font]) -> list[Word]:
    return [Word(tuple(segs(w, chain))) for w in text.split()]


@dataclass
class Para:
    words: list[Word]
    space: float
    line_h: float
    ascent: float
    colour: RGB
    align: str = "left"


@dataclass
class Fonts:
    body: list[Font]
    bold: list[Font]
    small: list[Font]
    title: list[Font]
    brand: list[Font]
    size: int


def chain(family_path: str, size: int, bold: bool, cjk_lang: str = "ko") -> list[Font]:
    fb = FALLBACK_BOLD if bold else FALLBACK_REGULAR
    cjk = CJK_BOLD if bold else CJK_REGULAR
    return [
        load_font(family_path, size),
        load_font(fb[0], size),
        load_font(SYMBOLS[0], size),
        load_font(cjk, size, CJK_INDEX.get(cjk_lang, 1)),
    ]


def make_fonts(family: Family, xh: float, cjk_lang: str) -> Fonts:
    probe = ms.x_height(load_font(family.regular, 100)) / 100.0
    size = max(10, round(xh / probe))
    return Fonts(
        body=chain(family.regular, size, False, cjk_lang),
        bold=chain(family.bold, size, True, cjk_lang),
        small=chain(family.regular, round(size * 0.86), False, cjk_lang),
        title=chain(family.bold, round(size * 1.6), True, cjk_lang),
        brand=chain(family.bold, round(size * 1.2), True, cjk_lang),
        size=size,
    )


def para(words: list[Word], fonts: list[Font], colour: RGB, align: str, spacing: float) -> Para:
    f = fonts[0]
    line_h = f.size * spacing
    return Para(
        words, f.getlength(" "), line_h, (line_h - f.size) / 2 + 0.8 * f.size, colour, align
    )


Slot = tuple[float, float]  # x, width of a line


def flow(
    words: list[Word], space: float, slot: Callable[[int], Slot]
) -> list[tuple[Slot, list[Word]]]:
    """Greedy line breaking; a word wider than its line is cut, after a '/' or '-' if one fits."""
    lines: list[tuple[Slot, list[Word]]] = []
    current: list[Word] = []
    used = 0.0
    queue = list(words)
    while queue:
        word = queue.pop(0)
        x, width = slot(len(lines))
        w = word.width
        gap = 0.0 if word.glue or not current else space
        if not current and w > width:
            head, tail = cut_word(word, width)
            lines.append(((x, width), [head]))
            if tail.segs:
                queue.insert(0, tail)
            continue
        if current and used + gap + w > width:
            lines.append(((x, width), current))
            current, used = [], 0.0
            queue.insert(0, word)
            continue
        used += gap + w
        current.append(word)
    if current:
        lines.append((slot(len(lines)), current))
    return lines


def cut_word(word: Word, width: float) -> tuple[Word, Word]:
    chars = [(ch, s.font) for s in word.segs for ch in s.text]
    used, k = 0.0, 0
    while k < len(chars) and used + chars[k][1].getlength(chars[k][0]) <= width:
        used += chars[k][1].getlength(chars[k][0])
        k += 1
    breaks = [i + 1 for i in range(1, k - 1) if chars[i][0] in "/-"]
    k = breaks[-1] if breaks else max(1, k)

    def join(part: list[tuple[str, Font]]) -> Word:
        out: list[Seg] = []
        for ch, f in part:
            if out and out[-1].font is f:
                out[-1] = Seg(out[-1].text + ch, f)
            else:
                out.append(Seg(ch, f))
        return Word(tuple(out))

    head = join(chars[:k])
    return Word(head.segs, word.glue), join(chars[k:])


class Canvas:
    """Text and shapes drawn as coverage masks per colour, composited over a background later."""

    def __init__(self, width: int, height: int = 7000) -> None:
        self.width, self.height = width, height
        self.shapes: dict[RGB, Image.Image] = {}
        self.text: dict[RGB, Image.Image] = {}

    def layer(self, colour: RGB, shape: bool = False) -> ImageDraw.ImageDraw:
        layers = self.shapes if shape else self.text
        if colour not in layers:
            layers[colour] = Image.new("L", (self.width, self.height), 0)
        return ImageDraw.Draw(layers[colour])

    def draw_lines(
        self, p: Para, lines: list[tuple[Slot, list[Word]]], y: float, ends: bool = True
    ) -> float:
        """Draw laid-out lines from `y`; `ends` says the last line ends the paragraph."""
        draw = self.layer(p.colour)
        for n, ((x, width), words) in enumerate(lines):
            widths = [w.width for w in words]
            n_gaps = sum(1 for w in words[1:] if not w.glue)
            natural = sum(widths) + p.space * n_gaps
            gap, start = p.space, x
            last = ends and n == len(lines) - 1
            if p.align == "justify" and not last and n_gaps:
                stretched = (width - sum(widths)) / n_gaps
                if stretched <= p.space * 2.2:
                    gap = stretched
            elif p.align == "center":
                start = x + (width - natural) / 2
            elif p.align == "right":
                start = x + width - natural
            cx = start
            base = round(y + p.ascent)
            for k, (word, w) in enumerate(zip(words, widths, strict=True)):
                if k and not word.glue:
                    cx += gap
                sx = cx
                for s in word.segs:
                    draw.text((round(sx), base), s.text, font=s.font, fill=255, anchor="ls")
                    sx += s.font.getlength(s.text)
                cx += w
            y += p.line_h
        return y

    def paragraph(self, p: Para, x: float, width: float, y: float) -> float:
        return self.draw_lines(p, flow(p.words, p.space, lambda _i: (x, width)), y)

    def composite(self, bg: Array, height: int) -> Image.Image:
        img = bg[:height].copy()
        for layers in (self.shapes, self.text):
            for colour, mask in layers.items():
                a = np.asarray(mask, dtype=np.float32)[:height, :, None] / 255.0
                img = img * (1 - a) + np.array(colour, np.float32) * a
        return ms.to_image(img)


# --------------------------------------------------------------------------------------------
# Colours and backgrounds

PASTELS: tuple[RGB, ...] = (
    (248, 228, 232),
    (222, 242, 230),
    (232, 226, 245),
    (222, 236, 248),
    (253, 232, 215),
    (250, 245, 212),
    (236, 240, 226),
    (245, 236, 228),
)
DARKS: tuple[RGB, ...] = (
    (28, 38, 70),
    (24, 58, 44),
    (80, 22, 38),
    (38, 38, 40),
    (60, 35, 80),
    (15, 70, 75),
    (18, 18, 18),
)
LIGHT_INKS: tuple[RGB, ...] = ((246, 243, 235), (255, 255, 255), (236, 222, 190))
DARK_INKS: tuple[RGB, ...] = ((20, 20, 20), (35, 30, 28), (25, 32, 50), (45, 35, 30))
ACCENTS: tuple[RGB, ...] = (
    (20, 45, 90),
    (110, 30, 50),
    (25, 80, 55),
    (40, 40, 40),
    (120, 75, 20),
    (70, 40, 110),
    (0, 95, 110),
)


@dataclass(frozen=True)
class Palette:
    ink: RGB
    accent: RGB
    note: str


def pick(rng: np.random.Generator, options: Sequence[T]) -> T:
    return options[int(rng.integers(len(options)))]


def palette(kind: str, rng: np.random.Generator) -> Palette:
    if kind == "dark":
        ink = pick(rng, LIGHT_INKS)
        return Palette(ink, pick(rng, [(236, 210, 150), ink, (200, 225, 235)]), "")
    return Palette(pick(rng, DARK_INKS), pick(rng, ACCENTS), "")


def background(kind: str, h: int, w: int, rng: np.random.Generator) -> tuple[Array, str]:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "white":
        base = pick(rng, [(255, 255, 255), (252, 252, 250), (250, 248, 242)])
        return np.broadcast_to(np.array(base, np.float32), (h, w, 3)).copy(), "white"
    if kind == "pastel":
        base = pick(rng, PASTELS)
        return np.broadcast_to(np.array(base, np.float32), (h, w, 3)).copy(), f"pastel rgb{base}"
    if kind == "dark":
        base = pick(rng, DARKS)
        arr = np.broadcast_to(np.array(base, np.float32), (h, w, 3)).copy()
        return arr, f"dark rgb{base}, light text"
    if kind == "gradient":
        a, b = pick(rng, PASTELS), pick(rng, [(255, 255, 255), *PASTELS])
        angle = rng.uniform(0, math.pi)
        t = (xx / w) * math.cos(angle) + (yy / h) * math.sin(angle)
        t = (t - t.min()) / max(1e-6, float(t.max() - t.min()))
        arr = np.array(a, np.float32) * (1 - t[..., None]) + np.array(b, np.float32) * t[..., None]
        return arr, f"gradient rgb{a} to rgb{b}"
    if kind == "pattern":
        ground = np.array(pick(rng, [(255, 255, 255), *PASTELS]), np.float32)
        motif = pick(rng, ["stripes", "dots", "waves", "grid"])
        period = rng.uniform(26, 60)
        if motif == "stripes":
            v = 0.5 + 0.5 * np.sin(2 * math.pi * (xx + yy) / period)
        elif motif == "dots":
            cx = (xx % period) - period / 2
            cy = (yy % period) - period / 2
            v = (np.hypot(cx, cy) < period * 0.18).astype(np.float32)
        elif motif == "waves":
            v = 0.5 + 0.5 * np.sin(2 * math.pi * (yy + 12 * np.sin(xx / 40)) / period)
        else:
            v = ((xx % period < 2) | (yy % period < 2)).astype(np.float32)
        depth = rng.uniform(12, 22)
        tint = np.array(
            pick(rng, [(1.0, 0.6, 0.6), (0.6, 0.9, 0.6), (0.6, 0.7, 1.0), (0.8, 0.8, 0.8)]),
            np.float32,
        )
        arr = ground - depth * v[..., None] * tint
        return arr, f"{motif} pattern"
    # paper: kraft or recycled paper with fibres
    base = pick(rng, [(205, 175, 135), (225, 215, 195), (236, 230, 216)])
    fibres = ms.smooth_noise(rng, h, w, 3, 40) * 0.5 + ms.smooth_noise(rng, h, w, 60)
    grain = rng.standard_normal((h, w)).astype(np.float32)
    shade = 1 + 0.025 * fibres + 0.006 * grain
    dots = (rng.random((h, w)) < 0.0015).astype(np.float32)
    flecks = np.clip(cv2.GaussianBlur(dots, (0, 0), 1.0) * 4, 0, 1)
    arr = np.array(base, np.float32) * shade[..., None] - 60 * flecks[..., None]
    name = "kraft paper" if base[0] == 205 else "recycled paper"
    return arr, f"{name} texture"


# --------------------------------------------------------------------------------------------
# The label


@dataclass
class Label:
    image: Image.Image
    body_xh: float
    truth: list[str]
    notes: dict[str, str] = field(default_factory=dict)


def printed_items(
    entry: Entry, spec: Spec, rng: np.random.Generator
) -> tuple[list[str], list[str], str]:
    """(list items, may-contain items, footnote marker) as printed."""
    items = list(entry.ingredients)
    may: list[str] = []
    marker = ""
    if spec.ending == "may-contain":
        may = trailing_colours(items)
        items = items[: len(items) - len(may)]
    if spec.ending == "organic":
        marker = "\u2020" if spec.sep.glyph == "*" else "*"
        for k in plant_items(items)[:4]:
            items[k] = items[k] + marker
    if spec.case == "upper":
        items = [it.upper() for it in items]
        may = [it.upper() for it in may]
    return items, may, marker


def list_words(items: list[str], sep: Sep, chain_: list[Font]) -> list[Word]:
    """The items joined by the separator, as words: the glyph attaches to a neighbour when the
    separator has no space on that side."""
    words: list[Word] = []
    for k, item in enumerate(items):
        iw = words_of(item, chain_)
        if k and not sep.right:  # "A •B", "A•B": no space before the item (a break may fall there)
            iw[0] = Word(iw[0].segs, glue=True)
        words.extend(iw)
        if k == len(items) - 1:
            break
        glyph = segs(sep.glyph, chain_)
        if sep.left:
            words.append(Word(tuple(glyph)))
        else:
            words[-1] = words[-1] + glyph
    return words


def attach(words: list[Word], text: str, chain_: list[Font]) -> None:
    """Glue punctuation to the last word."""
    if text:
        words[-1] = words[-1] + segs(text, chain_)


def render_label(entry: Entry, spec: Spec) -> Label:
    rng = ms.rng_for(entry.id, "wild-label")
    cat = entry.category
    upper = spec.case == "upper"
    cjk_lang = next((lang for lang in ("ko", "ja", "zh") if lang in spec.header.lang), "ko")
    xh = float(rng.uniform(16.0, 19.5) if spec.layout != "narrow" else rng.uniform(16.0, 17.5))
    fonts = make_fonts(spec.family, xh, cjk_lang)
    size = fonts.size
    width = (
        {
            "one-column": int(rng.integers(44, 58)),
            "two-column": int(rng.integers(64, 76)),
            "wrap-logo": int(rng.integers(50, 62)),
            "narrow": int(rng.integers(31, 38)),
        }[spec.layout]
        * size
        // 2
    )
    spacing = float(rng.uniform(1.18, 1.42))
    pal = palette(spec.background, rng)
    ink, accent = pal.ink, pal.accent
    margin = round(max(36, width * rng.uniform(0.05, 0.075)))
    column = width - 2 * margin
    canvas = Canvas(width)
    brand = pick(rng, BRANDS)
    y = margin * 0.7

    # Top: an optional coloured band, brand, product name, claims, volume.
    band = rng.random() < 0.35 and spec.background != "dark"
    if band:
        band_h = round(fonts.brand[0].size * 2.0)
        canvas.layer(accent, shape=True).rectangle((0, 0, width, band_h), fill=255)
        bp = para(words_of(brand.upper(), fonts.brand), fonts.brand, (250, 250, 246), "center", 1.2)
        canvas.paragraph(bp, margin, column, (band_h - bp.line_h) / 2)
        y = band_h + margin * 0.5
    else:
        bp = para(words_of(brand.upper(), fonts.brand), fonts.brand, accent, "center", 1.25)
        y = canvas.paragraph(bp, margin, column, y)
    tp = para(words_of(product_name(entry), fonts.title), fonts.title, accent, "center", 1.15)
    y = canvas.paragraph(tp, margin, column, y)
    claim_sep = pick(rng, [" \u00b7 ", " | ", " \u2013 ", " / "])
    claims = list(rng.permutation(CLAIMS[cat])[: int(rng.integers(2, 4))])
    cp = para(words_of(claim_sep.join(claims), fonts.small), fonts.small, ink, "center", 1.3)
    y = canvas.paragraph(cp, margin, column, y + size * 0.2)
    vp = para(words_of(pick(rng, VOLUMES[cat]), fonts.small), fonts.small, ink, "center", 1.3)
    y = canvas.paragraph(vp, margin, column, y)
    y += size * 0.4
    canvas.layer(accent, shape=True).line(
        (margin, round(y), width - margin, round(y)), fill=255, width=max(2, size // 14)
    )
    y += size * 0.7

    def labelled(title: str, text: str, colour: RGB = ink) -> Para:
        words = words_of(title, fonts.bold) + words_of(text, fonts.body)
        return para(
            words, fonts.body, colour, spec.align if spec.align != "center" else "left", spacing
        )

    directions = DIRECTIONS[cat]
    warnings = WARNINGS.get(cat, WARNINGS["other"])
    rinse = cat in ("rinse", "hair")
    extra_paras: list[Para] = [labelled(*directions)]
    if spec.foreign != "none":
        text = FOREIGN_TEXT[spec.foreign][1 if rinse else 0]
        title, _, rest = text.partition(":")
        extra_paras.append(labelled(title + ":", rest.strip()))
    extra_paras.append(labelled(*warnings))

    def draw_extras(y: float) -> float:
        for p in extra_paras:
            y = canvas.paragraph(p, margin, column, y) + size * 0.35
        return y

    if spec.order == "directions-first":
        y = draw_extras(y) + size * 0.3

    # The ingredient block.
    items, may, marker = printed_items(entry, spec, rng)
    header_text = spec.header.printed(upper)
    words: list[Word] = []
    if spec.header_pos == "inline":
        words += words_of(header_text, fonts.bold)
    words += list_words(items, spec.sep, fonts.body)
    if may:
        attach(words, ".", fonts.body)
        may_label = pick(rng, MAY_CONTAIN_LABELS)
        may_label = may_label.upper() if upper else may_label
        words += words_of(may_label, fonts.body)
        words += list_words(may, spec.sep, fonts.body)
        attach(words, "]" if may_label.startswith("[") else ".", fonts.body)
    elif spec.ending == "no-period":
        pass
    elif spec.ending == "marketing":
        tail = pick(
            rng,
            [
                f"{type_word(entry)}. Made in {pick(rng, COUNTRIES)}.",
                "Dermatologically tested. Vegan.",
                f"{type_word(entry)}.",
            ],
        )
        attach(words, ".", fonts.body)
        words += words_of(tail.upper() if upper else tail, fonts.body)
    elif spec.ending == "formula-code":
        attach(words, ".", fonts.body)
        code = f"F.I.L. {chr(65 + int(rng.integers(0, 26)))}{int(rng.integers(10000, 99999))}/1."
        words += words_of(f"({code})" if rng.random() < 0.5 else code, fonts.body)
    else:
        attach(words, ".", fonts.body)
    list_para = para(words, fonts.body, ink, spec.align, spacing)

    notes: list[Para] = []
    if spec.ending == "organic":
        note = pick(rng, ORGANIC_NOTES).replace("*", marker)
        notes.append(para(words_of(note, fonts.small), fonts.small, ink, "left", 1.3))
    if spec.ending == "natural-origin":
        notes.append(
            para(words_of(pick(rng, NATURAL_NOTES), fonts.small), fonts.small, ink, "left", 1.3)
        )

    if spec.header_pos == "above":
        hp = para(
            words_of(header_text, fonts.bold),
            fonts.bold,
            accent if rng.random() < 0.5 else ink,
            "left",
            spacing,
        )
        y = canvas.paragraph(hp, margin, column, y)

    logo_note = ""
    if spec.layout == "two-column":
        gutter = round(size * rng.uniform(1.0, 1.6))
        colw = (column - gutter) / 2
        lines = flow(list_para.words, list_para.space, lambda _i: (margin, colw))
        half = math.ceil(len(lines) / 2)
        first, second = (
            lines[:half],
            [((margin + colw + gutter, colw), ws) for _s, ws in lines[half:]],
        )
        # Both columns justified or left alike; the last line of column 1 is not a paragraph end.
        y1 = canvas.draw_lines(list_para, first, y, ends=False)
        canvas.draw_lines(list_para, second, y)
        if rng.random() < 0.5:  # a thin rule between the columns
            cxm = round(margin + colw + gutter / 2)
            canvas.layer(accent, shape=True).line(
                (cxm, round(y), cxm, round(y1 - size * 0.3)), fill=255, width=2
            )
        y = y1
    elif spec.layout == "wrap-logo":
        block_w = round(column * rng.uniform(0.28, 0.36))
        n_lines = int(rng.integers(4, 7))
        block_h = round(list_para.line_h * n_lines - size * 0.3)
        right = rng.random() < 0.65
        gap = round(size * 0.8)
        bx0 = width - margin - block_w if right else margin
        by0 = round(y + size * 0.15)

        def slot(i: int) -> Slot:
            top = y + i * list_para.line_h
            if top < by0 + block_h + gap * 0.3:
                return (
                    (margin, column - block_w - gap)
                    if right
                    else (margin + block_w + gap, column - block_w - gap)
                )
            return (margin, column)

        lines = flow(list_para.words, list_para.space, slot)
        draw_logo(
            canvas,
            spec.logo,
            (bx0, by0, bx0 + block_w, by0 + block_h),
            accent,
            ink,
            brand,
            fonts,
            rng,
        )
        y = canvas.draw_lines(list_para, lines, y)
        y = max(y, by0 + block_h + gap * 0.5)
        logo_note = f"{spec.logo} block {'right' if right else 'left'}, {n_lines} lines tall"
    else:
        y = canvas.paragraph(list_para, margin, column, y)
    for p in notes:
        y = canvas.paragraph(p, margin, column, y + size * 0.15)
    y += size * 0.45

    if spec.order == "list-first":
        y = draw_extras(y)

    # Footer: rule, address, origin, batch.
    canvas.layer(accent, shape=True).line(
        (margin, round(y), width - margin, round(y)), fill=255, width=2
    )
    y += size * 0.5
    address = pick(rng, ADDRESSES).format(brand=brand)
    lot = f"LOT {int(rng.integers(2100, 2499))}{chr(65 + int(rng.integers(0, 8)))}"
    footer = f"{address}  \u00b7  Made in {pick(rng, COUNTRIES)}  \u00b7  {lot}  \u00b7  12M"
    fp = para(words_of(footer, fonts.small), fonts.small, ink, "center", 1.3)
    y = canvas.paragraph(fp, margin, column, y)
    height = round(y + margin * 0.7)

    bg, bg_note = background(spec.background, height, width, rng)
    image = canvas.composite(bg, height)
    if rng.random() < 0.4 and spec.background != "pattern" and not band:
        inset = round(margin * 0.3)
        ImageDraw.Draw(image).rounded_rectangle(
            (inset, inset, width - inset, height - inset),
            radius=round(size * 0.6),
            outline=accent,
            width=2,
        )
    body_xh = float(ms.x_height(fonts.body[0]))
    return Label(
        image,
        body_xh,
        [*items, *may],
        {
            "background": bg_note,
            "ink": f"rgb{ink}",
            "logo": logo_note,
            "x_height": f"{body_xh:.0f}",
            "font_size": str(size),
            "label": f"{width}x{height}",
        },
    )


def draw_logo(
    canvas: Canvas,
    kind: str,
    box: tuple[int, int, int, int],
    accent: RGB,
    ink: RGB,
    brand: str,
    fonts: Fonts,
    rng: np.random.Generator,
) -> None:
    """A picture block the list flows around: monogram, leaf, jar, barcode or sun."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    shape = canvas.layer(accent, shape=True)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = min(w, h) / 2 * 0.92
    if kind == "monogram":
        shape.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=max(3, round(r / 14)))
        initials = "".join(p[0] for p in re.findall(r"[A-Za-z]+", brand)[:2]).upper()
        mono = load_font(str(fonts.title[0].path), max(12, round(r * 0.9)))
        shape.text((cx, cy), initials, font=mono, fill=255, anchor="mm")
    elif kind == "leaf":
        for ang in (-35, 0, 35):
            a = math.radians(ang - 90)
            lx, ly = cx + math.cos(a) * r * 0.45, cy + math.sin(a) * r * 0.45 + r * 0.2
            leaf = Image.new("L", (round(r * 1.2), round(r * 0.5)), 0)
            ImageDraw.Draw(leaf).ellipse((0, 0, leaf.width - 1, leaf.height - 1), fill=255)
            leaf = leaf.rotate(-(ang - 90), expand=True, resample=Image.Resampling.BICUBIC)
            canvas.shapes[accent].paste(
                255, (round(lx - leaf.width / 2), round(ly - leaf.height / 2)), leaf
            )
        shape.line((cx, cy + r * 0.2, cx, y1 - 2), fill=255, width=max(3, round(r / 18)))
    elif kind == "jar":
        jw, jh = w * 0.7, h * 0.62
        shape.rounded_rectangle(
            (cx - jw / 2, y1 - jh, cx + jw / 2, y1 - 2),
            radius=round(jw / 8),
            outline=255,
            width=max(3, round(w / 40)),
        )
        shape.rounded_rectangle(
            (cx - jw * 0.42, y1 - jh - h * 0.22, cx + jw * 0.42, y1 - jh - 4),
            radius=round(jw / 12),
            fill=255,
        )
        shape.line(
            (cx - jw * 0.35, y1 - jh * 0.55, cx + jw * 0.35, y1 - jh * 0.55),
            fill=255,
            width=max(2, round(w / 60)),
        )
    elif kind == "barcode":
        bars = canvas.layer(ink, shape=True)
        digits_h = round(fonts.small[0].size * 1.2)
        bx = x0 + w * 0.06
        while bx < x1 - w * 0.06:
            bw = float(rng.choice([1.5, 3.0, 4.5]))
            bars.rectangle((round(bx), y0 + 4, round(bx + bw), y1 - digits_h), fill=255)
            bx += bw + float(rng.choice([1.5, 3.0, 4.5]))
        code = "".join(str(int(d)) for d in rng.integers(0, 10, 13))
        font = fonts.small[0]
        bars.text(
            (cx, y1 - 2), f"{code[0]} {code[1:7]} {code[7:]}", font=font, fill=255, anchor="md"
        )
    else:  # sun: a disc with rays (a sunscreen-style icon)
        shape.ellipse((cx - r * 0.45, cy - r * 0.45, cx + r * 0.45, cy + r * 0.45), fill=255)
        for k in range(12):
            a = 2 * math.pi * k / 12
            shape.line(
                (
                    cx + math.cos(a) * r * 0.6,
                    cy + math.sin(a) * r * 0.6,
                    cx + math.cos(a) * r * 0.95,
                    cy + math.sin(a) * r * 0.95,
                ),
                fill=255,
                width=max(3, round(r / 14)),
            )


# --------------------------------------------------------------------------------------------
# The two tiers


def to_flat(
    label: Label, rng: np.random.Generator
) -> tuple[Image.Image, list[str], dict[str, object]]:
    """A flat scan: the label on a white scanner bed with a narrow margin, sharp, JPEG q88."""
    arr = ms.to_array(label.image)
    pad = int(rng.integers(16, 48))
    page = np.full((arr.shape[0] + 2 * pad, arr.shape[1] + 2 * pad, 3), 250, np.float32)
    page[pad : pad + arr.shape[0], pad : pad + arr.shape[1]] = arr
    h, w = page.shape[:2]
    speckle = rng.random((h, w)) < 0.0003
    page[speckle] -= rng.uniform(4, 24, size=(int(speckle.sum()), 1)).astype(np.float32)
    notes = [f"{w}x{h}", f"x-height {label.body_xh:.0f} px", "JPEG q85"]
    return (
        ms.to_image(page),
        notes,
        {"quality": 85, "optimize": True, "progressive": True, "dpi": (300, 300)},
    )


def fit_frame(h: float, w: float, fill: float, portrait: bool, ratio: float) -> tuple[int, int]:
    """(H, W) of a frame with short/long side `ratio` in which an h x w object takes `fill` of
    the limiting side (make_samples.fit_canvas, for any aspect ratio)."""
    if portrait:
        fh = max(h / fill, (w / fill) / ratio)
        return round(fh), round(fh * ratio)
    fw = max(w / fill, (h / fill) / ratio)
    return round(fw * ratio), round(fw)


def to_phone(
    label: Label, rng: np.random.Generator
) -> tuple[Image.Image, list[str], dict[str, object]]:
    """A handheld photo built from make_samples' helpers: label on a table, perspective tilt,
    rotation (text lines within 3 degrees of level), drop shadow, uneven light, colour cast,
    blur, sensor noise, JPEG. The frame's long side is kept to 1200-1650 px."""
    img0 = label.image
    portrait = img0.height >= img0.width
    # A tall narrow label is framed 9:16 (as if cropped or shot in the phone's 16:9 mode).
    ratio = 9 / 16 if max(img0.size) > 2 * min(img0.size) else 3 / 4
    fill = float(rng.uniform(0.68, 0.8))
    target_xh = float(rng.uniform(14.5, 18.5))
    scale = target_xh / label.body_xh
    long_side = max(fit_frame(img0.height * scale, img0.width * scale, fill, portrait, ratio))
    if long_side > 1650:
        target_xh *= 1650 / long_side
    elif long_side < 1200:
        target_xh *= 1200 / long_side
    if target_xh < 13.0:  # a long label: let it fill more of the frame rather than shrink more
        fill = min(0.9, fill * 13.0 / target_xh)
        target_xh = 13.0
    target_xh = min(target_xh, 20.0)
    arr = ms.resize(ms.to_array(img0), target_xh / label.body_xh)
    lh, lw = arr.shape[:2]
    H, W = fit_frame(lh, lw, fill, portrait, ratio)
    if max(H, W) > 1650:
        fill = min(0.95, fill * max(H, W) / 1650)
        H, W = fit_frame(lh, lw, fill, portrait, ratio)

    src = np.array([[0, 0], [lw, 0], [lw, lh], [0, lh]], np.float32)
    quad, angle, keystone, edge = ms.phone_quad(lw, lh, rng)
    quad += np.array([W / 2, H / 2], np.float32) + rng.uniform(-0.02, 0.02, 2) * [W, H]
    matrix = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    surface = pick(rng, ["wood", "wood", "stone", "linen"])
    backdrop = ms.texture(surface, H, W, rng)
    warped = cv2.warpPerspective(arr, matrix, (W, H), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(
        np.ones((lh, lw), np.float32), matrix, (W, H), flags=cv2.INTER_LINEAR
    )[..., None]
    shadow = ms.gaussian_blur(mask, W * 0.012)
    shift = np.array([[1, 0, W * 0.006], [0, 1, W * 0.009]], np.float32)
    shadow = cv2.warpAffine(shadow, shift, (W, H))[..., None]
    img = backdrop * (1 - 0.45 * shadow)
    img = img * (1 - mask) + warped * mask
    img = img * ms.lighting(H, W, rng, rng.uniform(0.74, 0.84), rng.uniform(0.98, 1.05))
    img = img * ms.colour_cast(rng, 0.05)
    sigma = float(rng.uniform(0.55, 0.9))
    img = ms.gaussian_blur(img, sigma)
    noise = float(rng.uniform(1.2, 2.0))
    img = ms.sensor_noise(img, rng, noise)
    quality = int(rng.integers(68, 79))
    notes = [
        f"{surface} table",
        f"keystone {keystone:.0%} {edge}",
        f"rotation {angle:+.1f}\u00b0 (lines within {ms.edge_skew(quad):.1f}\u00b0)",
        f"blur \u03c3{sigma:.2f}",
        f"noise \u03c3{noise:.1f}",
        f"JPEG q{quality}",
        f"{W}x{H} ({'9:16' if ratio < 0.7 else '3:4'})",
        f"x-height ~{target_xh:.0f} px",
    ]
    return ms.to_image(img), notes, {"quality": quality, "optimize": True, "progressive": True}


# --------------------------------------------------------------------------------------------
# Output


def clean(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.iterdir():
        if path.is_file() and (
            path.suffix.lower() in ms.IMAGE_EXTS or path.name.endswith(".truth.txt")
        ):
            path.unlink()


MANIFEST_COLUMNS = (
    "id",
    "split",
    "type",
    "font_family",
    "font_kind",
    "font_package",
    "separator",
    "separator_text",
    "header_lang",
    "header_text",
    "header_position",
    "layout",
    "background_kind",
    "background",
    "case",
    "list_ending",
    "align",
    "surrounding_order",
    "extra_language",
    "logo",
    "ingredients",
    "may_contain",
    "x_height_flat",
    "x_height_phone",
    "flat",
    "flat_size",
    "phone",
    "phone_size",
)


def sep_cell(sep: Sep) -> str:
    return "'" + sep.printed + "'"


def generate(
    corpus: Path, out: Path, only: set[str] | None, log: Callable[[str], None] = print
) -> list[dict[str, str]]:
    entries = load_corpus(corpus)
    specs = make_specs(entries)  # dealt over all products, so --only does not change them
    for tier in TIERS:
        if only is None:
            clean(out / tier)
        else:
            (out / tier).mkdir(parents=True, exist_ok=True)
    rows = []
    for entry, spec in zip(entries, specs, strict=True):
        label = render_label(entry, spec)
        header = spec.header.printed(spec.case == "upper") if spec.header.lang != "none" else ""
        row = {
            "id": entry.id,
            "split": spec.split,
            "type": entry.type,
            "font_family": spec.family.name,
            "font_kind": spec.family.kind,
            "font_package": spec.family.package,
            "separator": spec.sep.name,
            "separator_text": sep_cell(spec.sep),
            "header_lang": spec.header.lang,
            "header_text": header,
            "header_position": spec.header_pos,
            "layout": spec.layout,
            "background_kind": spec.background,
            "background": label.notes["background"],
            "case": "upper (as in the corpus)"
            if spec.case == "as-is" and all(it == it.upper() for it in entry.ingredients)
            else spec.case,
            "list_ending": spec.ending,
            "align": spec.align,
            "surrounding_order": spec.order,
            "extra_language": spec.foreign,
            "logo": label.notes["logo"],
            "ingredients": str(
                len(label.truth) - len(trailing_colours(entry.ingredients))
                if spec.ending == "may-contain"
                else len(label.truth)
            ),
            "may_contain": str(
                len(trailing_colours(entry.ingredients)) if spec.ending == "may-contain" else 0
            ),
            "x_height_flat": label.notes["x_height"],
            "x_height_phone": "",
            "flat": f"wild-flat/{entry.id}.jpg",
            "flat_size": "",
            "phone": f"wild-phone/{entry.id}.jpg",
            "phone_size": "",
        }
        rows.append(row)
        if only is not None and entry.id not in only:
            continue
        for tier, maker in (("wild-flat", to_flat), ("wild-phone", to_phone)):
            image, notes, save = maker(label, ms.rng_for(entry.id, tier))
            path = out / tier / f"{entry.id}.jpg"
            image.save(path, format="JPEG", **save)
            path.with_name(f"{entry.id}.truth.txt").write_text(
                "\n".join(label.truth) + "\n", encoding="utf-8"
            )
            row[f"{tier}_notes"] = ", ".join(notes)
            row[f"{tier.split('-')[1]}_size"] = f"{image.width}x{image.height}"
            if tier == "wild-phone":
                row["x_height_phone"] = notes[-1].split("~")[1].split()[0]
        log(
            f"{entry.id}: {spec.family.name}, {spec.sep.name}, {spec.header.lang}, {spec.layout}, "
            f"{spec.background}, {spec.case}, {spec.ending} -> {row.get('wild-flat_notes', '')}"
        )
    return rows


def write_manifest(rows: list[dict[str, str]], path: Path) -> None:
    lines = ["\t".join(MANIFEST_COLUMNS)]
    for r in rows:
        lines.append("\t".join(r[c].replace("\t", " ") for c in MANIFEST_COLUMNS))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def counts(rows: list[dict[str, str]], key: str, fmt: Callable[[str], str] = str) -> str:
    c = Counter(fmt(r[key]) for r in rows)
    return ", ".join(f"{k} {v}" for k, v in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


def span(rows: list[dict[str, str]], key: str) -> str:
    """min-max of a column: numbers, or the long side of WxH sizes."""
    values = [max(int(v) for v in r[key].split("x")) for r in rows if r[key]]
    return f"{min(values)}-{max(values)}" if values else "?"


def readme_text(rows: list[dict[str, str]]) -> str:
    tier_rows = (
        "| wild-flat | `wild-flat/*.jpg` | a flat, sharp scan: the label on a light scanner bed "
        "with a 16-48 px margin, faint speckle, no distortion, JPEG q85 (optimised, progressive); "
        f"{span(rows, 'flat_size')} px on the long side, body x-height "
        f"{span(rows, 'x_height_flat')} px |\n"
        "| wild-phone | `wild-phone/*.jpg` | a handheld phone photo of the same label, built from "
        "make_samples' phone helpers: on a wood, stone or linen table filling 68-95% of a 3:4 "
        f"frame (9:16 for tall narrow labels), {span(rows, 'phone_size')} px on the long side, "
        "perspective keystone 3-6% plus corner jitter, rotation up to 3.5 degrees with text lines "
        "within 3 degrees of level, drop shadow, uneven light, colour cast, blur sigma 0.55-0.9, "
        "sensor noise sigma 1.2-2.0, JPEG q68-78 (optimised, progressive); body x-height "
        f"{span(rows, 'x_height_phone')} px |"
    )
    by_split = Counter(r["split"] for r in rows)
    fams = sorted({(f.name, f.kind, f.package) for f in FAMILIES})
    font_lines = "\n".join(f"| {n} | {k} | `{p}` |" for n, k, p in fams)
    table = "\n".join(
        f"| `{r['id']}` | {r['split']} | {r['font_family']} | {r['separator_text']} | "
        f"{r['header_text'] or '(none)'} ({r['header_position']}) | {r['layout']} | "
        f"{r['background']} | {r['case']} | {r['list_ending']} | {r['extra_language']} |"
        for r in rows
    )
    return f"""\
# samples: the wild tiers

`make_wild.py` typesets the 40 real-world ingredient lists in `tests/data/corpus/*.tsv` (column 1,
the ingredient as printed on the label) as synthetic labels that do not all look alike, and writes
each in two tiers. Nothing here is a photo of a real package. Regenerate with

    .venv/bin/python samples/make_wild.py

(after `make_samples.py`, which rewrites `README.md`; this script restores its own marked section
there and owns `wild-flat/`, `wild-phone/`, `wild-manifest.tsv` and this file). It is
deterministic: the variations are dealt out over the products in the order of a CRC of (dimension,
product id), so every value appears a planned number of times, and each label and tier draws from
a numpy Generator seeded with a CRC of the product id and the tier; nothing depends on time.

| tier | folder | what it simulates |
| --- | --- | --- |
{tier_rows}

Each image has `<stem>.truth.txt` beside it: one ingredient per line exactly as printed (ALL CAPS
where the label is, with the organic footnote marker where the label has one), the list first and
then any may-contain items, in label order. Marketing words, formula codes and footnotes after the
list are not ingredients and are not in the truth.

`wild-manifest.tsv` has one row per product with its split and every variation. **Split**: `tune`
{by_split["tune"]}, `holdout` {by_split["holdout"]}; within the comma-separated and the other
products, alternating in CRC order of the id (chosen before any image was read, not by results).
Tune on `tune`; report on `holdout`. The bench can read the tiers with
`python -m bench.run --tiers wild-flat wild-phone` and the manifest gives the split.

## What varies

* **Font family** ({len(FAMILIES)} families; products per kind: {counts(rows, "font_kind")}):
  {counts(rows, "font_family")}.
  Glyphs a family lacks come from Noto Sans (Cyrillic in Quicksand, Kazakh letters in
  Liberation), DejaVu Sans (geometric bullets) and Noto Sans CJK (Hangul, kanji, hanzi).
* **Case**: {counts(rows, "case")} (ALL CAPS upper-cases the list, the may-contain line and
  the header).
* **Separator**: {counts(rows, "separator")}. The bullet variants differ in spacing: `A • B`,
  `A •B`, `A• B`, `A•B`.
* **Header**: {counts(rows, "header_lang")} (language codes; `+` joins multi-language headers);
  position {counts(rows, "header_position")} (`above` = on its own line).
* **Layout**: {counts(rows, "layout")}. Two columns: the list flows down column 1, then column 2.
  Wrap-logo: a drawn monogram, leaf, jar, barcode or sun block takes the right or left third of
  the first 4-6 lines of the list.
* **List ending**: {counts(rows, "list_ending")}. `may-contain`: the trailing CI colourants
  printed as a "May contain (+/-):" group; `organic`: plant items marked `*` (or `†`) with a
  footnote line; `natural-origin`: a "98% natural origin" line; `marketing`: words right after the
  last ingredient ("... LIMONENE. MOISTURIZER. MADE IN INDIA."); `formula-code`: "F.I.L. D12345/1."
  after the list; `no-period`: the list just stops.
* **Surrounding text**: brand, product name, claims and volume above; directions and warnings
  above or below the list ({counts(rows, "surrounding_order")}); an extra directions paragraph in
  another language ({counts(rows, "extra_language")}); an address/origin/lot footer, sometimes in
  Russian.
* **Background**: {counts(rows, "background_kind")}: white or off-white, a flat pastel, dark with
  light (cream, white or gold) text, a two-colour gradient, a faint pattern (stripes, dots, waves,
  grid) or a paper texture (kraft/recycled, with fibres and flecks).
* **Alignment**: {counts(rows, "align")}.

## Fonts

| family | kind | Debian package |
| --- | --- | --- |
{font_lines}
| Noto Sans CJK (fallback) | CJK | `fonts-noto-cjk` |

## Products

| id | split | font | separator | header | layout | background | case | ending | extra language |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
{table}
"""


def update_readme(path: Path) -> None:
    section = f"""{README_BEGIN}
## Wild tiers (`make_wild.py`)

`wild-flat/` and `wild-phone/` hold 40 more labels made by `make_wild.py` from the real-world
ingredient lists in `tests/data/corpus/`, varied in font family (18 Debian font families), separator
(bullets, dots, dashes, bars, ...), header language (or none), layout (two columns, wrapped around a
logo, narrow), case, list ending and background. `wild-manifest.tsv` gives each product's
variations and its split (`tune` / `holdout`); `wild-README.md` describes them.
`make_samples.py` rewrites this file: rerun `.venv/bin/python samples/make_wild.py` afterwards to
restore this section.
{README_END}
"""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(README_BEGIN) + r".*?" + re.escape(README_END) + r"\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--only", nargs="*", help="product ids to (re)draw; others are untouched")
    args = parser.parse_args(argv)
    check_fonts()
    only = set(args.only) if args.only else None
    rows = generate(args.corpus, args.out, only)
    if only is None:
        write_manifest(rows, args.out / MANIFEST)
        (args.out / WILD_README).write_text(readme_text(rows), encoding="utf-8")
        update_readme(args.out / "README.md")
    print(f"wrote {len(rows) * 2 if only is None else len(only) * 2} images under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
