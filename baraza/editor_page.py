"""The browser page for live co-editing a space's library document.

The page is the same for everyone and names nothing about the document: the member's token
travels in the URL fragment, which the browser keeps to itself, and the WebSocket
(`clientapi.spaces.live`) decides who may read or edit. The script is built from `web/` by
`make web`; an instance set up without Node has no bundle, and the page says so instead of
loading a script that is not there.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from quart import Blueprint, Response, render_template

blueprint = Blueprint("editor_page", __name__)

BUNDLE = Path(__file__).parent / "static" / "build" / "editor.js"
BUNDLE_URL = "/static/build/editor.js"

# Stricter than the app-wide policy only where the editor needs it: its own script, and a
# WebSocket (and the account and document API) back to this origin. CodeMirror writes its
# rules into a <style> element; that element alone is allowed, by a nonce fresh on every
# response, so no other inline style (or injected markup) applies. Nothing else may load,
# frame the page or be posted from it.
def editor_csp(nonce: str) -> str:
    return (
        "default-src 'none'; script-src 'self'; connect-src 'self'; "
        f"style-src 'self' 'nonce-{nonce}'; img-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


def live_path(space_id: int, doc_id: int) -> str:
    return f"/api/v1/spaces/{space_id}/documents/{doc_id}/live"


@blueprint.get("/spaces/<int:space_id>/documents/<int:doc_id>/edit")
async def live_editor(space_id: int, doc_id: int) -> Response:
    nonce = secrets.token_urlsafe(18)
    html = await render_template(
        "live_editor.html",
        live=live_path(space_id, doc_id),
        script=BUNDLE_URL if BUNDLE.is_file() else None,
        nonce=nonce,
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = editor_csp(nonce)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
