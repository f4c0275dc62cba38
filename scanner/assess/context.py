"""What the label says beyond its ingredient list: the kind of product, its claims, and the
reader's own avoid list.

- Product type: eye-area products (eye cream, concealer, eye make-up) weigh more, since milia
  favour the eyelids; leave-on balms and ointments a little more; rinse-off products
  (cleansers, wash-off masks) much less, since they do not stay on the skin.
- Claims: "silicone-free", "non-comedogenic", "oil-free", "fragrance-free" checked against
  the list.
- Avoid list: names (any synonym) or categories the reader wants called out first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from milia_scan.errors import BadArgsError
from milia_scan.lexicon import Lexicon, name_key
from milia_scan.models import AvoidHit, ClaimIssue, Context, Match, ProductType

FACTORS = {
    ProductType.eye: 1.3,
    ProductType.balm: 1.15,
    ProductType.leave_on: 1.0,
    ProductType.rinse_off: 0.35,
}
# Checked in this order: the first kind whose words appear decides.
TYPE_WORDS: tuple[tuple[ProductType, tuple[str, ...]], ...] = (
    # Not "rinse with water": that is the usual warning on leave-on products too.
    (
        ProductType.rinse_off,
        (
            "rinse off",
            "rinse-off",
            "wash off",
            "face wash",
            "facial wash",
            "cleanser",
            "cleansing gel",
            "cleansing foam",
            "cleansing milk",
            "body wash",
            "shampoo",
            "wash-off mask",
        ),
    ),
    (
        ProductType.eye,
        (
            "eye cream",
            "eye gel",
            "eye balm",
            "eye serum",
            "under eye",
            "under-eye",
            "around the eye",
            "around the eyes",
            "eye area",
            "eye contour",
            "concealer",
            "mascara",
            "eyeliner",
            "eye liner",
            "eyeshadow",
            "eye shadow",
            "eyelid",
            "eyelids",
            "periocular",
        ),
    ),
    (ProductType.balm, ("balm", "ointment", "salve")),
)
ALIASES = {  # everyday words for groups of categories, as a reader would write them
    "silicone": ("film_forming_silicone", "volatile_silicone"),
    "occlusive": ("heavy_occlusive",),
    "comedogenic": ("comedogenic_ester", "comedogenic_oil"),
    "fragrance": ("fragrance", "fragrance_allergen"),
    "perfume": ("fragrance", "fragrance_allergen"),
    "exfoliating acid": ("aha", "bha", "pha"),
}
CLAIMS = {
    "silicone-free": re.compile(r"silicone[\s-]*free|free of silicones?|no silicones?", re.I),
    "non-comedogenic": re.compile(r"non[\s-]*comedogenic", re.I),
    "oil-free": re.compile(r"oil[\s-]*free", re.I),
    "fragrance-free": re.compile(r"(fragrance|perfume|parfum)[\s-]*free|unscented", re.I),
}


@dataclass(frozen=True)
class AnalysisOptions:
    """What the reader tells us beyond the label: product type and avoid list."""

    product_type: ProductType = ProductType.auto
    avoid: tuple[str, ...] = ()


def detect_context(
    label_text: str, chosen: ProductType = ProductType.auto, ingredients: Sequence[str] = ()
) -> Context:
    """The product type: as chosen, else from whole words on the label outside its
    ingredient list (so "Lemon Balm Leaf Extract" does not make a balm)."""
    if chosen is not ProductType.auto:
        return Context(chosen, FACTORS[chosen], "given with --product-type")
    text = label_text
    for raw in sorted(ingredients, key=len, reverse=True):
        text = text.replace(raw, " ")
    text = " ".join(text.casefold().split())
    for kind, words in TYPE_WORDS:
        for word in words:
            if re.search(rf"\b{re.escape(word)}\b", text):
                return Context(kind, FACTORS[kind], f"the label says '{word}'")
    return Context(
        ProductType.leave_on, 1.0, "assumed leave-on (nothing on the label says otherwise)"
    )


def _is_silicone(m: Match) -> bool:
    return bool(set(ALIASES["silicone"]) & set(m.categories))


def _is_oil(m: Match) -> bool:
    """A plant oil, or anything named an oil (mineral oil); waxes and paraffin are not."""
    name = (m.name or m.item.raw).casefold()
    return "plant_oil" in m.categories or bool(re.search(r"\boil\b", name))


def _is_comedogenic(m: Match) -> bool:
    rating = m.entry.comedogenic if m.entry else None
    return bool({"comedogenic_ester", "comedogenic_oil"} & set(m.categories)) or (
        rating is not None and rating.high >= 3
    )


def _is_fragrance(m: Match) -> bool:
    return bool({"fragrance", "fragrance_allergen"} & set(m.categories))


CONTRADICTIONS = {
    "silicone-free": (_is_silicone, "a silicone"),
    "non-comedogenic": (_is_comedogenic, "rated comedogenic in rabbit-ear tables, a weak prior"),
    "oil-free": (_is_oil, "an oil"),
    "fragrance-free": (_is_fragrance, "a fragrance or fragrance allergen"),
}


def check_claims(label_text: str, matches: Sequence[Match]) -> tuple[ClaimIssue, ...]:
    issues = []
    for claim, pattern in CLAIMS.items():
        if not pattern.search(label_text):
            continue
        test, what = CONTRADICTIONS[claim]
        found = tuple(m.name or m.item.raw for m in matches if test(m))
        if found:
            names = ", ".join(found[:4]) + (" ..." if len(found) > 4 else "")
            issues.append(
                ClaimIssue(
                    claim, found, f"The label says '{claim}', but it lists {names} ({what})."
                )
            )
    return tuple(issues)


def avoid_terms_from_config() -> tuple[str, ...]:
    """Names or categories, one per line, in avoid.txt in the user config folder
    (~/.config/milia-scan/avoid.txt on Linux)."""
    from milia_scan.locations import config_dir

    path = config_dir() / "avoid.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ()
    return tuple(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))


def avoid_hits(
    matches: Sequence[Match], terms: Iterable[str], lexicon: Lexicon
) -> tuple[AvoidHit, ...]:
    """Ingredients matching a term: a category id or label, or any name of an entry."""
    wanted: list[tuple[str, str, str]] = []  # (kind, value, as the reader wrote it)
    for term in terms:
        key = name_key(term)
        if not key:
            continue
        forms = {key, key.removesuffix("s"), key.removesuffix("es")}
        categories = [cid for form in forms for cid in ALIASES.get(form, ())]
        categories += [
            c.id for c in lexicon.categories.values() if forms & {name_key(c.id), name_key(c.label)}
        ]
        entry = lexicon.entry(term)
        if categories:
            wanted.extend(("category", cid, term) for cid in dict.fromkeys(categories))
        elif entry:
            wanted.append(("entry", entry.name, term))
        else:
            raise BadArgsError(
                f"--avoid {term!r} is neither an ingredient nor a category the "
                "lexicon knows; try 'milia-scan lexicon search'"
            )
    hits = []
    for m in matches:
        for kind, value, term in wanted:
            if (kind == "category" and value in m.categories) or (
                kind == "entry" and m.name == value
            ):
                hits.append(AvoidHit(m.name or m.item.raw, m.item.position, f"you avoid '{term}'"))
                break
    return tuple(hits)
