"""The neutral third tier: INCI names from the EU CosIng inventory, shipped as a compact file.

`data/cosing-2021-12.tsv.gz` (built by `scripts/build_cosing_vocabulary.py`) holds one INCI
name a line with its CosIng function tags, compacted to indices into a `#tags` header line, and
its INN / Ph. Eur. names where they are unambiguous:

    # comment lines
    #tags<TAB>SKIN CONDITIONING<TAB>SKIN CONDITIONING - EMOLLIENT<TAB>...
    Sesamum Indicum Seed Oil<TAB>0,1<TAB>
    Acetaminophen<TAB>0<TAB>Paracetamol|Paracetamolum

The tier stands behind the curated entries and the user's import: a name they know shadows the
vocabulary row (and the row's other names with it). Its entries are neutral: function tags only
give descriptive categories, and silicones are classed by the name rule (`rules.py`), as for the
user import. Parsing 30k names costs tens of milliseconds, so it happens on first use: a scan
whose items are all curated names never reads the file.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from milia_scan.errors import LexiconError
from milia_scan.lexicon.model import Category, Citation, Entry, Stance
from milia_scan.lexicon.names import name_key
from milia_scan.lexicon.rules import silicone_class

VOCABULARY_FILE = "cosing-2021-12.tsv.gz"
ORIGIN = "cosing"
COLUMNS = 3  # name, tag indices, other names

# CosIng function tag (upper case, as exported) -> neutral category
FUNCTION_CATEGORIES = {
    "ABRASIVE": "absorbent",
    "ABSORBENT": "absorbent",
    "BULKING": "absorbent",
    "OPACIFYING": "absorbent",
    "ANTIOXIDANT": "antioxidant",
    "BUFFERING": "ph_adjuster",
    "PH ADJUSTERS": "ph_adjuster",
    "CHELATING": "chelator",
    "COLORANT": "colorant",
    "HAIR DYEING": "colorant",
    "EMOLLIENT": "emollient",
    "SKIN CONDITIONING - EMOLLIENT": "emollient",
    "EMULSIFYING": "emulsifier",
    "EMULSION STABILISING": "emulsifier",
    "SURFACTANT - EMULSIFYING": "emulsifier",
    "FILM FORMING": "film_former",
    "PERFUMING": "fragrance",
    "MASKING": "fragrance",
    "PRESERVATIVE": "preservative",
    "ANTIMICROBIAL": "preservative",
    "SOLVENT": "solvent",
    "SURFACTANT - CLEANSING": "surfactant",
    "CLEANSING": "surfactant",
    "FOAMING": "surfactant",
    "SURFACTANT": "surfactant",
    "UV ABSORBER": "uv_filter",
    "UV FILTER": "uv_filter",
    "VISCOSITY CONTROLLING": "thickener",
    "GEL FORMING": "thickener",
    "SKIN CONDITIONING": "skin_conditioning",
    "HUMECTANT": "skin_conditioning",
    "SKIN CONDITIONING - HUMECTANT": "skin_conditioning",
    "SKIN CONDITIONING - OCCLUSIVE": "skin_conditioning",
    "HAIR CONDITIONING": "skin_conditioning",
}
# name_key for ASCII text, a byte at a time: letters lowered, digits kept, the rest a space
_KEY_BYTES = bytes(
    c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 or c == 10 else 32
    for c in range(256)
)
_SPACES = re.compile(rb"  +")
NEEDED_CATEGORIES = {*FUNCTION_CATEGORIES.values(), "film_forming_silicone", "volatile_silicone"}


def function_categories(
    tags: Iterable[str], key: str
) -> tuple[tuple[str, ...], tuple[Citation, ...]]:
    """(categories, citations) for a CosIng name: neutral categories from its function tags, and
    the silicone class from the name rule (which replaces the plain film former)."""
    categories = sorted({FUNCTION_CATEGORIES[t] for t in tags if t in FUNCTION_CATEGORIES})
    citations = [Citation("cosing", Stance.supports)]
    silicone = silicone_class(key)
    if silicone:
        categories = [silicone, *(c for c in categories if c != "film_former")]
        citations.append(Citation("inci_naming", Stance.supports))
    return tuple(categories), tuple(citations)


def _keys(names: list[str]) -> list[str]:
    """name_key of every name, done on the joined text at once (30k names in a few ms)."""
    blob = _SPACES.sub(b" ", "\n".join(names).encode("utf-8").translate(_KEY_BYTES))
    keys = [k.strip() for k in blob.decode("ascii").split("\n")]
    if len(keys) != len(names):  # a name held a line break
        return [name_key(n) for n in names]
    for idx, name in enumerate(names):
        if not name.isascii():
            keys[idx] = name_key(name)  # accents folded, as name_key does
    return keys


class Vocabulary:
    """The CosIng names behind a lexicon's own index, read from `path` on first use.

    `shadow` is the lexicon's index (curated and imported names): a row whose name it knows is
    left out, and so is any other name of a row that it knows."""

    def __init__(
        self,
        path: Path,
        categories: Mapping[str, Category],
        shadow: Mapping[str, object],
    ) -> None:
        self.path = path
        self._categories = categories
        self._shadow = shadow
        self._loaded = False
        self._lines: list[str] = []  # the data lines, split into fields only when needed
        self._names: list[str] = []
        self._tag_names: list[str] = []
        self._index: dict[str, int] = {}
        self._entries: dict[int, Entry] = {}
        self._kinds: dict[str, tuple[tuple[str, ...], str]] = {}
        self._hidden: set[int] = set()
        self._first_line = 0

    # -- reading ----------------------------------------------------------------------------

    def _fail(self, line: int, reason: str) -> LexiconError:
        return LexiconError(f"{self.path}:{line}: {reason}")

    def load(self) -> Vocabulary:
        """Read the file (once) and index its names; raises LexiconError naming file, line and
        reason for a broken file. The function tags are checked per row when an entry is made,
        and all at once by `check`."""
        if self._loaded:
            return self
        try:
            text = gzip.decompress(self.path.read_bytes()).decode("utf-8")
        except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
            raise LexiconError(f"{self.path}: cannot read the vocabulary: {exc}") from exc
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        start = 0
        while start < len(lines) and lines[start].startswith("#"):
            if lines[start].startswith("#tags\t"):
                self._tag_names = lines[start].split("\t")[1:]
            start += 1
        if not self._tag_names:
            raise self._fail(start + 1, "no '#tags' line before the names")
        for tag in self._tag_names:
            if not tag or tag != tag.strip().upper():
                raise self._fail(start, f"function tag {tag!r} is not an upper-case tag")
        missing = sorted(NEEDED_CATEGORIES - set(self._categories))
        if missing:
            raise self._fail(start, f"categories.toml lacks the categories {missing}")
        self._first_line = start + 1
        offset = sum(len(line) + 1 for line in lines[:start])
        del lines[:start]
        if text.count("\t", offset) != (COLUMNS - 1) * len(lines):
            self._check_fields(lines)  # fails naming the first bad line
        names = [line.partition("\t")[0] for line in lines]
        keys = _keys(names)
        index = dict(zip(keys, range(len(keys)), strict=True))
        if len(index) != len(keys) or "" in index:
            self._check_keys(names, keys)
        # A row whose name the lexicon knows is left out whole (curated wins); then the rows'
        # other names, where nobody else has them.
        hidden = {index.pop(key) for key in self._shadow if key in index}
        for idx, line in enumerate(lines):
            if line.endswith("\t"):
                continue
            for other in line.rpartition("\t")[2].split("|"):
                key = name_key(other)
                if not key or (key in index and index[key] != idx):
                    raise self._fail(idx + start + 1, f"other name {other!r} is empty or taken")
                if idx not in hidden and key not in self._shadow:
                    index[key] = idx
        self._lines, self._names, self._index, self._hidden = lines, names, index, hidden
        self._loaded = True
        return self

    def check(self) -> Vocabulary:
        """Load, then check every row's function tags too (`milia-scan lexicon validate`)."""
        self.load()
        self._check_fields(self._lines)
        for idx, line in enumerate(self._lines):
            self._kind(line.split("\t")[1], idx)
        return self

    def _check_fields(self, lines: list[str]) -> None:
        for idx, line in enumerate(lines):
            fields = line.count("\t") + 1
            if fields != COLUMNS:
                raise self._fail(
                    self._first_line + idx, f"expected {COLUMNS} fields, found {fields}"
                )

    def _check_keys(self, names: list[str], keys: list[str]) -> None:
        seen: dict[str, int] = {}
        for idx, key in enumerate(keys):
            line = self._first_line + idx
            if not key:
                raise self._fail(line, f"{names[idx]!r} has no letters or digits")
            if key in seen:
                raise self._fail(
                    line, f"{names[idx]!r} repeats line {self._first_line + seen[key]}"
                )
            seen[key] = idx

    def _kind(self, tags: str, idx: int) -> tuple[tuple[str, ...], str]:
        """The function tags of one tag list and the note they give (checked once per list)."""
        kind = self._kinds.get(tags)
        if kind is None:
            try:
                names = tuple(self._tag_names[int(t)] for t in tags.split(",")) if tags else ()
            except (ValueError, IndexError):
                raise self._fail(
                    self._first_line + idx, f"function tags {tags!r} are not indices of #tags"
                ) from None
            note = "In the EU CosIng inventory"
            if names:
                note += "; functions: " + ", ".join(sorted(names)).lower()
            kind = self._kinds[tags] = (names, note)
        return kind

    # -- lookups ----------------------------------------------------------------------------

    def __len__(self) -> int:
        """How many rows the vocabulary adds (rows whose name the lexicon knows left out)."""
        return len(self.load()._names) - len(self._hidden)

    @property
    def index(self) -> dict[str, int]:
        """Lookup key -> row, for every name and other name the vocabulary adds."""
        return self.load()._index

    def entry(self, idx: int) -> Entry:
        """The entry of one row, made on first request (the same object every time)."""
        entry = self._entries.get(idx)
        if entry is None:
            self.load()
            _, tags, others = self._lines[idx].split("\t")
            name = self._names[idx]
            functions, note = self._kind(tags, idx)
            categories, sources = function_categories(functions, name_key(name))
            synonyms = tuple(
                o for o in others.split("|") if o and self._index.get(name_key(o)) == idx
            )
            entry = Entry(
                name,
                synonyms,
                categories,
                None,
                None,
                (),
                sources,
                note,
                self._first_line + idx,
                ORIGIN,
            )
            self._entries[idx] = entry
        return entry

    def hit(self, idx: int, key: str) -> tuple[Entry, str]:
        """(entry, the name of it that has this key)."""
        entry = self.entry(idx)
        return entry, next((n for n in entry.synonyms if name_key(n) == key), entry.name)

    def lookup(self, key: str) -> tuple[Entry, str] | None:
        """(entry, surface name) for a lookup key, or None."""
        idx = self.index.get(key)
        return None if idx is None else self.hit(idx, key)
