"""SSRF through the server's own fetch paths, with a DNS resolver that lies.

`test_client.py` proves the client refuses private answers; this proves every caller that
takes a URL or handle from the network (actor fetch, signed object fetch, WebFinger) goes
through that client, with production settings (`allow_private_addresses=False`), and turns
the refusal into a clear error. A public-looking name answering a private, loopback,
link-local (cloud metadata) or IPv6 loopback address is refused before any connection, and a
redirect whose name re-resolves to a private address (DNS rebinding) is refused too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohappyeyeballs
import pytest
from aiohttp import web

from baraza.services import Services
from federation.client import ClientSettings, HttpClient
from federation.errors import FederationError, NotFound
from federation.fetch import fetch_json
from federation.remote_actors import get_actor
from storage.models import Actor
from tests.conftest import make_settings
from tests.federation.test_client import FakeResolver, only_127_0_0_1_is_public
from webfinger.resolve import resolve_handle

LIARS = {
    "social.example.org": "10.0.0.1",
    "metadata.example.org": "169.254.169.254",
    "loopback.example.org": "127.0.0.1",
    "v6.example.org": "::1",
}


@pytest.fixture
def dialed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every address the client tries to connect to; the refusals must leave this empty."""
    seen: list[str] = []
    real = aiohappyeyeballs.start_connection

    async def recording(addr_infos, *args, **kwargs):
        seen.extend(info[4][0] for info in addr_infos)
        assert all(a.startswith("127.") for a in seen), f"test tried to reach {seen}"
        return await real(addr_infos, *args, **kwargs)

    monkeypatch.setattr(aiohappyeyeballs, "start_connection", recording)
    return seen


async def _services(db: str, tmp_path: Path, resolver: FakeResolver, **policy: object) -> Services:
    """Production address rules, with the lying resolver as upstream DNS; the instance actor
    that signs fetches made as at start-up."""
    from actors.accounts import ensure_instance_actor

    settings = make_settings(db, tmp_path, allow_private_addresses=False, scheme="http")
    services = Services(settings)
    services.instance_actor = await ensure_instance_actor(settings)
    services.http = HttpClient(
        ClientSettings(user_agent="t", allow_private_addresses=False),
        resolver=resolver,
        **policy,  # type: ignore[arg-type]
    )
    return services


@pytest.fixture
async def liar_services(db: str, tmp_path: Path) -> AsyncIterator[tuple[Services, FakeResolver]]:
    resolver = FakeResolver({name: [[address]] for name, address in LIARS.items()})
    services = await _services(db, tmp_path, resolver)
    async with services.http:
        yield services, resolver


def _says_why(exc: FederationError) -> None:
    reason = exc.reason.lower()
    assert any(word in reason for word in ("forbidden", "private", "not allowed")), exc.reason


@pytest.mark.parametrize("name", list(LIARS))
async def test_actor_fetch_to_a_private_answer_is_refused(liar_services, dialed, name) -> None:
    services, resolver = liar_services
    with pytest.raises(FederationError) as refused:
        await get_actor(f"https://{name}/users/rita", services=services)
    _says_why(refused.value)
    assert resolver.calls == [name], "the name was resolved, and the answer checked"
    assert dialed == []
    assert not await Actor.filter(domain=name).exists()


@pytest.mark.parametrize("name", list(LIARS))
async def test_signed_object_fetch_to_a_private_answer_is_refused(
    liar_services, dialed, name
) -> None:
    from actors.accounts import ensure_instance_actor

    services, resolver = liar_services
    signer = await ensure_instance_actor(services.settings)
    with pytest.raises(FederationError) as refused:
        await fetch_json(services.http, f"https://{name}/notes/1", signer_actor=signer)
    _says_why(refused.value)
    assert resolver.calls == [name]
    assert dialed == []


