"""Translation through a real LibreTranslate-compatible process: cached, and only of what the
reader may see."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from actors.accounts import create_space, join_space
from baraza.app import create_app
from outbox.actions import create_post
from storage.models import Translation
from tests.baraza.language_corpus import CORPUS
from tests.clientapi.helpers import member_with_token
from tests.conftest import REPO, make_settings
from tests.e2e.instance import free_port


@pytest.fixture(scope="module")
def libretranslate() -> Iterator[str]:
    port = free_port("127.0.0.1")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.clientapi.fake_libretranslate", "--port", str(port)],
        cwd=REPO,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            urllib.request.urlopen(f"{url}/languages", timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


def _calls(url: str) -> int:
    with urllib.request.urlopen(f"{url}/calls", timeout=5) as response:
        return json.loads(response.read())["translate"]


@pytest.fixture
def settings(any_db, tmp_path, libretranslate):
    return make_settings(any_db, tmp_path, translate_url=libretranslate)


async def _post(client, auth, text: str, **extra: str) -> dict:
    response = await client.post("/api/v1/statuses", headers=auth, form={"status": text, **extra})
    assert response.status_code == 200, await response.get_json()
    return await response.get_json()


async def test_translation_is_fetched_once_then_served_from_the_cache(
    client, settings, libretranslate
):
    _, auth = await member_with_token(settings, "amina")
    _, reader = await member_with_token(settings, "bruno")
    post = await _post(client, auth, CORPUS["fr"][0], spoiler_text="Audience reportée")
    before = _calls(libretranslate)

    first = await client.post(
        f"/api/v1/statuses/{post['id']}/translate", headers=reader, form={"lang": "en"}
    )
    body = await first.get_json()
    assert first.status_code == 200, body
    assert body["content"] == f"[fr->en] {post['content']}"
    assert body["spoiler_text"] == "[fr->en] Audience reportée"
    assert body["detected_source_language"] == "fr"
    assert body["provider"] == "LibreTranslate"
    assert body["media_attachments"] == [] and body["poll"] is None
    assert _calls(libretranslate) == before + 2  # content and spoiler

    again = await client.post(
        f"/api/v1/statuses/{post['id']}/translate", headers=reader, form={"lang": "en"}
    )
    assert (await again.get_json()) == body
    assert _calls(libretranslate) == before + 2  # the cache answered
    assert await Translation.filter(post_id=int(post["id"]), target_language="en").count() == 1


async def test_translation_languages_come_from_the_backend(client, settings):
    _, auth = await member_with_token(settings, "amina")
    response = await client.get("/api/v1/instance/translation_languages", headers=auth)
    languages = await response.get_json()
    assert languages["fr"] == ["en", "ar", "de", "pt"]
    instance = await (await client.get("/api/v2/instance")).get_json()
    assert instance["configuration"]["translation"] == {"enabled": True}


async def test_bad_target_language_is_422(client, settings):
    _, auth = await member_with_token(settings, "amina")
    post = await _post(client, auth, CORPUS["de"][0])
    response = await client.post(
        f"/api/v1/statuses/{post['id']}/translate", headers=auth, form={"lang": "klingon"}
    )
    assert response.status_code == 422
    assert await Translation.all().count() == 0


async def test_post_in_a_private_space_is_not_translated_for_outsiders(
    client, settings, libretranslate
):
    owner, auth = await member_with_token(settings, "amina")
    _, outsider = await member_with_token(settings, "bruno")
    space = await create_space(settings, "casework", private=True)
    await join_space(space, owner)
    post = await create_post(settings, owner, f"<p>{CORPUS['fr'][3]}</p>", space=space)
    before = _calls(libretranslate)
    response = await client.post(
        f"/api/v1/statuses/{post.id}/translate", headers=outsider, form={"lang": "en"}
    )
    assert response.status_code == 404
    member_view = await client.post(
        f"/api/v1/statuses/{post.id}/translate", headers=auth, form={"lang": "en"}
    )
    assert member_view.status_code == 200  # the same post, for a member of the space
    before += 1
    assert _calls(libretranslate) == before
    assert await Translation.filter(post_id=post.id).count() == 1  # only the member's


async def test_without_a_backend_translation_is_503_and_not_advertised(any_db, tmp_path):
    app = create_app(make_settings(any_db, tmp_path), manage_database=False)
    async with app.test_app():
        client = app.test_client()
        _, auth = await member_with_token(make_settings(any_db, tmp_path), "amina")
        post = await _post(client, auth, CORPUS["en"][0])
        response = await client.post(f"/api/v1/statuses/{post['id']}/translate", headers=auth)
        assert response.status_code == 503
        assert "no translation service" in (await response.get_json())["error"]
        languages = await client.get("/api/v1/instance/translation_languages", headers=auth)
        assert await languages.get_json() == {}
        instance = await (await client.get("/api/v2/instance")).get_json()
        assert instance["configuration"]["translation"] == {"enabled": False}
