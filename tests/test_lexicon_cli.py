"""`milia-scan lexicon ...`: search, show, stats, validate, and the CosIng import."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from milia_scan.cli import cli
from milia_scan.errors import ExitCode
from milia_scan.lexicon import DATA_DIR, load_lexicon
from milia_scan.lexicon.cosing import display_name, import_cosing
from milia_scan.pipeline import scan_text

COSING = Path(__file__).parent / "data" / "cosing-sample.csv"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["lexicon", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MILIA_SCAN_DATA_DIR", str(tmp_path / "user"))
    return tmp_path / "user"


def test_search_finds_synonyms_and_near_misses() -> None:
    code, out, _ = run("search", "shea butter")
    assert code == 0 and "Butyrospermum Parkii" in out
    code, out, _ = run("search", "dimethicon")
    assert code == 0 and "Dimethicone" in out


def test_show_prints_classes_ratings_and_citations() -> None:
    code, out, _ = run("show", "Paraffinum Liquidum")
    assert code == 0
    assert out.startswith("Mineral Oil")
    assert "heavy_occlusive" in out and "evidence: reported" in out
    assert "[derm_practice]" in out and "(supported by fulton_tables)" in out
    assert "its link to milia: supported by derm_practice" in out


def test_show_unknown_name() -> None:
    code, _, err = run("show", "unobtainium")
    assert code == ExitCode.not_found and "lexicon search" in err


def test_stats_counts() -> None:
    code, out, _ = run("stats")
    assert code == 0 and "entries" in out and "film_forming_silicone" in out


def test_validate_ok_and_broken(tmp_path: Path) -> None:
    code, out, _ = run("validate")
    assert code == 0 and out.startswith("ok: lexicon")
    for name in ("sources.csv", "categories.toml", "VERSION", "ingredients.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    with (tmp_path / "ingredients.csv").open("a", encoding="utf-8") as fh:
        fh.write("Aqua,,solvent,,,,,\n")
    code, _, err = run("validate", str(tmp_path))
    assert code == ExitCode.lexicon_invalid
    assert "ingredients.csv:" in err and "already a name of 'Water'" in err


def test_display_name() -> None:
    assert display_name(" PEG-100 STEARATE") == "PEG-100 Stearate"
    assert display_name("CI 77891") == "CI 77891"
    assert display_name("BUTYROSPERMUM PARKII BUTTER") == "Butyrospermum Parkii Butter"


def test_cosing_import_is_used_and_curated_entries_win(user_dir: Path) -> None:
    from milia_scan.lexicon.cosing import read_cosing

    before = load_lexicon()
    sample = [display_name(r["inci name"]) for r in read_cosing(COSING)[0] if r["inci name"]]
    new_names = [
        n for n in sample if before.lookup(n) is None or before.lookup(n)[0].origin != "curated"
    ]
    assert new_names, "the test extract should hold names the curated lexicon lacks"
    # the shipped CosIng vocabulary knows them already; the user's import will beat it
    assert all((hit := before.lookup(n)) and hit[0].origin == "cosing" for n in new_names)
    code, out, _ = run("import-cosing", str(COSING))
    assert code == 0 and "11 ingredients written" in out and "1 repeated" in out
    after = load_lexicon()
    assert after.version.startswith(before.version + "+user.")
    # curated entries win: Dimethicone keeps its curated rating and Petrolatum its class
    dimethicone = after.entry("Dimethicone")
    petrolatum = after.entry("Petrolatum")
    assert dimethicone is not None and dimethicone.origin == "curated"
    assert petrolatum is not None and "heavy_occlusive" in petrolatum.categories
    # new names are known from now on, and recognised in a list
    for name in new_names:
        entry = after.entry(name)
        assert entry is not None and entry.origin == "imported" and "cosing" in entry.sources
        # risk classes come only from the curated lexicon or name rules, never from tags
        risky = {"heavy_occlusive", "humectant", "comedogenic_ester", "comedogenic_oil"}
        assert not risky & set(entry.categories), entry
    report = scan_text("Aqua, " + ", ".join(new_names))
    assert [m.method for m in report.matches] == ["exact"] * (len(new_names) + 1)
    assert report.lexicon_version == after.version
    silylate = after.entry("Silica Dimethyl Silylate")
    assert silylate is not None and "film_forming_silicone" not in silylate.categories


def test_import_of_a_file_that_is_not_cosing(tmp_path: Path, user_dir: Path) -> None:
    bad = tmp_path / "other.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    code, _, err = run("import-cosing", str(bad))
    assert code == ExitCode.input_file and "INCI name" in err
    assert not (user_dir / "imported-ingredients.csv").exists()


def test_import_reads_cp1252_and_semicolons(tmp_path: Path) -> None:
    text = (
        "COSING Ref No;INCI name;INN name;Ph. Eur. Name;CAS No;EC No;"
        "Chem/IUPAC Name / Description;Restriction;Function;Update Date\n"
        '1; ROSA CANINA FRUIT OIL;;;;;"Huile de rosier sauvage, églantier";;EMOLLIENT;\n'
    )
    path = tmp_path / "cosing.csv"
    path.write_bytes(text.encode("cp1252"))
    stats = import_cosing(path, tmp_path / "user")
    assert stats.imported == 1
    assert "Rosa Canina Fruit Oil" in stats.path.read_text(encoding="utf-8")


def test_an_import_written_before_stances_still_loads(user_dir: Path) -> None:
    """imported-ingredients.csv files written by an older import-cosing hold bare source ids;
    they meant 'supports' and keep loading."""
    user_dir.mkdir(parents=True, exist_ok=True)
    (user_dir / "imported-ingredients.csv").write_text(
        "name,synonyms,categories,comedogenic,irritancy,rating_source,sources,note\n"
        "Zorbyl Dimethicone,,film_forming_silicone,,,,cosing|consumer_silicone,Imported\n",
        encoding="utf-8",
    )
    entry = load_lexicon().entry("Zorbyl Dimethicone")
    assert entry is not None and entry.origin == "imported"
    assert {(c.source, str(c.stance)) for c in entry.citations} == {
        ("cosing", "supports"),
        ("consumer_silicone", "supports"),
    }
