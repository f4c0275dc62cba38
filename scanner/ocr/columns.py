"""Two columns printed side by side, read one after the other.

Tesseract (one column mode) often reads a row straight across a narrow gutter, interleaving
two columns. `words_in_columns` cuts its lines into pieces at gaps wider than a gutter's
narrowest and looks for a gutter among the pieces: an x with lines of text on its left beside
lines on its right, one after another down the page, no piece across it on those rows, few
lines across it where they stand (headings across both columns stay in place) and a clear band
down it. The lines are then cut there, a vertical rule tesseract read as '|' in the gutter is
dropped, and `reading_order` (which PP-OCR's lines go through too, with the gutter
`milia_scan.ocr.lines` finds among them) reads the left column down, then the right.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import TypeVar

import numpy as np
from milia_scan.models import Box, OcrWord, union_box

T = TypeVar("T")

# Tesseract's lines are cut at wide gaps to find a gutter, and a glare band, a logo beside a
# few lines or the word gaps of justified text leave gaps like one: a gutter needs more than
# PP-OCR's search (`milia_scan.ocr.lines.gutter`) asks,
MIN_SIDE_BY_SIDE = 4  # lines of one column beside lines of the other, one after another,
MIN_BAND = 0.8  # a band this many text heights clear between them all the way down,
MAX_SPANNING = 0.15  # and few lines across it (headings across both columns)
MAX_RUN_GAP = 2.0  # line heights between two pairs of lines side by side in one run
SPLIT_GAP = 1.0  # a gap between words wider than this many text heights may be a gutter
RULE_MARKS = "|¦│┃!"  # how tesseract reads a vertical rule printed in a gutter


def overlap(a: Box, b: Box) -> bool:
    """Whether two boxes share some height (stand on one line)."""
    return a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _crosses(box: Box, x: float) -> bool:
    return box[0] < x < box[0] + box[2]


def rows(items: Sequence[T], box: Callable[[T], Box]) -> list[list[T]]:
    """Items whose vertical middles fall within half a line height, left to right."""
    out: list[list[T]] = []
    for item in sorted(items, key=lambda it: (box(it)[1] + box(it)[3] / 2, box(it)[0])):
        b = box(item)
        if out:
            last = box(out[-1][0])
            if abs(b[1] + b[3] / 2 - (last[1] + last[3] / 2)) < 0.5 * min(last[3], b[3]):
                out[-1].append(item)
                continue
        out.append([item])
    for row in out:
        row.sort(key=lambda it: box(it)[0])
    return out


def _runs(pairs: list[Box]) -> list[list[Box]]:
    """Boxes top to bottom in runs that follow each other within MAX_RUN_GAP line heights:
    columns stand side by side in one run, pieces far apart are no columns together."""
    out: list[list[Box]] = []
    for b in sorted(pairs, key=lambda b: b[1]):
        if out and b[1] - max(a[1] + a[3] for a in out[-1]) <= MAX_RUN_GAP * b[3]:
            out[-1].append(b)
        else:
            out.append([b])
    return out


def _same(box: Box) -> Box:
    return box


def _clear(near: list[Box], x: float) -> bool:
    """Whether the lines beside x leave a band at least MIN_BAND text heights wide clear
    there: a gutter, not the word gaps of one column (or a glare band) that fall near x."""
    left = max((b[0] + b[2] for b in near if b[0] + b[2] <= x), default=x)
    right = min((b[0] for b in near if b[0] >= x), default=x)
    height = float(np.median([b[3] for b in near]))
    return right - left >= MIN_BAND * height


def _side_by_side(boxes: Sequence[Box], x: float) -> tuple[int, int] | None:
    """How many lines of boxes left of x stand beside one right of it (and none across it) in
    one run, and how many lines cross x where they stand, if few do (headings above or below
    the columns do not count)."""
    left = [b for b in boxes if b[0] + b[2] <= x]
    right = [b for b in boxes if b[0] >= x]
    across = [b for b in boxes if _crosses(b, x)]
    beside = [
        a
        for a in left
        if any(overlap(a, b) for b in right) and not any(overlap(a, c) for c in across)
    ]
    best: tuple[int, int] | None = None
    for run in _runs(beside):
        lines = len(rows(run, _same))
        if lines < MIN_SIDE_BY_SIDE:
            continue
        top = min(a[1] for a in run)
        bottom = max(a[1] + a[3] for a in run)
        near = [b for b in boxes if b[1] < bottom and b[1] + b[3] > top]
        spanning = sum(1 for b in near if _crosses(b, x))
        if spanning <= MAX_SPANNING * len(near) and _clear(near, x):
            best = max(best or (lines, -spanning), (lines, -spanning))
    return best


def gutter(boxes: Sequence[Box]) -> float | None:
    """The x of a gap between two columns of text printed side by side, if there is one: where
    at least MIN_SIDE_BY_SIDE lines stand side by side with a band MIN_BAND text heights wide
    clear between them, the most lines stand side by side and the fewest cross, in the middle
    of such places."""
    if len(boxes) < 2 * MIN_SIDE_BY_SIDE:
        return None
    left_edge = min(b[0] for b in boxes)
    right_edge = max(b[0] + b[2] for b in boxes)
    step = max(2.0, float(np.median([b[3] for b in boxes])) / 2)
    found: list[tuple[tuple[int, int], float]] = []
    x = left_edge + 0.2 * (right_edge - left_edge)
    while x < left_edge + 0.8 * (right_edge - left_edge):
        score = _side_by_side(boxes, x)
        if score is not None:
            found.append((score, x))
        x += step
    if not found:
        return None
    best = max(score for score, _x in found)
    places = [x for score, x in found if score == best]
    return places[len(places) // 2]


def _regions(items: Sequence[T], box: Callable[[T], Box], x: float) -> list[list[T]]:
    """Items top to bottom in runs between those crossing x, each of those a run of its own."""
    out: list[list[T]] = [[]]
    for item in sorted(items, key=lambda it: box(it)[1]):
        if _crosses(box(item), x):
            out.extend([[item], []])
        else:
            out[-1].append(item)
    return [region for region in out if region]


def _columns(region: list[T], box: Callable[[T], Box], x: float) -> list[tuple[str, list[list[T]]]]:
    """A run of items between lines crossing the gutter as labelled blocks of rows: the 'left'
    then the 'right' column, or 'across' when the items stand on one side only."""
    left = [it for it in region if box(it)[0] + box(it)[2] <= x]
    right = [it for it in region if box(it)[0] + box(it)[2] > x]
    if not left or not right:
        return [("across", rows(region, box))]
    return [("left", rows(left, box)), ("right", rows(right, box))]


def reading_order(
    items: Sequence[T], box: Callable[[T], Box], x: float | None
) -> list[list[list[T]]]:
    """Blocks of rows in reading order: with a gutter at x, two columns side by side are read
    one after the other (the left column down, then the right);
    items across both stay where they are, each a block of its own."""
    if x is None:
        return [rows(items, box)]
    return [
        block for region in _regions(items, box, x) for _name, block in _columns(region, box, x)
    ]


def nested_reading_order(
    items: Sequence[T],
    box: Callable[[T], Box],
    find: Callable[[list[T]], float | None],
    depth: int = 2,
) -> list[list[list[T]]]:
    """As `reading_order`, with each column searched again for a gutter of its own (`find`),
    `depth` levels deep: a list may have a narrow column of other text beside it (an address,
    page numbers in a margin) as well as a second column of list."""
    items = list(items)
    x = find(items) if depth > 0 else None
    if x is None:
        return [rows(items, box)]
    out: list[list[list[T]]] = []
    for region in _regions(items, box, x):
        for name, block in _columns(region, box, x):
            if name == "across":
                out.append(block)
            else:
                inner = [item for row in block for item in row]
                out += nested_reading_order(inner, box, find, depth - 1)
    return out


Words = tuple[OcrWord, ...]


def _lines(words: Sequence[OcrWord]) -> list[Words]:
    """Tesseract's lines, in its order."""
    lines: dict[tuple[int, int, int], list[OcrWord]] = {}
    for word in words:
        lines.setdefault(word.line_id, []).append(word)
    return [tuple(line) for line in lines.values()]


