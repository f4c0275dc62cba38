"""Stage 4: find the ingredient list in the label text and split it into items.

Works on tokens (OCR words with boxes, or whitespace-split text) so every item keeps the boxes
of the words it came from. The list starts after a header (Ingredients, INCI, Ingrédients,
Inhaltsstoffe, ...) and stops at the next section (directions, warnings, made in, batch codes) or
at a sentence that follows its final full stop.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from milia_scan.errors import NoIngredientListError
from milia_scan.models import Box, IngredientItem, IngredientList, OcrResult, union_box
from rapidfuzz import fuzz

HEADER_WORDS = (
    "ingredients",
    "ingredient",
    "inci",
    "inhaltsstoffe",
    "ingredientes",
    "ingredienti",
    "composition",
    "bestandteile",
    "ingredienten",
    "ingredienser",
    "skladniki",
    "sklad",
)
STOP_WORDS = (
    "directions",
    "direction",
    "how",
    "usage",
    "use",
    "apply",
    "warning",
    "warnings",
    "caution",
    "cautions",
    "precautions",
    "attention",
    "made",
    "manufactured",
    "mfd",
    "distributed",
    "dist",
    "batch",
    "lot",
    "exp",
    "expiry",
    "expires",
    "net",
    "keep",
    "for",
    "store",
    "storage",
    "www",
    "mode",
    "conseils",
    "anwendung",
    "hergestellt",
    "fabrique",
    "produced",
    "packed",
    "product",
)
_PLUS_MINUS = r"(?:\+\s*/\s*-|±)"
_MAY_PHRASE = (
    r"(?:may\s*contain|peut\s*contenir|kann\s*enthalten|puede\s*contener"
    r"|pu[oò]\s*contenere)"
)
_MAY_CONTAIN = re.compile(  # "[+/- May Contain:", "May contain (+/-):", "(may contain)", "[+/-]:"
    rf"[\[(]?\s*{_PLUS_MINUS}?\s*[\])]?\s*(?:{_MAY_PHRASE}\s*/?\s*)+"
    rf"(?:[\[(]\s*{_PLUS_MINUS}\s*[\])])?\s*[\])]?\s*:?"
    rf"|[\[(]\s*{_PLUS_MINUS}\s*[\])]\s*:?",
    re.IGNORECASE,
)
_LINE_SEPARATOR = re.compile(r"[,;•·●▪]")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")  # "1,2-Hexanediol" is one name
MAX_GROUP = 60  # characters a bracketed group may span: longer, and OCR lost its closing bracket
_SEPARATORS = ",;•·●▪"
_TRAILING_JUNK = " .,;:*†‡¹²°-_"


@dataclass(frozen=True)
class Token:
    text: str
    box: Box | None
    line: tuple[int, int, int]

    @property
    def block(self) -> tuple[int, int]:
        return self.line[:2]


def fold(word: str) -> str:
    """Lower case, no accents, letters only: the form compared against header and stop words."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed.casefold() if ch.isalpha())


def _is_word(token_text: str, vocabulary: tuple[str, ...]) -> bool:
    word = fold(token_text)
    if len(word) < 3:
        return False
    if word in vocabulary:
        return True
    if len(word) < 6:
        return False
    return any(fuzz.ratio(word, v) >= 85 for v in vocabulary if len(v) >= 6)


def is_header(token_text: str) -> bool:
    parts = [p for p in re.split(r"[/|:]", token_text) if p]
    return bool(parts) and any(_is_word(p, HEADER_WORDS) for p in parts)


def is_section_word(text: str) -> bool:
    """A header or section word standing alone ("Ingredients:", "Directions"), never an item."""
    words = text.replace(":", " ").split()
    return 0 < len(words) <= 2 and (is_header(words[0]) or _is_word(words[0], STOP_WORDS))


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
    return at_boundary and (_is_word(tok.text.rstrip(":"), STOP_WORDS) or is_header(tok.text))


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
    """Join tokens into one string, mending words broken across lines; map chars to tokens."""
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
                text.append(" ")
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


def _split_items(text: str) -> list[tuple[int, int]]:
    """Spans of the items, split at separators outside brackets, and at '. ' between items."""
    spans: list[tuple[int, int]] = []
    paired = _bracket_pairs(text)
    depth = 0
    begin = 0
    for i, ch in enumerate(text):
        if i in paired:
            depth += 1 if ch in "([{" else -1
        elif (
            ch == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
        ):
            continue  # "1,2-Hexanediol"
        elif depth == 0 and (
            ch in _SEPARATORS
            or (
                ch == "."
                and (i + 1 == len(text) or text[i + 1] == " ")
                and not text[max(0, i - 1) : i].isdigit()
            )
        ):
            spans.append((begin, i))
            begin = i + 1
    spans.append((begin, len(text)))
    return spans


