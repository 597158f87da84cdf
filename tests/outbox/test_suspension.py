"""Suspending one account: a local one's posts go out as federated Deletes and come back on an
unsuspend within 30 days; a remote one is cut from follows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from actors.accounts import create_member
from baraza.settings import Settings
from outbox.actions import create_post
from outbox.suspension import (
    ActorModerationError,
    find_actor,
    suspend_actor,
    unsuspend_actor,
)
from storage.models import Activity, Actor, AuditEntry, Delivery, Follow, Post
from tests.conftest import make_settings


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    return make_settings(any_db, tmp_path)


async def _remote_follower_of(member: Actor) -> Actor:
    uri = "https://peer.example/users/pat"
    pat = await Actor.create(
        uri=uri,
        type="Person",
        username="pat",
        domain="peer.example",
        inbox_url=f"{uri}/inbox",
        key_id=f"{uri}#key",
        public_key_pem="-",
    )
    await Follow.create(follower=pat, target=member, accepted=True)
    return pat


@pytest.mark.parametrize(("days_later", "restored"), [(3, 2), (31, 0)])
async def test_local_suspension_deletes_with_federated_deletes_and_restores_within_30_days(
    settings: Settings, days_later: int, restored: int
) -> None:
    amina = await create_member(settings, "amina")
    await _remote_follower_of(amina)
    posts = [await create_post(settings, amina, f"<p>{i}</p>") for i in range(2)]
    already_gone = await create_post(settings, amina, "<p>deleted by amina</p>")
    await Post.filter(id=already_gone.id).update(deleted_at=datetime.now(UTC))

    assert await suspend_actor(settings, "admin", amina, "spam") == 2
    assert (await Actor.get(id=amina.id)).suspended_at is not None
    assert await Post.filter(id__in=[p.id for p in posts], deleted_at=None).count() == 0
    deletes = await Activity.filter(type="Delete", actor_uri=amina.uri).count()
    assert deletes == 2
    assert await Delivery.filter(activity__type="Delete", host="peer.example").count() == 2

    later = datetime.now(UTC) + timedelta(days=days_later)
    assert await unsuspend_actor("admin", await Actor.get(id=amina.id), now=later) == restored
    assert (await Actor.get(id=amina.id)).suspended_at is None
    assert await Post.filter(id__in=[p.id for p in posts], deleted_at=None).count() == restored
    assert (await Post.get(id=already_gone.id)).deleted_at is not None, "not ours to restore"
    actions = await AuditEntry.all().order_by("id").values_list("action", flat=True)
    assert actions == ["account.suspend", "account.unsuspend"]


async def test_remote_suspension_severs_follows(settings: Settings) -> None:
    amina = await create_member(settings, "amina")
    pat = await _remote_follower_of(amina)
    await Follow.create(follower=amina, target=pat, accepted=True)
    found = await find_actor(settings, "pat@peer.example")
    assert found.id == pat.id
    await suspend_actor(settings, "admin", found)
    assert not await Follow.filter(follower=pat).exists()
    assert not await Follow.filter(target=pat).exists()
    assert (await Actor.get(id=pat.id)).suspended_at is not None


@pytest.mark.parametrize("acct", ["nobody", "ghost@peer.example", "https://peer.example/x"])
async def test_unknown_accounts_are_refused(settings: Settings, acct: str) -> None:
    with pytest.raises(ActorModerationError):
        await find_actor(settings, acct)