def _text_height(line: Words) -> float:
    """The height of a line's words with letters or digits in them (not of '-' or ',')."""
    heights = [w.box[3] for w in line if any(ch.isalnum() for ch in w.text)]
    return float(np.median(heights or [w.box[3] for w in line]))


def _is_bar(word: OcrWord) -> bool:
    return all(ch in RULE_MARKS for ch in word.text)


def _text(line: Words) -> Words:
    """A line's words without bars: a bar may be a rule printed in a gutter, not text."""
    return tuple(w for w in line if not _is_bar(w))


def _segments(line: Words) -> list[Words]:
    """A line's words cut where the gap between two is wider than SPLIT_GAP text heights."""
    if not line:
        return []
    limit = SPLIT_GAP * _text_height(line)
    out = [[line[0]]]
    for prev, word in pairwise(line):
        if word.box[0] - (prev.box[0] + prev.box[2]) > limit:
            out.append([])
        out[-1].append(word)
    return [tuple(seg) for seg in out]


def _box(words: Words) -> Box:
    return union_box([w.box for w in words]) or (0, 0, 0, 0)


def _cut(line: Words, x: float) -> list[Words]:
    """A line as it stands beside a gutter at x: cut there when a gap wider than SPLIT_GAP
    between its words falls at x (a bar standing in it, a rule, is dropped), else whole (a
    word gap that happens to fall at x is no gutter)."""
    segments = _segments(_text(line))
    if any(_crosses(_box(seg), x) for seg in segments):
        return [line]
    ends = [b[0] + b[2] for b in map(_box, segments) if b[0] < x]
    starts = [b[0] for b in map(_box, segments) if b[0] >= x]
    if not ends or not starts:
        return [line]
    gap = (max(ends), min(starts))
    kept = [w for w in line if not (_is_bar(w) and gap[0] <= w.box[0] < gap[1])]
    left = tuple(w for w in kept if w.box[0] < x)
    right = tuple(w for w in kept if w.box[0] >= x)
    return [part for part in (left, right) if part]


