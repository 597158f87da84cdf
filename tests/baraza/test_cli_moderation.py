"""`baraza domain|federation|actor|report|audit` as an admin runs them: real subprocesses on a
fresh SQLite instance; failures are one line on stderr with exit status 1."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture
def baraza(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess]:
    env = dict(os.environ)
    env.update(
        BARAZA_DATABASE_URL=f"sqlite://{tmp_path}/b.db",
        BARAZA_DOMAIN="127.0.0.2:8000",
        BARAZA_SCHEME="http",
        BARAZA_DATA_DIR=str(tmp_path),
    )

    def run(*args: str, ok: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "baraza", *args],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if ok:
            assert result.returncode == 0, result.stderr
        return result

    run("init")
    return run


def _one_line_error(result: subprocess.CompletedProcess, text: str) -> None:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("baraza: ")
    assert text in result.stderr


def test_block_list_unblock_and_audit(baraza) -> None:
    out = baraza("domain", "block", "127.0.0.4:8001", "--severity", "suspend", "--reason", "raid")
    assert "blocked 127.0.0.4 (suspend)" in out.stdout
    baraza(
        "domain",
        "block",
        "pics.example",
        "--severity",
        "reject-media",
        "--obfuscate",
        "--public-comment",
        "gore",
    )
    listed = baraza("domain", "list").stdout.splitlines()
    assert listed == [
        "127.0.0.4\tsuspend\traid",
        "pics.example\tnoop, reject-media, obfuscated\tgore",
    ]
    exported = baraza("domain", "export").stdout.splitlines()
    assert (
        exported[0] == "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate"
    )
    assert "pics.example,noop,true,false,gore,true" in exported
    assert "unblocked 127.0.0.4" in baraza("domain", "unblock", "127.0.0.4").stdout
    assert baraza("domain", "list").stdout.startswith("pics.example")
    audit = baraza("audit").stdout.splitlines()
    assert [line.split("\t")[2:4] for line in audit] == [
        ["domain_block.create", "127.0.0.4"],
        ["domain_block.create", "pics.example"],
        ["domain_block.delete", "127.0.0.4"],
    ]
    assert audit[0].split("\t")[1].startswith("cli")


def test_errors_are_one_line_with_exit_status_1(baraza) -> None:
    _one_line_error(
        baraza("domain", "block", "not a domain", "--severity", "suspend", ok=False),
        "invalid domain",
    )
    _one_line_error(
        baraza("domain", "block", "x.example", "--severity", "obliterate", ok=False),
        "unknown severity",
    )
    _one_line_error(baraza("domain", "unblock", "x.example", ok=False), "is not blocked")
    _one_line_error(baraza("actor", "suspend", "nobody", ok=False), "no known account")
    _one_line_error(baraza("report", "resolve", "42", ok=False), "no report 42")
    _one_line_error(baraza("domain", "import", "/nonexistent.csv", ok=False), "cannot read")
    assert baraza("domain", "list").stdout == ""


def test_import_is_atomic_idempotent_and_shows_progress(baraza, tmp_path: Path) -> None:
    lines = ["#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate"]
    lines += [f"d{i}.example,suspend,false,false,,false" for i in range(1500)]
    good = tmp_path / "good.csv"
    good.write_text("\n".join(lines) + "\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([*lines, "bad domain,suspend", "ok.example,silence"]) + "\n")

    _one_line_error(baraza("domain", "import", str(bad), ok=False), "line 1502")
    assert baraza("domain", "list").stdout == ""

    dry = baraza("domain", "import", str(good), "--dry-run")
    assert "would add 1500" in dry.stdout
    assert baraza("domain", "list").stdout == ""

    first = baraza("domain", "import", str(good))
    assert "added 1500, updated 0, unchanged 0" in first.stdout
    assert "1500/1500" in first.stderr, "a progress bar for a long import"
    second = baraza("domain", "import", str(good))
    assert "added 0, updated 0, unchanged 1500" in second.stdout

    skipped = baraza("domain", "import", str(bad), "--skip-invalid")
    assert "added 1, updated 0, unchanged 1500, skipped 1" in skipped.stdout
    assert "skipped line 1502: invalid domain" in skipped.stderr
    assert len(baraza("domain", "list").stdout.splitlines()) == 1501


def test_allowlist_mode_and_actor_suspension(baraza) -> None:
    assert baraza("federation", "mode").stdout.strip() == "federation mode: open"
    assert "allowlist" in baraza("federation", "mode", "allowlist").stdout
    assert "allowed partner.example" in baraza("domain", "allow", "partner.example").stdout
    assert "partner.example\tallowed" in baraza("domain", "list").stdout
    assert baraza("federation", "mode", "nonsense", ok=False).returncode == 2  # argparse usage

    baraza("member", "add", "amina")
    assert "suspended amina@127.0.0.2:8000" in baraza("actor", "suspend", "amina").stdout
    assert baraza("member", "list").stdout.rstrip().endswith(" suspended")
    _one_line_error(baraza("actor", "suspend", "amina", ok=False), "already suspended")
    assert "unsuspended" in baraza("actor", "unsuspend", "@amina@127.0.0.2:8000").stdout
    assert "suspended" not in baraza("member", "list").stdout
    assert baraza("report", "list").stdout == ""
