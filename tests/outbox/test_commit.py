"""One action, one transaction: rows commit together, effects wait for the commit.

These pin how tortoise 1.1 nests `in_transaction` on both engines (a SAVEPOINT on SQLite, a
nested asyncpg transaction on PostgreSQL), which is what lets `publish` join a caller's action.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from actors.accounts import create_member
from baraza.ids import new_id
from outbox import publish as publish_module
from outbox.commit import action, after_commit
from outbox.publish import publish
from storage.models import Activity, Actor, Delivery
from tests.conftest import make_settings


class Boom(Exception):
    """Raised on purpose inside an action."""


async def _remote(uri: str) -> Actor:
    return await Actor.create(
        uri=uri,
        type="Person",
        username="r",
        domain=uri.split("/")[2],
        inbox_url=f"{uri}/inbox",
        key_id=f"{uri}#main-key",
        public_key_pem="unused",
    )


def _doc(actor: Actor) -> dict:
    uri = f"{actor.uri}/activities/{new_id()}"
    return {"id": uri, "type": "Create", "actor": actor.uri, "object": f"{uri}/note"}


async def test_publish_inside_a_failed_action_leaves_no_row(any_db: str, tmp_path: Path) -> None:
    settings = make_settings(any_db, tmp_path)
    member = await create_member(settings, "amina")
    remote = await _remote("https://peer.example/users/r")
    with pytest.raises(Boom):
        async with action():
            await publish(settings, member, _doc(member), [remote])
            assert await Activity.all().count() == 1  # visible inside the transaction
            raise Boom
    assert await Activity.all().count() == 0
    assert await Delivery.all().count() == 0


async def test_a_failure_inside_publish_rolls_back_the_callers_rows(
    any_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(any_db, tmp_path)
    member = await create_member(settings, "amina")
    remote = await _remote("https://peer.example/users/r")

    async def refuse(*_args: object, **_kwargs: object) -> None:
        raise Boom

    monkeypatch.setattr(Delivery, "bulk_create", refuse)
    with pytest.raises(Boom):
        async with action():
            await Actor.filter(id=member.id).update(display_name="changed")
            await publish(settings, member, _doc(member), [remote])
    assert (await Actor.get(id=member.id)).display_name == member.display_name
    assert await Activity.all().count() == 0


async def test_the_worker_is_woken_after_the_outer_commit_only(
    any_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(any_db, tmp_path)
    member = await create_member(settings, "amina")
    remote = await _remote("https://peer.example/users/r")
    woken: list[int] = []
    monkeypatch.setattr(publish_module, "wake_workers", lambda: woken.append(len(woken)))
    async with action():
        await publish(settings, member, _doc(member), [remote])
        assert woken == [], "woken before its rows were committed"
    assert woken == [0]
    with pytest.raises(Boom):
        async with action():
            await publish(settings, member, _doc(member), [remote])
            raise Boom
    assert woken == [0], "a rolled-back action wakes nobody"


async def test_effects_of_a_failed_nested_action_are_dropped(db: str) -> None:
    ran: list[str] = []
    async with action() as after:
        after.add(lambda: ran.append("outer"))
        with pytest.raises(Boom):
            async with action() as inner:
                inner.add(lambda: ran.append("inner failed"))
                raise Boom
        async with action():
            await after_commit(lambda: ran.append("inner kept"))
        assert ran == []
    assert ran == ["outer", "inner kept"]


async def test_outside_an_action_an_effect_runs_at_once() -> None:
    ran: list[str] = []

    async def effect() -> None:
        ran.append("now")

    await after_commit(effect)
    assert ran == ["now"]


async def test_a_database_error_after_the_commit_does_not_undo_or_fail_the_action(
    db: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The post is stored and federating by then: answering an error would only invite the
    client to post it again."""
    from tortoise.exceptions import OperationalError

    settings = make_settings(db, tmp_path)
    member = await create_member(settings, "amina")
    ran: list[str] = []

    def broken() -> None:
        raise OperationalError("notifications table unavailable")

    async with action() as after:
        await publish(settings, member, _doc(member), [])
        after.add(broken)
        after.add(lambda: ran.append("next effect"))
    assert await Activity.all().count() == 1
    assert ran == ["next effect"]
    assert "notifications table unavailable" in caplog.text
