"""Issue 16: Web Push end to end, against a push endpoint we did not write the crypto of.

An app subscribes through `/api/v1/push/subscription` with keys it made; a notification is
made; the worker sends the push to a local aiohttp endpoint, which checks the VAPID signature
(RFC 8292) against the instance's `vapid_key` and decrypts the body with the app's private
key and auth secret using `http_ece` (RFC 8291, aes128gcm). Retries, policies, revocation and
a push service's 410 are checked on the rows. SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import http_ece
import pytest
from aiohttp import web
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from actors.accounts import create_member
from baraza.settings import Settings
from clientapi.tokens import issue_token
from federation.client import ClientSettings, HttpClient
from outbox import actions, graph
from outbox.push_keys import b64url, b64url_decode
from outbox.push_worker import PushWorker
from storage.models import AccessToken, Actor, PushDelivery, PushSubscription
from tests.conftest import make_settings

WAIT = 10.0


@dataclass
class PushEndpoint:
    """A push service on loopback: answers with `statuses` in turn (then 201), keeps bodies."""

    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append((dict(request.headers), await request.read()))
        self.arrived.set()
        return web.Response(status=self.statuses.pop(0) if self.statuses else 201)

    async def next(self) -> tuple[dict[str, str], bytes]:
        seen = len(self.received)
        while len(self.received) <= seen:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), WAIT)
        return self.received[-1]


@dataclass
class AppKeys:
    """What a phone app makes before subscribing: a P-256 key pair and a 16-byte secret."""

    private: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.private, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


@dataclass
class Scene:
    client: Any
    settings: Settings
    amina: Actor
    bilal: Actor
    token: str
    endpoint: PushEndpoint
    keys: AppKeys
    worker: PushWorker

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def subscribe(self, **data: str) -> dict[str, Any]:
        form = {
            "subscription[endpoint]": self.endpoint.url,
            "subscription[keys][p256dh]": self.keys.p256dh,
            "subscription[keys][auth]": b64url(self.keys.auth),
            **data,
        }
        response = await self.client.post(
            "/api/v1/push/subscription", headers=self.headers, form=form
        )
        body = await response.get_json()
        assert response.status_code == 200, body
        return body

    async def mention(self, text: str = "hearing moved") -> None:
        await actions.create_post(
            self.settings, self.amina, f"<p>@bilal {text}</p>", mentions=[self.bilal]
        )


@pytest.fixture
async def scene(any_db: str, tmp_path: Path) -> AsyncIterator[Scene]:
    from baraza.app import create_app

    endpoint = PushEndpoint()
    server = web.Application()
    server.router.add_post("/push/{id}", endpoint.handle)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    endpoint.url = f"http://127.0.0.1:{port}/push/bilal-phone"
    settings = make_settings(any_db, tmp_path)
    application = create_app(settings, manage_database=False)
    http = HttpClient(ClientSettings(user_agent="test", allow_private_addresses=True))
    async with application.test_app():
        amina = await create_member(settings, "amina")
        bilal = await create_member(settings, "bilal")
        token, _ = await issue_token(bilal, "read write follow push")
        worker = PushWorker(settings, http, poll_seconds=0.1)
        worker.start()
        try:
            yield Scene(
                application.test_client(), settings, amina, bilal, token, endpoint, AppKeys(),
                worker,
            )  # fmt: skip
        finally:
            await worker.stop()
            await http.close()
            await runner.cleanup()


def _verify_vapid(authorization: str, server_key: str, endpoint_url: str) -> None:
    """RFC 8292: `vapid t=JWT, k=KEY`; the JWT is ES256-signed by KEY, `aud` is the origin."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == server_key
    header, claims, signature = fields["t"].split(".")
    raw = b64url_decode(signature)
    point = b64url_decode(fields["k"])
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    decoded = json.loads(b64url_decode(claims))
    assert decoded["aud"] == endpoint_url.split("/push/")[0]
    assert decoded["exp"] > datetime.now(UTC).timestamp()


async def test_a_mention_arrives_encrypted_at_the_apps_push_endpoint(scene: Scene) -> None:
    instance = await (await scene.client.get("/api/v2/instance")).get_json()
    server_key = instance["configuration"]["vapid"]["public_key"]
    assert len(b64url_decode(server_key)) == 65
    created = await scene.subscribe(**{"data[alerts][mention]": "true", "data[policy]": "all"})
    assert created["endpoint"] == scene.endpoint.url
    assert created["server_key"] == server_key
    assert created["alerts"]["mention"] is True and created["alerts"]["follow"] is False
    shown = await (
        await scene.client.get("/api/v1/push/subscription", headers=scene.headers)
    ).get_json()
    assert shown == created
    await scene.mention("the hearing moved to ten")
    headers, body = await scene.endpoint.next()
    assert headers["Content-Encoding"] == "aes128gcm"
    assert int(headers["TTL"]) > 0
    _verify_vapid(headers["Authorization"], server_key, scene.endpoint.url)
    assert b"hearing" not in body  # encrypted on the wire
    doc = scene.keys.decrypt(body)
    assert set(doc) == {
        "access_token", "preferred_locale", "notification_id", "notification_type", "icon",
        "title", "body",
    }  # fmt: skip
    assert doc["access_token"] == scene.token
    assert doc["notification_type"] == "mention"
    assert doc["title"] == "amina mentioned you"
    assert "the hearing moved to ten" in doc["body"]
    listed = await scene.client.get("/api/v1/notifications", headers=scene.headers)
    notes = await listed.get_json()
    assert doc["notification_id"] == notes[0]["id"]


