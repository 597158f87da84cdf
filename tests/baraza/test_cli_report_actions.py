"""`baraza report resolve ID --action ...`: the console's resolutions from the CLI, through the
same core action, in process on both engines (the subprocess CLI tests cover the plumbing)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from actors.accounts import create_member
from baraza.cli import build_parser
from baraza.cli_errors import CliError
from baraza.commands_moderation import cmd_report_resolve
from baraza.ids import new_id
from baraza.settings import Settings
from storage.models import Actor, AuditEntry, DomainBlock, Post, Report
from tests.conftest import make_settings


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    return make_settings(any_db, tmp_path)


async def _remote_report(settings: Settings) -> tuple[Report, Actor, Post]:
    reporter = await create_member(settings, "amina")
    troll = await Actor.create(
        uri="https://hostile.example/users/troll",
        type="Person",
        username="troll",
        domain="hostile.example",
        inbox_url="https://hostile.example/users/troll/inbox",
        key_id="https://hostile.example/users/troll#key",
        public_key_pem="-",
    )
    post = await Post.create(
        id=new_id(),
        uri=f"{troll.uri}/posts/1",
        actor=troll,
        content="<p>threat</p>",
        published=datetime.now(UTC),
    )
    report = await Report.create(reporter=reporter, target=troll, status_uris=[post.uri])
    return report, troll, post


async def test_resolving_with_an_action_from_the_cli(settings: Settings) -> None:
    report, troll, post = await _remote_report(settings)
    args = build_parser().parse_args(
        ["report", "resolve", str(report.id), "--action", "remove_posts"]
    )
    assert await cmd_report_resolve(settings, args) == 0
    assert (await Post.get(id=post.id)).deleted_at is not None
    assert (await Report.get(id=report.id)).resolved_at is not None
    removal = await AuditEntry.get(action="post.remove")
    assert removal.who.startswith("cli") and removal.target == post.uri

    second = await Report.create(target=troll, status_uris=[])
    args = build_parser().parse_args(
        ["report", "resolve", str(second.id), "--action", "block_domain"]
    )
    assert await cmd_report_resolve(settings, args) == 0
    assert (await DomainBlock.get(domain="hostile.example")).severity == "suspend"


async def test_an_action_that_does_not_apply_is_one_line(settings: Settings) -> None:
    local = await create_member(settings, "amina")
    report = await Report.create(target=local, status_uris=[])
    args = build_parser().parse_args(
        ["report", "resolve", str(report.id), "--action", "block_domain"]
    )
    with pytest.raises(CliError, match="does not apply"):
        await cmd_report_resolve(settings, args)
    assert (await Report.get(id=report.id)).resolved_at is None
    with pytest.raises(SystemExit):
        build_parser().parse_args(["report", "resolve", "1", "--action", "explode"])
