"""The instance's rules (set from the CLI), extended description and weekly activity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from baraza.cli import main
from baraza.settings import Settings
from clientapi.instance.instance_about import week_starts
from outbox.instance_rules import RuleError, checked, set_rules
from tests.clientapi.helpers import member_with_token
from tests.conftest import make_settings


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    """These tests run on SQLite and, when configured, PostgreSQL."""
    return make_settings(any_db, tmp_path)


async def test_rules_are_served_in_order_and_in_the_instance(client, settings) -> None:
    assert await (await client.get("/api/v1/instance/rules")).get_json() == []
    await set_rules(["Be kind", "  No doxxing  "])
    rules = await (await client.get("/api/v1/instance/rules")).get_json()
    assert [r["text"] for r in rules] == ["Be kind", "No doxxing"]
    assert all(set(r) == {"id", "text", "hint"} for r in rules)
    for path in ("/api/v1/instance", "/api/v2/instance"):
        assert (await (await client.get(path)).get_json())["rules"] == rules
    await set_rules(["Only this one"])
    rules = await (await client.get("/api/v1/instance/rules")).get_json()
    assert [r["text"] for r in rules] == ["Only this one"]


def test_rules_are_checked() -> None:
    assert checked([" a "]) == ["a"]
    for bad in ([""], ["x" * 1001], ["a\x00b"], ["r"] * 51):
        with pytest.raises(RuleError):
            checked(bad)


def test_rules_and_description_from_the_cli(tmp_path, capsys, monkeypatch) -> None:
    url = f"sqlite://{tmp_path}/cli.db"
    monkeypatch.setenv("BARAZA_DATABASE_URL", url)
    monkeypatch.setenv("BARAZA_DOMAIN", "social.example")
    for argv in (
        ["init"],
        ["rules", "set", "Be kind", "Cite sources"],
        ["description", "set", "A network for <lawyers>.\n\nSecond paragraph."],
        ["rules", "list"],
    ):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 0, argv
    assert "1. Be kind\n2. Cite sources" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main(["rules", "set", ""])
    assert exit_.value.code == 1


async def test_extended_description(client, settings) -> None:
    from outbox.instance_rules import set_description

    default = await (await client.get("/api/v1/instance/extended_description")).get_json()
    assert default["content"].startswith("<p>") and default["updated_at"]
    await set_description("A network for <lawyers>.\n\nSecond paragraph.")
    about = await (await client.get("/api/v1/instance/extended_description")).get_json()
    assert about["content"] == "<p>A network for &lt;lawyers&gt;.</p><p>Second paragraph.</p>"
    assert about["updated_at"].startswith(str(datetime.now(UTC).year))


def test_weeks_start_on_monday() -> None:
    wednesday = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
    weeks = week_starts(wednesday, 3)
    assert weeks[0] == datetime(2026, 11, 23, tzinfo=UTC)
    assert weeks[1] == weeks[0] - timedelta(weeks=1) and len(weeks) == 3


async def test_activity_counts_this_week(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    await member_with_token(settings, "bruno")
    for text in ("one", "two"):
        await client.post("/api/v1/statuses", headers=auth, json={"status": text})
    weeks = await (await client.get("/api/v1/instance/activity")).get_json()
    assert len(weeks) == 12
    assert weeks[0] == {
        "week": str(int(week_starts(datetime.now(UTC), 1)[0].timestamp())),
        "statuses": "2",
        "logins": "2",
        "registrations": "2",
    }
    assert all(w["statuses"] == "0" for w in weeks[1:])
