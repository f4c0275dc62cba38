"""The results store: one SQLite row per scanned file.

WAL mode, so a reader (`milia-scan results`) can look while a batch or watch writes; every
result is committed on its own with synchronous=FULL, so a result reported done survives a
kill -9 or a power cut. A file whose content hash is already stored under the same lexicon
version and engine need not be scanned again.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from milia_scan.errors import ResultsDatabaseError
from milia_scan.jobs.worker import FileInfo, ScanOutcome, Status
from milia_scan.names import clean, shown

SCHEMA_VERSION = 2  # 2: status 'incomplete' (a report whose list was not fully read)
OUR_COLUMNS = {"path", "content_hash", "status", "report_json", "lexicon_version", "engine"}
FINAL_STATUSES = (Status.ok, Status.incomplete, Status.no_ingredient_list, Status.unreadable)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scans (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    content_hash TEXT,
    size INTEGER,
    mtime REAL,
    status TEXT NOT NULL
        CHECK (status IN ('ok', 'incomplete', 'no_ingredient_list', 'unreadable', 'error')),
    level TEXT,
    score INTEGER,
    report_json TEXT,
    lexicon_version TEXT NOT NULL,
    engine TEXT NOT NULL,
    scanner_version TEXT NOT NULL,
    seconds REAL,
    timings_json TEXT,
    error TEXT,
    duplicate_of TEXT,
    scan_count INTEGER NOT NULL DEFAULT 1,
    scanned_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS scans_by_hash ON scans (content_hash, lexicon_version, engine);
CREATE INDEX IF NOT EXISTS scans_by_level ON scans (level, score);
"""


@dataclass(frozen=True)
class StoredResult:
    path: str
    content_hash: str | None
    size: int | None
    status: str
    level: str | None
    score: int | None
    report_json: str | None
    lexicon_version: str
    engine: str
    error: str | None
    duplicate_of: str | None
    scan_count: int
    seconds: float | None
    scanned_at: str

    @property
    def report(self) -> dict[str, Any] | None:
        return json.loads(self.report_json) if self.report_json else None

    def detail(self) -> str:
        """What a summary row says: the top drivers, or what went wrong."""
        if self.status == "incomplete":
            return ", ".join(["list not fully read", *self.drivers()])
        return ", ".join(self.drivers()) if self.status == "ok" else (self.error or "")

    def drivers(self, limit: int = 3) -> list[str]:
        report = self.report
        if not report:
            return []
        return [d["ingredient"] for d in report["milia_risk"]["drivers"][:limit]]


_COLUMNS = ", ".join(StoredResult.__dataclass_fields__)


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a results database of an older schema up to this one. Version 1's CHECK on
    `status` lacks 'incomplete', and SQLite cannot alter a CHECK: the table is rebuilt, its
    rows kept, in one transaction."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='scans'"
    ).fetchone()
    if not exists or version >= SCHEMA_VERSION:
        return
    with db:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ALTER TABLE scans RENAME TO scans_v1")
        db.execute("DROP INDEX IF EXISTS scans_by_hash")
        db.execute("DROP INDEX IF EXISTS scans_by_level")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute("INSERT INTO scans SELECT * FROM scans_v1")
        db.execute("DROP TABLE scans_v1")
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def _json_text(report_json: str | None) -> str | None:
    """A JSON report as valid UTF-8 (a character no encoder takes becomes a JSON escape)."""
    if report_json is None or clean(report_json) == report_json:
        return report_json
    return json.dumps(json.loads(report_json), indent=2)


def _problem(exc: sqlite3.Error) -> str:
    """What an SQLite error means for the user, and what to do."""
    text = str(exc).lower()
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return (
            f"it is damaged ({exc}); move it aside to start a new one (every photo is then "
            "scanned again), or restore a copy"
        )
    if "full" in text:
        return f"the disk is full ({exc}); free some space or choose another place with --db"
    if "readonly" in text or "read-only" in text:
        return f"it is read-only ({exc}); check its permissions or choose another with --db"
    if "locked" in text or "busy" in text:
        return f"another program holds it locked ({exc}); try again when it is done"
    return f"{exc}; choose another place with --db"


