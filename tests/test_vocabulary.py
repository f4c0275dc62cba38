"""The shipped CosIng vocabulary: a neutral third tier behind the curated names and the import."""

from __future__ import annotations

import gzip
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from milia_scan.errors import LexiconError
from milia_scan.ingredients.match import Matcher
from milia_scan.lexicon import DATA_DIR, Lexicon, Role, load_lexicon_from
from milia_scan.lexicon.cosing import import_cosing
from milia_scan.lexicon.vocabulary import VOCABULARY_FILE
from milia_scan.models import IngredientItem

from .conftest import ROOT


@pytest.fixture(scope="module")
def matcher(lexicon: Lexicon) -> Matcher:
    return Matcher(lexicon)


def _match(matcher: Matcher, raw: str):  # type: ignore[no-untyped-def]
    return matcher.match(IngredientItem(1, raw))


@pytest.mark.parametrize(
    ("raw", "name", "category"),
    [
        ("Poloxamer 182", "Poloxamer 182", "emulsifier"),
        ("Rhamnose", "Rhamnose", "skin_conditioning"),
        ("Paracetamol", "Acetaminophen", "skin_conditioning"),  # an INN name
        ("Aluminium Chloride", "Aluminum Chloride", None),  # a Ph. Eur. spelling
        ("BIS-PHENYLPROPYL DIMETHICONE", "Bis-Phenylpropyl Dimethicone", "film_forming_silicone"),
    ],
)
def test_a_cosing_name_that_is_not_curated_is_exact(
    matcher: Matcher, raw: str, name: str, category: str | None
) -> None:
    m = _match(matcher, raw)
    assert (m.name, m.method, m.entry.origin) == (name, "exact", "cosing")
    assert "cosing" in m.entry.sources and "functions:" in m.entry.note
    if category:
        assert category in m.categories


def test_vocabulary_entries_are_neutral_but_silicones(lexicon: Lexicon) -> None:
    vocabulary = lexicon.vocabulary
    assert vocabulary is not None and len(vocabulary) > 25_000
    risky = set()
    for idx in set(vocabulary.index.values()):
        for cid in vocabulary.entry(idx).categories:
            if lexicon.categories[cid].role is not Role.neutral:
                risky.add(cid)
    assert risky == {"film_forming_silicone", "volatile_silicone"}


@pytest.mark.parametrize(
    ("name", "category"),
    [("Dimethicone", "film_forming_silicone"), ("Petrolatum", "heavy_occlusive")],
)
def test_curated_entries_win(lexicon: Lexicon, matcher: Matcher, name: str, category: str) -> None:
    m = _match(matcher, name)
    assert m.entry.origin == "curated" and category in m.categories
    assert lexicon.vocabulary is not None
    assert all(k not in lexicon.index for k in lexicon.vocabulary.index)  # never duplicated


@pytest.mark.parametrize(
    ("garbled", "name"),
    [
        ("Glycerln", "Glycerin"),
        ("Dimethlcone", "Dimethicone"),
        ("Phenoxyethanoi", "Phenoxyethanol"),
        ("Tocopheryl Acetale", "Tocopheryl Acetate"),
        ("Cetearyi Alcohol", "Cetearyl Alcohol"),
        ("Butyiene Glycol", "Butylene Glycol"),
    ],
)
def test_a_garbled_common_name_stays_curated(matcher: Matcher, garbled: str, name: str) -> None:
    m = _match(matcher, garbled)
    assert (m.name, m.entry.origin) == (name, "curated")


def test_a_garbled_rare_name_finds_the_vocabulary(matcher: Matcher) -> None:
    m = _match(matcher, "Poloxamer l82")
    assert m.name == "Poloxamer 182"
    for garbled in ("Bis-Phenyipropyl Dimethicone", "Bis-Phenylpropyl Dimethicane"):
        m = _match(matcher, garbled)
        assert (m.name, m.method) == ("Bis-Phenylpropyl Dimethicone", "fuzzy")
        assert "film_forming_silicone" in m.categories


