"""Label text and file names never reach a terminal as control codes, nor a Markdown renderer
as HTML or markup: escaped in the text report, progress lines, tables and Markdown."""

from __future__ import annotations

import json

from click.testing import CliRunner
from milia_scan.cli import cli
from milia_scan.jobs.worker import ScanOutcome, Status
from milia_scan.output.progress import describe

HOSTILE = (
    "Ingredients: Aqua, Petrolatum\x1b[2J\x1b]0;owned\x07, Glycerin, "
    "<script>alert(1)</script>, <img src=x onerror=alert(1)>, [click](javascript:alert(1)), "
    "*bold* _it_ `code`, \u202eEvil, Parfum."
)


def _run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_the_text_report_prints_no_control_codes() -> None:
    code, out, err = _run("text", HOSTILE)
    assert code == 0, err
    for bad in ("\x1b", "\x07", "\u202e"):
        assert bad not in out
    assert "\\x1b" in out  # shown, escaped


def test_markdown_shows_label_text_and_runs_nothing() -> None:
    code, out, _ = _run("text", HOSTILE, "--format", "md")
    assert code == 0
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "[click](javascript:" not in out  # the link is text: its brackets are escaped
    assert "\\[click\\](javascript:alert(1))" in out
    assert "\x1b" not in out and "\u202e" not in out


def test_progress_lines_and_errors_escape_file_names() -> None:
    line = describe("photos/\x1b[31mred\x07.jpg", None, "unreadable")
    assert "\x1b" not in line and "\x07" not in line and "\\x1b" in line
    outcome = ScanOutcome("x.jpg", Status.error, None, None, None, "bad \x1b[2J news", 0.1, {}, 1)
    assert "\x1b" not in describe("x.jpg", outcome)
    code, _, err = _run("scan", "no/\x1b[2Jsuch.jpg")
    assert code == 3 and "\x1b" not in err and "\\x1b" in err


def test_the_results_table_shows_names_as_text(tmp_path: object) -> None:
    from pathlib import Path

    from milia_scan.jobs.store import ResultStore

    db = Path(str(tmp_path)) / "r.db"
    with ResultStore(db, lexicon_version="x") as store:
        store.record(
            None,
            ScanOutcome(
                "/p/[bold]\x1b[2J.jpg",
                Status.unreadable,
                None,
                None,
                None,
                "not an image",
                0.1,
                {},
                1,
            ),
        )
    code, out, err = _run("results", "--db", str(db))
    assert code == 0, err
    assert "\x1b" not in out and "[bold]" in out.replace("\n", "").replace("│", "")
    code, out, _ = _run("results", "--db", str(db), "--format", "json")
    assert json.loads(out)[0]["path"] == "/p/[bold]\x1b[2J.jpg"  # data keeps the real name
