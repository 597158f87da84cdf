"""Mastodon's HTTP streaming (server-sent events), for clients that do not use the WebSocket:
Mastodon.py's `stream_user`, `stream_public`, `stream_hashtag` among them.

Same streams, same rendering and the same visibility decisions as the WebSocket
(`clientapi.streaming.streaming`); only the framing differs (`event: NAME` /
`data: PAYLOAD`, and `:thump` heartbeats). The same rule for changes too: no event is
written once the token is revoked or the account suspended
(`outbox.connections.still_receiving` before each), and the response ends as soon as
`outbox.stream_bus` wakes it for such a change.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import orjson
from quart import Blueprint, Response, request, stream_with_context

from clientapi.auth import require
from clientapi.streaming.streaming import (
    Subscription,
    may_subscribe,
    parse_subscription,
    render,
)
from federation.errors import Unprocessable
from outbox import stream_bus
from outbox.connections import open_watch, still_receiving
from storage.models import AccessToken, Actor

blueprint = Blueprint("clientapi_streaming_sse", __name__)

HEARTBEAT_SECONDS = 15.0
PATHS = {
    "user": "user",
    "user/notification": "user:notification",
    "public": "public",
    "public/local": "public:local",
    "hashtag": "hashtag",
    "hashtag/local": "hashtag:local",
    "direct": "direct",
    "list": "list",
}


def sse_frame(message: str) -> bytes:
    """One WebSocket-style message (`{"stream", "event", "payload"}`) as an SSE event."""
    parsed = orjson.loads(message)
    return f"event: {parsed['event']}\ndata: {parsed.get('payload', '')}\n\n".encode()


async def _events(
    token: AccessToken, viewer: Actor, subscription: Subscription
) -> AsyncIterator[bytes]:
    queue = stream_bus.subscribe()
    watch = open_watch(token.id, viewer.id)
    woken = asyncio.create_task(watch.changed.wait())
    getter = asyncio.create_task(queue.get())
    try:
        yield b":)\n\n"
        while True:
            done, _ = await asyncio.wait(
                {getter, woken}, timeout=HEARTBEAT_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
            if not done:
                yield b":thump\n\n"
                continue
            if woken in done:
                watch.changed.clear()
                if not await still_receiving(token.id, viewer.id):
                    return  # the response ends: the client sees the stream close
                woken = asyncio.create_task(watch.changed.wait())
            if getter not in done:
                continue
            item, getter = getter.result(), asyncio.create_task(queue.get())
            messages = await render(item, viewer, frozenset({subscription}))
            if messages and not await still_receiving(token.id, viewer.id):
                return
            for message in messages:
                yield sse_frame(message)
    finally:
        stream_bus.unsubscribe(queue)
        stream_bus.unwatch(watch)
        for task in (woken, getter):
            task.cancel()


@blueprint.get("/api/v1/streaming/<path:which>")
async def sse(which: str) -> Response:
    stream = PATHS.get(which.strip("/"))
    if stream is None:
        raise Unprocessable("Unknown stream type")
    caller = await require("read:statuses")
    assert caller.account is not None
    subscription = parse_subscription(
        stream, request.args.get("tag", ""), request.args.get("list", "")
    )
    if subscription is not None and not await may_subscribe(subscription, caller.account):
        subscription = None
    if subscription is None:
        raise Unprocessable("a hashtag stream needs a tag, a list stream one of your lists")
    # stream_with_context keeps the app context for the generator.
    events = stream_with_context(_events)(caller.token, caller.account, subscription)
    response = Response(events, content_type="text/event-stream")
    response.timeout = None
    response.headers["Cache-Control"] = "no-cache"
    return response
