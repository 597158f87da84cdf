"""A member's own settings as the web app changes them: the same fields, and the same
profile `Update` to followers, as the API's `update_credentials`; the Letter's address and
subscription in the same `document` keys `spaces.letter_mail` reads."""

from __future__ import annotations

import re

from baraza.i18n import LANGUAGES
from baraza.settings import Settings
from outbox.commit import action
from outbox.profile import publish_profile_update
from storage.models import Actor

MAX_DISPLAY_NAME = 100
MAX_BIO = 5000
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{1,63}$")


class InvalidSetting(ValueError):
    """A value the settings page refuses, with the reason shown to the member."""


async def set_interface_language(member: Actor, language: str) -> None:
    """The language pages are shown in; only languages the catalogs have."""
    if language in LANGUAGES and member.ui_language != language:
        member.ui_language = language
        await member.save(update_fields=["ui_language"])


async def update_profile(
    settings: Settings,
    member: Actor,
    *,
    display_name: str,
    bio_html: str,
    ui_language: str | None,
    chosen_languages: list[str],
    avatar_url: str | None = None,
) -> None:
    """Save what the profile form holds; followers hear of a changed name, bio or avatar."""
    if len(display_name) > MAX_DISPLAY_NAME or len(bio_html) > MAX_BIO * 2:
        raise InvalidSetting("too long")
    public = (display_name, bio_html) != (member.display_name, member.summary) or bool(avatar_url)
    member.display_name = display_name
    member.summary = bio_html
    member.ui_language = ui_language if ui_language in LANGUAGES else None
    member.chosen_languages = [c for c in chosen_languages if c in LANGUAGES]
    fields = ["display_name", "summary", "ui_language", "chosen_languages"]
    if avatar_url:
        member.avatar_url = avatar_url
        fields.append("avatar_url")
    async with action():
        await member.save(update_fields=fields)
        if public:
            await publish_profile_update(settings, member)


async def set_letter_email(member: Actor, address: str, *, subscribed: bool) -> None:
    """Where the monthly Letter goes, and whether it goes at all (the unsubscribe link's key)."""
    address = address.strip()
    if address and not _EMAIL.fullmatch(address):
        raise InvalidSetting("not an email address")
    async with action():
        fresh = await Actor.select_for_update().get(id=member.id)
        doc = dict(fresh.document) if isinstance(fresh.document, dict) else {}
        doc["email"] = address
        doc["letter_unsubscribed"] = not subscribed
        fresh.document = doc
        await fresh.save(update_fields=["document"])
    member.document = doc
