"""The centre of issue 4: a private space's content never leaves the instance.

Instance B runs behind a recording proxy, so every request A makes to B is kept. A canary
phrase goes into a private space on A as a post (addressed, adversarially, to Public and to a
member of B), a reply (addressed to Public only), a library document and a Talk. The space's
members read it on A; B never receives it in any body, header or URL; no anonymous, B-signed
or outsider GET of any URL we know returns it; and B's Follow of the space is rejected.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from urllib.parse import quote

import aiohttp

from federation.keys import load_private_key
from federation.signatures import sign_request
from tests.e2e.instance import Instance, free_port
from tests.e2e.peek import c2s, eventually, query, scalar
from tests.e2e.recording_proxy import RecordingProxy

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
AS2 = "application/activity+json"


class SignedAs:
    """Signs requests with a B actor's real key, as B's server would."""

    def __init__(self, key_pem: str, key_id: str) -> None:
        self.key = load_private_key(key_pem)
        self.key_id = key_id

    def get_headers(self, url: str, host: str) -> dict[str, str]:
        headers = {"Accept": AS2, "Host": host}
        headers.update(sign_request("GET", url, headers, self.key, self.key_id))
        return headers

    def post_headers(self, url: str, host: str, body: bytes) -> dict[str, str]:
        headers = {"Content-Type": AS2, "Host": host}
        headers.update(sign_request("POST", url, headers, self.key, self.key_id, body))
        return headers


async def _api(http: aiohttp.ClientSession, method: str, url: str, token: str, **kw):
    async with http.request(
        method, url, headers={"Authorization": f"Bearer {token}"}, **kw
    ) as response:
        body = await response.json(content_type=None)
        assert response.status == 200, (url, response.status, body)
        return body


async def _tokens(instance: Instance, *names: str) -> dict[str, str]:
    return {n: await asyncio.to_thread(instance.token, n) for n in names}


async def test_private_space_content_never_leaves_instance(make_instance) -> None:
    proxy_port = free_port("127.0.0.3")
    b_domain = f"127.0.0.3:{proxy_port}"
    a = await make_instance("127.0.0.2")
    b = await make_instance("127.0.0.3", BARAZA_DOMAIN=b_domain)
    proxy = await RecordingProxy("127.0.0.3", proxy_port, b.base_url).start()
    try:
        await _scenario(a, b, proxy, b_domain)
    finally:
        await proxy.stop()


async def _scenario(a: Instance, b: Instance, proxy: RecordingProxy, b_domain: str) -> None:
    for name in ("amina", "carla", "dario"):
        await asyncio.to_thread(a.cli, "member", "add", name)
    await asyncio.to_thread(a.cli, "space", "add", "casefile", "--private", "--owner", "amina")
    await asyncio.to_thread(a.cli, "space", "join", "casefile", "carla")
    await asyncio.to_thread(b.cli, "member", "add", "bruno")
    tok = await _tokens(a, "amina", "carla", "dario")
    bruno_token = await asyncio.to_thread(b.token, "bruno")
    amina = f"{a.base_url}/users/amina"
    space_uri = f"{a.base_url}/spaces/casefile"
    bruno = f"http://{b_domain}/users/bruno"
    key_pem, key_id = (
        await query(
            b, "SELECT private_key_pem, key_id FROM actors WHERE local_username = ?", "bruno"
        )
    )[0]
    as_bruno = SignedAs(key_pem, key_id)
    canary = f"CANARY-{uuid.uuid4().hex}"
    control = f"CONTROL-{uuid.uuid4().hex}"

    async with aiohttp.ClientSession() as http:
        # bruno (B) follows amina and carla: anything of theirs that leaks would go to B.
        for target in (amina, f"{a.base_url}/users/carla"):
            await c2s(http, b, "bruno", bruno_token, {"type": "Follow", "object": target})
        follows_sql = (
            "SELECT COUNT(*) FROM follows f JOIN actors x ON x.id = f.follower_id "
            "WHERE x.uri = ? AND f.accepted"
        )

        async def followed() -> bool:
            return await scalar(a, follows_sql, bruno) == 2

        await eventually(followed, "A accepts bruno's follows")
        space_id = await scalar(a, "SELECT id FROM actors WHERE uri = ?", space_uri)
        api = f"{a.base_url}/api/v1/spaces/{space_id}"

        # 1. A post in the space, addressed adversarially to Public and to bruno.
        post_uri = (
            await c2s(
                http,
                a,
                "amina",
                tok["amina"],
                {
                    "type": "Note",
                    "content": f"<p>Witness list {canary}</p>",
                    "to": [PUBLIC, space_uri],
                    "cc": [f"{amina}/followers", bruno],
                },
            )
        )["id"]
        # 2. A reply addressed to Public only: it must stay in the space all the same.
        reply_uri = (
            await c2s(
                http,
                a,
                "carla",
                tok["carla"],
                {
                    "type": "Note",
                    "content": f"<p>Re: {canary}</p>",
                    "inReplyTo": post_uri,
                    "to": [PUBLIC],
                    "cc": [bruno],
                },
            )
        )["id"]
        await c2s(http, a, "carla", tok["carla"], {"type": "Like", "object": post_uri})
        # 3. A library document.
        form = aiohttp.FormData()
        form.add_field("title", f"Evidence {canary}")
        form.add_field("file", f"testimony {canary}\n".encode(), filename=f"{canary}.txt")
        document = await _api(http, "POST", f"{api}/documents", tok["amina"], data=form)
        download = document["url"]
        # 4. A Talk, and an answer to it.
        event = await _api(
            http,
            "POST",
            f"{api}/events",
            tok["amina"],
            json={
                "name": f"Strategy {canary}",
                "content": f"Agenda {canary}",
                "start_time": "2030-05-01T10:00:00Z",
                "end_time": "2030-05-01T11:00:00Z",
                "location": f"https://meet.example/{canary}",
            },
        )
        await _api(
            http,
            "POST",
            f"{api}/events/{event['id']}/answer",
            tok["carla"],
            json={"answer": "accept"},
        )
        # The control: a public post, which B must receive through the same recorder.
        await c2s(
            http,
            a,
            "amina",
            tok["amina"],
            {
                "type": "Note",
                "content": f"<p>{control}</p>",
                "to": [PUBLIC],
                "cc": [f"{amina}/followers"],
            },
        )

        async def control_arrived() -> bool:
            return control in proxy.everything()

        await eventually(control_arrived, "the recorder sees A's public post reach B")

        # Members read it: home timeline and space timeline, on A.
        for member in ("amina", "carla"):
            home = await _api(http, "GET", f"{a.base_url}/api/v1/timelines/home", tok[member])
            # At home a space's posts are the space's boosts (the status is under `reblog`).
            assert sum(canary in (s["reblog"] or s)["content"] for s in home) >= 2, member
            timeline = await _api(http, "GET", f"{api}/timeline", tok[member])
            assert {s["uri"] for s in timeline} >= {post_uri, reply_uri}
        events = await _api(http, "GET", f"{api}/events", tok["carla"])
        assert events[0]["participants"]["accept"] == 1
        docs = await _api(http, "GET", f"{api}/documents", tok["carla"])
        assert canary in docs[0]["title"]

        # B's Follow of the private space, signed by bruno, straight to A's inbox:
        # dropped in silence, as for an unused name (a Reject signed by the space would confirm it).
        follow_id = f"http://{b_domain}/activities/{uuid.uuid4().hex}"
        body = json.dumps(
            {
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": follow_id,
                "type": "Follow",
                "actor": bruno,
                "object": space_uri,
            }
        ).encode()
        inbox = f"{a.base_url}/inbox"
        async with http.post(
            inbox, data=body, headers=as_bruno.post_headers(inbox, a.domain, body)
        ) as response:
            assert response.status == 202, await response.text()

        async def follow_handled() -> bool:
            state = await scalar(a, "SELECT state FROM activities WHERE uri = ?", follow_id)
            return state in ("handled", "failed")

        await eventually(follow_handled, "A handles bruno's Follow of the private space")
        await asyncio.sleep(1)  # a Reject, were one queued, would be on its way by now
        assert not any(
            follow_id in r.body.decode(errors="replace") or space_uri in r.body.decode("latin-1")
            for r in proxy.received
            if r.method == "POST"
        ), "nothing answers a Follow of a private space"
        assert (
            await scalar(
                a,
                "SELECT COUNT(*) FROM follows f JOIN actors x ON x.id = f.follower_id "
                "JOIN actors t ON t.id = f.target_id WHERE x.uri = ? AND t.uri = ?",
                bruno,
                space_uri,
            )
            == 0
        )
        followers = await _api(http, "GET", f"{space_uri}/followers?page=1", tok["carla"])
        assert bruno not in followers["orderedItems"]

        # Let the worker finish: nothing left queued on A.
        async def drained() -> bool:
            return await scalar(a, "SELECT COUNT(*) FROM deliveries WHERE state = 'queued'") == 0

        await eventually(drained, "A's delivery queue drains")

        # Nothing B received carries the canary: bodies, headers, URLs.
        assert proxy.received, "the recorder saw nothing at all"
        assert canary not in proxy.everything()
        # And no delivery row was ever written for an activity carrying it.
        assert (
            await scalar(
                a,
                "SELECT COUNT(*) FROM deliveries d JOIN activities x ON x.id = d.activity_id "
                "WHERE CAST(x.document AS TEXT) LIKE ?",
                f"%{canary}%",
            )
            == 0
        )

        await _no_foreign_read_shows_it(
            http,
            a,
            canary,
            as_bruno,
            tok["dario"],
            private_urls=[
                post_uri,
                f"{post_uri}/activity",
                reply_uri,
                f"{reply_uri}/activity",
                event["uri"],
                f"{event['uri']}/activity",
                space_uri,
                f"{space_uri}/followers",
                f"{space_uri}/followers?page=1",
                f"{space_uri}/outbox",
                f"{space_uri}/outbox?page=1",
                f"{space_uri}/moderators",
                f"{a.base_url}/@casefile",
                post_uri.replace("/users/amina/statuses/", "/@amina/"),
                download,
                f"{download}?version=1",
                document["url"].removesuffix("/download"),
                api,
                f"{api}/timeline",
                f"{api}/documents",
                f"{api}/events",
                f"{api}/events/{event['id']}",
                f"{api}/members",
                f"{a.base_url}/api/v1/statuses/{event['id']}",
                f"{a.base_url}/.well-known/webfinger?resource=acct:casefile@{a.domain}",
                f"{a.base_url}/.well-known/webfinger?resource={quote(space_uri)}",
            ],
            public_urls=[
                f"{a.base_url}/",
                f"{a.base_url}/@amina",
                f"{a.base_url}/@carla",
                amina,
                f"{amina}/outbox?page=1",
                f"{a.base_url}/users/carla/outbox?page=1",
                f"{a.base_url}/nodeinfo/2.1",
                f"{a.base_url}/api/v1/timelines/public",
                f"{a.base_url}/api/v1/timelines/public?local=true",
                f"{a.base_url}/api/v2/search?q={canary}",
                f"{a.base_url}/api/v1/timelines/tag/{canary}",
                f"{a.base_url}/api/v1/accounts/{space_id}",
                f"{a.base_url}/api/v1/accounts/{space_id}/statuses",
            ],
        )
    for instance in (a, b):
        assert canary not in instance.log() or instance is a


async def _no_foreign_read_shows_it(
    http: aiohttp.ClientSession,
    a: Instance,
    canary: str,
    as_bruno: SignedAs,
    outsider_token: str,
    *,
    private_urls: list[str],
    public_urls: list[str],
) -> None:
    """Anonymous (AS2 and HTML), B-signed and a local outsider: none sees the canary."""
    for url in [*private_urls, *public_urls]:
        requesters = {
            "anonymous-as2": {"Accept": AS2},
            "anonymous-html": {"Accept": "text/html"},
            "b-signed": as_bruno.get_headers(url, a.domain),
            "outsider": {"Authorization": f"Bearer {outsider_token}", "Accept": AS2},
        }
        for who, headers in requesters.items():
            async with http.get(url, headers=headers, allow_redirects=False) as response:
                text = await response.text(errors="replace")
                shown = text + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
                assert canary not in shown, (who, url, response.status)
                if url in private_urls:
                    assert response.status in (401, 404), (who, url, response.status)
