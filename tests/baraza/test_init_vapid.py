"""`baraza init` makes the instance's Web Push (VAPID) key pair once; a second init keeps it,
so apps subscribed under the first key keep receiving pushes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.baraza.test_cli import run


def _stored_key(path: Path) -> str:
    with sqlite3.connect(path / "cli.db") as db:
        row = db.execute(
            "SELECT value FROM instance_settings WHERE key = 'push.vapid_private_pem'"
        ).fetchone()
    assert row is not None, "init made no VAPID key"
    return row[0]


def test_init_makes_one_vapid_key_and_keeps_it(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    first = _stored_key(tmp_path)
    assert "PRIVATE KEY" in first
    assert run(tmp_path, "init").returncode == 0
    assert _stored_key(tmp_path) == first
