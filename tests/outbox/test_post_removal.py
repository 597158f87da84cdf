"""A moderator's removal of one post: a local post leaves as its author's `Delete` to everyone
it reached; a remote one is hidden here with its content kept for the report; a moderator may
not take down staff's posts; each removal is audited once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from actors.accounts import create_member, create_space
from baraza.ids import new_id
from baraza.settings import Settings
from outbox.account_actions import Acting
from outbox.actions import create_post
from outbox.post_removal import RemovalError, removal_refusal, remove_post
from outbox.viewing import may_view
from storage.models import Activity, Actor, AuditEntry, Delivery, Follow, Post
from tests.conftest import make_settings

MODERATOR = Acting(who="mod@example", role="moderator", actor_id=None)


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    return make_settings(any_db, tmp_path)


async def _remote(name: str = "pat") -> Actor:
    uri = f"https://peer.example/users/{name}"
    return await Actor.create(
        uri=uri,
        type="Person",
        username=name,
        domain="peer.example",
        inbox_url=f"{uri}/inbox",
        key_id=f"{uri}#key",
        public_key_pem="-",
    )


async def test_a_local_post_is_deleted_as_its_author_would(settings: Settings) -> None:
    amina = await create_member(settings, "amina")
    await Follow.create(follower=await _remote(), target=amina, accepted=True)
    post = await create_post(settings, amina, "<p>reported</p>")
    assert await remove_post(settings, MODERATOR, post, "report 1")
    assert (await Post.get(id=post.id)).deleted_at is not None
    delete = await Activity.get(type="Delete", actor_uri=amina.uri)
    assert delete.document["object"]["id"] == post.uri
    assert await Delivery.filter(activity=delete, host="peer.example").count() == 1
    # A second removal (or the author's delete racing it) sends nothing more.
    assert not await remove_post(settings, MODERATOR, await Post.get(id=post.id), "again")
    assert await Activity.filter(type="Delete").count() == 1
    audited = await AuditEntry.filter(action="post.remove")
    assert [(e.who, e.target, e.reason) for e in audited] == [("mod@example", post.uri, "report 1")]


async def test_a_remote_post_is_hidden_here_and_kept_for_the_report(settings: Settings) -> None:
    reader = await create_member(settings, "reader")
    pat = await _remote()
    post = await Post.create(
        id=new_id(),
        uri=f"{pat.uri}/posts/1",
        actor=pat,
        content="<p>abuse</p>",
        published=datetime.now(UTC),
        visibility="public",
    )
    assert await may_view(post, reader)
    assert await remove_post(settings, MODERATOR, post)
    stored = await Post.get(id=post.id)
    assert stored.deleted_at is not None and stored.content == "<p>abuse</p>"
    assert not await may_view(stored, reader)
    assert not await Activity.filter(type="Delete").exists()  # nothing to tell its origin


async def test_moderators_remove_members_posts_only(settings: Settings) -> None:
    boss = await create_member(settings, "boss", admin=True)
    post = await create_post(settings, boss, "<p>mine</p>")
    with pytest.raises(RemovalError):
        await remove_post(settings, MODERATOR, post)
    assert (await Post.get(id=post.id)).deleted_at is None
    admin = Acting(who="root@example", role="admin", actor_id=None)
    assert removal_refusal(admin, boss) is None
    assert removal_refusal(Acting("x", "member"), await _remote()) is not None
    assert removal_refusal(MODERATOR, await _remote("other")) is None


async def test_a_remote_post_a_public_space_relayed_is_taken_out_for_its_followers(
    settings: Settings,
) -> None:
    owner = await create_member(settings, "owner")
    square = await create_space(settings, "square", private=False, owner=owner)
    follower = await _remote("follower")
    await Follow.create(follower=follower, target=square, accepted=True)
    pat = await _remote()
    post = await Post.create(
        id=new_id(),
        uri=f"{pat.uri}/posts/2",
        actor=pat,
        content="<p>in the square</p>",
        published=datetime.now(UTC),
        visibility="public",
        space=square,
    )
    assert await remove_post(settings, MODERATOR, post, "report 2")
    stored = await Post.get(id=post.id)
    assert stored.deleted_at is not None and stored.space_id is None
    announce = await Activity.get(type="Announce", actor_uri=square.uri)
    assert announce.document["object"]["type"] == "Delete"
    assert announce.document["object"]["object"] == post.uri
    assert await Delivery.filter(activity=announce, host="peer.example").count() == 1
