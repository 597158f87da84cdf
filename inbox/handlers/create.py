"""Create: a new post (Note, Article, Question, Page, ...) by the actor."""

from __future__ import annotations

from inbox.handlers.base import Context
from inbox.ingest import store_remote_post


async def handle(ctx: Context) -> None:
    inner = ctx.inner()
    if inner is None:
        return  # Create by reference only: nothing trustworthy to store
    from outbox.votes import is_vote, record_remote_vote

    if is_vote(inner):
        question = await ctx.post(inner["inReplyTo"])
        if question is not None and question.local and question.poll is not None:
            await record_remote_vote(question, ctx.actor, inner["name"])
            return  # a vote is counted, never stored as a post
    post = await store_remote_post(inner, ctx.actor, ctx.settings.base_url)
    if post is not None:
        from outbox.surface import notify_stored_post

        await notify_stored_post(post, ctx.actor)
    if post is not None and post.space_id is not None:
        from spaces.relay import relay_to_space

        await relay_to_space(ctx.settings, post)
