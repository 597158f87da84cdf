"""Cache versions (migration 0015, storage/cache_versions.py) on SQLite and PostgreSQL: the
database bumps a counter for every writer, and a cache filled under old counters is dropped."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from baraza.ids import new_id
from storage.cache_versions import VersionedCache, fresh_versions
from storage.models import Actor, DomainAllow, DomainBlock, InstanceSetting, Post


async def _remote(name: str) -> Actor:
    uri = f"https://peer.example/users/{name}"
    return await Actor.create(
        uri=uri,
        type="Person",
        username=name,
        domain="peer.example",
        inbox_url=f"{uri}/inbox",
        key_id=f"{uri}#main-key",
        public_key_pem="-",
        fetched_at=datetime.now(UTC),
    )


async def _moved(counter: str, write) -> int:
    before = (await fresh_versions())[counter]
    await write()
    return (await fresh_versions())[counter] - before


async def test_every_kind_of_policy_write_bumps_the_policy_counter(any_db: str) -> None:
    # Written directly, as the CLI's import, raw SQL or a test would: no code path to forget.
    assert await _moved(
        "policy", lambda: DomainBlock.create(domain="a.example", severity="silence")
    )
    assert await _moved(
        "policy", lambda: DomainBlock.filter(domain="a.example").update(severity="suspend")
    )
    assert await _moved("policy", lambda: DomainBlock.filter(domain="a.example").delete())
    assert await _moved("policy", lambda: DomainAllow.create(domain="b.example"))
    assert await _moved("policy", lambda: DomainAllow.filter(domain="b.example").delete())
    assert await _moved(
        "policy", lambda: InstanceSetting.create(key="federation_mode", value="allowlist")
    )
    assert await _moved(
        "policy", lambda: InstanceSetting.filter(key="federation_mode").update(value="open")
    )
    assert await _moved("policy", lambda: InstanceSetting.filter(key="federation_mode").delete())
    # Other settings are not the policy.
    assert not await _moved("policy", lambda: InstanceSetting.create(key="other", value="x"))


async def test_actor_and_post_changes_bump_their_counters_inserts_do_not(any_db: str) -> None:
    rita = await _remote("rita")
    assert not await _moved("actors", lambda: _remote("sam"))
    assert await _moved("actors", lambda: Actor.filter(id=rita.id).update(display_name="Rita"))
    post_id = new_id()

    async def insert() -> None:
        await Post.create(
            id=post_id,
            uri=f"https://peer.example/p/{post_id}",
            actor=rita,
            content="<p>x</p>",
            published=datetime.now(UTC),
        )

    assert not await _moved("posts", insert)
    assert await _moved("posts", lambda: Post.filter(id=post_id).update(content="<p>y</p>"))
    assert await _moved("posts", lambda: Post.filter(id=post_id).delete())
    assert await _moved("actors", lambda: Actor.filter(id=rita.id).delete())


async def test_a_cache_drops_what_was_filled_under_old_counters(any_db: str) -> None:
    cache: VersionedCache[str, str] = VersionedCache("test", ("policy",))
    token = await cache.begin()
    cache.put("k", "v", token)
    assert (await cache.begin(), cache.get("k")) == (token, "v")
    await DomainBlock.create(domain="c.example", severity="suspend")
    later = await cache.begin()
    assert later != token and cache.get("k") is None
    cache.put("k", "stale", token)  # loaded before the change: never stored
    assert cache.get("k") is None
    cache.put("k", "new", later)
    assert cache.get("k") == "new"


async def test_a_cache_is_bypassed_inside_a_transaction(any_db: str) -> None:
    cache: VersionedCache[str, str] = VersionedCache("test", ("policy",))
    async with in_transaction():
        assert await cache.begin() is None
        cache.put("k", "uncommitted view", None)
    assert cache.get("k") is None


async def test_concurrent_readers_share_reads_and_never_see_an_old_counter(any_db: str) -> None:
    first = await fresh_versions()
    await DomainBlock.create(domain="d.example", severity="suspend")
    answers = await asyncio.gather(*(fresh_versions() for _ in range(64)))
    assert all(a["policy"] == first["policy"] + 1 for a in answers)


def test_a_cache_holds_at_most_its_size() -> None:
    cache: VersionedCache[int, int] = VersionedCache("test", ("posts",), size=3)
    cache._filled_under = (0,)
    for n in range(5):
        cache.put(n, n, (0,))
    assert len(cache) == 3 and cache.get(0) is None and cache.get(4) == 4


async def test_follows_and_new_posts_have_their_own_counters(any_db: str) -> None:
    from storage.models import Follow

    rita, sam = await _remote("rita"), await _remote("sam")
    assert await _moved("follows", lambda: Follow.create(follower=rita, target=sam))
    assert await _moved("follows", lambda: Follow.filter(follower=rita).update(accepted=True))
    assert await _moved("follows", lambda: Follow.filter(follower=rita).delete())
    post_id = new_id()
    assert await _moved(
        "new_posts",
        lambda: Post.create(
            id=post_id,
            uri=f"https://peer.example/p/{post_id}",
            actor=rita,
            content="<p>x</p>",
            published=datetime.now(UTC),
        ),
    )


async def test_many_rows_in_one_transaction_bump_once_per_counter(any_db: str) -> None:
    rows = [await _remote(f"r{n}") for n in range(3)]
    before = await fresh_versions()
    async with in_transaction():
        for row in rows:
            await Actor.filter(id=row.id).update(display_name="x")
    moved = (await fresh_versions())["actors"] - before["actors"]
    assert moved >= 1  # SQLite counts each row, PostgreSQL each transaction: both invalidate
