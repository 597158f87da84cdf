"""One action, one transaction: its state change and its deliveries commit together, and what
others must only see afterwards (stream events, notifications, waking the worker) runs after.

This is the transactional outbox of DESIGN.md: an action writes its rows, its `Activity` and
one `Delivery` per inbox inside `action()`; a crash at any line either keeps all of them or
none. Effects registered with `after_commit` run once the outermost action has committed, and
never when it rolls back.

Actions nest: `publish` and the space relay open `action()` themselves, so they work alone and
inside a caller's action. Inside, tortoise (1.1) finds the caller's transaction through its
context variable and opens a SAVEPOINT (SQLite) or a nested asyncpg transaction (PostgreSQL) on
the same connection, so the inner rows commit or roll back with the outer ones. The effects of
a nested action join the outer list only when the nested block succeeded.

Keep network I/O out of an action: on SQLite the transaction holds the process's only
connection, so a slow fetch inside one would stall every other request.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar

from tortoise.exceptions import BaseORMException
from tortoise.transactions import in_transaction

log = logging.getLogger(__name__)

Effect = Callable[[], Awaitable[None] | None]


class AfterCommit:
    """The effects an action has queued for after its commit, in the order they were queued."""

    def __init__(self) -> None:
        self.effects: list[Effect] = []

    def add(self, effect: Effect) -> None:
        self.effects.append(effect)

    async def run(self) -> None:
        """Run every effect. The action is committed by now: a database error in one effect
        (a notification that could not be written) is logged and must not turn a stored post
        into an error answer that invites the client to post it again."""
        for effect in self.effects:
            try:
                result = effect()
                if inspect.isawaitable(result):
                    await result
            except (BaseORMException, OSError) as exc:
                log.warning("an effect after commit failed: %s", exc)


_current: ContextVar[AfterCommit | None] = ContextVar("baraza_action", default=None)


def in_action() -> bool:
    return _current.get() is not None


@asynccontextmanager
async def action() -> AsyncIterator[AfterCommit]:
    """`async with action() as after:` — one transaction; `after.add(...)` for what follows it."""
    outer = _current.get()
    mine = AfterCommit()
    token = _current.set(mine)
    try:
        async with in_transaction():
            yield mine
    finally:
        _current.reset(token)
    if outer is not None:
        outer.effects.extend(mine.effects)  # the outer action has not committed yet
    else:
        await mine.run()


async def after_commit(effect: Effect) -> None:
    """Queue `effect` for after the current action's commit, or run it now outside any action."""
    current = _current.get()
    if current is not None:
        current.add(effect)
        return
    result = effect()
    if inspect.isawaitable(result):
        await result
