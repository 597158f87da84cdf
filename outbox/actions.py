"""The post lifecycle as core actions: create (reply, poll, Talk, space post), delete, and
an inbound post applied through the same path. Every door calls these.

Each action changes local state and publishes its activity in one transaction; publishing
writes the delivery rows, so nothing is sent that was not also stored. Follows live in
`outbox.graph`, likes and boosts in `outbox.interactions`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from actors.documents import iso
from actors.last_active import mark_active
from actors.urls import activity_url, post_url
from baraza.ids import new_id
from baraza.language import CANDIDATES, detect_language, validate_language
from baraza.sanitize import clean_html
from baraza.settings import Settings
from federation.activities import PUBLIC
from federation.errors import NotFound, Refused, Unprocessable
from outbox import surface
from outbox.audience import addressing, recipients_for, stored_visibility
from outbox.commit import action
from outbox.documents import object_document, tombstone_document, wrap_activity
from outbox.edits import version
from outbox.publish import publish
from outbox.surface import notify_stored_post
from storage.models import Actor, Follow, IdempotentRequest, MediaAttachment, Post


def _new_activity_url(settings: Settings) -> tuple[int, str]:
    activity_id = new_id()
    return activity_id, activity_url(settings, activity_id)


async def create_post(
    settings: Settings,
    member: Actor,
    content_html: str,
    *,
    visibility: str = "public",
    mentions: list[Actor] | None = None,
    in_reply_to: Post | None = None,
    space: Actor | None = None,
    summary: str = "",
    sensitive: bool = False,
    language: str | None = None,
    tags: list[dict[str, Any]] | None = None,
    attachments: list[dict[str, Any]] | None = None,
    post_type: str = "Note",
    name: str = "",
    document: dict[str, Any] | None = None,
    poll: dict[str, Any] | None = None,
    media_ids: list[int] | None = None,
    source: str | None = None,
    idempotency_key: str | None = None,
) -> Post:
    """A local member's post — a reply, a poll, a Talk, a post in a space — from any door.

    In one transaction: may the member post there, the post, its uploaded media (`media_ids`,
    the member's and still unattached), its `Create` with one delivery per inbox, and the
    space's relay (an `Announce` a public space delivers, a private one keeps here). Without
    `space`, the space is the one `spaces.destination` chooses (a reply's, or one mentioned).
    A crash loses all of it or none. After the commit: the post is streamed and
    the local members it mentions are notified. `source` is the text the member typed, kept
    as the first version (the API's `/source` and edit history read it). `idempotency_key`
    (the API's `Idempotency-Key`) is stored with the post, so a client retrying after a crash
    finds the post it made, and two requests with one key make one post.
    """
    mentions = mentions or []
    language = (
        validate_language(language)
        if language
        else detect_language(content_html, candidates=CANDIDATES, fallback=member.language)
    )
    content = clean_html(content_html)
    post_id = new_id()
    uri = post_url(settings, member.username, post_id)
    async with action() as after:
        if space is None:
            # From any app: a reply stays in its parent's space, a mention of a space the
            # author may post in posts into it, never more visible than the space allows.
            from spaces.destination import destination_for

            space, visibility = await destination_for(member, visibility, mentions, in_reply_to)
        if space is not None and space.private and space.local:
            if not await Follow.exists(follower=member, target=space, accepted=True):
                raise Unprocessable("only members of a private space may post in it")
        if space is not None and space.local:
            # A space named by the door (C2S, the web form, Talks): archived or restricted to
            # moderators, it refuses the post as the destination rule does for a mention.
            from spaces.destination import posting_refusal_for
            from spaces.space_rules import REASONS

            refusal = await posting_refusal_for(space, member)
            if refusal is not None and refusal != "not_member":
                raise Unprocessable(REASONS[refusal])
        space_private = bool(space and space.private)
        address = addressing(
            visibility,
            member.followers_url or "",
            [m.uri for m in mentions],
            space.uri if space else None,
            space_private,
        )
        mention_tags = [{"type": "Mention", "href": m.uri, "name": f"@{m.acct}"} for m in mentions]
        post = Post(
            id=post_id,
            uri=uri,
            url=settings.url(f"/@{member.username}/{post_id}"),
            type=post_type,
            actor=member,
            local=True,
            content=content,
            summary=summary,
            name=name,
            sensitive=sensitive,
            language=language,
            in_reply_to_uri=in_reply_to.uri if in_reply_to else None,
            visibility=stored_visibility(visibility, space_private),
            space=space,
            audience=space.uri if space else None,
            to=address.to,
            cc=address.cc,
            tags=[*mention_tags, *(tags or [])],
            attachments=attachments or [],
            document=document,
            poll=poll,
            published=datetime.now(UTC),
        )
        if source is not None:
            post.edits = [version(post, source)]
        await post.save(force_create=True)
        if idempotency_key:
            await IdempotentRequest.create(actor=member, key=idempotency_key, post_id=post.id)
        if media_ids:
            attached = await MediaAttachment.filter(
                id__in=media_ids, owner=member, post_id=None
            ).update(post_id=post.id)
            if attached != len(set(media_ids)):
                raise Unprocessable("Validation failed: unknown or already used media_ids")
        note = object_document(post, member, with_context=False)
        doc = wrap_activity(
            f"{uri}/activity",
            "Create",
            member,
            note,
            to=address.to,
            cc=address.cc,
            published=iso(post.published),
        )
        await publish(settings, member, doc, await recipients_for(post, member, mentions))
        if space is not None and space.local:
            from spaces.relay import relay_to_space

            await relay_to_space(settings, post)
        after.add(lambda: notify_stored_post(post, member))
    await mark_active(member)
    return post


async def receive_post(
    settings: Settings,
    author: Actor,
    uri: str | None,
    store: Callable[[], Awaitable[Post | None]],
) -> Post | None:
    """A remote post, through the same layer as a local one.

    `store` (the inbox's parser, which knows what a remote object may say) stores it, and a
    public space relays it, in one transaction. After the commit the post is streamed if it
    is new here, and the local members it mentions are notified — once each, even when the
    same Create is handled twice (after a crash the sweeper runs it again) or the post was
    fetched earlier for another reason: `surface.notify` makes a mention only once per post.
    """
    async with action() as after:
        known = bool(uri) and await Post.exists(uri=uri)
        post = await store()
        if post is None or post.actor_id != author.id:
            return None  # irrelevant here, or someone else's post: nothing to surface
        if post.space_id is not None:
            from spaces.relay import relay_to_space

            await relay_to_space(settings, post)
        after.add(lambda: notify_stored_post(post, author, new=not known))
    return post


async def delete_post(settings: Settings, member: Actor, post: Post) -> None:
    """The author deletes a post: the tombstone, its `Delete` to everyone the post reached and
    a public space's relay in one transaction; then open streams drop it.

    The rule for every door: a post the member may not see is answered like a missing one (no
    probing for hidden posts), someone else's visible post is refused, a deleted one is done."""
    if post.deleted_at is not None:
        return
    from outbox.viewing import may_view

    if not await may_view(post, member):
        raise NotFound("Record not found")
    if post.actor_id != member.id:
        raise Refused("This action is not allowed")
    await tombstone_post(settings, member, post)


async def tombstone_post(settings: Settings, author: Actor, post: Post) -> bool:
    """The author's delete without the door's checks: the tombstone and its `Delete`, signed by
    the author, to everyone the post reached. The author's own delete and a moderator's removal
    of a local post (`outbox/post_removal.py`) both end here; False when it was already gone."""
    member = author
    now = datetime.now(UTC)
    async with action() as after:
        # Compare-and-set: of two deletes at once, only one sends a Delete.
        if not await Post.filter(id=post.id, deleted_at=None).update(deleted_at=now):
            return False
        post.deleted_at = now
        mentions = [
            actor
            for actor in await Actor.filter(
                uri__in=[t["href"] for t in post.tags if t.get("type") == "Mention"]
            )
        ]
        recipients = await recipients_for(post, member, mentions)
        activity_id, uri = _new_activity_url(settings)
        tombstone = tombstone_document(post)
        tombstone.pop("@context", None)
        doc = wrap_activity(
            uri,
            "Delete",
            member,
            tombstone,
            to=[PUBLIC] if post.visibility in ("public", "unlisted") else post.to,
            cc=post.cc,
        )
        await publish(settings, member, doc, recipients, activity_id=activity_id)
        if post.space_id:
            from spaces.relay import relay_activity_to_space

            await relay_activity_to_space(settings, post, doc)
        after.add(lambda: surface.status_deleted(post))
    return True
