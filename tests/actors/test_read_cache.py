"""Cached reads (actors/read_cache.py, outbox/object_cache.py): what may be cached, decided by
pure functions tested by a table; then, through the app on SQLite and PostgreSQL, ETags and
304, and a cached answer that a profile edit, a deletion, a suspension or a block changes at
the very next request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from actors.accounts import create_space
from actors.existence import ActorFacts
from actors.read_cache import (
    FULL,
    KEY_ONLY,
    NODEINFO_SECONDS,
    actor_answer_is_shared,
    actor_variant,
    collection_is_shared,
    nodeinfo_fresh,
)
from baraza.rendered import etag_of, matches
from outbox import actions
from outbox.object_cache import object_answer_is_shared
from outbox.visibility import Subject
from storage.models import Actor, DomainBlock, Follow
from tests.clientapi.helpers import member_with_token
from tests.conftest import make_settings
from tests.inbox.signed import remote_peer
from tests.outbox.test_object_reads import path_of, signed_get

AS2 = {"Accept": "application/activity+json"}
PERSON = ActorFacts(is_group=False, local=True, private=False)
PUBLIC_SPACE = ActorFacts(is_group=True, local=True, private=False)
PRIVATE_SPACE = ActorFacts(is_group=True, local=True, private=True)


@pytest.mark.parametrize(
    ("authorized_fetch", "signed", "variant", "why"),
    [
        (False, False, FULL, "open instance: everyone gets the full document"),
        (False, True, FULL, "a signature changes nothing when it is not asked for"),
        (True, False, KEY_ONLY, "authorized fetch: the unsigned get the key only"),
        (True, True, FULL, "authorized fetch: a verified signer gets the full document"),
    ],
)
def test_actor_variant(authorized_fetch: bool, signed: bool, variant: str, why: str) -> None:
    assert actor_variant(authorized_fetch, signed) == variant, why


@pytest.mark.parametrize(
    ("facts", "suspended", "shared", "why"),
    [
        (PERSON, False, True, "a member's document is the same for everyone"),
        (PUBLIC_SPACE, False, True, "so is a public space's"),
        (PRIVATE_SPACE, False, False, "a private space exists only for its members"),
        (PERSON, True, False, "a suspended member is 404, never a cached document"),
    ],
)
def test_actor_answer_is_shared(facts: ActorFacts, suspended: bool, shared: bool, why: str) -> None:
    assert actor_answer_is_shared(facts, suspended) is shared, why


@pytest.mark.parametrize(
    ("which", "page", "member", "space", "shared", "why"),
    [
        ("followers", None, False, False, True, "the collection: counts only"),
        ("followers", 1, True, False, True, "followers do not depend on the viewer"),
        ("followers", 2, False, False, False, "later pages are not kept"),
        ("following", 1, False, False, True, "outsiders all see the same following"),
        ("following", 1, True, False, False, "a member may see private spaces in it"),
        ("outbox", 1, False, False, True, "a member's outbox: posts, watched by counters"),
        ("outbox", 1, False, True, False, "a space's outbox lists Announces, not watched"),
    ],
)
def test_collection_is_shared(
    which: str, page: int | None, member: bool, space: bool, shared: bool, why: str
) -> None:
    assert collection_is_shared(which, page, member, space) is shared, why


@pytest.mark.parametrize(
    ("visibility", "space_private", "deleted", "shared", "why"),
    [
        ("public", False, False, True, "anyone may see it"),
        ("unlisted", False, False, True, "anyone may see it by its id"),
        ("followers", False, False, False, "depends on who asks"),
        ("direct", False, False, False, "depends on who asks"),
        ("space", False, False, False, "members of the space only"),
        ("public", True, False, False, "a private space's post, whatever its visibility"),
        ("followers", False, True, True, "a Tombstone is the same for everyone"),
    ],
)
def test_object_answer_is_shared(
    visibility: str, space_private: bool, deleted: bool, shared: bool, why: str
) -> None:
    subject = Subject(
        visibility=visibility, author_id=1, space_private=space_private, deleted=deleted
    )
    assert object_answer_is_shared(subject) is shared, why


def test_etags_and_nodeinfo_age() -> None:
    tag = etag_of(b"{}")
    assert matches(tag, tag) and matches(f'"x", W/{tag}', tag) and matches("*", tag)
    assert not matches(None, tag) and not matches('"other"', tag)
    assert nodeinfo_fresh(100.0, 100.0 + NODEINFO_SECONDS - 1)
    assert not nodeinfo_fresh(100.0, 100.0 + NODEINFO_SECONDS)


@pytest.fixture
def any_settings(any_db: str, tmp_path: Path):
    return make_settings(any_db, tmp_path)


@pytest.fixture
async def any_client(any_settings) -> AsyncIterator[object]:
    from baraza.app import create_app

    application = create_app(any_settings, manage_database=False)
    async with application.test_app():
        yield application.test_client()


async def _get(client, path: str, headers: dict[str, str] | None = None):
    response = await client.get(path, headers={**AS2, **(headers or {})})
    return response, await response.get_data()


async def test_an_unchanged_document_is_304_with_its_etag(any_client, any_settings) -> None:
    member, _ = await member_with_token(any_settings, "amina")
    post = await actions.create_post(any_settings, member, "<p>court date</p>")
    webfinger = "/.well-known/webfinger?resource=acct:amina@testserver.example"
    for path in ("/users/amina", path_of(post.uri), webfinger, "/nodeinfo/2.1"):
        first, body = await _get(any_client, path)
        assert first.status_code == 200 and body, path
        etag = first.headers["ETag"]
        again, again_body = await _get(any_client, path)  # from the cache: same bytes
        assert (again.status_code, again.headers["ETag"], again_body) == (200, etag, body)
        unchanged, empty = await _get(any_client, path, {"If-None-Match": etag})
        assert (unchanged.status_code, empty) == (304, b""), path
        assert unchanged.headers["ETag"] == etag
        other, _ = await _get(any_client, path, {"If-None-Match": '"stale"'})
        assert other.status_code == 200


async def test_a_profile_edit_changes_the_cached_actor_document(any_client, any_settings) -> None:
    _, auth = await member_with_token(any_settings, "amina")
    first, _ = await _get(any_client, "/users/amina")
    assert (await first.get_json())["name"] != "Amina K."
    response = await any_client.patch(
        "/api/v1/accounts/update_credentials", json={"display_name": "Amina K."}, headers=auth
    )
    assert response.status_code == 200
    edited, _ = await _get(any_client, "/users/amina", {"If-None-Match": first.headers["ETag"]})
    assert edited.status_code == 200 and (await edited.get_json())["name"] == "Amina K."


async def test_a_deleted_post_is_a_tombstone_at_once(any_client, any_settings) -> None:
    member, auth = await member_with_token(any_settings, "amina")
    post = await actions.create_post(any_settings, member, "<p>to be deleted</p>")
    path = path_of(post.uri)
    for url in (path, f"{path}/activity"):
        assert (await _get(any_client, url))[0].status_code == 200
    response = await any_client.delete(f"/api/v1/statuses/{post.id}", headers=auth)
    assert response.status_code == 200
    gone, _ = await _get(any_client, path)
    assert gone.status_code == 410 and (await gone.get_json())["type"] == "Tombstone"
    assert (await _get(any_client, f"{path}/activity"))[0].status_code == 410


async def test_suspension_and_blocks_reach_cached_reads(any_client, any_settings) -> None:
    member, _ = await member_with_token(any_settings, "amina")
    post = await actions.create_post(any_settings, member, "<p>public</p>")
    peer = await remote_peer(host="later-blocked.example", name="nosy")
    webfinger = "/.well-known/webfinger?resource=acct:amina@testserver.example"
    paths = ["/users/amina", path_of(post.uri), "/users/amina/followers"]
    for path in paths:
        signed = signed_get(path, peer.actor.key_id)
        assert (await _get(any_client, path, signed))[0].status_code == 200, path
    # A domain block refuses its signed GETs before any cache answers.
    await DomainBlock.create(domain="later-blocked.example", severity="suspend")
    for path in paths:
        signed = signed_get(path, peer.actor.key_id)
        assert (await _get(any_client, path, signed))[0].status_code == 403, path
    # Suspending the member hides every cached document of theirs.
    assert (await _get(any_client, webfinger))[0].status_code == 200
    await Actor.filter(id=member.id).update(suspended_at=post.published)
    for path in [*paths, webfinger]:
        assert (await _get(any_client, path))[0].status_code == 404, path


async def test_private_spaces_and_viewer_dependent_answers_are_never_shared(
    any_client, any_settings
) -> None:
    member, auth = await member_with_token(any_settings, "amina")
    space = await create_space(any_settings, "caseteam", private=True, owner=member)
    await Follow.get_or_create(follower=member, target=space, defaults={"accepted": True})
    assert (await _get(any_client, "/spaces/caseteam", auth))[0].status_code == 200
    assert (await _get(any_client, "/spaces/caseteam"))[0].status_code == 404
    own, _ = await _get(any_client, "/users/amina/following?page=1", auth)
    anonymous, _ = await _get(any_client, "/users/amina/following?page=1")
    assert space.uri in (await own.get_json())["orderedItems"]
    assert space.uri not in (await anonymous.get_json())["orderedItems"]
    own_again, _ = await _get(any_client, "/users/amina/following?page=1", auth)
    assert space.uri in (await own_again.get_json())["orderedItems"]


async def test_authorized_fetch_is_checked_before_the_cache(any_db: str, tmp_path: Path) -> None:
    from baraza.app import create_app

    settings = make_settings(any_db, tmp_path, authorized_fetch=True)
    member, _ = await member_with_token(settings, "amina")
    post = await actions.create_post(settings, member, "<p>public</p>")
    peer = await remote_peer(host="friends.example", name="fan")
    path = path_of(post.uri)
    application = create_app(settings, manage_database=False)
    async with application.test_app():
        client = application.test_client()
        signed = signed_get(path, peer.actor.key_id)
        assert (await _get(client, path, signed))[0].status_code == 200  # cached now
        assert (await _get(client, path))[0].status_code == 401
        full, _ = await _get(client, "/users/amina", signed_get("/users/amina", peer.actor.key_id))
        key_only, _ = await _get(client, "/users/amina")
        assert "name" in await full.get_json() and "name" not in await key_only.get_json()
        assert (await _get(client, "/users/amina/followers"))[0].status_code == 401
