"""Who is signed in to the web app: a browser session cookie resolved to a `Viewer`.

A page reads through the same gate as the API: the session gives the same `Viewer` a token
gives (the member, no token, so no scope narrows it), and every read and action of the core
takes that viewer or its member. A session of a suspended member, a revoked session and a
half-way session (password given, second factor not yet) all resolve to the anonymous viewer.

The cookie holds `selector.verifier`: the selector finds the row, the verifier is compared
with the stored SHA-256 hash in constant time, so neither a database copy nor the timing of
a lookup gives a working cookie away.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from quart import Response, current_app, g, request

from actors.last_active import mark_active
from baraza.viewer import ANONYMOUS, SESSION_COOKIE, Viewer
from storage.models import Actor, WebSession

COOKIE = SESSION_COOKIE
LIFETIME = timedelta(days=30)
SEEN_EVERY = timedelta(minutes=5)


def _hash(verifier: str) -> str:
    return hashlib.sha256(verifier.encode()).hexdigest()


def _split(cookie: str | None) -> tuple[str, str] | None:
    selector, dot, verifier = (cookie or "").partition(".")
    if not dot or not selector or not verifier or len(selector) > 32 or len(verifier) > 128:
        return None
    return selector, verifier


def cookie_is_secure() -> bool:
    """Secure cookies whenever the instance is served over https (its fixed identity)."""
    return current_app.extensions["baraza"].settings.scheme == "https"


async def session_from_cookie(cookie: str | None) -> WebSession | None:
    """The live session a cookie names, pending second factor or not; None otherwise."""
    parts = _split(cookie)
    if parts is None:
        return None
    selector, verifier = parts
    row = await WebSession.get_or_none(selector=selector, revoked_at=None).prefetch_related(
        "account"
    )
    if row is None or not hmac.compare_digest(row.verifier_hash, _hash(verifier)):
        return None
    if row.created_at < datetime.now(UTC) - LIFETIME or row.account.suspended_at is not None:
        return None
    return row


async def current_session() -> WebSession | None:
    """This request's session (cached), or None."""
    if "web_session" not in g:
        g.web_session = await session_from_cookie(request.cookies.get(COOKIE))
        row = g.web_session
        now = datetime.now(UTC)
        if row is not None and (row.last_seen_at is None or row.last_seen_at < now - SEEN_EVERY):
            row.last_seen_at = now
            await WebSession.filter(id=row.id).update(last_seen_at=now)
    return g.web_session


async def session_viewer() -> Viewer:
    """The viewer this browser is: its member when fully signed in, else anonymous."""
    row = await current_session()
    if row is None or row.second_factor_pending:
        return ANONYMOUS
    await mark_active(row.account)  # NodeInfo's active members, as a token's use; hourly at most
    return Viewer(member=row.account)


async def signed_in_member() -> Actor | None:
    return (await session_viewer()).member


async def open_session(account: Actor, *, pending: bool) -> tuple[WebSession, str]:
    """A new session for the browser asking, and the cookie value that names it."""
    agent = request.headers.get("User-Agent") or ""
    return await create_session(account, pending=pending, user_agent=agent)


async def create_session(
    account: Actor, *, pending: bool, user_agent: str = ""
) -> tuple[WebSession, str]:
    """A new session row and the cookie value that names it (shown to the browser once)."""
    selector = secrets.token_hex(16)
    verifier = secrets.token_urlsafe(32)
    row = await WebSession.create(
        selector=selector,
        verifier_hash=_hash(verifier),
        csrf_token=secrets.token_urlsafe(32),
        account=account,
        second_factor_pending=pending,
        user_agent=user_agent[:255],
        last_seen_at=datetime.now(UTC),
    )
    return row, f"{selector}.{verifier}"


async def confirm_second_factor(row: WebSession) -> tuple[WebSession, str]:
    """The code was right: the half-way session is replaced by a full one (a new cookie, so
    a cookie seen before the second factor is worth nothing after it)."""
    await close_session(row)
    return await open_session(row.account, pending=False)


async def close_session(row: WebSession) -> None:
    await WebSession.filter(id=row.id).update(revoked_at=datetime.now(UTC))


def set_session_cookie(response: Response, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=int(LIFETIME.total_seconds()),
        secure=cookie_is_secure(),
        httponly=True,
        samesite="Lax",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(
        COOKIE, path="/", secure=cookie_is_secure(), httponly=True, samesite="Lax"
    )
