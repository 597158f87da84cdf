"""Authorized fetch without lockouts, and signed GETs from refused domains: one table.

Each row is (mode, who asks, what) -> the status and, for the actor, which document. The key
(in the minimal actor document) stays open to unsigned requests in authorized-fetch mode, as
Mastodon does, so a peer that fetches keys unsigned (Fedify) can still verify us.
"""

from __future__ import annotations

import pytest

from actors.accounts import create_member
from actors.documents import KEY_FIELDS
from baraza.app import create_app
from federation.keys import load_private_key
from federation.signatures import sign_request
from outbox import actions
from storage.models import DomainBlock
from tests.inbox.signed import _KEYS, remote_peer

AS2 = {"Accept": "application/activity+json"}
BASE = "https://testserver.example"

# Paths by kind; `{post}` is filled in with the test post's path.
PATHS = {
    "actor": "/users/author",
    "followers": "/users/author/followers",
    "outbox": "/users/author/outbox",
    "post": "{post}",
    "instance actor": "/actor",
    "webfinger": "/.well-known/webfinger?resource=acct:author@testserver.example",
}

# (authorized fetch, who, what) -> expected status
TABLE = [
    *[(af, "suspended", what, 403) for af in (False, True) for what in PATHS],
    *[(False, "unsigned", what, 200) for what in PATHS],
    *[(af, "peer", what, 200) for af in (False, True) for what in PATHS],
    (True, "unsigned", "actor", 200),
    (True, "unsigned", "instance actor", 200),
    (True, "unsigned", "webfinger", 200),
    (True, "unsigned", "followers", 401),
    (True, "unsigned", "outbox", 401),
    (True, "unsigned", "post", 401),
]


def signed_get(path: str, key_id: str) -> dict[str, str]:
    headers = {**AS2, "Host": "testserver.example"}
    key = load_private_key(_KEYS.private_pem)
    headers.update(sign_request("GET", BASE + path, headers, key, key_id))
    return headers


@pytest.fixture(params=[False, True], ids=["open", "authorized-fetch"])
async def mode_app(request, settings):
    application = create_app(
        settings.with_overrides(authorized_fetch=request.param), manage_database=False
    )
    async with application.test_app():
        yield request.param, application


@pytest.mark.parametrize(("who", "what"), sorted({(w, p) for _, w, p, _ in TABLE}))
async def test_fetch_table(mode_app, settings, who, what) -> None:
    af, application = mode_app
    expected = next(s for a, w, p, s in TABLE if (a, w, p) == (af, who, what))
    client = application.test_client()
    author = await create_member(settings, "author")
    author.summary = "PRIVATE-BIO-4471"
    await author.save()
    post = await actions.create_post(settings, author, "<p>hello</p>")
    await DomainBlock.create(domain="blocked.example", severity="suspend")
    peers = {
        "peer": await remote_peer(host="friends.example"),
        "suspended": await remote_peer(host="sub.blocked.example"),
    }
    path = PATHS[what].format(post=post.uri.removeprefix(BASE))
    headers = signed_get(path, peers[who].actor.key_id) if who in peers else AS2
    response = await client.get(path, headers=headers)
    assert response.status_code == expected, (af, who, what)
    body = await response.get_json()
    if expected != 200:
        assert "error" in body
        return
    if what == "actor":
        # The key and a delivery address for everyone; the rest only to signed requests.
        minimal = af and who == "unsigned"
        assert body["publicKey"]["publicKeyPem"] == author.public_key_pem
        assert body["publicKey"]["id"] == author.key_id
        assert body["inbox"] == author.inbox_url
        assert (set(body) == set(KEY_FIELDS)) is minimal
        assert ("PRIVATE-BIO-4471" in str(body)) is not minimal
        assert "privateKey" not in str(body) and "PRIVATE KEY" not in str(body)


def test_every_combination_is_in_the_table() -> None:
    rows = {(a, w, p) for a, w, p, _ in TABLE}
    assert len(rows) == len(TABLE)
    assert rows == {
        (a, w, p) for a in (False, True) for w in ("unsigned", "peer", "suspended") for p in PATHS
    }


async def test_allowlist_mode_leaves_reads_to_the_routes(app, client, settings) -> None:
    """Only suspension refuses a signed GET outright: in allowlist mode an unlisted server
    still reads what anyone may (it is its Follow and its deliveries that are refused)."""
    from federation.domain_blocks import set_federation_mode

    await create_member(settings, "author")
    await set_federation_mode("test", "allowlist")
    peer = await remote_peer(host="unlisted.example")
    headers = signed_get("/users/author", peer.actor.key_id)
    answer = await client.get("/users/author", headers=headers)
    assert answer.status_code == 200
