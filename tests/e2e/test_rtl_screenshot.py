"""The sign-in page in Arabic, rendered by a real browser: right to left, and it draws."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.instance import Instance

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=ar",
    "--accept-lang=ar",
    "--window-size=800,900",
]


def _register_app(instance: Instance) -> str:
    form = urllib.parse.urlencode(
        {
            "client_name": "Tusky",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write",
        }
    ).encode()
    with urllib.request.urlopen(f"{instance.base_url}/api/v1/apps", data=form, timeout=10) as r:
        return json.loads(r.read())["client_id"]


def _chromium(url: str, tmp_path: Path, *outputs: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *outputs, url],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (`make browsers` installs it as root)"
)
def test_sign_in_page_renders_right_to_left_in_arabic(sqlite_instance: Instance, tmp_path: Path):
    instance = sqlite_instance.start()
    query = urllib.parse.urlencode(
        {
            "client_id": _register_app(instance),
            "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
            "response_type": "code",
            "scope": "read write",
        }
    )
    url = f"{instance.base_url}/oauth/authorize?{query}"
    png = tmp_path / "sign-in-ar.png"

    browser = _chromium(url, tmp_path, f"--screenshot={png}", "--dump-dom")
    dom = browser.stdout
    if "<html" not in dom:  # some headless versions honour only one of the two outputs
        dom = _chromium(url, tmp_path, "--dump-dom").stdout
    if not png.exists():
        _chromium(url, tmp_path, f"--screenshot={png}")

    assert 'dir="rtl"' in dom, browser.stderr[-2000:]
    assert 'lang="ar"' in dom
    assert "سجّل الدخول لتفويض Tusky" in dom  # the heading, translated
    assert png.exists() and png.stat().st_size > 1000, browser.stderr[-2000:]
    assert png.read_bytes().startswith(b"\x89PNG")
