"""Tesseract's words in two columns: read one column after the other, not across."""

from __future__ import annotations

from milia_scan.models import OcrWord
from milia_scan.ocr.columns import words_in_columns
from milia_scan.ocr.engine import parse_tsv

CHAR = 12  # pixels per character
HEIGHT = 20  # text height
PITCH = 30  # line pitch


def _line(n: int, *pieces: tuple[int, str], block: int = 1) -> list[OcrWord]:
    """One tesseract line: each piece of text starts at its x, words a space apart."""
    words = []
    for x, text in pieces:
        for word in text.split():
            words.append(OcrWord(word, 90.0, (x, n * PITCH, len(word) * CHAR, HEIGHT), block, 1, n))
            x += (len(word) + 1) * CHAR
    return words


def _page(*lines: list[OcrWord]) -> list[OcrWord]:
    return [w for line in lines for w in line]


def _text(words: tuple[OcrWord, ...]) -> list[str]:
    """Lines of text in reading order."""
    out: list[str] = []
    last = None
    for w in words:
        if w.line_id != last:
            out.append(w.text)
            last = w.line_id
        else:
            out[-1] += " " + w.text
    return out


RIGHT = 400  # where the right column starts: a gutter of about three text heights

TWO_COLUMNS = _page(
    _line(1, (10, "Body Lotion for dry and sensitive skin, every day")),
    _line(2, (10, "Ingredients: Aqua, Glycerin,"), (RIGHT, "Dimethicone, Parfum,")),
    _line(3, (10, "Cetearyl Alcohol, Petrolatum,"), (RIGHT, "Linalool, Limonene,")),
    _line(4, (10, "Paraffinum Liquidum, Cera"), (RIGHT, "Tocopherol, Citric")),
    _line(5, (10, "Alba, Caprylyl Glycol,"), (RIGHT, "Acid.")),
    _line(6, (10, "Directions: apply daily to clean skin, morning and evening.")),
)


def test_two_columns_read_across_are_read_column_by_column() -> None:
    assert _text(words_in_columns(TWO_COLUMNS)) == [
        "Body Lotion for dry and sensitive skin, every day",
        "Ingredients: Aqua, Glycerin,",
        "Cetearyl Alcohol, Petrolatum,",
        "Paraffinum Liquidum, Cera",
        "Alba, Caprylyl Glycol,",
        "Dimethicone, Parfum,",
        "Linalool, Limonene,",
        "Tocopherol, Citric",
        "Acid.",
        "Directions: apply daily to clean skin, morning and evening.",
    ]


def test_each_column_is_a_block_of_its_own_and_lines_are_numbered_in_order() -> None:
    words = words_in_columns(TWO_COLUMNS)
    blocks = {w.text: w.block for w in words}
    assert blocks["Aqua,"] == blocks["Glycol,"] != blocks["Dimethicone,"] == blocks["Acid."]
    lines = [w.line for w in words]
    assert lines == sorted(lines)


def test_parse_tsv_reads_two_columns_one_after_the_other() -> None:
    header = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
        "\tconf\ttext"
    )
    rows = [
        f"5\t1\t{w.block}\t{w.par}\t{w.line}\t{n}\t{w.box[0]}\t{w.box[1]}\t{w.box[2]}"
        f"\t{w.box[3]}\t{w.conf}\t{w.text}"
        for n, w in enumerate(TWO_COLUMNS, start=1)
    ]
    result = parse_tsv("\n".join([header, *rows]))
    assert result.text.split("\n\n")[1].splitlines()[-1] == "Alba, Caprylyl Glycol,"


def test_a_rule_printed_in_the_gutter_is_dropped() -> None:
    lines = [
        _line(n, (10, left), (RIGHT - 40, "|"), (RIGHT, right))
        for n, (left, right) in enumerate(
            [
                ("Aqua, Glycerin,", "Dimethicone,"),
                ("Cetearyl Alcohol,", "Parfum,"),
                ("Petrolatum,", "Linalool,"),
                ("Squalane,", "Limonene."),
            ],
            start=1,
        )
    ]
    assert _text(words_in_columns(_page(*lines))) == [
        "Aqua, Glycerin,",
        "Cetearyl Alcohol,",
        "Petrolatum,",
        "Squalane,",
        "Dimethicone,",
        "Parfum,",
        "Linalool,",
        "Limonene.",
    ]


def test_one_column_is_left_as_tesseract_read_it() -> None:
    # Justified: every word gap wide, at different places on every line.
    justified = _page(
        _line(1, (10, "Aqua,"), (120, "Glycerin,"), (300, "Cetearyl"), (480, "Alcohol,")),
        _line(2, (10, "Petrolatum,"), (200, "Paraffinum"), (390, "Liquidum,")),
        _line(3, (10, "Cera"), (90, "Alba,"), (200, "Caprylyl"), (330, "Glycol,"), (450, "Mica,")),
        _line(4, (10, "Tocopherol,"), (230, "Citric"), (350, "Acid,"), (470, "Parfum.")),
    )
    assert words_in_columns(justified) == tuple(justified)
    # Bars between items stay where they are.
    bars = _page(
        _line(1, (10, "Aqua | Glycerin | Cetearyl Alcohol | Petrolatum")),
        _line(2, (10, "Paraffinum Liquidum | Cera Alba | Mica")),
        _line(3, (10, "Tocopherol | Citric Acid | Parfum.")),
    )
    assert words_in_columns(bars) == tuple(bars)


def test_a_gap_down_three_lines_only_is_no_gutter() -> None:
    # A glare band or a logo beside a few lines leaves a gap like a gutter's.
    glare = _page(
        _line(1, (10, "Aqua, Glycerin, Butyrospermum"), (RIGHT, "Parkii Butter,")),
        _line(2, (10, "Cetearyl Alcohol, Simmondsia"), (RIGHT, "Chinensis Seed Oil,")),
        _line(3, (10, "Paraffinum Liquidum, Cera"), (RIGHT, "Alba, Mica.")),
    )
    assert words_in_columns(glare) == tuple(glare)
