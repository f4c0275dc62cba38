"""Matching quality and speed: the text corpus (tests/data/corpus) and lookups per second
against the full vocabulary plus an imported CosIng-sized lexicon (~30k names)."""

from __future__ import annotations

import csv
import itertools
import random
import statistics
import tempfile
import time
from pathlib import Path

from milia_scan.ingredients.match import Matcher
from milia_scan.lexicon import DATA_DIR, Lexicon, Role, load_lexicon, load_lexicon_from
from milia_scan.lexicon.cosing import import_cosing
from milia_scan.models import IngredientItem
from milia_scan.pipeline import scan_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"


def read_corpus(path: Path) -> list[tuple[str, str]]:
    """(as printed, expected canonical name) pairs of one corpus list."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            printed, expected = line.split("\t")
            rows.append((printed.strip(), expected.strip()))
    return rows


def telling(lexicon: Lexicon, categories: tuple[str, ...]) -> set[str]:
    """The risky and helpful categories among these."""
    return {c for c in categories if lexicon.categories[c].role is not Role.neutral}


def corpus_scores(lexicon: Lexicon) -> dict[str, float]:
    """Each list fed as text: share recognised with the right name; false risk classes."""
    total = right = false_class = lists = 0
    for path in sorted(CORPUS.glob("*.tsv")):
        rows = read_corpus(path)
        report = scan_text(", ".join(p for p, _ in rows), lexicon=lexicon)
        got = [m for m in report.matches]
        lists += 1
        total += len(rows)
        expected_names = [e for _, e in rows]
        got_names = [m.name for m in got]
        right += sum(1 for a, b in zip(expected_names, got_names, strict=False) if a == b)
        if len(got) != len(rows):
            print(f"  {path.name}: {len(rows)} ingredients became {len(got)} items")
        for (_, expected), m in zip(rows, got, strict=False):
            want = lexicon.entry(expected)
            want_cats = telling(lexicon, want.categories) if want else set()
            if m.entry is not None and m.name != expected:
                print(f"  {path.name}: '{m.item.raw}' -> {m.name}, expected {expected}")
            if telling(lexicon, m.categories) - want_cats:
                false_class += 1
    return {
        "lists": lists,
        "ingredients": total,
        "recognised_right": right / max(total, 1),
        "false_risk_classes": false_class,
    }


STEMS = [
    "Acrylates",
    "Sodium",
    "Potassium",
    "Glyceryl",
    "Polyglyceryl-3",
    "Cetyl",
    "Stearyl",
    "Hydrogenated",
    "Hydrolyzed",
    "Isostearyl",
    "Lauryl",
    "Myristyl",
    "Behenyl",
    "Oleyl",
    "Octyldodecyl",
    "Caprylyl",
    "Decyl",
    "Coco",
    "Palm",
    "Soy",
    "Rice",
    "Oat",
    "Wheat",
    "Corn",
    "Olive",
    "Sunflower",
    "Jojoba",
    "Argan",
    "Hemp",
    "Castor",
    "Almond",
    "Avocado",
]
MIDDLES = [
    "Seed",
    "Leaf",
    "Root",
    "Flower",
    "Fruit",
    "Bark",
    "Kernel",
    "Stem",
    "Peel",
    "Sprout",
    "Protein",
    "Amino Acids",
    "Glucoside",
    "Betaine",
    "Sulfate",
    "Phosphate",
    "Citrate",
    "Lactylate",
    "Glutamate",
    "Sarcosinate",
    "Taurate",
    "Isethionate",
    "Succinate",
]
ENDS = [
    "Extract",
    "Oil",
    "Butter",
    "Wax",
    "Ester",
    "Copolymer",
    "Crosspolymer",
    "Stearate",
    "Palmitate",
    "Oleate",
    "Laurate",
    "Benzoate",
    "Chloride",
    "Powder",
    "Water",
    "Juice",
]


def synthetic_cosing(path: Path, count: int = 30_000) -> None:
    """A CosIng-shaped CSV of `count` made-up INCI-like names, to time matching at that size."""
    names = (
        " ".join(w for w in p if w).upper()
        for p in itertools.product(("", "Hydroxypropyl", "PEG-8"), STEMS, MIDDLES, ENDS)
    )
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "COSING Ref No",
                "INCI name",
                "INN name",
                "Ph. Eur. Name",
                "CAS No",
                "EC No",
                "Chem/IUPAC Name / Description",
                "Restriction",
                "Function",
                "Update Date",
            ]
        )
        for ref, name in enumerate(itertools.islice(names, count)):
            writer.writerow([ref, f" {name}", "", "", "", "", "synthetic", "", "EMOLLIENT", ""])


def garble(name: str, rng: random.Random) -> str:
    """One OCR-like error: a confused, dropped or doubled letter."""
    swaps = {"l": "1", "i": "l", "o": "0", "m": "rn", "e": "c", "a": "o", "s": "5"}
    spots = [i for i, ch in enumerate(name) if ch.lower() in swaps]
    if not spots:
        return name
    i = rng.choice(spots)
    return name[:i] + swaps[name[i].lower()] + name[i + 1 :]


def lookups_per_second(lexicon: Lexicon, names: list[str]) -> tuple[float, float, float]:
    """(build seconds, clean lookups/s, garbled lookups/s) for a 40-name list."""
    start = time.perf_counter()
    matcher = Matcher(lexicon)
    build = time.perf_counter() - start
    rng = random.Random(7)
    rates = []
    for items in (
        [IngredientItem(i + 1, n) for i, n in enumerate(names)],
        [IngredientItem(i + 1, garble(n, rng)) for i, n in enumerate(names)],
    ):
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            matcher.match_list(items)
            runs.append(time.perf_counter() - start)
        rates.append(len(items) / statistics.median(runs))
    return build, rates[0], rates[1]


def main() -> dict[str, float]:
    lexicon = load_lexicon()
    results: dict[str, float] = {}
    if CORPUS.is_dir():
        scores = corpus_scores(lexicon)
        results.update(scores)
        print(
            f"\ntext corpus: {scores['lists']:.0f} product lists, {scores['ingredients']:.0f} "
            f"ingredients: {scores['recognised_right']:.1%} recognised with the right canonical "
            f"name; {scores['false_risk_classes']:.0f} false risky/helpful classes"
        )
    names = [e.name for e in lexicon.entries[:40]]
    build, clean, garbled = lookups_per_second(lexicon, names)
    with tempfile.TemporaryDirectory(prefix="milia-bench-") as tmp:
        synthetic_cosing(Path(tmp) / "cosing.csv")
        import_cosing(Path(tmp) / "cosing.csv", Path(tmp) / "user")
        big = load_lexicon_from(DATA_DIR, Path(tmp) / "user")
    big_build, big_clean, big_garbled = lookups_per_second(big, names)
    print("matching a 40-ingredient list (lookups/s; clean names, then one OCR error each):")
    print(
        f"  curated lexicon ({len(lexicon.index)} names): {clean:8.0f} clean, {garbled:6.0f} "
        f"garbled; matcher built in {build * 1000:.0f} ms"
    )
    print(
        f"  + synthetic CosIng import ({len(big.index)} names): {big_clean:8.0f} clean, "
        f"{big_garbled:6.0f} garbled; matcher built in {big_build * 1000:.0f} ms; "
        f"a 40-item garbled list takes {40 / big_garbled * 1000:.0f} ms"
    )
    results.update(
        {
            "lookups_clean": clean,
            "lookups_garbled": garbled,
            "lookups_clean_30k": big_clean,
            "lookups_garbled_30k": big_garbled,
            "names_30k": len(big.index),
        }
    )
    return results
