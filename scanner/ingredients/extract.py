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

import unicodedata
from dataclasses import dataclass, replace
from statistics import mean

from milia_scan.errors import NoIngredientListError
from milia_scan.ingredients.headers import (
    FOOTNOTE,
    MAY_CONTAIN,
    fold,
    is_header,
    is_section_word,
    is_stop_word,
)
from milia_scan.ingredients.segment import LONE_BULLET, MARKS, SURE, Support, clean, split
from milia_scan.models import Box, IngredientItem, IngredientList, OcrResult, union_box

__all__ = [
    "Support",
    "Token",
    "extract_from_ocr",
    "extract_from_text",
    "extract_ingredients",
    "is_header",
    "is_section_word",
]

MIN_SUPPORT = 1  # items recognised before a candidate counts as a list at all
DENSE_LINE = 0.5  # share of a line's words in recognised names for the line to be "listy"
MAX_GAP = 2  # lines that are not listy a run of list lines may cross


# A line whose mean word confidence is below this is a doubtful reading. The engines' scales
# differ: PP-OCR's recognition scores run higher (sharp real photos 83-97, a low-resolution
# one 56-98) than tesseract's word confidences.
LOW_LINE_CONFIDENCE = {"tesseract": 60.0, "ppocr": 75.0}
DEFAULT_LOW_LINE_CONFIDENCE = 60.0


@dataclass(frozen=True)
class Token:
    text: str
    box: Box | None
    line: tuple[int, int, int]
    conf: float = -1.0  # the OCR's confidence in the word, 0-100; -1 when not known

    @property
    def block(self) -> tuple[int, int]:
        return self.line[:2]


def tokens_from_ocr(result: OcrResult) -> list[Token]:
    return [Token(w.text, w.box, w.line_id, w.conf) for w in result.words]


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
    """After a full stop: does the text from i run as a sentence (4+ words, no separator)?
    A "May contain" marker starts no sentence ("Seed Oil. Puede contener: Citric Acid.")."""
    if MAY_CONTAIN.match(" ".join(tok.text for tok in tokens[i : i + 4])):
        return False
    words = 0
    for tok in tokens[i : i + 12]:
        words += 1
        if any(ch in SURE or ch in MARKS for ch in tok.text) or tok.text in LONE_BULLET:
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
                or (tokens[i].text[:1] in "*†" and tokens[i].text.strip("*†"))  # "*organic"
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


def _default_support(raw: str) -> float:
    """Without a lexicon: any short run of words could be an ingredient."""
    words = raw.split()
    if not 0 < len(words) <= 6 or not any(ch.isalpha() for ch in raw) or is_header(words[0]):
        return 0.0
    return 50.0


def _items(tokens: list[Token], support: Support) -> tuple[list[IngredientItem], bool]:
    """The items of a stretch of tokens, and whether the list ended at a full stop inside it
    (the words after it dropped)."""
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
        for a, b, stop in split(text[r_begin:r_end], support):
            a, b = a + r_begin, b + r_begin
            raw = clean(text[a:b])
            if not raw or not any(ch.isalnum() for ch in raw):
                continue
            ks = sorted({owner[i] for i in range(a, b) if owner[i] >= 0})
            boxes = [box for k in ks if (box := tokens[k].box) is not None]
            item = IngredientItem(len(items) + 1, raw, union_box(boxes), may)
            items.append(replace(item, fragments=_fragments([tokens[k] for k in ks])))
            after_stop.append(stop)
    return _trim_tail(items, after_stop, support)


def _fragments(tokens: list[Token]) -> tuple[Box, ...]:
    """One box per OCR line the tokens lie on, in reading order."""
    lines: dict[tuple[int, int, int], list[Box]] = {}
    for tok in tokens:
        if tok.box is not None:
            lines.setdefault(tok.line, []).append(tok.box)
    return tuple(box for boxes in lines.values() if (box := union_box(boxes)) is not None)


def _trim_tail(
    items: list[IngredientItem], after_stop: list[bool], support: Support
) -> tuple[list[IngredientItem], bool]:
    """Drop the unknown words after the full stop that ends the last ingredient ("SODIUM
    CHLORIDE. MOISTURISER." ends at Sodium Chloride)."""
    # The unknown items at the end, if they begin after a full stop, are text after the list.
    tail = len(items)
    while tail > 1 and support(items[tail - 1].raw) <= 0 and not items[tail - 1].may_contain:
        tail -= 1
    if tail < len(items) and after_stop[tail]:
        return items[:tail], True
    return items, False


def _candidate_lines(tokens: list[Token]) -> list[tuple[int, int]]:
    """Token index ranges of each OCR line, in reading order."""
    lines: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(tokens) + 1):
        if i == len(tokens) or tokens[i].line != tokens[start].line:
            lines.append((start, i))
            start = i
    return lines


