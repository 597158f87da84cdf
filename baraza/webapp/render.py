"""How a page of the web app renders, and how a page asks for a signed-in member.

Every page (W1 sessions and settings, W2 reading and posting, W3 spaces) answers through
`render_page("web/<name>.html", **context)`: the template extends `web/base.html`, which
draws the landmarks, the navigation, the language switch and the notice left by the last
form. The context always carries `viewer` (the `Viewer` the session gives), `member` (its
Actor or None), `csrf_token` (every form includes `{{ csrf_field() }}`), `path` and `notice`.

A page that needs a member calls `member = await require_member()`; a browser not signed in
is sent to the sign-in page and back afterwards. A form handler starts with `await
check_csrf()` (403 without the session's token), calls the core action, then
`return see_other(url, notice=N_("..."))` (POST-redirect-GET, the notice shown once).

The pages have their own Content-Security-Policy: scripts and styles from this origin only,
nothing inline, so a post's HTML can never run.
"""

from __future__ import annotations

from markupsafe import Markup, escape
from quart import Response, redirect, render_template, request

from baraza.i18n import LANGUAGES, _
from baraza.viewer import Viewer
from baraza.webapp.csrf import FIELD, csrf_token, keep_csrf_cookie
from baraza.webapp.session import cookie_is_secure, session_viewer
from storage.models import Actor

WEB_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "media-src 'self' https:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
NOTICE_COOKIE = "baraza_notice"
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "de": "Deutsch",
    "pt": "Português",
}


class SignInRequired(Exception):
    """Raised by `require_member`; the app answers it with a redirect to the sign-in page."""


async def require_member() -> Actor:
    """The signed-in member, or the sign-in page (and back here afterwards)."""
    member = (await session_viewer()).member
    if member is None:
        raise SignInRequired
    return member


def local_path(target: str | None, fallback: str = "/") -> str:
    """`target` when it is a path on this site; never another origin (`//x`, `/\\x`)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    return target


def here() -> str:
    """This request's path and query, to come back to."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def see_other(url: str, *, notice: str | None = None) -> Response:
    """303 to `url` after a form, with an optional notice (an English msgid, translated when
    shown) carried in a short-lived cookie."""
    response = redirect(local_path(url), 303)
    if notice:
        response.set_cookie(
            NOTICE_COOKIE,
            notice[:200],
            max_age=60,
            httponly=True,
            samesite="Lax",
            secure=cookie_is_secure(),
            path="/",
        )
    return response


async def render_page(template: str, *, status: int = 200, **context: object) -> Response:
    """A web-app page: the template with the frame's context, its CSP, and the cookies the
    frame owes the browser (an anonymous CSRF token, the notice shown now)."""
    viewer: Viewer = await session_viewer()
    token = await csrf_token()
    notice = request.cookies.get(NOTICE_COOKIE)
    html = await render_template(
        template,
        viewer=viewer,
        member=viewer.member,
        csrf_token=token,
        csrf_field=lambda: Markup(  # noqa: S704 - the token is escaped
            f'<input type="hidden" name="{FIELD}" value="{escape(token)}">'
        ),
        path=here(),
        notice=_(notice) if notice else None,
        languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        **context,
    )
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = WEB_CSP
    response.headers["Cache-Control"] = "no-store" if viewer.member else "no-cache"
    if notice:
        response.delete_cookie(NOTICE_COOKIE, path="/")
    return keep_csrf_cookie(response)
