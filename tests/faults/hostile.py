"""Helpers for the fault suite (and bench/faults.py): run the real CLI as a process, tagged so
that anything it leaves behind can be found, and look at what it stored and printed."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TAG_VAR = "MILIA_SCAN_TEST_TAG"


@dataclass(frozen=True)
class Ran:
    returncode: int | None  # None: it hung and was killed
    stdout: bytes
    stderr: bytes
    tag: str

    @property
    def hung(self) -> bool:
        return self.returncode is None

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")


def tagged_env(tag: str | None = None) -> tuple[str, dict[str, str]]:
    """An environment whose processes (and their children) carry a unique tag."""
    tag = tag or uuid.uuid4().hex
    return tag, {**os.environ, TAG_VAR: tag, "PYTHONUNBUFFERED": "1"}


# `milia-scan ARGS` that also reports, on exit, its own peak memory (MB) on stderr's last line:
# VmHWM, this program's own high-water mark (ru_maxrss would carry the forking parent's over)
MEASURED = (
    "import atexit, sys\n"
    "def peak():\n"
    "    status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
    "    sys.stderr.write(f'\\nmaxrss_mb={int(status) // 1024}\\n')\n"
    "atexit.register(peak)\n"
    "sys.argv = ['milia-scan', *sys.argv[1:]]\n"
    "from milia_scan.cli import main\n"
    "main()\n"
)


def peak_mb(ran: Ran) -> int:
    """The peak memory a run_cli(..., measured=True) process reported."""
    return int(ran.err.rsplit("maxrss_mb=", 1)[1].split()[0])


def run_cli(
    *args: str | bytes | os.PathLike[str],
    timeout: float = 120,
    stdin: bytes | None = None,
    cwd: Path | None = None,
    measured: bool = False,
) -> Ran:
    """`milia-scan ARGS` as a real process in its own session; a hang is killed after `timeout`
    (the whole process group) and reported as returncode None."""
    tag, env = tagged_env()
    launch = ["-c", MEASURED] if measured else ["-m", "milia_scan"]
    proc = subprocess.Popen(
        [sys.executable, *launch, *args],
        cwd=cwd or ROOT,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        code = None
    return Ran(code, out, err, tag)


def leftovers(tag: str, wait: float = 10.0) -> list[int]:
    """Processes still alive that carry `tag` (waiting up to `wait` s for them to go)."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                environ = Path(f"/proc/{pid}/environ").read_bytes()
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if f"{TAG_VAR}={tag}".encode() in environ.split(b"\0") and state != "Z":
                found.append(int(pid))
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.2)


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def stored(db: Path) -> dict[str, tuple[str, int]]:
    """path -> (status, scan_count) of every row in a results database."""
    if not db.exists():
        return {}
    try:
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT path, status, scan_count FROM scans").fetchall()
    except sqlite3.OperationalError:  # created, its table not yet (or locked for a moment)
        return {}
    return {p: (s, c) for p, s, c in rows}


class Started:
    """A long-running `milia-scan ARGS` (watch, a batch to kill), tagged, in its own session,
    its output going to files so that it never blocks on a full pipe."""

    def __init__(self, *args: str | os.PathLike[str], logs: Path) -> None:
        self.tag, env = tagged_env()
        logs.mkdir(parents=True, exist_ok=True)
        self.out_path, self.err_path = logs / "stdout", logs / "stderr"
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "milia_scan", *args],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )

    @property
    def stdout(self) -> str:
        return self.out_path.read_bytes().decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        return self.err_path.read_bytes().decode("utf-8", "replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int | None:
        """Send `sig`; the exit code, or None when it did not end in time (then killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def wait(self, timeout: float) -> int | None:
        """The exit code, or None when it did not end in time."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        """kill -9 of the whole process group (what the tests use to clean up)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> bool:
    """Whether `condition` came true within `timeout` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


@contextlib.contextmanager
def small_disk(where: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at `where` (a full disk on demand); the test is skipped with
    the reason when it cannot be mounted (not root, no CAP_SYS_ADMIN, not Linux)."""
    import pytest

    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip() or 'mount failed'}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def read_only(where: Path) -> None:
    """Remount a small_disk read-only."""
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)


def fill(where: Path) -> None:
    """Fill a disk until it is full."""
    with contextlib.suppress(OSError), (where / "filler").open("wb") as fh:
        while True:
            fh.write(bytes(1 << 16))
            fh.flush()
