#!/usr/bin/env python3
"""Generate the synthetic skincare-label sample images that milia-scan is tested against.

Every product in ``samples/products/*.toml`` is typeset as a label and written in six tiers:

* ``flat/``   a flat scan: the label on white, barely any noise, no distortion (PNG);
* ``phone/``  a phone photo: the label on a table, tilted in perspective, blurred, noisy, JPEG;
* ``curved/`` the label wrapped round a bottle, with edge shading and a specular glare, JPEG;
* ``hard/``   one hard case per product (small print, rotated, light-on-dark, low contrast),
  saved as PNG, JPEG, WebP, TIFF or BMP to exercise the loaders;
* ``curved2/`` a harder bottle: tighter curve, stronger glare and bow, smaller print, some
  lying on their side;
* ``hard2/``  three photos per product, each combining hard cases (skewed, far away, light print
  on a dark bottle, faint print under glare, sideways or upside down, a cast shadow).

Next to every image is ``<stem>.truth.txt``: one ingredient per line, exactly as printed.
``README.md`` (this directory) is rewritten with a table describing every image.

The output is deterministic: every random choice comes from a numpy Generator seeded with a CRC of
the product id and the tier, and nothing depends on time. Run it from the repository root with

    .venv/bin/python samples/make_samples.py

It needs only numpy, OpenCV, Pillow and the DejaVu fonts (falling back to Pillow's built-in font).
"""

from __future__ import annotations

import argparse
import math
import tomllib
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# (regular, bold) font files per family; all DejaVu (Bitstream Vera derived, free licence).
FAMILIES: dict[str, tuple[str, str]] = {
    "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "condensed": ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
}
FAMILY_NAMES = {
    "sans": "DejaVu Sans",
    "serif": "DejaVu Serif",
    "condensed": "DejaVu Sans Condensed",
}

TIERS = ("flat", "phone", "curved", "hard", "curved2", "hard2")
HARD_KINDS = ("small", "rotated", "light-on-dark", "low-contrast")
# Formats for the hard tier, by product index; BMP (uncompressed) falls on small-print images.
HARD_FORMATS = (
    "bmp",
    "jpg",
    "webp",
    "tiff",
    "png",
    "jpg",
    "webp",
    "tiff",
    "bmp",
    "png",
    "jpg",
    "webp",
)
IMAGE_EXTS = {".png", ".jpg", ".jpeg", ".webp", ".tiff", ".tif", ".bmp"}

MAY_CONTAIN = "May Contain/Peut Contenir (+/-):"

T = TypeVar("T")
RGB = tuple[int, int, int]
Array = np.ndarray


# --------------------------------------------------------------------------------------------
# Products and randomness


@dataclass(frozen=True)
class Product:
    id: str
    product: str
    brand: str
    type: str
    claims: list[str]
    directions: str
    warnings: str
    footer: str
    header: str
    ingredients: list[str]
    may_contain: list[str] = field(default_factory=list)

    @property
    def truth(self) -> list[str]:
        """Every ingredient as printed, in label order (the list, then the may-contain items)."""
        return [*self.ingredients, *self.may_contain]


def load_product(path: Path) -> Product:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return Product(
        id=str(data["id"]),
        product=data["product"],
        brand=data["brand"],
        type=data["type"],
        claims=list(data.get("claims", [])),
        directions=data.get("directions", ""),
        warnings=data.get("warnings", ""),
        footer=data.get("footer", ""),
        header=data.get("header", "INGREDIENTS:"),
        ingredients=list(data["ingredients"]),
        may_contain=list(data.get("may_contain") or []),
    )


def rng_for(product_id: str, tier: str) -> np.random.Generator:
    """A Generator that depends only on the product id and the tier name."""
    return np.random.default_rng(zlib.crc32(f"milia-scan/{product_id}/{tier}".encode()))


def pick(rng: np.random.Generator, options: Sequence[T]) -> T:
    return options[int(rng.integers(len(options)))]


# --------------------------------------------------------------------------------------------
# Label typesetting


@dataclass(frozen=True)
class LabelStyle:
    family: str
    x_height: float  # target body x-height in px (the flat tier is ~300 dpi)
    width: int  # label width in px
    paper: RGB  # label background
    ink: RGB  # body text
    accent: RGB  # brand, product name, rules
    claim_sep: str
    border: bool


@dataclass(frozen=True)
class Fonts:
    body: ImageFont.FreeTypeFont
    bold: ImageFont.FreeTypeFont
    brand: ImageFont.FreeTypeFont
    title: ImageFont.FreeTypeFont
    small: ImageFont.FreeTypeFont
    small_bold: ImageFont.FreeTypeFont


def load_font(filename: str, size: int) -> ImageFont.FreeTypeFont:
    try:
        # The basic layout engine does not depend on raqm/harfbuzz, so output is the same
        # wherever Pillow is built.
        return ImageFont.truetype(
            str(FONT_DIR / filename), size, layout_engine=ImageFont.Layout.BASIC
        )
    except OSError:
        return ImageFont.load_default(size=size)  # type: ignore[return-value]


def x_height(font: ImageFont.FreeTypeFont) -> int:
    _left, top, _right, bottom = font.getbbox("x")
    return int(bottom - top)


def make_fonts(style: LabelStyle) -> Fonts:
    regular, bold = FAMILIES[style.family]
    probe = x_height(load_font(regular, 100)) / 100.0
    body = max(8, round(style.x_height / probe))
    return Fonts(
        body=load_font(regular, body),
        bold=load_font(bold, body),
        brand=load_font(bold, round(body * 1.3)),
        title=load_font(bold, round(body * 1.75)),
        small=load_font(regular, round(body * 0.85)),
        small_bold=load_font(bold, round(body * 0.85)),
    )


