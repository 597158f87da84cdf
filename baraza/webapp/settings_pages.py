"""The member's settings pages: profile and languages, two-factor, sessions and apps."""

from __future__ import annotations

from quart import Blueprint, Response

from baraza.webapp.render import render_page, require_member

blueprint = Blueprint("web_settings", __name__)


@blueprint.get("/settings")
async def settings_page() -> Response:
    member = await require_member()
    return await render_page("web/settings.html", account=member)
