"""Baraza's own web app: server-rendered pages that are doors of the core.

`register(app)` adds the blueprints of the web app and the frame they share: the language a
signed-in member chose (or the switch's cookie) for every page, and the redirect to the
sign-in page that `render.require_member` asks for. How a page renders: `render.py`.
"""

from __future__ import annotations

from quart import Quart, Response, g, request

from baraza.i18n import LANGUAGES, pick_language
from baraza.webapp.render import SignInRequired, here, see_other
from baraza.webapp.session import COOKIE
from baraza.webapp.signin import LANGUAGE_COOKIE


async def _page_language() -> None:
    """A signed-in browser reads in its member's interface language; anyone else in the
    language the switch left in a cookie, else the browser's (already in `g.language`)."""
    if COOKIE not in request.cookies and LANGUAGE_COOKIE not in request.cookies:
        return
    from baraza.webapp.session import signed_in_member

    member = await signed_in_member() if COOKIE in request.cookies else None
    chosen = member.ui_language if member is not None and member.ui_language else None
    chosen = chosen or request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        g.language = pick_language(chosen, None)


def register(app: Quart) -> None:
    from baraza.webapp.avatars import blueprint as avatars_blueprint
    from baraza.webapp.console_blocklist import blueprint as console_blocklist_blueprint
    from baraza.webapp.console_federation import blueprint as console_federation_blueprint
    from baraza.webapp.console_jobs import blueprint as console_jobs_blueprint
    from baraza.webapp.console_mail import blueprint as console_mail_blueprint
    from baraza.webapp.console_members import blueprint as console_members_blueprint
    from baraza.webapp.console_pages import blueprint as console_blueprint
    from baraza.webapp.console_peers import blueprint as console_peers_blueprint
    from baraza.webapp.console_reports import blueprint as console_reports_blueprint
    from baraza.webapp.console_spaces import blueprint as console_spaces_blueprint
    from baraza.webapp.editor_link import blueprint as editor_blueprint
    from baraza.webapp.invite_pages import blueprint as invite_blueprint
    from baraza.webapp.security_pages import blueprint as security_blueprint
    from baraza.webapp.settings_pages import blueprint as settings_blueprint
    from baraza.webapp.signin import blueprint as signin_blueprint

    for blueprint in (
        signin_blueprint,
        settings_blueprint,
        security_blueprint,
        avatars_blueprint,
        invite_blueprint,
        editor_blueprint,
        console_blueprint,
        console_reports_blueprint,
        console_federation_blueprint,
        console_blocklist_blueprint,
        console_peers_blueprint,
        console_jobs_blueprint,
        console_members_blueprint,
        console_spaces_blueprint,
        console_mail_blueprint,
    ):
        app.register_blueprint(blueprint)
    app.before_request(_page_language)
    from baraza.webapp.signin import install_signin_limit

    install_signin_limit(app)

    @app.errorhandler(SignInRequired)
    async def _sign_in_first(_error: SignInRequired) -> Response:
        from urllib.parse import quote

        return see_other(f"/sign-in?next={quote(here(), safe='/')}")


__all__ = ["register"]
