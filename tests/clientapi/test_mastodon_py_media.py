"""Mastodon.py against a live `baraza serve`: upload a picture, post it, fetch it back."""

from __future__ import annotations

import asyncio
import io

import aiohttp
import pytest
from mastodon import Mastodon

from tests.conftest import one_engine
from tests.e2e.conftest import engine, make_instance  # noqa: F401 - fixtures

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def upload_and_post(api: Mastodon) -> tuple[dict, dict]:
    media = api.media_post(io.BytesIO(PNG), mime_type="image/png", description="the courthouse")
    status = api.status_post("photo from the hearing", media_ids=[media["id"]])
    return media, status


@pytest.mark.parametrize("engine", one_engine("postgres"))
async def test_mastodon_py_uploads_media_and_posts_it(make_instance) -> None:  # noqa: F811
    a = await make_instance("127.0.0.2")
    await asyncio.to_thread(a.cli, "member", "add", "amina")
    token = await asyncio.to_thread(a.token, "amina")
    api = Mastodon(access_token=token, api_base_url=a.base_url, version_check_mode="none")

    media, status = await asyncio.to_thread(upload_and_post, api)
    assert media["type"] == "image"
    assert media["description"] == "the courthouse"
    [attached] = status["media_attachments"]
    assert str(attached["id"]) == str(media["id"])

    async with aiohttp.ClientSession() as http:
        async with http.get(attached["url"]) as response:  # anonymous: the post is public
            assert response.status == 200
            assert response.headers["Content-Type"] == "image/png"
            assert await response.read() == PNG
