"""A malformed JSON body is `400 {"error": "the body is not valid JSON"}` on every route.

The walk is built from `app.url_map`: every client API and OAuth rule that takes a body gets a
broken JSON document, with its variable parts holding a real id, from a member whose token
holds every scope. Whatever the route would have said about the rest of the request (a blank
status, a missing object), what it must say is that the body is not JSON. Then the cases apps
hit: no content type (curl -d), text/plain, and a valid body still working.
"""

from __future__ import annotations

import re

import pytest
from quart import Quart

from actors.accounts import create_member
from clientapi.params import NOT_JSON
from clientapi.tokens import issue_token
from storage.models import Post
from tests.clientapi.helpers import member_with_token

BROKEN = [b'{"status": "x",', b"{'status': 'x'}", b'{"a": 1e999}', b"\xff\xfe{}", b"{"]
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _json_routes(app: Quart) -> list[tuple[str, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        if getattr(rule, "websocket", False):
            continue
        if not rule.rule.startswith(("/api/", "/oauth/")):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?[^<>]+>", "1", rule.rule)
        path = path.replace("<any(remove, ban):action>", "remove")
        for method in sorted(rule.methods or ()):
            if method in BODY_METHODS:
                out.append((method, path))
    return sorted(set(out))


async def test_every_route_that_takes_a_body_refuses_broken_json(app, client, settings) -> None:
    member = await create_member(settings, "amina", admin=True)
    token, _ = await issue_token(member, "read write follow push admin:read admin:write")
    routes = _json_routes(app)
    assert len(routes) > 40  # the walk really covers the API
    assert ("POST", "/api/v1/statuses") in routes
    for method, path in routes:
        for body in BROKEN[:1] if path != "/api/v1/statuses" else BROKEN:
            response = await client.open(
                path,
                method=method,
                data=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            assert response.status_code == 400, (method, path, await response.get_data())
            assert await response.get_json() == {"error": NOT_JSON}, (method, path)
    assert await Post.all().count() == 0


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json; charset=utf-8"])
async def test_undeclared_or_plain_json_is_read_as_json(client, settings, content_type) -> None:
    _, auth = await member_with_token(settings, "amina")
    headers = dict(auth)
    if content_type:
        headers["Content-Type"] = content_type
    broken = await client.post("/api/v1/statuses", headers=headers, data=b'{"status": "x",')
    assert broken.status_code == 400
    assert await broken.get_json() == {"error": NOT_JSON}
    good = await client.post("/api/v1/statuses", headers=headers, data=b'{"status": "hello"}')
    assert good.status_code == 200, await good.get_data()
    assert (await good.get_json())["content"].startswith("<p>hello")


async def test_forms_and_empty_bodies_are_untouched(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    form = await client.post("/api/v1/statuses", headers=auth, form={"status": "{not json"})
    assert form.status_code == 200
    empty = await client.post(
        "/api/v1/statuses", headers={**auth, "Content-Type": "application/json"}, data=b""
    )
    assert empty.status_code == 422  # an empty body is no body: the blank status is the news


async def test_the_other_json_doors_say_the_same(client, settings) -> None:
    """The C2S outbox and the inbox parse with the same parser, so they answer alike."""
    _, auth = await member_with_token(settings, "amina")
    c2s = await client.post(
        "/users/amina/outbox",
        headers={**auth, "Content-Type": "application/activity+json"},
        data=b'{"type": "Note",',
    )
    assert c2s.status_code == 400
    assert await c2s.get_json() == {"error": NOT_JSON}
