"""Posting a status from the client API: validate everything, then one `create_post`.

Every check (text length, visibility, language, reply target, media ownership) runs before
anything is written, so a 422 leaves no row behind. Mentions are resolved here (WebFinger may
take a while) and never inside the action's transaction; the action notifies and streams.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actors.accounts import local_actor
from actors.existence import mentionable
from baraza.services import services
from clientapi.params import Params, row_id
from clientapi.statuses.compose import MentionLink, mentioned_handles, render, valid_language
from federation.errors import FederationError, NotFound, Unprocessable
from outbox import actions
from outbox.audience import VISIBILITIES
from outbox.scheduled import scheduled_media
from outbox.viewing import visible_post
from storage.models import Actor, MediaAttachment, Post

MAX_CHARACTERS = 5000
MAX_MEDIA = 4


@dataclass
class Draft:
    text: str
    visibility: str
    spoiler_text: str
    sensitive: bool
    language: str | None
    in_reply_to: Post | None
    media: list[MediaAttachment]
    poll: dict[str, Any] | None = None


def _language(value: str) -> str | None:
    if not value:
        return None
    if not valid_language(value):
        raise Unprocessable(f"Validation failed: {value[:20]!r} is not an ISO 639-1 language")
    return value.lower()


async def read_draft(member: Actor, params: Params) -> Draft:
    text = params.text("status")
    media_ids = [str(m) for m in params.getlist("media_ids") if str(m)]
    if not text.strip() and not media_ids:
        raise Unprocessable("Validation failed: Text can't be blank")
    if len(text) > MAX_CHARACTERS:
        raise Unprocessable(f"Validation failed: Text is over {MAX_CHARACTERS} characters")
    visibility = params.text("visibility") or "public"
    if visibility not in VISIBILITIES:
        raise Unprocessable(f"Validation failed: visibility must be one of {VISIBILITIES}")
    reply_id = params.text("in_reply_to_id")
    in_reply_to = await visible_post(reply_id, member) if reply_id else None
    if len(media_ids) > MAX_MEDIA:
        raise Unprocessable(f"Validation failed: at most {MAX_MEDIA} attachments")
    media: list[MediaAttachment] = []
    if media_ids:
        if not all(row_id(m) is not None for m in media_ids):
            raise Unprocessable("Validation failed: media_ids must be attachment ids")
        rows = {
            str(m.id): m
            for m in await MediaAttachment.filter(
                id__in=[int(m) for m in media_ids], owner=member, post_id=None
            )
        }
        reserved = await scheduled_media(member)  # waiting with a scheduled post
        if len(rows) != len(set(media_ids)) or reserved & {m.id for m in rows.values()}:
            raise Unprocessable("Validation failed: unknown or already used media_ids")
        media = [rows[m] for m in dict.fromkeys(media_ids)]
    from clientapi.polls.polls import read_poll

    poll = read_poll(params)
    if poll is not None and media:
        raise Unprocessable("Validation failed: a status cannot have both media and a poll")
    return Draft(
        text=text,
        visibility=visibility,
        spoiler_text=params.text("spoiler_text")[:1000],
        sensitive=params.flag("sensitive"),
        language=_language(params.text("language")),
        in_reply_to=in_reply_to,
        media=media,
        poll=poll,
    )


async def resolve_mentions(handles: list[str], author: Actor) -> dict[str, Actor]:
    """Local names directly, remote handles through WebFinger; unknown ones stay plain text,
    and so does a private space the author is not in (`actors.existence.mentionable`)."""
    from webfinger.resolve import resolve_handle

    config = services().settings
    found: dict[str, Actor] = {}
    for handle in handles:
        user, _, domain = handle.partition("@")
        actor: Actor | None
        if not domain or domain == config.host:
            actor = await local_actor(user)
        else:
            try:
                actor = await resolve_handle(handle, services=services())
            except FederationError:
                actor = None
        if actor is not None and actor.suspended_at is None:
            found[handle] = actor
    return await mentionable(author, found)


def media_document(media: MediaAttachment, url: str) -> dict[str, Any]:
    """How an attachment federates: `Image` for pictures, `Document` for everything else."""
    kind = "Image" if media.content_type.startswith("image/") else "Document"
    return {"type": kind, "mediaType": media.content_type, "url": url, "name": media.description}


async def compose_html(text: str, author: Actor) -> tuple[str, list[Actor], list[dict[str, Any]]]:
    config = services().settings
    actors = await resolve_mentions(mentioned_handles(text), author)
    links = {
        handle: MentionLink(url=a.url or a.uri, username=a.username) for handle, a in actors.items()
    }
    composed = render(text, links, config.base_url)
    mentions = list({a.id: a for a in actors.values()}.values())
    tags = [
        {"type": "Hashtag", "href": f"{config.base_url}/tags/{t.lower()}", "name": f"#{t}"}
        for t in composed.hashtags
    ]
    return composed.html, mentions, tags


async def publish_status(
    member: Actor,
    draft: Draft,
    *,
    idempotency_key: str | None = None,
    space: Actor | None = None,
) -> Post:
    """The draft published; `space` when the door already chose it (the web app's form, by
    `spaces.destination`), else `create_post` decides from the reply and the mentions."""
    config = services().settings
    content, mentions, tags = await compose_html(draft.text, member)
    from clientapi.statuses.status_entity import media_url

    return await actions.create_post(
        config,
        member,
        content,
        visibility=draft.visibility,
        mentions=mentions,
        in_reply_to=draft.in_reply_to,
        space=space,
        summary=draft.spoiler_text,
        sensitive=draft.sensitive or bool(draft.spoiler_text),
        language=draft.language,
        tags=tags,
        attachments=[media_document(m, media_url(m.sha256)) for m in draft.media],
        media_ids=[m.id for m in draft.media],
        source=draft.text,
        idempotency_key=idempotency_key,
        **({"post_type": "Question", "poll": draft.poll} if draft.poll else {}),
    )


async def source_text(post: Post) -> str:
    if post.edits and isinstance(post.edits[-1], dict):
        return str(post.edits[-1].get("text", ""))
    return ""


def not_found() -> NotFound:
    return NotFound("Record not found")
