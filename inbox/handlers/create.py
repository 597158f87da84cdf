"""Create: a new post (Note, Article, Question, Page, ...) by the actor, or a vote.

The post goes through `outbox.actions.receive_post`, the same layer as a local post: stored and
relayed in one transaction, surfaced after it. Handling the same Create twice (the processor
runs it again after a crash) stores nothing new and notifies nobody twice.
"""

from __future__ import annotations

from inbox.handlers.base import Context
from inbox.ingest import store_remote_post
from outbox.actions import receive_post


async def handle(ctx: Context) -> None:
    inner = ctx.inner()
    if inner is None:
        return  # Create by reference only: nothing trustworthy to store
    from outbox.polls import is_vote
    from outbox.votes import record_remote_vote

    if is_vote(inner):
        question = await ctx.post(inner["inReplyTo"])
        if question is not None and question.local and question.poll is not None:
            await record_remote_vote(question, ctx.actor, inner["name"])
            return  # a vote is counted, never stored as a post
    uri = inner.get("id")
    await receive_post(
        ctx.settings,
        ctx.actor,
        uri if isinstance(uri, str) else None,
        lambda: store_remote_post(inner, ctx.actor, ctx.settings.base_url),
    )
