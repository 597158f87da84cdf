"""`baraza actor silence|disable|role|...`, `baraza report assign` and `baraza audit` filters, as
an admin runs them: real subprocesses on a fresh SQLite instance."""

from __future__ import annotations

from tests.baraza.test_cli_moderation import _one_line_error, baraza  # noqa: F401 (fixture)


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
