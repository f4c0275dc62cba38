"""Matching quality and speed: the text corpus (tests/data/corpus), the garbled-name table
(tests/data/garbled.tsv), load and build times, and lookups per second against the curated
lexicon alone and with the shipped CosIng vocabulary (~27k names more)."""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import replace
from pathlib import Path

from milia_scan.ingredients.match import Matcher
from milia_scan.lexicon import DATA_DIR, Lexicon, Role, load_lexicon, load_lexicon_from
from milia_scan.models import IngredientItem
from milia_scan.pipeline import scan_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"
GARBLED = ROOT / "tests" / "data" / "garbled.tsv"


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


# The corpus is also fed with its commas replaced by each separator labels print and by what
# OCR makes of a bullet.
SEPARATORS = (", ", "; ", " • ", " · ", " ● ", " ▪ ", " * ", " + ", " « ", " » ", " | ", " – ",
              " — ", " - ", " e ", " o ", "•", "·", "/ ", "\n")  # fmt: skip


def corpus_scores(lexicon: Lexicon, sep: str = ", ", quiet: bool = False) -> dict[str, float]:
    """Each list fed as text: share recognised with the right name; false risk classes."""
    total = right = false_class = lists = 0
    for path in sorted(CORPUS.glob("*.tsv")):
        rows = read_corpus(path)
        report = scan_text(sep.join(p for p, _ in rows), lexicon=lexicon)
        got = [m for m in report.matches]
        lists += 1
        total += len(rows)
        expected_names = [e for _, e in rows]
        got_names = [m.name for m in got]
        right += sum(1 for a, b in zip(expected_names, got_names, strict=False) if a == b)
        if len(got) != len(rows) and not quiet:
            print(f"  {path.name}: {len(rows)} ingredients became {len(got)} items")
        for (_, expected), m in zip(rows, got, strict=False):
            want = lexicon.entry(expected)
            want_cats = telling(lexicon, want.categories) if want else set()
            if m.entry is not None and m.name != expected and not quiet:
                print(f"  {path.name}: '{m.item.raw}' -> {m.name}, expected {expected}")
            if telling(lexicon, m.categories) - want_cats:
                false_class += 1
    return {
        "lists": lists,
        "ingredients": total,
        "recognised_right": right / max(total, 1),
        "false_risk_classes": false_class,
    }


def garbled_table(lexicon: Lexicon) -> tuple[int, int]:
    """(right, total) over tests/data/garbled.tsv ("-": must stay unrecognised)."""
    matcher = Matcher(lexicon)
    right = total = 0
    for line in GARBLED.read_text(encoding="utf-8").splitlines()[1:]:
        if not line.strip():
            continue
        garbled, expected = line.split("\t")
        total += 1
        got = matcher.match(IngredientItem(1, garbled)).name
        right += got == (None if expected == "-" else expected)
    return right, total


def load_times(runs: int = 5) -> dict[str, float]:
    """Median seconds: lexicon load, matcher build, and the vocabulary's first use (reading
    the file, then building its fuzzy tier), each from scratch."""
    parts: dict[str, list[float]] = {"load": [], "build": [], "vocabulary": [], "tier": []}
    for _ in range(runs):
        start = time.perf_counter()
        lexicon = load_lexicon_from(DATA_DIR)
        loaded = time.perf_counter()
        matcher = Matcher(lexicon)
        built = time.perf_counter()
        if lexicon.vocabulary is not None:
            lexicon.vocabulary.load()
        read = time.perf_counter()
        matcher.match(IngredientItem(1, "Xqzzy Garbled Name"))  # builds the vocabulary tier
        tier = time.perf_counter()
        for name, seconds in zip(
            parts, (loaded - start, built - loaded, read - built, tier - read), strict=True
        ):
            parts[name].append(seconds)
    return {name: statistics.median(values) for name, values in parts.items()}


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
        worst = 1.0
        start = time.perf_counter()
        for sep in SEPARATORS[1:]:
            by_sep = corpus_scores(lexicon, sep, quiet=True)
            worst = min(worst, by_sep["recognised_right"])
            results[f"corpus_sep_{sep.strip() or repr(sep)}"] = by_sep["recognised_right"]
            results["false_risk_classes"] += by_sep["false_risk_classes"]
            if by_sep["recognised_right"] < 0.995 or by_sep["false_risk_classes"]:
                print(
                    f"  separator {sep!r}: {by_sep['recognised_right']:.1%} right, "
                    f"{by_sep['false_risk_classes']:.0f} false risky/helpful classes"
                )
        seconds = (time.perf_counter() - start) / (len(SEPARATORS) - 1) / scores["lists"]
        results["corpus_worst_separator"] = worst
        print(
            f"the same lists with their commas replaced by each of {len(SEPARATORS) - 1} other "
            f"separators (bullets, OCR's readings of bullets, bars, dashes, slashes, line ends): "
            f"worst {worst:.1%} right, {results['false_risk_classes']:.0f} false risky/helpful "
            f"classes in all; {seconds * 1000:.0f} ms a list"
        )
    for label, lex in (("curated only", replace(lexicon, vocabulary=None)), ("", lexicon)):
        right, total = garbled_table(lex)
        results["garbled_right" if not label else "garbled_right_curated_only"] = right
        print(f"garbled names{f' ({label})' if label else ''}: {right}/{total} right")
    times = load_times()
    print(
        f"lexicon load {times['load'] * 1000:.0f} ms, matcher build {times['build'] * 1000:.0f} "
        f"ms; on the first item the curated names cannot match: vocabulary read "
        f"{times['vocabulary'] * 1000:.0f} ms, its fuzzy tier built {times['tier'] * 1000:.0f} ms"
    )
    names = [e.name for e in lexicon.entries[:40]]
    bare = replace(lexicon, vocabulary=None)
    build, clean, garbled = lookups_per_second(bare, names)
    _, big_clean, big_garbled = lookups_per_second(lexicon, names)
    vocabulary_names = len(lexicon.vocabulary.index) if lexicon.vocabulary is not None else 0
    print("matching a 40-ingredient list (lookups/s; clean names, then one OCR error each):")
    print(
        f"  curated lexicon ({len(lexicon.index)} names): {clean:8.0f} clean, {garbled:6.0f} "
        f"garbled; matcher built in {build * 1000:.0f} ms"
    )
    print(
        f"  + CosIng vocabulary ({vocabulary_names} names): {big_clean:8.0f} clean, "
        f"{big_garbled:6.0f} garbled; a 40-item garbled list takes "
        f"{40 / big_garbled * 1000:.0f} ms"
    )
    results.update(
        {
            "lexicon_load_ms": times["load"] * 1000,
            "matcher_build_ms": times["build"] * 1000,
            "vocabulary_load_ms": times["vocabulary"] * 1000,
            "vocabulary_tier_ms": times["tier"] * 1000,
            "lookups_clean": clean,
            "lookups_garbled": garbled,
            "lookups_clean_vocabulary": big_clean,
            "lookups_garbled_vocabulary": big_garbled,
            "vocabulary_names": vocabulary_names,
        }
    )
    return results
