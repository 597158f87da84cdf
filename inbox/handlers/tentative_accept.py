"""TentativeAccept: a remote participant's "maybe" to one of our public Talks (Mobilizon)."""

from __future__ import annotations

from inbox.handlers.base import Context


async def handle(ctx: Context) -> None:
    from spaces.talks import record_remote_answer

    await record_remote_answer(
        ctx.actor, ctx.activity.object_id, "TentativeAccept", ctx.activity.id
    )
