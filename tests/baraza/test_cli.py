"""The `baraza` command: every mistake a person can make is one line and a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(
    tmp_path: Path, *args: str, stdin: str | None = None, database_url: str | None = None
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "BARAZA_DOMAIN": "cli.example",
        "BARAZA_SCHEME": "http",
        "BARAZA_DATABASE_URL": database_url or f"sqlite://{tmp_path}/cli.db",
        "BARAZA_DATA_DIR": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, "-m", "baraza", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli")
    assert run(path, "init").returncode == 0
    assert run(path, "init").returncode == 0, "init twice is harmless"
    assert (
        run(
            path, "member", "add", "amina", "--admin", "--password-stdin", stdin="correct horse\n"
        ).returncode
        == 0
    )
    assert run(path, "space", "add", "climate", "--public", "--owner", "amina").returncode == 0
    return path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("member", "add", "Amina"), "invalid name"),
        (("member", "add", "a" * 31), "invalid name"),
        (("member", "add", "amina"), "already taken"),
        (("space", "add", "amina", "--private"), "already taken"),
        (("space", "add", "newspace", "--public", "--owner", "nobody"), "no member named"),
        (("space", "join", "nowhere", "amina"), "no space named"),
        (("space", "join", "climate", "nobody"), "no member named"),
        (("member", "token", "nobody"), "no member named"),
        (("space", "moderator", "add", "climate", "ghost"), "no member named"),
    ],
)
def test_mistakes_are_one_line(home: Path, args: tuple[str, ...], message: str) -> None:
    result = run(home, *args)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = run(tmp_path, "member", "list", database_url="postgres://nobody@127.0.0.1:1/none")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_refuses_an_uninitialised_database(tmp_path: Path) -> None:
    result = run(tmp_path, "serve", "--port", "1")
    assert result.returncode != 0
    assert "baraza init" in result.stdout + result.stderr


def test_token_is_the_last_line_and_lists_work(home: Path) -> None:
    result = run(home, "member", "token", "amina")
    assert result.returncode == 0
    token = result.stdout.strip().splitlines()[-1]
    assert len(token) >= 40 and " " not in token
    assert "amina" in run(home, "member", "list").stdout
    assert "climate\tpublic" in run(home, "space", "list").stdout
