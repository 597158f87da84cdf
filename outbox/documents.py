"""ActivityStreams documents for local posts and the activities that carry them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from actors.documents import AS_CONTEXT, EXTENSION_TERMS, iso
from storage.models import Activity, Actor, Post

OBJECT_CONTEXT: list[Any] = [AS_CONTEXT, EXTENSION_TERMS]
EVENT_FIELDS = ("startTime", "endTime", "location", "joinMode")


def object_document(post: Post, author: Actor, *, with_context: bool = True) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": post.uri,
        "type": post.type,
        "attributedTo": author.uri,
        "content": post.content,
        "published": iso(post.published),
        "url": post.url or post.uri,
        "to": list(post.to),
        "cc": list(post.cc),
        "sensitive": post.sensitive,
        "summary": post.summary or None,
        "inReplyTo": post.in_reply_to_uri,
        "tag": list(post.tags),
        "attachment": list(post.attachments),
    }
    if with_context:
        doc = {"@context": OBJECT_CONTEXT, **doc}
    if post.name:
        doc["name"] = post.name
    if post.language:
        doc["contentMap"] = {post.language: post.content}
        if post.summary:
            doc["summaryMap"] = {post.language: post.summary}
    if post.edited_at is not None:
        doc["updated"] = iso(post.edited_at)
    if post.audience:
        doc["audience"] = post.audience
    if isinstance(post.poll, dict):
        from outbox.polls import question_fields

        doc.update(question_fields(post.poll, datetime.now(UTC)))
    if post.local and post.type == "Event" and isinstance(post.document, dict):
        # A Talk's schedule and place, as Mobilizon publishes an Event.
        for key in EVENT_FIELDS:
            if key in post.document:
                doc[key] = post.document[key]
    return doc


def tombstone_document(post: Post) -> dict[str, Any]:
    return {
        "@context": AS_CONTEXT,
        "id": post.uri,
        "type": "Tombstone",
        "formerType": post.type,
        "deleted": iso(post.deleted_at),
    }


def activity_tombstone(activity: Activity) -> dict[str, Any]:
    """What an undone activity, or one whose post was deleted, answers at its id (410)."""
    return {
        "@context": AS_CONTEXT,
        "id": activity.uri,
        "type": "Tombstone",
        "formerType": activity.type,
    }


def wrap_activity(
    activity_id: str,
    kind: str,
    actor: Actor,
    obj: Any,
    *,
    to: list[str],
    cc: list[str],
    published: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": OBJECT_CONTEXT,
        "id": activity_id,
        "type": kind,
        "actor": actor.uri,
        "to": to,
        "cc": cc,
        "object": obj,
    }
    if published:
        doc["published"] = published
    if extra:
        doc.update(extra)
    return doc