@contextlib.contextmanager
def _guarded(path: Path) -> Iterator[None]:
    """SQLite and OS errors on the results database as one clear error (exit 3)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise ResultsDatabaseError(
            f"{path}: cannot use the results database: {_problem(exc)}"
        ) from None
    except OSError as exc:
        raise ResultsDatabaseError(
            f"{path}: cannot use the results database ({exc.strerror}); choose another "
            "place with --db"
        ) from None


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _refuse_foreign(db: sqlite3.Connection, path: Path) -> None:
    """A database that is not a milia-scan results database is refused before anything is
    written to it (no table added, no switch to WAL)."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ResultsDatabaseError(
            f"{path}: made by a newer milia-scan (schema {version}); upgrade milia-scan, or "
            "choose another database with --db"
        )
    if not tables:
        return
    columns = {r[1] for r in db.execute("PRAGMA table_info(scans)")} if "scans" in tables else set()
    if not columns >= OUR_COLUMNS:
        held = ", ".join(sorted(tables)[:5])
        raise ResultsDatabaseError(
            f"{path}: not a milia-scan results database (it holds {held}); it was left "
            "untouched; choose another place with --db"
        )


def _open_read_only(path: Path) -> sqlite3.Connection:
    """Open for reading only, so a read-only file or folder can still be looked at; a WAL
    database whose folder is read-only is read as it is on disk (immutable)."""
    uri = path.resolve().as_uri()
    try:
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30, isolation_level=None)
        db.execute("SELECT 1 FROM sqlite_master").fetchall()
        return db
    except sqlite3.OperationalError:
        return sqlite3.connect(
            f"{uri}?mode=ro&immutable=1", uri=True, timeout=30, isolation_level=None
        )