def make_style(product: Product, rng: np.random.Generator) -> LabelStyle:
    """The look of a product's label: font family, size, width and colours."""
    return LabelStyle(
        family=pick(rng, list(FAMILIES)),
        x_height=float(rng.uniform(19.0, 23.0)),
        width=int(rng.integers(850, 1200)),
        paper=pick(rng, [(255, 255, 255), (252, 249, 240), (250, 245, 232), (246, 244, 238)]),
        ink=pick(rng, [(20, 20, 20), (35, 30, 28), (25, 30, 45)]),
        accent=pick(rng, [(20, 45, 90), (90, 25, 40), (25, 70, 50), (40, 40, 40), (95, 60, 20)]),
        claim_sep=pick(rng, [" \u2022 ", " | ", " \u00b7 "]),
        border=bool(rng.random() < 0.6),
    )


Token = tuple[str, ImageFont.FreeTypeFont]


def tokens_of(text: str, font: ImageFont.FreeTypeFont, keep_gaps: bool = False) -> list[Token]:
    """Words of `text`; with keep_gaps a run of n spaces becomes n word gaps (footer spacing)."""
    words = text.strip().split(" ") if keep_gaps else text.split()
    return [(word, font) for word in words]


def split_long(token: Token, width: float) -> list[Token]:
    """Split a word wider than the column after '-' or '/' (or anywhere, as a last resort)."""
    word, font = token
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and font.getlength(current + ch) > width:
            pieces.append(current)
            current = ""
        current += ch
    pieces.append(current)
    return [(p, font) for p in pieces]


def wrap(tokens: list[Token], width: float) -> list[list[Token]]:
    """Greedy line breaking by rendered width."""
    lines: list[list[Token]] = []
    line: list[Token] = []
    used = 0.0
    for token in tokens:
        word, font = token
        w = font.getlength(word)
        parts = split_long(token, width) if w > width else [token]
        for part in parts:
            pw = part[1].getlength(part[0])
            space = part[1].getlength(" ")
            if line and used + space + pw > width:
                lines.append(line)
                line, used = [], 0.0
            used += (space if line else 0.0) + pw
            line.append(part)
    if line:
        lines.append(line)
    return lines


def draw_paragraph(
    draw: ImageDraw.ImageDraw,
    tokens: list[Token],
    x: float,
    y: float,
    width: float,
    line_height: float,
    fill: RGB,
    align: str = "justify",
) -> float:
    """Draw wrapped tokens; 'justify' spreads words unless the gaps would get too wide."""
    lines = wrap(tokens, width)
    for i, line in enumerate(lines):
        widths = [font.getlength(word) for word, font in line]
        space = line[0][1].getlength(" ")
        natural = sum(widths) + space * (len(line) - 1)
        gap = space
        start = x
        last = i == len(lines) - 1
        if align == "justify" and not last and len(line) > 1:
            stretched = (width - sum(widths)) / (len(line) - 1)
            if stretched <= space * 2.2:
                gap = stretched
        elif align == "center":
            start = x + (width - natural) / 2
        cx = start
        for (word, font), w in zip(line, widths, strict=True):
            draw.text((round(cx), round(y)), word, font=font, fill=fill)
            cx += w + gap
        y += line_height
    return y


def ingredient_text(product: Product) -> str:
    """The ingredient paragraph after the header word, as printed."""
    text = ", ".join(product.ingredients)
    if product.may_contain:
        text += " " + MAY_CONTAIN + " " + ", ".join(product.may_contain)
    return text + "."


def render_label(product: Product, style: LabelStyle) -> tuple[Image.Image, float]:
    """Typeset the label; returns the RGB image and the body x-height in px."""
    fonts = make_fonts(style)
    body_size = fonts.body.size
    line_h = body_size * 1.3
    width = style.width
    margin = max(36, round(width * 0.06))
    column = width - 2 * margin
    canvas = Image.new("RGB", (width, 6000), style.paper)
    draw = ImageDraw.Draw(canvas)

    y = margin * 0.8
    draw.rectangle((0, 0, width, round(margin * 0.35)), fill=style.accent)
    y = draw_paragraph(
        draw,
        tokens_of(product.brand.upper(), fonts.brand),
        margin,
        y,
        column,
        fonts.brand.size * 1.25,
        style.accent,
        align="center",
    )
    y = draw_paragraph(
        draw,
        tokens_of(product.product, fonts.title),
        margin,
        y,
        column,
        fonts.title.size * 1.2,
        style.accent,
        align="center",
    )
    if product.claims:
        y += line_h * 0.2
        claims = style.claim_sep.join(product.claims)
        y = draw_paragraph(
            draw,
            tokens_of(claims, fonts.body),
            margin,
            y,
            column,
            line_h,
            style.ink,
            align="center",
        )
    y += line_h * 0.35
    draw.line((margin, round(y), width - margin, round(y)), fill=style.accent, width=3)
    y += line_h * 0.6

    tokens = tokens_of(product.header, fonts.bold) + tokens_of(ingredient_text(product), fonts.body)
    y = draw_paragraph(draw, tokens, margin, y, column, line_h, style.ink)
    for title, text in (("Directions:", product.directions), ("Warnings:", product.warnings)):
        if text:
            y += line_h * 0.45
            tokens = tokens_of(title, fonts.bold) + tokens_of(text, fonts.body)
            y = draw_paragraph(draw, tokens, margin, y, column, line_h, style.ink)
    if product.footer:
        y += line_h * 0.3
        draw.line((margin, round(y), width - margin, round(y)), fill=style.accent, width=2)
        y += line_h * 0.5
        footer = tokens_of(product.footer, fonts.small, keep_gaps=True)
        y = draw_paragraph(
            draw, footer, margin, y, column, fonts.small.size * 1.3, style.ink, align="center"
        )
    height = round(y + margin * 0.8)
    label = canvas.crop((0, 0, width, height))
    if style.border:
        ImageDraw.Draw(label).rectangle(
            (1, 1, width - 2, height - 2), outline=style.accent, width=3
        )
    return label, float(x_height(fonts.body))