@pytest.mark.parametrize("name", list(LIARS))
async def test_webfinger_to_a_private_answer_is_not_found(liar_services, dialed, name) -> None:
    services, resolver = liar_services
    with pytest.raises(NotFound) as refused:
        await resolve_handle(f"rita@{name}", services=services)
    _says_why(refused.value)
    assert resolver.calls == [name]
    assert dialed == []


@pytest.fixture
async def rebinding_site() -> AsyncIterator[tuple[int, list[tuple[str, str]]]]:
    """One port on two addresses: 127.0.0.1 ('public') redirects to the same name and port,
    127.0.0.2 ('private') holds the secret. Which one answers depends only on DNS."""
    hits: list[tuple[str, str]] = []

    async def handle(request: web.Request) -> web.Response:
        local = request.transport.get_extra_info("sockname")[0] if request.transport else ""
        hits.append((local, request.path))
        if local == "127.0.0.1":
            raise web.HTTPFound(f"http://rebind.example.org:{port}/secret")
        return web.json_response({"id": str(request.url), "type": "Note"})

    app = web.Application()
    app.router.add_get("/{path:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    first = web.TCPSite(runner, "127.0.0.1", 0)
    await first.start()
    port = first._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    await web.TCPSite(runner, "127.0.0.2", port).start()
    try:
        yield port, hits
    finally:
        await runner.cleanup()


async def test_same_host_redirect_keeps_the_checked_address(
    db: str, tmp_path: Path, dialed, rebinding_site
) -> None:
    """`fetch_json` follows only same-host redirects; the checked answer is cached for the
    name and port, so a rebinding DNS answer cannot switch the second hop to 127.0.0.2."""
    from actors.accounts import ensure_instance_actor

    port, hits = rebinding_site
    resolver = FakeResolver({"rebind.example.org": [["127.0.0.1"], ["127.0.0.2"]]})
    services = await _services(db, tmp_path, resolver, address_policy=only_127_0_0_1_is_public)
    signer = await ensure_instance_actor(services.settings)
    async with services.http:
        with pytest.raises(FederationError):
            await fetch_json(
                services.http, f"http://rebind.example.org:{port}/start", signer_actor=signer
            )
    assert {local for local, _ in hits} == {"127.0.0.1"}, "the private address was never reached"
    assert set(dialed) == {"127.0.0.1"}


async def test_dns_rebinding_through_a_webfinger_redirect_is_refused(
    db: str, tmp_path: Path, dialed
) -> None:
    """WebFinger follows redirects: the new name:port is resolved again, and refused."""
    hits: list[str] = []

    async def secret(request: web.Request) -> web.Response:
        hits.append(f"private {request.path}")
        return web.json_response({"subject": "acct:rita@rebind.example.org", "links": []})

    private = web.AppRunner(web.Application())
    private.app.router.add_get("/{path:.*}", secret)
    await private.setup()
    private_site = web.TCPSite(private, "127.0.0.2", 0)
    await private_site.start()
    private_port = private_site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def bounce(request: web.Request) -> web.Response:
        hits.append(f"public {request.path}")
        raise web.HTTPFound(f"http://rebind.example.org:{private_port}/secret")

    public = web.AppRunner(web.Application())
    public.app.router.add_get("/{path:.*}", bounce)
    await public.setup()
    public_site = web.TCPSite(public, "127.0.0.1", 0)
    await public_site.start()
    public_port = public_site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    resolver = FakeResolver({"rebind.example.org": [["127.0.0.1"], ["127.0.0.2"]]})
    services = await _services(db, tmp_path, resolver, address_policy=only_127_0_0_1_is_public)
    try:
        async with services.http:
            with pytest.raises(NotFound) as refused:
                await resolve_handle(f"rita@rebind.example.org:{public_port}", services=services)
    finally:
        await public.cleanup()
        await private.cleanup()
    _says_why(refused.value)
    assert resolver.calls == ["rebind.example.org", "rebind.example.org"]
    assert hits == ["public /.well-known/webfinger"], "the private server was never reached"
    assert dialed == ["127.0.0.1"]
