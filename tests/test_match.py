"""Matching: tables of (as read from a label, expected canonical name or class)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from milia_scan.ingredients.match import Matcher, fuzzy_cutoff, ocr_key
from milia_scan.lexicon import Lexicon, name_key
from milia_scan.lexicon.rules import family_class, silicone_class
from milia_scan.models import IngredientItem


@pytest.fixture(scope="module")
def matcher(lexicon: Lexicon) -> Matcher:
    return Matcher(lexicon)


def _match(matcher: Matcher, raw: str, position: int = 1):  # type: ignore[no-untyped-def]
    return matcher.match(IngredientItem(position, raw))


EXACT = [
    ("Aqua", "Water"),
    ("Aqua/Water/Eau", "Water"),
    ("Aqua (Water)", "Water"),
    ("Eau", "Water"),
    ("Paraffinum Liquidum", "Mineral Oil"),
    ("PARAFFINUM LIQUIDUM", "Mineral Oil"),
    ("Parfum (Fragrance)", "Fragrance"),
    ("Parfum", "Fragrance"),
    ("Butyrospermum Parkii (Shea) Butter", None),
    ("Shea Butter", None),
    ("Octyl Palmitate", "Ethylhexyl Palmitate"),
    ("Cera Alba", None),
    ("Cera Microcristallina", None),
    ("Retinol", "Retinol"),
    ("Retinal", "Retinal"),
    ("Caprylic/Capric Triglyceride", "Caprylic/Capric Triglyceride"),
    ("1,2-Hexanediol", "1,2-Hexanediol"),
    ("PEG-100 Stearate", "PEG-100 Stearate"),
]


@pytest.mark.parametrize(("raw", "name"), EXACT)
def test_exact_names_and_synonyms(matcher: Matcher, raw: str, name: str | None) -> None:
    m = _match(matcher, raw)
    assert m.method == "exact" and m.score == 100
    if name is not None:
        assert m.name == name


def test_shea_names_are_one_entry(matcher: Matcher) -> None:
    names = {
        _match(matcher, raw).name
        for raw in (
            "Butyrospermum Parkii (Shea) Butter",
            "Shea Butter",
            "Butyrospermum Parkii Butter",
        )
    }
    assert len(names) == 1


GARBLED = [
    ("Ceteary! Alcohol", "Cetearyl Alcohol"),
    ("Dimeth1cone", "Dimethicone"),
    ("Tocophery! Acetate", "Tocopheryl Acetate"),
    ("Cl 77891", "Titanium Dioxide"),
    ("Ceteareth-2O", "Ceteareth-20"),
    ("Cyclopentasiloxame", "Cyclopentasiloxane"),
    ("Dimethicone/Viny| Dimethicone Crosspolymer", "Dimethicone/Vinyl Dimethicone Crosspolymer"),
    ("Sodium Hyaluronatc", "Sodium Hyaluronate"),
    ("Petrolatun", "Petrolatum"),
    ("Cetyi Alcohol", "Cetyl Alcohol"),
    ("Retin0l", "Retinol"),
    ("Phenoxyethano1", "Phenoxyethanol"),
    ("Glycerln", "Glycerin"),
    # "ri" read as "n", as "rn" is read as "m" (a low-resolution photo)
    ("Citñc Acid", "Citric Acid"),
    ("Glycenn", "Glycerin"),
    # a lost "(": the word before ")" is the bracketed one
    ("Macadamia Integnfolia Macadamia) Seed Oil", "Macadamia Integrifolia Seed Oil"),
    # a loose curated match with a close runner-up (Oat, Soy) gives way to a vocabulary name
    # that fits clearly better
    ("Hydolyzed Con Protein", "Hydrolyzed Corn Protein"),
]


@pytest.mark.parametrize(("raw", "name"), GARBLED)
def test_ocr_garbled_names_resolve(matcher: Matcher, raw: str, name: str | None) -> None:
    found = _match(matcher, raw)
    assert (found.name if found else None) == name


NEVER = [
    "Oil",  # a short word is never matched onto a long name
    "Acid",
    "PEG-40 Stearate Foo Bar Baz",
    "Amodimethicone Foo",
    "Xyzzy Quux",
    "Directions",
]


@pytest.mark.parametrize("raw", NEVER)
def test_no_guess_below_the_cutoff(matcher: Matcher, raw: str) -> None:
    m = _match(matcher, raw)
    assert m.entry is None or name_key(m.entry.name) == name_key(raw)


def test_numbers_must_agree(matcher: Matcher) -> None:
    # PEG-73 Stearate is no INCI name: it must not become PEG-40 or PEG-100 Stearate
    assert _match(matcher, "PEG-40 Stearate").name == "PEG-40 Stearate"
    assert _match(matcher, "PEG-73 Stearate").entry is None
    assert _match(matcher, "Ceteareth-12").name == "Ceteareth-12"


SALICYLATE_TRAPS = ["Ethylhexyl Salicylate", "Homosalate", "Benzyl Salicylate", "Octisalate"]


@pytest.mark.parametrize("raw", SALICYLATE_TRAPS)
def test_salicylate_traps_are_not_bhas(matcher: Matcher, raw: str) -> None:
    m = _match(matcher, raw)
    assert m.entry is not None and "bha" not in m.categories


def test_salicylic_acid_is_a_bha(matcher: Matcher) -> None:
    assert "bha" in _match(matcher, "Salicylic Acid").categories


def test_retinol_and_retinal_are_different_entries(matcher: Matcher) -> None:
    retinol, retinal = _match(matcher, "Retinol"), _match(matcher, "Retinal")
    assert retinol.entry is not retinal.entry
    assert "retinoid" in retinol.categories and "retinoid" in retinal.categories


@pytest.mark.parametrize(
    "raw", ["Silica", "Silica Silylate", "Magnesium Aluminum Silicate", "Triethoxycaprylylsilane"]
)
def test_silica_and_silicates_are_not_silicones(matcher: Matcher, raw: str) -> None:
    cats = _match(matcher, raw).categories
    assert "film_forming_silicone" not in cats and "volatile_silicone" not in cats


RULES = [
    ("Bis-Hydroxyethoxypropyl Dimethicone", "film_forming_silicone"),
    ("Zorbylphenyl Dimethicone", "film_forming_silicone"),
    ("Lauryl Polyglyceryl-3 Polydimethylsiloxyethyl Dimethicone", "film_forming_silicone"),
    ("Cyclooctasiloxane", "volatile_silicone"),
    ("Hexyl Trisiloxane", "volatile_silicone"),
    ("Stearoxymethicone", "film_forming_silicone"),
    ("Silica Dimethyl Silylate", None),
    ("Sodium Silicate", None),
    ("Hydrolyzed Silk", None),
]


@pytest.mark.parametrize(("raw", "category"), RULES)
def test_silicone_name_rules(raw: str, category: str | None) -> None:
    assert silicone_class(ocr_key(raw)) == category


def test_unknown_silicone_is_classed_by_rule(matcher: Matcher) -> None:
    m = _match(matcher, "Zorbylphenyl Xyloxy Dimethicone")  # made up: in no lexicon
    assert m.entry is None and m.method == "rule" and m.categories == ("film_forming_silicone",)


def test_close_calls_report_the_alternative(matcher: Matcher) -> None:
    m = _match(matcher, "Ceramide MP")  # one letter from Ceramide AP and from Ceramide NP
    assert m.entry is not None and m.runner_up is not None
    assert {m.entry.name, m.runner_up[0]} == {"Ceramide AP", "Ceramide NP"}


def test_a_letter_between_retinol_and_retinal_stays_unrecognised(matcher: Matcher) -> None:
    assert _match(matcher, "Retinxl").entry is None


def test_citric_acid_in_the_tail_is_a_ph_adjuster(matcher: Matcher) -> None:
    names = ["Water", "Glycerin", "Citric Acid"] + ["Xanthan Gum"] * 7 + ["Citric Acid"]
    matches = matcher.match_list([IngredientItem(i + 1, n) for i, n in enumerate(names)])
    assert "aha" in matches[2].categories
    assert "aha" not in matches[10].categories and "ph_adjuster" in matches[10].categories


@pytest.mark.parametrize("length", range(1, 40))
def test_cutoff_never_falls_as_names_get_shorter(length: int) -> None:
    assert fuzzy_cutoff(length) >= fuzzy_cutoff(length + 1)


@given(st.text(max_size=60))
def test_name_key_is_idempotent_and_plain(text: str) -> None:
    key = name_key(text)
    assert name_key(key) == key
    assert key == key.strip() and "  " not in key
    assert all(ch.isalnum() or ch == " " for ch in key)


@given(
    st.text(alphabet=st.characters(codec="ascii", categories=["L", "N", "P", "Zs"]), max_size=40)
)
def test_name_key_ignores_case_and_spacing(text: str) -> None:
    assert name_key(text.upper()) == name_key(text.lower())
    assert name_key("  " + text.replace(" ", "   ") + " ") == name_key(text)


@given(st.text(max_size=40))
def test_ocr_key_is_stable(text: str) -> None:
    once = ocr_key(text)
    assert ocr_key(once) == once


def test_a_run_of_ocr_text_is_not_classed_as_a_silicone() -> None:
    garbage = "Aqua (W Dimethicone, Cyclopenta Glycol Caprylic Capric Alcohol Glyceryl Stearat"
    assert silicone_class(ocr_key(garbage)) is None


SEGMENTATION = [
    # two names run together because a comma was lost
    (
        "Aqua, Dimethicone Cyclopentasiloxane, Glycerin",
        ["Water", "Dimethicone", "Cyclopentasiloxane", "Glycerin"],
    ),
    ("Water, Glycerin Dimethicone Petrolatum", ["Water", "Glycerin", "Dimethicone", "Petrolatum"]),
    ("Water, Sodium Hyaluronate Panthenol", ["Water", "Sodium Hyaluronate", "Panthenol"]),
    # one name broken by a stray separator, or at a hyphen
    ("Water, Cetearyl, Alcohol, Glycerin", ["Water", "Cetearyl Alcohol", "Glycerin"]),
    ("Water, Ceteareth-, 20, Glycerin", ["Water", "Ceteareth-20", "Glycerin"]),
    ("Water, Butyrospermum Parkii, Butter", ["Water", "Butyrospermum Parkii (Shea) Butter"]),
    # header and section words are never ingredients
    ("Water, Glycerin, Directions", ["Water", "Glycerin"]),
    ("Ingredients, Water, Glycerin", ["Water", "Glycerin"]),
]


@pytest.mark.parametrize(("text", "names"), SEGMENTATION)
def test_segmentation_repair(lexicon: Lexicon, text: str, names: list[str]) -> None:
    from milia_scan.pipeline import scan_text

    matches = scan_text(text, lexicon=lexicon).matches
    assert [m.name for m in matches] == names
    assert [m.item.position for m in matches] == list(range(1, len(names) + 1))


def test_an_unknown_multiword_name_is_not_split_into_guesses(matcher: Matcher) -> None:
    items = [IngredientItem(1, "Water"), IngredientItem(2, "Glycerin Xyzzylate Quux")]
    names = [m.name for m in matcher.match_list(items)]
    assert names == ["Water", None]


FAMILIES = [
    ("peg 75 stearate", "emulsifier"),
    ("ppg 15 stearyl ether", "emulsifier"),
    ("steareth 21", "emulsifier"),
    ("laureth 23", "emulsifier"),
    ("ci 12345", "colorant"),
    ("bis hydroxyethoxypropyl dimethicone", "film_forming_silicone"),
    ("cyclooctasiloxane", "volatile_silicone"),
    ("silica silylate", None),
    ("sodium benzoate", None),
]


@pytest.mark.parametrize(("key", "category"), FAMILIES)
def test_family_rules(key: str, category: str | None) -> None:
    assert family_class(key) == category


GARBLED_TABLE = [
    tuple(line.split("\t"))
    for line in (Path(__file__).parent / "data" / "garbled.tsv")
    .read_text(encoding="utf-8")
    .splitlines()[1:]
    if line.strip()
]


def test_the_garbled_table_is_large() -> None:
    assert len(GARBLED_TABLE) >= 150


@pytest.mark.parametrize(("garbled", "expected"), GARBLED_TABLE)
def test_garbled_table(matcher: Matcher, garbled: str, expected: str) -> None:
    # "-": two errors on a short name; guessing would be a coin toss, so it stays unrecognised
    assert _match(matcher, garbled).name == (None if expected == "-" else expected)


def test_siloxysilicate_is_a_silicone_though_it_ends_in_silicate() -> None:
    assert silicone_class("trimethylsiloxysilicate") == "film_forming_silicone"
    assert silicone_class("magnesium aluminum silicate") is None


@pytest.mark.parametrize(
    ("first", "second", "names"),
    [
        # a trade blend broken over a line: both parts are names, neither half alone
        ("C13-15 Alkane (and) Coco", "Glucoside", ["C13-15 Alkane", "Coco-Glucoside"]),
        (
            "Cetearyl Alcohol (AND) Cetearyl",
            "Glucoside",
            ["Cetearyl Alcohol", "Cetearyl Glucoside"],
        ),
    ],
)
def test_a_blend_broken_over_a_line_is_joined(
    matcher: Matcher, first: str, second: str, names: list[str]
) -> None:
    found = matcher.match_list([IngredientItem(1, first), IngredientItem(2, second)])
    assert [m.name for m in found] == names
    assert [m.item.position for m in found] == [1, 2]


def test_a_blend_with_a_part_that_is_no_name_stays_unrecognised(matcher: Matcher) -> None:
    found = matcher.match_list(
        [IngredientItem(1, "Foobar (and) Coco"), IngredientItem(2, "Glucoside")]
    )
    assert found[0].entry is None


def test_a_weak_fuzzy_match_that_is_two_names_is_split(matcher: Matcher) -> None:
    """A lost comma: 'SORBITOL TOCOPHERYL ACETATE' (seen on a real moisturiser label) is two
    names read exactly, not Ascorbyl Tocopheryl Acetate at 89."""
    found = matcher.match_list([IngredientItem(1, "SORBITOL TOCOPHERYL ACETATE")])
    assert [m.name for m in found] == ["Sorbitol", "Tocopheryl Acetate"]
    # a garbled single name is not split into pieces
    one = matcher.match_list([IngredientItem(1, "Sodium Lauryl Sulfte")])
    assert [m.name for m in one] == ["Sodium Lauryl Sulfate"]


@pytest.mark.parametrize(
    "glued", ["Dimethicone.Sodium Metabisulfite", "Dimethicone·Sodium Metabisulfite"]
)
def test_a_bullet_read_as_a_dot_without_space_splits(matcher: Matcher, glued: str) -> None:
    found = matcher.match_list([IngredientItem(1, glued)])
    assert [m.name for m in found] == ["Dimethicone", "Sodium Metabisulfite"]
    # a dot inside a name that is one ("Alcohol Denat.") is left alone
    assert [m.name for m in matcher.match_list([IngredientItem(1, "Alcohol Denat.")])] == [
        "Alcohol Denat."
    ]
