"""The CLI in-process with CliRunner: exit codes, one-line errors, help with examples."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytesseract
import pytest
from click.testing import CliRunner
from milia_scan import __version__
from milia_scan.cli import cli
from milia_scan.errors import ExitCode
from milia_scan.ocr import tesseract
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert "Example: milia-scan " + command in out
    assert f"milia-scan {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_text_json_is_one_object_with_the_contract_keys() -> None:
    code, out, _ = run("text", "Aqua, Petrolatum, Dimethicone, Retinol", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["schema"] == "milia-scan/1"
    assert {"source", "lexicon_version", "ingredients", "milia_risk", "warnings", "ocr"} <= set(
        report
    )
    assert [i["name"] for i in report["ingredients"]] == [
        "Water",
        "Petrolatum",
        "Dimethicone",
        "Retinol",
    ]
    assert report["milia_risk"]["level"] in ("low", "moderate", "high")


def test_text_reads_stdin() -> None:
    code, out, _ = run("text", "-", "--format", "json", stdin="Water\nMineral Oil\nLanolin\n")
    assert code == 0
    report = json.loads(out)
    assert report["source"] == "-"
    assert [i["name"] for i in report["ingredients"]] == ["Water", "Mineral Oil", "Lanolin"]
    assert report["milia_risk"]["drivers"][0]["ingredient"] == "Mineral Oil"


def test_text_report_is_readable() -> None:
    code, out, _ = run("text", "Ingredients: Water, Petrolatum, Retinol")
    assert code == 0
    assert "Milia risk" in out and "Petrolatum" in out and "Not medical advice" in out


def test_empty_text_is_no_ingredient_list() -> None:
    code, out, err = run("text", "-", stdin="")
    assert code == ExitCode.no_ingredient_list
    assert out == "" and err.startswith("milia-scan: error: no ingredient list found")


def _bad(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.jpg"
    if kind == "zero-byte":
        path.write_bytes(b"")
    elif kind == "not-an-image":
        path.write_text("hello", encoding="utf-8")
    elif kind == "truncated":
        Image.new("RGB", (300, 200), "white").save(tmp_path / "full.jpg", quality=90)
        data = (tmp_path / "full.jpg").read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif kind == "corrupt":
        path.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00garbage" * 50)
    return path


@pytest.mark.parametrize("kind", ["zero-byte", "not-an-image", "truncated", "corrupt", "missing"])
def test_bad_input_is_a_one_line_error_with_the_input_exit_code(tmp_path: Path, kind: str) -> None:
    code, out, err = run("scan", str(_bad(tmp_path, kind)))
    assert code == ExitCode.input_file
    assert out == ""
    assert err.startswith("milia-scan: error: ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_huge_image_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    Image.new("L", (12000, 8000), 255).save(path)  # 96 megapixels, a few kB on disk
    code, _, err = run("scan", str(path))
    assert code == ExitCode.input_file and "megapixels" in err


def test_verbose_shows_the_traceback(tmp_path: Path) -> None:
    code, _, err = run("scan", str(_bad(tmp_path, "zero-byte")), "-v")
    assert code == ExitCode.input_file and "Traceback" in err


def test_usage_errors_exit_2() -> None:
    code, _, err = run("scan", "x.jpg", "--format", "yaml")
    assert code == ExitCode.bad_args and "Invalid value" in err
    code, _, _ = run("no-such-command")
    assert code == ExitCode.bad_args


def test_missing_tesseract_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    sample = ROOT / "samples" / "flat" / "01-eye-cream.png"
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    tesseract.tesseract_version.cache_clear()
    tesseract.check_language.cache_clear()
    try:
        code, _out, err = run("scan", str(sample), "--engine", "tesseract")
        auto_code, auto_out, _ = run("scan", str(sample), "--format", "json")
    finally:
        tesseract.tesseract_version.cache_clear()
        tesseract.check_language.cache_clear()
    assert code == ExitCode.missing_dependency
    assert re.search(r"apt-get install tesseract-ocr", err) and "brew install tesseract" in err
    # The default reads with PP-OCR alone then, and says what it went without.
    assert auto_code == 0
    report = json.loads(auto_out)
    assert any("tesseract is not installed" in w for w in report["warnings"])
    assert report["ingredients"] and all(i["engine"] == "ppocr" for i in report["ingredients"])


def test_engine_option(tmp_path: Path) -> None:
    import importlib.util

    sample = str(ROOT / "samples" / "flat" / "01-eye-cream.png")
    code, out, err = run("scan", sample, "--engine", "nope")
    assert code == ExitCode.bad_args
    if importlib.util.find_spec("onnxruntime") is None:
        code, out, err = run("scan", sample, "--engine", "ppocr")
        assert code == ExitCode.missing_dependency and "pip install" in err
    code, out, _ = run("scan", sample, "--engine", "tesseract", "--format", "json")
    assert code == 0 and json.loads(out)["ocr"]["engine"] == "tesseract"
