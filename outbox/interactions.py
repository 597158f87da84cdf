"""Likes, boosts and bookmarks: one function each, whoever acts and through whichever door.

A local member likes through the Mastodon API or the C2S outbox; a remote actor's like
arrives in the inbox. Both pass through the same function here, so both meet the same rule
(the actor may see the post and its author does not block the actor), make the same state
change, are relayed the same way by a public space (FEP-1b12), and notify the author the same
way. The state change and its outbound deliveries commit in one transaction
(`outbox.commit.action`); the author is told after the commit, so nobody hears of a like
that was rolled back.

Acting on a post one may not see fails exactly like acting on a post that does not exist
(`NotFound("Record not found")`), so no door can be used to learn that a post exists.
"""

from __future__ import annotations

from actors.documents import iso
from actors.urls import activity_url
from baraza.ids import new_id
from baraza.settings import Settings
from federation.activities import PUBLIC
from federation.errors import NotFound, Unprocessable
from outbox.audience import remote_followers
from outbox.commit import action
from outbox.documents import wrap_activity
from outbox.publish import publish
from outbox.reading import remote_requester, space_is_private, subject_of
from outbox.received import Received
from outbox.surface import notify
from outbox.viewing import may_view
from outbox.visibility import may_see
from storage.models import Actor, Announce, Block, Bookmark, Like, Post

HIDDEN = "Record not found"  # the same words as for an id that names nothing
NOT_BOOSTABLE = "Validation failed: this status cannot be reblogged"


def may_interact(*, visible: bool, blocked_by_author: bool) -> bool:
    """Pure: a like, boost or bookmark needs a post the actor may see, by an author who has
    not blocked the actor (Mastodon hides a blocker's posts from the blocked, so for them the
    post is as good as absent)."""
    return visible and not blocked_by_author


def may_boost(visibility: str) -> bool:
    """Pure: a boost shows the post to the booster's followers, so only posts that anyone may
    already read can be boosted; boosting a followers-only post would publish it."""
    return visibility in ("public", "unlisted")


async def author_of(post: Post) -> Actor:
    return post.actor if isinstance(post.actor, Actor) else await post.actor


async def _may_see_post(post: Post, actor: Actor) -> bool:
    if actor.local:
        return await may_view(post, actor)
    if not post.local:
        # Who may see a remote post is its own server's call: a remote actor's interaction
        # with it reached us because that server let it, and we have no better facts.
        return post.deleted_at is None
    subject = subject_of(post, await space_is_private(post))
    return may_see(subject, await remote_requester(post, actor))


async def require_visible(post: Post, actor: Actor) -> None:
    """Raise the same 404 as for a missing post unless `actor` may interact with `post`."""
    visible = await _may_see_post(post, actor)
    blocked = await Block.exists(actor_id=post.actor_id, target=actor)
    if not may_interact(visible=visible, blocked_by_author=blocked):
        raise NotFound(HIDDEN)


async def _relay(settings: Settings, post: Post, doc: dict) -> None:
    """A post in a public local space has its likes announced by the space to its followers."""
    if post.space_id is not None:
        from spaces.relay import relay_activity_to_space

        await relay_activity_to_space(settings, post, doc)


async def like(
    settings: Settings, actor: Actor, post: Post, received: Received | None = None
) -> Like:
    """`actor` likes `post`: stored, sent to the author's server, relayed, the author told."""
    author = await author_of(post)
    activity_id = new_id()
    uri = received.uri if received else activity_url(settings, activity_id)
    async with action() as after:
        await require_visible(post, actor)
        record, created = await Like.get_or_create(actor=actor, post=post, defaults={"uri": uri})
        if created:
            if received is None:
                doc = wrap_activity(uri, "Like", actor, post.uri, to=[author.uri], cc=[])
                await publish(
                    settings, actor, doc, [] if author.local else [author], activity_id=activity_id
                )
            else:
                doc = received.document
            await _relay(settings, post, doc)
            after.add(lambda: notify(author, "favourite", actor, post))
    return record


async def unlike(
    settings: Settings, actor: Actor, post: Post, received: Received | None = None
) -> None:
    await _undo(settings, actor, post, Like, "Like", received, with_followers=False)


async def announce(
    settings: Settings, actor: Actor, post: Post, received: Received | None = None
) -> Announce:
    """`actor` boosts `post`: stored, sent to the author and the booster's followers, the
    author told. A remote Announce is also how a remote space relays a post (FEP-1b12)."""
    author = await author_of(post)
    activity_id = new_id()
    uri = received.uri if received else activity_url(settings, activity_id)
    async with action() as after:
        await require_visible(post, actor)
        if not may_boost(post.visibility):
            raise Unprocessable(NOT_BOOSTABLE)
        record, created = await Announce.get_or_create(
            actor=actor, post=post, defaults={"uri": uri}
        )
        if created and received is None:
            doc = wrap_activity(
                uri,
                "Announce",
                actor,
                post.uri,
                to=[PUBLIC],
                cc=[author.uri, actor.followers_url],
                published=iso(record.created_at),
            )
            recipients = [] if author.local else [author]
            recipients += await remote_followers(actor)
            await publish(settings, actor, doc, recipients, activity_id=activity_id)
        if created:
            after.add(lambda: notify(author, "reblog", actor, post))
    return record


async def unannounce(
    settings: Settings, actor: Actor, post: Post, received: Received | None = None
) -> None:
    await _undo(settings, actor, post, Announce, "Announce", received, with_followers=True)


async def _undo(
    settings: Settings,
    actor: Actor,
    post: Post,
    model: type[Like] | type[Announce],
    kind: str,
    received: Received | None,
    *,
    with_followers: bool,
) -> None:
    """Withdraw a like or boost. A local member must still see the post (or the answer would
    tell whether it exists); a remote actor may always withdraw its own."""
    author = await author_of(post)
    async with action():
        if received is None:
            await require_visible(post, actor)
        record = await model.get_or_none(actor=actor, post=post)
        if record is None:
            return
        await record.delete()
        if received is not None:
            if kind == "Like":
                await _relay(settings, post, received.document)
            return
        activity_id = new_id()
        uri = activity_url(settings, activity_id)
        inner = {"id": record.uri, "type": kind, "actor": actor.uri, "object": post.uri}
        doc = wrap_activity(
            uri,
            "Undo",
            actor,
            inner,
            to=[author.uri],
            cc=[actor.followers_url] if with_followers else [],
        )
        recipients = [] if author.local else [author]
        if with_followers:
            recipients += await remote_followers(actor)
        await publish(settings, actor, doc, recipients, activity_id=activity_id)
        if kind == "Like":
            await _relay(settings, post, doc)


async def undo_by_uri(
    settings: Settings,
    actor: Actor,
    model: type[Like] | type[Announce],
    inner_uri: str,
    received: Received,
) -> bool:
    """A remote Undo that names only the id of the Like or Announce it withdraws."""
    record = await model.get_or_none(actor=actor, uri=inner_uri).prefetch_related("post")
    if record is None:
        return False
    undo = unlike if model is Like else unannounce
    await undo(settings, actor, record.post, received)
    return True


async def bookmark(member: Actor, post: Post) -> Bookmark:
    """Only the member sees a bookmark: nothing is sent and nobody is told."""
    await require_visible(post, member)
    record, _ = await Bookmark.get_or_create(actor=member, post=post)
    return record


async def unbookmark(member: Actor, post: Post) -> None:
    await require_visible(post, member)
    await Bookmark.filter(actor=member, post=post).delete()
