"""The shipped lexicon: valid, large enough, covering the samples and the names in the notes."""

from __future__ import annotations

from collections import Counter

import pytest
from milia_scan.ingredients.match import Matcher
from milia_scan.lexicon import Lexicon, Role
from milia_scan.models import IngredientItem

from .conftest import SAMPLES


def test_size_and_ratings_have_sources(lexicon: Lexicon) -> None:
    assert len(lexicon.entries) >= 250
    for entry in lexicon.entries:
        if entry.comedogenic or entry.irritancy:
            assert entry.rating_source in lexicon.sources
        risky = any(lexicon.categories[c].role is not Role.neutral for c in entry.categories)
        if risky:
            assert entry.sources, entry.name


def test_every_sample_ingredient_resolves_exactly(lexicon: Lexicon) -> None:
    matcher = Matcher(lexicon)
    missing = [
        line
        for truth in sorted(SAMPLES.glob("*/*.truth.txt"))
        for line in truth.read_text(encoding="utf-8").splitlines()
        if line.strip() and matcher.match(IngredientItem(1, line)).method != "exact"
    ]
    assert not missing


# Names in shared/LEXICON_NOTES.md (ratings table, silicones, occlusives, helpful ingredients).
NOTES_NAMES = """
Isopropyl Myristate; Isopropyl Palmitate; Isopropyl Isostearate; Isocetyl Stearate;
Ethylhexyl Stearate; Octyl Stearate; Ethylhexyl Palmitate; Octyl Palmitate; Myristyl Lactate;
Decyl Oleate; Laureth-4; Oleth-3; Acetylated Lanolin Alcohol; Lanolin; Lanolin Alcohol;
Cocoa Butter; Coconut Oil; Wheat Germ Oil; Linseed Oil; Soybean Oil; Olive Oil; Avocado Oil;
Jojoba Oil; Sunflower Oil; Castor Oil; Shea Butter; Squalane; Mineral Oil; Petrolatum; Beeswax;
Carnauba Wax; Ceresin; Lauric Acid; Myristic Acid; Stearic Acid; Cetyl Alcohol; Cetearyl Alcohol;
Glyceryl Stearate SE; Dimethicone; Cyclomethicone; Glycerin; Sodium Hyaluronate; Zinc Oxide;
Algae Extract; Carrageenan;
Dimethiconol; Amodimethicone; Bis-Aminopropyl Dimethicone; Trimethylsiloxysilicate;
Polypropylsilsesquioxane; Dimethicone Crosspolymer; Dimethicone/Vinyl Dimethicone Crosspolymer;
Cetyl Dimethicone; Stearyl Dimethicone; Lauryl Dimethicone; Cetearyl Methicone;
Phenyl Trimethicone; Trimethylsiloxyphenyl Dimethicone; Acrylates/Dimethicone Copolymer;
Polysilicone-11; PEG-10 Dimethicone; Cetyl PEG/PPG-10/1 Dimethicone;
Cyclotetrasiloxane; Cyclopentasiloxane; Cyclohexasiloxane; Disiloxane; Trisiloxane;
Methyl Trimethicone; Ethyl Trisiloxane; Caprylyl Methicone;
Silica; Silica Silylate; Magnesium Aluminum Silicate; Triethoxycaprylylsilane;
Petroleum Jelly; White Soft Paraffin; Paraffinum Liquidum; Liquid Paraffin; Paraffin;
Cera Microcristallina; Microcrystalline Wax; Ozokerite; Wool Wax; Adeps Lanae;
Acetylated Lanolin; Lanolin Oil; Cera Alba; Cera Flava; Copernicia Cerifera Wax;
Euphorbia Cerifera Wax; Butyrospermum Parkii Butter; Theobroma Cacao Seed Butter;
Cocos Nucifera Oil; Mangifera Indica Seed Butter;
Retinol; Retinal; Retinaldehyde; Retinyl Palmitate; Retinyl Acetate; Retinyl Propionate;
Retinyl Linoleate; Retinyl Retinoate; Hydroxypinacolone Retinoate; Tretinoin; Adapalene;
Tazarotene; Trifarotene; Bakuchiol;
Glycolic Acid; Lactic Acid; Sodium Lactate; Ammonium Lactate; Mandelic Acid; Citric Acid;
Malic Acid; Tartaric Acid; Salicylic Acid; Betaine Salicylate; Capryloyl Salicylic Acid;
Sodium Salicylate; Salix Alba Bark Extract; Ethylhexyl Salicylate; Homosalate; Benzyl Salicylate;
Gluconolactone; Lactobionic Acid; Hyaluronic Acid; Hydrolyzed Hyaluronic Acid;
Sodium Acetylated Hyaluronate; Panthenol; Butylene Glycol; Propanediol; Sodium PCA; Urea;
Betaine; Sorbitol; Trehalose
"""
NOTES = [n.strip() for n in NOTES_NAMES.replace("\n", " ").split(";") if n.strip()]


