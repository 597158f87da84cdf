"""The outbound client against real servers on loopback.

Every socket the client opens goes through `dialed` (a guard on aiohttp's connect call) which
fails the test on any address outside 127.0.0.0/8 and records the rest, so "no connection
was attempted" is asserted, not assumed. Names are answered by `FakeResolver`; tests that need
a "public" address use a policy where 127.0.0.1 is allowed and 127.0.0.2 is forbidden.
"""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohappyeyeballs
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.test_utils import TestServer

from federation.client import ClientSettings, FetchError, ForbiddenAddress, HttpClient

UA = "Baraza/0.1.0 (+https://baraza.test/)"
MIB = 1024 * 1024


def only_127_0_0_1_is_public(ip: str) -> bool:
    return ip != "127.0.0.1"


class FakeResolver(AbstractResolver):
    """Answers from a table; a name with several answers gives the next one on each call."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.calls.append(host)
        queue = self.answers.get(host)
        if not queue:
            raise OSError(f"unknown host {host}")
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        pass


@pytest.fixture
def dialed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Addresses the client actually tried to connect to; anything off loopback fails."""
    seen: list[str] = []
    real = aiohappyeyeballs.start_connection

    async def guarded(addr_infos, *args, **kwargs):
        for info in addr_infos:
            address = info[4][0]
            assert ipaddress.ip_address(address).is_loopback, f"test tried to reach {address}"
            seen.append(address)
        return await real(addr_infos, *args, **kwargs)

    monkeypatch.setattr(aiohappyeyeballs, "start_connection", guarded)
    return seen


class Site:
    """A loopback test server that remembers every request it received."""

    def __init__(self, server: TestServer, hits: list[web.Request]) -> None:
        self.server = server
        self.hits = hits

    @property
    def port(self) -> int:
        assert self.server.port is not None
        return self.server.port

    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"http://{host or self.server.host}:{self.port}{path}"


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., Awaitable[Site]]]:
    servers: list[TestServer] = []

    async def start(routes: dict[str, Handler], host: str = "127.0.0.1") -> Site:
        hits: list[web.Request] = []

        @web.middleware
        async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
            hits.append(request)
            return await handler(request)

        app = web.Application(middlewares=[record])
        for path, handler in routes.items():
            app.router.add_route("*", path, handler)
        server = TestServer(app, host=host)
        await server.start_server()
        servers.append(server)
        return Site(server, hits)

    yield start
    for server in servers:
        await server.close()


async def ok(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def client(**overrides: object) -> HttpClient:
    resolver = overrides.pop("resolver", None)
    policy = overrides.pop("address_policy", None)
    settings = ClientSettings(user_agent=UA, **overrides)  # type: ignore[arg-type]
    if policy is None:
        return HttpClient(settings, resolver=resolver)  # type: ignore[arg-type]
    return HttpClient(settings, resolver=resolver, address_policy=policy)  # type: ignore[arg-type]


# --- loopback and private addresses -------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_loopback_is_refused_by_default(serve, dialed, host: str) -> None:
    site = await serve({"/": ok})
    async with client() as http:
        with pytest.raises(ForbiddenAddress):
            await http.get(site.url(host=host))
    assert site.hits == [] and dialed == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_loopback_is_allowed_when_private_addresses_are(serve, dialed, host: str) -> None:
    site = await serve({"/": ok})
    async with client(allow_private_addresses=True) as http:
        response = await http.get(site.url(host=host))
    assert (response.status, response.body) == (200, b"ok")
    assert len(site.hits) == 1


@pytest.mark.parametrize(
    "address", ["10.0.0.1", "169.254.169.254", "127.0.0.1", "::ffff:127.0.0.1", "fd00::1"]
)
async def test_name_resolving_to_private_address_is_refused_before_connecting(
    serve, dialed, address: str
) -> None:
    site = await serve({"/": ok})
    resolver = FakeResolver({"evil.example": [[address]]})
    async with client(resolver=resolver) as http:
        with pytest.raises(ForbiddenAddress) as refused:
            await http.get(site.url(host="evil.example"))
    assert refused.value.reason == "forbidden address"
    assert resolver.calls == ["evil.example"]
    assert site.hits == [] and dialed == []


async def test_only_permitted_answers_are_dialled(serve, dialed) -> None:
    site = await serve({"/": ok})
    resolver = FakeResolver({"mixed.test": [["127.0.0.2", "127.0.0.1"]]})
    async with client(resolver=resolver, address_policy=only_127_0_0_1_is_public) as http:
        response = await http.get(site.url(host="mixed.test"))
    assert response.status == 200
    assert dialed == ["127.0.0.1"]


@pytest.mark.parametrize("host", ["2130706433", "127.1", "0x7f.0.0.1", "0177.0.0.1"])
async def test_legacy_numeric_ip_spellings_are_refused(serve, dialed, host: str) -> None:
    site = await serve({"/": ok})
    async with client() as http:
        with pytest.raises(FetchError):
            await http.get(site.url(host=host))
    assert site.hits == [] and dialed == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1:70/", "data:,hi"]
)
async def test_non_http_schemes_are_refused(dialed, url: str) -> None:
    async with client(allow_private_addresses=True) as http:
        with pytest.raises(FetchError) as refused:
            await http.get(url)
    assert refused.value.reason == "unsupported scheme"
    assert dialed == []


