"""An UPDATE or DELETE reports the rows it changed, not its triggers' rows too.

The cache-version triggers write a row for every changed post, actor or follow; tortoise's
SQLite client counted those as well, so a lifted suspension reported twice the posts it
restored. On SQLite and PostgreSQL, in and out of a transaction."""

from __future__ import annotations

from pathlib import Path

from tortoise.transactions import in_transaction

from actors.accounts import create_member
from outbox.actions import create_post
from storage.models import Actor, Post
from tests.conftest import make_settings


async def test_updates_and_deletes_count_their_own_rows(any_db: str, tmp_path: Path) -> None:
    settings = make_settings(any_db, tmp_path)
    amina = await create_member(settings, "amina")
    for n in range(3):
        await create_post(settings, amina, f"<p>{n}</p>")
    assert await Post.filter(actor_id=amina.id).update(sensitive=True) == 3
    assert await Actor.filter(id=amina.id).update(display_name="Amina") == 1
    async with in_transaction():
        assert await Post.filter(actor_id=amina.id).update(sensitive=False) == 3
    assert await Post.filter(actor_id=amina.id).delete() == 3
    assert await Post.filter(actor_id=amina.id).update(sensitive=True) == 0
