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
        assert factor.evidence in ("established", "reported", "expert_opinion", "hypothesis")
        assert factor.why
    driver = {f.ingredient: f for f in risk.drivers}
    assert driver["Dimethicone"].evidence == "expert_opinion"
    assert driver["Isopropyl Myristate"].evidence == "hypothesis"
    assert driver["Petrolatum"].evidence == "reported"
    assert driver["Isopropyl Myristate"].comedogenic == "5"


def test_silicone_link_is_never_stated_as_fact(lexicon: Lexicon) -> None:
    summary = scan_text(
        "Dimethicone, Cyclopentasiloxane, Dimethiconol", lexicon=lexicon
    ).risk.summary
    assert "expert opinion or a hypothesis, not on studies" in summary


def test_no_drivers_says_so(lexicon: Lexicon) -> None:
    risk = scan_text("Aqua, Glycerin, Niacinamide", lexicon=lexicon).risk
    assert risk.score == 0 and risk.level == "low" and not risk.drivers
    assert "no heavy occlusives" in risk.summary
    assert "offset" not in risk.summary  # nothing to offset
    assert "Glycerin" in risk.summary


def test_offset_is_mentioned_only_with_something_to_offset(lexicon: Lexicon) -> None:
    risk = scan_text("Aqua, Petrolatum, Glycerin, Phenoxyethanol", lexicon=lexicon).risk
    assert "Glycerin (light humectant, #3) may help offset it" in risk.summary


def test_butters_and_waxes_rest_on_weaker_grounds_than_petrolatum(lexicon: Lexicon) -> None:
    """Plant butters are 'heavy' only in an aesthetician's advice in a magazine, waxes only by
    the tool's own analogy: a weaker grade than petrolatum, and they count under the cap."""
    risk = scan_text(
        "Petrolatum, Butyrospermum Parkii Butter, Cera Alba, Aqua, Phenoxyethanol",
        lexicon=lexicon,
    ).risk
    grade = {f.ingredient: f.evidence for f in risk.drivers}
    assert grade == {
        "Petrolatum": "reported",
        "Butyrospermum Parkii (Shea) Butter": "expert_opinion",
        "Beeswax": "hypothesis",
    }
    shea = next(f for f in risk.drivers if f.ingredient.startswith("Butyrospermum"))
    membership = shea.claims[0]
    assert membership.kind == "membership"
    supports = {c.source for c in membership.citations if c.stance == "supports"}
    assert supports == {"magazine_milia"}
    alone = scan_text("Butyrospermum Parkii Butter, Cera Alba, Aqua", lexicon=lexicon).risk
    assert alone.level != "high"  # expert opinion and analogy never make a product high alone


def test_sources_are_cited_with_the_stance_they_take(lexicon: Lexicon) -> None:
    risk = scan_text(
        "Aqua, Petrolatum, Dimethicone, Isopropyl Myristate, Glycerin, Phenoxyethanol",
        lexicon=lexicon,
    ).risk
    factor = {f.ingredient: f for f in (*risk.drivers, *risk.mitigators)}

    def stances(name: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for claim in factor[name].claims:
            for c in claim.citations:
                out.setdefault(c.source, set()).add(str(c.stance))
        return out

    assert stances("Petrolatum")["kligman1996"] == {"against"}
    assert stances("Dimethicone")["silicone_tewl2014"] == {"against"}
    assert stances("Isopropyl Myristate")["draelos2006"] == {"against"}
    assert stances("Isopropyl Myristate")["rabbit_ear2007"] == {"against"}
    assert "silicone_tewl2014" not in stances("Glycerin")
    for f in factor.values():  # the flat list names supporters only
        assert not {"kligman1996", "draelos2006", "rabbit_ear2007"} & set(f.sources)
    cited = {s.id for s in risk.references}
    assert {"kligman1996", "silicone_tewl2014", "magazine_milia", "derm_practice"} <= cited


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
