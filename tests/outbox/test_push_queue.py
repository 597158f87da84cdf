"""The Web Push queue's states, on SQLite and PostgreSQL: claims share the delivery queue's
lease (a row is never held twice; an expired lease is claimed again, which is all of crash
recovery) and each outcome moves a row to its next state."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from actors.accounts import create_member
from baraza.ids import new_id
from clientapi.tokens import token_hash
from outbox import claims
from outbox.backoff import MAX_ATTEMPTS, Outcome
from outbox.push_send import record_outcome
from storage.models import AccessToken, Notification, PushDelivery, PushSubscription
from tests.conftest import make_settings


@pytest.fixture
async def subscription(any_db: str, tmp_path: Path) -> PushSubscription:
    settings = make_settings(any_db, tmp_path)
    amina = await create_member(settings, "amina")
    bilal = await create_member(settings, "bilal")
    token = await AccessToken.create(token_hash=token_hash("t"), account=bilal, scopes="push")
    sub = await PushSubscription.create(
        token=token, account=bilal, endpoint="https://push.example/x", p256dh="k", auth="a",
        alerts={"mention": True},
    )  # fmt: skip
    sub.amina = amina  # type: ignore[attr-defined]
    return sub


async def _row(sub: PushSubscription, **fields: object) -> PushDelivery:
    note = await Notification.create(
        id=new_id(), recipient_id=sub.account_id, type="mention",  # type: ignore[attr-defined]
        account=sub.amina,  # type: ignore[attr-defined]
    )  # fmt: skip
    defaults = {"next_try_at": datetime.now(UTC) - timedelta(seconds=1)}
    return await PushDelivery.create(
        subscription=sub, notification=note, host="push.example", **{**defaults, **fields}
    )


async def test_due_rows_are_claimed_once_and_future_ones_wait(subscription) -> None:
    due = [await _row(subscription) for _ in range(5)]
    later = await _row(subscription, next_try_at=datetime.now(UTC) + timedelta(hours=1))
    first, second = await asyncio.gather(
        claims.claim(5, queue=PushDelivery), claims.claim(5, queue=PushDelivery)
    )
    ids = [r.id for r in first + second]
    assert sorted(ids) == sorted(r.id for r in due), "each due row exactly once"
    assert later.id not in ids
    assert await claims.claim(5) == [], "the federation queue is another table"


async def test_an_expired_lease_is_claimed_again(subscription) -> None:
    row = await _row(
        subscription, state="sending", claimed_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert [r.id for r in await claims.claim(5, queue=PushDelivery)] == [row.id]


@pytest.mark.parametrize(
    ("status", "error", "attempts", "state", "outcome"),
    [
        (201, None, 0, "delivered", Outcome.DELIVERED),
        (503, None, 0, "queued", Outcome.RETRY),
        (None, "timeout", 0, "queued", Outcome.RETRY),
        (429, None, 0, "queued", Outcome.RETRY),
        (400, None, 0, "failed", Outcome.GIVE_UP),
        (503, None, MAX_ATTEMPTS - 1, "failed", Outcome.RETRY),
    ],
)
async def test_each_outcome_moves_the_row(
    subscription, status, error, attempts, state, outcome
) -> None:
    row = await _row(subscription, state="sending", attempts=attempts)
    assert await record_outcome(row, status, error) is outcome
    stored = await PushDelivery.get(id=row.id)
    assert (stored.state, stored.attempts, stored.claimed_until) == (state, attempts + 1, None)
    if state == "queued":
        assert stored.next_try_at > datetime.now(UTC)


async def test_a_late_outcome_never_overwrites_a_reclaimed_row(subscription) -> None:
    row = await _row(subscription, state="queued")  # no longer ours: released or reclaimed
    await record_outcome(row, 201, None)
    assert (await PushDelivery.get(id=row.id)).state == "queued"