# --- DNS rebinding ----------------------------------------------------------------------


async def rebinding_setup(serve) -> tuple[Site, Site, FakeResolver]:
    """`rebind.test` answers 127.0.0.1 (public here) first, then 127.0.0.2 (private)."""
    private = await serve({"/secret": ok}, host="127.0.0.2")

    async def bounce(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://rebind.test:{private.port}/secret")

    public = await serve({"/start": bounce})
    resolver = FakeResolver({"rebind.test": [["127.0.0.1"], ["127.0.0.2"]]})
    return public, private, resolver


async def test_dns_rebinding_on_a_redirect_hop_is_refused(serve, dialed) -> None:
    public, private, resolver = await rebinding_setup(serve)
    async with client(resolver=resolver, address_policy=only_127_0_0_1_is_public) as http:
        with pytest.raises(ForbiddenAddress):
            await http.get(public.url("/start", host="rebind.test"))
    assert resolver.calls == ["rebind.test", "rebind.test"]
    assert len(public.hits) == 1 and private.hits == []
    assert dialed == ["127.0.0.1"]


async def test_rebinding_setup_would_reach_the_private_server_without_the_policy(
    serve, dialed
) -> None:
    public, private, resolver = await rebinding_setup(serve)
    async with client(resolver=resolver, address_policy=lambda ip: False) as http:
        response = await http.get(public.url("/start", host="rebind.test"))
    assert response.status == 200 and len(private.hits) == 1


# --- redirects --------------------------------------------------------------------------


async def redirect_chain(request: web.Request) -> web.Response:
    remaining = int(request.match_info["n"])
    if remaining == 0:
        return web.Response(text="arrived")
    raise web.HTTPFound(f"/hop/{remaining - 1}")


def recording_signer(calls: list[str]) -> Callable[..., dict[str, str]]:
    def sign(method: str, url: str, headers: dict[str, str], body: bytes | None) -> dict[str, str]:
        calls.append(url)
        return {"Signature": f"{method} {url} host={headers['Host']}"}

    return sign


async def test_three_redirects_are_followed_and_each_hop_is_resigned(serve, dialed) -> None:
    site = await serve({"/hop/{n}": redirect_chain})
    signed: list[str] = []
    async with client(allow_private_addresses=True) as http:
        response = await http.get(site.url("/hop/3"), sign=recording_signer(signed))
    assert response.body == b"arrived"
    assert response.url == site.url("/hop/0")
    assert signed == [site.url(f"/hop/{n}") for n in (3, 2, 1, 0)]
    host = f"127.0.0.1:{site.port}"
    assert [hit.headers["Signature"] for hit in site.hits] == [
        f"GET {site.url(f'/hop/{n}')} host={host}" for n in (3, 2, 1, 0)
    ]


async def test_a_fourth_redirect_is_refused(serve, dialed) -> None:
    site = await serve({"/hop/{n}": redirect_chain})
    async with client(allow_private_addresses=True) as http:
        with pytest.raises(FetchError) as refused:
            await http.get(site.url("/hop/4"))
    assert refused.value.reason == "too many redirects"
    assert [hit.path for hit in site.hits] == ["/hop/4", "/hop/3", "/hop/2", "/hop/1"]


async def test_redirects_are_returned_as_is_when_not_followed(serve, dialed) -> None:
    site = await serve({"/hop/{n}": redirect_chain})
    async with client(allow_private_addresses=True) as http:
        response = await http.request("GET", site.url("/hop/2"), follow_redirects=False)
    assert response.status == 302 and response.headers["location"] == "/hop/1"


@pytest.mark.parametrize("target", ["literal", "name"])
async def test_redirect_to_a_forbidden_address_is_refused(serve, dialed, target: str) -> None:
    internal = await serve({"/": ok}, host="127.0.0.2")
    where = internal.url() if target == "literal" else internal.url(host="internal.test")

    async def bounce(request: web.Request) -> web.Response:
        raise web.HTTPFound(where)

    public = await serve({"/": bounce})
    resolver = FakeResolver({"internal.test": [["127.0.0.2"]]})
    async with client(resolver=resolver, address_policy=only_127_0_0_1_is_public) as http:
        with pytest.raises(ForbiddenAddress):
            await http.get(public.url())
    assert len(public.hits) == 1 and internal.hits == []
    assert dialed == ["127.0.0.1"]


async def test_redirect_to_a_file_url_is_refused(serve, dialed) -> None:
    async def bounce(request: web.Request) -> web.Response:
        raise web.HTTPFound("file:///etc/passwd")

    site = await serve({"/": bounce})
    async with client(allow_private_addresses=True) as http:
        with pytest.raises(FetchError) as refused:
            await http.get(site.url())
    assert refused.value.reason == "unsupported scheme"


async def test_delivery_is_not_turned_into_a_get_by_a_302(serve, dialed) -> None:
    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPFound("/elsewhere")

    site = await serve({"/inbox": moved, "/elsewhere": ok})
    async with client(allow_private_addresses=True) as http:
        response = await http.post(site.url("/inbox"), b"{}", "application/activity+json")
    assert response.status == 302
    assert [hit.path for hit in site.hits] == ["/inbox"]


async def test_delivery_follows_a_308_with_body_and_a_fresh_signature(serve, dialed) -> None:
    bodies: list[bytes] = []

    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPPermanentRedirect("/new-inbox")

    async def inbox(request: web.Request) -> web.Response:
        bodies.append(await request.read())
        return web.Response(status=202)

    site = await serve({"/inbox": moved, "/new-inbox": inbox})
    signed: list[str] = []
    async with client(allow_private_addresses=True) as http:
        response = await http.post(
            site.url("/inbox"),
            b'{"type":"Follow"}',
            "application/activity+json",
            sign=recording_signer(signed),
        )
    assert response.status == 202 and bodies == [b'{"type":"Follow"}']
    assert signed == [site.url("/inbox"), site.url("/new-inbox")]
    assert site.hits[1].headers["Signature"].startswith(f"POST {site.url('/new-inbox')}")


# --- size cap ---------------------------------------------------------------------------


async def honest_3_mib(request: web.Request) -> web.Response:
    return web.Response(body=b"x" * (3 * MIB))


async def chunked_3_mib(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    for _ in range(48):
        await response.write(b"x" * (64 * 1024))
    await response.write_eof()
    return response


async def gzip_bomb(request: web.Request) -> web.Response:
    packed = gzip.compress(b"x" * (3 * MIB))
    return web.Response(body=packed, headers={"Content-Encoding": "gzip"})


@pytest.mark.parametrize("handler", [honest_3_mib, chunked_3_mib, gzip_bomb])
async def test_a_3_mib_response_is_cut_off(serve, dialed, handler: Handler) -> None:
    site = await serve({"/": handler})
    async with client(allow_private_addresses=True) as http:
        with pytest.raises(FetchError) as refused:
            await http.get(site.url())
    assert refused.value.reason == "response too large"


async def test_a_response_exactly_at_the_cap_is_accepted(serve, dialed) -> None:
    async def at_cap(request: web.Request) -> web.Response:
        return web.Response(body=b"x" * 1000)

    site = await serve({"/": at_cap})
    async with client(allow_private_addresses=True, max_response_bytes=1000) as http:
        response = await http.get(site.url())
    assert len(response.body) == 1000


async def test_a_body_longer_than_its_content_length_is_not_read_past_it(dialed) -> None:
    """Either the declared 10 bytes come back or the framing error is a FetchError."""

    async def liar(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n" + b"x" * (3 * MIB))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(liar, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with client(allow_private_addresses=True) as http:
            try:
                response = await http.get(f"http://127.0.0.1:{port}/")
            except FetchError:
                return
        assert response.body == b"x" * 10
    finally:
        server.close()
        await server.wait_closed()


# --- timeouts, errors, headers ----------------------------------------------------------


async def test_a_server_slower_than_the_deadline_gives_a_timeout_quickly(serve, dialed) -> None:
    async def sleepy(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="late")

    site = await serve({"/": sleepy})
    started = time.monotonic()
    async with client(allow_private_addresses=True, total_timeout=0.3) as http:
        with pytest.raises(FetchError) as refused:
            await http.get(site.url())
    assert refused.value.reason == "timeout"
    assert time.monotonic() - started < 2


async def test_the_deadline_covers_the_whole_redirect_chain(serve, dialed) -> None:
    async def slow_hop(request: web.Request) -> web.Response:
        await asyncio.sleep(0.2)
        return await redirect_chain(request)

    site = await serve({"/hop/{n}": slow_hop})
    async with client(allow_private_addresses=True, total_timeout=0.5) as http:
        with pytest.raises(FetchError) as refused:
            await http.get(site.url("/hop/3"))
    assert refused.value.reason == "timeout"


async def test_a_closed_port_is_a_connection_failure(dialed) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with client(allow_private_addresses=True) as http:
        with pytest.raises(FetchError) as refused:
            await http.get(f"http://127.0.0.1:{port}/")
    assert refused.value.reason == "connection failed"


async def test_an_unknown_name_is_a_dns_failure(dialed) -> None:
    async with client(resolver=FakeResolver({})) as http:
        with pytest.raises(FetchError) as refused:
            await http.get("http://nowhere.test/")
    assert refused.value.reason == "dns resolution failed"
    assert dialed == []


async def test_user_agent_reaches_the_server_and_cannot_be_overridden(serve, dialed) -> None:
    site = await serve({"/": ok})
    async with client(allow_private_addresses=True) as http:
        await http.get(site.url())
        await http.request("GET", site.url(), headers={"user-agent": "curl/8"})
    assert [hit.headers["User-Agent"] for hit in site.hits] == [UA, UA]


async def test_accept_and_content_type_are_sent(serve, dialed) -> None:
    site = await serve({"/": ok})
    async with client(allow_private_addresses=True) as http:
        await http.get(site.url())
        await http.post(site.url(), b"{}", "application/activity+json")
    assert "application/activity+json" in site.hits[0].headers["Accept"]
    assert site.hits[1].headers["Content-Type"] == "application/activity+json"


async def test_credentials_do_not_follow_a_cross_origin_redirect(serve, dialed) -> None:
    other = await serve({"/": ok}, host="127.0.0.2")

    async def bounce(request: web.Request) -> web.Response:
        raise web.HTTPFound(other.url())

    site = await serve({"/": bounce})
    async with client(allow_private_addresses=True) as http:
        await http.request("GET", site.url(), headers={"Authorization": "Bearer secret"})
    assert site.hits[0].headers["Authorization"] == "Bearer secret"
    assert "Authorization" not in other.hits[0].headers


async def test_the_client_starts_lazily_and_can_be_reopened(serve, dialed) -> None:
    site = await serve({"/": ok})
    http = client(allow_private_addresses=True)
    assert (await http.get(site.url())).status == 200
    await http.close()
    assert (await http.get(site.url())).status == 200
    await http.close()
