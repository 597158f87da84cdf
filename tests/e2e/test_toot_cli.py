"""The `toot` CLI against a live `baraza serve`: log in with a password, post, read the timeline."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import one_engine
from tests.e2e.conftest import engine, make_instance  # noqa: F401 - fixtures

TOOT = str(Path(sys.executable).with_name("toot"))


def toot(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    result = subprocess.run(
        [TOOT, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"toot {args[0]} failed: {result.stdout}\n{result.stderr}"
    return result


@pytest.mark.parametrize("engine", one_engine("postgres"))
async def test_toot_logs_in_posts_and_reads_timeline(make_instance, tmp_path: Path) -> None:  # noqa: F811
    a = await make_instance("127.0.0.2")
    await asyncio.to_thread(
        a.cli, "member", "add", "amina", "--password-stdin", stdin="correct horse battery\n"
    )
    home = tmp_path / "home"
    home.mkdir()
    login = await asyncio.to_thread(
        toot, home, "login_cli", "-i", a.base_url, "-e", "amina", "-p", "correct horse battery"
    )
    assert "Successfully logged in" in login.stdout
    posted = await asyncio.to_thread(toot, home, "post", "hearing moved to ten")
    assert "Toot posted" in posted.stdout
    timeline = await asyncio.to_thread(toot, home, "timeline", "--once")
    assert "hearing moved to ten" in timeline.stdout