# --------------------------------------------------------------------------------------------
# Image helpers (float32 RGB arrays, 0..255)


def to_array(img: Image.Image) -> Array:
    return np.asarray(img.convert("RGB"), dtype=np.float32)


def to_image(arr: Array) -> Image.Image:
    return Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8))


def resize(arr: Array, scale: float) -> Array:
    h, w = arr.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return cv2.resize(arr, size, interpolation=interp)


def smooth_noise(
    rng: np.random.Generator, h: int, w: int, cell: float, cell_x: float | None = None
) -> Array:
    """Low-frequency noise, roughly in [-1, 1], with features about `cell` px across
    (`cell_x` px wide, if given, for streaky noise)."""
    cx = cell if cell_x is None else cell_x
    gh, gw = max(2, int(h / cell) + 3), max(2, int(w / cx) + 3)
    grid = rng.standard_normal((gh, gw)).astype(np.float32)
    big = cv2.resize(grid, (round(gw * cx), round(gh * cell)), interpolation=cv2.INTER_CUBIC)
    return big[:h, :w] / 1.2


def gaussian_blur(arr: Array, sigma: float) -> Array:
    return cv2.GaussianBlur(arr, (0, 0), sigmaX=sigma, sigmaY=sigma)


def sensor_noise(arr: Array, rng: np.random.Generator, sigma: float) -> Array:
    """Per-channel Gaussian noise plus a little shared (luminance) noise."""
    h, w = arr.shape[:2]
    lum = rng.standard_normal((h, w, 1)).astype(np.float32) * sigma * 0.6
    chroma = rng.standard_normal((h, w, 3)).astype(np.float32) * sigma * 0.5
    return arr + lum + chroma


def lighting(h: int, w: int, rng: np.random.Generator, low: float, high: float) -> Array:
    """Uneven illumination: a linear gradient in a random direction plus a soft vignette."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (xx / w - 0.5) * math.cos(angle) + (yy / h - 0.5) * math.sin(angle)
    ramp = (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
    r2 = ((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2) * 2
    gain = low + (high - low) * ramp - 0.08 * r2
    return gain[..., None]


def colour_cast(rng: np.random.Generator, amount: float) -> Array:
    warm = rng.uniform(-amount, amount)
    return np.array([1 + warm, 1.0, 1 - warm], dtype=np.float32)


def wood_grain(rng: np.random.Generator, h: int, w: int) -> Array:
    """Brightness of horizontal wooden boards: warped growth rings, long streaks and seams."""
    yy = np.mgrid[0:h, 0:w][0].astype(np.float32)
    board = rng.uniform(220, 380)
    index = (yy // board).astype(np.int32)
    n_boards = int(index.max()) + 1
    # Grain lines run along the board: the warp changes slowly along x, faster across.
    warp = smooth_noise(rng, h, w, 160, 900) * 40 + smooth_noise(rng, h, w, 30, 400) * 4
    phase = (yy + warp) / rng.uniform(14, 30) + rng.uniform(0, 10, n_boards)[index]
    rings = (0.5 + 0.5 * np.sin(2 * math.pi * phase)) ** 4
    streak_src = rng.standard_normal((h, max(2, w // 70))).astype(np.float32)
    streaks = cv2.resize(streak_src, (w, h), interpolation=cv2.INTER_LINEAR)
    tone = rng.normal(0, 0.05, n_boards)[index]
    seam = np.where((yy % board) < 3, 0.55, 1.0)
    shade = (1 - 0.14 * rings + 0.04 * streaks + tone) * seam
    return shade.astype(np.float32)


def texture(kind: str, h: int, w: int, rng: np.random.Generator, dark: bool = False) -> Array:
    """A background surface: 'wood', 'stone' (laminate/counter) or 'linen'."""
    if kind == "wood":
        base = pick(rng, [(150, 100, 60), (110, 72, 45), (185, 145, 100), (125, 90, 60)])
        if rng.random() < 0.5:
            shade = wood_grain(rng, h, w)
        else:  # boards running the other way
            shade = np.ascontiguousarray(wood_grain(rng, w, h).T)
    elif kind == "linen":
        base = pick(rng, [(120, 130, 150), (150, 60, 60), (95, 120, 95), (170, 160, 140)])
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        weave = np.sin(xx * 1.9) * np.sin(yy * 1.7)
        shade = (
            1
            + 0.05 * weave
            + 0.05 * rng.standard_normal((h, w)).astype(np.float32)
            + 0.07 * smooth_noise(rng, h, w, 250)
        )
    else:  # stone / laminate
        base = pick(rng, [(120, 120, 118), (88, 110, 128), (140, 130, 115), (70, 80, 75)])
        shade = (
            1
            + 0.08 * smooth_noise(rng, h, w, 220)
            + 0.05 * smooth_noise(rng, h, w, 25)
            + 0.03 * rng.standard_normal((h, w)).astype(np.float32)
        )
    colour = np.array(base, dtype=np.float32)
    if dark:
        colour *= 0.35
    return shade[..., None].astype(np.float32) * colour


def fit_canvas(h: float, w: float, fill: float, portrait: bool) -> tuple[int, int]:
    """A 3:4 frame in which a h x w object takes `fill` of the limiting side."""
    if portrait:
        fh = max(h / fill, (w / fill) * 4 / 3)
        return round(fh), round(fh * 3 / 4)
    fw = max(w / fill, (h / fill) * 4 / 3)
    return round(fw * 3 / 4), round(fw)


# --------------------------------------------------------------------------------------------
# Tiers


@dataclass
class Shot:
    """One finished image and a plain-language list of what was done to it."""

    image: Image.Image
    notes: list[str]
    ext: str
    save: dict[str, object] = field(default_factory=dict)


def to_flat_scan(label: Image.Image, rng: np.random.Generator) -> Shot:
    """The label centred on a white page, with a sprinkle of scanner dust and no distortion."""
    arr = to_array(label)
    pad = int(rng.integers(40, 80))
    page = np.full((arr.shape[0] + 2 * pad, arr.shape[1] + 2 * pad, 3), 255, np.float32)
    page[pad : pad + arr.shape[0], pad : pad + arr.shape[1]] = arr
    # Very light, sparse noise: keeps the PNG small and the text pristine.
    h, w = page.shape[:2]
    speckle = rng.random((h, w)) < 0.004
    page[speckle] -= rng.uniform(4, 30, size=(int(speckle.sum()), 1)).astype(np.float32)
    return Shot(
        to_image(page),
        ["white page", "sparse speckle noise", "300 dpi tag"],
        "png",
        {"optimize": True, "dpi": (300, 300)},
    )


def edge_skew(quad: Array) -> float:
    """The steeper of the quadrilateral's top and bottom edges, in degrees from horizontal."""

    def angle(a: Array, b: Array) -> float:
        return abs(math.degrees(math.atan2(float(b[1] - a[1]), float(b[0] - a[0]))))

    return max(angle(quad[0], quad[1]), angle(quad[3], quad[2]))


