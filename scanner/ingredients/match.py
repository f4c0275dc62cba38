"""Stage 5: map each item read from the label onto the lexicon.

Exact hits on a name or synonym come first (also for the parts of "Aqua/Water/Eau" and
"Fragrance (Parfum)"), then fuzzy matching with rapidfuzz, whose cutoff rises as names get
shorter and which never pairs names of very different length or with different numbers
(PEG-40 is not PEG-100). Unknown silicones are classed by name rules. Below the cutoff an item
stays unrecognised rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace

from milia_scan.ingredients.extract import is_section_word
from milia_scan.ingredients.rescue import rescue
from milia_scan.lexicon import Entry, Lexicon, name_key
from milia_scan.lexicon.rules import family_class
from milia_scan.models import IngredientItem, Match, union_box
from rapidfuzz import fuzz, process

NO_FUZZY_BELOW = 5  # keys shorter than this must match exactly
CLOSE_CALL = 6.0  # a runner-up within this many points is reported
SPLIT_SCORE = 90.0  # both halves of a split run-together item must match at least this well
# A weak fuzzy match is split instead when its words are two names read almost exactly
# ("SORBITOL TOCOPHERYL ACETATE", a lost comma, is not Ascorbyl Tocopheryl Acetate at 89).
SURE_SPLIT = 97.0
SURE_FUZZY = 90.0  # a curated fuzzy match below this, with a close runner-up, is doubtful...
CLEARLY_BETTER = 5.0  # ...and a vocabulary name this many points better is taken instead
_DIGIT_LOOKALIKES = str.maketrans({"o": "0", "i": "1", "l": "1", "s": "5", "b": "8", "z": "2"})
_LETTER_LOOKALIKES = str.maketrans({"0": "o", "1": "l", "5": "s", "8": "b"})
_DIGITS = re.compile(r"\d+")
_BAR_AS_L = re.compile(r"(?<=[A-Za-z])[!|]")
_COLOUR_INDEX = re.compile(r"\bc[l1i]\s*(\d{5})\b")
_TRAILING_NUMBER = re.compile(r"\b([a-z]{4,})(\d{1,3})\b")  # "hexapeptide8"
_LEADING_NUMBER = re.compile(r"\b(\d{1,3})([a-z]{4,})\b")  # "peg 10dimethicone"
_PAREN = re.compile(r"\(([^()]*)\)")
_LONE_CLOSE = re.compile(r"([^\s()]+)\)")
_GLUED_BULLET = re.compile(r"(?<=[a-z])[.·•∙](?=[A-Z])")
_AND = re.compile(r"\s*\(and\)\s*", re.IGNORECASE)  # "C13-15 Alkane (and) Coco-Glucoside"
_FOLD = str.maketrans({"i": "l", "1": "l", "0": "o", "5": "s"})


def fuzzy_cutoff(length: int) -> float:
    """The score a fuzzy match needs: stricter for short names, where one letter is a lot."""
    if length < NO_FUZZY_BELOW:
        return 101.0
    if length <= 7:
        return 90.0
    if length <= 12:
        return 86.0
    return 82.0


def ocr_key(text: str, *, lost_hyphens: bool = False) -> str:
    """name_key with OCR's usual mix-ups undone: '!' or '|' after a letter is an l
    ("Ceteary!"), a mostly-digit word reads as digits ("Ceteareth-2O"), a mostly-letter word as
    letters ("Dimeth1cone", "5tearic", "Oi1"), and "Cl 77891" is the colour index "CI 77891".
    With `lost_hyphens`, a number stuck to a word is read as its own word instead
    ("Hexapeptide8", "PEG-10Dimethicone")."""
    key = _COLOUR_INDEX.sub(r"ci \1", name_key(_BAR_AS_L.sub("l", text)))
    if lost_hyphens:
        key = _LEADING_NUMBER.sub(r"\1 \2", _TRAILING_NUMBER.sub(r"\1 \2", key))
    words = []
    for word in key.split():
        digits = sum(ch.isdigit() for ch in word)
        if digits and digits * 2 >= len(word):
            word = word.translate(_DIGIT_LOOKALIKES)
        elif digits and len(word) >= 3:
            word = word.translate(_LETTER_LOOKALIKES)
        words.append(word)
    return " ".join(words)


def variants(raw: str) -> tuple[list[str], list[str]]:
    """Keys to try: first the item as a whole, without and inside its parentheses (also with
    numbers stuck to words split off); then, only if those fail, its slash-separated parts
    ("Aqua/Water/Eau", but never "Dimethicone" out of "Dimethicone/Vinyl Dimethicone
    Crosspolymer" while the whole still matches)."""
    if raw.count(")") == 1 and "(" not in raw:  # a lost "(": "Integrifolia Macadamia) Seed"
        raw = _LONE_CLOSE.sub(r"(\1)", raw)
    outside = _PAREN.sub(" ", raw)
    whole = [raw, outside, *_PAREN.findall(raw)]
    parts = [part for piece in (raw, outside) if "/" in piece for part in piece.split("/")]
    seen: set[str] = set()
    result: tuple[list[str], list[str]] = ([], [])
    for group, texts in zip(result, (whole, parts), strict=True):
        for text in texts:
            # The plain key first: "Vitamin B3" must not become "vitamin 83".
            for key in (name_key(text), ocr_key(text), ocr_key(text, lost_hyphens=True)):
                if key and key not in seen:
                    seen.add(key)
                    group.append(key)
    return result


def ocr_fold(key: str) -> str:
    """Fold the letters OCR confuses (i/l/1, o/0, rn/m, ri/n, cl/d, vv/w, 5/s) to one form, in words
    without digits; two keys that fold alike differ only by such confusions."""
    words = []
    for word in key.split():
        if not any(ch.isdigit() for ch in word):
            word = word.replace("rn", "m").replace("ri", "n").replace("cl", "d")
            word = word.replace("vv", "w")
            word = word.translate(_FOLD)
        words.append(word)
    return " ".join(words)


# Words that many names share: a fuzzy match must hold on the other, distinctive words.
_GENERIC = """extract oil seed leaf butter acid alcohol water flower fruit root powder juice wax
kernel bark peel stem callus culture ferment filtrate hydrolyzed sodium potassium chloride acetate
stearate palmitate glycol glyceryl distearate sulfate ester"""
GENERIC_WORDS = frozenset(_GENERIC.split())
WORD_FLOOR = 60.0  # each distinctive word against its counterpart, when the counts agree
RESIDUE_SLACK = 10.0  # the words left after the shared ones may be this much looser


def _same_distinctive_words(key: str, choice: str, cutoff: float) -> bool:
    """Whether a fuzzy pair agrees on what tells names apart. Words many names share
    ("extract", "oil", "acetate") that both hold are set aside; what is left must still be
    close ("Camellia Extract" is not "Camel Milk Extract", "Lotus Extract" not "Loess
    Extract"), word by word where the counts agree ("Artemisia Alba Oil" is not "Artemisia
    Annua Oil"), while one or two OCR slips in a word are still forgiven."""
    shared = set(key.split()) & set(choice.split()) & GENERIC_WORDS
    mine = [w for w in key.split() if w not in shared]
    theirs = [w for w in choice.split() if w not in shared]
    if not mine or not theirs:
        return mine == theirs
    if len(mine) == len(theirs) and any(
        fuzz.ratio(a, b) < WORD_FLOOR
        for a, b in zip(mine, theirs, strict=True)
        if min(len(a), len(b)) >= 4  # "MP" for "AP" is one slip, not another word
    ):
        return False
    if not shared:
        return True  # the whole-key score already decided
    left, right = "".join(mine), "".join(theirs)
    return fuzz.ratio(left, right) >= fuzzy_cutoff(len(left)) - RESIDUE_SLACK


def _length_slack(length: int) -> int:
    return max(2, length // 7)


Hit = tuple[Entry, str]
_FOLD_BYTES = bytes.maketrans(b"i150", b"llso")


def _folds(keys: list[str], with_digits: bool) -> list[str | None]:
    """ocr_fold of every key, at once on the joined text for keys without digits. The fold
    leaves words with digits alone, so a key with digits gets its own call, or, without
    `with_digits`, no fold at all (its fuzzy match still checks the numbers)."""
    blob = "\n".join(keys).encode("utf-8")
    plain = (
        blob.replace(b"rn", b"m")
        .replace(b"ri", b"n")
        .replace(b"cl", b"d")
        .replace(b"vv", b"w")
        .translate(_FOLD_BYTES)
        .decode("utf-8")
        .split("\n")
    )
    bare = blob.translate(None, b"0123456789").split(b"\n")
    if len(plain) != len(keys):  # a key held a line break
        return [ocr_fold(k) for k in keys]
    return [
        plain[i] if len(bare[i]) == len(k) else ocr_fold(k) if with_digits else None
        for i, k in enumerate(keys)
    ]


class _Tier:
    """Fuzzy and folded lookups over one tier of names: `keys[i]` names `hit(i)`, whose entry
    is told apart by `owner[i]` (two names of one entry may fold alike, two entries may not).
    A fold in `taken` (a fold of an earlier tier) is left to that tier."""

    def __init__(
        self,
        keys: list[str],
        owner: Sequence[int],
        hit: Callable[[int], Hit],
        taken: Collection[str] = (),
        with_digits: bool = True,
    ) -> None:
        self.keys = keys
        self.hit = hit
        # Keys by length: a fuzzy match never pairs names of very different length, so a query
        # only needs the keys near its own length (most of the speed with 30k names).
        by_length: dict[int, tuple[list[int], list[str]]] = {}
        for idx, key in enumerate(keys):
            bucket = by_length.get(len(key))
            if bucket is None:
                bucket = by_length[len(key)] = ([], [])
            bucket[0].append(idx)
            bucket[1].append(key)
        self.by_length = by_length
        folded: dict[str, int] = {}
        ambiguous: set[str] = set()
        for idx, fold in enumerate(_folds(keys, with_digits)):
            if fold is None:
                continue
            seen = folded.setdefault(fold, idx)
            if owner[seen] != owner[idx]:
                ambiguous.add(fold)  # two entries fold alike: the fold cannot tell them apart
        self.all_folds = set(folded)
        self.folded = {f: i for f, i in folded.items() if f not in ambiguous and f not in taken}

    def near(self, length: int) -> tuple[list[int], list[str]]:
        """The keys whose length allows a fuzzy match with a key of this length."""
        slack = _length_slack(length)
        ids: list[int] = []
        keys: list[str] = []
        for n in range(length - slack - 1, length + slack + 2):
            bucket = self.by_length.get(n)
            if bucket:
                ids += bucket[0]
                keys += bucket[1]
        return ids, keys


class Matcher:
    """Matches items against one lexicon; build once per process (see pipeline.matcher_for)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        # Fuzzy matching prefers the curated and the user's own names: the CosIng vocabulary
        # (27k mostly rare names) is searched only when they offer nothing, and its tier is
        # built on the first item they cannot match.
        keys = list(lexicon.index)
        hits = [lexicon.index[k] for k in keys]
        self._main = _Tier(keys, [id(h[0]) for h in hits], hits.__getitem__)
        self._vocabulary: _Tier | None = None

    def prepare(self) -> None:
        """Index the CosIng vocabulary now rather than on the first name the curated lexicon
        cannot match (a scan that may need it builds it while the photo is read)."""
        self._vocabulary_tier()

    def _vocabulary_tier(self) -> _Tier | None:
        vocabulary = self.lexicon.vocabulary
        if vocabulary is None:
            return None
        if self._vocabulary is None:
            index = vocabulary.index
            keys = list(index)
            rows = list(index.values())
            self._vocabulary = _Tier(
                keys,
                rows,
                lambda i: vocabulary.hit(rows[i], keys[i]),
                self._main.all_folds,  # a curated fold is never lost to a vocabulary name
                with_digits=False,
            )
        return self._vocabulary

    def match(self, item: IngredientItem, *, parts: bool = True) -> Match:
        """The lexicon entry an item names. With `parts`, an item no name matches whole is
        also tried by its slash-separated parts ("Aqua/Water/Eau"). A name in brackets
        names the item only when the words outside are few or a name too ("Tocopherol
        (Vitamin E)", not "Lauryl PEG-9 Dehydroacetate Cl 77891 (Titanium Dioxide)")."""
        whole, slash_parts = variants(item.raw)
        for keys in (whole, slash_parts) if parts else (whole,):
            found = self._match_keys(item, keys)
            if found is not None and self._bracket_only(item.raw, found):
                found = None
            if found is not None:
                return found
        rule = family_class(whole[0]) if whole else None
        if rule:
            return Match(item, None, None, 0.0, "rule", (rule,))
        return Match(item, None, None, 0.0, "none")

    def _bracket_only(self, raw: str, found: Match) -> bool:
        """Whether only the bracketed part of `raw` matched, beside three or more words that
        are no name themselves."""
        outside = _PAREN.sub(" ", raw).split()
        if len(outside) < 3 or "(" not in raw or found.matched is None:
            return False
        matched = name_key(found.matched)
        if matched in name_key(" ".join(outside)) or fuzz.ratio(matched, name_key(raw)) >= 80:
            return False  # the name outside the brackets, or the whole item, matched
        return self.match(replace(found.item, raw=" ".join(outside))).entry is None

    def _match_keys(self, item: IngredientItem, keys: list[str]) -> Match | None:
        """Exact on the lexicon, then on the vocabulary; then the OCR-confusion fold and fuzzy
        matching on the curated and user names, and only when they offer nothing (or a looser
        match than a vocabulary fold), on the vocabulary."""
        for key in keys:
            hit = self.lexicon.index.get(key)
            if hit:
                return Match(item, hit[0], hit[1], 100.0, "exact", hit[0].categories)
        vocabulary = self.lexicon.vocabulary
        if vocabulary is not None:
            for key in keys:
                hit = vocabulary.lookup(key)
                if hit:
                    return Match(item, hit[0], hit[1], 100.0, "exact", hit[0].categories)
        found = self._fold_match(item, keys, self._main)
        if found is not None:
            return found
        found = self._fuzzy_match(item, keys, self._main)
        tier = self._vocabulary_tier()
        if tier is None:
            return found
        # A vocabulary name that differs only by OCR's confusions beats a looser curated
        # fuzzy match ("Bis-Phenyipropyl Dimethicone" is not "Bis-Aminopropyl Dimethicone").
        folded = self._fold_match(item, keys, tier)
        if folded is not None and (found is None or folded.score > found.score):
            return folded
        if found is None:
            return self._fuzzy_match(item, keys, tier)
        if found.runner_up is not None and found.score < SURE_FUZZY:
            # A doubtful curated match (loose, and another name nearly as close) gives way to a
            # vocabulary name that fits clearly better: "Hydolyzed Con Protein" is Hydrolyzed
            # Corn Protein (95), not the curated Oat or Soy Protein (88 each).
            other = self._fuzzy_match(item, keys, tier)
            if other is not None and other.score >= found.score + CLEARLY_BETTER:
                return other
        return found

    def _fold_match(self, item: IngredientItem, keys: list[str], tier: _Tier) -> Match | None:
        for key in keys:
            idx = tier.folded.get(ocr_fold(key))
            if idx is not None:
                entry, surface = tier.hit(idx)
                score = round(fuzz.ratio(key, name_key(surface)), 1)
                return Match(item, entry, surface, score, "fuzzy", entry.categories)
        return None

    def _fuzzy_match(self, item: IngredientItem, keys: list[str], tier: _Tier) -> Match | None:
        best_per_entry: dict[int, tuple[float, int]] = {}
        for key in keys:
            for idx, score in self._fuzzy(tier, key):
                entry_id = id(tier.hit(idx)[0])
                if score > best_per_entry.get(entry_id, (-1.0, -1))[0]:
                    best_per_entry[entry_id] = (score, idx)
        ranked = sorted(best_per_entry.values(), reverse=True)
        if not ranked:
            return None
        score, idx = ranked[0]
        entry, surface = tier.hit(idx)
        close = None
        if len(ranked) > 1 and score - ranked[1][0] <= CLOSE_CALL:
            close = (tier.hit(ranked[1][1])[0].name, round(ranked[1][0], 1))
        return Match(item, entry, surface, round(score, 1), "fuzzy", entry.categories, close)

    def _fuzzy(self, tier: _Tier, key: str) -> list[tuple[int, float]]:
        cutoff = fuzzy_cutoff(len(key))
        if cutoff > 100:
            return []
        digits = _DIGITS.findall(key)
        near, choices = tier.near(len(key))
        found = []
        for _, score, pos in process.extract(
            key, choices, scorer=fuzz.ratio, limit=8, score_cutoff=cutoff
        ):
            choice = choices[pos]
            if abs(len(key) - len(choice)) > _length_slack(len(choice)):
                continue  # never a short word onto a long name ("Amodimethicone")
            if digits != _DIGITS.findall(choice):
                continue  # PEG-40 is not PEG-100
            if not _same_distinctive_words(key, choice, cutoff):
                continue  # "Camellia Extract" is not "Camel Milk Extract"
            found.append((near[pos], float(score)))
        return found

    def support(self, raw: str) -> float:
        """How well the lexicon supports `raw` as one ingredient: its match score, 0 when
        nothing matches (extraction uses this to choose the list and its item breaks)."""
        if len(raw.split()) > 12 or not any(ch.isalpha() for ch in raw) or is_section_word(raw):
            return 0.0
        found = self.match(IngredientItem(0, raw, None), parts=False)
        outside = _PAREN.sub(" ", raw).strip()
        # "Tocopherol (Vitamin E)": the name outside the brackets must be one too, or
        # "Aqua (Water) * Niacinamide" would pass as a name by its "(Water)".
        bracketed = bool(outside) and outside != raw.strip()
        if found.entry is not None and bracketed and self.support(outside) <= 0:
            return 0.0
        if found.entry is not None:
            return found.score
        if "/" in raw and "/ " not in raw and " /" not in raw:
            # "Aqua/Water/Eau": every part a name ("Water/ Glycerin/" is a list, not a name)
            scores = [self.support(part) for part in raw.split("/") if part.strip()]
            if scores and min(scores) > 0:
                return min(scores)
        # A family ending ("-siloxane") names one short item, not a run of words holding it.
        return 60.0 if found.method == "rule" and len(raw.split()) <= 4 else 0.0

    def match_list(self, items: Sequence[IngredientItem]) -> tuple[Match, ...]:
        """Match every item, mend the list's segmentation, then apply whole-list rules.

        Header and section words are never ingredients; two unrecognised neighbours that
        form a name together are joined ("Cetearyl" + "Alcohol"); an unrecognised item that is
        two names run together is split ("Dimethicone Cyclopentasiloxane"); a name among OCR
        noise is cut out of it (`rescue`)."""
        kept = [i for i in items if not (is_section_word(i.raw) and self._exact(i) is None)]
        matches = self._join_broken([self.match(i) for i in kept])
        matches = [part for m in matches for part in self._split_run(m)]
        matches = [part for m in matches for part in rescue(m, self.match)]
        matches = [
            replace(m, item=replace(m.item, position=n)) for n, m in enumerate(matches, start=1)
        ]
        n = len(matches)
        for i, m in enumerate(matches):
            cats = m.categories
            # An acid that is also a pH adjuster, in the tail of the list, is there for the pH.
            if "ph_adjuster" in cats and m.item.position > max(5, n // 2):
                matches[i] = replace(
                    m, categories=tuple(c for c in cats if c not in ("aha", "bha", "pha"))
                )
        return tuple(matches)

    def _exact(self, item: IngredientItem) -> Entry | None:
        hit = self.lexicon.index.get(ocr_key(item.raw))
        return hit[0] if hit else None

    def _join_broken(self, matches: list[Match]) -> list[Match]:
        out: list[Match] = []
        for m in matches:
            prev = out[-1] if out else None
            if (
                prev is not None
                and prev.entry is None
                and prev.item.may_contain == m.item.may_contain
            ):
                glues = ("",) if prev.item.raw.endswith("-") else (" ", "")
                for glue in glues:
                    raw = prev.item.raw + glue + m.item.raw
                    joined_item = replace(
                        prev.item,
                        raw=raw,
                        box=union_box([b for b in (prev.item.box, m.item.box) if b is not None]),
                        fragments=prev.item.fragments + m.item.fragments,
                    )
                    joined = self.match(joined_item)
                    if joined.entry is not None and joined.score >= SPLIT_SCORE:
                        out[-1] = joined
                        break
                    if blend := self._blend(joined_item):
                        out[-1:] = blend
                        break
                else:
                    out.append(m)
                continue
            out.append(m)
        return out

    def _blend(self, item: IngredientItem) -> list[Match] | None:
        """A trade blend broken over a line ("C13-15 Alkane (and) Coco" + "Glucoside"): one
        match per part, each shown as it is on one line, when every part is a name."""
        parts = [p for p in _AND.split(item.raw) if p.strip()]
        if len(parts) < 2:
            return None
        raws = [parts[0], *(f"(and) {p}" for p in parts[1:])]
        found = [self.match(replace(item, raw=raw)) for raw in raws]
        if all(m.entry is not None and m.score >= SPLIT_SCORE for m in found):
            return found
        return None

    def _split_run(self, match: Match, depth: int = 0) -> list[Match]:
        # A bullet read as a full stop or dot with no space ("Dimethicone.Sodium") splits too.
        words = _GLUED_BULLET.sub(" ", match.item.raw).split()
        weak = match.method == "fuzzy" and match.score < SPLIT_SCORE
        if (match.entry is not None and not weak) or len(words) < 2 or depth > 2:
            return [match]
        need = SURE_SPLIT if match.entry is not None else SPLIT_SCORE
        best: tuple[float, Match, Match] | None = None
        for k in range(1, len(words)):
            left = self.match(replace(match.item, raw=" ".join(words[:k])))
            right = self.match(replace(match.item, raw=" ".join(words[k:])))
            if left.entry is None or min(left.score, SPLIT_SCORE) < SPLIT_SCORE:
                continue
            score = min(left.score, right.score if right.entry else 0.0)
            if right.entry is None:
                deeper = self._split_run(right, depth + 1)
                if len(deeper) < 2 or any(d.entry is None for d in deeper):
                    continue
                score = min(left.score, *(d.score for d in deeper))
            if score >= need and (best is None or score > best[0]):
                best = (score, left, right)
        if best is None:
            return [match]
        return [best[1], *self._split_run(best[2], depth + 1)]
