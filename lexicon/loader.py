"""Strict loader for the lexicon data files: a bad line fails with file, line and reason."""

from __future__ import annotations

import csv
import hashlib
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from milia_scan.errors import LexiconError
from milia_scan.lexicon.model import (
    Category,
    Citation,
    Entry,
    Evidence,
    Rating,
    Role,
    Source,
    Stance,
    strongest,
)
from milia_scan.lexicon.names import name_key
from milia_scan.lexicon.vocabulary import VOCABULARY_FILE, Vocabulary

DATA_DIR = Path(__file__).parent / "data"
INGREDIENT_COLUMNS = (
    "name",
    "synonyms",
    "categories",
    "comedogenic",
    "irritancy",
    "rating_source",
    "sources",
    "note",
)
SOURCE_COLUMNS = ("id", "kind", "grade", "citation")
CATEGORY_KEYS = {
    *("role", "weight", "evidence", "rated", "label", "why"),
    *("supports", "against", "context"),
}
USER_FILE = "imported-ingredients.csv"  # in user_data_dir(); same columns as ingredients.csv
_RATING = re.compile(r"^([0-5])(?:\s*-\s*([0-5]))?$")
_GRADES = ", ".join(Evidence)
_STANCES = ", ".join(Stance)


@dataclass(frozen=True)
class Lexicon:
    """The loaded knowledge, with a lookup index from name key to (entry, surface name).

    `entries` and `index` hold the curated entries and the user's import; `vocabulary` is the
    neutral CosIng tier behind them (names they know are not in it), read on first use."""

    version: str
    entries: tuple[Entry, ...]
    categories: dict[str, Category]
    sources: dict[str, Source]
    index: dict[str, tuple[Entry, str]] = field(repr=False)
    vocabulary: Vocabulary | None = field(default=None, repr=False, compare=False)

    def lookup(self, name: str) -> tuple[Entry, str] | None:
        """Exact lookup by name or synonym, insensitive to case, accents and punctuation:
        curated and imported names first, then the CosIng vocabulary."""
        key = name_key(name)
        hit = self.index.get(key)
        if hit is None and self.vocabulary is not None:
            hit = self.vocabulary.lookup(key)
        return hit

    def entry(self, name: str) -> Entry | None:
        hit = self.lookup(name)
        return hit[0] if hit else None


def _fail(path: Path, line: int, reason: str) -> LexiconError:
    return LexiconError(f"{path}:{line}: {reason}")


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _rating(path: Path, line: int, column: str, value: str) -> Rating | None:
    value = value.strip()
    if not value:
        return None
    m = _RATING.match(value)
    if not m:
        raise _fail(path, line, f"{column} {value!r} is not a grade 0-5 or a range like 0-2")
    low = int(m.group(1))
    high = int(m.group(2)) if m.group(2) is not None else low
    if high < low:
        raise _fail(path, line, f"{column} range {value!r} runs high to low")
    return Rating(low, high)


def _csv_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read lexicon file: {exc}") from exc
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != columns:
        raise _fail(path, 1, f"header must be {','.join(columns)}")
    for row in reader:
        line = reader.line_num
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise _fail(path, line, f"expected {len(columns)} fields, found {len(row)}")
        yield line, dict(zip(columns, (cell.strip() for cell in row), strict=True))


def load_sources(path: Path) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for line, row in _csv_rows(path, SOURCE_COLUMNS):
        if not row["id"] or not row["citation"]:
            raise _fail(path, line, "a source needs an id and a citation")
        if row["id"] in sources:
            raise _fail(path, line, f"duplicate source id {row['id']!r}")
        try:
            grade = Evidence(row["grade"])
        except ValueError:
            raise _fail(path, line, f"{row['id']}: grade must be one of {_GRADES}") from None
        sources[row["id"]] = Source(row["id"], row["kind"], row["citation"], grade)
    return sources


def load_categories(path: Path, sources: dict[str, Source]) -> dict[str, Category]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read lexicon file: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{path}: {exc}") from exc
    lines = {
        m.group(1): text.count("\n", 0, m.start()) + 1
        for m in re.finditer(r"^\[([a-z0-9_]+)\]", text, re.M)
    }
    categories: dict[str, Category] = {}
    for cid, spec in data.items():
        line = lines.get(cid, 1)
        if not isinstance(spec, dict):
            raise _fail(path, line, f"{cid!r} must be a table")
        unknown = set(spec) - CATEGORY_KEYS
        if unknown:
            raise _fail(path, line, f"{cid}: unknown keys {sorted(unknown)}")
        categories[cid] = _category(path, line, cid, spec, sources)
    return categories


