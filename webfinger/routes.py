"""WebFinger (RFC 7033), host-meta and NodeInfo: how other servers discover this one."""

from __future__ import annotations

import time

from quart import Blueprint, Response, request
from quart.typing import ResponseReturnValue

from actors.read_cache import NODEINFO, WEBFINGER, nodeinfo_entry
from baraza import __version__
from baraza.rendered import Rendered
from baraza.responses import error_response, json_response
from baraza.services import settings
from storage.models import Actor
from webfinger.compatibility import upstream
from webfinger.resources import MalformedResource, parse_resource
from webfinger.usage import usage_counts

blueprint = Blueprint("webfinger", __name__)

CORS = {"Access-Control-Allow-Origin": "*"}
NODEINFO_SCHEMAS = {
    "2.0": "http://nodeinfo.diaspora.software/ns/schema/2.0",
    "2.1": "http://nodeinfo.diaspora.software/ns/schema/2.1",
}


@blueprint.get("/.well-known/webfinger")
async def webfinger() -> Response:
    config = settings()
    try:
        lookup = parse_resource(request.args.get("resource"), config.base_url, config.host)
    except MalformedResource as exc:
        return error_response(400, str(exc), CORS)
    if lookup is None:
        return error_response(404, "no such account on this server", CORS)
    # Every requester gets the same answer for a name: cached until an actor changes.
    key = (lookup.name, lookup.kind)
    token = await WEBFINGER.begin()
    hit = WEBFINGER.get(key)
    if hit is not None:
        return hit.respond(request.headers.get("If-None-Match"))
    query = Actor.filter(
        local=True, local_username=lookup.name, suspended_at=None, type__in=("Person", "Group")
    )
    if lookup.kind:
        query = query.filter(type=lookup.kind)
    actor = await query.first()
    # Private spaces are never discoverable from outside: same answer as an unknown name.
    if actor is None or (actor.type == "Group" and actor.private):
        return error_response(404, "no such account on this server", CORS)
    jrd = {
        "subject": f"acct:{actor.username}@{config.host}",
        "aliases": [actor.uri, actor.url],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": actor.uri},
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": actor.url,
            },
        ],
    }
    rendered = Rendered.of(jrd, content_type="application/jrd+json", headers=CORS)
    WEBFINGER.put(key, rendered, token)
    return rendered.respond(request.headers.get("If-None-Match"))


@blueprint.get("/.well-known/host-meta")
async def host_meta() -> ResponseReturnValue:
    template = settings().url("/.well-known/webfinger?resource={uri}")
    xrd = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template="{template}"/>\n'
        "</XRD>\n"
    )
    return Response(xrd, content_type="application/xrd+xml; charset=utf-8", headers=CORS)


@blueprint.get("/.well-known/host-meta.json")
async def host_meta_json() -> Response:
    template = settings().url("/.well-known/webfinger?resource={uri}")
    return json_response({"links": [{"rel": "lrdd", "template": template}]}, headers=CORS)


@blueprint.get("/.well-known/nodeinfo")
async def nodeinfo_links() -> Response:
    links = [
        {"rel": schema, "href": settings().url(f"/nodeinfo/{version}")}
        for version, schema in NODEINFO_SCHEMAS.items()
    ]
    return json_response({"links": links}, headers=CORS)


@blueprint.get("/nodeinfo/<any('2.0', '2.1'):version>")
async def nodeinfo(version: str) -> Response:
    token = await NODEINFO.begin()
    hit = nodeinfo_entry(NODEINFO.get(version))
    if hit is not None:
        return hit.respond(request.headers.get("If-None-Match"))
    rendered = await _nodeinfo(version)
    NODEINFO.put(version, (time.monotonic(), rendered), token)
    return rendered.respond(request.headers.get("If-None-Match"))


async def _nodeinfo(version: str) -> Rendered:
    config = settings()
    counts = await usage_counts()
    software = {"name": "baraza", "version": __version__}
    if version == "2.1":
        software["homepage"] = config.base_url + "/"
    doc = {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": config.open_registrations,
        "usage": {
            "users": {
                "total": counts.users,
                "activeMonth": counts.active_month,
                "activeHalfyear": counts.active_halfyear,
            },
            "localPosts": counts.local_posts,
        },
        "metadata": {"nodeName": config.node_name, "upstream": upstream()},
    }
    profile = f'application/json; profile="{NODEINFO_SCHEMAS[version]}#"'
    return Rendered.of(doc, content_type=profile, headers=CORS)
