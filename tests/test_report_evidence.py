"""Every report shows, for each driver and helpful ingredient, the claims it rests on with the
sources that support them and those that speak against them, and ends with a reference list of
full citations: JSON, terminal, Markdown and HTML (in a real browser)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from milia_scan.lexicon import Lexicon
from milia_scan.models import MiliaRisk, Report
from milia_scan.output.html_report import report_html
from milia_scan.output.markdown import report_markdown
from milia_scan.output.render import render
from milia_scan.output.report import score_text, to_json
from milia_scan.pipeline import scan_text
from rich.console import Console

from .browser import dump_dom, ensure_chromium

LABEL = (
    "Ingredients: Aqua, Petrolatum, Dimethicone, Isopropyl Myristate, Glycerin, "
    "Phenoxyethanol. Silicone-free."
)
KLIGMAN = "Kligman AM. Petrolatum is not comedogenic in rabbits or humans"
TEWL = "common silicones did not reduce transepidermal water loss"


@pytest.fixture(scope="module")
def report(lexicon: Lexicon) -> Report:
    return scan_text(LABEL, lexicon=lexicon)


def _terminal(report: Report, lexicon: Lexicon) -> str:
    console = Console(record=True, width=200, color_system=None)
    render(report, lexicon, console)
    return console.export_text()


def test_json_claims_carry_stances_and_the_references_full_citations(report: Report) -> None:
    data = json.loads(to_json(report))
    drivers = {d["ingredient"]: d for d in data["milia_risk"]["drivers"]}
    petrolatum = drivers["Petrolatum"]
    assert [c["kind"] for c in petrolatum["claims"]] == ["membership", "link"]
    assert "kligman1996" in petrolatum["claims"][0]["against"]
    assert "kligman1996" not in petrolatum["sources"]  # the flat list holds supporters only
    silicone_link = drivers["Dimethicone"]["claims"][1]
    assert silicone_link["against"] == ["silicone_tewl2014"]
    assert silicone_link["grade"] == "expert_opinion"
    assert drivers["Isopropyl Myristate"]["claims"][0]["kind"] == "rating"
    refs = {r["id"]: r for r in data["references"]}
    assert KLIGMAN in refs["kligman1996"]["citation"]
    cited = {
        s
        for f in (*data["milia_risk"]["drivers"], *data["milia_risk"]["mitigators"])
        for c in f["claims"]
        for stance in ("supports", "against", "context")
        for s in c[stance]
    }
    assert cited == set(refs)  # every cited id is in the reference list, and nothing else


def test_terminal_shows_for_and_against_and_the_references(
    report: Report, lexicon: Lexicon
) -> None:
    out = _terminal(report, lexicon)
    assert "Petrolatum is a heavy occlusive (established): supported by" in out
    assert "against kligman1996" in out and "against silicone_tewl2014" in out
    assert "References:" in out and KLIGMAN in out and TEWL in out
    # the claim check comes first, before the summary
    claim = out.index("Claim check: The label says 'silicone-free'")
    assert claim < out.index("milia risk, mostly")
    assert out.count("The label says 'silicone-free'") == 1


def test_markdown_shows_for_and_against_and_the_references(
    report: Report, lexicon: Lexicon
) -> None:
    md = report_markdown(report, lexicon)
    assert "against kligman1996" in md and "supported by magazine_milia" in md
    assert "**References**" in md and KLIGMAN in md
    assert md.index("**Claim check:**") < md.index("milia risk, mostly")


@pytest.mark.tesseract
def test_html_references_are_visible_text_with_links(
    report: Report, lexicon: Lexicon, tmp_path: Path
) -> None:
    chromium = ensure_chromium()
    page = tmp_path / "report.html"
    page.write_text(report_html(report, lexicon), encoding="utf-8")
    dom = dump_dom(chromium, page)
    refs = re.search(r'<ol class="refs">(.*?)</ol>', dom, re.S)
    assert refs is not None and KLIGMAN in refs.group(1) and TEWL in refs.group(1)
    assert 'title="' not in dom  # no citation hidden in a tooltip
    for target in re.findall(r'href="#(ref-[a-z0-9_]+)"', dom):
        assert f'id="{target}"' in dom
    assert "against <a href=\"#ref-kligman1996\">" in dom
    assert 'name="viewport"' in dom  # laid out for a phone's width


@pytest.mark.parametrize(
    ("score", "lower_bound", "shown"),
    [
        (98, False, "95+/100"),
        (53, False, "about 55/100"),
        (0, False, "about 0/100"),
        (41, True, "at least 40/100"),
        (0, True, "list not fully read"),
    ],
)
def test_the_score_is_shown_coarsely(score: int, lower_bound: bool, shown: str) -> None:
    risk = MiliaRisk(score, "moderate", (), (), "", lower_bound=lower_bound)
    assert score_text(risk) == shown
