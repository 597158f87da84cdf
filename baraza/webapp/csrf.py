"""CSRF tokens for every form of the web app.

A signed-in browser's token belongs to its session row; a browser not signed in (the sign-in
and invitation forms) gets a random token in its own cookie, and the form must echo it
(double submit). Either way a POST without the right `csrf_token` field is refused with 403
before anything is read from it, compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets

from quart import Response, g, request

from baraza.webapp.session import cookie_is_secure, current_session
from federation.errors import Refused

COOKIE = "baraza_csrf"
FIELD = "csrf_token"
REFUSED = "the form is out of date or was not sent from this site: reload it and try again"


async def csrf_token() -> str:
    """The token forms on this page must carry."""
    row = await current_session()
    if row is not None:
        return row.csrf_token
    existing = request.cookies.get(COOKIE)
    if existing and 16 <= len(existing) <= 128:
        return existing
    if "new_csrf_cookie" not in g:
        g.new_csrf_cookie = secrets.token_urlsafe(32)
    return g.new_csrf_cookie


async def check_csrf() -> None:
    """Refuse (403) a POST whose form does not carry this browser's token."""
    sent = (await request.form).get(FIELD, "")
    row = await current_session()
    expected = row.csrf_token if row is not None else request.cookies.get(COOKIE, "")
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise Refused(REFUSED)


def keep_csrf_cookie(response: Response) -> Response:
    """After a page that minted an anonymous token: hand the browser its cookie."""
    value = g.get("new_csrf_cookie")
    if value:
        response.set_cookie(
            COOKIE, value, secure=cookie_is_secure(), httponly=True, samesite="Lax", path="/"
        )
    return response