def phone_quad(
    lw: int, lh: int, rng: np.random.Generator, max_skew: float = 3.0
) -> tuple[Array, float, float, str]:
    """Where the label's corners land, centred on (0, 0): rotate the rectangle, squeeze one
    edge (keystone) and nudge every corner. Draws are repeated until the text lines stay within
    `max_skew` degrees of horizontal: tilted further, a plain tesseract pass stops finding lines,
    and a phone photo of a label is normally held roughly level."""
    src = np.array([[0, 0], [lw, 0], [lw, lh], [0, lh]], np.float32) - [lw / 2, lh / 2]
    squeezes = {"top": (0, 1), "bottom": (3, 2), "left": (0, 3), "right": (1, 2)}
    for _ in range(100):
        angle = rng.uniform(-3.5, 3.5)
        keystone = rng.uniform(0.03, 0.06)
        edge = pick(rng, list(squeezes))
        quad = src.copy()
        axis = 0 if edge in ("top", "bottom") else 1
        for idx in squeezes[edge]:
            quad[idx, axis] *= 1 - 2 * keystone
        quad += rng.uniform(-0.02, 0.02, size=(4, 2)).astype(np.float32) * [lw, lh]
        theta = math.radians(angle)
        rot = np.array(
            [[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]], np.float32
        )
        quad = quad @ rot.T
        if edge_skew(quad) <= max_skew:
            break
    return quad.astype(np.float32), angle, keystone, edge


