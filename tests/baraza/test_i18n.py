"""Five interface languages: every marked message translated, the right one picked per request."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from baraza.i18n import LANGUAGES, catalog_path, direction, pick_language

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("baraza", "webfinger", "actors", "federation", "inbox", "outbox", "clientapi")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def marked_messages() -> dict[str, str]:
    """Every msgid in the templates and in Python modules that use `baraza.i18n`, with where."""
    found: dict[str, str] = {}
    for template in sorted((REPO / "baraza" / "templates").rglob("*.html")):
        for line, message, _c, _x in extract_from_file("jinja2.ext:babel_extract", template):
            key = message if isinstance(message, str) else message[0]
            found.setdefault(key, f"{template.name}:{line}")
    for package in PACKAGES:
        for module in sorted((REPO / package).rglob("*.py")):
            if "baraza.i18n import" not in module.read_text(encoding="utf-8"):
                continue
            for line, message, _c, _x in extract_from_file("python", module):
                if isinstance(message, tuple):
                    message = message[0]
                found.setdefault(message, f"{module.relative_to(REPO)}:{line}")
    return found


def test_extraction_finds_the_pages_messages():
    messages = marked_messages()
    for expected in ("Sign in to authorize %(app)s", "Wrong user name or password.", "not found"):
        assert expected in messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_message_is_translated(language):
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    problems = []
    for message, where in marked_messages().items():
        entry = catalog.get(message)
        translated = entry.string if entry is not None else ""
        if isinstance(translated, tuple):
            translated = translated[0] if all(translated) else ""
        if not translated:
            problems.append(f"missing: {message!r} ({where})")
        elif sorted(PLACEHOLDER.findall(translated)) != sorted(PLACEHOLDER.findall(message)):
            problems.append(f"placeholders differ: {message!r} -> {translated!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("ui_language", "accept", "expected", "why"),
    [
        (None, None, "en", "nothing said: English"),
        (None, "fr-CH, fr;q=0.9, en;q=0.8", "fr", "a region is reduced to its language"),
        (None, "de;q=0.5, pt;q=0.9", "pt", "q-values order, not position"),
        (None, "ja, ar;q=0.3", "ar", "unavailable languages are skipped"),
        (None, "es, it;q=0.9", "en", "nothing available: English"),
        (None, "ar;q=0, fr;q=0.1", "fr", "q=0 means not acceptable"),
        (None, "*", "en", "a wildcard picks the default"),
        (None, "fr;q=abc, de", "de", "a broken q-value counts as not acceptable"),
        ("de", "fr, en", "de", "the member's choice beats the browser"),
        ("pt-BR", None, "pt", "the member's choice with a region"),
        ("ja", "ar", "ar", "a member's choice we lack falls back to the browser"),
        (None, ";;;,,", "en", "garbage falls back"),
    ],
)
def test_language_selection(ui_language, accept, expected, why):
    assert pick_language(ui_language, accept) == expected, why


def test_arabic_is_right_to_left():
    assert [direction(lang) for lang in LANGUAGES] == ["ltr", "ltr", "rtl", "ltr", "ltr"]


@pytest.mark.parametrize(
    ("accept", "lang", "dir_", "text"),
    [
        ("fr", "fr", "ltr", "Une instance Baraza"),
        ("ar", "ar", "rtl", "الأعضاء"),
        ("de-AT,de;q=0.9", "de", "ltr", "Öffentliche Räume"),
        ("pt-BR", "pt", "ltr", "Espaços públicos"),
        ("es", "en", "ltr", "Public spaces"),
    ],
)
async def test_home_page_speaks_the_browsers_language(client, accept, lang, dir_, text):
    response = await client.get("/", headers={"Accept-Language": accept, "Accept": "text/html"})
    html = await response.get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{dir_}">' in html
    assert text in html


async def test_error_page_message_is_translated(client):
    response = await client.get(
        "/no/such/page", headers={"Accept": "text/html", "Accept-Language": "de"}
    )
    html = await response.get_data(as_text=True)
    assert response.status_code == 404
    assert "nicht gefunden" in html and "Zurück zur Startseite" in html


async def test_sign_in_problem_is_translated(client):
    response = await client.get(
        "/oauth/authorize?client_id=nope", headers={"Accept-Language": "pt", "Accept": "text/html"}
    )
    html = await response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Este link de entrada não é válido" in html
