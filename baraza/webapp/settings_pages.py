"""The member's settings: profile (name, bio, avatar), interface language and the languages
to show, the Letter's email and subscription. Two-factor, sessions and apps are on the
security page (`security_pages.py`)."""

from __future__ import annotations

from quart import Blueprint, Response, current_app, request

from baraza.i18n import LANGUAGES, N_
from baraza.webapp.avatars import AvatarRefused, store_avatar
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import render_page, require_member, see_other
from clientapi.accounts.accounts import note_html
from outbox.account_settings import InvalidSetting, set_letter_email, update_profile
from spaces.letter_mail import member_email, unsubscribed

blueprint = Blueprint("web_settings", __name__)


def _bio_text(html: str) -> str:
    """The bio as the member typed it, back from the stored HTML paragraphs."""
    from html import unescape

    text = html.replace("</p><p>", "\n\n").replace("<br>", "\n")
    return unescape(text.removeprefix("<p>").removesuffix("</p>"))


@blueprint.get("/settings")
async def settings_page() -> Response:
    member = await require_member()
    return await render_page(
        "web/settings.html",
        account=member,
        bio=_bio_text(member.summary or ""),
        email=member_email(member),
        subscribed=not unsubscribed(member),
        all_languages=LANGUAGES,
    )


@blueprint.post("/settings/profile")
async def save_profile() -> Response:
    await check_csrf()
    member = await require_member()
    form = await request.form
    services = current_app.extensions["baraza"]
    avatar_url = None
    upload = (await request.files).get("avatar")
    if upload is not None and upload.filename:
        try:
            avatar_url = await store_avatar(services.settings, upload.stream)
        except AvatarRefused:
            return see_other(
                "/settings",
                notice=N_("The avatar must be a PNG, JPEG, GIF or WebP image under 1 MB."),
            )
    try:
        await update_profile(
            services.settings,
            member,
            display_name=form.get("display_name", "").strip(),
            bio_html=note_html(form.get("bio", "")[:5000]),
            ui_language=form.get("ui_language") or None,
            chosen_languages=form.getlist("chosen_languages"),
            avatar_url=avatar_url,
        )
    except InvalidSetting:
        return see_other("/settings", notice=N_("The name is over 100 characters."))
    return see_other("/settings", notice=N_("Your profile is saved."))


@blueprint.post("/settings/letter")
async def save_letter() -> Response:
    await check_csrf()
    member = await require_member()
    form = await request.form
    try:
        await set_letter_email(
            member, form.get("email", "")[:320], subscribed=bool(form.get("subscribed"))
        )
    except InvalidSetting:
        return see_other("/settings#letter", notice=N_("That is not an email address."))
    return see_other("/settings#letter", notice=N_("Your Letter settings are saved."))
