"""Self-contained HTML: one product's report, and a sortable page of many.

Everything read from a label or a file name is escaped, the page fetches nothing (images are
embedded as data: URIs) and its Content-Security-Policy forbids any script but the page's own
sorting code (allowed by hash), so a label that reads <script> shows as text and runs nothing.
"""

from __future__ import annotations

import base64
import hashlib
import math
from html import escape
from pathlib import Path

import cv2
import numpy as np
from milia_scan.assess.risk import DISCLAIMER
from milia_scan.errors import MiliaScanError
from milia_scan.image.load import load_image
from milia_scan.jobs.store import StoredResult
from milia_scan.lexicon import Lexicon
from milia_scan.lexicon.claims import Claim
from milia_scan.models import MiliaRisk, Report, RiskFactor
from milia_scan.output.annotate import CLASSES, class_of
from milia_scan.output.report import (
    STANCE_WORDS,
    cited,
    coarse_score,
    grade_text,
    reading_text,
    score_text,
)

MAX_PHOTO_SIDE = 1400
THUMB_SIDE = 160
LEVEL_COLOUR = {
    "low": "#2ca02c",
    "moderate": "#e6a100",
    "high": "#d62728",
    "uncertain": "#6b6b6b",
}

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;
color:#222;line-height:1.45;padding:0 1rem}
h1{font-size:1.4rem;margin-bottom:.2rem} .source{color:#666;word-break:break-all}
.top{display:flex;gap:2rem;align-items:center;flex-wrap:wrap}
.level{font-size:1.6rem;font-weight:700} .summary{font-size:1.05rem}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.92rem}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4} tr.risky td:first-child{border-left:4px solid #d62728}
tr.helpful td:first-child{border-left:4px solid #2ca02c}
tr.neutral td:first-child{border-left:4px solid #1f77b4}
tr.unrecognised td:first-child{border-left:4px solid #ff7f0e}
.photo{position:relative;max-width:100%} .photo svg{width:100%;height:auto;border:1px solid #ccc}
.key span{display:inline-block;margin-right:1rem} .key i{display:inline-block;width:.9rem;
height:.9rem;margin-right:.3rem;vertical-align:middle}
.warn{background:#fff4e0;border-left:4px solid #e6a100;padding:.4rem .7rem;margin:.3rem 0}
.avoid{background:#fde8ef;border-left:4px solid #c2185b;padding:.4rem .7rem;margin:.3rem 0}
.disclaimer{color:#555;font-style:italic;margin-top:2rem} .muted{color:#777}
th.sortable{cursor:pointer} img.thumb{max-width:120px;max-height:120px}
ul.claims{margin:.2rem 0 .3rem;padding-left:1.2rem;font-size:.92rem}
.grade{font-weight:600} .refs li{margin:.3rem 0;overflow-wrap:anywhere}
.refs b{font-family:monospace}
"""
SORT_SCRIPT = """
document.querySelectorAll('table.products').forEach(function (t) {
  t.setAttribute('data-sortable', 'ready');
});
document.querySelectorAll('th.sortable').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var asc = th.getAttribute('data-dir') !== 'asc';
    rows.sort(function (a, b) {
      var x = a.cells[index].getAttribute('data-key') || a.cells[index].textContent;
      var y = b.cells[index].getAttribute('data-key') || b.cells[index].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    th.setAttribute('data-dir', asc ? 'asc' : 'desc');
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""


def _csp(script: str | None) -> str:
    policy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    if script is not None:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        policy += f"; script-src 'sha256-{digest}'"
    return escape(policy, quote=False)  # in a double-quoted attribute; holds no "


def _page(title: str, body: str, script: str | None = None) -> str:
    tail = f"<script>{script}</script>" if script else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_csp(script)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}{tail}</body></html>\n"
    )


def _jpeg_data_uri(pixels: np.ndarray, max_side: int) -> tuple[str, float]:
    """The image as a data: URI, downscaled to max_side; returns (uri, scale applied)."""
    scale = min(1.0, max_side / max(pixels.shape[:2]))
    if scale < 1.0:
        pixels = cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, 82])
    if not ok:  # pragma: no cover
        raise MiliaScanError("could not encode the photo for the HTML report")
    return "data:image/jpeg;base64," + base64.b64encode(data.tobytes()).decode(), scale


def gauge_svg(score: int, level: str, shown: str | None = None) -> str:
    """A half-circle gauge from 0 to 100 with a needle at the score, labelled `shown`."""
    shown = shown if shown is not None else f"{score}/100"
    angle = math.pi * (1 - score / 100)
    x, y = 100 + 80 * math.cos(angle), 100 - 80 * math.sin(angle)
    arcs = []
    for start, end, colour in ((0, 30, "#2ca02c"), (30, 60, "#e6a100"), (60, 100, "#d62728")):
        a0, a1 = math.pi * (1 - start / 100), math.pi * (1 - end / 100)
        x0, y0 = 100 + 90 * math.cos(a0), 100 - 90 * math.sin(a0)
        x1, y1 = 100 + 90 * math.cos(a1), 100 - 90 * math.sin(a1)
        arcs.append(
            f'<path d="M{x0:.1f},{y0:.1f} A90,90 0 0,1 {x1:.1f},{y1:.1f}" '
            f'stroke="{colour}" stroke-width="14" fill="none"/>'
        )
    return (
        f'<svg class="gauge" viewBox="0 0 200 120" width="220" role="img" '
        f'aria-label="milia risk {escape(shown)}, {escape(level)}">{"".join(arcs)}'
        f'<line x1="100" y1="100" x2="{x:.1f}" y2="{y:.1f}" stroke="#222" stroke-width="4"/>'
        f'<circle cx="100" cy="100" r="6" fill="#222"/>'
        f'<text x="100" y="118" text-anchor="middle" font-size="14">{escape(shown)}</text></svg>'
    )


def photo_svg(report: Report, lexicon: Lexicon, image: Path) -> str:
    """The photo with an SVG box per ingredient read, coloured by class."""
    pixels = load_image(image).pixels
    uri, scale = _jpeg_data_uri(pixels, MAX_PHOTO_SIDE)
    h, w = (round(v * scale) for v in pixels.shape[:2])
    rects = []
    for m in report.matches:
        if m.item.box is None:
            continue
        cls = class_of(m, lexicon)
        x, y, bw, bh = (round(v * scale) for v in m.item.box)
        dash = ' stroke-dasharray="6,3"' if cls == "unrecognised" else ""
        label = f"#{m.item.position} {m.name or 'not recognised'} (read: {m.item.raw})"
        rects.append(
            f'<rect class="box {cls}" x="{x}" y="{y}" width="{bw}" height="{bh}" '
            f'fill="none" stroke="{CLASSES[cls][1]}" stroke-width="3"{dash}>'
            f"<title>{escape(label)}</title></rect>"
        )
    return (
        f'<div class="photo"><svg viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="the label photo with each ingredient boxed">'
        f'<image href="{uri}" width="{w}" height="{h}"/>{"".join(rects)}</svg></div>'
    )


def _refs(ids: list[str]) -> str:
    return ", ".join(f'<a href="#ref-{escape(i)}">{escape(i)}</a>' for i in ids)


def _claim_item(claim: Claim) -> str:
    stances = "; ".join(
        f"{STANCE_WORDS[stance]} {_refs(ids)}"
        for stance in STANCE_WORDS
        if (ids := cited(claim, stance))
    )
    return (
        f"<li>{escape(claim.text)} (<i>{escape(grade_text(claim.grade))}</i>): {stances}</li>"
    )


def _factor_item(f: RiskFactor) -> str:
    grade = f", comedogenic {escape(f.comedogenic)}" if f.comedogenic else ""
    claims = "".join(_claim_item(c) for c in f.claims)
    return (
        f"<li><b>#{f.position} {escape(f.ingredient)}</b>: {escape(f.label)}{grade} "
        f'<span class="grade">[{escape(grade_text(f.evidence))}]</span>'
        f'<ul class="claims">{claims}</ul><span class="muted">{escape(f.why)}</span></li>'
    )


def _references(risk: MiliaRisk) -> str:
    items = "".join(
        f'<li id="ref-{escape(s.id)}"><b>{escape(s.id)}</b> {escape(s.citation)} '
        f'<span class="muted">({escape(s.kind)})</span></li>'
        for s in risk.references
    )
    return f'<h2>References</h2><ol class="refs">{items}</ol>' if items else ""


def report_html(report: Report, lexicon: Lexicon, image: Path | None = None) -> str:
    risk = report.risk
    parts = [
        f'<h1>Milia risk: <span class="level" style="color:{LEVEL_COLOUR[risk.level]}">'
        f"{escape(risk.level.upper())}</span></h1>"
        f'<div class="source">{escape(report.source)}</div>'
    ]
    for claim in report.claims:
        parts.append(f'<div class="warn">Claim check: {escape(claim.message)}</div>')
    for hit in report.avoid:
        parts.append(
            f'<div class="avoid">Avoid: #{hit.position} {escape(hit.ingredient)} '
            f"({escape(hit.because)})</div>"
        )
    parts.append(
        f'<div class="top">{gauge_svg(risk.score, risk.level, score_text(risk))}'
        f'<p class="summary">{escape(risk.summary)}</p></div>'
    )
    if (line := reading_text(report)) is not None:
        complete = report.reading is not None and report.reading.complete
        parts.append(f'<p class="{"muted" if complete else "warn"}">{escape(line)}</p>')
    if image is not None:
        key = "".join(
            f'<span><i style="background:{c}"></i>{escape(label)}</span>'
            for label, c in CLASSES.values()
        )
        parts.append(f'{photo_svg(report, lexicon, image)}<div class="key">{key}</div>')
    rows = []
    for m in report.matches:
        cls = class_of(m, lexicon)
        cats = ", ".join(
            lexicon.categories[c].label for c in m.categories if c in lexicon.categories
        )
        entry = m.entry
        rating = ""
        if entry and entry.comedogenic:
            rating = f"{entry.comedogenic} ({entry.rating_source})"
        may = " (may contain)" if m.item.may_contain else ""
        rows.append(
            f'<tr class="ingredient {cls}"><td>{m.item.position}</td>'
            f"<td>{escape(m.name or 'not recognised')}{may}</td><td>{escape(m.item.raw)}</td>"
            f"<td>{m.score:.0f}</td><td>{escape(cats)}</td><td>{escape(rating)}</td></tr>"
        )
    parts.append(
        '<h2>Ingredients, in label order</h2><table class="ingredients"><thead><tr>'
        "<th>#</th><th>ingredient</th><th>read as</th><th>match</th>"
        "<th>classes</th><th>comedogenic (source)</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    for title, factors in (("What raises the risk", risk.drivers), ("What helps", risk.mitigators)):
        if factors:
            items = "".join(_factor_item(f) for f in factors)
            parts.append(f"<h2>{title}</h2><ul>{items}</ul>")
    if report.context is not None:
        parts.append(
            f'<p class="muted">Product type: {escape(str(report.context.product_type))}'
            f" ({escape(report.context.reason)}), weight x{report.context.factor}.</p>"
        )
    for warning in report.warnings:
        if not any(warning == c.message for c in report.claims):
            parts.append(f'<div class="warn">{escape(warning)}</div>')
    parts.append(_references(risk))
    parts.append(
        f'<p class="disclaimer">{escape(DISCLAIMER)} Lexicon {escape(report.lexicon_version)}.</p>'
    )
    return _page(f"milia-scan: {Path(report.source).name}", "".join(parts))


def thumbnail_uri(path: str) -> str | None:
    try:
        return _jpeg_data_uri(load_image(Path(path)).pixels, THUMB_SIDE)[0]
    except MiliaScanError:
        return None


def batch_html(results: list[StoredResult], title: str = "milia-scan results") -> str:
    """A sortable table of products by risk, with thumbnails."""
    rows = []
    for r in results:
        thumb = thumbnail_uri(r.path) if r.status == "ok" else None
        img = f'<img class="thumb" alt="" src="{thumb}">' if thumb else ""
        detail = r.detail()
        score = "" if r.score is None else str(r.score)
        shown = "" if r.score is None else coarse_score(r.score)
        rows.append(
            f'<tr class="product"><td>{img}</td><td data-key="{escape(score or "-1")}">'
            f"{escape(shown)}</td><td>{escape((r.level or r.status).replace('_', ' '))}</td>"
            f"<td>{escape(r.path)}</td><td>{escape(detail)}</td></tr>"
        )
    body = (
        f'<h1>{escape(title)}</h1><p class="muted">{len(results)} products. Click a '
        'column heading to sort.</p><table class="products"><thead><tr><th>photo</th>'
        '<th class="sortable">score</th><th class="sortable">risk</th>'
        '<th class="sortable">file</th><th>drivers / problem</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<p class="disclaimer">{escape(DISCLAIMER)}</p>'
    )
    return _page(title, body, SORT_SCRIPT)
