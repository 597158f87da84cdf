"""Mastodon's HTTP streaming (server-sent events), for clients that do not use the WebSocket:
Mastodon.py's `stream_user`, `stream_public`, `stream_hashtag` among them.

Same streams, same rendering and the same visibility decisions as `clientapi.streaming`; only
the framing differs (`event: NAME` / `data: PAYLOAD`, and `:thump` heartbeats).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import orjson
from quart import Blueprint, Response, request, stream_with_context

from clientapi.auth import require
from clientapi.streaming import Subscription, parse_subscription, render
from federation.errors import Unprocessable
from outbox import stream_bus
from storage.models import Actor

blueprint = Blueprint("clientapi_streaming_sse", __name__)

HEARTBEAT_SECONDS = 15.0
PATHS = {
    "user": "user",
    "user/notification": "user:notification",
    "public": "public",
    "public/local": "public:local",
    "hashtag": "hashtag",
    "hashtag/local": "hashtag:local",
}


def sse_frame(message: str) -> bytes:
    """One WebSocket-style message (`{"stream", "event", "payload"}`) as an SSE event."""
    parsed = orjson.loads(message)
    return f"event: {parsed['event']}\ndata: {parsed['payload']}\n\n".encode()


async def _events(viewer: Actor, subscription: Subscription) -> AsyncIterator[bytes]:
    queue = stream_bus.subscribe()
    try:
        yield b":)\n\n"
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), timeout=HEARTBEAT_SECONDS)
            except TimeoutError:
                yield b":thump\n\n"
                continue
            for message in await render(item, viewer, frozenset({subscription})):
                yield sse_frame(message)
    finally:
        stream_bus.unsubscribe(queue)


@blueprint.get("/api/v1/streaming/<path:which>")
async def sse(which: str) -> Response:
    stream = PATHS.get(which.strip("/"))
    if stream is None:
        raise Unprocessable("Unknown stream type")
    caller = await require("read:statuses")
    assert caller.account is not None
    subscription = parse_subscription(stream, request.args.get("tag", ""))
    if subscription is None:
        raise Unprocessable("a hashtag stream needs a tag")
    events = stream_with_context(_events)(caller.account, subscription)  # keeps the app context
    response = Response(events, content_type="text/event-stream")
    response.timeout = None
    response.headers["Cache-Control"] = "no-cache"
    return response
