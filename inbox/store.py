"""Accepting an activity: dedupe by id, store it, and only then answer 202."""

from __future__ import annotations

import hashlib

import orjson
from tortoise.exceptions import IntegrityError

from baraza.ids import new_id
from federation.activities import Incoming
from federation.errors import BadRequest
from storage.models import Activity

MAX_STORED_URI = 512  # the width of the activities' uri columns


def dedupe_key(activity: Incoming) -> str:
    """The activity's id; a hash of the body for the rare peer that sends activities without one."""
    if activity.id:
        return activity.id
    digest = hashlib.sha256(orjson.dumps(activity.raw, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return f"urn:baraza:sha256:{digest}"


async def store_incoming(activity: Incoming) -> Activity | None:
    """The stored row, or `None` for a replay (already stored: nothing changes)."""
    uri = dedupe_key(activity)
    if len(uri) > MAX_STORED_URI or len(activity.object_id or "") > MAX_STORED_URI:
        raise BadRequest(f"ids longer than {MAX_STORED_URI} characters are not accepted")
    if await Activity.exists(uri=uri):
        return None
    try:
        return await Activity.create(
            id=new_id(),
            uri=uri,
            type=activity.type[:32],
            actor_uri=activity.actor,
            object_uri=activity.object_id,
            local=False,
            document=activity.raw,
            state="received",
        )
    except IntegrityError:
        return None  # the same activity arrived twice at once
