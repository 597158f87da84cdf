"""Who signed this request: the signature checked against the key of its keyId's owner.

Order matters for cost and for defederation: the keyId's host is checked against domain
policy before any key is fetched, so a suspended domain costs no outbound request. A
signature that fails with a cached key is retried once with a freshly fetched key (rotation).
"""

from __future__ import annotations

from collections.abc import Mapping

from baraza.services import Services
from federation.errors import BadSignature, FederationError, Refused
from federation.policy import check_inbound_host
from federation.rfc9421 import signature_input_key_id, verify_request_9421
from federation.signatures import (
    key_id_host,
    load_public_key_pem,
    signature_key_id,
    verify_request,
)
from storage.models import Actor


def signing_key_id(headers: Mapping[str, str]) -> str:
    key_id = signature_key_id(headers) or signature_input_key_id(headers)
    if not key_id:
        raise BadSignature("missing or malformed HTTP signature")
    return key_id


def _check(
    method: str, url: str, path: str, headers: Mapping[str, str], body: bytes | None, pem: str
) -> None:
    key = load_public_key_pem(pem)
    lowered = {k.lower() for k, _ in headers.items()}
    if "signature-input" in lowered:
        verify_request_9421(method, url, headers, key, body=body)
    else:
        verify_request(method, path, headers, key, body=body)


def key_id_host_of(headers: Mapping[str, str]) -> str:
    return key_id_host(signing_key_id(headers))


async def verify_signed_request(
    services: Services,
    *,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes | None,
) -> Actor:
    """Return the verified signer, or raise `BadSignature` (401) / `Refused` (403)."""
    from federation.remote_actors import actor_for_key

    key_id = signing_key_id(headers)
    await check_inbound_host(key_id_host(key_id))
    url = services.settings.base_url + path
    try:
        signer = await actor_for_key(key_id, services=services)
    except Refused:
        raise
    except FederationError as exc:
        raise BadSignature(f"could not fetch the signing key: {exc.reason}") from exc
    if signer.suspended_at is not None:
        raise Refused("this actor is suspended here")
    try:
        _check(method, url, path, headers, body, signer.public_key_pem)
    except BadSignature as first:
        if "old" in first.reason or "future" in first.reason or "expired" in first.reason:
            raise
        try:
            signer = await actor_for_key(key_id, services=services, refresh=True)
        except FederationError as exc:
            raise first from exc
        _check(method, url, path, headers, body, signer.public_key_pem)
    return signer
