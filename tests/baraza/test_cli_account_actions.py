"""`baraza actor silence|disable|role|...`, `baraza report assign` and `baraza audit` filters, as
an admin runs them: real subprocesses on a fresh SQLite instance."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from tests.baraza.test_cli_moderation import _one_line_error, baraza  # noqa: F401 (fixture)
from tests.e2e.instance import free_port


class Box:
    """A plain SMTP server's mailbox (TLS is tested in tests/spaces/test_letter_mail_tls.py)."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(envelope.content)  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Box]:
    """Requested before `baraza`, so the CLI's environment names this server."""
    box = Box()
    port = free_port("127.0.0.1")
    server = Controller(box, hostname="127.0.0.1", port=port)
    server.start()
    monkeypatch.setenv("BARAZA_SMTP_URL", f"smtp://127.0.0.1:{port}")
    try:
        yield box
    finally:
        server.stop()


def test_account_actions_and_filtered_audit(baraza) -> None:  # noqa: F811
    baraza("member", "add", "amina")
    baraza("member", "add", "sami")
    assert "limited amina@" in baraza("actor", "silence", "amina", "--reason", "spam").stdout
    assert "disabled sign-in for amina@" in baraza("actor", "disable", "amina").stdout
    assert "enabled sign-in" in baraza("actor", "enable", "amina").stdout
    assert (
        "sami@127.0.0.2:8000 is now moderator"
        in baraza("actor", "role", "sami", "moderator").stdout
    )
    assert "removed the second factor" in baraza("actor", "reset-two-factor", "sami").stdout
    _one_line_error(baraza("actor", "disable", "nobody", ok=False), "no known account")
    assert baraza("actor", "role", "sami", "owner", ok=False).returncode == 2  # argparse usage

    rows = [line.split("\t") for line in baraza("audit", "--action", "account").stdout.splitlines()]
    assert [r[2] for r in rows] == [
        "account.silence",
        "account.disable",
        "account.enable",
        "account.change_role",
        "account.reset_two_factor",
    ]
    assert rows[0][4] == "spam" and rows[0][3].endswith("/amina")
    who = rows[0][1]
    assert who.startswith("cli")
    only = baraza("audit", "--action", "account.enable", "--actor", who).stdout.splitlines()
    assert len(only) == 1 and "account.enable" in only[0]
    assert baraza("audit", "--actor", "someone-else").stdout == ""
    assert baraza("audit", "--since", "2999-01-01").stdout == ""
    assert len(baraza("audit", "--since", "1h").stdout.splitlines()) == 5
    assert baraza("audit", "--since", "yesterday-ish", ok=False).returncode == 2


def test_report_assign_and_letter_mail_commands(smtp: Box, baraza, tmp_path) -> None:  # noqa: F811
    import sqlite3

    baraza("member", "add", "amina")
    baraza("member", "add", "sami")
    baraza("actor", "role", "sami", "moderator")
    with sqlite3.connect(tmp_path / "b.db") as db:
        ids = dict(
            db.execute(
                "SELECT local_username, id FROM actors WHERE local_username IN ('amina','sami')"
            )
        )
        db.execute(
            "INSERT INTO reports (reporter_id, target_id, status_uris, comment, created_at) "
            "VALUES (?, ?, '[]', 'threats', CURRENT_TIMESTAMP)",
            (ids["sami"], ids["amina"]),
        )
        report_id = db.execute("SELECT max(id) FROM reports").fetchone()[0]
    assert "assigned to sami@" in baraza("report", "assign", str(report_id), "sami").stdout
    assert "\tsami@127.0.0.2:8000\t" in baraza("report", "list").stdout
    assert "unassigned" in baraza("report", "assign", str(report_id)).stdout
    assert "\t-\t" in baraza("report", "list").stdout

    out = baraza("letter", "test-mail", "admin@mail.test").stdout
    assert "sent a test message to admin@mail.test" in out
    assert len(smtp.messages) == 1 and b"Test message" in smtp.messages[0]
    assert baraza("letter", "mail-status").stdout == ""
