"""Double knocking against peers that accept one signature style only.

The peers are small aiohttp servers on loopback that verify with libraries we did not write:
httpsig (draft-cavage) and http_message_signatures (RFC 9421). The cavage-only peer answers
an RFC 9421 request with 500, as one real server does; the RFC 9421-only peer answers 401.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from aiohttp import web
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from http_message_signatures import HTTPMessageVerifier, MappingKeyResolver
from http_message_signatures.algorithms import RSA_V1_5_SHA256
from httpsig.verify import HeaderVerifier

from actors.accounts import create_member
from baraza.ids import new_id
from baraza.settings import Settings
from federation.client import ClientSettings, HttpClient
from federation.errors import NotFound
from federation.fetch import FetchFailed, fetch_json
from federation.signature_styles import (
    forget_cached_styles,
    knock,
    known_style,
    may_be_signature_refusal,
)
from outbox.deliver import deliver_one
from storage.models import Activity, Actor, Delivery, Host
from tests.conftest import make_settings


@dataclass
class OneStylePeer:
    """Verifies `accepts` ("cavage", "rfc9421" or "none") with an independent library."""

    accepts: str
    public_pem: bytes
    key_id: str
    seen: list[tuple[str, str, bool]] = field(default_factory=list)  # (method, style, valid)
    runner: web.AppRunner | None = None
    port: int = 0

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def base(self) -> str:
        return f"http://{self.host}"

    def _style(self, request: web.Request) -> str:
        if "Signature-Input" in request.headers:
            return "rfc9421"
        return "cavage" if "Signature" in request.headers else "unsigned"

    def _valid(self, request: web.Request, style: str, body: bytes) -> bool:
        if style == "cavage":
            required = ["(request-target)", "host", "date"]
            if request.method == "POST":
                required.append("digest")
            return HeaderVerifier(
                dict(request.headers),
                self.public_pem,
                required_headers=required,
                method=request.method,
                path=request.path_qs,
                sign_header="signature",
            ).verify()
        if style == "rfc9421":
            url = f"http://{request.headers['Host']}{request.path_qs}"
            prepared = requests.Request(
                request.method, url, headers=dict(request.headers), data=body or None
            ).prepare()
            resolver = MappingKeyResolver(
                public_keys={self.key_id: load_pem_public_key(self.public_pem)}, private_keys={}
            )
            verifier = HTTPMessageVerifier(
                signature_algorithm=RSA_V1_5_SHA256, key_resolver=resolver
            )
            try:
                verifier.verify(prepared, require_components=("@method", "@target-uri"))
            except Exception:  # the library raises several types; any of them means invalid
                return False
            return True
        return False

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        style = self._style(request)
        valid = style == self.accepts and self._valid(request, style, body)
        self.seen.append((request.method, style, valid))
        if not valid:
            # A cavage-only server that chokes on RFC 9421 headers, as one tested server does.
            return web.Response(status=500 if self.accepts == "cavage" else 401)
        if request.method == "POST":
            return web.Response(status=202)
        if request.path.endswith("/missing"):
            return web.json_response({"error": "gone"}, status=404)
        doc = {"id": f"{self.base}{request.path}", "type": "Note", "content": "hi"}
        return web.json_response(doc, content_type="application/activity+json")

    async def start(self) -> OneStylePeer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def styles(self) -> list[str]:
        return [style for _, style, _ in self.seen]


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    forget_cached_styles()
    return make_settings(any_db, tmp_path, scheme="http")


@pytest.fixture
async def alice(settings: Settings) -> Actor:
    return await create_member(settings, "alice")


@pytest.fixture
async def http() -> AsyncIterator[HttpClient]:
    async with HttpClient(ClientSettings(user_agent="test", allow_private_addresses=True)) as c:
        yield c


@pytest.fixture
async def peers(alice: Actor) -> AsyncIterator[dict[str, OneStylePeer]]:
    made = {
        style: await OneStylePeer(style, alice.public_key_pem.encode(), alice.key_id).start()
        for style in ("cavage", "rfc9421", "none")
    }
    yield made
    for peer in made.values():
        await peer.stop()


async def _deliver(
    settings: Settings, http: HttpClient, alice: Actor, peer: OneStylePeer
) -> Delivery:
    uri = f"{alice.uri}/activities/{new_id()}"
    activity = await Activity.create(
        id=new_id(),
        uri=uri,
        type="Create",
        actor_uri=alice.uri,
        local=True,
        state="handled",
        document={"id": uri, "type": "Create", "actor": alice.uri, "object": "x"},
    )
    row = await Delivery.create(
        activity=activity,
        signer=alice,
        inbox_url=f"{peer.base}/inbox",
        host=peer.host,
        next_try_at=datetime.now(UTC) - timedelta(seconds=1),
        state="sending",
    )
    await deliver_one(row, http, settings)
    return await Delivery.get(id=row.id)


async def _stored_style(host: str) -> str | None:
    rows = await Host.filter(domain=host).values_list("signature_style", flat=True)
    return rows[0] if rows else None


@pytest.mark.parametrize(
    ("preferred", "accepted", "first_knocks"),
    [
        ("rfc9421", "cavage", ["rfc9421", "cavage"]),
        ("cavage", "rfc9421", ["cavage", "rfc9421"]),
        ("cavage", "cavage", ["cavage"]),
        ("rfc9421", "rfc9421", ["rfc9421"]),
    ],
)
async def test_delivery_falls_back_once_and_remembers(
    settings, http, alice, peers, preferred, accepted, first_knocks
) -> None:
    settings = settings.with_overrides(signature_style=preferred)
    peer = peers[accepted]
    row = await _deliver(settings, http, alice, peer)
    assert row.state == "delivered"
    assert peer.styles() == first_knocks
    assert peer.seen[-1] == ("POST", accepted, True)
    assert await _stored_style(peer.host) == accepted
    # After a restart (no cache), the stored style is used at once: one request, no knock.
    forget_cached_styles()
    peer.seen.clear()
    assert (await _deliver(settings, http, alice, peer)).state == "delivered"
    assert peer.styles() == [accepted]


async def test_a_peer_that_accepts_neither_gets_two_knocks_and_nothing_is_learned(
    settings, http, alice, peers
) -> None:
    peer = peers["none"]
    row = await _deliver(settings, http, alice, peer)
    assert peer.styles() == ["cavage", "rfc9421"]
    assert row.state == "failed" and row.last_status == 401
    assert await _stored_style(peer.host) is None


@pytest.mark.parametrize(("preferred", "accepted"), [("rfc9421", "cavage"), ("cavage", "rfc9421")])
async def test_signed_fetch_falls_back_and_remembers(
    settings, http, alice, peers, preferred, accepted
) -> None:
    peer = peers[accepted]
    doc = await fetch_json(http, f"{peer.base}/notes/1", signer_actor=alice, style=preferred)
    assert doc["id"] == f"{peer.base}/notes/1"
    assert peer.styles() == [preferred, accepted]
    assert await known_style(peer.host) == accepted
    forget_cached_styles()
    peer.seen.clear()
    await fetch_json(http, f"{peer.base}/notes/2", signer_actor=alice, style=preferred)
    assert peer.styles() == [accepted]


async def test_not_found_is_not_a_signature_failure(settings, http, alice, peers) -> None:
    peer = peers["cavage"]
    with pytest.raises(NotFound):
        await fetch_json(http, f"{peer.base}/missing", signer_actor=alice, style="cavage")
    assert peer.styles() == ["cavage"]


async def test_fetch_from_a_peer_accepting_neither_fails(settings, http, alice, peers) -> None:
    peer = peers["none"]
    with pytest.raises(FetchFailed):
        await fetch_json(http, f"{peer.base}/notes/1", signer_actor=alice, style="rfc9421")
    assert peer.styles() == ["rfc9421", "cavage"]
    assert await known_style(peer.host) is None


@dataclass
class FakeAnswer:
    status: int


async def test_remembered_style_flips_when_the_peer_changes(settings) -> None:
    """A host that upgraded: the remembered style is refused, the other one is learned."""
    accepts = {"value": "cavage"}
    sent: list[str] = []

    async def send(style: str) -> FakeAnswer:
        sent.append(style)
        return FakeAnswer(202 if style == accepts["value"] else 401)

    assert (await knock("peer.example", "rfc9421", send)).status == 202
    assert sent == ["rfc9421", "cavage"] and await _stored_style("peer.example") == "cavage"
    accepts["value"] = "rfc9421"
    sent.clear()
    assert (await knock("peer.example", "cavage", send)).status == 202
    assert sent == ["cavage", "rfc9421"] and await _stored_style("peer.example") == "rfc9421"


@pytest.mark.parametrize(
    ("status", "knock_again"),
    [
        (400, True),
        (401, True),
        (500, True),
        (502, True),
        (403, False),
        (404, False),
        (410, False),
        (429, False),
        (200, False),
        (202, False),
    ],
)
def test_which_statuses_may_be_a_refused_signature(status: int, knock_again: bool) -> None:
    assert may_be_signature_refusal(status) is knock_again
