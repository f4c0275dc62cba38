"""Stage 7a: the report as the JSON contract (schema milia-scan/1) that tests and tools read."""

from __future__ import annotations

import json
from typing import Any

from milia_scan.assess.risk import DISCLAIMER, coarse_score
from milia_scan.lexicon import Evidence, Source, Stance
from milia_scan.lexicon.claims import Claim
from milia_scan.models import Match, MiliaRisk, Report, RiskFactor

SCHEMA = "milia-scan/1"


def _ingredient(match: Match) -> dict[str, Any]:
    entry = match.entry
    return {
        "position": match.item.position,
        "raw": match.item.raw,
        "name": entry.name if entry else None,
        "matched": match.matched,
        "score": match.score,
        "categories": list(match.categories),
        "comedogenic": entry.comedogenic.to_json() if entry and entry.comedogenic else None,
        "box": list(match.item.box) if match.item.box else None,
        "boxes": [list(b) for b in match.item.line_boxes],
        "may_contain": match.item.may_contain,
        "method": match.method,
        "engine": match.item.engine,
        "alternative": (
            {"name": match.runner_up[0], "score": match.runner_up[1]} if match.runner_up else None
        ),
    }


def _factor(f: RiskFactor) -> dict[str, Any]:
    return {
        "ingredient": f.ingredient,
        "position": f.position,
        "category": f.category,
        "label": f.label,
        "contribution": f.contribution,
        "evidence": f.evidence,
        "sources": list(f.sources),
        "comedogenic": f.comedogenic,
        "why": f.why,
        "claims": [_claim(c) for c in f.claims],
    }


def _claim(claim: Claim) -> dict[str, Any]:
    return {
        "kind": claim.kind,
        "text": claim.text,
        "grade": str(claim.grade),
        **{str(stance): cited(claim, stance) for stance in Stance},
    }


def cited(claim: Claim, stance: Stance) -> list[str]:
    """Ids of the sources cited for a claim with this stance."""
    return [c.source for c in claim.citations if c.stance is stance]


def _reference(source: Source) -> dict[str, str]:
    return {
        "id": source.id,
        "kind": source.kind,
        "grade": str(source.grade),
        "citation": source.citation,
    }


def to_json_dict(report: Report) -> dict[str, Any]:
    from milia_scan import __version__

    risk = report.risk
    return {
        "schema": SCHEMA,
        "scanner_version": __version__,
        "source": report.source,
        "lexicon_version": report.lexicon_version,
        "ingredients": [_ingredient(m) for m in report.matches],
        "milia_risk": {
            "score": risk.score,
            "level": risk.level,
            "lower_bound": risk.lower_bound,
            "drivers": [_factor(f) for f in risk.drivers],
            "mitigators": [_factor(f) for f in risk.mitigators],
            "summary": risk.summary,
            "disclaimer": DISCLAIMER,
            "context": None
            if report.context is None
            else {
                "product_type": str(report.context.product_type),
                "factor": report.context.factor,
                "reason": report.context.reason,
            },
        },
        "avoid": [
            {"ingredient": a.ingredient, "position": a.position, "because": a.because}
            for a in report.avoid
        ],
        "claims": [
            {"claim": c.claim, "contradicted_by": list(c.contradicted_by), "message": c.message}
            for c in report.claims
        ],
        "reading": report.reading.to_json() if report.reading else None,
        "references": [_reference(s) for s in risk.references],
        "warnings": list(report.warnings),
        "ocr": None
        if report.ocr_engine is None
        else {
            "engine": report.ocr_engine,
            "confidence": report.ocr_confidence,
            "text": report.ocr_text,
        },
    }


def to_json(report: Report) -> str:
    return json.dumps(to_json_dict(report), ensure_ascii=False, indent=2)


def score_text(risk: MiliaRisk) -> str:
    """The score as shown: coarse, and a lower bound says so."""
    if risk.lower_bound and risk.score == 0:
        return "list not fully read"
    shown = coarse_score(risk.score)
    if risk.lower_bound:
        return f"at least {shown}/100"
    return f"{shown}/100" if shown.endswith("+") else f"about {shown}/100"


def grade_text(grade: str) -> str:
    """An evidence grade in words ("reported by dermatologists")."""
    try:
        return Evidence(grade).phrase
    except ValueError:
        return grade


STANCE_WORDS = {
    Stance.supports: "supported by",
    Stance.against: "against",
    Stance.context: "background",
}


def stance_lines(claim: Claim) -> list[str]:
    """'supported by a, b', 'against c', 'background d': what each source says about a claim."""
    return [
        f"{STANCE_WORDS[stance]} {', '.join(ids)}"
        for stance in STANCE_WORDS
        if (ids := cited(claim, stance))
    ]


def reading_text(report: Report) -> str | None:
    """One line on how much of the list was read, for every report format."""
    reading = report.reading
    if reading is None:
        return None
    parts = [f"{reading.recognised} of {reading.items} items recognised"]
    if not reading.start_found:
        parts.append("start of the list not found")
    if not reading.end_found:
        parts.append("end of the list not found")
    if not reading.plausible:
        parts.append("shorter than a whole product list")
    if reading.low_confidence_lines:
        parts.append(
            f"{reading.low_confidence_lines} of {reading.lines} lines read with low confidence"
        )
    verdict = "complete" if reading.complete else "incomplete"
    return f"Reading {verdict}: {', '.join(parts)}."
