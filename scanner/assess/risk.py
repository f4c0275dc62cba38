"""Stage 6: weigh the matched ingredients into a milia-risk score with its reasons.

The model (written out in the README):
- Each driver ingredient counts  weight(category) x position_weight(p) x rating_factor,
  taking its strongest driver category only; "may contain" items count 30%.
- position_weight(p) = 0.15 + 0.85 * exp(-(p - 1) / 6): ingredients above ~1% are listed in
  falling concentration, so the head of the list matters and the tail little.
- rating_factor applies to the rated (comedogenic) classes: the midpoint of the 0-5 grade / 5
  (a weak rabbit-ear prior), 0.6 when no grade is known.
- Each driver's evidence grade is that of its weakest claim (milia_scan.lexicon.claims: the
  ingredient is of the class, and the class is linked to milia).
- Mitigators (retinoids, exfoliating acids, light humectants) add up the same way to M, and
  offset up to half of the drivers; the product's context (milia_scan.assess.context: eye area 1.3,
  balm 1.15, leave-on 1.0, rinse-off 0.35) scales them:
  net = (D_firm + min(SOFT_CAP, D_soft * s)) with s = (1 - min(0.5, M / 2)) * c applied to
  D_firm too. D_firm holds drivers graded established or reported by dermatologists; D_soft
  those that rest on expert opinion or a hypothesis (silicones, butters and waxes, comedogenic
  ratings), which add up to at most SOFT_CAP, so on their own they make a product moderate at
  most, whatever its context.
- score = 100 * (1 - exp(-net / 1.5)); low below 30, moderate below 60, high from 60.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from milia_scan.lexicon import Category, Evidence, Lexicon, Role, Source
from milia_scan.lexicon.claims import chain, chain_grade
from milia_scan.lexicon.model import supporting
from milia_scan.models import Match, MiliaRisk, RiskFactor

MAY_CONTAIN_FACTOR = 0.3
NO_RATING_FACTOR = 0.6
MAX_OFFSET = 0.5
SOFT_CAP = 1.2  # 100 * (1 - exp(-1.2 / 1.5)) = 55: moderate at most
FIRM = (Evidence.established, Evidence.reported)
SCALE = 1.5
MODERATE_FROM = 30
HIGH_FROM = 60
DISCLAIMER = (
    "Not medical advice. Ratings come from old rabbit-ear tests and are weak priors, and the "
    "silicone link is one aesthetician's opinion. Milia that bother you should be removed by a "
    "professional."
)


def position_weight(position: int) -> float:
    return 0.15 + 0.85 * math.exp(-(position - 1) / 6)


def coarse_score(score: int) -> str:
    """The score to the precision the model has: to the nearest 5, "95+" at the top."""
    shown = 5 * round(score / 5)
    return "95+" if shown >= 95 else str(shown)


def level_for(score: int) -> str:
    if score >= HIGH_FROM:
        return "high"
    if score >= MODERATE_FROM:
        return "moderate"
    return "low"


def _factor(match: Match, category: Category, lexicon: Lexicon) -> RiskFactor:
    entry = match.entry
    name = entry.name if entry else match.item.raw
    weight = category.weight * position_weight(match.item.position)
    rating = entry.comedogenic if entry else None
    if category.rated:
        weight *= rating.mid / 5 if rating else NO_RATING_FACTOR
    if match.item.may_contain:
        weight *= MAY_CONTAIN_FACTOR
    claims = chain(entry, name, category, lexicon.sources)
    return RiskFactor(
        ingredient=name,
        position=match.item.position,
        category=category.id,
        label=category.label,
        contribution=round(weight, 3),
        evidence=str(chain_grade(claims)),
        sources=tuple(dict.fromkeys(s for c in claims for s in supporting(c.citations))),
        why=(entry.note if entry and entry.note else category.why),
        comedogenic=str(rating) if rating else None,
        claims=claims,
    )


def _strongest(match: Match, lexicon: Lexicon, role: Role) -> RiskFactor | None:
    factors = [
        _factor(match, lexicon.categories[c], lexicon)
        for c in match.categories
        if c in lexicon.categories and lexicon.categories[c].role is role
    ]
    return max(factors, key=lambda f: f.contribution, default=None)


def _names(factors: Sequence[RiskFactor], limit: int = 3) -> str:
    parts = [f"{f.ingredient} ({f.label}, #{f.position})" for f in factors[:limit]]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _summary(level: str, drivers: list[RiskFactor], mitigators: list[RiskFactor]) -> str:
    if not drivers:
        text = (
            "Low milia risk: no heavy occlusives, film-forming silicones or comedogenic oils "
            "were found among the recognised ingredients."
        )
        if mitigators:
            text += f" It also has {_names(mitigators, 2)}."
        return text
    text = f"{level.capitalize()} milia risk, mostly from {_names(drivers)}."
    firm = [f for f in drivers if f.evidence in FIRM]
    if not firm:
        text += " The link for these rests on expert opinion or a hypothesis, not on studies."
    elif len(firm) < len(drivers):
        text += (
            f" Dermatologists report {_names(firm, 2)} as a factor, on low-grade evidence; "
            "the others rest on expert opinion or a hypothesis."
        )
    else:
        text += " Dermatologists report this link, on low-grade evidence."
    if mitigators:
        text += f" {_names(mitigators, 2)} may help offset it."
    return text


def assess(matches: Sequence[Match], lexicon: Lexicon, *, factor: float = 1.0) -> MiliaRisk:
    """Weigh the matches; `factor` is the product context (eye area 1.3, rinse-off 0.35)."""
    drivers = [f for m in matches if (f := _strongest(m, lexicon, Role.driver))]
    mitigators = [f for m in matches if (f := _strongest(m, lexicon, Role.mitigator))]
    drivers.sort(key=lambda f: f.contribution, reverse=True)
    mitigators.sort(key=lambda f: f.contribution, reverse=True)
    offset = min(MAX_OFFSET, sum(f.contribution for f in mitigators) / 2)
    scale = (1 - offset) * factor
    firm = sum(f.contribution for f in drivers if f.evidence in FIRM)
    soft = sum(f.contribution for f in drivers if f.evidence not in FIRM)
    net = firm * scale + min(SOFT_CAP, soft * scale)
    score = round(100 * (1 - math.exp(-net / SCALE)))
    level = level_for(score)
    return MiliaRisk(
        score,
        level,
        tuple(drivers),
        tuple(mitigators),
        _summary(level, drivers, mitigators),
        references=references([*drivers, *mitigators], lexicon),
    )


def references(factors: Sequence[RiskFactor], lexicon: Lexicon) -> tuple[Source, ...]:
    """The sources cited by these factors' claims, in order of first citation."""
    ids = dict.fromkeys(c.source for f in factors for claim in f.claims for c in claim.citations)
    return tuple(lexicon.sources[i] for i in ids if i in lexicon.sources)
