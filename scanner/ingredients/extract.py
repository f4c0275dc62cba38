"""Stage 4: find the ingredient list in the label text and split it into items.

Works on tokens (OCR words with boxes, or whitespace-split text) so every item keeps the boxes
of the words it came from. Candidate lists are the text after each header (in any of the
languages of `headers.py`) up to the next section, and, without trusting any header, the run of
lines densest in names the lexicon knows; the candidate the lexicon supports best wins.

Splitting is chosen by the lexicon too: commas, semicolons and bullets always separate items
(outside brackets and numbers); the marks that may be a separator or part of a name (`*`, `+`,
`«`, `|`, dashes, a lone letter OCR made of a bullet, line ends) separate items only on a label
where splitting at them gives more recognised names. A list ends at the next section, at a
footnote or percentage line, or at a full stop after which nothing is an ingredient.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from milia_scan.errors import NoIngredientListError
from milia_scan.ingredients.headers import (
    FOOTNOTE,
    MAY_CONTAIN,
    fold,
    is_header,
    is_section_word,
    is_stop_word,
)
from milia_scan.models import Box, IngredientItem, IngredientList, OcrResult, union_box

# How well the lexicon supports a piece of text as one ingredient: 0 when it knows no such
# name, else up to 100 (the matcher's score). The matcher provides it (`Matcher.support`).
Support = Callable[[str], float]

__all__ = [
    "Support",
    "Token",
    "extract_from_ocr",
    "extract_from_text",
    "extract_ingredients",
    "is_header",
    "is_section_word",
]

_LINE_SEPARATOR = re.compile(r"[,;•·●▪■◆♦・、，]")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")  # "1,2-Hexanediol" is one name
MAX_GROUP = 60  # characters a bracketed group may span: longer, and OCR lost its closing bracket
# Always an item break (outside brackets and numbers).
_SEPARATORS = ",;•·●▪■◆♦・、，"
# Marks that are a separator on some labels and part of a name or noise on others; each kind is
# used only where the lexicon recognises more names with it (see _choose_breaks).
_AMBIGUOUS = {
    "star": "*",
    "plus": "+",
    "guillemet": "«»",
    "bar": "|¦",
    "dash": "–—",
    "tilde": "~",
}
# A lone character between spaces that OCR made of a bullet ("WATER e GLYCERIN").
_LONE_BULLET = frozenset("eoc°º¤¢©®•·*+«»|~-–—=")
_TRAILING_JUNK = " .,;:*†‡¹²°-–—_=~«»|¦+"
_LEADING_JUNK = " *•·●▪■◆♦-–—=~«»|¦+.,;:"
MIN_SUPPORT = 1  # items recognised before a candidate counts as a list at all
DENSE_LINE = 0.5  # share of a line's words in recognised names for the line to be "listy"


@dataclass(frozen=True)
class Token:
    text: str
    box: Box | None
    line: tuple[int, int, int]

    @property
    def block(self) -> tuple[int, int]:
        return self.line[:2]


def tokens_from_ocr(result: OcrResult) -> list[Token]:
    return [Token(w.text, w.box, w.line_id) for w in result.words]


def tokens_from_text(text: str) -> list[Token]:
    tokens: list[Token] = []
    block = 0
    for line_no, line in enumerate(text.splitlines()):
        if not line.strip():
            block += 1
            continue
        tokens.extend(Token(word, None, (block, 0, line_no)) for word in line.split())
    return tokens


def _header_spans(tokens: list[Token]) -> list[int]:
    """Indexes of the first token after each header."""
    starts = []
    for i, tok in enumerate(tokens):
        if is_header(tok.text):
            j = i + 1
            while j < len(tokens) and (is_header(tokens[j].text) or fold(tokens[j].text) == ""):
                j += 1
            starts.append(j)
    return starts


def _is_stop(tokens: list[Token], i: int) -> bool:
    tok = tokens[i]
    prev = tokens[i - 1] if i else None
    at_boundary = (
        prev is None
        or tok.line != prev.line
        or prev.text.endswith((".", ":"))
        or tok.text.endswith(":")
    )
    return at_boundary and (is_stop_word(tok.text.rstrip(":")) or is_header(tok.text))


def _looks_like_sentence(tokens: list[Token], i: int) -> bool:
    """After a full stop: does the text from i run as a sentence (4+ words, no comma)?"""
    words = 0
    for tok in tokens[i : i + 12]:
        words += 1
        if "," in tok.text or ";" in tok.text:
            return False
        if tok.text.endswith("."):
            break
    return words >= 4


def _list_end(tokens: list[Token], start: int) -> int:
    for i in range(start, len(tokens)):
        if i > start and _is_stop(tokens, i):
            return i
        prev = tokens[i - 1]
        if (
            i > start
            and prev.text.endswith(".")
            and not prev.text[-2:-1].isdigit()
            and (
                tokens[i].block != prev.block
                or tokens[i].text[:1] in "*†"
                or _looks_like_sentence(tokens, i)
            )
        ):
            return i
    return len(tokens)


def _join(tokens: list[Token]) -> tuple[str, list[int]]:
    """Join tokens into one string, mending words broken across lines; map chars to tokens.
    A line break is kept as a newline (a possible item break on lists printed one per line)."""
    text: list[str] = []
    owner: list[int] = []
    for k, tok in enumerate(tokens):
        piece = tok.text
        if k:
            prev = tokens[k - 1]
            broken = prev.text.endswith("-") and tok.line != prev.line
            if broken and piece[:1].islower():
                text.pop()  # "Alco-" + "hol" -> "Alcohol"
                owner.pop()
            elif not broken:
                text.append("\n" if tok.line != prev.line else " ")
                owner.append(-1)
        for ch in piece:
            text.append(ch)
            owner.append(k)
    return "".join(text), owner


def _bracket_pairs(text: str) -> set[int]:
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


def _break_kinds(text: str) -> list[tuple[int, int, str]]:
    """Every possible item break outside brackets: (start, end, kind). Kind "sep" always
    breaks; "stop" is a full stop; the others are the ambiguous marks, "lone", "dash-space"
    (a hyphen with a space beside it) and "line" (a line end)."""
    paired = _bracket_pairs(text)
    depth = 0
    found: list[tuple[int, int, str]] = []
    n = len(text)
    for i, ch in enumerate(text):
        if i in paired:
            depth += 1 if ch in "([{" else -1
            continue
        if depth:
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < n else " "
        if ch == "," and before.isdigit() and after.isdigit():
            continue  # "1,2-Hexanediol"
        if ch in _SEPARATORS:
            found.append((i, i + 1, "sep"))
        elif (ch == "." and after.isspace() and not before.isdigit()) or (ch == "." and i + 1 == n):
            found.append((i, i + 1, "stop"))
        elif ch == "\n":
            found.append((i, i + 1, "line"))
        elif before.isspace() and after.isspace() and ch in _LONE_BULLET:
            found.append((i, i + 1, "lone"))
        elif ch == "-" and (before.isspace() or after.isspace()) and not after.isdigit():
            found.append((i, i + 1, "dash-space"))
        else:
            for kind, marks in _AMBIGUOUS.items():
                if ch in marks:
                    found.append((i, i + 1, kind))
                    break
    return found


def _spans(text: str, breaks: list[tuple[int, int, str]], kinds: set[str]) -> list[tuple[int, int]]:
    spans = []
    begin = 0
    for a, b, kind in breaks:
        if kind in kinds:
            spans.append((begin, a))
            begin = b
    spans.append((begin, len(text)))
    return spans


def _clean(raw: str) -> str:
    """Tidy one item: spacing, stray punctuation, bullets, and brackets left unbalanced."""
    item = " ".join(raw.split()).strip(_TRAILING_JUNK).lstrip(_LEADING_JUNK)
    for opener, closer in ("()", "[]", "{}"):
        while item.endswith(closer) and item.count(closer) > item.count(opener):
            item = item[:-1].rstrip(_TRAILING_JUNK)
        while item.startswith(opener) and item.count(opener) > item.count(closer):
            item = item[1:].lstrip(_TRAILING_JUNK)
    return item.strip()


def _default_support(raw: str) -> float:
    """Without a lexicon: any short run of words could be an ingredient."""
    words = raw.split()
    if not 0 < len(words) <= 6 or not any(ch.isalpha() for ch in raw) or is_header(words[0]):
        return 0.0
    return 50.0


def _recognised(pieces: list[str], support: Support) -> float:
    """How well a split reads: the pieces the lexicon knows, less half a point for each piece
    it does not (so a split that only cuts a known name in two never wins)."""
    total = 0.0
    for piece in pieces:
        raw = _clean(piece)
        if raw and any(ch.isalnum() for ch in raw):
            total += 1.0 if support(raw) > 0 else -0.5
    return total


def _choose_breaks(text: str, breaks: list[tuple[int, int, str]], support: Support) -> set[str]:
    """The item breaks this label uses: separators and full stops always; each ambiguous kind
    only when splitting at it makes the lexicon recognise more; line ends only on a list that
    has no other breaks (one name per line)."""
    kinds = {"sep", "stop"}
    present = {kind for _, _, kind in breaks} - kinds
    order = ["lone", "star", "plus", "guillemet", "bar", "dash", "dash-space", "tilde", "line"]
    best = _recognised([text[a:b] for a, b in _spans(text, breaks, kinds)], support)
    for kind in order:
        if kind not in present:
            continue
        if kind == "line" and sum(1 for _, _, k in breaks if k in kinds) >= 2:
            continue  # a separated list wrapped over lines: a line end is inside a name
        trial = kinds | {kind}
        score = _recognised([text[a:b] for a, b in _spans(text, breaks, trial)], support)
        if score > best:
            kinds, best = trial, score
    return kinds


def _items(tokens: list[Token], support: Support) -> list[IngredientItem]:
    text, owner = _join(tokens)
    footnote = FOOTNOTE.search(text)
    if footnote and any(ch.isalpha() for ch in text[: footnote.start()]):
        text, owner = text[: footnote.start()], owner[: footnote.start()]
    regions: list[tuple[int, int, bool]] = []
    marker = MAY_CONTAIN.search(text)
    if marker:
        regions.append((0, marker.start(), False))
        regions.append((marker.end(), len(text), True))
    else:
        regions.append((0, len(text), False))
    items: list[IngredientItem] = []
    after_stop: list[bool] = []
    for r_begin, r_end, may in regions:
        region = text[r_begin:r_end]
        breaks = _break_kinds(region)
        kinds = _choose_breaks(region, breaks, support)
        stops = {b for _, b, kind in breaks if kind == "stop" and kind in kinds}
        for a, b in _spans(region, breaks, kinds):
            starts_after_stop = a in stops
            a, b = a + r_begin, b + r_begin
            raw = _clean(text[a:b])
            if not raw or not any(ch.isalnum() for ch in raw):
                continue
            ks = sorted({owner[i] for i in range(a, b) if owner[i] >= 0})
            boxes = [box for k in ks if (box := tokens[k].box) is not None]
            items.append(IngredientItem(len(items) + 1, raw, union_box(boxes), may))
            after_stop.append(starts_after_stop)
    return _trim_tail(items, after_stop, support)


def _trim_tail(
    items: list[IngredientItem], after_stop: list[bool], support: Support
) -> list[IngredientItem]:
    """Drop the unknown words after the full stop that ends the last ingredient ("SODIUM
    CHLORIDE. MOISTURISER." ends at Sodium Chloride)."""
    # The unknown items at the end, if they begin after a full stop, are text after the list.
    tail = len(items)
    while tail > 1 and support(items[tail - 1].raw) <= 0 and not items[tail - 1].may_contain:
        tail -= 1
    if tail < len(items) and after_stop[tail]:
        items = items[:tail]
    return items


def _candidate_lines(tokens: list[Token]) -> list[tuple[int, int]]:
    """Token index ranges of each OCR line, in reading order."""
    lines: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(tokens) + 1):
        if i == len(tokens) or tokens[i].line != tokens[start].line:
            lines.append((start, i))
            start = i
    return lines