class ResultStore:
    def __init__(
        self,
        path: Path,
        *,
        lexicon_version: str,
        engine: str = "tesseract",
        readonly: bool = False,
    ) -> None:
        from milia_scan import __version__

        self.path = path
        self.lexicon_version = lexicon_version
        self.engine = engine
        self.scanner_version = __version__
        with _guarded(path):
            if readonly:
                self.db = _open_read_only(path)
                _refuse_foreign(self.db, path)
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
            _refuse_foreign(self.db, path)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            _migrate(self.db)
            self.db.executescript(_SCHEMA)
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        with _guarded(self.path), self.db:  # one transaction per result
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(sql, params)

    def _rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        with _guarded(self.path):
            return self.db.execute(sql, params).fetchall()

    def record(self, info: FileInfo | None, outcome: ScanOutcome) -> None:
        """Store a scan's outcome; a rescan of the same path replaces the row and counts up."""
        self._write(
            """INSERT INTO scans (path, content_hash, size, mtime, status, level, score,
                   report_json, lexicon_version, engine, scanner_version, seconds, timings_json,
                   error, duplicate_of, scan_count, scanned_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 1, ?)
               ON CONFLICT (path) DO UPDATE SET content_hash = excluded.content_hash,
                   size = excluded.size, mtime = excluded.mtime, status = excluded.status,
                   level = excluded.level, score = excluded.score,
                   report_json = excluded.report_json,
                   lexicon_version = excluded.lexicon_version, engine = excluded.engine,
                   scanner_version = excluded.scanner_version, seconds = excluded.seconds,
                   timings_json = excluded.timings_json, error = excluded.error,
                   duplicate_of = NULL, scan_count = scans.scan_count + 1,
                   scanned_at = excluded.scanned_at""",
            (
                shown(outcome.path),
                info.sha256 if info else None,
                info.size if info else None,
                info.mtime if info else None,
                str(outcome.status),
                outcome.level,
                outcome.score,
                _json_text(outcome.report_json),
                self.lexicon_version,
                self.engine,
                self.scanner_version,
                outcome.seconds,
                json.dumps(outcome.timings),
                clean(outcome.error),
                _now(),
            ),
        )

    def record_duplicate(self, info: FileInfo, original: StoredResult) -> None:
        """A file whose content is already stored under another path: reuse that result."""
        self._write(
            """INSERT INTO scans (path, content_hash, size, mtime, status, level, score,
                   report_json, lexicon_version, engine, scanner_version, seconds, error,
                   duplicate_of, scan_count, scanned_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?)
               ON CONFLICT (path) DO UPDATE SET content_hash = excluded.content_hash,
                   size = excluded.size, mtime = excluded.mtime, status = excluded.status,
                   level = excluded.level, score = excluded.score,
                   report_json = excluded.report_json, error = excluded.error,
                   lexicon_version = excluded.lexicon_version, engine = excluded.engine,
                   duplicate_of = excluded.duplicate_of, scanned_at = excluded.scanned_at""",
            (
                shown(info.path),
                info.sha256,
                info.size,
                info.mtime,
                original.status,
                original.level,
                original.score,
                original.report_json,
                self.lexicon_version,
                self.engine,
                self.scanner_version,
                original.error,
                original.path,
                _now(),
            ),
        )

    def record_unreadable(self, path: str, error: str) -> None:
        """A file or folder that could not even be read or hashed."""
        self.record(None, ScanOutcome(path, Status.unreadable, None, None, None, error, 0.0, {}, 0))

    def find_by_hash(self, sha256: str) -> StoredResult | None:
        """A final result for this content under the current lexicon version and engine."""
        final = ", ".join("?" * len(FINAL_STATUSES))
        rows = self._rows(
            f"""SELECT {_COLUMNS} FROM scans WHERE content_hash = ? AND lexicon_version = ?
                AND engine = ? AND status IN ({final})
                ORDER BY duplicate_of IS NOT NULL, id LIMIT 1""",
            (sha256, self.lexicon_version, self.engine, *map(str, FINAL_STATUSES)),
        )
        return StoredResult(*rows[0]) if rows else None

    def classify(self, info: FileInfo) -> tuple[str, StoredResult | None]:
        """("new", None) when this content needs a scan; ("stored", row) when this very path
        holds it already; ("duplicate", original) when another path's result can be reused."""
        original = self.find_by_hash(info.sha256)
        if original is None:
            return "new", None
        if original.path == shown(info.path):
            return "stored", original
        mine = self.get(info.path)
        if (
            mine is not None
            and mine.content_hash == info.sha256
            and (mine.lexicon_version, mine.engine) == (self.lexicon_version, self.engine)
        ):
            return "stored", mine
        return "duplicate", original

    def prune(self) -> int:
        """Forget the rows of files that no longer exist; returns how many. A name stored with
        escaped bytes (not valid UTF-8) that cannot be checked is kept."""
        gone = [
            (path,)
            for (path,) in self._rows("SELECT path FROM scans")
            if not Path(path).exists() and "\\x" not in path
        ]
        with _guarded(self.path), self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("DELETE FROM scans WHERE path = ?", gone)
        return len(gone)

    def get(self, path: str) -> StoredResult | None:
        """The row of a path (as given or as stored: undecodable bytes escaped as \\xNN)."""
        rows = self._rows(f"SELECT {_COLUMNS} FROM scans WHERE path = ?", (shown(path),))
        return StoredResult(*rows[0]) if rows else None

    def query(
        self,
        *,
        level: str | None = None,
        contains: tuple[str, ...] = (),
    ) -> Iterator[StoredResult]:
        """Stored results, riskiest first; `contains` matches canonical or printed names."""
        where, params = [], []
        if level:
            where.append("level = ?")
            params.append(level)
        if contains:
            where.append(
                """EXISTS (SELECT 1 FROM json_each(report_json, '$.ingredients') AS i
                   WHERE lower(json_extract(i.value, '$.name')) IN ({0})
                      OR lower(json_extract(i.value, '$.raw')) IN ({0}))""".format(
                    ", ".join("?" * len(contains))
                )
            )
            params.extend([c.lower() for c in contains] * 2)
        sql = f"SELECT {_COLUMNS} FROM scans"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY score IS NULL, score DESC, path"
        for row in self._rows(sql, params):
            yield StoredResult(*row)

    def count(self) -> int:
        return int(self._rows("SELECT count(*) FROM scans")[0][0])
