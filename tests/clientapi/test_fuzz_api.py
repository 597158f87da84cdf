"""Hostile and type-confused requests at the client API and the C2S outbox.

Apps are buggy and attackers are patient: whatever body or query string arrives, the answer
is a 2xx or a 4xx whose JSON names the `error`, never a 500, and a refused request leaves no
post, activity, like, follow or report behind. The budget is fixed (derandomized, bounded
example counts) so CI runs the same cases every time; nothing leaves the machine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from federation.client import FetchError
from storage.models import Activity, Follow, Like, Post, Report
from tests.clientapi.helpers import member_with_token

FUZZ = settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_NASTY = [
    "",
    " ",
    "\u0000",
    "\u202eevil",
    "e\u0301" * 50,
    "🏳️‍🌈",
    "null",
    "true",
    "-1",
    "0",
    "1e308",
    "NaN",
    "99999999999999999999999999",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "x" * 6000,
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from(_NASTY),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=8), children, max_size=4),
    ),
    max_leaves=20,
)
form_values = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30), st.sampled_from(_NASTY)
)

_FIELDS = {
    "/api/v1/statuses": [
        *("status", "visibility", "in_reply_to_id", "media_ids", "media_ids[]", "sensitive"),
        *("spoiler_text", "language", "poll", "poll[options][]", "scheduled_at", "quote_id"),
    ],
    "/api/v1/apps": ["client_name", "redirect_uris", "scopes", "website", "redirect_uris[]"],
    "/oauth/token": [
        *("grant_type", "client_id", "client_secret", "username", "password", "code"),
        *("refresh_token", "redirect_uri", "scope", "code_verifier"),
    ],
    "/api/v1/accounts/update_credentials": [
        *("display_name", "note", "locked", "bot", "discoverable", "source", "source[language]"),
        *("fields_attributes", "chosen_languages", "chosen_languages[]", "ui_language"),
    ],
    "/api/v1/reports": [
        *("account_id", "status_ids", "status_ids[]", "comment", "forward", "category"),
        "rule_ids[]",
    ],
}
_METHODS = {"/api/v1/accounts/update_credentials": "PATCH"}
_SENSIBLE = {  # real values beside the junk, so the fuzz reaches past the first check
    "grant_type": st.sampled_from(["password", "client_credentials", "refresh_token", "code"]),
    "visibility": st.sampled_from(["public", "unlisted", "private", "direct", "space"]),
    "account_id": st.sampled_from(["ALICE", "BOB", "1", "-5", "0x10"]),
    "status_ids": st.lists(st.sampled_from(["POST", "1", "x", ""]), max_size=25),
}


def _fields(path: str, values: st.SearchStrategy) -> st.SearchStrategy:
    return st.dictionaries(
        st.sampled_from(_FIELDS[path]),
        st.one_of(values, *(_SENSIBLE.values())),
        max_size=6,
    )


def _json_bodies(path: str) -> st.SearchStrategy:
    """Objects of the endpoint's fields with junk values, non-objects, and broken bytes."""
    return st.one_of(
        _fields(path, json_values).map(orjson.dumps),
        json_values.map(orjson.dumps),
        st.sampled_from([b"", b"{", b'{"status": "a"', b"\xff\xfe", b"[]" * 1000, b"{" * 5000]),
    )


@dataclass
class World:
    client: Any
    headers: dict[str, str]
    alice_id: int
    bob_id: int
    post_id: int

    def substitute(self, value: Any) -> Any:
        names = {"ALICE": self.alice_id, "BOB": self.bob_id, "POST": self.post_id}
        if isinstance(value, str) and value in names:
            return str(names[value])
        if isinstance(value, list):
            return [self.substitute(v) for v in value]
        return value


@pytest.fixture
async def world(app, monkeypatch) -> AsyncIterator[World]:
    from outbox.actions import create_post

    services = app.extensions["baraza"]

    async def offline(method: str, url: str, **kwargs: object) -> None:
        raise FetchError("offline in tests", url)

    monkeypatch.setattr(services.http, "request", offline)
    limits = app.extensions["baraza_limits"]
    limits.token = limits.address = None  # the fuzz is one client: rate limits are not tested here
    alice, headers = await member_with_token(
        services.settings, "alice", "read write follow push admin:read"
    )
    bob, _ = await member_with_token(services.settings, "bob")
    post = await create_post(services.settings, bob, "<p>public</p>")
    yield World(app.test_client(), headers, alice.id, bob.id, post.id)


