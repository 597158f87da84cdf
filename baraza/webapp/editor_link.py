"""Opening the live editor from the web app.

The editor page is a static shell that speaks to the server with a token it reads from the
URL fragment (browsers never send fragments), so the signed-in browser needs a token to hand
it. This POST (a CSRF-checked form, never a link an outside page could trigger) issues one
for the member, `read write` under the app "Baraza web editor" (listed on the security page,
revocable there), and answers 303 to the editor with `#token=`. Signing out revokes the
member's editor tokens with the session.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

from quart import Blueprint, Response, request

from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import require_member, see_other
from clientapi.tokens import issue_token, token_hash
from federation.errors import NotFound
from outbox import surface
from storage.models import AccessToken, Actor, OAuthApp

blueprint = Blueprint("web_editor", __name__)

APP_NAME = "Baraza web editor"
SCOPES = "read write"
EDITOR_PATH = re.compile(r"^/spaces/\d{1,19}/documents/\d{1,19}/edit$")


async def editor_app() -> OAuthApp:
    app = await OAuthApp.get_or_none(name=APP_NAME, website=None)
    if app is None:
        app = await OAuthApp.create(
            name=APP_NAME,
            client_id=secrets.token_urlsafe(24),
            client_secret_hash=token_hash(secrets.token_urlsafe(32)),
            scopes=SCOPES,
        )
    return app


async def revoke_editor_tokens(member: Actor) -> None:
    app = await OAuthApp.get_or_none(name=APP_NAME, website=None)
    if app is None:
        return
    rows = await AccessToken.filter(account=member, app=app, revoked_at=None)
    if rows:
        await AccessToken.filter(id__in=[r.id for r in rows]).update(revoked_at=datetime.now(UTC))
        for row in rows:
            surface.token_revoked(row.id)  # the editor's socket closes with the session


@blueprint.post("/editor/open")
async def open_editor() -> Response:
    await check_csrf()
    member = await require_member()
    path = (await request.form).get("path", "")
    if not EDITOR_PATH.fullmatch(path):
        raise NotFound("Record not found")
    token, _refresh = await issue_token(member, SCOPES, await editor_app())
    return see_other(f"{path}#token={token}")
