"""Product type, claim check and avoid list: tables of (label text, expected)."""

from __future__ import annotations

import pytest
from milia_scan.assess.context import AnalysisOptions, ProductType, detect_context
from milia_scan.errors import BadArgsError
from milia_scan.lexicon import Lexicon
from milia_scan.pipeline import scan_text

TYPES = [
    ("Lumiere Firming Eye Cream. Ingredients: Aqua", ProductType.eye),
    ("Second Skin Concealer", ProductType.eye),
    ("Pat gently around the eye area", ProductType.eye),
    ("Intensive Repair Night Balm", ProductType.balm),
    ("Healing ointment for dry skin", ProductType.balm),
    ("Gentle Foaming Cleanser. Massage onto wet skin, rinse well.", ProductType.rinse_off),
    ("Clay mask: leave 10 minutes, then rinse off", ProductType.rinse_off),
    ("Daily moisturiser for the face", ProductType.leave_on),
    # the usual warning on a leave-on product is not a rinse-off instruction
    ("Eye Cream. If contact occurs, rinse with water.", ProductType.eye),
    ("Face cream. Rinse thoroughly if it gets into the eyes.", ProductType.leave_on),
]


def test_words_inside_the_ingredient_list_do_not_set_the_type(lexicon: Lexicon) -> None:
    report = scan_text(
        "Face cream. Ingredients: Aqua, Melissa Officinalis (Lemon Balm) Leaf Extract, Glycerin",
        lexicon=lexicon,
    )
    assert report.context is not None and report.context.product_type is ProductType.leave_on


@pytest.mark.parametrize(("text", "kind"), TYPES)
def test_product_type_from_label(text: str, kind: ProductType) -> None:
    assert detect_context(text).product_type is kind


def test_product_type_given_wins() -> None:
    context = detect_context("Eye cream", ProductType.rinse_off)
    assert context.product_type is ProductType.rinse_off and "--product-type" in context.reason


def test_context_weighs_the_same_list(lexicon: Lexicon) -> None:
    items = "Ingredients: Aqua, Petrolatum, Lanolin, Glycerin"
    score = {
        kind: scan_text(f"{label}. {items}", lexicon=lexicon).risk.score
        for kind, label in (
            ("eye", "Eye cream"),
            ("leave", "Face cream"),
            ("rinse", "Face wash, rinse off"),
        )
    }
    assert score["eye"] > score["leave"] > score["rinse"]


def test_silicones_alone_stay_moderate_even_around_the_eyes(lexicon: Lexicon) -> None:
    report = scan_text(
        "Eye cream. Ingredients: Dimethicone, Dimethicone Crosspolymer, "
        "Cyclopentasiloxane, Polysilicone-11, Dimethiconol",
        lexicon=lexicon,
    )
    assert report.context is not None and report.context.product_type is ProductType.eye
    assert report.risk.level == "moderate"


CLAIMS = [
    ("Silicone-free! Ingredients: Aqua, Dimethicone", "silicone-free", ["Dimethicone"]),
    (
        "Non-comedogenic. Ingredients: Aqua, Isopropyl Myristate",
        "non-comedogenic",
        ["Isopropyl Myristate"],
    ),
    ("Oil free formula. Ingredients: Aqua, Paraffinum Liquidum", "oil-free", ["Mineral Oil"]),
    (
        "Fragrance-free. Ingredients: Aqua, Parfum, Linalool",
        "fragrance-free",
        ["Fragrance", "Linalool"],
    ),
]


@pytest.mark.parametrize(("text", "claim", "culprits"), CLAIMS)
def test_contradicted_claims_are_said_plainly(
    lexicon: Lexicon, text: str, claim: str, culprits: list[str]
) -> None:
    report = scan_text(text, lexicon=lexicon)
    assert [c.claim for c in report.claims] == [claim]
    assert list(report.claims[0].contradicted_by) == culprits
    assert report.warnings[0].startswith(f"The label says '{claim}', but it lists")


@pytest.mark.parametrize(
    "text",
    [
        "Silicone-free. Ingredients: Aqua, Glycerin, Silica",  # silica is not a silicone
        "Non-comedogenic. Ingredients: Aqua, Glycerin, Mineral Oil",  # rated 0
        "Fragrance-free. Ingredients: Aqua, Glycerin",
        "Oil-free. Ingredients: Aqua, Ozokerite, Paraffin, Cera Alba",  # waxes are not oils
        "Ingredients: Aqua, Dimethicone",  # no claim made
    ],
)
def test_kept_claims_raise_nothing(lexicon: Lexicon, text: str) -> None:
    assert scan_text(text, lexicon=lexicon).claims == ()


AVOID = [
    (("silicones",), ["Dimethicone", "Cyclopentasiloxane"]),
    (("lanolin",), ["Lanolin"]),
    (("wool wax",), ["Lanolin"]),  # any synonym
    (("heavy occlusive",), ["Petrolatum", "Lanolin"]),  # a class by its label
    (("retinoid", "aqua"), ["Water", "Retinol"]),
]


@pytest.mark.parametrize(("terms", "hits"), AVOID)
def test_avoid_list(lexicon: Lexicon, terms: tuple[str, ...], hits: list[str]) -> None:
    report = scan_text(
        "Aqua, Petrolatum, Dimethicone, Cyclopentasiloxane, Lanolin, Retinol",
        lexicon=lexicon,
        analysis=AnalysisOptions(avoid=terms),
    )
    assert [h.ingredient for h in report.avoid] == hits


def test_an_unknown_avoid_term_is_a_usage_error(lexicon: Lexicon) -> None:
    with pytest.raises(BadArgsError, match="lexicon search"):
        scan_text("Aqua", lexicon=lexicon, analysis=AnalysisOptions(avoid=("unobtainium",)))
