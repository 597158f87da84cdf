"""Who is asking: an anonymous visitor, or a local member identified by an OAuth token.

Remote servers identify themselves by HTTP signature instead; that is decided in
`federation/` and `inbox/`, and combined with this in the visibility checks.
"""

from __future__ import annotations

from quart import g, request

from clientapi.tokens import bearer_token, find_token
from storage.models import Actor


async def current_member() -> Actor | None:
    if "viewer" in g:
        return g.viewer
    viewer = None
    token = bearer_token(request.headers.get("Authorization"))
    if token:
        row = await find_token(token)
        if row is not None and row.account is not None and row.account.suspended_at is None:
            viewer = row.account
    g.viewer = viewer
    return viewer