def _clean(raw: str) -> str:
    """Tidy one item: spacing, stray punctuation, bullets, and brackets left unbalanced."""
    item = " ".join(raw.split()).strip(_TRAILING_JUNK).lstrip("*•-–— ")
    for opener, closer in ("()", "[]", "{}"):
        while item.endswith(closer) and item.count(closer) > item.count(opener):
            item = item[:-1].rstrip(_TRAILING_JUNK)
        while item.startswith(opener) and item.count(opener) > item.count(closer):
            item = item[1:].lstrip(_TRAILING_JUNK)
    return item.strip()


def _items(tokens: list[Token]) -> list[IngredientItem]:
    text, owner = _join(tokens)
    regions: list[tuple[int, int, bool]] = []
    marker = _MAY_CONTAIN.search(text)
    if marker:
        regions.append((0, marker.start(), False))
        regions.append((marker.end(), len(text), True))
    else:
        regions.append((0, len(text), False))
    items: list[IngredientItem] = []
    for r_begin, r_end, may in regions:
        for a, b in _split_items(text[r_begin:r_end]):
            a, b = a + r_begin, b + r_begin
            raw = _clean(text[a:b])
            if not raw or not any(ch.isalnum() for ch in raw):
                continue
            ks = sorted({owner[i] for i in range(a, b) if owner[i] >= 0})
            boxes = [box for k in ks if (box := tokens[k].box) is not None]
            items.append(IngredientItem(len(items) + 1, raw, union_box(boxes), may))
    return items


def _best_list(tokens: list[Token]) -> tuple[int, int] | None:
    """The header-led span with the most commas, or None when the text has no header."""
    best: tuple[int, int, int] | None = None
    for start in _header_spans(tokens):
        end = _list_end(tokens, start)
        commas = sum(t.text.count(",") for t in tokens[start:end])
        if end > start and (best is None or commas > best[0]):
            best = (commas, start, end)
    return (best[1], best[2]) if best else None


def _comma_block(tokens: list[Token]) -> tuple[int, int] | None:
    """Without a header: the OCR block with the most commas, if it looks like a list."""
    blocks: dict[tuple[int, int], list[int]] = {}
    for i, tok in enumerate(tokens):
        blocks.setdefault(tok.block, []).append(i)
    best = max(
        blocks.values(), key=lambda idx: sum(tokens[i].text.count(",") for i in idx), default=None
    )
    if best is None or sum(tokens[i].text.count(",") for i in best) < 3:
        return None
    return best[0], best[-1] + 1


def extract_ingredients(tokens: list[Token], *, pasted: bool = False) -> IngredientList:
    """Find and split the ingredient list. `pasted` text may be a bare list without a header."""
    warnings: list[str] = []
    span = _best_list(tokens)
    header = None
    if span is not None:
        header = next((t.text for t in reversed(tokens[: span[0]]) if is_header(t.text)), None)
    elif pasted and tokens:
        span = (0, _list_end(tokens, 0))
    else:
        span = _comma_block(tokens)
        if span is not None:
            warnings.append(
                "No 'Ingredients' header was found; the comma-separated block of text "
                "was read as the ingredient list."
            )
    if span is None:
        raise NoIngredientListError(
            "no ingredient list found: the text has no 'Ingredients' header and no comma-separated "
            "list; photograph the ingredient panel closer and straighter"
        )
    items = _items(tokens[span[0] : span[1]])
    if not items:
        raise NoIngredientListError(
            "an 'Ingredients' header was found but no ingredients after it; photograph the whole "
            "ingredient panel"
        )
    return IngredientList(tuple(items), header, tuple(warnings))


def extract_from_ocr(result: OcrResult) -> IngredientList:
    return extract_ingredients(tokens_from_ocr(result))


def _has_separator(line: str) -> bool:
    return bool(_LINE_SEPARATOR.search(_DIGIT_COMMA.sub("", line)))


def extract_from_text(text: str) -> IngredientList:
    """A pasted list: comma-separated or one per line, with or without a header. Where two or
    more lines carry no separator at all, each of those lines is an ingredient of its own."""
    lines = text.splitlines()
    bare = [
        n
        for n, ln in enumerate(lines)
        if ln.strip() and not _has_separator(ln) and not all(is_header(w) for w in ln.split())
    ]
    if len(bare) >= 2:
        for n in bare:
            if not lines[n].rstrip().endswith(("-", ".", ":")):
                lines[n] = lines[n].rstrip() + ","
        text = "\n".join(lines)
    return extract_ingredients(tokens_from_text(text), pasted=True)