async def _stored() -> tuple[int, ...]:
    return (
        await Post.all().count(),
        await Activity.all().count(),
        await Like.all().count(),
        await Follow.all().count(),
        await Report.all().count(),
    )


async def _check(response: Any, before: tuple[int, ...], what: Any) -> None:
    status = response.status_code
    payload = await response.get_json(force=True, silent=True)
    assert status < 500, (status, payload, str(what)[:300])
    if status >= 400:
        assert isinstance(payload, dict) and isinstance(payload.get("error"), str), (
            status,
            payload,
            str(what)[:300],
        )
        assert await _stored() == before, f"a refused request stored something: {what!r:.300}"


async def _send(world: World, path: str, body: bytes, content_type: str) -> None:
    before = await _stored()
    response = await world.client.open(
        path,
        method=_METHODS.get(path, "POST"),
        data=body,
        headers={**world.headers, "Content-Type": content_type},
    )
    await _check(response, before, body)


def _form_body(world: World, data: st.DataObject, path: str) -> bytes:
    field = st.tuples(st.sampled_from(_FIELDS[path]), st.one_of(form_values, *_SENSIBLE.values()))
    pairs: list[tuple[str, str]] = []
    for key, value in data.draw(st.lists(field, max_size=8)):
        value = world.substitute(value)
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, item))
    return urlencode(pairs).encode()


def _json_body(world: World, data: st.DataObject, path: str) -> bytes:
    body = data.draw(_json_bodies(path))
    if body.startswith(b"{") and body.endswith(b"}"):
        doc = orjson.loads(body)
        if isinstance(doc, dict):
            body = orjson.dumps({k: world.substitute(v) for k, v in doc.items()})
    return body


@pytest.mark.parametrize("path", list(_FIELDS))
@given(data=st.data(), as_json=st.booleans())
@FUZZ
async def test_fuzzed_bodies_never_500(
    world: World, path: str, data: st.DataObject, as_json: bool
) -> None:
    if as_json:
        await _send(world, path, _json_body(world, data, path), "application/json")
    else:
        body = _form_body(world, data, path)
        await _send(world, path, body, "application/x-www-form-urlencoded")


_ACTIVITY_TYPES = ["Note", "Create", "Like", "Follow", "Announce", "Undo", "Delete", "Update"]
c2s_documents = st.one_of(
    st.fixed_dictionaries(
        {"type": st.one_of(st.sampled_from(_ACTIVITY_TYPES), json_values)},
        optional={
            "@context": json_values,
            "object": st.one_of(
                json_values,
                st.sampled_from(["POST_URI", "http://127.0.0.1/x", "https://remote.example/n/1"]),
                st.fixed_dictionaries(
                    {"type": st.sampled_from(_ACTIVITY_TYPES)}, optional={"object": json_values}
                ),
            ),
            "content": json_values,
            "to": st.one_of(json_values, st.lists(json_values, max_size=3)),
            "cc": json_values,
            "inReplyTo": json_values,
            "attributedTo": json_values,
            "actor": json_values,
            "id": json_values,
        },
    ),
    json_values,
)


@given(doc=c2s_documents)
@settings(
    derandomize=True,
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
async def test_fuzzed_c2s_outbox_never_500(world: World, doc: Any) -> None:
    if isinstance(doc, dict) and doc.get("object") == "POST_URI":
        doc["object"] = (await Post.get(id=world.post_id)).uri
    await _send(world, "/users/alice/outbox", orjson.dumps(doc), "application/activity+json")


_PAGE_JUNK = st.one_of(
    form_values,
    st.sampled_from(["1", "0", "-1", "18446744073709551616", "1.5", "1e3", "0x1f", " 7", "٣"]),
)


@given(
    query=st.dictionaries(
        st.sampled_from(["max_id", "min_id", "since_id", "limit", "local", "only_media"]),
        _PAGE_JUNK,
        max_size=4,
    ),
    account=st.sampled_from(["ALICE", "BOB", "0", "-1", "99999999999999999999", "x", "%00"]),
)
@settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
async def test_fuzzed_paging_queries_never_500(
    world: World, query: dict[str, str], account: str
) -> None:
    qs = urlencode(query)
    for path in (
        "/api/v1/timelines/home",
        f"/api/v1/accounts/{world.substitute(account)}/statuses",
    ):
        before = await _stored()
        response = await world.client.get(f"{path}?{qs}", headers=world.headers)
        await _check(response, before, (path, qs))
        if response.status_code == 200:
            assert isinstance(await response.get_json(), list)
