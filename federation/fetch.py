"""Fetching one ActivityStreams document from a peer, signed and checked for origin.

Every remote actor, key and object we learn about comes through here, so the guarantees a
caller may rely on live in one place:

- domain policy runs first, so a blocked domain costs no outbound request;
- the GET is signed by the instance actor, so peers in authorized-fetch (secure) mode answer;
- redirects are followed only within the requested host: an AS2 document vouches for its
  own host, and a redirect elsewhere would let one server hand us another's words;
- the document's `id` must be on the host that served it, for the same reason.

Failures are typed: `NotFound`/`Gone` when the peer says so, `Refused` when the peer answered
but the answer is not acceptable, `FetchFailed` when no usable answer came at all.
"""

from __future__ import annotations

from typing import Any

from yarl import URL

from federation.activities import host_of, parse_json
from federation.client import ACTIVITY_JSON, FetchError, HttpClient, Response, Signer
from federation.errors import BadRequest, FederationError, Gone, NotFound, Refused
from federation.policy import check_inbound_host
from federation.signature_styles import STYLES, knock
from federation.signing import make_signer
from storage.models import Actor

__all__ = ["MAX_SAME_HOST_REDIRECTS", "FetchFailed", "fetch_json", "same_authority"]

MAX_SAME_HOST_REDIRECTS = 3
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class FetchFailed(FederationError):
    """The peer gave no usable answer (down, timeout, 5xx, not JSON).

    502 because it is the upstream that failed; the inbox turns a failed key fetch into its
    own 401 "could not fetch the signing key", and `reason` says what went wrong for logs.
    """

    status = 502


async def fetch_json(
    http: HttpClient, url: str, *, signer_actor: Actor, style: str = "cavage"
) -> dict[str, Any]:
    """GET an AS2 document signed as `signer_actor` (the instance actor) and check its origin.

    `style` is only the preference: the host's remembered style wins, and a refused
    signature is tried once in the other style (`federation.signature_styles.knock`).
    """
    host = _host_or_refuse(url)
    await check_inbound_host(host)
    if not signer_actor.private_key_pem:
        raise ValueError("the signing actor has no private key: pass the instance actor")
    signers = {s: make_signer(signer_actor.key_id, signer_actor.private_key_pem, s) for s in STYLES}
    response = await knock(
        host, style, lambda chosen: _get_within_host(http, url, host, signers[chosen])
    )
    if response.status in (404, 410):
        error = NotFound if response.status == 404 else Gone
        raise error(f"{url} answered {response.status}")
    if not 200 <= response.status < 300:
        raise FetchFailed(f"{url} answered {response.status}")
    if not same_authority(response.url, host):
        raise Refused(f"{url} was served from another host ({response.url})")
    try:
        doc = parse_json(response.body)
    except BadRequest as exc:
        raise FetchFailed(f"{url} did not return a JSON object: {exc.reason}") from exc
    doc_id = doc.get("id")
    if not isinstance(doc_id, str):
        raise Refused(f"the document at {url} has no id")
    if not same_authority(doc_id, host):
        raise Refused(f"the document at {url} claims an id on another host ({doc_id[:200]})")
    return doc


def same_authority(url: str, host: str) -> bool:
    """`url` is served by `host` (as `host_of` spells it); an invalid URL matches nothing."""
    try:
        return host_of(url) == host
    except BadRequest:
        return False


def _host_or_refuse(url: str) -> str:
    try:
        return host_of(url)
    except BadRequest as exc:
        raise Refused(f"cannot fetch {url[:200]!r}: {exc.reason}") from exc


async def _get_within_host(http: HttpClient, url: str, host: str, sign: Signer) -> Response:
    """Follow redirects by hand so that a hop to another host is refused before it is made.

    The client would follow it (and check the address), but the other host would still see
    a request signed by us and we would then throw its answer away.
    """
    target = url
    for _ in range(MAX_SAME_HOST_REDIRECTS + 1):
        try:
            response = await http.request(
                "GET", target, headers={"Accept": ACTIVITY_JSON}, sign=sign, follow_redirects=False
            )
        except FetchError as exc:
            raise FetchFailed(f"could not fetch {url}: {exc.reason}") from exc
        location = response.headers.get("Location")
        if response.status not in _REDIRECT_STATUSES or not location:
            return response
        try:
            target = str(URL(target).join(URL(location)).with_fragment(None))
        except (ValueError, TypeError) as exc:
            raise FetchFailed(f"{target} redirected to an invalid location") from exc
        if not same_authority(target, host):
            raise Refused(f"{url} redirects to another host ({target[:200]})")
    raise FetchFailed(f"too many redirects fetching {url}")
