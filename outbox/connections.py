"""May an open connection (a stream, a co-editing socket) still receive? Asked before every frame.

A long-lived connection was authorised once, at its upgrade; what it is allowed afterwards
must follow the token and the account as they are now, not as they were. So each door asks
`still_receiving` before it sends a frame: one indexed query (the token joined to its
account), answered by the pure `may_keep_receiving`. This is what stops delivery, in this
process or any other, the moment a token is revoked or an account suspended.

Closing an idle connection is the other half: `outbox.stream_bus` wakes the connections a
change concerns when the change happens in this process; the sweeper here polls, once per
`SWEEP_SECONDS` for all open connections together (one query), for changes another process
made (`baraza moderation suspend` in a terminal, a second server process), and wakes those.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.exceptions import BaseORMException

from outbox import stream_bus
from storage.models import AccessToken

log = logging.getLogger(__name__)

SWEEP_SECONDS = 0.5


@dataclass(frozen=True)
class TokenStanding:
    """The facts about one connection's token, as the database holds them now."""

    revoked: bool
    account_id: int | None  # whom the token speaks for (None: an app-only token)
    account_suspended: bool


def may_keep_receiving(standing: TokenStanding | None, account_id: int) -> bool:
    """Pure: a connection opened for `account_id` keeps receiving while its token is unrevoked
    and still names that account, and the account is not suspended. A token that no longer
    exists (`None`) is revoked. Table-tested."""
    if standing is None or standing.revoked:
        return False
    return standing.account_id == account_id and not standing.account_suspended


async def token_standings(token_ids: Iterable[int]) -> dict[int, TokenStanding]:
    """One query for any number of tokens (by primary key, joined to their accounts)."""
    ids = sorted(set(token_ids))
    if not ids:
        return {}
    rows = await AccessToken.filter(id__in=ids).values(
        "id", "revoked_at", "account_id", "account__suspended_at"
    )
    return {
        row["id"]: TokenStanding(
            revoked=row["revoked_at"] is not None,
            account_id=row["account_id"],
            account_suspended=row["account__suspended_at"] is not None,
        )
        for row in rows
    }


async def still_receiving(token_id: int, account_id: int) -> bool:
    """Asked before each frame a connection sends."""
    standing = (await token_standings([token_id])).get(token_id)
    return may_keep_receiving(standing, account_id)


def open_watch(token_id: int, account_id: int, space_id: int | None = None) -> stream_bus.Watch:
    """Register an open connection and make sure changes from other processes reach it too."""
    opened = stream_bus.watch(token_id, account_id, space_id)
    _ensure_sweeper()
    return opened


async def sweep_once() -> int:
    """Wake every open connection whose token or account no longer allows it; how many woke."""
    open_now = stream_bus.watches()
    standings = await token_standings(w.token_id for w in open_now)
    woken = 0
    for opened in open_now:
        if not may_keep_receiving(standings.get(opened.token_id), opened.account_id):
            opened.changed.set()
            woken += 1
    return woken


_sweeper: asyncio.Task[None] | None = None


def _ensure_sweeper() -> None:
    global _sweeper
    loop = asyncio.get_running_loop()
    if _sweeper is None or _sweeper.done() or _sweeper.get_loop() is not loop:
        _sweeper = loop.create_task(_sweep(), name="connection-sweeper")


async def _sweep() -> None:
    """Runs while any connection is open, then ends; the next connection starts it again."""
    while stream_bus.watches():
        await asyncio.sleep(SWEEP_SECONDS)
        try:
            await sweep_once()
        except (BaseORMException, OSError) as exc:
            # The per-frame check still guards delivery; the next sweep tries again.
            log.warning("connection sweep failed: %s", exc)
