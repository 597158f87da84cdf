"""Who is asking: one `Viewer` value per request or socket connection, resolved once.

A viewer is anonymous, a local member holding an OAuth token with some scopes (an admin is a
member whose account is an administrator), an application holding a token without a member,
or a remote server that signed its GET. Every door asks this module, and nothing else, who is
asking; the decisions about what that viewer may see stay in the pure functions of the core
(`outbox.visibility.may_see`, `spaces.library.may_read_space`, ...).

Scopes are enforced for every route by `enforce_route_scope`, one hook registered in
`baraza.app` for requests and sockets alike, from the one table in `clientapi.scopes`. A
revoked token, an unknown token and the token of a suspended member all resolve to the
anonymous viewer, so routes that need a user answer 401 as they always have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from quart import g, has_request_context, has_websocket_context, request, websocket

from clientapi.scopes import (
    WEBSOCKET,
    Need,
    allows,
    anonymous_access,
    anonymous_refusal,
    refusal,
    route_need,
)
from clientapi.tokens import bearer_token, find_token
from federation.errors import Refused, Unauthorized
from storage.models import AccessToken, Actor

SESSION_COOKIE = "baraza_session"
"""The web app's session cookie (`baraza.webapp.session`): a browser's pages are read as its
signed-in member, through the same gate (`enforce_route_scope`) as a token's."""

ViewerKind = Literal["anonymous", "member", "admin", "application", "remote"]


@dataclass(frozen=True)
class Viewer:
    """Who asks, with what. Frozen: resolved once, then only read."""

    member: Actor | None = None
    token: AccessToken | None = None
    scopes: frozenset[str] = frozenset()
    signer: Actor | None = None

    @property
    def kind(self) -> ViewerKind:
        if self.member is not None:
            return "admin" if self.member.is_admin else "member"
        if self.token is not None:
            return "application"
        return "remote" if self.signer is not None else "anonymous"

    def may(self, need: Need) -> bool:
        """Do this viewer's token scopes allow `need`? A viewer without a token has no scopes
        to lack: what it may see is decided by the visibility rules, as for anyone."""
        return self.token is None or allows(self.scopes, need)

    def member_for(self, need: Need) -> Actor | None:
        """The member, only when the token's scopes allow `need`; otherwise nobody."""
        return self.member if self.may(need) else None


ANONYMOUS = Viewer()


def offered_token() -> str | None:
    """The raw token offered with this request or socket.

    Requests carry it in `Authorization: Bearer`; a browser cannot set headers on a WebSocket,
    so sockets may also offer it as `?access_token=` or as `Sec-WebSocket-Protocol` (as
    Mastodon's streaming server accepts).
    """
    if has_websocket_context():
        protocol = websocket.headers.get("Sec-WebSocket-Protocol", "").split(",")[0].strip()
        token = websocket.args.get("access_token") or protocol
        return token or bearer_token(websocket.headers.get("Authorization"))
    if has_request_context():
        return bearer_token(request.headers.get("Authorization"))
    return None


def current_route() -> tuple[str, str | None]:
    """(method, endpoint) of the request or socket being served; `WS` for sockets."""
    if has_websocket_context():
        rule = websocket.url_rule
        return WEBSOCKET, rule.endpoint if rule is not None else None
    rule = request.url_rule
    return request.method, rule.endpoint if rule is not None else None


def current_need() -> Need:
    """The scope the route being served needs, from the one table."""
    return route_need(*current_route())


async def token_viewer() -> Viewer:
    """The viewer the offered token names (anonymous without one), cached for the request.

    This is all the scope hook needs: it never verifies an HTTP signature, which only the
    ActivityPub GETs ask for (`current_viewer`).
    """
    if "token_viewer" in g:
        return g.token_viewer
    viewer = ANONYMOUS
    raw = offered_token()
    row = await find_token(raw) if raw else None
    if row is not None:
        account = row.account
        if account is None or account.suspended_at is None:
            viewer = Viewer(member=account, token=row, scopes=frozenset(row.scopes.split()))
    g.token_viewer = viewer
    return viewer


async def current_viewer() -> Viewer:
    """The whole viewer: the token's, or else the remote server that signed this GET.

    A signature that is present but wrong is refused (401), as `inbox.fetch_auth` does.
    """
    if "viewer" in g:
        return g.viewer
    viewer = await token_viewer()
    if viewer.token is None and has_request_context() and request.method in ("GET", "HEAD"):
        from inbox.fetch_auth import signed_requester

        signer = await signed_requester()
        if signer is not None:
            viewer = Viewer(signer=signer)
    g.viewer = viewer
    return viewer


async def current_member() -> Actor | None:
    """The local member asking, if the token's scopes allow what this route reads or does.

    Kept for the many doors that only need "which member, if any": it answers through the
    viewer and the route's row in the scope table, so a token granted only `profile` or
    `write:media` is nobody on a route that reads statuses.
    """
    return (await token_viewer()).member_for(current_need())


async def enforce_route_scope() -> None:
    """The one scope gate, before every request and socket: 403 for a token lacking the
    route's scope; without a valid token, 401 unless `clientapi.scopes.anonymous_access` lets
    anyone read the route (the handler then answers as for the anonymous viewer).
    """
    method, endpoint = current_route()
    if endpoint is None:
        return  # no route matched: the 404 or 405 comes next, whoever asks
    need = route_need(method, endpoint)
    if not need:
        return  # public routes (discovery, static, metrics with its own token): no lookup
    viewer = await token_viewer()
    if viewer.token is None:
        await _admit_anonymous(method, endpoint)
        return
    reason = refusal(viewer.scopes, need)
    if reason is not None:
        raise Refused(reason)


async def _admit_anonymous(method: str, endpoint: str) -> None:
    """401 for a request without a valid token, unless the table lets anyone read the route
    (and, for the public reads of the API, the instance allows logged-out reading)."""
    from baraza.negotiation import wants_html
    from storage.settings_store import logged_out_reading

    html = has_request_context() and wants_html(request.headers.get("Accept"))
    access = anonymous_access(method, endpoint, html=html)
    if html and access == "logged_out" and request.cookies.get(SESSION_COOKIE):
        # A browser of the web app: its session, not a token, says who it is. The page
        # resolves the session and answers 401 itself when nobody is signed in and
        # logged-out reading is off (`baraza.webapp.reading.reader_or_sign_in`).
        return
    allowed = access == "logged_out" and await logged_out_reading()
    reason = anonymous_refusal(access, allowed)
    if reason is not None:
        raise Unauthorized(reason)