def _blocks(parts: list[Words], x: float) -> list[tuple[object, list[list[Words]]]]:
    """Parts of lines in reading order as blocks of rows, each with what keeps it apart from
    the block before: the column it stands in, or nothing for text that is not in columns."""
    return [
        (None if name == "across" else (n, name), block)
        for n, region in enumerate(_regions(parts, _box, x))
        for name, block in _columns(region, _box, x)
    ]


def _numbered(blocks: list[tuple[object, list[list[Words]]]]) -> Words:
    """The words renumbered in reading order: a new block where the column or tesseract's
    block changes, tesseract's paragraphs within it, one line per row."""
    out: list[OcrWord] = []
    block = par = line = 0
    last: tuple[object, int] | None = None
    last_par: int | None = None
    for column, rows_ in blocks:
        for row in rows_:
            first = row[0][0]
            if (column, first.block) != last:
                block, par, last, last_par = block + 1, 0, (column, first.block), None
            if first.par != last_par:
                par, last_par = par + 1, first.par
            line += 1
            out.extend(
                OcrWord(w.text, w.conf, w.box, block, par, line) for part in row for w in part
            )
    return tuple(out)


def words_in_columns(words: Sequence[OcrWord]) -> Words:
    """Tesseract's words, two columns side by side read one after the other, a rule printed
    between them dropped (unchanged when there is no gutter)."""
    lines = [line for line in _lines(words) if line]
    x = gutter([_box(seg) for line in lines for seg in _segments(_text(line))])
    if x is None:
        return tuple(words)
    parts = [part for line in lines for part in _cut(line, x)]
    return _numbered(_blocks(parts, x))