def _category(
    path: Path, line: int, cid: str, spec: dict[str, object], sources: dict[str, Source]
) -> Category:
    try:
        role = Role(str(spec.get("role", "")))
    except ValueError:
        raise _fail(path, line, f"{cid}: role must be driver, mitigator or neutral") from None
    try:
        weight = float(spec.get("weight", 0.0))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise _fail(path, line, f"{cid}: weight must be a number") from None
    citations = tuple(
        Citation(sid, stance)
        for stance in Stance
        for sid in _id_list(path, line, f"{cid}.{stance}", spec.get(str(stance), []), sources)
    )
    evidence = None
    if role is not Role.neutral:
        if not 0 < weight <= 1:
            raise _fail(path, line, f"{cid}: a {role} needs a weight in (0, 1]")
        try:
            evidence = Evidence(str(spec.get("evidence", "")))
        except ValueError:
            raise _fail(path, line, f"{cid}: evidence must be one of {_GRADES}") from None
        best = strongest(sources[c.source].grade for c in citations if c.stance is Stance.supports)
        if best is None:
            raise _fail(path, line, f"{cid}: a {role} needs a source that supports its link")
        if evidence.rank > best.rank:
            raise _fail(
                path,
                line,
                f"{cid}: evidence {evidence} is stronger than its best supporting source ({best})",
            )
        if not spec.get("why"):
            raise _fail(path, line, f"{cid}: a {role} needs a 'why' sentence")
    elif citations:
        raise _fail(path, line, f"{cid}: a neutral category makes no claim to cite sources for")
    return Category(
        cid,
        role,
        str(spec.get("label", cid)),
        weight,
        evidence,
        citations,
        str(spec.get("why", "")),
        rated=bool(spec.get("rated", False)),
    )


def _id_list(
    path: Path, line: int, key: str, value: object, sources: dict[str, Source]
) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, line, f"{key} must be a list of source ids")
    for sid in value:
        if sid not in sources:
            raise _fail(path, line, f"{key}: unknown source id {sid!r}")
    return value


def _citations(
    path: Path,
    line: int,
    column: str,
    value: str,
    sources: dict[str, Source],
    bare: Stance | None = None,
) -> tuple[Citation, ...]:
    """`id:stance|id:stance` -> citations; an unknown id or stance is an error, and so is a bare
    id unless `bare` gives its stance (imports written before stances were recorded)."""
    out = []
    for part in _split(value):
        sid, _, stance = part.partition(":")
        sid, stance = sid.strip(), stance.strip() or (str(bare) if bare else "")
        if sid not in sources:
            raise _fail(path, line, f"{column}: unknown source id {sid!r}")
        try:
            out.append(Citation(sid, Stance(stance)))
        except ValueError:
            raise _fail(
                path, line, f"{column}: write {sid!r} as {sid}:<stance>, stance one of {_STANCES}"
            ) from None
    return tuple(out)


def parse_entry(
    path: Path,
    line: int,
    row: dict[str, str],
    categories: dict[str, Category],
    sources: dict[str, Source],
    origin: str = "curated",
    bare: Stance | None = None,
) -> Entry:
    """Validate one ingredient row and build its entry (`bare`: the stance of a bare id)."""
    if not row["name"]:
        raise _fail(path, line, "name is empty")
    cats = _split(row["categories"])
    for cid in cats:
        if cid not in categories:
            raise _fail(path, line, f"unknown category {cid!r}")
    comedogenic = _rating(path, line, "comedogenic", row["comedogenic"])
    irritancy = _rating(path, line, "irritancy", row["irritancy"])
    rating_citations = _citations(
        path, line, "rating_source", row["rating_source"], sources, bare
    )
    citations = _citations(path, line, "sources", row["sources"], sources, bare)
    name = row["name"]
    if (comedogenic or irritancy) and not _supported(rating_citations):
        raise _fail(path, line, f"{name}: a rating needs a rating_source that supports it")
    if rating_citations and not (comedogenic or irritancy):
        raise _fail(path, line, f"{name}: rating_source given without a rating")
    for cid in cats:
        category = categories[cid]
        if category.role is Role.neutral:
            continue
        if category.rated and comedogenic is None:
            raise _fail(path, line, f"{name}: class {cid} rests on a comedogenic rating")
        if not category.rated and not _supported(citations):
            cited = ", ".join(map(str, citations)) or "nothing"
            raise _fail(
                path,
                line,
                f"{name}: no source supports its class {cid} (cited: {cited}); "
                "a risky or helpful class needs a source with stance 'supports'",
            )
    return Entry(
        name,
        _split(row["synonyms"]),
        cats,
        comedogenic,
        irritancy,
        rating_citations,
        citations,
        row["note"],
        line,
        origin,
    )


