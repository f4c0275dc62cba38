"""The whole pipeline after OCR, fed by recorded tesseract output (no tesseract needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from milia_scan.lexicon import Lexicon
from milia_scan.ocr.engine import parse_tsv
from milia_scan.output.report import SCHEMA, to_json
from milia_scan.pipeline import matcher_for, scan_image

from bench.metrics import load_truth, score

from .conftest import SAMPLES
from .fakes import RECORDINGS, ReplayEngine, recording_for

GRADES = ("established", "reported", "expert_opinion", "hypothesis")

RECORDED = sorted(RECORDINGS.glob("*.tsv"))


def _image_for(recording: Path) -> Path:
    tier, _, stem = recording.stem.partition("-")
    return next(p for p in (SAMPLES / tier).glob(stem + ".*") if not p.name.endswith(".txt"))


def test_there_are_recordings() -> None:
    assert len(RECORDED) >= 3


@pytest.mark.parametrize("recording", RECORDED, ids=lambda p: p.stem)
def test_replayed_scan_recognises_the_label(lexicon: Lexicon, recording: Path) -> None:
    image = _image_for(recording)
    engine = ReplayEngine(recording_for(image))
    report = scan_image(image, engine=engine, lexicon=lexicon)
    assert engine.calls == 1
    s = score(report, load_truth(image, lexicon, matcher_for(lexicon)))
    assert s.recall >= 0.9 and s.precision >= 0.95 and s.key_recall == 1.0


@pytest.mark.parametrize("recording", RECORDED, ids=lambda p: p.stem)
def test_report_json_contract(lexicon: Lexicon, recording: Path) -> None:
    image = _image_for(recording)
    report = json.loads(to_json(scan_image(image, engine=ReplayEngine(recording), lexicon=lexicon)))
    assert report["schema"] == SCHEMA
    assert report["source"] == str(image)
    assert report["lexicon_version"] == lexicon.version
    assert report["ocr"]["engine"] == "tesseract"
    assert 0 <= report["ocr"]["confidence"] <= 100 and report["ocr"]["text"]
    positions = [i["position"] for i in report["ingredients"]]
    assert positions == list(range(1, len(positions) + 1))
    for item in report["ingredients"]:
        assert set(item) >= {
            "position",
            "raw",
            "name",
            "matched",
            "score",
            "categories",
            "comedogenic",
            "box",
        }
        assert 0 <= item["score"] <= 100
        assert (item["name"] is None) == (item["matched"] is None)
        c = item["comedogenic"]
        assert c is None or c in range(6) or (len(c) == 2 and 0 <= c[0] < c[1] <= 5)
        assert item["box"] is None or (len(item["box"]) == 4 and all(v >= 0 for v in item["box"]))
    risk = report["milia_risk"]
    assert 0 <= risk["score"] <= 100 and risk["level"] in ("low", "moderate", "high")
    assert risk["summary"] and "medical advice" in risk["disclaimer"]
    for factor in risk["drivers"] + risk["mitigators"]:
        assert factor["sources"] and factor["evidence"] in GRADES
        assert factor["claims"] and all(c["grade"] in GRADES for c in factor["claims"])


def test_parse_tsv_keeps_words_lines_and_confidences() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\t"
        "conf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t500\t200\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t10\t20\t90\t18\t96.5\tINGREDIENTS:\n"
        "5\t1\t1\t1\t1\t2\t110\t20\t50\t18\t91.0\tAqua,\n"
        "5\t1\t1\t1\t2\t1\t10\t45\t80\t18\t40.0\tGlycerin\n"
        "5\t1\t1\t1\t2\t2\t95\t45\t10\t18\t95.0\t \n"
    )
    result = parse_tsv(tsv)
    assert [w.text for w in result.words] == ["INGREDIENTS:", "Aqua,", "Glycerin"]
    assert result.words[2].box == (10, 45, 80, 18) and result.words[2].line_id == (1, 1, 2)
    assert result.text == "INGREDIENTS: Aqua,\nGlycerin"
    assert result.confidence == pytest.approx((96.5 + 91.0 + 40.0) / 3, abs=0.1)
