"""Headless Chromium for tests: found, or installed from Debian's package, or a clear skip."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def find_chromium() -> str | None:
    return next((path for name in NAMES if (path := shutil.which(name))), None)


def ensure_chromium() -> str:
    """The Chromium binary; installs Debian's 'chromium' as root when missing, else skips."""
    found = find_chromium()
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        try:
            subprocess.run(
                ["apt-get", "update", "-qq"], env=env, check=True, timeout=600, capture_output=True
            )
            subprocess.run(
                ["apt-get", "install", "-y", "-qq", "chromium"],
                env=env,
                check=True,
                timeout=1200,
                capture_output=True,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            pytest.skip(
                f"Chromium is not installed and apt-get could not install it ({exc}); "
                "install Debian's 'chromium' package to run the browser tests"
            )
        found = find_chromium()
        if found:
            return found
    pytest.skip(
        "Chromium is not installed and cannot be installed here (needs root and "
        "apt-get); install Debian's 'chromium' package to run the browser tests"
    )


def _run(chromium: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        return subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )


def dump_dom(chromium: str, page: Path) -> str:
    """The DOM after the page loaded and ran its scripts, as Chromium serialises it."""
    return _run(chromium, ["--dump-dom", page.resolve().as_uri()]).stdout


def screenshot(chromium: str, page: Path, png: Path, size: str = "1100,1600") -> None:
    _run(chromium, [f"--window-size={size}", f"--screenshot={png}", page.resolve().as_uri()])


def measure_at_width(chromium: str, page: Path, script: str, width: int, height: int = 900) -> str:
    """Load `page` in a frame `width` CSS pixels wide (a phone's viewport; headless windows are
    at least 500 wide) and return what `script`, run in the page, evaluates to as a string.
    The page's CSP (which forbids scripts) is taken out of a copy for the measurement only."""
    import re

    html = page.read_text(encoding="utf-8")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    probe = (
        "<script>window.addEventListener('load',function(){"
        f"parent.document.body.setAttribute('data-measured',String({script}));}});</script>"
    )
    measured = page.with_name(page.stem + ".measured.html")
    measured.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    frame = page.with_name(page.stem + ".frame.html")
    frame.write_text(
        f'<!DOCTYPE html><html><body><iframe src="{measured.name}" width="{width}" '
        f'height="{height}" style="border:0"></iframe></body></html>',
        encoding="utf-8",
    )
    dom = _run(
        chromium,
        [
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
            "--dump-dom",
            frame.resolve().as_uri(),
        ],
    ).stdout
    found = re.search(r'data-measured="([^"]*)"', dom)
    if found is None:
        raise AssertionError(f"the page was not measured: {dom[:300]}")
    import html as html_lib

    return html_lib.unescape(found.group(1))
