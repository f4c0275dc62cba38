"""One option vocabulary: -o/--output and --format (taken from the output's extension) on every
command that writes, json wherever there is structured output, -v/-q before or after the
command, several photos or one from stdin, --merge, and exit codes that keep their meaning."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import pytest
from click.testing import CliRunner
from milia_scan.cli import cli
from milia_scan.errors import ExitCode
from PIL import Image

from .conftest import SAMPLES

BALM = SAMPLES / "flat" / "02-night-balm.png"
CONCEALER = SAMPLES / "flat" / "05-concealer.png"
LIST = "Ingredients: Aqua, Petrolatum, Glycerin, Dimethicone, Phenoxyethanol, Parfum."
COMMAND = str(Path(sys.executable).with_name("milia-scan"))


def run(*args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("r.json", '{\n  "schema": "milia-scan/1"'),
        ("r.md", "## Milia risk:"),
        ("r.html", "<!DOCTYPE html>"),
        ("r.txt", "╭"),
    ],
)
def test_the_format_follows_the_output_extension(tmp_path: Path, name: str, starts: str) -> None:
    code, _, err = run("text", LIST, "-o", str(tmp_path / name))
    assert code == 0, err
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(starts)


def test_an_extension_the_command_cannot_write_is_refused_before_any_work(tmp_path: Path) -> None:
    code, _, err = run("text", LIST, "-o", str(tmp_path / "r.csv"))
    assert code == ExitCode.bad_args and "give --format" in err
    assert not (tmp_path / "r.csv").exists()
    code, _, _ = run("text", LIST, "--format", "json", "-o", str(tmp_path / "r.csv"))
    assert code == 0 and json.loads((tmp_path / "r.csv").read_text())["schema"]  # asked for


def test_verbose_and_quiet_before_or_after_the_command() -> None:
    for args in (["-v", "text", LIST], ["text", LIST, "-v"]):
        code, _, err = run(*args)
        assert code == 0 and "timings:" in err
    code, _, err = run("-q", "text", LIST, "-v")
    assert code == 0 and err == ""
    latin1 = "Ingredients: Aqua, Glycérine, Petrolatum, Parfum, Phenoxyethanol.".encode("cp1252")
    assert "not UTF-8" in run("text", "-", stdin=latin1)[2]
    code, _, err = run("text", "-", "-q", stdin=latin1)
    assert code == 0 and err == ""  # -q: only the report and errors


def test_lexicon_misses_and_failed_writes_have_their_own_exit_codes(tmp_path: Path) -> None:
    code, _, err = run("lexicon", "search", "zzzzqqqq")
    assert code == ExitCode.not_found == 10 and "zzzzqqqq" in err
    code, _, err = run("text", LIST, "-o", str(tmp_path / "no" / "such" / "r.json"))
    assert code == ExitCode.output_failed == 9 and "cannot write" in err


def test_a_closed_pipe_ends_quietly_with_0(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    made = subprocess.run(
        [COMMAND, "batch", str(SAMPLES / "flat"), "--db", str(db), "-q", "-j", "2"],
        capture_output=True,
        timeout=600,
    )
    assert made.returncode == 0, made.stderr
    pipe = subprocess.run(
        f"'{COMMAND}' results --db '{db}' --format jsonl | head -c 10 > /dev/null; "
        "echo ${PIPESTATUS[0]}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert pipe.stdout.strip() == "0", pipe.stderr
    assert "error" not in pipe.stderr


@pytest.mark.tesseract
def test_several_photos_one_report_each_and_a_bad_one_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    code, out, err = run("scan", str(BALM), str(bad), str(CONCEALER), "--format", "json")
    assert code == ExitCode.some_failed
    reports = json.loads(out)
    assert [Path(r["source"]).name for r in reports] == [BALM.name, CONCEALER.name]
    assert "bad.jpg" in err and "1 of 3 photos could not be scanned" in err
    code, _, err = run(
        "scan", str(BALM), str(CONCEALER), "-o", str(tmp_path / "out"), "--format", "md"
    )
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "02-night-balm.md",
        "05-concealer.md",
    ]


@pytest.mark.tesseract
def test_a_photo_on_stdin() -> None:
    code, out, err = run("scan", "-", "--format", "json", stdin=BALM.read_bytes())
    assert code == 0, err
    report = json.loads(out)
    assert report["source"] == "-" and report["milia_risk"]["level"] == "high"
    code, _, err = run("scan", "-", stdin=b"")
    assert code == ExitCode.input_file and "stdin: empty" in err


@pytest.mark.tesseract
def test_photos_of_one_product_from_two_sides_merge_into_one_list(tmp_path: Path) -> None:
    """The top and the bottom of a label, overlapping in the middle: one list, each
    ingredient once, in label order, whole (as the truth file has it)."""
    image = Image.open(CONCEALER)
    w, h = image.size
    top, bottom = tmp_path / "top.png", tmp_path / "bottom.png"
    image.crop((0, 0, w, int(h * 0.55))).save(top)
    image.crop((0, int(h * 0.4), w, h)).save(bottom)
    code, out, err = run("scan", str(top), str(bottom), "--merge", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    truth = CONCEALER.with_name(CONCEALER.stem + ".truth.txt").read_text().split("\n")
    assert len(report["ingredients"]) == len([t for t in truth if t.strip()])
    assert report["reading"]["complete"]
    assert report["source"] == f"{top} + {bottom}"
    alone = json.loads(run("scan", str(top), "--format", "json")[1])
    assert len(alone["ingredients"]) < len(report["ingredients"])


@pytest.mark.tesseract
def test_annotate_writes_the_type_its_extension_names(tmp_path: Path) -> None:
    out = tmp_path / "boxes.jpg"
    code, _, err = run("scan", str(BALM), "--annotate", str(out), "--format", "json")
    assert code == 0, err
    assert out.read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG
    assert cv2.imread(str(out)) is not None
    code, _, err = run("scan", str(BALM), "--annotate", str(tmp_path / "boxes.gif"))
    assert code == ExitCode.bad_args and "--annotate writes" in err


@pytest.mark.tesseract
def test_results_and_batch_write_with_o_and_results_show_in_every_format(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    code, _, err = run(
        "batch", str(SAMPLES / "flat"), "--db", str(db), "-q", "-o", str(tmp_path / "b.json")
    )
    assert code == 0, err
    assert len(json.loads((tmp_path / "b.json").read_text())) == 12
    code, _, err = run("results", "--db", str(db), "-o", str(tmp_path / "r.csv"))
    assert code == 0 and (tmp_path / "r.csv").read_text().startswith("path,status,level")
    shown = {}
    for fmt in ("json", "text", "md", "html"):
        code, out, err = run("results", "show", str(BALM), "--db", str(db), "--format", fmt)
        assert code == 0, err
        shown[fmt] = out
    assert json.loads(shown["json"])["milia_risk"]["level"] == "high"
    assert "Milia risk: HIGH" in shown["text"] and shown["md"].startswith("## Milia risk: HIGH")
    assert shown["html"].startswith("<!DOCTYPE html>") and '<g class="box' in shown["html"]
    code, _, err = run("results", "show", str(tmp_path / "never.jpg"), "--db", str(db))
    assert code == ExitCode.not_found


def test_text_without_a_list_does_not_advise_a_photo() -> None:
    for given in ("", "   ", "hello world"):
        code, _, err = run("text", given)
        assert code == ExitCode.no_ingredient_list
        assert "photograph" not in err and "paste the list" in err


@pytest.mark.tesseract
def test_a_batch_line_names_each_path_once(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "bad.jpg").write_bytes(b"not an image")
    code, _, err = run("batch", str(folder), "--db", str(tmp_path / "r.db"))
    assert code == ExitCode.some_failed
    line = next(ln for ln in err.splitlines() if "bad.jpg" in ln)
    assert line.count("bad.jpg") == 1 and "not an image" in line
