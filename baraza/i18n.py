"""The interface language of server-rendered pages: the member's choice, then the browser's.

Catalogs are the gettext `.po` files under `baraza/translations/<lang>/LC_MESSAGES/`; they are
compiled in memory (Babel) on first use instead of shipping `.mo` binaries, so the source of
truth is the one text file translators edit. Python code marks a message with `_()`, which
translates for the current request; templates call the same `_()` through Jinja's i18n
extension.
"""

from __future__ import annotations

import gettext as gettext_module
import io
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from quart import Quart, g, has_request_context, request

LANGUAGES: tuple[str, ...] = ("en", "fr", "ar", "de", "pt")
DEFAULT_LANGUAGE = "en"
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur", "ps", "yi"})
TRANSLATIONS = Path(__file__).parent / "translations"
DOMAIN = "messages"


def accepted_languages(header: str | None) -> list[str]:
    """Language tags of an `Accept-Language` header, most wanted first, q=0 left out."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        tag = tag.strip().lower()
        if not tag:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if 0.0 < quality <= 1.0:
            ranked.append((-quality, position, tag))
    return [tag for _q, _p, tag in sorted(ranked)]


def pick_language(
    ui_language: str | None,
    accept_language: str | None,
    available: tuple[str, ...] = LANGUAGES,
) -> str:
    """The member's interface language if we have it, else the browser's best, else English."""
    wanted = [ui_language] if ui_language else []
    for tag in [*wanted, *accepted_languages(accept_language)]:
        base = tag.lower().replace("_", "-").split("-", 1)[0]
        if base in available:
            return base
    return DEFAULT_LANGUAGE


def direction(language: str) -> str:
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def catalog_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def catalog(language: str) -> gettext_module.NullTranslations:
    """The language's compiled catalog, built from its `.po` once per process."""
    path = catalog_path(language)
    if not path.is_file():
        return gettext_module.NullTranslations()
    with path.open("rb") as po:
        messages = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return gettext_module.GNUTranslations(compiled)


def current_language() -> str:
    if has_request_context():
        return g.get("language") or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def _(message: str, **variables: object) -> str:
    """`message` in the current request's language, with `%(name)s` variables filled in."""
    text = catalog(current_language()).gettext(message)
    return text % variables if variables else text


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is written; it is translated where shown."""
    return message


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = catalog(current_language()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def _template_gettext(message: str) -> str:
    return catalog(current_language()).gettext(message)


def _template_ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(current_language()).ngettext(singular, plural, n)


async def _choose_language(member_of_request: Callable[[], Awaitable[Any]]) -> None:
    """Decided before any handler runs, so messages built in Python are translated too.

    Only pages are worth a token lookup: API clients translate their own interface.
    """
    from baraza.negotiation import wants_html

    ui_language = None
    if wants_html(request.headers.get("Accept")) and request.headers.get("Authorization"):
        member = await member_of_request()
        ui_language = member.ui_language if member is not None else None
    g.language = pick_language(ui_language, request.headers.get("Accept-Language"))


def install_i18n(app: Quart, member_of_request: Callable[[], Awaitable[Any]]) -> None:
    """`member_of_request` comes from the assembly: who asks is the doors' question, and this
    module sits below them (the Letter renders through it too)."""

    async def choose_language() -> None:
        await _choose_language(member_of_request)

    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        _template_gettext, _template_ngettext, newstyle=True
    )
    app.before_request(choose_language)

    @app.context_processor
    async def _language_context() -> dict[str, str]:
        language = current_language()
        return {"lang": language, "direction": direction(language)}
