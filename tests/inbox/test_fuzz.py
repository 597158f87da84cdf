"""Hostile AS2 at the inbox, signed with a key we trust so it passes the signature gate.

Each generated activity is malformed, oversized, deeply nested or type-confused in some field
(type, actor, object, to/cc, id, @context, unicode). Whatever arrives, the server answers 202
or a 4xx with a JSON `error`, never a 500; a refusal stores nothing; an accepted activity is
handled by its handler without raising anything but the typed errors the processor turns into
a `failed` row (or a retry, for a fetch that could not be made).

The budget is fixed (seeded, bounded example counts) so the run is the same in CI every time.
No request leaves the machine: the HTTP client is replaced by one that answers `FetchError`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actors.accounts import create_member
from federation.activities import PUBLIC
from federation.client import FetchError
from inbox import processor
from outbox.actions import create_post
from storage.models import Activity, Actor, Announce, Follow, Like, Post
from tests.inbox.signed import RemotePeer, remote_peer

BASE = "https://testserver.example"
PEER = "https://remote.example/users/rita"
FUZZ = settings(
    derandomize=True,
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_ACTIVITY_TYPES = [
    *("Create", "Update", "Delete", "Follow", "Accept", "Reject", "Undo", "Like"),
    *("Announce", "Block", "Flag", "Move", "Add", "Remove", "EmojiReact"),
]
_UNICODE = [
    "",
    "\u0000",
    "\u202eevil",
    "ｒｅｍｏｔｅ",
    "r\u0456ta",  # Cyrillic i
    "a\u200db",
    "🏳️‍🌈" * 50,
    "e\u0301" * 100,
    "\ufeff",
    "\U0010ffff",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.sampled_from(_UNICODE),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.text(max_size=10), children, max_size=5),
    ),
    max_leaves=25,
)


def _nested(depth: int, leaf: Any) -> Any:
    for level in range(depth):
        leaf = {"id": f"https://remote.example/n/{level}", "object": leaf} if level % 2 else [leaf]
    return leaf


urls = st.one_of(
    st.sampled_from(
        [
            PEER,
            f"{BASE}/users/alice",
            "https://remote.example/notes/1",
            "https://victim.example/notes/1",
            "https://remote.example:99999/x",
            "https://user@remote.example/x",
            "https://remote.example\\@victim.example/",
            "javascript:alert(1)",
            "http://127.0.0.1/admin",
            "//remote.example/x",
            "https://ｒｅｍｏｔｅ.example/x",
        ]
    ),
    st.builds(lambda s: f"https://remote.example/{s}", st.text(max_size=20)),
)
LONG_URL = "https://remote.example/" + "a" * 600  # wider than the uri columns
ids = st.one_of(urls, st.just(LONG_URL), json_values)
types = st.one_of(
    st.sampled_from(_ACTIVITY_TYPES),
    st.lists(st.one_of(st.sampled_from(_ACTIVITY_TYPES), scalars), max_size=4),
    scalars,
    st.just("https://www.w3.org/ns/activitystreams#Like"),
    st.just("x" * 300),
)
actors = st.one_of(
    st.just(PEER),
    st.just(PEER),
    st.fixed_dictionaries({"id": st.just(PEER), "type": types}),
    st.lists(st.one_of(st.just(PEER), urls), max_size=3),
    json_values,
)
embedded = st.fixed_dictionaries(
    {"id": ids, "type": types},
    optional={
        "attributedTo": actors,
        "content": st.one_of(json_values, st.just("<script>x</script>" * 10)),
        "contentMap": st.one_of(json_values, st.dictionaries(st.text(max_size=5), json_values)),
        "to": st.one_of(urls, st.lists(st.one_of(urls, json_values), max_size=5)),
        "inReplyTo": ids,
        "tag": json_values,
        "attachment": json_values,
        "published": json_values,
        "object": ids,
    },
)
objects = st.one_of(
    ids,
    st.sampled_from([f"{BASE}/users/alice", "LOCAL_POST", "LOCAL_PRIVATE_POST"]),
    embedded,
    st.lists(st.one_of(ids, embedded), max_size=3),
    st.builds(_nested, st.integers(min_value=1, max_value=60), embedded),
)
recipients = st.one_of(
    st.just([PUBLIC]),
    st.lists(st.one_of(urls, json_values, st.just("as:Public")), max_size=8),
    json_values,
    st.builds(
        lambda n: [f"https://remote.example/u/{i}" for i in range(n)],
        st.sampled_from([0, 1, 9_999, 10_001]),
    ),
)
contexts = st.one_of(
    st.just("https://www.w3.org/ns/activitystreams"),
    st.lists(st.one_of(st.just("https://www.w3.org/ns/activitystreams"), json_values), max_size=3),
    st.dictionaries(
        st.sampled_from(["id", "type", "actor", "object", "to", "toot", "evil", "@vocab"]),
        st.one_of(
            st.sampled_from(["@id", "@type", "as:actor", "https://evil.example/#x"]), json_values
        ),
        max_size=3,
    ),
    json_values,
)
activities = st.fixed_dictionaries(
    {"type": types, "actor": actors},
    optional={
        "@context": contexts,
        "id": ids,
        "object": objects,
        "target": ids,
        "to": recipients,
        "cc": recipients,
        "bto": recipients,
        "audience": recipients,
        "summary": json_values,
    },
)


def _mutate(body: bytes, how: int, where: int) -> bytes:
    """Byte-level damage to a well-formed body: the signature is made over the damaged bytes."""
    at = where % max(len(body), 1)
    return [
        body,
        body[:at],
        body[:at] + b"\xff" + body[at + 1 :],
        b"\xef\xbb\xbf" + body,
        body + b"garbage",
        body.replace(b'"', b"'", 1),
    ][how % 6]


class LocalThings:
    def __init__(self, post_uri: str, private_uri: str) -> None:
        self.post_uri = post_uri
        self.private_uri = private_uri

    def substitute(self, value: Any) -> Any:
        if value == "LOCAL_POST":
            return self.post_uri
        if value == "LOCAL_PRIVATE_POST":
            return self.private_uri
        if isinstance(value, list):
            return [self.substitute(v) for v in value]
        return value


@pytest.fixture
async def world(app, monkeypatch) -> AsyncIterator[tuple[Any, RemotePeer, LocalThings]]:
    """A local member with a public and a followers-only post, a trusted peer, no network."""
    from baraza.settings import Settings

    services = app.extensions["baraza"]

    async def offline(method: str, url: str, **kwargs: object) -> None:
        raise FetchError("offline in tests", url)

    monkeypatch.setattr(services.http, "request", offline)
    monkeypatch.setattr("inbox.routes.schedule", lambda activity_id: None)
    app.extensions["baraza_inbox_stop"].set()  # the sweeper would race this test for the rows
    await app.extensions["baraza_inbox_task"]
    settings_: Settings = services.settings
    alice = await create_member(settings_, "alice")
    post = await create_post(settings_, alice, "<p>public</p>")
    private = await create_post(settings_, alice, "<p>followers only</p>", visibility="followers")
    peer = await remote_peer()
    yield app.test_client(), peer, LocalThings(post.uri, private.uri)


async def _reset(peer: RemotePeer) -> None:
    """Undo what the previous example did, so each one starts from the same state."""
    await Activity.filter(local=False).delete()
    await Like.all().delete()
    await Announce.all().delete()
    await Follow.filter(follower__local=False).delete()
    await Post.filter(local=False).delete()
    await Actor.filter(local=False).exclude(uri=PEER).delete()
    stored = await Actor.get_or_none(uri=PEER)
    if stored is None:
        peer.actor = await Actor.create(**_peer_fields(peer))
    else:
        await Actor.filter(uri=PEER).update(**_peer_fields(peer))


def _peer_fields(peer: RemotePeer) -> dict[str, Any]:
    fields = ("uri", "type", "username", "domain", "inbox_url", "key_id", "public_key_pem")
    values = {name: getattr(peer.actor, name) for name in fields}
    values.update(suspended_at=None, local=False)
    return values


async def _post_and_check(client: Any, peer: RemotePeer, body: bytes) -> None:
    await _reset(peer)
    response = await client.post("/inbox", data=body, headers=peer.signed_headers("/inbox", body))
    status = response.status_code
    payload = await response.get_json(force=True, silent=True)
    assert status == 202 or 400 <= status < 500, (status, payload, body[:300])
    if status != 202:
        assert isinstance(payload, dict) and isinstance(payload.get("error"), str), payload
        assert await Activity.filter(local=False).count() == 0, "a refused activity was stored"
        return
    rows = await Activity.filter(local=False).all()
    assert len(rows) <= 1
    for row in rows:
        await processor.process(row.id)  # anything but a typed error propagates and fails here
        row = await Activity.get(id=row.id)
        assert row.state in ("handled", "failed", "received"), row.state
        if row.state == "failed":
            assert row.error, "a failed row says why"
        if row.state == "received":
            assert row.attempts >= 1 and "offline" in row.error, row.error


@given(doc=activities, how=st.integers(0, 5), where=st.integers(0, 10_000))
@FUZZ
async def test_fuzzed_activity_is_answered_and_handled_cleanly(world, doc, how, where) -> None:
    client, peer, local = world
    doc = {key: local.substitute(value) for key, value in doc.items()}
    body = _mutate(orjson.dumps(doc), how, where)
    await _post_and_check(client, peer, body)


@given(
    type_=st.sampled_from(_ACTIVITY_TYPES),
    object_=objects,
    to=recipients,
    serial=st.integers(0, 10**9),
)
@settings(
    derandomize=True,
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
async def test_well_formed_envelope_with_fuzzed_object_is_handled_cleanly(
    world, type_, object_, to, serial
) -> None:
    """The envelope passes the gate (right actor, id on its host), so the handlers see the rest."""
    client, peer, local = world
    doc = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"https://remote.example/activities/{serial}",
        "type": type_,
        "actor": PEER,
        "object": local.substitute(object_),
        "to": to,
    }
    await _post_and_check(client, peer, orjson.dumps(doc))