@pytest.mark.parametrize("name", NOTES)
def test_every_name_in_the_notes_is_known(lexicon: Lexicon, name: str) -> None:
    assert lexicon.lookup(name) is not None


CLASSES = {
    "film_forming_silicone": [
        "Dimethicone",
        "Dimethiconol",
        "Trimethylsiloxysilicate",
        "Polysilicone-11",
        "Phenyl Trimethicone",
        "Cetyl Dimethicone",
    ],
    "volatile_silicone": [
        "Cyclopentasiloxane",
        "Cyclotetrasiloxane",
        "Disiloxane",
        "Methyl Trimethicone",
    ],
    "heavy_occlusive": [
        "Petrolatum",
        "Mineral Oil",
        "Paraffin",
        "Microcrystalline Wax",
        "Ceresin",
        "Ozokerite",
        "Lanolin",
        "Lanolin Alcohol",
        "Beeswax",
        "Shea Butter",
        "Cocoa Butter",
    ],
    "comedogenic_ester": ["Isopropyl Myristate", "Isopropyl Palmitate", "Octyl Palmitate"],
    "retinoid": ["Retinol", "Retinal", "Retinyl Palmitate", "Adapalene", "Tretinoin"],
    "aha": ["Glycolic Acid", "Lactic Acid", "Mandelic Acid"],
    "bha": ["Salicylic Acid", "Betaine Salicylate"],
    "pha": ["Gluconolactone", "Lactobionic Acid"],
    "humectant": ["Glycerin", "Sodium Hyaluronate", "Panthenol", "Urea"],
}


@pytest.mark.parametrize("category", sorted(CLASSES))
def test_key_classes(lexicon: Lexicon, category: str) -> None:
    for name in CLASSES[category]:
        entry = lexicon.entry(name)
        assert entry is not None and category in entry.categories, name


def test_bakuchiol_is_not_a_retinoid(lexicon: Lexicon) -> None:
    entry = lexicon.entry("Bakuchiol")
    assert entry is not None and "retinoid" not in entry.categories


def test_ratings_match_the_notes(lexicon: Lexicon) -> None:
    def grade(name: str) -> str:
        entry = lexicon.entry(name)
        assert entry is not None and entry.comedogenic is not None
        return str(entry.comedogenic)

    assert grade("Isopropyl Myristate") == "5"
    assert grade("Jojoba Oil") == "0-2"
    assert grade("Olive Oil") == "2-4"
    assert grade("Petrolatum") == "0"
    assert grade("Mineral Oil") == "0"
    counts = Counter(e.rating_source for e in lexicon.entries if e.comedogenic)
    assert set(counts) <= {
        "fulton_tables",
        "kligman1996",
        "fulton1989",
        "lanolin1983",
        "fulton_lists",
    }


def test_primary_paper_grades_are_the_papers(lexicon: Lexicon) -> None:
    # Fulton 1989 Table III grades fatty acids in two vehicles: the range spans both columns.
    lauric = lexicon.entry("Lauric Acid")
    assert lauric is not None and lauric.rating_source == "fulton1989"
    assert (str(lauric.comedogenic), str(lauric.irritancy)) == ("3-4", "1")
    # The 1983 lanolin paper grades comedogenicity only, so no irritancy is attached to it.
    for name, grade in [("Isopropyl Lanolate", "3"), ("Lanolin Oil", "0-1"), ("SLS", "0")]:
        entry = lexicon.entry(name)
        assert entry is not None and entry.rating_source == "lanolin1983"
        assert str(entry.comedogenic) == grade and entry.irritancy is None
    assert "1983" in lexicon.sources["lanolin1983"].citation


def test_every_name_and_synonym_matches_its_own_entry(lexicon: Lexicon) -> None:
    """Through the whole matcher (OCR-aware keys included), not just the lookup table."""
    matcher = Matcher(lexicon)
    wrong = [
        (surface, entry.name, m.name)
        for entry in lexicon.entries
        for surface in entry.names
        if (m := matcher.match(IngredientItem(1, surface))).entry is not entry
    ]
    assert not wrong
