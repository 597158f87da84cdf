"""The schema migrates on both engines, twice harmlessly, and enforces what the code relies on."""

from __future__ import annotations

import pytest
from tortoise.exceptions import IntegrityError

from storage.database import close_database, open_database, upgrade_schema
from storage.models import Activity, Actor, Follow


def _actor(uri: str, name: str | None = None) -> dict:
    return dict(
        uri=uri,
        type="Person",
        username=name or "x",
        domain="example.org",
        inbox_url=uri + "/inbox",
        key_id=uri + "#k",
        public_key_pem="pem",
        local_username=name,
    )


async def test_migrating_twice_is_harmless(any_db: str) -> None:
    await Actor.create(**_actor("https://example.org/u/a", "a"))
    await close_database()
    await upgrade_schema(any_db)
    await close_database()
    await open_database(any_db)
    assert await Actor.all().count() == 1


async def test_local_names_are_unique_across_members_and_spaces(any_db: str) -> None:
    await Actor.create(**_actor("https://example.org/users/a", "a"))
    with pytest.raises(IntegrityError):
        await Actor.create(**{**_actor("https://example.org/spaces/a", "a"), "type": "Group"})


async def test_remote_actors_need_no_local_name(any_db: str) -> None:
    await Actor.create(**_actor("https://one.example/u/a"))
    await Actor.create(**_actor("https://two.example/u/a"))
    assert await Actor.filter(local_username=None).count() == 2


async def test_activity_ids_are_the_dedupe_key(any_db: str) -> None:
    await Activity.create(
        id=1, uri="https://x.example/a/1", type="Like", actor_uri="a", document={}
    )
    with pytest.raises(IntegrityError):
        await Activity.create(
            id=2, uri="https://x.example/a/1", type="Like", actor_uri="a", document={}
        )


async def test_one_follow_per_pair(any_db: str) -> None:
    a = await Actor.create(**_actor("https://example.org/u/a", "a"))
    b = await Actor.create(**_actor("https://example.org/u/b", "b"))
    await Follow.create(follower=a, target=b)
    with pytest.raises(IntegrityError):
        await Follow.create(follower=a, target=b)
