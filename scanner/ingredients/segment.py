"""Split a list's text into items, choosing the split the lexicon supports best.

Commas, semicolons and bullets outside brackets (and outside numbers: "1,2-Hexanediol") always
end an item, and so does a full stop followed by a space. Every other mark that some label uses
between items and other labels use inside names is only a candidate: `*`, `+`, `«`, `»`, `|`,
dashes, a hyphen before a letter, a slash or colon beside a space, a lone letter OCR made of a
bullet ("WATER e GLYCERIN"), a bullet read as a letter glued to the words ("OilePanthenol"), and
a line end. Between two sure breaks, the candidates taken are the ones that make the most
names the lexicon knows (dynamic programming over the candidates):

- a known name scores 1, and a surely known one (match score 90 or more) 1.1 more for every
  candidate inside it that is not taken, so it is never cut into smaller known names
  ("Aqua/Water/Eau", "Coco-Glucoside", "CI 77491" + "(Iron Oxides)" across a line end);
- an unknown piece scores -0.5, so cutting an unknown name into unknown pieces never wins.

The separator a label uses is thereby inferred, not assumed; a spaced mark taken in most of
its places is then taken in all of them (`_label_separators`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

# How well the lexicon supports a piece of text as one ingredient: 0 when it knows no such
# name, else up to 100 (the matcher's score). The matcher provides it (`Matcher.support`).
Support = Callable[[str], float]

SURE = frozenset(",;•·●▪■◆♦・、，")
MARKS = frozenset("*+«»|¦–—~")
LONE_BULLET = frozenset("eoc°º¤¢©®•·*+«»|~-–—=")
GLUED_BULLET = frozenset("eo")
MAX_GROUP = 60  # characters a bracketed group may span: longer, and OCR lost its closing bracket
MAX_INSIDE = 8  # candidates one item may span
KNOWN = 1.0
KEPT_WHOLE = 1.1  # per candidate inside a known name...
SURE_NAME = 90.0  # ...known this surely (not by a family rule or a loose fuzzy match)
UNKNOWN = -0.5
TRAILING_JUNK = " .,;:*†‡¹²°-–—_=~«»|¦+/"
LEADING_JUNK = " *•·●▪■◆♦-–—=~«»|¦+.,;:/"
_GLUE = re.compile(r"(?<=[a-z])[eo](?=[A-Z])")
_MARK_RUN = re.compile(r"(?:(?<=\s)|^)[eoc°º¤¢©®•·*+«»|~\-–—=]{2,3}(?=\s|$)")


@dataclass(frozen=True)
class Break:
    start: int  # the characters [start, end) are the separator, dropped from both items
    end: int
    sure: bool
    after_stop: bool = False
    kind: str = ""  # the mark and its spacing: a label uses one kind throughout


def _kind(text: str, i: int) -> str:
    """A candidate's kind: its character, and whether a space stands beside it."""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    spaced = before.isspace() or after.isspace()
    return f"{text[i]}{' spaced' if spaced else ''}"


def bracket_pairs(text: str) -> set[int]:
    """Indexes of the brackets that pair up within MAX_GROUP characters. A bracket OCR left
    unclosed ("Cacao ((ocoa) Seed Butter") groups nothing, so it cannot swallow the list."""
    paired: set[int] = set()
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in "([{":
            stack.append(i)
        elif ch in ")]}" and stack:
            start = stack.pop()
            if i - start <= MAX_GROUP:
                paired.update((start, i))
    return paired


def breaks_in(text: str) -> list[Break]:
    """Every sure and candidate item break outside brackets, in order."""
    paired = bracket_pairs(text)
    glued = bool(_GLUE.search(text))  # the label's bullets read as letters stuck to words
    depth = 0
    found: list[Break] = []
    n = len(text)
    # A short run of bullet-like marks standing alone ("e¢", "•·") is one candidate break.
    runs = {m.start(): m.end() for m in _MARK_RUN.finditer(text)}
    skip_to = 0
    for i, ch in enumerate(text):
        if i < skip_to:
            continue
        if i in runs and not depth:
            found.append(Break(i, runs[i], False, kind=f"{text[i : runs[i]]} spaced"))
            skip_to = runs[i]
            continue
        if i in paired:
            depth += 1 if ch in "([{" else -1
            continue
        if depth:
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < n else " "
        if ch == "," and before.isdigit() and after.isdigit():
            continue  # "1,2-Hexanediol"
        if ch in SURE:
            found.append(Break(i, i + 1, True))
        elif ch == "." and (i + 1 == n or (after.isspace() and _stop_after(text, i))):
            found.append(Break(i, i + 1, True, after_stop=True))
        elif (
            ch == "\n"
            or (before.isspace() and after.isspace() and ch in LONE_BULLET)
            or ch in MARKS
            or (ch == "-" and not after.isdigit() and not (before.isdigit() and after.isspace()))
            or (ch in "/:" and (before.isspace() or after.isspace()))
            or (ch == ":" and before.isalpha() and after.isalpha())
        ):
            # a line end; "WATER e GLYCERIN"; "*", "|", dashes; "Glycerin-Caprylic" but not
            # "PEG-100"; "Aqua/ Urea/"; "Aqua:Glycerin"
            found.append(Break(i, i + 1, False, kind=_kind(text, i)))
        elif (
            glued
            and ch in GLUED_BULLET
            and before.isalpha()
            and before.islower()
            and (after.isupper() or after.isspace() or i + 1 == n)
        ):
            found.append(Break(i, i + 1, False, kind="glued"))  # "DimethiconoleDimethiconee"
    return found


