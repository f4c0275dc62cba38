"""The milia-risk model: tables of (ingredient list, expected level) and its invariants."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from milia_scan.assess.risk import assess, level_for, position_weight
from milia_scan.lexicon import Lexicon
from milia_scan.pipeline import scan_text

LEVELS = [
    # heavy occlusives at the top of the list: high
    ("Petrolatum, Paraffinum Liquidum, Lanolin, Cera Microcristallina, Tocopherol", "high"),
    # a light gel: humectants only
    ("Aqua, Glycerin, Sodium Hyaluronate, Panthenol, Phenoxyethanol", "low"),
    # a silicone primer: film formers only, a hypothesis -> moderate at most
    ("Dimethicone, Cyclopentasiloxane, Dimethicone Crosspolymer, Polysilicone-11", "moderate"),
    # an occlusive far down the list barely counts
    (
        "Aqua, Glycerin, Butylene Glycol, Niacinamide, Panthenol, Sodium Hyaluronate, Allantoin, "
        "Xanthan Gum, Carbomer, Sodium Hydroxide, Phenoxyethanol, Ethylhexylglycerin, "
        "Disodium EDTA, "
        "Tocopherol, Petrolatum",
        "low",
    ),
    # a rich cream with comedogenic esters and an occlusive near the top
    ("Aqua, Isopropyl Myristate, Petrolatum, Cocos Nucifera Oil, Cetyl Alcohol, Glycerin", "high"),
]


@pytest.mark.parametrize(("text", "level"), LEVELS)
def test_levels(lexicon: Lexicon, text: str, level: str) -> None:
    assert scan_text(text, lexicon=lexicon).risk.level == level


def test_position_weight_falls_and_has_a_floor() -> None:
    weights = [position_weight(p) for p in range(1, 60)]
    assert weights[0] == 1.0
    assert all(a > b for a, b in itertools.pairwise(weights))
    assert min(weights) >= 0.15


def test_levels_from_score() -> None:
    assert [level_for(s) for s in (0, 29, 30, 59, 60, 100)] == [
        "low",
        "low",
        "moderate",
        "moderate",
        "high",
        "high",
    ]


def test_every_factor_cites_its_evidence(lexicon: Lexicon) -> None:
    risk = scan_text(
        "Aqua, Petrolatum, Dimethicone, Isopropyl Myristate, Retinol, Salicylic Acid, Glycerin",
        lexicon=lexicon,
    ).risk
    for factor in (*risk.drivers, *risk.mitigators):
        assert factor.sources and all(s in lexicon.sources for s in factor.sources)
        assert factor.evidence in ("established", "reported", "hypothesis")
        assert factor.why
    driver = {f.ingredient: f for f in risk.drivers}
    assert driver["Dimethicone"].evidence == "hypothesis"
    assert driver["Petrolatum"].evidence == "reported"
    assert driver["Isopropyl Myristate"].comedogenic == "5"


def test_silicone_link_is_never_stated_as_fact(lexicon: Lexicon) -> None:
    summary = scan_text(
        "Dimethicone, Cyclopentasiloxane, Dimethiconol", lexicon=lexicon
    ).risk.summary
    assert "hypothesis" in summary


def test_no_drivers_says_so(lexicon: Lexicon) -> None:
    risk = scan_text("Aqua, Glycerin, Niacinamide", lexicon=lexicon).risk
    assert risk.score == 0 and risk.level == "low" and not risk.drivers
    assert "no heavy occlusives" in risk.summary


def test_may_contain_pigments_count_less(lexicon: Lexicon) -> None:
    plain = scan_text("Ingredients: Talc, Mica, Dimethicone", lexicon=lexicon).risk.score
    maybe = scan_text("Ingredients: Talc, Mica. May contain: Dimethicone", lexicon=lexicon)
    assert maybe.matches[-1].item.may_contain
    assert maybe.risk.score < plain


DRIVERS = [
    "Petrolatum",
    "Mineral Oil",
    "Lanolin",
    "Dimethicone",
    "Isopropyl Myristate",
    "Cera Alba",
    "Cocos Nucifera Oil",
    "Dimethiconol",
    "Ozokerite",
]
FILLERS = [
    "Aqua",
    "Glycerin",
    "Xanthan Gum",
    "Phenoxyethanol",
    "Tocopherol",
    "Niacinamide",
    "Allantoin",
    "Sodium Chloride",
]
MITIGATORS = ["Retinol", "Salicylic Acid", "Glycolic Acid", "Gluconolactone", "Sodium Hyaluronate"]


@settings(max_examples=60, deadline=None)
@given(
    drivers=st.lists(st.sampled_from(DRIVERS), min_size=1, max_size=4, unique=True),
    fillers=st.lists(st.sampled_from(FILLERS), min_size=1, max_size=6, unique=True),
    mitigator=st.sampled_from(MITIGATORS),
)
def test_model_invariants(
    lexicon: Lexicon, drivers: list[str], fillers: list[str], mitigator: str
) -> None:
    def score(names: list[str]) -> int:
        return scan_text(", ".join(names), lexicon=lexicon).risk.score

    early = score(drivers + fillers)
    late = score(fillers + drivers)
    assert early >= late  # the same drivers count more at the head of the list
    assert score(drivers + fillers + [mitigator]) <= early  # a mitigator never raises the risk
    assert score(drivers + fillers) >= score(fillers)  # drivers never lower it
    assert 0 <= early <= 100


def test_drivers_are_sorted_by_contribution_and_the_score_follows_the_formula(
    lexicon: Lexicon,
) -> None:
    import math

    risk = scan_text("Aqua, Dimethicone, Petrolatum", lexicon=lexicon).risk
    assert [f.ingredient for f in risk.drivers] == ["Petrolatum", "Dimethicone"]
    petrolatum, dimethicone = (f.contribution for f in risk.drivers)
    assert petrolatum == round(1.0 * position_weight(3), 3)
    assert dimethicone == round(0.55 * position_weight(2), 3)
    assert risk.score == round(100 * (1 - math.exp(-(petrolatum + dimethicone) / 1.5)))
    assert (
        assess(
            scan_text("Aqua, Dimethicone, Petrolatum", lexicon=lexicon).matches,
            lexicon,
            factor=0.35,
        ).score
        < risk.score
    )
