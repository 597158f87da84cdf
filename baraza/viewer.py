"""Who is asking: an anonymous visitor, or a local member identified by an OAuth token.

Remote servers identify themselves by HTTP signature instead; that is decided in
`federation/` and `inbox/`, and combined with this in the visibility checks.
"""

from __future__ import annotations

from storage.models import Actor


async def current_member() -> Actor | None:
    """The token's member, whatever its scopes: reading what a member may see needs none."""
    from clientapi.auth import current_caller

    caller = await current_caller()
    return caller.account if caller is not None else None
