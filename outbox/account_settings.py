"""A member's own settings as the web app changes them: the same fields, and the same
profile update to followers, as the API's `update_credentials`."""

from __future__ import annotations

from baraza.i18n import LANGUAGES
from storage.models import Actor


async def set_interface_language(member: Actor, language: str) -> None:
    """The language pages are shown in; only languages the catalogs have."""
    if language in LANGUAGES and member.ui_language != language:
        member.ui_language = language
        await member.save(update_fields=["ui_language"])
