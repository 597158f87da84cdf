"""Pinning a status, muting its thread, and statuses by the batch.

`POST /api/v1/statuses/:id/pin|unpin` (`outbox.pins`), `/mute|unmute` (`outbox.threads`: the
thread's notifications are silenced), and `GET /api/v1/statuses?id[]=` (Mastodon 4.3), which
answers the statuses the caller may see, in the order asked, through the same read gate as
every other status door (`outbox.viewing.visible_posts`).
"""

from __future__ import annotations

from quart import Blueprint, Response

from baraza.responses import json_response
from baraza.services import settings
from baraza.viewer import current_member
from clientapi.auth import require_member
from clientapi.params import id_list, request_params
from clientapi.statuses.status_entity import status, statuses
from federation.errors import Unprocessable
from outbox import pins, threads
from outbox.viewing import visible_post, visible_posts
from storage.models import Post

blueprint = Blueprint("status_choices", __name__)

MAX_IDS = 80


@blueprint.post("/api/v1/statuses/<status_id>/pin")
async def pin(status_id: str) -> Response:
    member = await require_member("write:accounts")
    post = await visible_post(status_id, member)
    return json_response(await status(await pins.pin(settings(), member, post), member))


@blueprint.post("/api/v1/statuses/<status_id>/unpin")
async def unpin(status_id: str) -> Response:
    member = await require_member("write:accounts")
    post = await visible_post(status_id, member)
    return json_response(await status(await pins.unpin(settings(), member, post), member))


@blueprint.post("/api/v1/statuses/<status_id>/mute")
async def mute(status_id: str) -> Response:
    member = await require_member("write:mutes")
    post = await visible_post(status_id, member)
    await threads.mute_thread(member, post)
    return json_response(await status(post, member))


@blueprint.post("/api/v1/statuses/<status_id>/unmute")
async def unmute(status_id: str) -> Response:
    member = await require_member("write:mutes")
    post = await visible_post(status_id, member)
    await threads.unmute_thread(member, post)
    return json_response(await status(post, member))


@blueprint.get("/api/v1/statuses")
async def statuses_by_id() -> Response:
    who = await current_member()  # None logged out: the gate let in only what anyone may read
    ids = id_list((await request_params()).getlist("id"), "id", Post)
    if len(ids) > MAX_IDS:
        raise Unprocessable(f"at most {MAX_IDS} ids")
    candidates = await Post.filter(id__in=ids, deleted_at=None)
    shown = {p.id: p for p in await visible_posts(candidates, who)}
    chosen = [shown[i] for i in dict.fromkeys(ids) if i in shown]
    return json_response(await statuses(chosen, who))
