"""The lexicon loader is strict: every bad line fails with file, line and reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from milia_scan.errors import LexiconError
from milia_scan.lexicon import DATA_DIR, Rating, load_lexicon_from

HEADER = "name,synonyms,categories,comedogenic,irritancy,rating_source,sources,note\n"
GOOD = (
    "Water,Aqua|Eau,solvent,,,,,\n"
    "Petrolatum,Petroleum Jelly,heavy_occlusive,0,,kligman1996:supports,"
    "derm_practice:supports|kligman1996:against,Heavy.\n"
)


def _lexicon_dir(tmp_path: Path, rows: str) -> Path:
    for name in ("sources.csv", "categories.toml", "VERSION"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    (tmp_path / "ingredients.csv").write_text(HEADER + rows, encoding="utf-8")
    return tmp_path


def test_good_rows_load(tmp_path: Path) -> None:
    lex = load_lexicon_from(_lexicon_dir(tmp_path, GOOD))
    water = lex.entry("AQUA")
    assert water is not None and water.name == "Water"
    petrolatum = lex.entry("petroleum  jelly")
    assert petrolatum is not None and petrolatum.comedogenic == Rating(0, 0)


BAD_ROWS = [
    ("Foo,,not_a_category,,,,,\n", "unknown category 'not_a_category'"),
    ("Foo,,emollient,6,,fulton_tables:supports,,\n", "not a grade 0-5"),
    ("Foo,,emollient,4-2,,fulton_tables:supports,,\n", "runs high to low"),
    ("Foo,,emollient,3,,,,\n", "needs a rating_source that supports it"),
    ("Foo,,emollient,,,fulton_tables:supports,,\n", "without a rating"),
    ("Foo,,emollient,2,,no_such_source:supports,,\n", "unknown source id 'no_such_source'"),
    ("Foo,,heavy_occlusive,,,,,\n", "no source supports its class heavy_occlusive"),
    # a claim whose only sources do not support it is refused
    (
        "Foo,,heavy_occlusive,,,,kligman1996:against|berk2008:context,\n",
        "no source supports its class heavy_occlusive (cited: kligman1996:against, "
        "berk2008:context)",
    ),
    ("Foo,,emollient,3,,draelos2006:against,,\n", "needs a rating_source that supports it"),
    ("Foo,,emollient,3,,rabbit_ear2007:context,,\n", "needs a rating_source that supports it"),
    # a rated class rests on a rating
    ("Foo,,comedogenic_ester,,,,cosing:supports,\n", "rests on a comedogenic rating"),
    # stances are explicit and known
    ("Foo,,humectant,,,,cosing,\n", "write 'cosing' as cosing:<stance>"),
    ("Foo,,humectant,,,,cosing:maybe,\n", "write 'cosing' as cosing:<stance>"),
    ("Foo,,emollient,,\n", "expected 8 fields"),
    ("Aqua,,solvent,,,,,\n", "already a name of 'Water'"),
    ("Foo,petroleum-jelly,emollient,,,,,\n", "already a name of 'Petrolatum'"),
    (",,emollient,,,,,\n", "name is empty"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_bad_rows_name_file_line_and_reason(tmp_path: Path, row: str, reason: str) -> None:
    folder = _lexicon_dir(tmp_path, GOOD + row)
    with pytest.raises(LexiconError) as err:
        load_lexicon_from(folder)
    assert "ingredients.csv:4:" in err.value.message
    assert reason in err.value.message


def test_bad_header(tmp_path: Path) -> None:
    folder = _lexicon_dir(tmp_path, GOOD)
    (folder / "ingredients.csv").write_text("name,categories\nWater,solvent\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"ingredients.csv:1: header must be"):
        load_lexicon_from(folder)


def _edit_categories(folder: Path, old: str, new: str) -> None:
    path = folder / "categories.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_driver_category_needs_a_supporting_source(tmp_path: Path) -> None:
    folder = _lexicon_dir(tmp_path, GOOD)
    _edit_categories(
        folder,
        'supports = ["berk2008", "magazine_milia"]\n',
        'against = ["berk2008"]\ncontext = ["magazine_milia"]\n',
    )
    with pytest.raises(
        LexiconError, match=r"categories.toml:\d+: retinoid: a mitigator needs a source that supp"
    ):
        load_lexicon_from(folder)


def test_a_category_grade_cannot_outrun_its_supporters(tmp_path: Path) -> None:
    """The silicone link rests on an aesthetician in a magazine and consumer sources: calling it
    'reported' (by dermatologists) is refused."""
    folder = _lexicon_dir(tmp_path, GOOD)
    _edit_categories(folder, 'evidence = "expert_opinion"', 'evidence = "reported"')
    with pytest.raises(
        LexiconError,
        match=r"film_forming_silicone: evidence reported is stronger than its best supporting "
        r"source \(expert_opinion\)",
    ):
        load_lexicon_from(folder)


def test_sources_need_a_known_grade(tmp_path: Path) -> None:
    folder = _lexicon_dir(tmp_path, GOOD)
    path = folder / "sources.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "fulton1989,literature,established,", "fulton1989,literature,strong,"
        ),
        encoding="utf-8",
    )
    with pytest.raises(LexiconError, match=r"sources.csv:2: fulton1989: grade must be one of"):
        load_lexicon_from(folder)


def test_missing_categories_and_bad_weight(tmp_path: Path) -> None:
    folder = _lexicon_dir(tmp_path, GOOD)
    text = (folder / "categories.toml").read_text(encoding="utf-8")
    (folder / "categories.toml").write_text(
        text.replace("weight = 1.0", 'weight = "heavy"', 1), encoding="utf-8"
    )
    with pytest.raises(LexiconError, match=r"categories.toml:\d+: heavy_occlusive: weight must"):
        load_lexicon_from(folder)
    (folder / "categories.toml").unlink()
    with pytest.raises(LexiconError, match=r"categories\.toml: cannot read"):
        load_lexicon_from(folder)
