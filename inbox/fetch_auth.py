"""Signed GETs: who is asking for an object (for followers-only posts and authorized fetch)."""

from __future__ import annotations

from quart import g, request

from baraza.services import services
from federation.errors import BadSignature, FederationError
from storage.models import Actor


async def signed_requester() -> Actor | None:
    """The verified remote actor behind a signed GET, `None` for an unsigned one.

    A signature that is present but wrong is refused rather than ignored, so a peer with a
    broken key hears about it instead of silently getting less.
    """
    if "signed_requester" in g:
        return g.signed_requester
    from inbox.verify import verify_signed_request

    actor = None
    names = {k.lower() for k, _ in request.headers.items()}
    if "signature" in names or "signature-input" in names:
        actor = await verify_signed_request(
            services(),
            method="GET",
            path=request.full_path.rstrip("?") if request.query_string else request.path,
            headers=request.headers,
            body=None,
        )
    g.signed_requester = actor
    return actor


async def refuse_blocked_signer() -> None:
    """Before every GET: a request signed with a key of a suspended domain is 403, in every mode.

    Only the keyId's host is read (no key is fetched, no signature checked): a server we
    suspended learns it is refused, whatever it asks for and whether or not authorized fetch
    is on. Allowlist mode is left to the routes: an unlisted server may still read what anyone
    may (its Follow is what gets refused). Unsigned GETs and POSTs (the inbox checks its own)
    pass untouched.
    """
    if request.method not in ("GET", "HEAD"):
        return
    names = {k.lower() for k, _ in request.headers.items()}
    if "signature" not in names and "signature-input" not in names:
        return
    from federation.errors import Refused
    from federation.policy import is_suspended, load_policy
    from inbox.verify import key_id_host_of

    try:
        host = key_id_host_of(request.headers)
    except FederationError:
        return  # malformed: whoever verifies it answers 401
    if is_suspended(await load_policy(), host):
        raise Refused("this server does not federate with your domain")


async def require_signed_get() -> Actor:
    actor = await signed_requester()
    if actor is None:
        raise BadSignature("this server requires signed requests (authorized fetch)")
    return actor
