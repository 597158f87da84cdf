"""What every browser test shares: headless Debian Chromium driven by playwright-core scripts
in web/tests/, run by the machine's Node against a real `baraza serve`.

`make browsers` installs Chromium and `make web` installs the drivers' packages and builds the
editor's bundle; `built()` does the latter on demand, so a single test file runs on its own.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "var" / "screenshots"
WEB = REPO / "web"
BUNDLE = REPO / "baraza" / "static" / "build" / "editor.js"
CHROMIUM = Path("/usr/bin/chromium")
NODE = shutil.which("node")

needs_browser = pytest.mark.skipif(
    NODE is None or shutil.which("npm") is None or not CHROMIUM.is_file(),
    reason="needs node, npm and /usr/bin/chromium (`make browsers`, then `make web`)",
)


def built() -> None:
    """Build the bundle and the drivers' dependencies the way `make web` does, if missing."""
    if not (WEB / "node_modules" / "playwright-core").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True)
    if not BUNDLE.is_file():
        subprocess.run(["npm", "run", "build"], cwd=WEB, check=True)


def drive(script: str, *args: str, timeout: float = 240, page_errors: bool = False) -> dict:
    """Runs a driver from web/tests; returns the JSON line it prints last.

    With `page_errors`, the driver's list of errors the pages reported (script errors, CSP
    refusals) must be empty.
    """
    built()
    driven = subprocess.run(
        [str(NODE), str(WEB / "tests" / script), *args],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert driven.returncode == 0, driven.stderr[-3000:]
    answer = json.loads(driven.stdout.strip().splitlines()[-1])
    if page_errors:
        assert answer["errors"] == [], answer["errors"]
    return answer


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