def _stop_after(text: str, i: int) -> bool:
    """A full stop ending an item: not one after a number ("Vol. 2") unless a capital follows
    ("CI 42053. Contains ...")."""
    if i == 0 or not text[i - 1].isdigit():
        return True
    rest = text[i + 1 :].lstrip()
    return bool(rest) and rest[0].isupper()


def clean(raw: str) -> str:
    """Tidy one item: spacing, stray punctuation, bullets, and brackets left unbalanced."""
    item = " ".join(raw.split()).strip(TRAILING_JUNK).lstrip(LEADING_JUNK)
    for opener, closer in ("()", "[]", "{}"):
        while item.endswith(closer) and item.count(closer) > item.count(opener):
            item = item[:-1].rstrip(TRAILING_JUNK)
        while item.startswith(opener) and item.count(opener) > item.count(closer):
            item = item[1:].lstrip(TRAILING_JUNK)
    return item.strip()


def _piece_score(raw: str, inside: int, support: Support) -> float:
    if not raw or not any(ch.isalnum() for ch in raw):
        return 0.0
    score = support(raw)
    if score >= SURE_NAME:
        return KNOWN + KEPT_WHOLE * inside
    return KNOWN if score > 0 else UNKNOWN


def _best_split(
    text: str, start: int, end: int, candidates: list[Break], support: Support
) -> list[Break]:
    """The candidates to take between two sure breaks (dynamic programming)."""
    if not candidates:
        return []
    bounds: list[tuple[int, int]] = [(start, start)]
    bounds += [(b.start, b.end) for b in candidates]
    bounds.append((end, end))
    m = len(bounds)
    best = [float("-inf")] * m
    back = [0] * m
    best[0] = 0.0
    for j in range(1, m):
        for i in range(max(0, j - MAX_INSIDE - 1), j):
            if best[i] == float("-inf"):
                continue
            piece = clean(text[bounds[i][1] : bounds[j][0]])
            score = best[i] + _piece_score(piece, j - i - 1, support)
            if score > best[j]:
                best[j], back[j] = score, i
    taken: list[Break] = []
    j = m - 1
    while j > 0:
        i = back[j]
        if i > 0:
            taken.append(candidates[i - 1])
        j = i
    return sorted(taken, key=lambda b: b.start)


def _choose(text: str, found: list[Break], support: Support) -> list[Break]:
    chosen: list[Break] = []
    segment_start = 0
    pending: list[Break] = []
    for brk in [*found, Break(len(text), len(text), True)]:
        if brk.sure:
            chosen += _best_split(text, segment_start, brk.start, pending, support)
            if brk.start < len(text):
                chosen.append(brk)
            segment_start, pending = brk.end, []
        else:
            pending.append(brk)
    return chosen


PROMOTE_SHARE = 0.6  # a spaced mark taken this often between names...
PROMOTE_COUNT = 3  # ...and at least this many times is the label's separator everywhere


def _label_separators(found: list[Break], chosen: list[Break]) -> set[str]:
    """The spaced marks this label uses between items: taken by the lexicon in most places,
    so taken everywhere (also between two names the lexicon knows as one compound name, such
    as "Allantoin - Panthenol")."""
    taken = {id(b) for b in chosen}
    kinds: dict[str, list[bool]] = {}
    for brk in found:
        if not brk.sure and (brk.kind.endswith("spaced") or brk.kind == "\n"):
            kinds.setdefault(brk.kind, []).append(id(brk) in taken)
    return {
        kind
        for kind, uses in kinds.items()
        if sum(uses) >= PROMOTE_COUNT and sum(uses) >= PROMOTE_SHARE * len(uses)
    }


def split(text: str, support: Support) -> list[tuple[int, int, bool]]:
    """Spans (start, end, after a full stop) of the items in `text`."""
    found = breaks_in(text)
    chosen = _choose(text, found, support)
    promoted = _label_separators(found, chosen)
    if promoted:
        found = [replace(b, sure=True) if b.kind in promoted else b for b in found]
        chosen = _choose(text, found, support)
    spans: list[tuple[int, int, bool]] = []
    begin, after_stop = 0, False
    for brk in chosen:
        spans.append((begin, brk.start, after_stop))
        begin, after_stop = brk.end, brk.after_stop
    spans.append((begin, len(text), after_stop))
    return spans
