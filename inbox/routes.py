"""POST /inbox (shared) and each local actor's inbox: the gate every inbound activity passes.

body cap (413) -> content type (415) -> JSON, and a created object that parses (400) ->
signature (401) -> key owner is the actor (401) -> domain policy (403) -> origin checks (403)
-> dedupe -> store -> 202. Nothing is stored unless every check passed; handling happens after
the answer, from the stored row.
"""

from __future__ import annotations

import logging

from quart import Blueprint, Response, request

from actors.accounts import local_actor
from actors.existence import may_know
from baraza.negotiation import is_as2_content_type
from baraza.responses import json_response
from baraza.services import services
from federation.activities import check_created_object, host_of, parse_activity, parse_json
from federation.errors import FederationError, NotFound, Refused, UnsupportedMediaType
from federation.origin import check_origin
from federation.policy import check_inbound_host
from inbox.processor import schedule
from inbox.store import store_incoming
from inbox.verify import key_id_host_of, verify_signed_request

log = logging.getLogger(__name__)
blueprint = Blueprint("inbox", __name__)


async def _receive() -> Response:
    body = await request.get_data(cache=False)  # raises 413 past MAX_CONTENT_LENGTH
    if not is_as2_content_type(request.headers.get("Content-Type")):
        raise UnsupportedMediaType("send application/activity+json")
    activity = parse_activity(parse_json(body))
    check_created_object(activity)
    signer = await verify_signed_request(
        services(),
        method=request.method,
        path=request.full_path.rstrip("?") if request.query_string else request.path,
        headers=request.headers,
        body=body,
    )
    check_origin(activity, signer.uri)
    if host_of(activity.actor) != key_id_host_of(request.headers):
        await check_inbound_host(host_of(activity.actor))  # the keyId's host was checked already
    stored = await store_incoming(activity)
    if stored is None:
        log.info("replay of %s from %s ignored", activity.id, signer.uri)
    else:
        schedule(stored)
    return json_response({}, 202)


async def _counted() -> Response:
    """Count every outcome for /metrics; the refusal's class names the reason."""
    from baraza.metrics import REGISTRY

    try:
        response = await _receive()
    except FederationError as exc:
        REGISTRY.inbox_outcome(exc.status, type(exc).__name__)
        raise
    REGISTRY.inbox_outcome(response.status_code)
    return response


@blueprint.post("/inbox")
async def shared_inbox() -> Response:
    return await _counted()


@blueprint.post("/actor/inbox")
async def instance_actor_inbox() -> Response:
    """The instance actor's inbox takes what the shared inbox takes (peers send it Follows of
    relays, Deletes of keys, ...), through the same gate."""
    return await _counted()


@blueprint.post("/<any(users, spaces):prefix>/<name>/inbox")
async def actor_inbox(prefix: str, name: str) -> Response:
    kind = "Person" if prefix == "users" else "Group"
    actor = await local_actor(name, kind=kind)
    # No other server may know a private space: its inbox is a name that answers nothing.
    if actor is None or not await may_know(actor, None):
        raise NotFound("no such actor")
    if actor.suspended_at is not None:
        raise Refused("this account is suspended")
    return await _counted()
