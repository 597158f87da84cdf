"""The one outbound HTTP client: every delivery, remote fetch and WebFinger lookup uses it.

Keeping a single client means the protections against a hostile peer live in one place:

- SSRF: the address check runs on what DNS actually answered, inside the resolver the
  connector uses, so the socket connects to exactly the address that was checked (no window
  for DNS rebinding between check and connect). Literal-IP URLs never reach the resolver,
  so they are checked before the request; every redirect hop is checked again.
- Redirects are followed by hand so each hop is re-validated and re-signed: HTTP signatures
  cover the request target, so a signature made for the first URL is wrong for the next.
- Responses are read in chunks and cut off at a size cap (after decompression, so a gzip
  bomb is stopped too); every request has a deadline.
- Callers see `FetchError` with a short reason, never an aiohttp exception.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from federation.addresses import is_forbidden_address

__all__ = [
    "ACTIVITY_JSON",
    "AddressPolicy",
    "ClientSettings",
    "FetchError",
    "FilteringResolver",
    "ForbiddenAddress",
    "HttpClient",
    "Response",
    "Signer",
]

ACTIVITY_JSON = (
    "application/activity+json, "
    'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
)

Signer = Callable[[str, str, dict[str, str], bytes | None], dict[str, str]]
"""(method, url, headers, body) -> headers to add, e.g. Date, Digest, Signature."""

AddressPolicy = Callable[[str], bool]
"""Given a resolved IP address, True when the client must not connect to it."""

_ALLOWED_SCHEMES = frozenset({"http", "https"})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_METHOD_PRESERVING_REDIRECTS = frozenset({307, 308})
_SAFE_METHODS = frozenset({"GET", "HEAD"})
# Headers that carry the caller's credentials for one origin and must not follow a
# redirect to another.
_ORIGIN_BOUND_HEADERS = frozenset({"authorization", "cookie"})
_CHUNK_BYTES = 64 * 1024
_TOTAL_CONNECTION_LIMIT = 100
_DNS_CACHE_SECONDS = 10
# A last label that is all digits or hex ("127.1", "2130706433", "0x7f.1") is a legacy IPv4
# spelling that some resolvers turn into an address; no public domain looks like this.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


# First match wins, so subclasses come before their bases (TimeoutError is an OSError, and
# aiohttp's timeout errors are TimeoutErrors).
_FAILURE_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (TimeoutError, "timeout"),
    (aiohttp.ClientConnectorDNSError, "dns resolution failed"),
    (aiohttp.ClientSSLError, "tls error"),
    (aiohttp.ClientConnectorError, "connection failed"),
    (aiohttp.ServerDisconnectedError, "server disconnected"),
    (aiohttp.ClientPayloadError, "malformed response body"),
    (aiohttp.ClientResponseError, "malformed response"),
    (aiohttp.InvalidURL, "invalid url"),
    (OSError, "connection failed"),
)


def _reason_for(exc: BaseException) -> str:
    """A short, stable reason for logs and retry decisions instead of aiohttp's wording."""
    for kind, reason in _FAILURE_REASONS:
        if isinstance(exc, kind):
            return reason
    return "request failed"


class FetchError(Exception):
    """An outbound request did not produce a usable response; `reason` says why, briefly."""

    def __init__(self, reason: str, url: str | None = None) -> None:
        super().__init__(f"{reason}: {url}" if url else reason)
        self.reason = reason
        self.url = url


class ForbiddenAddress(FetchError):
    """The target resolves only to addresses the server must not reach (SSRF defence)."""


@dataclass(frozen=True)
class ClientSettings:
    """Knobs for the outbound client; defaults suit a production server on the internet."""

    user_agent: str
    allow_private_addresses: bool = False
    connect_timeout: float = 5
    total_timeout: float = 20
    max_response_bytes: int = 2 * 1024 * 1024
    max_redirects: int = 3
    per_host_limit: int = 8


