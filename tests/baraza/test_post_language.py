"""Every post gets a language on the way in and carries it out in `contentMap`."""

from __future__ import annotations

import pytest

from actors.accounts import create_member
from federation.activities import parse_object
from federation.errors import Unprocessable
from inbox.ingest import language_of
from outbox.actions import create_post
from outbox.documents import object_document
from storage.models import Post
from tests.baraza.language_corpus import CORPUS
from tests.conftest import make_settings

FRENCH = CORPUS["fr"][0]


@pytest.fixture
async def member(any_db, tmp_path):
    settings = make_settings(any_db, tmp_path)
    amina = await create_member(settings, "amina")
    amina.language = "pt"
    await amina.save()
    return settings, amina


async def test_client_given_language_is_kept_even_against_the_text(member):
    settings, amina = member
    post = await create_post(settings, amina, f"<p>{FRENCH}</p>", language="de")
    assert (await Post.get(id=post.id)).language == "de"


async def test_client_given_language_with_region_is_stored_as_its_iso_639_1_code(member):
    settings, amina = member
    post = await create_post(settings, amina, f"<p>{FRENCH}</p>", language="fr-CA")
    assert post.language == "fr"


async def test_invalid_language_is_refused_and_nothing_is_stored(member):
    settings, amina = member
    with pytest.raises(Unprocessable):
        await create_post(settings, amina, "<p>hello</p>", language="klingon")
    assert await Post.all().count() == 0


async def test_language_is_detected_when_the_client_gives_none(member):
    settings, amina = member
    post = await create_post(settings, amina, f"<p>{FRENCH}</p>")
    assert post.language == "fr"
    assert object_document(post, amina)["contentMap"] == {"fr": post.content}


async def test_short_post_gets_the_authors_default_language(member):
    settings, amina = member
    post = await create_post(settings, amina, "<p>Merci beaucoup 🎉</p>")
    assert post.language == "pt"


def _note(**extra):
    return parse_object({"id": "https://peer.example/notes/1", "type": "Note", **extra})


@pytest.mark.parametrize(
    ("doc", "expected", "why"),
    [
        ({"content": FRENCH, "contentMap": {"de": FRENCH}}, "de", "contentMap beats the text"),
        ({"contentMap": {"pt-BR": "Olá"}}, "pt", "a region tag is reduced to its language"),
        (
            {
                "content": FRENCH,
                "@context": ["https://www.w3.org/ns/activitystreams", {"@language": "en"}],
            },
            "en",
            "@context's @language when there is no contentMap",
        ),
        ({"content": FRENCH}, "fr", "detected only when nothing is declared"),
        ({"content": "ok merci 🎉"}, None, "too short to detect: no language"),
        ({"content": FRENCH, "contentMap": {"und": FRENCH}}, "fr", "'und' declares nothing"),
    ],
)
def test_remote_post_language(doc, expected, why):
    assert language_of(_note(**doc)) == expected, why