def _density(text: str, support: Support) -> float:
    """The share of a text's words that are in names the lexicon knows (bullets not counted,
    nor a "May contain" marker: it belongs to a list)."""
    text = MAY_CONTAIN.sub(", ", text)
    words = sum(1 for w in text.split() if len(w) > 1 or w.isalnum())
    if not words:
        return 0.0
    pieces = [clean(text[a:b]) for a, b, _ in split(text, support)]
    return min(1.0, sum(len(p.split()) for p in pieces if p and support(p) > 0) / words)


def _dense_run(tokens: list[Token], support: Support) -> tuple[int, int] | None:
    """Without trusting a header: the run of lines densest in names the lexicon knows. A line
    counts as a list line alone or with a neighbour (a name broken over two lines); a run may
    cross MAX_GAP lines that are not (a garbled line)."""
    lines = _candidate_lines(tokens)
    texts = [" ".join(t.text for t in tokens[a:b]) for a, b in lines]
    alone = [_density(text, support) for text in texts]
    listy = []
    for n, value in enumerate(alone):
        pairs = [value]
        if value < DENSE_LINE:
            if n:
                pairs.append(_density(texts[n - 1] + "\n" + texts[n], support))
            if n + 1 < len(texts):
                pairs.append(_density(texts[n] + "\n" + texts[n + 1], support))
        listy.append(max(pairs) >= DENSE_LINE)
    best: tuple[float, int, int] | None = None
    i = 0
    while i < len(lines):
        # A run starts on a line that holds a name itself: a line listy only with the next
        # one's help (a net weight above the list) is not its start.
        if not listy[i] or alone[i] == 0:
            i += 1
            continue
        j = i
        gap = 0
        while j + 1 < len(lines) and (listy[j + 1] or gap < MAX_GAP):
            gap = 0 if listy[j + 1] else gap + 1
            j += 1
        while j > i and not listy[j]:
            j -= 1
        weight = sum(alone[i : j + 1])
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
    stopped: bool = False  # the list ended at a full stop before the stretch's end


def _candidate(
    tokens: list[Token], start: int, end: int, kind: str, support: Support
) -> _Candidate | None:
    if end <= start:
        return None
    items, stopped = _items(tokens[start:end], support)
    known = sum(1.0 for i in items if support(i.raw) > 0)
    return _Candidate(start, end, kind, tuple(items), known, stopped)


def extract_ingredients(
    tokens: list[Token],
    *,
    pasted: bool = False,
    support: Support | None = None,
    low_confidence: float = DEFAULT_LOW_LINE_CONFIDENCE,
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
    if chosen is not None and have_lexicon and chosen.known == 0 and chosen.kind == "pasted":
        raise NoIngredientListError(
            "the text holds no ingredient list: none of it is an ingredient name the lexicon "
            "knows; paste the list from the label or the maker's site"
        )
    if chosen is None:
        headed = [c for c in candidates if c.kind == "header"]
        if headed and not any(c.items for c in headed):
            raise NoIngredientListError(
                "an 'Ingredients' header was found but no ingredients after it; photograph the "
                "whole ingredient panel"
            )
        if pasted:
            raise NoIngredientListError(
                "no ingredient list found: the text holds no ingredient names; paste the list "
                "from the label or the maker's site"
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
    last = tokens[chosen.end - 1].text.rstrip()
    ended = (
        pasted
        or chosen.stopped
        or chosen.end < len(tokens)
        or last.endswith(".")
        or bool(FOOTNOTE.search(" ".join(t.text for t in tokens[chosen.start : chosen.end])))
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
    block = tokens[chosen.start : chosen.end]
    lines, low = (0, 0) if pasted else _line_confidence(block, low_confidence)
    return IngredientList(tuple(items), header, tuple(warnings), ended, lines, low)


def _line_confidence(tokens: list[Token], threshold: float) -> tuple[int, int]:
    """(lines, lines read with mean confidence below threshold) among these tokens' lines."""
    by_line: dict[tuple[int, int, int], list[float]] = {}
    for tok in tokens:
        by_line.setdefault(tok.line, [])
        if tok.conf >= 0:
            by_line[tok.line].append(tok.conf)
    low = sum(1 for confs in by_line.values() if confs and mean(confs) < threshold)
    return len(by_line), low


def _cached(support: Support) -> Support:
    seen: dict[str, float] = {}

    def cached(raw: str) -> float:
        if raw not in seen:
            seen[raw] = support(raw) if len(raw) <= 120 else 0.0
        return seen[raw]

    return cached


def extract_from_ocr(result: OcrResult, support: Support | None = None) -> IngredientList:
    """The list in one engine's reading; every item records that engine."""
    threshold = LOW_LINE_CONFIDENCE.get(result.engine, DEFAULT_LOW_LINE_CONFIDENCE)
    found = extract_ingredients(tokens_from_ocr(result), support=support, low_confidence=threshold)
    return replace(found, items=tuple(replace(i, engine=result.engine) for i in found.items))


def extract_from_text(text: str, support: Support | None = None) -> IngredientList:
    """A pasted list: separated by anything `extract_ingredients` knows, or one per line, with
    or without a header."""
    return extract_ingredients(tokens_from_text(text), pasted=True, support=support)