@dataclass(frozen=True)
class Response:
    """A fully read response; `url` is the final URL after redirects."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    url: str


class FilteringResolver(AbstractResolver):
    """Drops forbidden addresses from DNS answers before the connector can dial them.

    The connector connects to what this returns, so the address checked is the address
    used. When nothing is left, `ForbiddenAddress` is raised rather than an OSError so that
    aiohttp passes it through unchanged instead of calling it a DNS failure.
    """

    def __init__(self, inner: AbstractResolver, is_forbidden: AddressPolicy) -> None:
        self._inner = inner
        self._is_forbidden = is_forbidden

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve with the wrapped resolver and keep only permitted addresses."""
        answers = await self._inner.resolve(host, port, family)
        if not answers:
            raise OSError(f"no addresses for {host}")
        permitted = [answer for answer in answers if not self._is_forbidden(answer["host"])]
        if not permitted:
            raise ForbiddenAddress("forbidden address", host)
        return permitted

    async def close(self) -> None:
        """The wrapped resolver belongs to whoever created it; nothing to release here."""


class HttpClient:
    """Owns one aiohttp session (connection pool, DNS cache) for the whole process.

    The session is created in `start()` because aiohttp binds it to the running loop;
    `request()` starts it on first use. `resolver` (the upstream DNS resolver) and
    `address_policy` are injectable so tests can map names to loopback addresses and decide
    which of those count as forbidden, without sending traffic anywhere else.
    """

    def __init__(
        self,
        settings: ClientSettings,
        *,
        resolver: AbstractResolver | None = None,
        address_policy: AddressPolicy = is_forbidden_address,
    ) -> None:
        self._settings = settings
        self._given_resolver = resolver
        self._owned_resolver: AbstractResolver | None = None
        self._policy: AddressPolicy | None = (
            None if settings.allow_private_addresses else address_policy
        )
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> HttpClient:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Create the session inside the running loop; calling it twice is harmless."""
        if self._session is not None and not self._session.closed:
            return
        upstream = self._given_resolver
        if upstream is None:
            upstream = self._owned_resolver = DefaultResolver()
        resolver = upstream if self._policy is None else FilteringResolver(upstream, self._policy)
        connector = aiohttp.TCPConnector(
            resolver=resolver,
            limit=_TOTAL_CONNECTION_LIMIT,
            limit_per_host=self._settings.per_host_limit,
            use_dns_cache=True,
            ttl_dns_cache=_DNS_CACHE_SECONDS,
        )
        timeout = aiohttp.ClientTimeout(
            total=self._settings.total_timeout,
            connect=self._settings.connect_timeout,
            sock_connect=self._settings.connect_timeout,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=timeout,
            # Cookies set by one peer must never be replayed to it or another.
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
        )

    async def close(self) -> None:
        """Close the pool and any resolver this client created itself."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()
        resolver, self._owned_resolver = self._owned_resolver, None
        if resolver is not None:
            await resolver.close()

    async def get(
        self, url: str, accept: str = ACTIVITY_JSON, sign: Signer | None = None
    ) -> Response:
        """Fetch a remote document, by default asking for ActivityStreams JSON."""
        return await self.request("GET", url, headers={"Accept": accept}, sign=sign)

    async def post(
        self, url: str, body: bytes, content_type: str, sign: Signer | None = None
    ) -> Response:
        """Deliver a body; only 307/308 redirects are followed, keeping method and body."""
        return await self.request(
            "POST", url, headers={"Content-Type": content_type}, body=body, sign=sign
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        sign: Signer | None = None,
        follow_redirects: bool = True,
    ) -> Response:
        """Send a request under one overall deadline, following redirects by hand.

        `sign` is called for every hop with the headers about to be sent (including Host
        and User-Agent); its result is added to them. A non-GET/HEAD request follows only
        307/308 (method and body kept): turning a delivery into a GET on 301/302/303 would
        report success for an activity that was never delivered, so those come back as is.
        """
        await self.start()
        assert self._session is not None
        try:
            async with asyncio.timeout(self._settings.total_timeout):
                return await self._follow(
                    self._session,
                    method.upper(),
                    url,
                    headers or {},
                    body,
                    sign,
                    follow_redirects,
                )
        except TimeoutError as exc:
            raise FetchError("timeout", url) from exc

    async def _follow(
        self,
        session: aiohttp.ClientSession,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        sign: Signer | None,
        follow_redirects: bool,
    ) -> Response:
        try:
            target = URL(url)
        except (ValueError, TypeError) as exc:
            raise FetchError("invalid url", url) from exc
        hop_headers = dict(headers)
        previous: URL | None = None
        for _ in range(self._settings.max_redirects + 1):
            self._check_target(target)
            if previous is not None and previous.origin() != target.origin():
                hop_headers = {
                    name: value
                    for name, value in hop_headers.items()
                    if name.lower() not in _ORIGIN_BOUND_HEADERS
                }
            outgoing = self._outgoing_headers(method, target, hop_headers, body, sign)
            response, location = await self._exchange(
                session, method, target, outgoing, body, follow_redirects
            )
            if location is None:
                assert response is not None
                return response
            previous, target = target, location
        raise FetchError("too many redirects", url)

    def _check_target(self, target: URL) -> None:
        """Refuse what the resolver will never see: bad schemes and literal IP hosts."""
        if target.scheme not in _ALLOWED_SCHEMES:
            raise FetchError("unsupported scheme", str(target))
        host = target.raw_host
        if not host:
            raise FetchError("invalid url", str(target))
        if self._policy is None:
            return
        try:
            ipaddress.ip_address(host)
        except ValueError:
            last_label = host.rstrip(".").rsplit(".", 1)[-1]
            if _NUMERIC_LABEL.match(last_label):
                raise ForbiddenAddress("non-canonical IP literal", str(target)) from None
            return
        if self._policy(host):
            raise ForbiddenAddress("forbidden address", str(target))

    def _outgoing_headers(
        self,
        method: str,
        target: URL,
        headers: Mapping[str, str],
        body: bytes | None,
        sign: Signer | None,
    ) -> dict[str, str]:
        """Headers for one hop; Host is set here so the signer sees what is actually sent."""
        outgoing = {
            name: value
            for name, value in headers.items()
            if name.lower() not in ("host", "user-agent")
        }
        outgoing["Host"] = target.host_port_subcomponent or ""
        outgoing["User-Agent"] = self._settings.user_agent
        if sign is not None:
            outgoing.update(sign(method, str(target), dict(outgoing), body))
        return outgoing

    async def _exchange(
        self,
        session: aiohttp.ClientSession,
        method: str,
        target: URL,
        headers: dict[str, str],
        body: bytes | None,
        follow_redirects: bool,
    ) -> tuple[Response | None, URL | None]:
        """One request/response; returns the response, or where to go next."""
        where = str(target)
        try:
            async with session.request(
                method, target, headers=headers, data=body, allow_redirects=False
            ) as resp:
                location = self._redirect_location(resp, method, target, follow_redirects)
                if location is not None:
                    return None, location
                payload = await self._read_capped(resp, where)
                return (
                    Response(
                        status=resp.status,
                        headers=CIMultiDictProxy(CIMultiDict(resp.headers)),
                        body=payload,
                        url=str(resp.url),
                    ),
                    None,
                )
        except FetchError:
            raise
        except (aiohttp.ClientError, OSError) as exc:
            raise FetchError(_reason_for(exc), where) from exc

    @staticmethod
    def _redirect_location(
        resp: aiohttp.ClientResponse, method: str, target: URL, follow_redirects: bool
    ) -> URL | None:
        if not follow_redirects or resp.status not in _REDIRECT_STATUSES:
            return None
        if method not in _SAFE_METHODS and resp.status not in _METHOD_PRESERVING_REDIRECTS:
            return None
        location = resp.headers.get("Location")
        if not location:
            return None
        try:
            return target.join(URL(location)).with_fragment(None)
        except (ValueError, TypeError) as exc:
            raise FetchError("invalid redirect location", str(target)) from exc

    async def _read_capped(self, resp: aiohttp.ClientResponse, where: str) -> bytes:
        """Read the body, giving up as soon as it passes the cap; Content-Length may lie."""
        limit = self._settings.max_response_bytes
        if resp.content_length is not None and resp.content_length > limit:
            resp.close()
            raise FetchError("response too large", where)
        payload = bytearray()
        async for chunk in resp.content.iter_chunked(_CHUNK_BYTES):
            payload += chunk
            if len(payload) > limit:
                resp.close()
                raise FetchError("response too large", where)
        return bytes(payload)