def to_phone_photo(label: Image.Image, body_xh: float, rng: np.random.Generator) -> Shot:
    """A handheld photo: label on a table, perspective tilt, rotation, blur, noise, JPEG."""
    portrait = label.height >= label.width
    fill = rng.uniform(0.64, 0.76)
    target_xh = rng.uniform(15.0, 19.0)
    # Bring the frame's long side into 1600..2200 px, first through the text size (14..21 px),
    # then through how much of the frame the label fills.
    scale = target_xh / body_xh
    long_side = max(fit_canvas(label.height * scale, label.width * scale, fill, portrait))
    target_xh = float(np.clip(target_xh * np.clip(long_side, 1600, 2200) / long_side, 14, 21))
    arr = resize(to_array(label), target_xh / body_xh)
    lh, lw = arr.shape[:2]
    H, W = fit_canvas(lh, lw, fill, portrait)
    long_side = max(H, W)
    if not 1600 <= long_side <= 2200:
        fill *= long_side / float(np.clip(long_side, 1600, 2200))
        H, W = fit_canvas(lh, lw, fill, portrait)

    src = np.array([[0, 0], [lw, 0], [lw, lh], [0, lh]], np.float32)
    quad, angle, keystone, edge = phone_quad(lw, lh, rng)
    quad += np.array([W / 2, H / 2], np.float32) + rng.uniform(-0.03, 0.03, 2) * [W, H]
    matrix = cv2.getPerspectiveTransform(src, quad.astype(np.float32))

    surface = pick(rng, ["wood", "wood", "stone", "linen"])
    background = texture(surface, H, W, rng)
    warped = cv2.warpPerspective(arr, matrix, (W, H), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(
        np.ones((lh, lw), np.float32), matrix, (W, H), flags=cv2.INTER_LINEAR
    )[..., None]
    shadow = gaussian_blur(mask, W * 0.012)
    shift = np.array([[1, 0, W * 0.006], [0, 1, W * 0.009]], np.float32)
    shadow = cv2.warpAffine(shadow, shift, (W, H))[..., None]
    img = background * (1 - 0.45 * shadow)
    img = img * (1 - mask) + warped * mask

    img = img * lighting(H, W, rng, rng.uniform(0.72, 0.82), rng.uniform(0.98, 1.06))
    img = img * colour_cast(rng, 0.05)
    sigma = rng.uniform(0.6, 1.0)
    img = gaussian_blur(img, sigma)
    noise = rng.uniform(2.0, 3.5)
    img = sensor_noise(img, rng, noise)
    quality = int(rng.integers(70, 86))
    notes = [
        f"{surface} background",
        f"perspective tilt (keystone {keystone:.0%} {edge}, corner jitter)",
        f"rotation {angle:+.1f}\u00b0",
        f"steepest text line {edge_skew(quad):.1f}\u00b0",
        "lighting gradient",
        f"blur \u03c3{sigma:.1f}",
        f"noise \u03c3{noise:.1f}",
        f"JPEG q{quality}",
        f"{W}x{H}, x-height ~{target_xh:.0f} px",
    ]
    return Shot(to_image(img), notes, "jpg", {"quality": quality})


@dataclass(frozen=True)
class Bottle:
    """How hard a bottle shot is; the defaults are the `curved` tier."""

    xheight: tuple[float, float] = (17.0, 20.0)  # px at the centre of the label
    half_arc: tuple[float, float] = (0.95, 1.15)  # radians of the cylinder per half label
    tilt: float = 2.5  # degrees either way
    elevation: tuple[float, float] = (2.0, 5.0)  # degrees of view from above or below
    glare: tuple[float, float] = (0.6, 0.8)  # strength of the specular highlight
    blur: tuple[float, float] = (0.6, 1.0)
    colour: RGB | None = None  # bottle colour; None draws one of the usual light plastics


def to_curved_bottle(
    label: Image.Image, body_xh: float, rng: np.random.Generator, bottle: Bottle | None = None
) -> Shot:
    """The label on a cylindrical bottle: compressed, shaded edges, glare, dark background."""
    b = bottle or Bottle()
    target_xh = rng.uniform(*b.xheight)
    scale = target_xh / body_xh
    arr = resize(to_array(label), scale)
    lh, lw = arr.shape[:2]
    half_arc = rng.uniform(*b.half_arc)  # radians of the cylinder covered by half the label
    radius = (lw / 2) / half_arc

    # The bottle's "skin": half the circumference, bottle-coloured, with the label in the middle.
    bottle = pick(
        rng, [(238, 238, 236), (245, 232, 228), (225, 235, 242), (200, 160, 110), (232, 236, 226)]
    )
    if b.colour is not None:
        bottle = b.colour
    skin_w = round(math.pi * radius) + 4
    skin_h = round(lh * 1.4)
    skin = np.empty((skin_h, skin_w, 3), np.float32)
    skin[:] = bottle
    ox, oy = (skin_w - lw) // 2, (skin_h - lh) // 2
    skin[oy : oy + lh, ox : ox + lw] = arr

    W = round(2 * radius * rng.uniform(1.3, 1.5))
    H = round(lh * rng.uniform(1.08, 1.16))
    ss = 2  # supersampling factor for the remap
    yy, xx = np.mgrid[0 : H * ss, 0 : W * ss].astype(np.float32)
    xx = (xx + 0.5) / ss - W / 2
    yy = (yy + 0.5) / ss - H / 2
    tilt = math.radians(rng.uniform(-b.tilt, b.tilt))
    bx = xx * math.cos(tilt) + yy * math.sin(tilt)
    by = -xx * math.sin(tilt) + yy * math.cos(tilt)
    inside = np.abs(bx) < radius
    theta = np.arcsin(np.clip(bx / radius, -1, 1))
    elevation = math.radians(rng.uniform(*b.elevation)) * pick(rng, [-1, 1])
    bow = radius * math.sin(elevation) * (1 - np.cos(theta))
    map_x = (skin_w / 2 + radius * theta).astype(np.float32)
    map_y = (skin_h / 2 + by + bow).astype(np.float32)
    wrapped = cv2.remap(skin, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    light = math.radians(rng.uniform(-18, 18))
    shade = 0.25 + 0.75 * np.clip(np.cos(theta - light), 0, 1) ** 1.1
    wrapped *= shade[..., None]
    # Specular glare near the half-angle of the light: a vertical band or an oval spot.
    centre = light / 2 + rng.uniform(-0.25, 0.25)
    strength = rng.uniform(*b.glare)
    if rng.random() < 0.5:
        width = rng.uniform(0.06, 0.11)
        glare = strength * np.exp(-(((theta - centre) / width) ** 2))
        glare_note = f"glare band {strength:.0%}"
    else:
        spot_y = rng.uniform(-0.25, 0.25) * lh
        spot_h = rng.uniform(0.15, 0.3) * lh
        glare = strength * np.exp(-(((theta - centre) / 0.12) ** 2) - ((by - spot_y) / spot_h) ** 2)
        glare_note = f"glare spot {strength:.0%}"
    wrapped = wrapped * (1 - glare[..., None]) + 255 * glare[..., None]

    background = texture(pick(rng, ["wood", "stone", "linen"]), H * ss, W * ss, rng, dark=True)
    background *= lighting(H * ss, W * ss, rng, 0.6, 1.0)
    edge = np.clip(radius - np.abs(bx), 0, 1)[..., None] * inside[..., None]
    img = background * (1 - edge) + wrapped * edge
    img = cv2.resize(img, (W, H), interpolation=cv2.INTER_AREA)

    sigma = rng.uniform(*b.blur)
    img = gaussian_blur(img, sigma)
    noise = rng.uniform(2.0, 3.5)
    img = sensor_noise(img, rng, noise)
    quality = int(rng.integers(72, 86))
    notes = [
        f"cylinder wrap (\u00b1{math.degrees(half_arc):.0f}\u00b0 of arc)",
        "edge shading",
        glare_note,
        f"lines bowed ({math.degrees(elevation):+.0f}\u00b0 view)",
        f"tilt {math.degrees(tilt):+.1f}\u00b0",
        "dark background",
        f"blur \u03c3{sigma:.1f}",
        f"JPEG q{quality}",
        f"{W}x{H}, x-height ~{target_xh:.0f} px at the centre",
    ]
    return Shot(to_image(img), notes, "jpg", {"quality": quality})


def hard_style(style: LabelStyle, kind: str, rng: np.random.Generator) -> LabelStyle:
    """Recolour the label for the light-on-dark and low-contrast cases."""
    if kind == "light-on-dark":
        tube = pick(rng, [(25, 35, 70), (70, 20, 35), (20, 55, 45), (30, 30, 32), (60, 35, 80)])
        cream = pick(rng, [(250, 248, 240), (240, 232, 210), (255, 255, 255)])
        return replace(style, paper=tube, ink=cream, accent=cream, border=False)
    if kind == "low-contrast":
        paper = pick(rng, [(232, 228, 218), (225, 228, 230), (236, 226, 222)])
        factor = rng.uniform(0.70, 0.75)
        ink = (round(paper[0] * factor), round(paper[1] * factor), round(paper[2] * factor))
        return replace(style, paper=paper, ink=ink, accent=ink, border=False)
    return style


HARD_SAVE: dict[str, tuple[dict[str, object], str]] = {
    "png": ({"optimize": True}, "PNG"),
    "webp": ({"quality": 82, "method": 6}, "WebP q82"),
    "tiff": ({"compression": "tiff_adobe_deflate"}, "TIFF (deflate)"),
    "bmp": ({}, "BMP (24-bit)"),
}


def to_hard(
    product: Product, style: LabelStyle, kind: str, turn: int, ext: str, rng: np.random.Generator
) -> Shot:
    """The hardest tier: small print, a 90/180/270 rotation, light-on-dark, or low contrast."""
    style = hard_style(style, kind, rng)
    label, body_xh = render_label(product, style)
    target_xh, sigma, noise = {
        "small": (rng.uniform(8.0, 9.5), rng.uniform(0.45, 0.6), rng.uniform(1.2, 2.0)),
        "rotated": (rng.uniform(15.0, 18.0), rng.uniform(0.6, 0.9), rng.uniform(1.5, 2.5)),
        "light-on-dark": (rng.uniform(14.0, 16.0), rng.uniform(0.6, 0.9), rng.uniform(2.0, 3.0)),
        "low-contrast": (rng.uniform(18.0, 20.0), rng.uniform(1.9, 2.3), rng.uniform(1.5, 2.5)),
    }[kind]
    arr = resize(to_array(label), target_xh / body_xh)
    lh, lw = arr.shape[:2]
    pad = round(max(lh, lw) * rng.uniform(0.04, 0.07))
    H, W = lh + 2 * pad, lw + 2 * pad
    if kind == "light-on-dark":
        img = texture(pick(rng, ["stone", "linen"]), H, W, rng, dark=True)
        # The label is the tube itself: shade it like a lying cylinder, with a soft sheen.
        yy = np.linspace(-1, 1, lh, dtype=np.float32)[:, None, None]
        arr = arr * (0.75 + 0.25 * np.sqrt(1 - 0.8 * yy**2))
        arr += 35 * np.exp(-(((yy - rng.uniform(-0.5, 0.5)) / 0.12) ** 2))
    else:
        img = np.full((H, W, 3), 245, np.float32) * colour_cast(rng, 0.02)
    img[pad : pad + lh, pad : pad + lw] = arr
    img = img * lighting(H, W, rng, rng.uniform(0.85, 0.92), 1.02)
    img = sensor_noise(gaussian_blur(img, sigma), rng, noise)

    notes = {
        "small": [f"small print (x-height ~{target_xh:.1f} px)"],
        "rotated": [f"rotated {turn}\u00b0 clockwise", f"x-height ~{target_xh:.0f} px"],
        "light-on-dark": [
            "light-on-dark (cream text on a dark tube, cylinder shading)",
            f"x-height ~{target_xh:.0f} px",
        ],
        "low-contrast": ["low contrast (grey-on-grey print)", f"x-height ~{target_xh:.0f} px"],
    }[kind]
    if kind == "rotated":
        img = np.ascontiguousarray(np.rot90(img, k=-(turn // 90)))  # clockwise by `turn`
    notes += [f"blur \u03c3{sigma:.1f}", f"noise \u03c3{noise:.1f}"]
    save: dict[str, object]
    if ext == "jpg":
        quality = int(rng.integers(75, 88))
        save, fmt_note = {"quality": quality}, f"JPEG q{quality}"
    else:
        save, fmt_note = HARD_SAVE[ext]
    h, w = img.shape[:2]
    return Shot(to_image(img), [*notes, fmt_note, f"{w}x{h}"], ext, save)


# --------------------------------------------------------------------------------------------
# The extra hard tiers: curved2 (harder bottles) and hard2 (hard cases combined)

CURVED2 = Bottle(
    xheight=(14.0, 17.0),
    half_arc=(1.15, 1.3),
    tilt=5.0,
    elevation=(4.0, 8.0),
    glare=(0.75, 0.9),
    blur=(0.8, 1.2),
)
HARD2_KINDS = ("skewed", "small-photo", "dark-bottle", "faint-glare", "sideways", "shadow")
HARD2_PER_PRODUCT = 3


def turn_image(img: Image.Image, turn: int) -> Image.Image:
    """Rotate clockwise by a multiple of 90 degrees."""
    arr = np.asarray(img)
    return Image.fromarray(np.ascontiguousarray(np.rot90(arr, k=-(turn // 90))))


def jpeg(shot: Shot, rng: np.random.Generator, notes: list[str]) -> Shot:
    quality = int(rng.integers(72, 86))
    kept = [n for n in shot.notes if not n.startswith("JPEG")]
    return Shot(shot.image, [*kept, *notes, f"JPEG q{quality}"], "jpg", {"quality": quality})


def to_hard_bottle(label: Image.Image, body_xh: float, rng: np.random.Generator) -> Shot:
    """A harder bottle: tighter curve, stronger glare and bow, smaller print; some lie sideways."""
    shot = to_curved_bottle(label, body_xh, rng, CURVED2)
    if rng.random() < 1 / 3:
        turn = pick(rng, [90, 270])
        image = turn_image(shot.image, turn)
        return jpeg(
            Shot(image, shot.notes, "jpg"), rng, [f"bottle lying on its side ({turn}\u00b0)"]
        )
    return jpeg(shot, rng, [])


def cast_shadow(img: Array, rng: np.random.Generator) -> tuple[Array, str]:
    """A soft-edged shadow (a hand or the phone) over part of the frame."""
    h, w = img.shape[:2]
    angle = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    offset = rng.uniform(-0.15, 0.15) * max(h, w)
    side = (xx - w / 2) * math.cos(angle) + (yy - h / 2) * math.sin(angle) - offset
    softness = rng.uniform(0.01, 0.03) * max(h, w)
    depth = rng.uniform(0.45, 0.6)
    shade = 1 - depth / (1 + np.exp(-side / softness))
    return img * shade[..., None], f"cast shadow {depth:.0%} deep"


def to_hard2(product: Product, style: LabelStyle, kind: str, rng: np.random.Generator) -> Shot:
    """Hard cases combined, as people really photograph labels."""
    label, body_xh = render_label(product, style)
    if kind == "skewed":
        shot = to_phone_photo(label, body_xh, rng)
        angle = rng.uniform(6, 20) * pick(rng, [-1, 1])
        arr = np.asarray(shot.image)
        fill = tuple(int(v) for v in np.median(arr[:8].reshape(-1, 3), axis=0))
        image = shot.image.rotate(
            angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill
        )
        notes = [f"whole photo turned {angle:+.0f}\u00b0"]
        if rng.random() < 0.5:
            turn = pick(rng, [90, 180, 270])
            image = turn_image(image, turn)
            notes.append(f"then {turn}\u00b0 clockwise")
        return jpeg(Shot(image, shot.notes, "jpg"), rng, notes)
    if kind == "small-photo":
        shot = to_phone_photo(label, body_xh, rng)
        factor = rng.uniform(0.42, 0.5)
        w, h = shot.image.size
        image = shot.image.resize((round(w * factor), round(h * factor)), Image.Resampling.LANCZOS)
        notes = [f"taken from afar: scaled {factor:.2f}, x-height ~{17 * factor:.0f} px"]
        return jpeg(Shot(image, shot.notes, "jpg"), rng, notes)
    if kind == "dark-bottle":
        dark = hard_style(style, "light-on-dark", rng)
        label, body_xh = render_label(product, dark)
        shot = to_curved_bottle(label, body_xh, rng, replace(Bottle(), colour=dark.paper))
        return jpeg(shot, rng, ["light-on-dark print on a dark bottle"])
    if kind == "faint-glare":
        faint = hard_style(style, "low-contrast", rng)
        label, body_xh = render_label(product, faint)
        shot = to_curved_bottle(label, body_xh, rng, Bottle(glare=(0.5, 0.7), blur=(1.0, 1.4)))
        return jpeg(shot, rng, ["low-contrast print"])
    if kind == "sideways":
        shot = to_phone_photo(label, body_xh, rng)
        turn = pick(rng, [90, 180, 270])
        return jpeg(
            Shot(turn_image(shot.image, turn), shot.notes, "jpg"),
            rng,
            [f"turned {turn}\u00b0 clockwise"],
        )
    # shadow
    shot = to_phone_photo(label, body_xh, rng)
    arr, note = cast_shadow(to_array(shot.image), rng)
    noise = rng.uniform(3.0, 5.0)
    arr = sensor_noise(arr, rng, noise)
    return jpeg(
        Shot(to_image(arr), shot.notes, "jpg"), rng, [note, f"extra noise \u03c3{noise:.1f}"]
    )


# --------------------------------------------------------------------------------------------
# Output


def write_truth(image_path: Path, product: Product) -> Path:
    """`<stem>.truth.txt` next to the image: one ingredient per line, as printed."""
    path = image_path.with_name(image_path.name.rsplit(".", 1)[0] + ".truth.txt")
    path.write_text("\n".join(product.truth) + "\n", encoding="utf-8")
    return path


def save_shot(shot: Shot, path: Path) -> None:
    fmt = {"png": "PNG", "jpg": "JPEG", "webp": "WEBP", "tiff": "TIFF", "bmp": "BMP"}[shot.ext]
    shot.image.save(path, format=fmt, **shot.save)


def clean_tier(directory: Path) -> None:
    """Remove images and truth files from an earlier run (this script owns the tier folders)."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.iterdir():
        ours = path.suffix.lower() in IMAGE_EXTS or path.name.endswith(".truth.txt")
        if path.is_file() and ours:
            path.unlink()


@dataclass(frozen=True)
class Row:
    file: str
    what: str
    tier: str


def describe(product: Product, style: LabelStyle) -> str:
    extra = f" + {len(product.may_contain)} may-contain" if product.may_contain else ""
    return (
        f"{product.type} ({product.brand} {product.product}); {FAMILY_NAMES[style.family]}, "
        f"{len(product.ingredients)} ingredients{extra}"
    )


README_HEAD = """\
# samples: synthetic label images

Every image in this folder is synthetic, made by `make_samples.py`: it typesets each product in
`products/*.toml` as a skincare label, then degrades that label in six tiers, from a clean flat
scan to deliberately hard cases. Nothing here is a photo of a real package. Regenerate everything
(images, truth files and this README) from the repository root with

    .venv/bin/python samples/make_samples.py

The script is deterministic: each product and tier uses its own numpy Generator, seeded with a CRC
of the product id and the tier name, so a rerun gives byte-identical files with the same
Pillow/OpenCV/FreeType versions. Fonts are DejaVu Sans, DejaVu Serif and DejaVu Sans Condensed
(`/usr/share/fonts/truetype/dejavu`, Bitstream Vera derived, Bitstream Vera / DejaVu licence); if
they are missing, Pillow's built-in font is used instead.

Each image has a truth file beside it, `<stem>.truth.txt`: one ingredient per line exactly as
printed, the ingredient list first and then any "May Contain" items, in label order.

## Tiers

{tiers}

## Images

| file | what it shows | tier |
| --- | --- | --- |
"""


TIER_DOCS = (
    (
        "flat",
        "`flat/*.png`",
        "a flat scan at about 300 dpi: the label on white, body x-height 19-23 px, sparse speckle, "
        "no distortion",
    ),
    (
        "phone",
        "`phone/*.jpg`",
        "a handheld phone photo, 1600-2200 px on the long side: the label on a wood, stone or "
        "linen table filling roughly 2/3 of the frame, perspective tilt (keystone 3-6% plus "
        "corner jitter up to 2%), rotation up to 3.5 degrees with the text lines kept within "
        "3 degrees of level, "
        "a drop shadow, uneven lighting and colour cast, blur sigma 0.6-1.0, sensor noise, JPEG "
        "q70-85; body x-height 14-21 px",
    ),
    (
        "curved",
        "`curved/*.jpg`",
        "the label wrapped round a bottle: arcsine compression toward the edges (the label covers "
        "\u00b154 to 66 degrees of the cylinder), edge shading, slightly bowed lines from a raised "
        "viewpoint, a specular glare band or spot over part of the text, dark background, blur "
        "sigma 0.6-1.0, noise, JPEG q72-85; x-height 17-20 px at the centre",
    ),
    (
        "hard",
        "`hard/*.{png,jpg,webp,tiff,bmp}`",
        "one hard case per product, cycling by product index: small print (x-height 8-9.5 px), "
        "rotated 90/180/270 degrees, light-on-dark (cream text on a dark tube), low contrast "
        "(ink at ~72% of the paper's brightness) with strong blur (sigma 1.9-2.3); the formats mix "
        "PNG, JPEG, WebP, TIFF (deflate) and BMP to exercise the loaders",
    ),
    (
        "curved2",
        "`curved2/*.jpg`",
        "a harder bottle: the label covers \u00b166 to 75 degrees of the cylinder, x-height "
        "14-17 px at the centre, tilt up to 5 degrees, lines bowed by a 4-8 degree view, glare "
        "75-90%, blur sigma 0.8-1.2; one in three lies on its side (turned 90 or 270 degrees)",
    ),
    (
        "hard2",
        "`hard2/<product>-<case>.jpg`",
        "three photos per product, the cases cycling: `skewed` (a phone photo turned 6-20 "
        "degrees, half of them also a quarter turn), `small-photo` (a phone photo from afar, "
        "x-height 6-9 px), `dark-bottle` (light print on a dark bottle, with glare), "
        "`faint-glare` (low-contrast print on a bottle, blur sigma 1.0-1.4), `sideways` (a phone "
        "photo turned 90/180/270 degrees), `shadow` (a soft cast shadow 45-60% deep and extra "
        "noise)",
    ),
)


def write_readme(rows: list[Row], path: Path) -> None:
    tiers = ["| tier | folder | what it simulates |", "| --- | --- | --- |"]
    tiers += [f"| {tier} | {folder} | {what} |" for tier, folder, what in TIER_DOCS]
    images = [f"| `{r.file}` | {r.what} | {r.tier} |" for r in rows]
    head = README_HEAD.replace("{tiers}", "\n".join(tiers))
    path.write_text(head + "\n".join(images) + "\n", encoding="utf-8")


def generate(products_dir: Path, out_dir: Path, log: Callable[[str], None] = print) -> list[Row]:
    paths = sorted(products_dir.glob("*.toml"))
    if not paths:
        raise SystemExit(f"no product files in {products_dir}")
    products = [load_product(p) for p in paths]
    for tier in TIERS:
        clean_tier(out_dir / tier)

    rows: list[Row] = []
    for index, product in enumerate(products):
        style = make_style(product, rng_for(product.id, "label"))
        label, body_xh = render_label(product, style)
        about = describe(product, style)
        kind = HARD_KINDS[index % len(HARD_KINDS)]
        turn = (90, 180, 270)[(index // len(HARD_KINDS)) % 3]
        shots = {
            "flat": to_flat_scan(label, rng_for(product.id, "flat")),
            "phone": to_phone_photo(label, body_xh, rng_for(product.id, "phone")),
            "curved": to_curved_bottle(label, body_xh, rng_for(product.id, "curved")),
            "hard": to_hard(
                product,
                style,
                kind,
                turn,
                HARD_FORMATS[index % len(HARD_FORMATS)],
                rng_for(product.id, "hard"),
            ),
        }
        shots["curved2"] = to_hard_bottle(label, body_xh, rng_for(product.id, "curved2"))
        extra = rng_for(product.id, "hard2")
        named: list[tuple[str, str, Shot]] = [
            (tier, product.id, shot) for tier, shot in shots.items()
        ]
        for k in range(HARD2_PER_PRODUCT):
            # Every kind six times over the 12 products, each with different products.
            slot = index * HARD2_PER_PRODUCT + k + index // 2
            kind2 = HARD2_KINDS[slot % len(HARD2_KINDS)]
            named.append(("hard2", f"{product.id}-{kind2}", to_hard2(product, style, kind2, extra)))
        for tier, stem, shot in named:
            path = out_dir / tier / f"{stem}.{shot.ext}"
            save_shot(shot, path)
            write_truth(path, product)
            notes = (
                [f"label {style.width} px wide", f"x-height {body_xh:.0f} px", *shot.notes]
                if tier == "flat"
                else shot.notes
            )
            rows.append(Row(f"{tier}/{path.name}", f"{about}; {', '.join(notes)}", tier))
        log(f"{product.id}: {', '.join(f'{t}/{stem}.{s.ext}' for t, stem, s in named)}")
    tier_order = {t: i for i, t in enumerate(TIERS)}
    rows.sort(key=lambda r: (tier_order[r.tier], r.file))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--products",
        type=Path,
        default=HERE / "products",
        help="folder of product TOML files (default: samples/products)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE,
        help="output folder for the tier folders and README.md (default: samples)",
    )
    args = parser.parse_args(argv)
    rows = generate(args.products, args.out)
    write_readme(rows, args.out / "README.md")
    print(f"wrote {len(rows)} images and README.md under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
