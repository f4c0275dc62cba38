"""Finding and splitting the ingredient list: tables of (label text, expected items)."""

from __future__ import annotations

import pytest
from milia_scan.errors import NoIngredientListError
from milia_scan.ingredients.extract import Token, extract_from_text, extract_ingredients, is_header

CASES = [
    # header, stop at the next section, words broken across lines and at hyphens
    (
        "Ingredients: Aqua (Water), Glycerin, Cetearyl Alco-\nhol, Ceteareth-\n20, Parfum.\n"
        "Directions: Apply to clean skin every evening.",
        ["Aqua (Water)", "Glycerin", "Cetearyl Alcohol", "Ceteareth-20", "Parfum"],
    ),
    (
        "Moisturising cream for dry skin\nINGREDIENTS: Water, Dimethicone, Tocopherol (Vitamin E), "
        "Fragrance.\nWarnings: For external use only.",
        ["Water", "Dimethicone", "Tocopherol (Vitamin E)", "Fragrance"],
    ),
    # commas inside parentheses do not split
    (
        "INCI: Aqua, Lecithin (and) Tocopherol, Extract (Leaf, Root), Limonene.",
        ["Aqua", "Lecithin (and) Tocopherol", "Extract (Leaf, Root)", "Limonene"],
    ),
    # bullets and semicolons
    (
        "INCI: Aqua • Glycerin • Butyrospermum Parkii (Shea) Butter; Caprylic/Capric Triglyceride\n"
        "Made in France",
        ["Aqua", "Glycerin", "Butyrospermum Parkii (Shea) Butter", "Caprylic/Capric Triglyceride"],
    ),
    # a sentence after the final full stop is not an ingredient
    (
        "Ingredients: Water, Petrolatum. Dermatologist tested for sensitive skin and eyes.",
        ["Water", "Petrolatum"],
    ),
    # multilingual headers
    ("Inhaltsstoffe: Aqua, Glycerin, Parfum", ["Aqua", "Glycerin", "Parfum"]),
    ("Ingredientes: Aqua, Urea, Lactic Acid.", ["Aqua", "Urea", "Lactic Acid"]),
    ("Ingrédients/Ingredients: Aqua, Talc.", ["Aqua", "Talc"]),
    # footnote marks and stray punctuation
    (
        "Ingredients: Aloe Barbadensis Leaf Juice*, Glycerin**, Water. *Organic",
        ["Aloe Barbadensis Leaf Juice", "Glycerin", "Water"],
    ),
    # an OCR'd full stop between two items, not the end of the list
    (
        "Ingredients: Water. Glycerin, Squalane, Retinol.\nHow to use: at night.",
        ["Water", "Glycerin", "Squalane", "Retinol"],
    ),
    # batch codes and distributor lines end the list
    (
        "Ingredients: Water, Mineral Oil, Lanolin\nBatch L2391 EXP 11/2027",
        ["Water", "Mineral Oil", "Lanolin"],
    ),
    (
        "Ingredients: Water, Cera Alba, Ozokerite\nDistributed by Maison Verte, Paris",
        ["Water", "Cera Alba", "Ozokerite"],
    ),
    # a bracket OCR left unclosed does not swallow the rest of the list
    (
        "Ingredients: Aqua, Theobroma Cacao ((ocoa) Seed Butter, Glycerin, Beeswax",
        ["Aqua", "Theobroma Cacao ((ocoa) Seed Butter", "Glycerin", "Beeswax"],
    ),
    (
        "Ingredients: Aqua, Tocopherol (Vitamin E, Glycerin, Beeswax",
        ["Aqua", "Tocopherol (Vitamin E", "Glycerin", "Beeswax"],
    ),
    # decimals are not item breaks
    (
        "Ingredients: Water, Salicylic Acid 0.5%, Glycerin",
        ["Water", "Salicylic Acid 0.5%", "Glycerin"],
    ),
    # a pasted list without a header, comma separated or one per line
    ("Aqua, Glycerin, Niacinamide", ["Aqua", "Glycerin", "Niacinamide"]),
    ("Water\nGlycerin\nDimethicone\n", ["Water", "Glycerin", "Dimethicone"]),
    # one per line under a header, and a line whose only comma is inside a name
    (
        "Ingredients:\nAqua\nGlycerin\nPetrolatum\nCetearyl Alcohol",
        ["Aqua", "Glycerin", "Petrolatum", "Cetearyl Alcohol"],
    ),
    ("Water\n1,2-Hexanediol\nGlycerin", ["Water", "1,2-Hexanediol", "Glycerin"]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_items(text: str, expected: list[str]) -> None:
    assert [item.raw for item in extract_from_text(text).items] == expected


MAY_CONTAIN = [
    (
        "Ingredients: Talc, Silica, may contain mica, titanium dioxide",
        [("Talc", False), ("Silica", False), ("mica", True), ("titanium dioxide", True)],
    ),
    (
        "Ingredients: Talc, Silica (may contain) mica, iron oxides",
        [("Talc", False), ("Silica", False), ("mica", True), ("iron oxides", True)],
    ),
    (
        "Ingredients: Talc, Silica [+/-]: CI 77491, CI 77492",
        [("Talc", False), ("Silica", False), ("CI 77491", True), ("CI 77492", True)],
    ),
    (
        "Ingredients: Aqua, Talc [+/- May Contain: CI 77891, CI 77491].",
        [("Aqua", False), ("Talc", False), ("CI 77891", True), ("CI 77491", True)],
    ),
    (
        "Ingredients: Water, Mica, Sodium Benzoate May Contain (+/-): CI 77491, Mica.",
        [
            ("Water", False),
            ("Mica", False),
            ("Sodium Benzoate", False),
            ("CI 77491", True),
            ("Mica", True),
        ],
    ),
    (
        "Ingredients: Talc, Silica. Peut contenir/May contain: CI 77492, CI 77499",
        [("Talc", False), ("Silica", False), ("CI 77492", True), ("CI 77499", True)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), MAY_CONTAIN)
def test_may_contain_items_are_kept_and_flagged(
    text: str, expected: list[tuple[str, bool]]
) -> None:
    items = extract_from_text(text).items
    assert [(i.raw, i.may_contain) for i in items] == expected
    assert [i.position for i in items] == list(range(1, len(items) + 1))


@pytest.mark.parametrize(
    "word",
    [
        "INGREDIENTS:",
        "Ingredients",
        "lngredients:",
        "INGREDlENTS",
        "Ingrédients/Ingredients:",
        "INCI:",
        "Inhaltsstoffe:",
    ],
)
def test_header_words_survive_ocr_noise(word: str) -> None:
    assert is_header(word)


@pytest.mark.parametrize("word", ["Ingredient-free", "Glycerin", "Directions:", "Inc"])
def test_other_words_are_not_headers(word: str) -> None:
    assert not is_header(word)


def test_header_choice_prefers_the_real_list_over_marketing() -> None:
    text = (
        "Key ingredients: retinol and peptides\n\nIngredients: Water, Glycerin, Retinol, "
        "Palmitoyl Tripeptide-1, Phenoxyethanol"
    )
    items = [i.raw for i in extract_from_text(text).items]
    assert items == ["Water", "Glycerin", "Retinol", "Palmitoyl Tripeptide-1", "Phenoxyethanol"]


def test_boxes_are_the_union_of_the_words_an_item_came_from() -> None:
    tokens = [
        Token("Ingredients:", (10, 10, 100, 20), (1, 1, 1)),
        Token("Cetearyl", (120, 10, 80, 20), (1, 1, 1)),
        Token("Alcohol,", (210, 12, 70, 20), (1, 1, 1)),
        Token("Water", (10, 40, 50, 20), (1, 1, 2)),
    ]
    items = extract_ingredients(tokens).items
    assert [(i.raw, i.box) for i in items] == [
        ("Cetearyl Alcohol", (120, 10, 160, 22)),
        ("Water", (10, 40, 50, 20)),
    ]


@pytest.mark.parametrize(
    "text", ["", "   ", "Gentle face wash for daily use.\nMade in Italy", "Ingredients:"]
)
def test_no_list_is_a_clear_error(text: str) -> None:
    with pytest.raises(NoIngredientListError, match="ingredient"):
        extract_ingredients([Token(w, None, (0, 0, 0)) for w in text.split()])


def test_ocr_text_without_header_falls_back_to_the_comma_block_with_a_warning() -> None:
    tokens = [Token(w, None, (1, 1, 1)) for w in ["Night", "cream", "50", "ml"]]
    tokens += [Token(w, None, (2, 1, 1)) for w in ["Water,", "Glycerin,", "Petrolatum,", "Lanolin"]]
    result = extract_ingredients(tokens)
    assert [i.raw for i in result.items] == ["Water", "Glycerin", "Petrolatum", "Lanolin"]
    assert result.warnings and "header" in result.warnings[0]
