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
    "Petrolatum,Petroleum Jelly,heavy_occlusive,0,,kligman1996,derm_practice,Heavy.\n"
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
    ("Foo,,emollient,6,,fulton_tables,,\n", "not a grade 0-5"),
    ("Foo,,emollient,4-2,,fulton_tables,,\n", "runs high to low"),
    ("Foo,,emollient,3,,,,\n", "needs a rating_source"),
    ("Foo,,emollient,,,fulton_tables,,\n", "without a rating"),
    ("Foo,,emollient,2,,no_such_source,,\n", "unknown source id 'no_such_source'"),
    ("Foo,,heavy_occlusive,,,,,\n", "must cite sources"),
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


def test_a_driver_category_must_cite_sources(tmp_path: Path) -> None:
    folder = _lexicon_dir(tmp_path, GOOD)
    text = (folder / "categories.toml").read_text(encoding="utf-8")
    (folder / "categories.toml").write_text(
        text.replace('sources = ["berk2008"]\n', "sources = []\n", 1), encoding="utf-8"
    )
    with pytest.raises(LexiconError, match=r"categories.toml:\d+: retinoid: a mitigator must cite"):
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