def _supported(citations: tuple[Citation, ...]) -> bool:
    return any(c.stance is Stance.supports for c in citations)


def build_index(path: Path, entries: list[Entry]) -> dict[str, tuple[Entry, str]]:
    index: dict[str, tuple[Entry, str]] = {}
    for entry in entries:
        for surface in entry.names:
            key = name_key(surface)
            if not key:
                raise _fail(path, entry.line, f"{surface!r} has no letters or digits")
            if key in index and index[key][0] is not entry:
                other = index[key][0]
                raise _fail(
                    path,
                    entry.line,
                    f"{surface!r} is already a name of {other.name!r} (line {other.line})",
                )
            index[key] = (entry, surface)
    return index


def load_lexicon_from(data_dir: Path, user_dir: Path | None = None) -> Lexicon:
    """Load and validate the curated lexicon in `data_dir`, then merge the user's imported
    entries from `user_dir` (curated entries always win), with the CosIng vocabulary of
    `data_dir` behind both (read and checked on first use; `Vocabulary.load` forces it).
    Raises LexiconError on the first problem, naming file, line and reason."""
    sources = load_sources(data_dir / "sources.csv")
    categories = load_categories(data_dir / "categories.toml", sources)
    path = data_dir / "ingredients.csv"
    entries = [
        parse_entry(path, line, row, categories, sources)
        for line, row in _csv_rows(path, INGREDIENT_COLUMNS)
    ]
    index = build_index(path, entries)
    try:
        version = (data_dir / "VERSION").read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise LexiconError(
            f"{data_dir / 'VERSION'}: cannot read the lexicon version: {exc}"
        ) from exc
    user_file = (user_dir / USER_FILE) if user_dir is not None else None
    if user_file is not None and user_file.is_file():
        added = merge_user_entries(user_file, entries, index, categories, sources)
        digest = hashlib.sha256(user_file.read_bytes()).hexdigest()[:8]
        version = f"{version}+user.{digest}" if added else version
    vocabulary_file = data_dir / VOCABULARY_FILE
    vocabulary = (
        Vocabulary(vocabulary_file, categories, index) if vocabulary_file.is_file() else None
    )
    return Lexicon(version, tuple(entries), categories, sources, index, vocabulary)


def merge_user_entries(
    path: Path,
    entries: list[Entry],
    index: dict[str, tuple[Entry, str]],
    categories: dict[str, Category],
    sources: dict[str, Source],
) -> int:
    """Add imported entries; a name or synonym the lexicon already knows is dropped (curated
    wins), and an entry left with no name of its own is skipped. Returns how many were added."""
    added = 0
    for line, row in _csv_rows(path, INGREDIENT_COLUMNS):
        # The import tool wrote bare ids before stances existed: they meant "supports".
        entry = parse_entry(
            path, line, row, categories, sources, origin="imported", bare=Stance.supports
        )
        free = [n for n in entry.names if name_key(n) and name_key(n) not in index]
        if not free or name_key(entry.name) in index:
            continue
        entry = Entry(
            entry.name,
            tuple(n for n in free if n != entry.name),
            entry.categories,
            None,
            None,
            (),
            entry.citations,
            entry.note,
            line,
            "imported",
        )
        entries.append(entry)
        for surface in entry.names:
            index.setdefault(name_key(surface), (entry, surface))
        added += 1
    return added


def user_data_dir() -> Path:
    """Where the user's own lexicon lives: $MILIA_SCAN_DATA_DIR, else the user data folder."""
    from milia_scan.locations import data_dir

    return data_dir()


@lru_cache(maxsize=4)
def _cached(data_dir: Path, user_dir: Path, user_stamp: tuple[int, int]) -> Lexicon:
    from milia_scan.lexicon.cache import load_cached
    from milia_scan.locations import cache_dir

    user_file = user_dir / USER_FILE
    return load_cached(
        data_dir,
        user_file if user_stamp != (0, 0) else None,
        lambda: load_lexicon_from(data_dir, user_dir),
        cache_dir(),
    )


def load_lexicon(data_dir: Path = DATA_DIR) -> Lexicon:
    """The lexicon with the user's imports, loaded once per process (again if they change),
    from the cache of a previous process when nothing it was made from has changed
    (`milia_scan.lexicon.cache`)."""
    user_dir = user_data_dir()
    try:
        stat = (user_dir / USER_FILE).stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = (0, 0)
    return _cached(data_dir, user_dir, stamp)