def _dense_run(tokens: list[Token], support: Support) -> tuple[int, int] | None:
    """Without trusting a header: the run of lines densest in names the lexicon knows."""
    lines = _candidate_lines(tokens)
    listy: list[float] = []
    for a, b in lines:
        text = " ".join(t.text for t in tokens[a:b])
        pieces = re.split(r"[,;•·●▪■◆♦*+«»|–—]|\s-\s|\.\s", text)
        words = len(text.split())
        known = sum(len(_clean(p).split()) for p in pieces if _clean(p) and support(_clean(p)) > 0)
        listy.append(known / words if words else 0.0)
    best: tuple[float, int, int] | None = None
    i = 0
    while i < len(lines):
        if listy[i] < DENSE_LINE:
            i += 1
            continue
        j = i
        gap = 0
        while j + 1 < len(lines) and (listy[j + 1] >= DENSE_LINE or gap == 0):
            gap = gap + 1 if listy[j + 1] < DENSE_LINE else 0
            j += 1
        while j > i and listy[j] < DENSE_LINE:
            j -= 1
        weight = sum(listy[i : j + 1])
        if best is None or weight > best[0]:
            best = (weight, i, j)
        i = j + 1
    if best is None or best[0] < 1.0:
        return None
    return lines[best[1]][0], lines[best[2]][1]


