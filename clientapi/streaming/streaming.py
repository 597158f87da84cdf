"""`/api/v1/streaming`: Mastodon's WebSocket streaming API (user, user:notification, public,
public:local, hashtag, hashtag:local, direct).

Subscribers listen to `outbox.stream_bus`, which carries ids only; each connection decides
for its own viewer whether an event belongs to one of its streams and renders the status as
that viewer sees it, so a post is streamed exactly where `may_see` would have shown it in a
timeline: a private-space post never appears on a public stream, nor to a non-member.
Which stream an event belongs to is a pure function (`matching_streams`), table-tested.

A connection obeys changes at once: before it sends anything it asks
`outbox.connections.still_receiving` (the token and the account as they are now), and it
closes (4401) as soon as `outbox.stream_bus` wakes it for a revoked token or a suspended
account, so delivery stops with the change, not with the reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

import orjson
from quart import Blueprint, Response, websocket

from clientapi.accounts.account_entity import account
from clientapi.auth import scope_satisfied
from clientapi.conversations.conversations import entities as conversation_entities
from clientapi.notifications.notifications import entities
from clientapi.statuses.status_entity import status
from clientapi.tokens import bearer_token, find_token
from outbox import stream_bus
from outbox.connections import open_watch, still_receiving
from outbox.domain_blocks import hides_post
from outbox.filtering import hidden_posts
from outbox.followed_tags import followed_tags
from outbox.lists import exclusive_members, home_hides, lists_showing, owns_list
from outbox.threads import root_of
from outbox.viewing import may_have_viewed, may_view
from storage.models import Actor, Announce, Conversation, Follow, Notification, Post

log = logging.getLogger(__name__)

blueprint = Blueprint("clientapi_streaming", __name__)

CLOSE_UNAUTHORIZED = 4401  # the token was revoked or the account suspended while connected

STREAMS = (
    "user",
    "user:notification",
    "public",
    "public:local",
    "hashtag",
    "hashtag:local",
    "direct",
    "list",
)


@dataclass(frozen=True)
class Subscription:
    stream: str
    tag: str = ""

    def label(self) -> list[str]:
        if self.stream.startswith("hashtag") or self.stream == "list":
            return [self.stream, self.tag]
        return [self.stream]


def parse_subscription(stream: str, tag: str = "", list_id: str = "") -> Subscription | None:
    """Pure: the stream a client asked for, or None if it is not one we serve. A `list`
    stream keeps its list's id in `tag` (whose list it is, the connection checks)."""
    if stream not in STREAMS:
        return None
    if stream == "list":
        list_id = list_id.strip()
        return Subscription(stream, list_id) if list_id.isascii() and list_id.isdigit() else None
    if stream.startswith("hashtag"):
        tag = tag.strip().lstrip("#").lower()
        return Subscription(stream, tag) if tag else None
    return Subscription(stream)


@dataclass(frozen=True)
class PostFacts:
    """What decides a post's streams; visibility to the viewer is checked separately."""

    local: bool
    visibility: str  # stored visibility: public | unlisted | followers | direct | space
    tags: frozenset[str]  # lower-case hashtag names
    in_home: bool  # authored by the viewer, or by an account or space the viewer follows
    addressed: bool = False  # written by the viewer or addressed to them (to, cc, mentions)
    lists: frozenset[str] = frozenset()  # ids of the viewer's lists whose timeline shows it


def matching_streams(subs: frozenset[Subscription], facts: PostFacts) -> list[list[str]]:
    """Pure: the labels of the subscribed streams an update goes to. Table-tested."""
    out = []
    for sub in sorted(subs, key=lambda s: (s.stream, s.tag)):
        public = facts.visibility == "public"
        if sub.stream == "user" and facts.in_home:
            out.append(sub.label())
        elif sub.stream == "public" and public:
            out.append(sub.label())
        elif sub.stream == "public:local" and public and facts.local:
            out.append(sub.label())
        elif sub.stream == "hashtag" and public and sub.tag in facts.tags:
            out.append(sub.label())
        elif sub.stream == "hashtag:local" and public and facts.local and sub.tag in facts.tags:
            out.append(sub.label())
        elif sub.stream == "direct" and facts.visibility == "direct" and facts.addressed:
            out.append(sub.label())
        elif sub.stream == "list" and sub.tag in facts.lists:
            out.append(sub.label())
    return out


def event(labels: list[str], name: str, payload: Any) -> str:
    """One message as Mastodon frames it: the payload is itself a JSON string (or an id)."""
    body = payload if isinstance(payload, str) else orjson.dumps(payload).decode()
    return orjson.dumps({"stream": labels, "event": name, "payload": body}).decode()