def test_without_the_vocabulary_nothing_changes_for_curated_names(lexicon: Lexicon) -> None:
    bare = Matcher(replace(lexicon, vocabulary=None))
    assert _match(bare, "Poloxamer 182").entry is None
    assert _match(bare, "Glycerln").name == "Glycerin"


def test_the_user_import_beats_the_vocabulary(tmp_path: Path) -> None:
    export = tmp_path / "cosing.csv"
    export.write_text(
        "COSING Ref No,INCI name,INN name,Ph. Eur. Name,CAS No,EC No,"
        "Chem/IUPAC Name / Description,Restriction,Function,Update Date\n"
        "1, POLOXAMER 182,,,,,,,EMOLLIENT,\n",
        encoding="utf-8",
    )
    import_cosing(export, tmp_path / "user")
    lex = load_lexicon_from(DATA_DIR, tmp_path / "user")
    hit = lex.lookup("Poloxamer 182")
    assert hit is not None and hit[0].origin == "imported" and hit[0].categories == ("emollient",)
    assert lex.vocabulary is not None and "poloxamer 182" not in lex.vocabulary.index
    m = Matcher(lex).match(IngredientItem(1, "Poloxamer 182"))
    assert m.entry is hit[0]


def _folder(tmp_path: Path, body: str) -> Path:
    for name in ("sources.csv", "categories.toml", "VERSION", "ingredients.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    text = "# test\n#tags\tSKIN CONDITIONING\tEMOLLIENT\n" + body
    (tmp_path / VOCABULARY_FILE).write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    return tmp_path


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("Rhamnose\t0\t\nFucose\t1\n", 4, "expected 3 fields, found 2"),
        ("Rhamnose\t0\t\nRHAMNOSE\t1\t\n", 4, "repeats line 3"),
        ("Rhamnose\t0\t\n---\t1\t\n", 4, "has no letters or digits"),
        ("Rhamnose\t0\t\nFucose\t7\t\n", 4, "not indices of #tags"),
        ("Rhamnose\t0\tDeoxymannose\nFucose\t1\tDeoxymannose\n", 4, "is empty or taken"),
    ],
)
def test_a_malformed_vocabulary_names_file_and_line(
    tmp_path: Path, body: str, line: int, reason: str
) -> None:
    lex = load_lexicon_from(_folder(tmp_path, body))
    assert lex.vocabulary is not None
    with pytest.raises(LexiconError) as err:
        lex.vocabulary.check()
    assert f"{VOCABULARY_FILE}:{line}:" in str(err.value) and reason in str(err.value)


def test_a_small_vocabulary_loads(tmp_path: Path) -> None:
    lex = load_lexicon_from(_folder(tmp_path, "Rhamnose\t0,1\tDeoxymannose\nGlycerin\t1\t\n"))
    hit = lex.lookup("deoxymannose")
    assert hit is not None and hit[0].name == "Rhamnose" and hit[1] == "Deoxymannose"
    assert set(hit[0].categories) == {"emollient", "skin_conditioning"}
    assert lex.vocabulary is not None and len(lex.vocabulary) == 1  # Glycerin is curated
    assert lex.vocabulary.check() is lex.vocabulary


def test_the_build_is_deterministic_and_matches_the_shipped_file(tmp_path: Path) -> None:
    export = ROOT.parent / "shared" / "data" / "cosing-inventory-2021-12.csv.gz"
    if not export.is_file():
        pytest.skip("the CosIng export is not on this machine")
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_cosing_vocabulary", ROOT / "scripts" / "build_cosing_vocabulary.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build(export) == (DATA_DIR / VOCABULARY_FILE).read_bytes()


def test_the_text_corpus_stays_right_with_the_vocabulary(lexicon: Lexicon) -> None:
    from bench.matching import corpus_scores, garbled_table

    scores = corpus_scores(lexicon)
    assert scores["lists"] == 40 and scores["recognised_right"] == 1.0
    assert scores["false_risk_classes"] == 0
    right, total = garbled_table(lexicon)
    assert (right, total) == (200, 200)