def _comma_block(tokens: list[Token]) -> tuple[int, int] | None:
    """Without a lexicon or header: the OCR block with the most commas, if it looks like a
    list."""
    blocks: dict[tuple[int, int], list[int]] = {}
    for i, tok in enumerate(tokens):
        blocks.setdefault(tok.block, []).append(i)
    best = max(
        blocks.values(), key=lambda idx: sum(tokens[i].text.count(",") for i in idx), default=None
    )
    if best is None or sum(tokens[i].text.count(",") for i in best) < 3:
        return None
    return best[0], best[-1] + 1


def _latin_letter(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


def _script_share(items: list[IngredientItem]) -> float:
    """The share of the items' letters that are not Latin (a list printed in Cyrillic, say)."""
    letters = [ch for item in items for ch in item.raw if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if not _latin_letter(ch)) / len(letters)


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    kind: str  # "header", "pasted", "dense", "commas"
    items: tuple[IngredientItem, ...]
    known: float


def _candidate(
    tokens: list[Token], start: int, end: int, kind: str, support: Support
) -> _Candidate | None:
    if end <= start:
        return None
    items = _items(tokens[start:end], support)
    known = sum(1.0 for i in items if support(i.raw) > 0)
    return _Candidate(start, end, kind, tuple(items), known)


def extract_ingredients(
    tokens: list[Token], *, pasted: bool = False, support: Support | None = None
) -> IngredientList:
    """Find and split the ingredient list. `pasted` text may be a bare list without a header.
    `support` (the matcher's) lets the lexicon choose the list and its item breaks."""
    have_lexicon = support is not None
    support = _cached(support or _default_support)
    candidates: list[_Candidate] = []
    for start in _header_spans(tokens):
        c = _candidate(tokens, start, _list_end(tokens, start), "header", support)
        if c is not None:
            candidates.append(c)
    if pasted and tokens and not any(c.items for c in candidates):
        c = _candidate(tokens, 0, _list_end(tokens, 0), "pasted", support)
        if c is not None:
            candidates.append(c)
    dense = _dense_run(tokens, support) if have_lexicon else _comma_block(tokens)
    if dense is not None:
        c = _candidate(tokens, dense[0], dense[1], "dense", support)
        if c is not None:
            candidates.append(c)
    # A header's list wins unless the lexicon recognises far more elsewhere (a header read
    # from marketing text, or the real header lost); among headers, the best recognised.
    led = max(
        (c for c in candidates if c.kind != "dense" and c.items),
        key=lambda c: (c.known, -c.start),
        default=None,
    )
    found = next((c for c in candidates if c.kind == "dense" and c.known >= MIN_SUPPORT), None)
    chosen = led
    if found is not None and (led is None or found.known > 1.5 * led.known + 1):
        chosen = found
    if chosen is None:
        headed = [c for c in candidates if c.kind == "header"]
        if headed and not any(c.items for c in headed):
            raise NoIngredientListError(
                "an 'Ingredients' header was found but no ingredients after it; photograph the "
                "whole ingredient panel"
            )
        raise NoIngredientListError(
            "no ingredient list found: the text has no 'Ingredients' header and no run of "
            "ingredient names; photograph the ingredient panel closer and straighter"
        )
    items = list(chosen.items)
    if chosen.known == 0 and _script_share(items) > 0.5:
        raise NoIngredientListError(
            "the ingredient list is printed in another script, not in INCI names, so milia-scan "
            "cannot read it; photograph the INCI list if the label has one, or paste it from "
            "the maker's site into 'milia-scan text'"
        )
    header = None
    warnings: list[str] = []
    if chosen.kind == "header":
        header = next((t.text for t in reversed(tokens[: chosen.start]) if is_header(t.text)), None)
    elif chosen.kind == "dense":
        warnings.append(
            "No 'Ingredients' header was read; the block of text densest in ingredient names "
            "was read as the ingredient list."
        )
    return IngredientList(tuple(items), header, tuple(warnings))


def _cached(support: Support) -> Support:
    seen: dict[str, float] = {}

    def cached(raw: str) -> float:
        if raw not in seen:
            seen[raw] = support(raw) if len(raw) <= 120 else 0.0
        return seen[raw]

    return cached


def extract_from_ocr(result: OcrResult, support: Support | None = None) -> IngredientList:
    return extract_ingredients(tokens_from_ocr(result), support=support)


def extract_from_text(text: str, support: Support | None = None) -> IngredientList:
    """A pasted list: separated by anything `extract_ingredients` knows, or one per line, with
    or without a header."""
    return extract_ingredients(tokens_from_text(text), pasted=True, support=support)