async def _facts(post: Post, viewer: Actor) -> PostFacts:
    tags = frozenset(
        str(t.get("name") or "").lstrip("#").lower()
        for t in post.tags
        if isinstance(t, dict) and t.get("type") == "Hashtag"
    )
    targets = [post.actor_id] + ([post.space_id] if post.space_id else [])  # type: ignore[attr-defined]
    in_home = post.actor_id == viewer.id or await Follow.exists(  # type: ignore[attr-defined]
        follower=viewer, accepted=True, target_id__in=targets
    )
    mentioned = {t.get("href") for t in post.tags if isinstance(t, dict)}
    addressed = post.actor_id == viewer.id or viewer.uri in {*post.to, *post.cc, *mentioned}  # type: ignore[attr-defined]
    if in_home and home_hides(post.actor_id, viewer.id, await exclusive_members(viewer)):  # type: ignore[attr-defined]
        in_home = False  # read in the viewer's exclusive list, not at home
    if not in_home and tags and await _followed_tag_post(post, viewer, tags):
        in_home = True  # a public post with a hashtag the viewer follows, as their home has
    shown_in = frozenset(str(i) for i in await lists_showing(post, viewer))
    return PostFacts(post.local, post.visibility, tags, in_home, addressed, shown_in)


async def _followed_tag_post(post: Post, viewer: Actor, tags: frozenset[str]) -> bool:
    """Does the home timeline's rule for followed tags take this post (public, outside any
    private space, carrying a tag the viewer follows)?"""
    if post.visibility != "public" or not tags & set(await followed_tags(viewer)):
        return False
    return post.space_id is None or await Actor.exists(id=post.space_id, private=False)  # type: ignore[attr-defined]


async def render(
    item: stream_bus.BusEvent, viewer: Actor, subs: frozenset[Subscription]
) -> list[str]:
    """The messages (zero or more) this connection sends for one bus event."""
    if item.kind == "filters_changed":  # Mastodon's event carries no payload
        if item.recipient_id != viewer.id or not any(s.stream == "user" for s in subs):
            return []
        return [orjson.dumps({"stream": ["user"], "event": "filters_changed"}).decode()]
    if item.kind == "notification":
        wanted = [s for s in subs if s.stream in ("user", "user:notification")]
        if not wanted or item.recipient_id != viewer.id:
            return []
        rows = await Notification.filter(id=item.notification_id).prefetch_related(
            "post", "account"
        )
        rendered = await entities(rows, viewer)
        return [event(s.label(), "notification", rendered[0]) for s in wanted if rendered]
    post = await Post.get_or_none(id=item.post_id) if item.post_id else None
    if post is None:
        return []
    if item.kind == "delete":
        # Asked as of before the delete: the post is gone, but whoever saw it must drop it.
        if not await may_have_viewed(post, viewer):
            return []
        labels = matching_streams(subs, await _facts(post, viewer))
        return [event(label, "delete", str(post.id)) for label in labels]
    if post.deleted_at is not None or not await may_view(post, viewer):
        return []
    if await hides_post(viewer, post):
        return []  # the viewer blocks the author's domain: off their streams as their timelines
    labels = await _unfiltered(matching_streams(subs, await _facts(post, viewer)), post, viewer)
    if not labels:
        return []
    entity = await status(post, viewer)
    name = "status.update" if item.kind == "status.update" else "update"
    messages = []
    for label in labels:
        if label == ["direct"]:
            # Mastodon's direct stream carries conversations, not bare statuses.
            messages.append(event(label, "conversation", await conversation(post, viewer, entity)))
        elif label == ["user"] and name == "update" and (boost := await space_boost(post, viewer)):
            messages.append(event(label, name, await status(boost, viewer)))
        else:
            messages.append(event(label, name, entity))
    return messages


async def space_boost(post: Post, viewer: Actor) -> Announce | None:
    """A followed space's post reaches its members' home as the space's boost, as the home
    timeline shows it; unless the viewer wrote it or follows its author."""
    if post.space_id is None or post.actor_id == viewer.id:  # type: ignore[attr-defined]
        return None
    if await Follow.exists(follower=viewer, target_id=post.actor_id, accepted=True):  # type: ignore[attr-defined]
        return None
    return await Announce.get_or_none(actor_id=post.space_id, post=post).prefetch_related(  # type: ignore[attr-defined]
        "post"
    )


async def conversation(post: Post, viewer: Actor, last_status: dict[str, Any]) -> dict[str, Any]:
    """The viewer's Conversation entity for the direct stream, the same one
    `/api/v1/conversations` lists (its row is written before the stream event); a thread
    with no row for the viewer yet is shown with the new post alone."""
    row = await Conversation.get_or_none(owner=viewer, root_uri=await root_of(post))
    if row is not None and row.last_post_id == post.id:  # type: ignore[attr-defined]
        await row.fetch_related("last_post")
        rendered = await conversation_entities([row], viewer)
        if rendered:
            return rendered[0]
    author = await Actor.get(id=post.actor_id)  # type: ignore[attr-defined]
    return {
        "id": str(post.id),
        "unread": post.actor_id != viewer.id,  # type: ignore[attr-defined]
        "accounts": [] if author.id == viewer.id else [await account(author)],
        "last_status": last_status,
    }


