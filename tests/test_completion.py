"""Shell completion as the README documents it: click's, through the installed command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_bash_completion_completes_commands() -> None:
    command = str(Path(sys.executable).with_name("milia-scan"))  # the venv's installed command
    env = {
        **os.environ,
        "COMP_WORDS": "milia-scan sc",
        "COMP_CWORD": "1",
        "_MILIA_SCAN_COMPLETE": "bash_complete",
    }
    out = subprocess.run([command], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "plain,scan" in out.stdout.splitlines()
    source = subprocess.run(
        [command],
        env={**os.environ, "_MILIA_SCAN_COMPLETE": "bash_source"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "complete -o nosort -F _milia_scan_completion milia-scan" in source.stdout
