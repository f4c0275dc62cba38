"""Fusing two engines' readings item by item: each stretch of the list from the reading the
lexicon supports better, aligned on the names both recognise."""

from __future__ import annotations

from dataclasses import replace

from milia_scan.lexicon import Lexicon
from milia_scan.models import IngredientItem
from milia_scan.ocr.fuse import fuse
from milia_scan.pipeline import matcher_for


def _read(lexicon: Lexicon, engine: str, names: list[str]):  # type: ignore[no-untyped-def]
    items = [IngredientItem(n, raw, None, False, engine) for n, raw in enumerate(names, 1)]
    return matcher_for(lexicon).match_list(items)


def test_each_stretch_comes_from_the_reading_that_knows_it(lexicon: Lexicon) -> None:
    first = _read(lexicon, "ppocr", ["Aqua", "Sod Lau Sut", "Glycerin", "Petrolatum", "Talc"])
    second = _read(
        lexicon,
        "tess",
        ["Aqua", "Sodium Lauryl Sulfate", "Glycerin", "Petrolaturn", "Talc", "Parfum"],
    )
    fused = fuse(first, second)
    assert [(i.raw, i.engine) for i in fused] == [
        ("Aqua", "ppocr"),
        ("Sodium Lauryl Sulfate", "tess"),
        ("Glycerin", "ppocr"),
        ("Petrolatum", "ppocr"),
        ("Talc", "ppocr"),
        ("Parfum", "tess"),  # read only by the second engine, at the end of the list
    ]
    assert [i.position for i in fused] == list(range(1, 7))


def test_a_stretch_neither_reads_better_stays_with_the_first(lexicon: Lexicon) -> None:
    first = _read(lexicon, "a", ["Aqua", "Xqzz", "Glycerin"])
    second = _read(lexicon, "b", ["Aqua", "Qqxx", "Glycerin"])
    assert [i.engine for i in fuse(first, second)] == ["a", "a", "a"]


def test_nothing_read_by_the_second_changes_nothing(lexicon: Lexicon) -> None:
    first = _read(lexicon, "a", ["Aqua", "Glycerin"])
    fused = fuse(first, ())
    assert [replace(i, position=0) for i in fused] == [replace(m.item, position=0) for m in first]