# The filter context of each stream: what a `hide` filter of that context drops, the stream
# does not carry (the status entity carries `filtered` for `warn`).
STREAM_CONTEXTS = {
    "user": "home",
    "list": "home",
    "public": "public",
    "public:local": "public",
    "hashtag": "public",
    "hashtag:local": "public",
}


async def _unfiltered(labels: list[list[str]], post: Post, viewer: Actor) -> list[list[str]]:
    contexts = {STREAM_CONTEXTS[label[0]] for label in labels if label[0] in STREAM_CONTEXTS}
    hidden_in = {c for c in contexts if await hidden_posts([post], viewer, c)}
    return [label for label in labels if STREAM_CONTEXTS.get(label[0]) not in hidden_in]


async def may_subscribe(sub: Subscription, viewer: Actor) -> bool:
    """A list stream is its owner's alone; any other list id is an unknown stream."""
    return sub.stream != "list" or await owns_list(viewer, sub.tag)


def unknown_stream(asked: str) -> str:
    """Mastodon's answer to a subscription it does not serve (or a hashtag one without a tag)."""
    return orjson.dumps({"error": f"Unknown stream type: {asked}"[:200], "status": 400}).decode()


def _offered_token() -> tuple[str | None, str | None]:
    """The token from the query, the `Sec-WebSocket-Protocol` header, or `Authorization`."""
    protocol = websocket.headers.get("Sec-WebSocket-Protocol", "").split(",")[0].strip() or None
    token = websocket.args.get("access_token") or protocol
    return token or bearer_token(websocket.headers.get("Authorization")), protocol


@blueprint.get("/api/v1/streaming/health")
async def health() -> Response:
    return Response("OK", content_type="text/plain")


@blueprint.websocket("/api/v1/streaming")
async def stream() -> Response | None:
    token, protocol = _offered_token()
    row = await find_token(token) if token else None
    viewer = row.account if row is not None else None
    scopes = frozenset(row.scopes.split()) if row is not None else frozenset()
    if (
        viewer is None
        or viewer.suspended_at is not None
        or not scope_satisfied(scopes, "read:statuses")
    ):
        # Refused before the upgrade: an HTTP 401 answer, as Mastodon gives.
        body = orjson.dumps({"error": "Error while validating access token"})
        return Response(body, status=401, content_type="application/json")
    subs: set[Subscription] = set()
    asked = websocket.args.get("stream", "")
    first = parse_subscription(asked, websocket.args.get("tag", ""), websocket.args.get("list", ""))
    if first is not None and not await may_subscribe(first, viewer):
        first = None
    if first is not None:
        subs.add(first)
    await websocket.accept(subprotocol=protocol if protocol == token else None)
    if asked and first is None:
        await websocket.send(unknown_stream(asked))
    # Registered after the upgrade, so a failed one leaves nothing behind; a change in between
    # is caught by the check before the first frame.
    queue = stream_bus.subscribe()
    watch = open_watch(row.id, viewer.id)
    reader = asyncio.create_task(_read_commands(subs, viewer))
    woken = asyncio.create_task(watch.changed.wait())
    getter = asyncio.create_task(queue.get())
    try:
        while True:
            done, _ = await asyncio.wait(
                {getter, reader, woken}, return_when=asyncio.FIRST_COMPLETED
            )
            if woken in done:
                watch.changed.clear()
                if not await still_receiving(row.id, viewer.id):
                    await websocket.close(CLOSE_UNAUTHORIZED, "access ended")
                    break
                woken = asyncio.create_task(watch.changed.wait())
            if reader in done:
                break
            if getter not in done:
                continue
            item, getter = getter.result(), asyncio.create_task(queue.get())
            messages = await render(item, viewer, frozenset(subs))
            if messages and not await still_receiving(row.id, viewer.id):
                await websocket.close(CLOSE_UNAUTHORIZED, "access ended")
                break
            for message in messages:
                await websocket.send(message)
    finally:
        stream_bus.unsubscribe(queue)
        stream_bus.unwatch(watch)
        for task in (reader, woken, getter):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return None


async def _read_commands(subs: set[Subscription], viewer: Actor) -> None:
    """`{"type": "subscribe"|"unsubscribe", "stream": ..., "tag": ...}`; junk is ignored."""
    while True:
        raw = await websocket.receive()
        try:
            message = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(message, dict):
            continue
        asked = str(message.get("stream") or "")
        sub = parse_subscription(
            asked, str(message.get("tag") or ""), str(message.get("list") or "")
        )
        if sub is not None and not await may_subscribe(sub, viewer):
            sub = None
        if sub is None:
            # That subscription fails; the connection and its other streams go on.
            await websocket.send(unknown_stream(asked))
        elif message.get("type") == "subscribe":
            subs.add(sub)
        elif message.get("type") == "unsubscribe":
            subs.discard(sub)
