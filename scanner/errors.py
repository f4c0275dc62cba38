"""One error hierarchy for the whole tool, each error carrying its exit code.

The library raises these and never exits; `milia_scan.cli` turns them into exit codes in one place.
Messages say what went wrong and what to do next.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    other_error = 1
    bad_args = 2
    input_file = 3
    missing_dependency = 4
    no_ingredient_list = 5
    ocr_failed = 6
    lexicon_invalid = 7
    some_failed = 8
    output_failed = 9
    not_found = 10
    ctrl_c = 130


class MiliaScanError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code: ExitCode = ExitCode.other_error

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadArgsError(MiliaScanError):
    exit_code = ExitCode.bad_args


class InputFileError(MiliaScanError):
    """The input is missing, unreadable, empty, corrupt, truncated, not an image or too large."""

    exit_code = ExitCode.input_file


class ResultsDatabaseError(InputFileError):
    """The results database is damaged, read-only, locked, or its disk is full."""


class MissingDependencyError(MiliaScanError):
    """Tesseract (or its English data) is not installed."""

    exit_code = ExitCode.missing_dependency


class NoIngredientListError(MiliaScanError):
    """The label text holds no recognisable ingredient list."""

    exit_code = ExitCode.no_ingredient_list


class OcrError(MiliaScanError):
    """Tesseract ran but failed or timed out."""

    exit_code = ExitCode.ocr_failed


class ScanTimeoutError(OcrError):
    """A scan ran over its time budget (--timeout)."""


class SomeFilesFailedError(MiliaScanError):
    """A batch finished, but some files were unreadable or failed; every outcome is stored."""

    exit_code = ExitCode.some_failed


class LexiconError(MiliaScanError):
    """A lexicon data file is malformed; the message names file, line and reason."""

    exit_code = ExitCode.lexicon_invalid


class OutputError(MiliaScanError):
    """A report, export or annotated image could not be written (a folder, no permission, a
    full disk); nothing half-written is left behind."""

    exit_code = ExitCode.output_failed


class NotFoundError(MiliaScanError):
    """What was asked for is not there: no lexicon name like the term, no stored result for
    the file."""

    exit_code = ExitCode.not_found
