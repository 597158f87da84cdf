"""Resolving a report with an action is one transaction: when a step is refused halfway (a
moderator's removal reaching an admin's post), nothing of it stays — no post removed, no
`Delete` queued, no audit entry, the report still open."""

from __future__ import annotations

from pathlib import Path

import pytest

from actors.accounts import create_member
from baraza.settings import Settings
from outbox.account_actions import Acting
from outbox.actions import create_post
from outbox.post_removal import RemovalError
from outbox.report_resolution import ResolutionError, resolve_with
from storage.models import Activity, AuditEntry, Post, Report
from tests.conftest import make_settings


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    return make_settings(any_db, tmp_path)


async def test_a_refused_step_leaves_nothing_behind(settings: Settings) -> None:
    member = await create_member(settings, "amina")
    boss = await create_member(settings, "boss", admin=True)
    first = await create_post(settings, member, "<p>one</p>")
    second = await create_post(settings, boss, "<p>two</p>")
    report = await Report.create(target=member, status_uris=[first.uri, second.uri])
    moderator = Acting(who="mod@example", role="moderator")
    with pytest.raises(RemovalError):
        await resolve_with(settings, moderator, report, "remove_posts")
    assert await Post.filter(deleted_at=None).count() == 2
    assert not await Activity.exists(type="Delete")
    assert not await AuditEntry.exists()
    assert (await Report.get(id=report.id)).resolved_at is None
    # An admin may, and both go with the report resolved.
    await resolve_with(settings, Acting(who="root@example", role="admin"), report, "remove_posts")
    assert await Post.filter(deleted_at=None).count() == 0
    assert await Activity.filter(type="Delete").count() == 2
    assert (await Report.get(id=report.id)).resolved_at is not None


async def test_a_moderator_cannot_block_a_domain_through_the_core(settings: Settings) -> None:
    report = await Report.create(target=await create_member(settings, "amina"), status_uris=[])
    with pytest.raises(ResolutionError) as refused:
        await resolve_with(settings, Acting("mod@example", "moderator"), report, "block_domain")
    assert refused.value.forbidden
