"""A member's languages: posts default to theirs, public timelines show what they chose."""

from __future__ import annotations

from tests.baraza.language_corpus import CORPUS
from tests.clientapi.helpers import member_with_token


async def _post(client, auth, text: str, **extra: str) -> dict:
    response = await client.post("/api/v1/statuses", headers=auth, form={"status": text, **extra})
    assert response.status_code == 200, await response.get_json()
    return await response.get_json()


async def test_status_without_language_gets_the_detected_one(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    status = await _post(client, auth, CORPUS["de"][2])
    assert status["language"] == "de"


async def test_short_status_gets_the_members_default_language(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    amina.language = "pt"
    await amina.save()
    assert (await _post(client, auth, "Até amanhã!"))["language"] == "pt"


async def test_public_timeline_honours_chosen_languages(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    reader, reader_auth = await member_with_token(settings, "bruno")
    french = await _post(client, auth, CORPUS["fr"][1])
    english = await _post(client, auth, CORPUS["en"][1])
    unknown = await _post(client, auth, "🎉🎉")
    assert (french["language"], english["language"], unknown["language"]) == ("fr", "en", None)

    everything = await (
        await client.get("/api/v1/timelines/public", headers=reader_auth)
    ).get_json()
    assert {s["id"] for s in everything} == {french["id"], english["id"], unknown["id"]}

    reader.chosen_languages = ["fr"]
    await reader.save()
    chosen = await (await client.get("/api/v1/timelines/public", headers=reader_auth)).get_json()
    assert [s["id"] for s in chosen] == [unknown["id"], french["id"]]


async def test_member_sets_posting_filter_and_interface_languages(client, settings) -> None:
    member, auth = await member_with_token(settings, "amina")
    response = await client.patch(
        "/api/v1/accounts/update_credentials",
        headers=auth,
        form={"source[language]": "pt-BR", "chosen_languages[]": "fr", "ui_language": "ar"},
    )
    assert response.status_code == 200, await response.get_json()
    await member.refresh_from_db()
    assert (member.language, member.chosen_languages, member.ui_language) == ("pt", ["fr"], "ar")


async def test_bad_language_preferences_are_refused_and_nothing_changes(client, settings) -> None:
    member, auth = await member_with_token(settings, "amina")
    for form in ({"source[language]": "xx"}, {"chosen_languages[]": "klingon"}):
        response = await client.patch(
            "/api/v1/accounts/update_credentials", headers=auth, form=form
        )
        assert response.status_code == 422
    await member.refresh_from_db()
    assert (member.language, member.chosen_languages) == (None, [])


async def test_pages_follow_the_members_interface_language(client, settings) -> None:
    member, auth = await member_with_token(settings, "amina")
    member.ui_language = "de"
    await member.save()
    headers = {**auth, "Accept": "text/html", "Accept-Language": "fr"}
    html = await (await client.get("/", headers=headers)).get_data(as_text=True)
    assert '<html lang="de" dir="ltr">' in html
