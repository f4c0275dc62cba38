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
THUMB_SIDE = 320
LEVEL_COLOUR = {
    "low": "#2ca02c",
    "moderate": "#e6a100",
    "high": "#d62728",
    "uncertain": "#6b6b6b",
}

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:1rem auto;max-width:1200px;
color:#222;line-height:1.45;padding:0 .8rem;overflow-wrap:break-word}
h1{font-size:1.4rem;margin-bottom:.2rem} .source{color:#666;word-break:break-all}
.top{display:flex;gap:2rem;align-items:center;flex-wrap:wrap}
.level{font-size:1.6rem;font-weight:700} .summary{font-size:1.05rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.92rem}
.cols{display:grid;grid-template-columns:minmax(0,1fr);gap:1rem;align-items:start}
@media (min-width:900px){.cols{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}}
.read{color:#777;font-size:.85rem} .wide{display:none} td:first-child{white-space:nowrap}
@media (min-width:600px){.wide{display:table-cell} .read{display:none}}
@media (max-width:599px){table.ingredients td{overflow-wrap:anywhere}}
.gauge{max-width:45vw;height:auto}
th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4} tr.risky td:first-child{border-left:4px solid #d62728}
tr.helpful td:first-child{border-left:4px solid #2ca02c}
tr.neutral td:first-child{border-left:4px solid #1f77b4}
tr.unrecognised td:first-child{border-left:4px solid #ff7f0e}
.photo{position:relative;max-width:100%} .photo svg{width:100%;height:auto;border:1px solid #ccc}
.photo svg g.box rect{vector-effect:non-scaling-stroke}
.key span{display:inline-block;margin-right:1rem} .key i{display:inline-block;width:.9rem;
height:.9rem;margin-right:.3rem;vertical-align:middle}
.warn{background:#fff4e0;border-left:4px solid #e6a100;padding:.4rem .7rem;margin:.3rem 0}
.avoid{background:#fde8ef;border-left:4px solid #c2185b;padding:.4rem .7rem;margin:.3rem 0}
.disclaimer{color:#555;font-style:italic;margin-top:2rem} .muted{color:#777}
th.sortable{cursor:pointer} img.thumb{max-width:200px;max-height:200px}
.badge{color:#fff;font-weight:700;padding:.1rem .45rem;border-radius:.3rem;font-size:.85rem}
tr.level-high td:first-child{border-left:5px solid #d62728}
tr.level-moderate td:first-child{border-left:5px solid #e6a100}
tr.level-low td:first-child{border-left:5px solid #2ca02c}
tr.level-uncertain td:first-child{border-left:5px solid #6b6b6b}
section.detail{border-top:1px solid #ddd;margin-top:1.5rem}
@media (max-width:600px){table.products thead{display:none}
table.products tr{display:block;border-bottom:1px solid #ddd;padding:.4rem 0}
table.products td{display:block;border:0}}
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
        dash = ' stroke-dasharray="6,3"' if cls == "unrecognised" else ""
        label = f"#{m.item.position} {m.name or 'not recognised'} (read: {m.item.raw})"
        fragments = "".join(
            f'<rect x="{round(x * scale)}" y="{round(y * scale)}" width="{round(bw * scale)}" '
            f'height="{round(bh * scale)}"/>'
            for x, y, bw, bh in m.item.line_boxes
        )
        # One group per ingredient, one rectangle per line of print it runs over, so a name
        # that wraps does not box its neighbours.
        rects.append(
            f'<g class="box {cls}" fill="none" stroke="{CLASSES[cls][1]}" stroke-width="3"'
            f'{dash}><title>{escape(label)}</title>{fragments}</g>'
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
        read = f'<div class="read">read: {escape(m.item.raw)}</div>'
        rows.append(
            f'<tr class="ingredient {cls}"><td>{m.item.position}</td>'
            f"<td>{escape(m.name or 'not recognised')}{may}{read}</td>"
            f'<td class="wide">{escape(m.item.raw)}</td><td class="wide">{m.score:.0f}</td>'
            f"<td>{escape(cats)}</td><td>{escape(rating)}</td></tr>"
        )
    table = (
        '<section><h2>Ingredients, in label order</h2><table class="ingredients"><thead><tr>'
        '<th>#</th><th>ingredient</th><th class="wide">read as</th><th class="wide">match</th>'
        "<th>classes</th><th>comedogenic (source)</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )
    photo = ""
    if image is not None:
        key = "".join(
            f'<span><i style="background:{c}"></i>{escape(label)}</span>'
            for label, c in CLASSES.values()
        )
        drawn = photo_svg(report, lexicon, image)
        photo = f'<section>{drawn}<div class="key">{key}</div></section>'
    # The list first (on a phone it comes right after the verdict), the photo beside it on a
    # wide screen.
    parts.append(f'<div class="cols">{table}{photo}</div>')
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


def _counts(results: list[StoredResult]) -> str:
    counts: dict[str, int] = {}
    for r in results:
        key = r.level or r.status.replace("_", " ")
        counts[key] = counts.get(key, 0) + 1
    order = ["high", "moderate", "low", "uncertain"]
    keys = sorted(counts, key=lambda k: (order.index(k) if k in order else len(order), k))
    return ", ".join(f"{counts[k]} {k}" for k in keys)


def _badge(level: str) -> str:
    colour = LEVEL_COLOUR.get(level, "#555")
    return f'<span class="badge" style="background:{colour}">{escape(level.upper())}</span>'


def _detail(n: int, r: StoredResult) -> str:
    """One product's report, from its stored JSON: verdict, drivers and what helps with their
    grades, the reading, the list as read."""
    report = r.report
    head = f'<section class="detail" id="p-{n}"><h2>{escape(r.path)}</h2>'
    back = '<p><a href="#top">back to the table</a></p></section>'
    if report is None:
        return f'{head}<p class="warn">{escape(r.error or r.status)}</p>{back}'
    risk = report["milia_risk"]
    score = "" if r.score is None else f" ({coarse_score(r.score)}/100)"
    parts = [head]
    parts.append(f"<p>{_badge(r.level or r.status)}{escape(score)} {escape(risk['summary'])}</p>")
    for title, key in (("Raises the risk", "drivers"), ("Helps", "mitigators")):
        factors = risk.get(key) or []
        if factors:
            items = "".join(
                f"<li>#{f['position']} {escape(f['ingredient'])}: {escape(f['label'])} "
                f'<span class="grade">[{escape(grade_text(f["evidence"]))}]</span></li>'
                for f in factors
            )
            parts.append(f"<h3>{title}</h3><ul>{items}</ul>")
    reading = report.get("reading") or {}
    if reading.get("problems"):
        parts.append(f'<p class="warn">{escape("; ".join(reading["problems"]))}</p>')
    names = ", ".join(i["name"] or f"[{i['raw']}]" for i in report.get("ingredients", []))
    parts.append(f'<p class="muted">Ingredients as read: {escape(names)}</p>{back}')
    return "".join(parts)


def batch_html(results: list[StoredResult], title: str = "milia-scan results") -> str:
    """Products by risk: a summary, a sortable table with risk colours and thumbnails, each
    row linked to that product's report further down the page."""
    rows, details = [], []
    for n, r in enumerate(results, start=1):
        thumb = thumbnail_uri(r.path) if r.report_json else None
        img = f'<img class="thumb" alt="" src="{thumb}">' if thumb else ""
        level = r.level or r.status
        score = "" if r.score is None else str(r.score)
        shown = "" if r.score is None else coarse_score(r.score)
        rows.append(
            f'<tr class="product level-{escape(level)}"><td>{img}</td>'
            f'<td data-key="{escape(score or "-1")}">{escape(shown)}</td>'
            f'<td data-key="{escape(level)}">{_badge(level.replace("_", " "))}</td>'
            f'<td><a href="#p-{n}">{escape(r.path)}</a></td><td>{escape(r.detail())}</td></tr>'
        )
        details.append(_detail(n, r))
    body = (
        f'<h1 id="top">{escape(title)}</h1><p class="summary">{len(results)} products: '
        f"{escape(_counts(results))}.</p>"
        '<p class="muted">Click a column heading to sort; click a file for its report.</p>'
        '<table class="products"><thead><tr><th>photo</th>'
        '<th class="sortable">score</th><th class="sortable">risk</th>'
        '<th class="sortable">file</th><th>drivers / problem</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{''.join(details)}"
        f'<p class="disclaimer">{escape(DISCLAIMER)}</p>'
    )
    return _page(title, body, SORT_SCRIPT)
