"""Open connections: the pure decisions (may it keep receiving, does a change concern it) and
the sweeper that notices changes another process made."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from actors.accounts import create_member
from clientapi.tokens import issue_token
from outbox import stream_bus
from outbox.connections import TokenStanding, may_keep_receiving, sweep_once, token_standings
from outbox.stream_bus import AccessChange, Watch, concerns
from storage.models import AccessToken, Actor

FINE = TokenStanding(revoked=False, account_id=7, account_suspended=False)

STANDINGS = [
    (FINE, True, "an unrevoked token of an active account"),
    (None, False, "the token row is gone"),
    (TokenStanding(True, 7, False), False, "revoked"),
    (TokenStanding(False, 7, True), False, "the account is suspended"),
    (TokenStanding(False, 8, False), False, "the token now names someone else"),
    (TokenStanding(False, None, False), False, "an app-only token"),
]  # fmt: skip


@pytest.mark.parametrize(("standing", "allowed", "why"), STANDINGS, ids=[s[2] for s in STANDINGS])
def test_may_keep_receiving(standing: TokenStanding | None, allowed: bool, why: str) -> None:
    assert may_keep_receiving(standing, 7) is allowed, why


STREAM = Watch(token_id=1, account_id=7)
EDITOR = Watch(token_id=2, account_id=7, space_id=30)

CONCERNS = [
    (AccessChange(token_id=1), STREAM, True, "its token was revoked"),
    (AccessChange(token_id=1), EDITOR, False, "another token of the same member"),
    (AccessChange(actor_id=7), STREAM, True, "its member was suspended"),
    (AccessChange(actor_id=7), EDITOR, True, "its member was suspended (co-editing too)"),
    (AccessChange(actor_id=30), EDITOR, True, "its space was suspended"),
    (AccessChange(actor_id=30), STREAM, False, "a space the stream is not tied to"),
    (AccessChange(actor_id=7, space_id=30), EDITOR, True, "its member left its space"),
    (AccessChange(actor_id=7, space_id=31), EDITOR, False, "its member left another space"),
    (AccessChange(actor_id=7, space_id=30), STREAM, False, "leaving a space keeps the stream"),
    (AccessChange(actor_id=8, space_id=30), EDITOR, False, "someone else left its space"),
    (AccessChange(), STREAM, False, "an empty change"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "watch", "expected", "why"), CONCERNS, ids=[c[3] for c in CONCERNS]
)
def test_concerns(change: AccessChange, watch: Watch, expected: bool, why: str) -> None:
    assert concerns(change, watch) is expected, why


async def test_access_changed_wakes_only_the_connections_it_concerns() -> None:
    mine, other = stream_bus.watch(1, 7, 30), stream_bus.watch(2, 8, 30)
    try:
        stream_bus.membership_ended(7, 30)
        assert mine.changed.is_set() and not other.changed.is_set()
    finally:
        stream_bus.unwatch(mine)
        stream_bus.unwatch(other)


async def test_sweeper_wakes_connections_whose_token_was_revoked_elsewhere(any_db, settings_for):
    """No event is published (another process made the change): one query finds it anyway."""
    settings = settings_for(any_db)
    carla = await create_member(settings, "carla")
    dario = await create_member(settings, "dario")
    await issue_token(carla, "read")
    await issue_token(dario, "read")
    carla_token = await AccessToken.get(account_id=carla.id)
    dario_token = await AccessToken.get(account_id=dario.id)
    revoked = stream_bus.watch(carla_token.id, carla.id)
    kept = stream_bus.watch(dario_token.id, dario.id)
    suspended = stream_bus.watch(dario_token.id, dario.id)
    try:
        assert await sweep_once() == 0
        await AccessToken.filter(id=carla_token.id).update(revoked_at=datetime.now(UTC))
        assert await sweep_once() == 1
        assert revoked.changed.is_set() and not kept.changed.is_set()
        await Actor.filter(id=dario.id).update(suspended_at=datetime.now(UTC))
        assert await sweep_once() == 3
        assert suspended.changed.is_set()
        standings = await token_standings([carla_token.id, dario_token.id])
        assert standings[dario_token.id].account_suspended
    finally:
        for opened in (revoked, kept, suspended):
            stream_bus.unwatch(opened)


@pytest.fixture
def settings_for(tmp_path):
    from tests.conftest import make_settings

    return lambda url: make_settings(url, tmp_path)
