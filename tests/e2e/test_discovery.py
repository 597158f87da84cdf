"""A real `baraza serve` process: WebFinger → actor → collections → NodeInfo over HTTP."""

from __future__ import annotations

import asyncio

import aiohttp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.e2e.instance import Instance

AS2 = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


async def _setup(make_instance) -> Instance:
    instance: Instance = await make_instance("127.0.0.2")
    await asyncio.to_thread(
        instance.cli, "member", "add", "amina", "--display-name", "Amina <script>alert(1)</script>"
    )
    await asyncio.to_thread(instance.cli, "member", "add", "bruno")
    await asyncio.to_thread(instance.cli, "space", "add", "climate", "--public", "--owner", "amina")
    await asyncio.to_thread(
        instance.cli, "space", "add", "casefiles", "--private", "--owner", "amina"
    )
    await asyncio.to_thread(instance.cli, "space", "join", "climate", "bruno")
    return instance


async def test_walk_from_webfinger_to_nodeinfo(make_instance) -> None:
    instance = await _setup(make_instance)
    base = instance.base_url
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{base}/.well-known/webfinger", params={"resource": f"acct:amina@{instance.domain}"}
        ) as r:
            assert r.status == 200
            assert r.headers["Access-Control-Allow-Origin"] == "*"
            assert r.headers["Content-Type"].startswith("application/jrd+json")
            jrd = await r.json(content_type=None)
        self_link = next(link for link in jrd["links"] if link["rel"] == "self")
        assert self_link["type"] == AS2
        actor_url = self_link["href"]

        for accept in (AS2, LD):
            async with http.get(actor_url, headers={"Accept": accept}) as r:
                assert r.status == 200
                assert r.headers["Content-Type"].startswith(AS2)
                actor = await r.json(content_type=None)
        assert actor["id"] == actor_url
        assert actor["type"] == "Person"
        assert actor["preferredUsername"] == "amina"
        assert actor["publicKey"]["owner"] == actor_url
        key = serialization.load_pem_public_key(actor["publicKey"]["publicKeyPem"].encode())
        assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048
        assert "PRIVATE" not in str(actor)

        # Spaces are Group actors discoverable by the same WebFinger, with FEP-1b12 moderators.
        async with http.get(
            f"{base}/.well-known/webfinger", params={"resource": f"acct:climate@{instance.domain}"}
        ) as r:
            space_url = next(
                link["href"]
                for link in (await r.json(content_type=None))["links"]
                if link["rel"] == "self"
            )
        async with http.get(space_url, headers={"Accept": AS2}) as r:
            space = await r.json(content_type=None)
        assert space["type"] == "Group"
        async with http.get(space["attributedTo"], headers={"Accept": AS2}) as r:
            moderators = await r.json(content_type=None)
        assert moderators["orderedItems"] == [actor_url]

        async with http.get(space["followers"], headers={"Accept": AS2}) as r:
            followers = await r.json(content_type=None)
        assert followers["type"] == "OrderedCollection"
        assert followers["totalItems"] == 2
        async with http.get(followers["first"], headers={"Accept": AS2}) as r:
            page = await r.json(content_type=None)
        assert page["type"] == "OrderedCollectionPage"
        assert set(page["orderedItems"]) == {actor_url, f"{base}/users/bruno"}

        for which in ("outbox", "following"):
            async with http.get(actor[which], headers={"Accept": AS2}) as r:
                assert r.status == 200
                assert (await r.json(content_type=None))["type"] == "OrderedCollection"

        async with http.get(f"{base}/.well-known/nodeinfo") as r:
            links = (await r.json(content_type=None))["links"]
        hrefs = {link["rel"].rsplit("/", 1)[-1]: link["href"] for link in links}
        assert set(hrefs) == {"2.0", "2.1"}
        async with http.get(hrefs["2.1"]) as r:
            nodeinfo = await r.json(content_type=None)
        assert nodeinfo["software"]["name"] == "baraza"
        assert nodeinfo["protocols"] == ["activitypub"]
        assert nodeinfo["usage"]["users"]["total"] == 2
        assert nodeinfo["usage"]["localPosts"] == 0
        assert nodeinfo["metadata"]["nodeName"]

        # Browsers get an escaped HTML profile with no scripts.
        async with http.get(actor_url, headers={"Accept": "text/html,*/*;q=0.8"}) as r:
            assert r.status == 200
            assert r.headers["Content-Type"].startswith("text/html")
            html = await r.text()
        assert "<script" not in html
        assert "&lt;script&gt;" in html


async def test_every_discovery_error_status(make_instance) -> None:
    instance = await _setup(make_instance)
    base = instance.base_url
    wf = f"{base}/.well-known/webfinger"
    cases = [
        (wf, {}, 400),
        (wf, {"resource": "nonsense"}, 400),
        (wf, {"resource": "acct:@"}, 400),
        (wf, {"resource": f"acct:nobody@{instance.domain}"}, 404),
        (wf, {"resource": "acct:amina@elsewhere.example"}, 404),
        (wf, {"resource": f"acct:casefiles@{instance.domain}"}, 404),  # private space
        (wf, {"resource": f"acct:аmina@{instance.domain}"}, 404),  # Cyrillic homoglyph
        (f"{base}/users/nobody", {}, 404),
        (f"{base}/spaces/casefiles", {}, 404),
        (f"{base}/spaces/casefiles/followers", {}, 404),
        (f"{base}/users/amina/nothing", {}, 404),
    ]
    async with aiohttp.ClientSession() as http:
        for url, params, status in cases:
            async with http.get(url, params=params, headers={"Accept": AS2}) as r:
                assert r.status == status, (url, params)
                body = await r.json(content_type=None)
                assert "error" in body, (url, params)