async def test_a_failed_push_is_retried_from_its_row(scene: Scene) -> None:
    await scene.subscribe(**{"data[alerts][mention]": "true"})
    scene.endpoint.statuses = [503]
    await scene.mention()
    await scene.endpoint.next()  # the 503
    row = await _settled(lambda r: r.state == "queued" and r.attempts == 1)
    assert row.next_try_at > datetime.now(UTC)  # backed off, not hammered
    await PushDelivery.filter(id=row.id).update(next_try_at=datetime.now(UTC))
    _, body = await scene.endpoint.next()
    assert scene.keys.decrypt(body)["notification_type"] == "mention"
    assert (await _settled(lambda r: r.state == "delivered")).attempts == 2


async def _settled(check: Any) -> PushDelivery:
    for _ in range(100):
        row = await PushDelivery.all().order_by("-id").first()
        if row is not None and check(row):
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"push row never settled: {row and (row.state, row.attempts)}")


async def test_alerts_and_policy_decide_what_is_pushed(scene: Scene) -> None:
    await scene.subscribe(**{"data[alerts][follow]": "true"})
    await scene.mention()  # mention alert off
    assert await PushDelivery.all().count() == 0
    changed = await scene.client.put(
        "/api/v1/push/subscription",
        headers=scene.headers,
        json={"data": {"alerts": {"mention": True}, "policy": "followed"}},
    )
    body = await changed.get_json()
    assert body["alerts"]["mention"] is True and body["alerts"]["follow"] is True  # kept
    assert body["policy"] == "followed"
    await scene.mention()  # bilal does not follow amina
    assert await PushDelivery.all().count() == 0
    await graph.follow(scene.settings, scene.bilal, scene.amina)
    await scene.mention("now followed")
    assert scene.keys.decrypt((await scene.endpoint.next())[1])["body"].endswith("now followed")


async def test_the_subscription_dies_with_its_token(scene: Scene) -> None:
    await scene.subscribe(**{"data[alerts][mention]": "true"})
    await AccessToken.filter(account=scene.bilal).update(revoked_at=datetime.now(UTC))
    await scene.mention()
    assert await PushSubscription.all().count() == 0
    assert await PushDelivery.all().count() == 0


async def test_a_push_service_410_ends_the_subscription(scene: Scene) -> None:
    await scene.subscribe(**{"data[alerts][mention]": "true"})
    scene.endpoint.statuses = [410]
    await scene.mention()
    await scene.endpoint.next()
    for _ in range(100):
        if not await PushSubscription.exists():
            break
        await asyncio.sleep(0.05)
    assert not await PushSubscription.exists()


async def test_one_subscription_per_token_and_delete(scene: Scene) -> None:
    first = await scene.subscribe(**{"data[alerts][mention]": "true"})
    second = await scene.subscribe(**{"data[alerts][favourite]": "true"})
    assert first["id"] != second["id"] and await PushSubscription.all().count() == 1
    gone = await scene.client.delete("/api/v1/push/subscription", headers=scene.headers)
    assert gone.status_code == 200 and await gone.get_json() == {}
    missing = await scene.client.get("/api/v1/push/subscription", headers=scene.headers)
    assert missing.status_code == 404 and "error" in await missing.get_json()


@pytest.mark.parametrize(
    "form",
    [
        {},
        {
            "subscription[endpoint]": "ftp://x/y",
            "subscription[keys][p256dh]": "AA",
            "subscription[keys][auth]": "AA",
        },
        {
            "subscription[endpoint]": "https://push.example/x",
            "subscription[keys][p256dh]": "AA",
            "subscription[keys][auth]": "AA",
        },
    ],
)
async def test_bad_subscriptions_get_a_4xx(scene: Scene, form: dict[str, str]) -> None:
    response = await scene.client.post(
        "/api/v1/push/subscription", headers=scene.headers, form=form
    )
    assert response.status_code == 422 and "error" in await response.get_json()


async def test_push_needs_the_push_scope(scene: Scene) -> None:
    token, _ = await issue_token(scene.bilal, "read write")
    response = await scene.client.get(
        "/api/v1/push/subscription", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 403


async def test_the_app_entity_shows_the_vapid_key(scene: Scene) -> None:
    made = await scene.client.post(
        "/api/v1/apps", form={"client_name": "Phone", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}
    )
    app = await made.get_json()
    instance = await (await scene.client.get("/api/v2/instance")).get_json()
    assert app["vapid_key"] == instance["configuration"]["vapid"]["public_key"] != ""
